"""Figures for the triage engine, the bundle and storage on a large synthetic MSP.

    .venv/bin/python benchmarks/run.py [--scale 1.0] [--db URL] [--calls 20000] [--before REV]
    .venv/bin/python benchmarks/run.py --cli-only --db URL [--before REV]   # a database built before

Prints: import and export time, in-process triage latency p50/p99 over 10,000 random
what-ifs, coverage gaps over 30 days for the whole MSP, peak memory, and the command line's
quick reads (``triage --json``, ``oncall --json``, ``calls --open --json``) beside a bare
interpreter start and ``import sqlalchemy`` (the floor of any read through SQLAlchemy), all
measured in the same run, interleaved, median of 9. ``--before REV`` measures the same commands
with the program as it was at git revision REV too (its ``dispatch_app`` unpacked to a temporary
folder), in the same run. Every command runs with its bytecode cached (as an installed
workstation has it) and once before it is timed.
"""
from __future__ import annotations

import argparse
import io
import os
import random
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.history import write_history  # noqa: E402
from benchmarks.synthetic import build, write  # noqa: E402
from dispatch_app.domain import gaps, triage  # noqa: E402
from dispatch_app.domain.model import IMPACTS, CallFacts, Dispatcher  # noqa: E402
from dispatch_app.services import environment  # noqa: E402
from dispatch_app.services.database import open_database  # noqa: E402

AT = datetime(2026, 11, 28, 5, 0, tzinfo=timezone.utc)


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


ROOT = Path(__file__).resolve().parents[1]
CLI_AT = "2026-11-28T05:00:00Z"


def _program_at(revision: str, into: Path) -> Path:
    """The package as it was at git ``revision``, unpacked under ``into`` (the checkout is not touched)."""
    archive = subprocess.run(["git", "archive", "--format=tar", revision, "dispatch_app"], cwd=ROOT,
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def cli_figures(url: str, client: str, system: str, before: str | None, repeat: int = 9) -> list[tuple[str, str]]:
    """The quick reads of the command line beside ``python -c pass``, interleaved in one run."""
    work = Path(tempfile.mkdtemp(prefix="dispatch-cli-"))
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(work / "bytecode")
    reads = {
        "triage --json": ["--json", "triage", "--client", client, "--system", system, "--impact", "down",
                          "--at", CLI_AT],
        "oncall --json": ["--json", "oncall", "--at", CLI_AT],
        "calls --open --json": ["--json", "calls", "--open", "--at", CLI_AT],
    }
    programs = {"now": ROOT}
    if before:
        programs[f"at {before}"] = _program_at(before, work / "before")
    commands: dict[str, tuple[list[str], Path]] = {
        "python -c pass": ([sys.executable, "-c", "pass"], ROOT),
        'python -c "import sqlalchemy"': ([sys.executable, "-c", "import sqlalchemy"], ROOT),
    }
    for label, root in programs.items():
        for name, argv in reads.items():
            commands[f"dispatch-app {name} ({label})"] = ([sys.executable, "-m", "dispatch_app", "--db", url, *argv],
                                                          root)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for round_ in range(repeat + 1):  # the first round writes the bytecode and is not counted
        for name, (argv, root) in commands.items():
            start = time.perf_counter()
            done = subprocess.run(argv, capture_output=True, cwd=root, env={**env, "PYTHONPATH": str(root)})
            elapsed = time.perf_counter() - start
            if done.returncode != 0:
                raise SystemExit(f"{name} failed: {done.stderr.decode()[-400:]}")
            if round_:
                times[name].append(elapsed)
    bare = statistics.median(times["python -c pass"])
    figures = []
    for name, values in times.items():
        median = statistics.median(values)
        figures.append((name, f"{median * 1000:.0f} ms ({median / bare:.1f}x a bare interpreter; "
                              f"{min(values) * 1000:.0f}-{max(values) * 1000:.0f} ms)"))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--triage-runs", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=20_000, help="calls written before the queue is read")
    parser.add_argument("--before", metavar="REV", help="also measure the command line as it was at this revision")
    parser.add_argument("--cli-only", action="store_true", help="only the command line's figures, on --db as it is")
    args = parser.parse_args()

    if args.cli_only:
        if not args.db:
            parser.error("--cli-only needs --db (a database with the synthetic MSP, e.g. one history.py built)")
        env = environment.load_environment(open_database(args.db), clients=["client-0750"])
        client = env.clients[0]
        for name, value in cli_figures(args.db, client.id, client.systems[0].id, args.before):
            print(f"{name:<58}  {value}")
        return

    work = Path(tempfile.mkdtemp(prefix="dispatch-bench-"))
    bundle = write(work / "msp.yaml", args.scale)
    url = args.db or f"sqlite:///{work / 'bench.db'}"
    db = open_database(url)
    figures: list[tuple[str, str]] = []

    seconds, _ = timed(environment.import_bundle, db, bundle, actor=None)
    figures.append(("import (YAML bundle into an empty database)", f"{seconds:.2f} s"))
    seconds, _ = timed(environment.export_bundle, db, work / "export.yaml", actor=None)
    figures.append(("export", f"{seconds:.2f} s"))

    seconds, env = timed(environment.load_environment, db)
    figures.append(("load the whole environment", f"{seconds:.2f} s"))
    clients = env.clients
    print(f"MSP: {len(clients)} clients, {sum(len(c.systems) for c in clients)} systems, "
          f"{len(env.technicians)} technicians, {len(env.rotations)} rotations, {len(env.overrides)} overrides")

    rng = random.Random(7)
    dispatcher = Dispatcher(tech="tech-0000", level=1)
    latencies = []
    verdicts = {"handle": 0, "escalate": 0, "defer": 0}
    for _ in range(args.triage_runs):
        client = rng.choice(clients)
        system = rng.choice(client.systems)
        facts = CallFacts(client=client.id, system=system.id, impact=rng.choice(IMPACTS), summary="line down")
        at = AT + timedelta(minutes=rng.randrange(60 * 24 * 30))
        start = time.perf_counter()
        result = triage.triage(env, facts, at, dispatcher)
        latencies.append(time.perf_counter() - start)
        verdicts[result.verdict] += 1
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[int(len(latencies) * 0.99)] * 1000
    figures.append((f"triage in-process, {args.triage_runs} what-ifs", f"p50 {p50:.3f} ms, p99 {p99:.3f} ms ({verdicts})"))

    seconds, found = timed(gaps.coverage_gaps, env, AT, AT + timedelta(days=30))
    figures.append(("gaps over 30 days, whole MSP", f"{seconds:.2f} s ({len(found)} gaps)"))

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures.append(("peak memory (this process)", f"{peak:.0f} MiB"))

    seconds, (n_calls, _) = timed(write_history, db, build(args.scale), args.calls)
    figures.append((f"write {n_calls:,} calls for the queue", f"{seconds:.1f} s"))
    db.dispose()
    client = clients[len(clients) // 2]
    figures += cli_figures(url, client.id, client.systems[0].id, args.before)

    width = max(len(name) for name, _ in figures)
    for name, value in figures:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
