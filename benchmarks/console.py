"""The console's speed with the large synthetic MSP and 10,000 open calls (issue 5, "Speed").

    .venv/bin/python benchmarks/console.py [--scale 1.0] [--calls 10000] [--arrivals 1000]
                                           [--seconds 60] [--cache DIR]

Builds the synthetic MSP (``synthetic.py``) in a fresh SQLite file and bulk-inserts ``--calls``
open calls received over the last twelve hours, chained exactly as the program chains them
(``history.one_call``). ``--cache DIR`` keeps that database in DIR and copies it for each run.
Then prints:

- cold start: a fresh process runs the real program (``dispatch-app --db URL``, offscreen)
  and prints a timestamp once the window is shown, the environment loaded, the queue model
  holds its rows and the event loop has nothing left to do; the figure is that instant minus
  the instant just before the process was started (interpreter start included). Median of 3.
- selection: in this process, the console (as ``app.py`` builds it) on the same database; a
  queue row is selected and the clock stops when the call pane shows that call and the
  environment pane its client. Median and max over 20 random selections.
- stalls: a 5 ms QTimer records the gaps between its ticks while another process records
  ``--arrivals`` calls through the services, evenly over ``--seconds``; the console hears them
  through the change feed. Longest gap, p99, and how many gaps exceeded 50 ms.

Targets: cold start < 2 s, selection < 100 ms, no stall over 50 ms.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DISPATCHER = "tech-0000"
READY = "CONSOLE-READY"


# ---------------------------------------------------------------- the database


def write_open_calls(db, bundle_data: dict, count: int, now: datetime, seed: int = 5) -> None:
    """``count`` open calls received over the twelve hours before ``now``, with their chained
    events, through Core bulk inserts (as ``history.py`` writes its year)."""
    from sqlalchemy import func, select

    from benchmarks import history
    from dispatch_app.store.call_rows import CALLS

    rng = random.Random(seed)
    instants = sorted(now - timedelta(seconds=rng.uniform(60, 12 * 3600)) for _ in range(count))
    history.NOW = instants[0] - timedelta(minutes=1)  # every resolution would come after "now": all stay open
    first, _ = history.write_calls(db, rng, instants, bundle_data)
    with db.session() as session:
        resolved = session.execute(select(func.count()).select_from(CALLS).where(
            CALLS.c.id >= first, CALLS.c.status == "resolved")).scalar_one()
    assert resolved == 0, f"{resolved} of the open calls were written resolved"


def build_database(work: Path, scale: float, count: int, cache: Path | None) -> tuple[Path, dict]:
    from benchmarks.synthetic import write
    from dispatch_app.services import environment
    from dispatch_app.services.database import open_database

    source = (cache or work) / f"console-{scale}-{count}.db"
    bundle_file = (cache or work) / f"msp-{scale}.json"
    if not bundle_file.exists():
        write(bundle_file, scale)
    data = json.loads(bundle_file.read_text())
    if not source.exists():
        started = time.perf_counter()
        db = open_database(f"sqlite:///{source}")
        environment.import_bundle(db, bundle_file, actor=None)
        imported = time.perf_counter() - started
        write_open_calls(db, data, count, datetime.now(timezone.utc))
        db.dispose()
        print(f"(built {source.name}: import {imported:.1f} s, {count:,} open calls "
              f"{time.perf_counter() - started - imported:.1f} s)", flush=True)
    target = work / "console.db"
    shutil.copyfile(source, target)
    return target, data


def workstation_env(work: Path) -> dict:
    """A process environment whose settings and logs live in ``work`` (signed in as the
    benchmark's dispatcher: no sign-in dialog)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(work / "config"),
               XDG_STATE_HOME=str(work / "state"), XDG_DATA_HOME=str(work / "data"))
    env.pop("DISPATCH_DB", None)
    settings = work / "config" / "dispatch-app" / "settings.json"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(json.dumps({"signed_in_technician": DISPATCHER, "viewer_timezone": "America/Chicago",
                                    "notify_new_p1": False}))
    return env


# ---------------------------------------------------------------- cold start (child process)

