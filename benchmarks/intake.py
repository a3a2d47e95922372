"""Figures for the HTTP intake (INTAKE.md) and the change feed, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/intake.py [--seconds 8] [--clients 16] [--pg-url URL | --no-pg]

For each database (a fresh northwind; PostgreSQL: a throwaway server started here with its
default, durable settings, unless --pg-url names one):

- sustained ``POST /v1/calls`` throughput and latency (p50/p99) with 16 concurrent clients
  (keep-alive connections, one thread each) against ``dispatch-app intake serve`` running in
  a process of its own, as deployed;
- the floor: the same rows (a call and its three first events, chained) written straight
  through the store with SQLAlchemy, in batches of 100 per transaction, no HTTP and no triage;
- feed latency: from a POST's 201 to the call id coming out of ``Feed.wait`` in this process.

    .venv/bin/python benchmarks/intake.py --enqueue [--seconds 8] [--clients 16] [--no-pg]

- the same sustained load through PagerDuty's ``POST /v2/enqueue`` (a trigger with a new
  ``dedup_key`` each time, so every event is a new call), beside the same floor.

    .venv/bin/python benchmarks/intake.py --alerts [--history 20000] [--serve-from DIR]

- a large Alertmanager payload beside another writer (SQLite): one ``POST /v1/alertmanager`` of
  3,000 new alerts (under 256 KiB) into a database already holding ``--history`` calls, while
  this process records a phone call (``calls.record_call``, as ``dispatch-app call add`` does)
  every 50 ms; the figure is the longest any of those writes took (a write refused as busy
  counts with the time it waited). ``--serve-from`` runs the server from another source tree
  (an earlier version, for a before/after figure).
"""
from __future__ import annotations

import argparse
import glob
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import keyring  # noqa: E402
from keyring.backend import KeyringBackend  # noqa: E402

from dispatch_app import store  # noqa: E402
from dispatch_app.feed import Feed  # noqa: E402
from dispatch_app.services import calls, environment  # noqa: E402
from dispatch_app.store import Database, call_rows  # noqa: E402

EXAMPLES = ROOT.parent / "shared" / "examples"
TOKEN = "benchmark-token-" + "b" * 32
BODY = {"summary": "PLC bridge heartbeat lost", "client": "acme", "system": "erp-plc", "impact": "down",
        "source": "benchmark"}

SERVER = """
import os, sys
import keyring
from keyring.backend import KeyringBackend

class Memory(KeyringBackend):
    priority = 100
    values = {}
    def get_password(self, s, u): return self.values.get((s, u))
    def set_password(self, s, u, p): self.values[(s, u)] = p
    def delete_password(self, s, u): self.values.pop((s, u), None)

keyring.set_keyring(Memory())
from dispatch_app import secrets
from dispatch_app.cli.main import main
secrets.set_secret(secrets.INTAKE_TOKEN, os.environ["BENCH_TOKEN"])
sys.exit(main(["intake", "serve", "--listen", "127.0.0.1:" + sys.argv[2], "--db", sys.argv[1]]))
"""


