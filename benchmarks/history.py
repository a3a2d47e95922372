"""A year of call history for the large synthetic MSP, and the figures that depend on it.

    .venv/bin/python benchmarks/history.py [--scale 1.0] [--calls 200000] [--db URL]

Imports the synthetic MSP (``synthetic.py``), writes ``--calls`` calls spread over the year
before 2026-11-28 12:00 UTC with their events (created, priority, status, contact attempts,
notes, resolution), hash-chained exactly as the program chains them, through Core bulk inserts;
then runs the night's last 12-hour shift through the services (start, end = issue). Prints:
- ``dispatch-app calls --open --json`` wall time (median of 5) beside a bare interpreter start;
- ``verify`` over the whole history in-process (events per second; target 50,000) and as a command;
- the busy 12-hour shift's handoff record in Markdown (target under 1 s) and as a command;
- a year of the manager's response figures (target under 300 ms).
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select, text  # noqa: E402

from benchmarks.synthetic import write  # noqa: E402
from dispatch_app.domain import timeline as tl  # noqa: E402
from dispatch_app.domain.model import DEFAULT_RESPONSE_MINUTES, IMPACTS  # noqa: E402
from dispatch_app.reports.handoff_markdown import handoff_markdown  # noqa: E402
from dispatch_app.services import environment, review, shifts  # noqa: E402
from dispatch_app.services.database import open_database  # noqa: E402
from dispatch_app.store import chains  # noqa: E402
from dispatch_app.store.call_rows import CALLS, EVENTS  # noqa: E402

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
YEAR = timedelta(days=365)
SHIFT = (NOW - timedelta(hours=12), NOW)
DISPATCHER = "tech-0000"
BATCH = 5_000
PRIORITY_WEIGHTS = (("P1", 3), ("P2", 12), ("P3", 45), ("P4", 40))
OUTCOMES_WEIGHTS = (("acked", 55), ("no-answer", 30), ("voicemail", 10), ("declined", 5))


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def wall(argv: list[str], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(argv, capture_output=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode()}")
    return statistics.median(times)


def _choice(rng: random.Random, weighted) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def one_call(rng: random.Random, call_id: int, received: datetime, client, techs: list[str]):
    """A plausible call and its timeline (every status change a transition the domain allows)."""
    system = rng.choice(client["systems"])
    priority = _choice(rng, PRIORITY_WEIGHTS)
    impact = rng.choice(IMPACTS)
    start_status = rng.choices(["escalating", "handling", "deferred"], [60, 30, 10])[0]
    due = received + timedelta(minutes=DEFAULT_RESPONSE_MINUTES[priority])
    call = tl.Call(id=call_id, client=client["id"], received_at=received, system=system["id"], impact=impact,
                   summary=f"{system['name']}: {impact}", source="phone", status=start_status, priority=priority,
                   response_due=due)
    drafts = [tl.EventDraft(received, DISPATCHER, tl.CREATED, tl.created_data(call)),
              tl.EventDraft(received, DISPATCHER, tl.PRIORITY, tl.priority_data(priority, override=False)),
              tl.EventDraft(received, DISPATCHER, tl.STATUS, tl.status_data("new", start_status, why="verdict"))]
    status, clock = start_status, received
    if start_status == "escalating":
        for _ in range(rng.randint(1, 3)):
            clock += timedelta(minutes=rng.randint(1, 20))
            tech = rng.choice(techs)
            outcome = _choice(rng, OUTCOMES_WEIGHTS)
            drafts.append(tl.EventDraft(clock, DISPATCHER, tl.ATTEMPT, tl.attempt_data(tech, outcome)))
            if outcome == "acked":
                drafts.append(tl.EventDraft(clock, DISPATCHER, tl.STATUS, tl.status_data(status, "engaged")))
                status = "engaged"
                break
    if rng.random() < 0.3:
        clock += timedelta(minutes=rng.randint(1, 30))
        drafts.append(tl.EventDraft(clock, DISPATCHER, tl.NOTE, tl.note_data("called the client back")))
    resolved_at = clock + timedelta(minutes=rng.randint(10, 300))
    runbook_request = None
    open_anyway = rng.random() < 0.001
    if resolved_at <= NOW and not open_anyway:
        expert = status == "engaged"
        answer = rng.choice(["yes", "no", "no", "no"]) if expert else None
        by = next((d.data["tech"] for d in reversed(drafts) if d.kind == tl.ATTEMPT), DISPATCHER)
        drafts.append(tl.EventDraft(resolved_at, DISPATCHER, tl.RESOLUTION,
                                    tl.resolution_data("fixed", by=by, runbook_change=answer)))
        drafts.append(tl.EventDraft(resolved_at, DISPATCHER, tl.STATUS, tl.status_data(status, "resolved")))
        status = "resolved"
        runbook_request = "open" if answer == "yes" else None
    else:
        resolved_at = None
    events = tl.chain_events(call_id, drafts)
    marks = tl.response_marks(events)
    row = {
        "first_ack_at": marks.first_ack, "first_response_at": marks.first_response, "escalated_at": marks.escalated,
        "ack_seconds": (marks.first_ack - received).total_seconds() if marks.first_ack else None,
        "engage_seconds": (marks.first_response - received).total_seconds() if marks.first_response else None,
        "wake_count": (0 if rng.random() < 0.02 else rng.randint(1, 4)) if start_status == "escalating" else None,
        "id": call_id, "client_id": call.client, "system_id": call.system, "impact": impact, "summary": call.summary,
        "caller_name": None, "caller_phone": None, "contact": None, "source": "phone", "external_id": None,
        "received_at": received, "status": status, "priority": priority, "priority_override": None,
        "priority_override_by": None, "authorized": False, "unmatched": False, "response_due": due,
        "resolved_at": resolved_at, "runbook_request": runbook_request, "head_hash": events[-1].hash,
        "event_count": len(events), "version": len(events),
    }
    return row, [{"call_id": e.call_id, "seq": e.seq, "at": e.at, "actor": e.actor,
                  "tech": e.data.get("tech") or (e.data.get("by") if e.kind == tl.RESOLUTION else None),
                  "kind": e.kind, "data": e.data, "prev_hash": e.prev_hash, "hash": e.hash} for e in events]


def write_calls(db, rng: random.Random, instants: list[datetime], bundle_data: dict) -> tuple[int, int]:
    """A call received at each of ``instants`` (sorted) with its chained events, in bulk batches
    after the highest call id; (the first new id, events written)."""
    clients = bundle_data["clients"]
    techs = [t["id"] for t in bundle_data["technicians"] if t["id"] != DISPATCHER]
    with db.session() as session:
        first = (session.execute(select(func.max(CALLS.c.id))).scalar() or 0) + 1
    events_written = 0
    for begin in range(0, len(instants), BATCH):
        calls, events = [], []
        for offset, received in enumerate(instants[begin:begin + BATCH]):
            row, rows = one_call(rng, first + begin + offset, received, rng.choice(clients), techs)
            calls.append(row)
            events.extend(rows)
        with db.session(write=True) as session:
            connection = session.connection()
            chains.link_bulk(session, calls, events)
            connection.execute(insert(CALLS), calls)
            connection.execute(insert(EVENTS), events)
        events_written += len(events)
    return first, events_written


def write_history(db, bundle_data: dict, count: int, seed: int = 3) -> tuple[int, int]:
    """``count`` calls over the year before NOW, received uniformly, in bulk; (calls, events)."""
    rng = random.Random(seed)
    instants = sorted(NOW - YEAR + timedelta(seconds=rng.uniform(0, YEAR.total_seconds())) for _ in range(count))
    _, events_written = write_calls(db, rng, instants, bundle_data)
    if db.dialect == "postgresql":
        with db.session(write=True) as session:
            session.execute(text("SELECT setval(pg_get_serial_sequence('calls', 'id'), (SELECT max(id) FROM calls))"))
    return count, events_written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="size of the synthetic MSP (1.0: 1,500 clients)")
    parser.add_argument("--calls", type=int, default=200_000, help="calls in the year of history")
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="dispatch-history-"))
    bundle = write(work / "msp.json", args.scale)
    data = json.loads(bundle.read_text())
    url = args.db or f"sqlite:///{work / 'history.db'}"
    db = open_database(url)
    figures: list[tuple[str, str]] = []

    seconds, _ = timed(environment.import_bundle, db, bundle, actor=None)
    figures.append(("import the MSP", f"{seconds:.1f} s"))
    seconds, (n_calls, n_events) = timed(write_history, db, data, args.calls)
    figures.append((f"write {n_calls:,} calls with {n_events:,} events (bulk, chained)",
                    f"{seconds:.1f} s ({n_events / seconds:,.0f} events/s)"))

    shift = shifts.start_shift(db, actor=DISPATCHER, at=SHIFT[0])
    seconds, _ = timed(shifts.end_shift, db, actor=DISPATCHER, at=SHIFT[1])
    figures.append(("end the busy 12-hour shift (builds and issues its record)", f"{seconds * 1000:.0f} ms"))
    build_times, render_times = [], []
    for _ in range(5):
        build, record = timed(shifts.handoff, db, shift_id=shift.id, at=NOW)
        render, markdown = timed(handoff_markdown, record)
        build_times.append(build)
        render_times.append(render)
    f = record.figures
    figures.append((f"handoff Markdown, busy 12-hour shift ({f.received} received, {f.open} open, "
                    f"{f.attempts} attempts, {f.breaches} breaches)",
                    f"{statistics.median(build_times) * 1000:.0f} ms build + "
                    f"{statistics.median(render_times) * 1000:.0f} ms render ({len(markdown):,} characters)"))

    seconds, report = timed(shifts.verify, db)
    assert report.ok, report.first_break
    figures.append((f"verify in-process ({report.events:,} events, {report.calls:,} calls)",
                    f"{seconds:.2f} s ({report.events / seconds:,.0f} events/s)"))

    manager = next(t["id"] for t in data["technicians"] if "manager" in t.get("roles", []))
    year = (NOW - YEAR, NOW)
    seconds, rows = timed(review.response_figures, db, actor=manager, start=year[0], end=year[1])
    figures.append((f"response figures, first read (builds the kept cells from {sum(r.calls for r in rows):,} calls)",
                    f"{seconds:.1f} s"))
    times = []
    for _ in range(5):
        seconds, rows = timed(review.response_figures, db, actor=manager, start=year[0], end=year[1])
        times.append(seconds)
    figures.append((f"response figures, a year ({sum(r.calls for r in rows):,} calls, {len(rows):,} rows; median of 5)",
                    f"{statistics.median(times) * 1000:.0f} ms (target < 300 ms)"))

    with db.session() as session:
        open_calls = session.execute(select(func.count()).select_from(CALLS).where(
            CALLS.c.status != "resolved")).scalar_one()
    db.dispose()
    cli = [sys.executable, "-m", "dispatch_app", "--db", url]
    bare = wall([sys.executable, "-c", "pass"])
    figures.append(("python -c pass", f"{bare * 1000:.0f} ms"))
    seconds = wall([*cli, "calls", "--open", "--json"])
    figures.append((f"dispatch-app calls --open --json ({open_calls} open calls)", f"{seconds * 1000:.0f} ms"))
    seconds = wall([*cli, "handoff", str(shift.id), "--format", "md"])
    figures.append(("dispatch-app handoff SHIFT --format md", f"{seconds * 1000:.0f} ms"))
    seconds = wall([*cli, "verify"], repeat=1)
    figures.append(("dispatch-app verify", f"{seconds:.2f} s ({report.events / seconds:,.0f} events/s)"))

    width = max(len(name) for name, _ in figures)
    for name, value in figures:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