COLD_CHILD = f"""
import sys, time
sys.path.insert(0, {str(ROOT)!r})
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])

def watch():
    from dispatch_app.ui.main_window import MainWindow
    window = next((w for w in app.topLevelWidgets() if isinstance(w, MainWindow)), None)
    if window is None:
        QTimer.singleShot(1, watch)
        return

    def check(*_):
        model = window.queue_pane.model
        if window.isVisible() and window.env is not None and model.rowCount() > 0:
            window.queue_loaded.disconnect(check)
            window.events.environment_loaded.disconnect(check)
            QTimer.singleShot(0, ready)

    def ready():
        print("{READY}", time.time(), window.queue_pane.model.rowCount(), flush=True)
        app.quit()
    window.queue_loaded.connect(check)
    window.events.environment_loaded.connect(check)
    check()

QTimer.singleShot(0, watch)
from dispatch_app.cli.main import main
main(["--db", sys.argv[1]])
"""


def cold_start(url: str, env: dict, repeat: int = 3) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.time()
        done = subprocess.run([sys.executable, "-c", COLD_CHILD, url], env=env, capture_output=True, text=True,
                              timeout=120)
        line = next((ln for ln in done.stdout.splitlines() if ln.startswith(READY)), None)
        if line is None:
            raise SystemExit(f"the console never got ready:\n{done.stdout}\n{done.stderr}")
        times.append(float(line.split()[1]) - started)
    return times


# ---------------------------------------------------------------- the arrivals (child process)

WRITER_CHILD = f"""
import random, sys, time
from datetime import datetime, timezone
sys.path.insert(0, {str(ROOT)!r})
from dispatch_app.services import calls
from dispatch_app.services.database import open_database
from dispatch_app.domain.model import IMPACTS
import json
url, count, seconds, bundle = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
clients = json.loads(open(bundle).read())["clients"]
db = open_database(url)
rng = random.Random(11)
start = time.monotonic()
for n in range(count):
    wait = start + n * seconds / count - time.monotonic()
    if wait > 0:
        time.sleep(wait)
    client = rng.choice(clients)
    system = rng.choice(client["systems"])
    calls.record_call(db, actor={DISPATCHER!r}, summary=f"arrival {{n}}: {{system['name']}}",
                      at=datetime.now(timezone.utc), client=client["id"], system=system["id"],
                      impact=rng.choice(IMPACTS), source="benchmark")
print("written", count, "in", round(time.monotonic() - start, 1), "s", flush=True)
"""


# ---------------------------------------------------------------- in this process


def wait_until(app, condition, timeout: float = 30.0) -> None:
    """Run the event loop, as the console's own does, until ``condition()`` holds.

    The main thread waits in the loop (the GIL free for the worker threads) and looks at the
    condition every millisecond, rather than spinning on ``processEvents``, which would take
    the GIL from the workers whose time is being measured."""
    from PySide6.QtCore import QEventLoop, QTimer

    if condition():
        return
    deadline = time.perf_counter() + timeout
    loop = QEventLoop()
    expired = []

    def look() -> None:
        if condition():
            loop.quit()
        elif time.perf_counter() > deadline:
            expired.append(True)
            loop.quit()

    timer = QTimer()
    timer.setInterval(1)
    timer.timeout.connect(look)
    timer.start()
    loop.exec()
    timer.stop()
    if expired:
        raise SystemExit("timed out waiting for the console")