class _Memory(KeyringBackend):
    priority = 100  # type: ignore[assignment]
    values: dict = {}

    def get_password(self, service, username):
        return self.values.get((service, username))

    def set_password(self, service, username, password):
        self.values[(service, username)] = password

    def delete_password(self, service, username):
        self.values.pop((service, username), None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def northwind(url: str, work: Path) -> None:
    db = Database(url)
    environment.import_bundle(db, EXAMPLES / "northwind.yaml", actor=None)
    db.dispose()


def start_server(url: str, root: Path = ROOT) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", SERVER, url, str(port)], cwd=root,
                               env={**os.environ, "BENCH_TOKEN": TOKEN, "PYTHONPATH": str(root)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/v1/health")
            if connection.getresponse().status == 200:
                return process, port
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit(f"the intake did not start: {process.stderr.read()}")


def post(connection: http.client.HTTPConnection, body: dict) -> tuple[int, dict]:
    connection.request("POST", "/v1/calls", body=json.dumps(body),
                       headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    response = connection.getresponse()
    return response.status, json.loads(response.read())


def trigger(key: str) -> dict:
    """A PagerDuty Events API v2 trigger, as the vendor documents it, naming acme's PLC bridge."""
    return {"routing_key": TOKEN, "event_action": "trigger", "dedup_key": key,
            "payload": {"summary": BODY["summary"], "source": "plc-bridge-01", "severity": "critical",
                        "component": "erp-plc", "custom_details": {"client": "acme"}}}


def enqueue(connection: http.client.HTTPConnection, body: dict) -> tuple[int, dict]:
    connection.request("POST", "/v2/enqueue", body=json.dumps(trigger(body["external_id"])),
                       headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    status = response.status
    return (201 if status == 202 else status), json.loads(response.read())


def load(port: int, clients: int, seconds: float, send=post) -> dict:
    """``clients`` threads posting back to back for ``seconds`` (after one second of warm-up)."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    failures = [0] * clients
    begin = time.monotonic() + 1.0
    end = begin + seconds
    gate = threading.Barrier(clients)

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        gate.wait()
        n = 0
        while True:
            started = time.monotonic()
            if started >= end:
                break
            status, _ = send(connection, {**BODY, "external_id": f"load-{index}-{n}"})
            n += 1
            finished = time.monotonic()
            if started >= begin:
                if status == 201:
                    latencies[index].append(finished - started)
                else:
                    failures[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = sorted(x for per in latencies for x in per)
    return {"rate": len(every) / seconds, "p50": every[len(every) // 2] * 1000,
            "p99": every[int(len(every) * 0.99)] * 1000, "count": len(every), "failures": sum(failures)}


def floor(url: str, total: int = 3000, batch: int = 100) -> float:
    """Calls per second written straight through the store, ``batch`` per transaction."""
    db = Database(url)
    at = datetime.now(timezone.utc)
    prepared = calls.prepare_call(db, actor=None, at=at, **{k: v for k, v in BODY.items()})
    started = time.perf_counter()
    for first in range(0, total, batch):
        with db.session(write=True) as session:
            store.record_change(session, at=at)
            for n in range(first, first + batch):
                call = replace(prepared.call, external_id=f"floor-{n}")
                call_rows.insert_call(session, call, prepared.drafts)
    rate = total / (time.perf_counter() - started)
    db.dispose()
    return rate


def feed_latency(url: str, port: int, samples: int = 20) -> list[float]:
    """Seconds from a POST's 201 to its call id coming out of ``Feed.wait``."""
    db = Database(url)
    feed = Feed(db)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    out = []
    try:
        for n in range(samples):
            token = feed.current()
            seen: dict[int, float] = {}

            def listen(token=token) -> None:
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline:
                    token, changes = feed.wait(token, 1.0)
                    for call_id in changes.call_ids:
                        seen.setdefault(call_id, time.perf_counter())
                    if changes.call_ids:
                        return

            listener = threading.Thread(target=listen)
            listener.start()
            time.sleep(0.05 + (n % 5) * 0.05)  # land anywhere in SQLite's polling period
            status, answer = post(connection, {**BODY, "external_id": f"feed-{n}-{time.time()}"})
            acknowledged = time.perf_counter()
            listener.join()
            if status == 201 and answer["id"] in seen:
                out.append(max(0.0, seen[answer["id"]] - acknowledged))
    finally:
        feed.close()
        db.dispose()
    return out


class Postgres:
    """A throwaway PostgreSQL server with its default (durable) settings."""

    def __init__(self) -> None:
        found = [Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin") if (Path(p) / "pg_ctl").exists()]
        if not found:
            raise SystemExit("no PostgreSQL server binaries; pass --pg-url or --no-pg")
        self.bindir = max(found, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
        self.base = Path(tempfile.mkdtemp(prefix="dispatch-bench-pg-"))
        self.as_postgres: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres", "postgres")
            self.as_postgres = ["runuser", "-u", "postgres", "--"]
        self.port = free_port()
        self.data = self.base / "data"
        subprocess.run([*self.as_postgres, str(self.bindir / "initdb"), "-D", str(self.data), "-A", "trust",
                        "-U", "postgres"], check=True, capture_output=True)
        subprocess.run([*self.as_postgres, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o",
                        f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.base}",
                        "-l", str(self.base / "log"), "-w", "start"], check=True, capture_output=True)
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        subprocess.run([*self.as_postgres, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"],
                       capture_output=True)
        shutil.rmtree(self.base, ignore_errors=True)


def measure(name: str, url: str, work: Path, args) -> dict:
    northwind(url, work)
    process, port = start_server(url)
    try:
        sustained = load(port, args.clients, args.seconds, enqueue if args.enqueue else post)
        latencies = feed_latency(url, port)
    finally:
        process.terminate()
        process.wait(30)
    rows = floor(url)
    return {"database": name, **sustained, "floor": rows,
            "feed_p50": statistics.median(latencies) * 1000 if latencies else None,
            "feed_max": max(latencies) * 1000 if latencies else None, "feed_samples": len(latencies)}


def history(url: str, count: int, batch: int = 500) -> None:
    """``count`` resolved calls with external ids, as months of intake leave them."""
    db = Database(url)
    at = datetime.now(timezone.utc)
    prepared = calls.prepare_call(db, actor=None, at=at, **{k: v for k, v in BODY.items()})
    for first in range(0, count, batch):
        with db.session(write=True) as session:
            store.record_change(session, at=at)
            for n in range(first, min(count, first + batch)):
                call = replace(prepared.call, external_id=f"alertmanager:old{n:06d}:2026-01-01T00:00:00Z",
                               status="resolved")
                call_rows.insert_call(session, call, prepared.drafts)
    db.dispose()


def alert_payload(url: str, work: Path, args) -> dict:
    """The longest wait of another writer while one 3,000-alert payload is written."""
    from dispatch_app.errors import DispatchError

    northwind(url, work)
    history(url, args.history)
    alerts = [{"labels": {"alertname": "DiskFull", "client": "acme"}, "fingerprint": f"b{n:05d}"}
              for n in range(args.alert_count)]
    body = json.dumps({"version": "4", "status": "firing", "alerts": alerts}, separators=(",", ":"))
    process, port = start_server(url, Path(args.serve_from) if args.serve_from else ROOT)
    db = Database(url)
    waits: list[float] = []
    refused = 0
    done = threading.Event()

    def other_writer() -> None:
        nonlocal refused
        n = 0
        while not done.is_set():
            started = time.perf_counter()
            try:
                calls.record_call(db, actor=None, summary=f"phone call {n}", client="acme",
                                  at=datetime.now(timezone.utc))
            except DispatchError:
                refused += 1
            waits.append(time.perf_counter() - started)
            n += 1
            done.wait(0.05)

    try:
        calls.record_call(db, actor=None, summary="warm-up", client="acme", at=datetime.now(timezone.utc))
        writer = threading.Thread(target=other_writer)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        started = time.perf_counter()
        writer.start()
        connection.request("POST", "/v1/alertmanager", body=body,
                           headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
        response = connection.getresponse()
        answer = json.loads(response.read())
        elapsed = time.perf_counter() - started
        done.set()
        writer.join()
    finally:
        process.terminate()
        process.wait(30)
        db.dispose()
    if response.status != 200 or len(answer.get("calls", [])) != len(alerts):
        raise SystemExit(f"the payload was not written: {response.status} {answer}")
    return {"payload_s": elapsed, "bytes": len(body), "writes": len(waits), "refused": refused,
            "max_wait": max(waits) * 1000, "p50_wait": statistics.median(waits) * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--pg-url", help="an empty PostgreSQL database to use instead of a throwaway server")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--alerts", action="store_true", help="only the large Alertmanager payload figure")
    parser.add_argument("--enqueue", action="store_true", help="the sustained load through POST /v2/enqueue")
    parser.add_argument("--alert-count", type=int, default=3000)
    parser.add_argument("--history", type=int, default=20000, help="calls in the database before the payload")
    parser.add_argument("--serve-from", metavar="DIR", help="run the server from this source tree")
    args = parser.parse_args()
    keyring.set_keyring(_Memory())
    work = Path(tempfile.mkdtemp(prefix="dispatch-bench-intake-"))
    if args.alerts:
        r = alert_payload(f"sqlite:///{work / 'alerts.db'}", work, args)
        shutil.rmtree(work, ignore_errors=True)
        print(f"POST /v1/alertmanager, {args.alert_count} new alerts ({r['bytes'] / 1024:.0f} KiB) into SQLite "
              f"holding {args.history} calls, another writer every 50 ms, on {os.cpu_count()} CPUs")
        print(f"payload {r['payload_s']:.1f} s; other writer: {r['writes']} writes, {r['refused']} refused as busy, "
              f"median {r['p50_wait']:.0f} ms, longest {r['max_wait']:.0f} ms")
        return
    results = [measure("SQLite", f"sqlite:///{work / 'intake.db'}", work, args)]
    if not args.no_pg:
        server = None if args.pg_url else Postgres()
        try:
            results.append(measure("PostgreSQL", args.pg_url or server.url, work, args))
        finally:
            if server is not None:
                server.stop()
    shutil.rmtree(work, ignore_errors=True)
    endpoint = "POST /v2/enqueue" if args.enqueue else "POST /v1/calls"
    print(f"{endpoint}, {args.clients} concurrent clients, {args.seconds:.0f} s sustained, on {os.cpu_count()} CPUs")
    print(f"{'database':<11} {'alerts/s' if args.enqueue else 'calls/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} {'floor/s':>8} {'of floor':>8} "
          f"{'feed p50 ms':>11} {'feed max ms':>11}")
    for r in results:
        print(f"{r['database']:<11} {r['rate']:>8.0f} {r['p50']:>7.1f} {r['p99']:>7.1f} {r['failures']:>6} "
              f"{r['floor']:>8.0f} {r['rate'] / r['floor']:>8.0%} {r['feed_p50']:>11.0f} {r['feed_max']:>11.0f}")


if __name__ == "__main__":
    main()
