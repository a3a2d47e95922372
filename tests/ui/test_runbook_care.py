"""Runbooks that stay true, in the console: stale runbooks for the lead, stale marks for the
dispatcher, runbook text that looks like a secret, and the change requests left by calls."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from dispatch_app.services import calls, editing, review
from dispatch_app.ui.care.stale_marks import StaleMarks
from dispatch_app.ui.care.window import RunbookCareWindow
from dispatch_app.ui.care.models import RunbookRequestsModel, SecretLinesModel, StaleRunbooksModel
from dispatch_app.ui.care.runbook_facts import read_requests, read_stale_state

from tests.ui.conftest import AT

LATER = AT + timedelta(days=100)  # Northwind was imported at AT; bridge-restart is reviewed every 90 days


def _care(console, qtbot) -> RunbookCareWindow:
    window = RunbookCareWindow(console.window.context())
    qtbot.addWidget(window)
    window.show()
    return window


def _activate(window, qtbot) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)


def _cells(view, row: int) -> list[str]:
    model = view.model()
    return [model.index(row, c).data() for c in range(model.columnCount())]


def test_a_stale_runbook_is_listed_read_and_marked_reviewed(console_factory, northwind_url, qtbot):
    console = console_factory(northwind_url, signed_in="dana", at=LATER)
    care = _care(console, qtbot)
    tab = care.stale_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=5000)
    row = dict(zip([tab.model.headerData(c, Qt.Orientation.Horizontal) for c in range(tab.model.columnCount())],
                   _cells(tab.table, 0)))
    assert row["Overdue"] == "⚠ 10 days overdue"
    assert row["Client"] == "Acme Plastics" and row["Runbook"] == "Restart the PLC bridge service"
    assert tab.model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole) == (
        "acme/bridge-restart · ERP to production line integration")
    assert row["Review every"] == "90 days"
    assert row["Reviewed or changed"] == "Fri 27 Nov 2026"  # the import, in Chicago
    assert "Stale runbooks · 1" in care.tabs.tabText(0).replace("&", "")
    preview = tab.preview.toPlainText()
    assert "Restart the PLC bridge service" in preview and "Open Services, restart PLC Bridge" in preview
    assert "10 days overdue" in preview
    assert "may mark runbooks reviewed" in care.role_line.text()

    tab.table.setFocus()
    with qtbot.waitSignal(tab.runbook_reviewed, timeout=5000):
        qtbot.keyClick(tab.table, Qt.Key.Key_R)
    assert tab.model.rowCount() == 0
    assert "acme/bridge-restart marked reviewed" in tab.status.text()
    assert "Every runbook with a review period has been reviewed in time" in tab.summary.text()
    db = console.backend.db
    assert review.stale_runbooks(db, at=LATER) == []
    last = editing.history(db, "runbooks", "acme/bridge-restart")[-1]
    assert (last.action, last.actor, last.at) == ("reviewed", "dana", LATER)


def test_runbook_text_that_looks_like_a_secret_is_listed_with_its_line(console_factory, northwind_url, qtbot):
    console = console_factory(northwind_url, signed_in="dana")
    db = console.backend.db
    record = editing.get_record(db, "runbooks", "acme/m365-password")
    body = record.value.body + "3. If the portal is down, the break-glass admin password: Plant-Hunter2!\n"
    editing.save_record(db, actor="dana", kind="runbooks", key="acme/m365-password",
                        value=replace(record.value, body=body), expected_version=record.version, at=AT)
    care = _care(console, qtbot)
    tab = care.stale_tab
    qtbot.waitUntil(lambda: tab.secrets_model.rowCount() == 1, timeout=5000)
    line = tab.secrets_model.value(0)
    assert line.sentence == "acme/m365-password: line 3 looks like a password"
    assert _cells(tab.secrets_table, 0) == ["acme/m365-password", "Reset a mailbox password", "3", "⚠ a password"]
    assert "1 line in 1 runbook" in tab.secrets_summary.text()
    tab.secrets_table.setFocus()
    tab.secrets_table.selectRow(0)
    preview = tab.preview.toPlainText()
    assert "Reset a mailbox password" in preview and "line 3 looks like a password" in preview


def test_a_dispatcher_reads_but_the_services_refuse_acting(console_factory, northwind_url, qtbot):
    console = console_factory(northwind_url, signed_in="jordan", at=LATER)
    care = _care(console, qtbot)
    tab = care.stale_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=5000)
    assert "Read-only" in care.role_line.text() and "need the lead role" in care.role_line.text()
    assert "Jordan Price (dispatcher)" in care.role_line.text()
    assert not tab.mark_button.isEnabled()
    tab.mark_reviewed()  # as if the button were pressed: the service decides
    qtbot.waitUntil(lambda: "Not marked" in tab.status.text(), timeout=5000)
    assert "marking a runbook reviewed needs the lead or admin role; 'jordan' has dispatcher" in tab.status.text()
    assert tab.model.rowCount() == 1
    assert review.stale_runbooks(console.backend.db, at=LATER)  # still stale
    requests = care.requests_tab
    qtbot.waitUntil(lambda: "reading runbook-change requests needs the lead" in requests.summary.text(), timeout=5000)
    assert not requests.done_button.isEnabled() and not requests.dismiss_button.isEnabled()


def test_the_dispatchers_environment_pane_marks_a_stale_runbook(console_factory, northwind_url, qtbot):
    console = console_factory(northwind_url, signed_in="jordan", at=LATER)
    window = console.window
    pane = window.environment_pane
    assert isinstance(window.controllers["environment"].stale_marks, StaleMarks)  # the console wires the marks itself
    window.events.client_chosen.emit("acme")
    pane.select_system("erp-plc")
    mark = "⚠ stale: not reviewed for 100 days (review every 90)"
    qtbot.waitUntil(lambda: mark in pane.system_text.toPlainText(), timeout=5000)
    text = pane.system_text.toPlainText()
    assert f"Restart the PLC bridge service · {mark}" in text and "Follow it with care" in text
    pane.select_system("m365")  # a runbook without a review period carries no mark
    assert "Reset a mailbox password" in pane.system_text.toPlainText()
    assert "stale" not in pane.system_text.toPlainText()
    # a lead marks it reviewed elsewhere: on the next environment load the mark goes
    review.mark_reviewed(console.backend.db, actor="dana", client="acme", runbook="bridge-restart", at=LATER)
    pane.select_system("erp-plc")
    with qtbot.waitSignal(window.events.environment_loaded, timeout=5000):
        window.controllers["environment"].reload_environment()
    qtbot.waitUntil(lambda: window.controllers["environment"].stale_marks._busy is False and "stale" not in pane.system_text.toPlainText(),
                    timeout=5000)


def _resolved_with_runbook_request(db, summary: str, note: str, minutes_ago: int) -> int:
    at = AT - timedelta(minutes=minutes_ago)
    call = calls.record_call(db, actor="jordan", client="acme", system="erp-plc", impact="down",
                             summary=summary, at=at).call.id
    calls.record_attempt(db, actor="jordan", call_id=call, tech="dana", outcome="acked", at=at + timedelta(minutes=2))
    calls.resolve(db, actor="jordan", call_id=call, note=note, runbook_change=True, at=at + timedelta(minutes=30))
    return call


def test_change_requests_are_linked_to_their_call_and_closed_with_a_note(console_factory, northwind_url, qtbot):
    console = console_factory(northwind_url, signed_in="dana")
    db = console.backend.db
    first = _resolved_with_runbook_request(db, "Line 2 stopped, bridge hung", "The bridge needed a second restart: "
                                           "add that step before escalating", 180)
    second = _resolved_with_runbook_request(db, "Work orders late", "Step 3 should name the terminal to check", 90)
    care = _care(console, qtbot)
    care.show_requests()
    tab = care.requests_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=5000)
    cells = _cells(tab.table, 0)
    assert cells[:4] == [f"#{first}", "● open", "Acme Plastics", "Dana Reyes"]
    assert cells[5] == "The bridge needed a second restart: add that step before escalating"
    assert "Change requests · 2 open" in care.tabs.tabText(1).replace("&", "")
    assert "Line 2 stopped, bridge hung" in tab.detail.toPlainText()

    # Enter opens the call's timeline, read-only
    tab.table.setFocus()
    tab.select(first)
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.call_dialog is not None and tab.call_dialog.model.rowCount() > 0, timeout=5000)
    dialog = tab.call_dialog
    what = [dialog.model.index(r, 2).data() for r in range(dialog.model.rowCount())]
    assert what[0] == "call taken" and "contact attempt" in what and "resolved" in what
    assert "Line 2 stopped, bridge hung" in dialog.subline.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()

    # Dismiss: a note why, prefixed; the request leaves the open list
    _activate(care, qtbot)  # the offscreen platform does not give a closed dialog's parent its activation back
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_S)
    note = tab.note_dialog
    assert note.isVisible() and not note.ok_button.isEnabled()
    _activate(note, qtbot)
    assert note.note_edit.hasFocus()
    qtbot.keyClicks(note.note_edit, "a one-off: the vendor patched the bridge")
    with qtbot.waitSignal(tab.request_closed, timeout=5000):
        qtbot.keyClick(note.note_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=5000)
    assert tab.model.value(0).call_id == second
    assert [r.call.id for r in calls.runbook_change_requests(db, actor="dana")] == [second]
    events = calls.call_view(db, first, at=AT).events
    assert events[-1].kind == "note"
    assert events[-1].data["text"] == "Dismissed: a one-off: the vendor patched the bridge"

    # Done, with the button: a note what was changed
    tab.select(second)
    qtbot.mouseClick(tab.done_button, Qt.MouseButton.LeftButton)
    _activate(tab.note_dialog, qtbot)
    qtbot.keyClicks(tab.note_dialog.note_edit, "step 3 names terminal T2")
    with qtbot.waitSignal(tab.request_closed, timeout=5000):
        qtbot.mouseClick(tab.note_dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 0, timeout=5000)
    assert calls.runbook_change_requests(db, actor="dana") == []
    assert calls.call_view(db, second, at=AT).events[-1].data["text"] == "Done: step 3 names terminal T2"
    assert "No open runbook-change requests" in tab.summary.text()

    # closed ones come back with "Show closed"
    tab.show_closed.setChecked(True)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=5000)
    assert {tab.model.index(r, 1).data() for r in range(2)} == {"✔ closed"}
    tab.select(first)
    tab.mark_done()
    assert tab.status.text() == f"The request of call #{first} is already closed."


@pytest.fixture
def northwind_db(northwind_url):
    from dispatch_app.services.database import open_database

    db = open_database(northwind_url)
    yield db
    db.dispose()


def test_the_care_models_pass_the_model_tester(qtmodeltester, northwind_db):
    from dispatch_app.ui.clock import ViewerClock

    clock = ViewerClock(lambda: LATER, "America/Chicago")
    _resolved_with_runbook_request(northwind_db, "Line 2 stopped", "add a second restart", 60)
    state = read_stale_state(northwind_db, LATER)
    stale = StaleRunbooksModel(clock)
    stale.set_rows(state.stale)
    qtmodeltester.check(stale)
    secrets = SecretLinesModel()
    qtmodeltester.check(secrets)
    requests = RunbookRequestsModel(clock)
    requests.set_rows(read_requests(northwind_db, "dana", True).rows)
    assert requests.rowCount() == 1
    qtmodeltester.check(requests)