def in_process(url: str, work: Path, bundle_file: Path, arrivals: int, seconds: float,
               selections: int = 20) -> dict:
    os.environ.update(QT_QPA_PLATFORM="offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from dispatch_app.app import build_console, resources_dir
    from dispatch_app.settings import Settings

    app = QApplication.instance() or QApplication([])
    settings = Settings(work / "bench-settings.json")
    for key, value in (("signed_in_technician", DISPATCHER), ("viewer_timezone", "America/Chicago"),
                       ("notify_new_p1", False)):
        settings.set(key, value)
    console = build_console(url, settings=settings, resources=resources_dir(), settle_heap=True)
    window = console.window
    window.show()
    window.start()
    wait_until(app, lambda: window.env is not None and window.controllers["queue"].loaded and window.actor.id == DISPATCHER)
    wait_until(app, lambda: console.tasks.pending == 0)
    model = window.queue_pane.model
    figures: dict = {"rows": model.rowCount()}

    # selection
    rng = random.Random(7)
    times = []
    for key in rng.sample([model.key(r) for r in model.rows], selections):
        client = model.value(model.row_of(key)).client
        started = time.perf_counter()
        window.queue_pane.select_call(key)
        wait_until(app, lambda: window.call_pane.call_id == key and window.environment_pane.client is not None
                   and window.environment_pane.client.id == client)
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)  # what the panes posted (layout, paint)
        times.append(time.perf_counter() - started)
        assert window.call_pane.verdict.isVisible()
    figures["select"] = times

    # stalls while calls arrive from another process
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    before = model.rowCount()
    writer = subprocess.Popen([sys.executable, "-c", WRITER_CHILD, url, str(arrivals), str(seconds), str(bundle_file)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    timer.start()
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(100)
    poll.timeout.connect(lambda: loop.quit() if writer.poll() is not None else None)
    poll.start()
    loop.exec()
    settle = QTimer(singleShot=True)
    settle.timeout.connect(loop.quit)
    settle.start(2000)  # the last arrivals through the feed
    loop.exec()
    timer.stop()
    poll.stop()
    out, err = writer.communicate()
    if writer.returncode != 0:
        raise SystemExit(f"the writer failed: {err}")
    gaps = sorted((b - a) for a, b in zip(ticks, ticks[1:]))
    figures["gaps"] = gaps
    figures["arrived"] = model.rowCount() - before
    figures["writer"] = out.strip()
    window.stop_timers()
    console.tasks.shutdown()
    console.backend.db.dispose()
    window.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="size of the synthetic MSP (1.0: 1,500 clients)")
    parser.add_argument("--calls", type=int, default=10_000, help="open calls in the queue")
    parser.add_argument("--arrivals", type=int, default=1_000, help="calls arriving during the stall measure")
    parser.add_argument("--seconds", type=float, default=60.0, help="over how long they arrive")
    parser.add_argument("--cache", type=Path, help="keep the built database here and reuse it")
    parser.add_argument("--cold-runs", type=int, default=3)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="dispatch-console-"))
    if args.cache:
        args.cache.mkdir(parents=True, exist_ok=True)
    path, _ = build_database(work, args.scale, args.calls, args.cache)
    url = f"sqlite:///{path}"
    bundle_file = (args.cache or work) / f"msp-{args.scale}.json"
    env = workstation_env(work)

    cold = cold_start(url, env, args.cold_runs)
    figures = in_process(url, work, bundle_file, args.arrivals, args.seconds)
    select = figures["select"]
    gaps = figures["gaps"]
    over = sum(1 for g in gaps if g > 0.050)
    rows = [
        (f"cold start to an interactive window ({figures['rows']:,} queue rows; median of {len(cold)})",
         f"{statistics.median(cold):.2f} s (runs: {', '.join(f'{t:.2f}' for t in cold)})", "< 2 s"),
        (f"show a selected call with verdict and environment ({len(select)} selections)",
         f"median {statistics.median(select) * 1000:.0f} ms, max {max(select) * 1000:.0f} ms", "< 100 ms"),
        (f"UI stall while {args.arrivals:,} calls arrive in {args.seconds:.0f} s "
         f"({figures['arrived']:,} new rows; {len(gaps):,} ticks)",
         f"longest {max(gaps) * 1000:.0f} ms, p99 {gaps[int(len(gaps) * 0.99)] * 1000:.1f} ms, "
         f"{over} over 50 ms", "none over 50 ms"),
    ]
    width = max(len(name) for name, _, _ in rows)
    for name, value, target in rows:
        print(f"{name:<{width}}  {value}   (target {target})")
    shutil.rmtree(work, ignore_errors=True)
    sys.stdout.flush()
    os._exit(0)  # skip the interpreter's teardown of live Qt objects: nothing left to measure


if __name__ == "__main__":
    main()
