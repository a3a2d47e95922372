"""The console live: the change feed, the intake inside the console, a new P1's alarm, the
call actions and the shift, driven through the real widgets."""
from __future__ import annotations

import json
import urllib.request

import pytest
from PySide6.QtCore import Qt

from dispatch_app.services import calls, shifts
from dispatch_app.services.database import open_database
from dispatch_app.ui.models.table import KEY_ROLE


@pytest.fixture
def other(northwind_url):
    """Another writer on the same database (as another workstation or the intake would be)."""
    db = open_database(northwind_url)
    yield db
    db.dispose()


def _call(db, window, **fields):
    fields.setdefault("actor", "jordan")
    return calls.record_call(db, at=window.clock.now(), **fields).call.id


def test_the_feed_inserts_and_updates_rows_within_a_second_without_a_reset(console_factory, northwind_url, other,
                                                                             qtbot):
    window = console_factory(northwind_url).window
    model = window.queue_pane.model
    first = _call(other, window, client="baker", system="printers", impact="single-user", summary="Printer jam")
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=1000)
    window.queue_pane.select_call(first)
    qtbot.waitUntil(lambda: window.call_pane.call_id == first, timeout=2000)
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.rowsInserted, timeout=1000):
        _call(other, window, client="acme", system="erp-plc", impact="down", summary="Line down")
    assert [r.priority for r in model.rows] == ["P1", model.rows[1].priority]
    assert window.queue_pane.selected_call() == first
    # another writer's note on the open call: the timeline refreshes, the selection stays
    events = window.call_pane.timeline_model.rowCount()
    with qtbot.assertNotEmitted(model.modelReset):
        calls.add_note(other, actor="jordan", call_id=first, text="Toner ordered", at=window.clock.now())
        qtbot.waitUntil(lambda: window.call_pane.timeline_model.rowCount() == events + 1, timeout=1000)
    assert window.queue_pane.table.currentIndex().data(KEY_ROLE) == first
    # resolved elsewhere: its row leaves the queue
    calls.resolve(other, actor="jordan", call_id=first, note="Jam cleared", at=window.clock.now())
    qtbot.waitUntil(lambda: model.row_of(first) is None, timeout=1000)
    assert model.rowCount() == 1


