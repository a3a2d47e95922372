"""Screenshots of the console's main states, for docs/screenshots/ (run under Xvfb).

    Xvfb :99 -screen 0 1920x1080x24 &
    DISPLAY=:99 .venv/bin/python resources/take_screenshots.py

The demo database is built around a fixed night instant (Friday 23:40 in Chicago), so the
pictures show the same night every time.
"""
from __future__ import annotations

import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dispatch_app.app import build_console, resources_dir  # noqa: E402
from dispatch_app.demo import build_demo_database  # noqa: E402
from dispatch_app.services import calls, shifts  # noqa: E402
from dispatch_app.services.database import open_database  # noqa: E402
from dispatch_app.settings import Settings  # noqa: E402
from dispatch_app.ui import theme  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def night() -> datetime:
    chicago = ZoneInfo("America/Chicago")
    today = datetime.now(chicago).date()
    friday = today + timedelta(days=(4 - today.weekday()) % 7)
    return datetime(friday.year, friday.month, friday.day, 23, 40, tzinfo=chicago).astimezone(timezone.utc)


def main() -> int:
    import keyring

    sys.path.insert(0, str(ROOT / "tests"))
    from memory_keyring import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())  # the pictures never touch this machine's real keyring
    app = QApplication(sys.argv[:1])
    resources = resources_dir()
    now = night()
    folder = Path(tempfile.mkdtemp(prefix="dispatch-shots-"))
    url = build_demo_database(resources, now, folder / "demo.db")
    settings = Settings(folder / "settings.json")
    settings.set("viewer_timezone", "America/Chicago")
    settings.set("signed_in_technician", "jordan")

    def apply(name: str, scale: float) -> None:
        theme.apply(app, resources, name, scale)

    apply("dark", 1.0)
    console = build_console(url, settings=settings, clock=lambda: now, resources=resources,
                            apply_theme=apply, demo=True)
    window = console.window
    window.resize(1720, 1000)
    window.show()
    window.start()
    OUT.mkdir(parents=True, exist_ok=True)
    steps = []

    def step(delay_ms: int):
        def wrap(fn):
            steps.append((delay_ms, fn))
            return fn
        return wrap

    def save(widget, name: str) -> None:
        widget.grab().save(str(OUT / f"{name}.png"))
        print("saved", name)

    def select_call(summary_part: str) -> None:
        model = window.queue_pane.model
        for row in model.rows:
            if summary_part in row.summary:
                window.queue_pane.select_call(row.id)

    @step(2500)
    def p1() -> None:
        select_call("Line 2 stopped")

    @step(1500)
    def shot_p1() -> None:
        save(window, "01-queue-p1-escalation")
        select_call("Document search")

    @step(1500)
    def shot_defer() -> None:
        save(window, "02-deferred-call")
        window.environment_pane.select_system("erp-plc")
        select_call("Line 2 stopped")

    @step(1500)
    def shot_runbooks() -> None:
        window.environment_pane.select_system("erp-plc")
        save(window, "03-environment-runbooks")
        window.controllers["call_work"].new_call()
        intake = window.controllers["call_work"].intake
        intake.phone.setText("(312) 555-0201")
        intake._ask_caller()

    @step(800)
    def intake_system() -> None:
        intake = window.controllers["call_work"].intake
        intake.system.setCurrentIndex(intake.system.findData("erp-plc"))
        intake.impact.setCurrentIndex(intake.impact.findData("down"))
        intake.summary.setPlainText("Line 2 stopped again, terminals say waiting for ERP")

    @step(1500)
    def shot_intake() -> None:
        save(window.controllers["call_work"].intake, "04-intake-live-verdict")
        intake = window.controllers["call_work"].intake
        row = intake.clients_model.row_of("maple")
        intake.phone.clear()
        intake.client.setCurrentIndex(row)
        intake.system.setCurrentIndex(intake.system.findData("imaging"))
        intake.impact.setCurrentIndex(intake.impact.findData("down"))
        intake.summary.setPlainText("X-ray images do not open, patients waiting for tomorrow")

    @step(1500)
    def shot_gap() -> None:
        save(window.controllers["call_work"].intake, "05-intake-knowledge-gap")
        window.controllers["call_work"].intake.reject()
        window.controllers["sign_in"].switch_user()

    @step(800)
    def shot_sign_in() -> None:
        save(window.controllers["sign_in"].dialog, "06-sign-in")
        window.controllers["sign_in"].dialog.reject()
        window.tasks.task_failed.emit(__import__("dispatch_app.errors", fromlist=["DispatchError"]).DispatchError(
            f"lost the connection to the database {window.backend.display_url}: server closed the connection"))

    @step(1200)
    def shot_banner() -> None:
        save(window, "07-database-unreachable")
        window.controllers["database_health"].retry()

    @step(1500)
    def light() -> None:
        window.controllers["appearance"].toggle_theme()

    @step(1200)
    def shot_light() -> None:
        save(window, "08-light-theme")
        window.controllers["appearance"].toggle_theme()
        window.shortcut_sheet()

    @step(800)
    def shot_keys() -> None:
        save(window.palette, "09-shortcuts")
        window.palette.reject()
        # another writer (the HTTP intake, another workstation) records a P1: the feed brings it
        other = open_database(url)
        calls.record_call(other, actor=None, client="acme", system="erp-plc", impact="down",
                          source="monitoring", summary="PLC bridge heartbeat lost (alert from monitoring)", at=now)
        other.dispose()

    @step(1500)
    def shot_p1_banner() -> None:
        save(window, "10-new-p1-banner")
        window.controllers["p1_alert"].open_p1()
        window.controllers["call_work"].override_priority()
        window.controllers["call_work"].call_dialog.priority.setCurrentText("P2")
        window.controllers["call_work"].call_dialog.why.setText("only the reporting server, production runs")

    @step(600)
    def shot_priority() -> None:
        save(window.controllers["call_work"].call_dialog, "11-priority-override")
        window.controllers["call_work"].call_dialog.reject()
        window.controllers["intake_host"].intake_settings()

    @step(1200)
    def shot_intake_settings() -> None:
        save(window.controllers["intake_host"].dialog, "12-settings-intake")
        window.controllers["intake_host"].dialog.reject()
        # Jordan's evening shift ended and was handed over; Dana, signed in here, reads it
        other = open_database(url)
        shifts.start_shift(other, actor="jordan", at=now - timedelta(hours=8))
        shifts.add_shift_note(other, actor="jordan", text="Acme's ERP vendor promised a patch tonight: "
                              "if the line stops again, call Integrator Co first.", at=now - timedelta(hours=1))
        shifts.end_shift(other, actor="jordan", at=now - timedelta(minutes=10))
        other.dispose()
        settings.set("signed_in_technician", "dana")
        window.controllers["sign_in"].ensure_signed_in()

    @step(1500)
    def open_handoff() -> None:
        window.controllers["shift"].show_handoff()

    @step(1500)
    def shot_handoff() -> None:
        save(window.controllers["shift"].handoff_dialog, "13-handoff-to-acknowledge")
        window.controllers["shift"].handoff_dialog.reject()

    @step(800)
    def lead_and_manager() -> None:
        # the lead's and the manager's windows; each module leaves Jordan signed in (the
        # schedule's last: it gives the demo week a hole)
        from resources.screenshots import care, editor, review, schedule

        for module in (editor, care, review, schedule):
            module.shoot(console, OUT)
        window.close()
        app.quit()

    elapsed = 0
    for delay, fn in steps:
        elapsed += delay
        QTimer.singleShot(elapsed, fn)
    code = app.exec()
    console.tasks.shutdown()
    return code


if __name__ == "__main__":
    raise SystemExit(main())
