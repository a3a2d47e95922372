"""From ``POST /v1/ringing`` to the ringing banner painted, with the large synthetic MSP and
10,000 open calls (issue 15, "Speed").

    .venv/bin/python benchmarks/ringing.py [--scale 1.0] [--calls 10000] [--rings 30] [--cache DIR]

The database is the one ``console.py`` builds (``--cache`` shares it). The console (as ``app.py``
builds it, offscreen) follows the change feed; the intake runs on a free port in this process's
own threads. For each ring a thread posts a known contact's number; the clock runs from just
before the request is sent to the first paint of the banner showing that ring (an event filter
on the banner). Prints the median, p90 and max. Target: under 300 ms.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.console import DISPATCHER, build_database, wait_until  # noqa: E402


def phones(data: dict, count: int, seed: int = 7) -> list[str]:
    numbers = [c["phone"] for client in data["clients"] for c in client.get("contacts", []) if c.get("phone")]
    numbers = numbers or [p for client in data["clients"] for p in client.get("phones", [])]
    return random.Random(seed).sample(numbers, min(count, len(numbers)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--rings", type=int, default=30)
    parser.add_argument("--cache", type=Path)
    args = parser.parse_args()
    os.environ.update(QT_QPA_PLATFORM="offscreen")
    work = Path(tempfile.mkdtemp(prefix="dispatch-ringing-bench-"))
    database, data = build_database(work, args.scale, args.calls, args.cache)
    url = f"sqlite:///{database}"

    import httpx
    import keyring
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    sys.path.insert(0, str(ROOT / "tests"))
    from memory_keyring import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())
    from dispatch_app.app import build_console, resources_dir
    from dispatch_app.intake.server import IntakeServer
    from dispatch_app.services import intake
    from dispatch_app.services.database import open_database
    from dispatch_app.settings import Settings

    app = QApplication.instance() or QApplication([])
    settings = Settings(work / "settings.json")
    settings.set("signed_in_technician", DISPATCHER)
    settings.set("notify_new_p1", False)
    console = build_console(url, settings=settings, resources=resources_dir(), settle_heap=True)
    window = console.window
    window.resize(1600, 960)
    window.show()
    window.start()
    wait_until(app, lambda: window.env is not None and window.controllers["queue"].loaded)
    wait_until(app, lambda: console.tasks.pending == 0)
    token = intake.rotate_token()
    server = IntakeServer(open_database(url), host="127.0.0.1", port=0)
    server.start()
    banner = window.ringing_banner
    painted: list[float] = []

    class Paints(QObject):
        def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.Paint and banner.rows:
                painted.append(time.perf_counter())
            return False
    paints = Paints()
    banner.installEventFilter(paints)
    figures = []
    client = httpx.Client(base_url=f"http://127.0.0.1:{server.port}", headers={"Authorization": f"Bearer {token}"})
    for number in phones(data, args.rings):
        before = len(banner.rows)
        painted.clear()
        started = time.perf_counter()
        answers = []
        threading.Thread(target=lambda: answers.append(client.post("/v1/ringing", json={"caller_phone": number})),
                         daemon=True).start()
        wait_until(app, lambda: len(banner.rows) > before and painted and answers)
        assert answers[0].status_code == 200, answers[0].text
        figures.append((painted[0] - started) * 1000)
        banner.newest() and console.ringing._dismiss(banner.newest())
        wait_until(app, lambda: console.tasks.pending == 0)
    server.stop()
    figures.sort()
    print(json.dumps({"rings": len(figures), "open_calls": args.calls, "scale": args.scale,
                      "median_ms": round(statistics.median(figures), 1),
                      "p90_ms": round(figures[int(0.9 * (len(figures) - 1))], 1),
                      "max_ms": round(figures[-1], 1)}))
    console.tasks.shutdown()


if __name__ == "__main__":
    main()
