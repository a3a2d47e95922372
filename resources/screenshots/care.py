"""Screenshots of runbook care and the bundle round trip (issue 7, items 2 and 5).

``shoot(console, out)`` takes a console built as resources/take_screenshots.py builds it (the
demo database, the clock pinned, Jordan signed in), gives the demo night some history (runbooks
past their review date, one that holds a password, runbook-change requests left by calls),
opens the views and saves (Dana, a lead, is signed in while the care window and the import
are shot; Jordan again at the end):

    50-runbooks-stale.png         the lead's stale runbooks, the secret check, a runbook's text
    51-runbook-requests.png       the runbook-change requests left by resolved calls
    52-import-errors.png          a bundle with problems, each against its path
    53-import-dry-run.png         a clean dry run: what would change, and a warning
    54-environment-stale-mark.png the dispatcher's environment pane marking a stale runbook
"""
from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from dispatch_app.services import calls, editing, environment, review
from dispatch_app.ui.care.stale_marks import StaleMarks
from dispatch_app.ui.care.window import RunbookCareWindow
from dispatch_app.ui.dialogs.bundle_dialog import BundleImportDialog
from resources.screenshots.shots import Shots, settle, sign_in, wait

LEAD = "dana"


def _set_runbook(db, key: str, at, **changes) -> None:
    record = editing.get_record(db, "runbooks", key)
    editing.save_record(db, actor=LEAD, kind="runbooks", key=key, value=replace(record.value, **changes),
                        expected_version=record.version, at=at)


def give_the_runbooks_a_history(db, now) -> None:
    """Runbooks written or reviewed months ago, one with a password in it, and calls whose
    resolvers asked for a runbook change."""
    days = lambda n: now - timedelta(days=n)  # noqa: E731
    review.mark_reviewed(db, actor=LEAD, client="acme", runbook="bridge-restart", at=days(131))
    _set_runbook(db, "acme/mes-client", days(48), review_days=30)
    _set_runbook(db, "riverside/ehr-downtime", days(75), review_days=60)
    _set_runbook(db, "harbor/trading-relaunch", days(190), review_days=180)
    _set_runbook(db, "summit/wms-label-printer", days(20), review_days=90, body=(
        "1. On **WMS-PRT01**, open *Devices and Printers*.\n"
        "2. Right-click **Zebra-Dock**, *See what's printing*, cancel all documents.\n"
        "3. Ask the dock to reprint the last pallet label.\n"
        "4. If the printer page asks to sign in: user admin, password: Zebra-Dock-77!\n"))
    _set_runbook(db, "acme/m365-password", days(10), review_days=180)

    def resolved(client, system, summary, tech, note, hours_ago):
        at = now - timedelta(hours=hours_ago)
        call = calls.record_call(db, actor="jordan", client=client, system=system, impact="down",
                                 summary=summary, at=at).call.id
        calls.record_attempt(db, actor="jordan", call_id=call, tech=tech, outcome="acked", at=at + timedelta(minutes=4))
        calls.resolve(db, actor="jordan", call_id=call, note=note, runbook_change=True, at=at + timedelta(minutes=50))

    resolved("acme", "erp-plc", "Line 1 terminals stuck on waiting for ERP", "dana",
             "One restart was not enough: the bridge needs its queue cleared first; add that to bridge-restart", 30)
    resolved("summit", "wms", "Dock 2 cannot print labels after the WMS update", "priya",
             "The label printer moved to WMS-PRT02: the runbook still names PRT01", 52)


def _bundle_with_problems(folder: Path, good: Path) -> Path:
    text = good.read_text(encoding="utf-8")
    text = text.replace("fix_level: 4", "fix_level: 5", 1)
    text = text.replace("tech: lee", "tech: leo", 1)
    text = text.replace("timezone: America/Denver", "timezone: America/Denvr", 1)
    path = folder / "northwind-edited.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _changed_bundle(folder: Path, good: Path) -> Path:
    text = good.read_text(encoding="utf-8")
    text = text.replace("name: ERP server\n", "name: ERP server (Epicor on ERP01)\n", 1)
    text = text.replace("Ask the shift lead whether work orders reach the line terminal.",
                        "Ask the shift lead whether work orders reach the line terminal.\n"
                        "              4. Still waiting after 5 minutes: clear the queue (expert runbook), escalate.",
                        1)
    text = text.replace("3. Read the temporary one to the caller once; never send it by mail.",
                        "3. Read the temporary one to the caller once; never send it by mail.\n"
                        "              4. Break-glass admin: pwd = Plant-M365-2026", 1)
    path = folder / "northwind-next.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def shoot(console, out: Path) -> list[Path]:
    window = console.window
    db = console.backend.db
    now = window.clock.now()
    shots = Shots(out)
    save, saved = shots.save, shots.saved

    wait(lambda: window.env is not None and window.actor.id is not None)
    give_the_runbooks_a_history(db, now)

    # 54: the dispatcher's environment pane, the runbook marked stale
    pane = window.environment_pane
    StaleMarks(window.context(), pane, parent=window)
    loaded = []
    window.events.environment_loaded.connect(loaded.append)
    window.controllers["environment"].reload_environment()
    wait(lambda: loaded)
    settle()
    window.events.client_chosen.emit("acme")
    pane.select_system("erp-plc")
    wait(lambda: "⚠ stale" in pane.system_text.toPlainText())
    settle()
    save(pane, "54-environment-stale-mark")

    # the lead at the desk
    sign_in(console, LEAD)

    care = RunbookCareWindow(window.context(), window)
    care.resize(1640, 900)
    care.show()
    wait(lambda: care.stale_tab.model.rowCount() > 0 and care.stale_tab.secrets_model.rowCount() > 0)
    care.stale_tab.select("acme/bridge-restart")
    care.stale_tab.table.setFocus()
    settle()
    save(care, "50-runbooks-stale")

    care.show_requests()
    wait(lambda: care.requests_tab.model.rowCount() >= 2)
    care.requests_tab.table.setFocus()
    care.requests_tab.table.selectRow(care.requests_tab.model.rowCount() - 1)
    settle()
    save(care, "51-runbook-requests")
    care.close()

    folder = Path(tempfile.mkdtemp(prefix="dispatch-care-shots-"))
    good = folder / "northwind.yaml"
    environment.export_bundle(db, good, actor=LEAD)

    dialog = BundleImportDialog(window.context(), window, path=_bundle_with_problems(folder, good))
    dialog.resize(1180, 720)
    dialog.show()
    dialog.check()
    wait(lambda: dialog.problems_model.rowCount() > 0)
    settle()
    save(dialog, "52-import-errors")

    dialog.path.setText(str(_changed_bundle(folder, good)))
    dialog.check()
    wait(dialog.import_button.isEnabled)
    settle()
    save(dialog, "53-import-dry-run")
    dialog.reject()

    sign_in(console, "jordan")  # the desk as it was given
    return saved
