"""The lead's editor, the schedule view and the manager's figures on the large MSP (issue 7, "Speed").

    .venv/bin/python benchmarks/lead_and_manager.py [--scale 1.0] [--calls 200000] [--db URL]

Imports the synthetic MSP (``synthetic.py``: ``client-0000`` has 50 systems, ``rot-00`` 10
members) into a fresh SQLite file and writes ``--calls`` calls over the year before
2026-11-28 (``history.write_history``); ``--db`` reuses a database ``history.py`` built. Then, in
the console as ``app.py`` builds it (offscreen), each figure is the time from the request to
the signal that says the view is filled, events processed (median and max of 10):

- open ``client-0000`` (50 systems) in the editor, until ``record_shown``;
- a month of ``rot-00`` in the schedule view, until ``range_shown``;
- a year of response figures in the review window, until ``figures_shown``; and the
  service alone (``review.response_figures``): its first read, which builds the kept cells
  (``store/figure_cells.py``) from every call, then a year of whole months (read from the
  cells) and a range that cuts through a month (that month computed from its calls).

Target: each under 300 ms.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
REPEAT = 10


def build(work: Path, scale: float, calls: int) -> tuple[str, dict]:
    from benchmarks import history
    from benchmarks.synthetic import write
    from dispatch_app.services import environment
    from dispatch_app.services.database import open_database

    bundle = write(work / "msp.json", scale)
    data = json.loads(bundle.read_text())
    url = f"sqlite:///{work / 'msp.db'}"
    db = open_database(url)
    environment.import_bundle(db, bundle, actor=None)
    history.write_history(db, data, calls)
    db.dispose()
    return url, data


def timed_until(app, start, signal, repeat: int = REPEAT) -> list[float]:
    """Seconds from ``start()`` to ``signal``, the events it posted processed, ``repeat`` times."""
    from PySide6.QtCore import QEventLoop

    from benchmarks.console import wait_until

    times = []
    for _ in range(repeat):
        seen = []
        slot = lambda *args: seen.append(args)  # noqa: E731
        signal.connect(slot)
        began = time.perf_counter()
        start()
        wait_until(app, lambda: bool(seen))
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)
        times.append(time.perf_counter() - began)
        signal.disconnect(slot)
    return times


def measure(url: str, data: dict, work: Path) -> list[tuple[str, list[float]]]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from benchmarks.console import wait_until
    from dispatch_app.app import build_console, resources_dir
    from dispatch_app.services import review
    from dispatch_app.settings import Settings

    lead = next(t["id"] for t in data["technicians"] if "lead" in t["roles"])
    manager = next(t["id"] for t in data["technicians"] if "manager" in t["roles"])
    app = QApplication.instance() or QApplication([])
    settings = Settings(work / "bench-settings.json")
    for key, value in (("signed_in_technician", lead), ("viewer_timezone", "America/Chicago"),
                       ("notify_new_p1", False)):
        settings.set(key, value)
    console = build_console(url, settings=settings, clock=lambda: NOW, resources=resources_dir(), settle_heap=True)
    window = console.window
    window.show()
    window.start()
    wait_until(app, lambda: window.env is not None and window.actor.id == lead)
    out = []

    editor = window.controllers["windows"].open_editor()
    wait_until(app, lambda: editor.navigator.tree.model() is not None and console.tasks.pending == 0)
    times = []
    for _ in range(REPEAT):  # from another record each time, so the form is filled anew
        editor.open_record("clients", "client-0001")
        wait_until(app, lambda: editor.record is not None and editor.record.key == "client-0001")
        times += timed_until(app, lambda: editor.open_record("clients", "client-0000"), editor.record_shown, 1)
    out.append(("editor: open client-0000 (50 systems)", times))

    schedules = window.controllers["windows"].open_schedules()
    wait_until(app, lambda: console.tasks.pending == 0)
    schedules.show_rotation("rot-00")
    wait_until(app, lambda: console.tasks.pending == 0)
    month = (datetime(2026, 11, 1, 5, tzinfo=timezone.utc), datetime(2026, 12, 1, 6, tzinfo=timezone.utc))
    out.append(("schedule: a month of rot-00 (10 members)",
                timed_until(app, lambda: schedules.show_range(*month), schedules.range_shown)))

    window._sign_in(manager)
    wait_until(app, lambda: window.actor.id == manager and console.tasks.pending == 0)
    year = (NOW - timedelta(days=365), NOW)

    def figures(start, end, repeat):
        times = []
        for _ in range(repeat):
            began = time.perf_counter()
            rows = review.response_figures(console.backend.db, actor=manager, start=start, end=end)
            times.append(time.perf_counter() - began)
        return rows, times

    with console.backend.db.session() as session:
        built = session.connection().exec_driver_sql("SELECT folded_seq FROM figure_state").scalar() is not None
    if not built:
        rows, times = figures(*year, 1)
        out.append((f"response figures, first read: builds the kept cells from {sum(r.calls for r in rows):,} calls",
                    times))
    rows, times = figures(*year, REPEAT)
    out.append((f"response figures service: a year ({sum(r.calls for r in rows):,} calls, {len(rows):,} rows)", times))
    mid_month = datetime(2025, 12, 15, 6, tzinfo=timezone.utc)
    out.append(("response figures service: Dec 15 to now (December computed from its calls)",
                figures(mid_month, NOW, REPEAT)[1]))
    reviewer = window.controllers["windows"].open_review()
    wait_until(app, lambda: console.tasks.pending == 0)
    out.append(("review window: a year of figures, table and charts",
                timed_until(app, lambda: reviewer.show_figures(*year), reviewer.figures_shown, repeat=3)))
    window.stop_timers()
    console.tasks.shutdown()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="size of the synthetic MSP (1.0: 1,500 clients)")
    parser.add_argument("--calls", type=int, default=200_000, help="calls in the year of history")
    parser.add_argument("--db", help="a database history.py built (with its msp.json beside it)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dispatch-lead-"))
    if args.db:
        url = args.db
        data = json.loads((Path(url.removeprefix("sqlite:///")).parent / "msp.json").read_text())
    else:
        url, data = build(work, args.scale, args.calls)
    figures = measure(url, data, work)
    width = max(len(name) for name, _ in figures)
    for name, times in figures:
        print(f"{name:<{width}}  median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms"
              f"  (target < 300 ms)")


if __name__ == "__main__":
    main()
