"""What the intake promises when things break: an acknowledged call survives the server being
killed, and a database that stops answering gets 503 with nothing half-written."""
from __future__ import annotations

import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from intake_helpers import Intake, start_server_process
from dispatch_app.intake.server import IntakeServer
from dispatch_app.services import environment, intake as intake_service, shifts
from dispatch_app.store import Database
from night import bundle


def assert_whole(db: Database) -> None:
    """Every call has all the events its chain head says, and every chain verifies."""
    with db.engine.connect() as connection:
        broken = connection.execute(text(
            "SELECT c.id FROM calls c LEFT JOIN call_events e ON e.call_id = c.id "
            "GROUP BY c.id, c.event_count HAVING count(e.pk) != c.event_count OR c.event_count = 0")).all()
    assert broken == []
    assert shifts.verify(db).ok


def test_a_killed_server_loses_no_acknowledged_call(northwind_url, tmp_path):
    server = start_server_process(northwind_url, "kill-test-token-" + "k" * 20)
    acknowledged: dict[str, int] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def sender(worker: int) -> None:
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {server.token}"},
                          timeout=10) as client:
            for n in range(10_000):
                if stop.is_set():
                    return
                key = f"burst-{worker}-{n}"
                try:
                    answer = client.post("/v1/calls", json={"summary": f"alarm {key}", "client": "acme",
                                                            "system": "erp-plc", "impact": "down",
                                                            "external_id": key})
                except httpx.HTTPError:
                    return  # the server is gone: this request was never acknowledged
                if answer.status_code == 201:
                    with lock:
                        acknowledged[key] = answer.json()["id"]

    with ThreadPoolExecutor(16) as pool:
        for worker in range(16):
            pool.submit(sender, worker)
        deadline = time.monotonic() + 20
        while len(acknowledged) < 300 and time.monotonic() < deadline:
            time.sleep(0.01)
        server.kill()  # SIGKILL in the middle of the burst
        stop.set()
    assert len(acknowledged) >= 300

    db = Database(northwind_url)
    try:
        with db.engine.connect() as connection:
            stored = dict(connection.execute(text("SELECT external_id, id FROM calls")).all())
        missing = {k: v for k, v in acknowledged.items() if stored.get(k) != v}
        assert missing == {}
        assert_whole(db)
    finally:
        db.dispose()


def test_sqlite_held_by_another_program_gives_503_and_nothing_half_written(northwind_url, memory_keyring):
    if not northwind_url.startswith("sqlite"):
        pytest.skip("the SQLite case; PostgreSQL is stopped in the next test")
    token = intake_service.rotate_token()
    db = Database(northwind_url)
    server = IntakeServer(db, port=0)
    server.start()
    client = httpx.Client(base_url=f"http://127.0.0.1:{server.port}", headers={"Authorization": f"Bearer {token}"},
                          timeout=30)
    try:
        assert client.post("/v1/calls", json={"summary": "before", "client": "acme"}).status_code == 201
        holder = sqlite3.connect(make_url(northwind_url).database, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")  # another program takes the write lock and keeps it
        try:
            refused = client.post("/v1/calls", json={"summary": "during", "client": "acme", "external_id": "retry-1"})
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert refused.status_code == 503 and "error" in refused.json(), refused.text
        retried = client.post("/v1/calls", json={"summary": "during", "client": "acme", "external_id": "retry-1"})
        assert retried.status_code == 201
        assert Intake("", token, db).count() == 2
        assert_whole(db)
    finally:
        client.close()
        server.stop()
        db.dispose()


@pytest.mark.postgresql
def test_postgresql_stopped_mid_run_gives_503_and_nothing_half_written(throwaway_postgres, memory_keyring, tmp_path):
    token = intake_service.rotate_token()
    db = Database(throwaway_postgres.url)
    environment.import_bundle(db, bundle(tmp_path), actor=None)
    server = IntakeServer(db, port=0)
    server.start()
    client = httpx.Client(base_url=f"http://127.0.0.1:{server.port}", headers={"Authorization": f"Bearer {token}"},
                          timeout=30)
    try:
        assert client.post("/v1/calls", json={"summary": "before", "client": "acme"}).status_code == 201
        throwaway_postgres.stop()
        refused = client.post("/v1/calls", json={"summary": "during", "client": "acme", "external_id": "retry-1"})
        assert refused.status_code == 503 and "error" in refused.json(), refused.text
        assert token not in refused.text
        alerts = client.post("/v1/alertmanager", json={"version": "4", "alerts": [
            {"labels": {"alertname": "Down", "client": "acme"}, "fingerprint": "f", "status": "firing"}]})
        assert alerts.status_code == 503
        health = httpx.get(f"http://127.0.0.1:{server.port}/v1/health", timeout=30)
        assert health.status_code == 503 and "error" in health.json()

        throwaway_postgres.start()
        retried = client.post("/v1/calls", json={"summary": "during", "client": "acme", "external_id": "retry-1"})
        assert retried.status_code == 201, retried.text
        assert httpx.get(f"http://127.0.0.1:{server.port}/v1/health").status_code == 200
        assert Intake("", token, db).count() == 2
        assert_whole(db)
    finally:
        client.close()
        server.stop()
        db.dispose()
