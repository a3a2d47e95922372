"""The ringing banner over the queue, for docs/screenshots/ (run under Xvfb).

    Xvfb :99 -screen 0 1920x1080x24 &
    DISPLAY=:99 .venv/bin/python resources/take_ringing_screenshot.py
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "resources"))

from dispatch_app.app import build_console, resources_dir  # noqa: E402
from dispatch_app.demo import build_demo_database  # noqa: E402
from dispatch_app.services import ringing  # noqa: E402
from dispatch_app.services.database import open_database  # noqa: E402
from dispatch_app.settings import Settings  # noqa: E402
from dispatch_app.ui import theme  # noqa: E402
from take_screenshots import OUT, night  # noqa: E402


def main() -> int:
    import keyring

    sys.path.insert(0, str(ROOT / "tests"))
    from memory_keyring import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())
    app = QApplication(sys.argv[:1])
    resources = resources_dir()
    now = night()
    folder = Path(tempfile.mkdtemp(prefix="dispatch-ring-shot-"))
    url = build_demo_database(resources, now, folder / "demo.db")
    settings = Settings(folder / "settings.json")
    settings.set("viewer_timezone", "America/Chicago")
    settings.set("signed_in_technician", "jordan")
    theme.apply(app, resources, "dark", 1.0)
    console = build_console(url, settings=settings, clock=lambda: now, resources=resources, demo=True)
    window = console.window
    window.resize(1720, 1000)
    window.show()
    window.start()
    other = open_database(url)

    def ring() -> None:
        ringing.record_ring(other, phone="+1 415 555 0188", at=now, name="WIRELESS CALLER")
        ringing.record_ring(other, phone="(312) 555-0201", at=now, line="after-hours", call_id="CA-demo")

    def shot() -> None:
        OUT.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(OUT / "14-ringing-over-queue.png"))
        print("saved 14-ringing-over-queue", window.ringing_banner.texts())
        app.quit()

    QTimer.singleShot(2500, ring)
    QTimer.singleShot(4500, shot)
    app.exec()
    console.tasks.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