def test_a_new_p1_from_the_feed_raises_the_flashing_banner(console_factory, northwind_url, other, qtbot):
    window = console_factory(northwind_url).window
    qtbot.waitUntil(lambda: window.controllers["queue"].loaded, timeout=3000)
    assert not window.p1_banner.isVisible()
    with qtbot.waitSignal(window.events.p1_arrived, timeout=1500):
        p1 = _call(other, window, client="acme", system="erp-plc", impact="down", summary="Line 2 stopped")
    assert window.p1_banner.isVisible()
    assert "NEW P1" in window.p1_banner.text.text() and "Acme Plastics" in window.p1_banner.text.text()
    flash = window.p1_banner.property("flash")
    qtbot.waitUntil(lambda: window.p1_banner.property("flash") != flash, timeout=2000)
    # Ctrl+G opens it and the banner goes
    qtbot.keyClick(window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert not window.p1_banner.isVisible()
    qtbot.waitUntil(lambda: window.call_pane.call_id == p1, timeout=3000)
    # a P2 does not ring
    with qtbot.assertNotEmitted(window.events.p1_arrived, wait=600):
        _call(other, window, client="baker", system="printers", impact="single-user", summary="Printer jam")


def test_settings_intake_starts_answers_health_and_stops(console_factory, northwind_url, memory_keyring, qtbot):
    window = console_factory(northwind_url).window
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = window.controllers["intake_host"].dialog
    assert dialog.isVisible() and "Stopped" in dialog.status.text()
    qtbot.waitUntil(lambda: len(dialog.token.text()) > 20, timeout=3000)
    assert dialog.token.echoMode() == dialog.token.EchoMode.Password
    dialog.port.setValue(0)
    with qtbot.waitSignal(dialog.server_started, timeout=10000) as started:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    port = started.args[0]
    assert port > 0 and "Running" in dialog.status.text() and f":{port}" in window.intake_label.text()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/health", timeout=5) as answer:
        assert answer.status == 200
    # a call posted to it shows in the queue, through the feed
    request = urllib.request.Request(f"http://127.0.0.1:{port}/v1/calls", method="POST",
                                     data=json.dumps({"client": "acme", "summary": "Posted"}).encode(),
                                     headers={"Authorization": f"Bearer {dialog.token.text()}",
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert answer.status == 201
    qtbot.waitUntil(lambda: any(r.summary == "Posted" for r in window.queue_pane.model.rows), timeout=2000)
    old = dialog.token.text()
    dialog.rotate_token(confirm=False)
    qtbot.waitUntil(lambda: dialog.token.text() != old, timeout=3000)
    with qtbot.waitSignal(dialog.server_stopped, timeout=20000):
        qtbot.mouseClick(dialog.stop_button, Qt.MouseButton.LeftButton)
    assert not window.controllers["intake_host"].host.running and "Stopped" in dialog.status.text()
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/health", timeout=2)


def _select(window, qtbot, call_id):
    qtbot.waitUntil(lambda: window.queue_pane.model.row_of(call_id) is not None, timeout=3000)
    window.queue_pane.select_call(call_id)
    qtbot.waitUntil(lambda: window.call_pane.call_id == call_id, timeout=3000)


def test_priority_override_with_why_from_its_shortcut(console_factory, northwind_url, other, qtbot):
    window = console_factory(northwind_url).window
    call_id = _call(other, window, client="baker", system="printers", impact="single-user", summary="Printer jam")
    _select(window, qtbot, call_id)
    assert "Ctrl+Shift+P" in window.action("call.priority").toolTip()
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = window.controllers["call_work"].call_dialog
    dialog.priority.setCurrentText("P1")
    dialog.accept()  # no why: refused in the form
    assert dialog.isVisible() and "why" in dialog.problem.text()
    qtbot.keyClicks(dialog.why, "whole office cannot print payroll")
    qtbot.keyClick(dialog.why, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.queue_pane.model.rows[window.queue_pane.model.row_of(call_id)].priority == "P1",
                    timeout=3000)
    qtbot.waitUntil(lambda: any("payroll" in window.call_pane.timeline_model.index(r, 3).data()
                                for r in range(window.call_pane.timeline_model.rowCount())), timeout=3000)


def test_authorize_turns_a_defer_into_an_escalation(console_factory, northwind_url, other, qtbot):
    window = console_factory(northwind_url).window
    call_id = _call(other, window, client="baker", system="printers", impact="single-user", summary="Printer jam")
    assert calls.call_view(other, call_id, at=window.clock.now()).call.status == "deferred"
    _select(window, qtbot, call_id)
    qtbot.keyClick(window, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = window.controllers["call_work"].call_dialog
    assert dialog.contact.currentData() == "Eve Baker"
    qtbot.keyClicks(dialog.note, "approved by phone")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.call_pane._view.call.status == "escalating", timeout=3000)


def test_assign_an_unmatched_call_to_a_client(console_factory, northwind_url, other, qtbot):
    window = console_factory(northwind_url).window
    call_id = _call(other, window, caller_phone="+1 555 010 9999", summary="Server room alarm")
    _select(window, qtbot, call_id)
    assert window.queue_pane.model.index(window.queue_pane.model.row_of(call_id), 0).data() == "? who"
    qtbot.keyClick(window, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = window.controllers["call_work"].call_dialog
    dialog.client.setCurrentIndex(dialog.client.findData("acme"))
    dialog.system.setCurrentIndex(dialog.system.findData("erp"))
    dialog.accept()
    qtbot.waitUntil(lambda: window.call_pane._view.call.client == "acme", timeout=3000)
    row = window.queue_pane.model.rows[window.queue_pane.model.row_of(call_id)]
    assert not row.unmatched and row.system == "erp"


def test_shift_start_note_end_and_the_incoming_dispatcher_acknowledges(console_factory, northwind_url, other,
                                                                       settings, qtbot):
    from datetime import timedelta

    from tests.ui.conftest import AT

    console = console_factory(northwind_url, signed_in="jordan", at=AT - timedelta(hours=2))
    window = console.window
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: "Shift since" in window.shift_label.text(), timeout=3000)
    window.controllers["shift"].write("shift note", lambda: window.backend.add_shift_note(
        actor="jordan", text="Acme printer toner ordered, arrives 08:00", at=AT - timedelta(hours=1)), "noted")
    qtbot.waitUntil(lambda: any("toner" in note for note in shifts.list_shifts(other)[0].notes), timeout=3000)
    window.stop_timers()
    shifts.end_shift(other, actor="jordan", at=AT)
    # dana takes over at the next workstation
    incoming = console_factory(northwind_url, signed_in="dana").window
    qtbot.waitUntil(lambda: "handoff from Jordan Price" in incoming.shift_label.text(), timeout=3000)
    qtbot.keyClick(incoming, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: incoming.controllers["shift"].handoff_dialog is not None
                    and incoming.controllers["shift"].handoff_dialog.isVisible(), timeout=3000)
    dialog = incoming.controllers["shift"].handoff_dialog
    text = dialog.record.toPlainText()
    assert "Acme printer toner ordered" in text and "Jordan Price" in text
    assert dialog.acknowledge_button.isVisible()
    qtbot.keyClicks(dialog.comment, "read, thanks")
    qtbot.mouseClick(dialog.acknowledge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "handoff from" not in incoming.shift_label.text(), timeout=3000)
    info = shifts.list_shifts(other)[0]
    assert info.acknowledged_by == "dana"


def test_database_unreachable_when_the_feed_first_subscribes_shows_the_banner_then_follows(
        console_factory, northwind_url, other, qtbot, monkeypatch):
    """The first look at the change feed fails like an unreachable server: the banner, not
    the crash dialog (pytest-qt fails the test on an exception reaching sys.excepthook);
    once the database answers the console subscribes and follows other writers."""
    import sqlite3

    from sqlalchemy import exc as sa_exc

    from dispatch_app.store import feed_rows

    real = feed_rows.current_counter
    down = {"yes": True}

    def counter(session):
        if down["yes"]:
            raise sa_exc.OperationalError("SELECT counter", {}, sqlite3.OperationalError("unable to open database file"))
        return real(session)
    monkeypatch.setattr(feed_rows, "current_counter", counter)
    console = console_factory(northwind_url, start=False)
    window = console.window
    window.start()
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=5000)
    assert "Database unreachable" in window.banner.text.text()
    assert "unreachable" in window.database_label.text()
    assert window.controllers["queue"].subscription is None

    down["yes"] = False
    window.controllers["database_health"].retry()
    qtbot.waitUntil(lambda: not window.banner.isVisible() and window.controllers["queue"].subscription is not None, timeout=5000)
    call_id = _call(other, window, client="baker", system="printers", impact="single-user", summary="Printer jam")
    qtbot.waitUntil(lambda: window.queue_pane.model.row_of(call_id) is not None, timeout=3000)


def test_the_environment_pane_follows_the_selected_calls_client(console_factory, northwind_url, other, qtbot):
    window = console_factory(northwind_url).window
    pane = window.environment_pane
    baker = _call(other, window, client="baker", system="printers", impact="single-user", summary="Printer jam")
    acme = _call(other, window, client="acme", system="erp-plc", impact="down", summary="Line down")
    unknown = _call(other, window, caller_phone="+1 555 010 9999", summary="Server room alarm")
    for call_id, client in ((baker, "baker"), (acme, "acme"), (baker, "baker")):
        _select(window, qtbot, call_id)
        qtbot.waitUntil(lambda: pane.client is not None and pane.client.id == client, timeout=3000)
        assert window.call_pane._view.call.client == client

    # an unmatched call: nobody's documentation beside it, not the last client's
    _select(window, qtbot, unknown)
    qtbot.waitUntil(lambda: pane.client is None, timeout=3000)
    assert f"#{unknown}" in pane.name.text() and "no client" in pane.name.text()
    assert pane.systems_model.rowCount() == 0 and pane.contacts_model.rowCount() == 0
    window.controllers["environment"].reload_environment()  # a reload does not pick some client to show beside it
    qtbot.waitUntil(lambda: window.tasks.pending == 0, timeout=3000)
    assert pane.client is None

    # the dispatcher keeps moving fast: only the call finally shown decides the client
    window.queue_pane.select_call(acme)
    window.queue_pane.select_call(baker)
    qtbot.waitUntil(lambda: window.call_pane.call_id == baker and window.tasks.pending == 0, timeout=3000)
    assert pane.client.id == "baker"
