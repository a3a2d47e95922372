"""Figures for the triage engine, the bundle and storage on a large synthetic MSP.

    .venv/bin/python benchmarks/run.py [--scale 1.0] [--db URL]

Prints: import and export time, in-process triage latency p50/p99 over 10,000 random
what-ifs, ``dispatch-app triage --json`` wall time beside a bare interpreter start measured in
the same run, coverage gaps over 30 days for the whole MSP, and peak memory.
"""
from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.synthetic import write  # noqa: E402
from dispatch_app.domain import gaps, triage  # noqa: E402
from dispatch_app.domain.model import IMPACTS, CallFacts, Dispatcher  # noqa: E402
from dispatch_app.services import environment  # noqa: E402
from dispatch_app.services.database import open_database  # noqa: E402

AT = datetime(2026, 11, 28, 5, 0, tzinfo=timezone.utc)


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def wall(argv: list[str], repeat: int = 7) -> float:
    """Median wall time of a command."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--triage-runs", type=int, default=10_000)
    args = parser.parse_args()

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

    bare = wall([sys.executable, "-c", "pass"])
    client = clients[len(clients) // 2]
    cli = wall([sys.executable, "-m", "dispatch_app", "--db", url, "--json", "triage", "--client", client.id,
                "--system", client.systems[0].id, "--impact", "down", "--at", "2026-11-28T05:00:00Z"])
    figures.append(("python -c pass", f"{bare * 1000:.0f} ms"))
    figures.append(("dispatch-app triage --json", f"{cli * 1000:.0f} ms ({cli / bare:.1f}x a bare interpreter)"))

    seconds, found = timed(gaps.coverage_gaps, env, AT, AT + timedelta(days=30))
    figures.append(("gaps over 30 days, whole MSP", f"{seconds:.2f} s ({len(found)} gaps)"))

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures.append(("peak memory (this process)", f"{peak:.0f} MiB"))

    width = max(len(name) for name, _ in figures)
    for name, value in figures:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
