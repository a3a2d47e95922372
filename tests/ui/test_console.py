"""The console driven through its real widgets: keyboard first."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from dispatch_app.errors import DispatchError
from dispatch_app.ui.models.table import KEY_ROLE

def test_first_start_asks_who_is_at_the_desk_and_remembers(console_factory, northwind_url, settings, qtbot):
    console = console_factory(northwind_url, signed_in=None)
    window = console.window
    qtbot.waitUntil(lambda: window.controllers["sign_in"].dialog is not None
                    and window.controllers["sign_in"].dialog.isVisible(), timeout=5000)
    dialog = window.controllers["sign_in"].dialog
    qtbot.keyClicks(dialog.filter, "dana")
    assert dialog.chosen.id == "dana"
    qtbot.keyClick(dialog.filter, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.actor.id == "dana", timeout=5000)
    assert settings.get("signed_in_technician") == "dana"
    assert "Dana Reyes" in window.user_label.text() and "lead" in window.user_label.text()

def test_switch_user_from_the_menu_shortcut(console_factory, northwind_url, settings, qtbot):
    window = console_factory(northwind_url, signed_in="jordan").window
    qtbot.keyClick(window, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.controllers["sign_in"].dialog.isVisible(), timeout=3000)
    dialog = window.controllers["sign_in"].dialog
    qtbot.keyClicks(dialog.filter, "morgan")
    qtbot.keyClick(dialog.filter, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.actor.id == "morgan", timeout=5000)
    assert settings.get("signed_in_technician") == "morgan"
    assert "manager" in window.user_label.text()

def test_environment_pane_shows_the_clients_agreement(console_factory, northwind_url, qtbot):
    window = console_factory(northwind_url).window
    pane = window.environment_pane
    window.events.client_chosen.emit("acme")
    assert pane.name.text() == "Acme Plastics"
    assert "plan: 24x7 production" in pane.facts.text()
    markdown = pane.agreement_text.toMarkdown()
    assert "mon-fri 07:00-18:00" in markdown
    assert "ERP to production line integration is down or degraded" in markdown
    assert "line down" in markdown
    # what each level covers now (Fri 23:00 in Chicago, a holiday for Acme) and when next
    rows = {row.level: row for row in pane.coverage_model.rows}
    assert rows[1].covered and rows[2].covered
    assert not rows[4].covered and rows[4].covered_for_p1
    assert pane.coverage_model.index(3, 1).data() == "✖ not now · ✔ P1"
    # Chicago client, Chicago viewer: one clock
    assert "Client time = your time: Fri 27 Nov 23:00" in pane.times.text()
    # systems with experts and contacts with who may authorize
    names = [pane.systems_model.index(r, 0).data() for r in range(pane.systems_model.rowCount())]
    assert "ERP to production line integration" in names
    assert "Dana Reyes (primary)" in pane.systems_model.index(names.index("ERP to production line integration"), 3).data()
    assert pane.contacts_model.index(0, 4).data() == "✔ may authorize"
    # a New York client shows its own time beside the viewer's
    window.events.client_chosen.emit("harbor")
    assert "Client time: Sat 28 Nov 00:00" in pane.times.text()

def test_system_runbooks_are_rendered_safest_first(console_factory, northwind_url, qtbot):
    window = console_factory(northwind_url).window
    pane = window.environment_pane
    window.events.client_chosen.emit("acme")
    pane.select_system("erp-plc")
    text = pane.system_text.toPlainText()
    assert "Restart the PLC bridge service" in text
    assert "Integrator Co support" in text and "+1 800 555 0199" in text

def _open_intake(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.controllers["call_work"].intake is not None and window.controllers["call_work"].intake.isVisible(), timeout=3000)
    return window.controllers["call_work"].intake

def test_intake_finds_the_client_from_a_phone_in_another_format(console_factory, northwind_url, qtbot):
    window = console_factory(northwind_url).window
    intake = _open_intake(window, qtbot)
    with qtbot.waitSignal(intake.caller_matched, timeout=3000, check_params_cb=lambda m: m is not None):
        qtbot.keyClicks(intake.phone, "(312) 555-0201")
    assert intake.chosen_client.id == "acme"
    assert "Acme Plastics" in intake.match.text() and "Pat Lee" in intake.match.text()
    assert intake.caller_name.text() == "Pat Lee"

def test_intake_shows_the_live_verdict_escalate_with_dana_first(console_factory, northwind_url, qtbot):
    window = console_factory(northwind_url).window
    intake = _open_intake(window, qtbot)
    with qtbot.waitSignal(intake.caller_matched, timeout=3000):
        qtbot.keyClicks(intake.phone, "312.555.0200")
    intake.system.setFocus()
    intake.system.setCurrentIndex(intake.system.findData("erp-plc"))
    with qtbot.waitSignal(intake.verdict_shown, timeout=3000,
                          check_params_cb=lambda t: t.system == "erp-plc" and t.priority == "P1") as shown:
        intake.impact.setCurrentIndex(intake.impact.findData("down"))
    triage = shown.args[0]
    assert triage.verdict == "escalate"
    view = intake.verdict
    assert "ESCALATE" in view.verdict.text() and view.verdict.property("verdict") == "escalate"
    assert view.priority.text() == "P1 EMERGENCY"
    assert view.wake_model.index(0, 1).data() == "Dana Reyes"
    assert view.wake_model.index(0, 2).data() == "+1 312 555 0101"
    assert view.wake_model.index(0, 4).data() == "10 min"

def test_taking_a_call_with_the_keyboard_puts_it_in_the_queue(console_factory, northwind_url, qtbot):
    window = console_factory(northwind_url).window
    intake = _open_intake(window, qtbot)
    qtbot.keyClicks(intake.phone, "+13125550201")
    qtbot.waitUntil(lambda: intake.chosen_client is not None, timeout=3000)
    intake.system.setCurrentIndex(intake.system.findData("erp-plc"))
    intake.impact.setCurrentIndex(intake.impact.findData("down"))
    intake.summary.setFocus()
    qtbot.keyClicks(intake.summary, "Line 2 stopped, terminals wait for the ERP")
    with qtbot.waitSignal(window.events.call_recorded, timeout=5000):
        qtbot.keyClick(intake.summary, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.queue_pane.model.rowCount() == 1, timeout=5000)
    row = window.queue_pane.model.rows[0]
    assert (row.client, row.system, row.priority, row.status) == ("acme", "erp-plc", "P1", "escalating")
    qtbot.waitUntil(lambda: window.call_pane.call_id == row.id, timeout=5000)
    assert "ESCALATE" in window.call_pane.verdict.verdict.text()
    assert "Call now: Dana Reyes" in window.call_pane.now_calling.text()
    # one keystroke in the call pane logs "no answer" for Dana: the wait starts, Lee is next
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    window.controllers["call_work"].focus()
    qtbot.keyClick(window.call_pane.scroll, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: "Waiting for Dana Reyes" in window.call_pane.now_calling.text(), timeout=5000)
    assert "Lee Chen" in window.call_pane.next_up.text()

def test_a_call_written_by_another_process_appears_without_moving_the_selection(
        console_factory, northwind_url, qtbot):
    from dispatch_app.services import calls
    from dispatch_app.services.database import open_database

    window = console_factory(northwind_url).window
    other = open_database(northwind_url)
    first = calls.record_call(other, actor="jordan", client="baker", system="printers", impact="single-user",
                              summary="Printer jam", at=window.clock.now()).call.id
    qtbot.waitUntil(lambda: window.queue_pane.model.rowCount() == 1, timeout=5000)
    window.queue_pane.select_call(first)
    calls.record_call(other, actor="jordan", client="acme", system="erp-plc", impact="down",
                      summary="Line down", at=window.clock.now())
    qtbot.waitUntil(lambda: window.queue_pane.model.rowCount() == 2, timeout=5000)
    assert window.queue_pane.selected_call() == first
    # the P1 sorts above the printer: the selection followed its row
    assert window.queue_pane.table.currentIndex().data(KEY_ROLE) == first
    other.dispose()

def test_database_going_away_shows_a_banner_and_recovers(console_factory, northwind_url, qtbot):
    window = console_factory(northwind_url).window
    assert not window.banner.isVisible()
    error = DispatchError(f"lost the connection to the database {window.backend.display_url}: gone")
    window.tasks.task_failed.emit(error)
    assert window.banner.isVisible()
    assert "Database unreachable" in window.banner.text.text()
    assert "unreachable" in window.database_label.text()
    window.controllers["database_health"].retry()
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=5000)
    assert "connected" in window.database_label.text()

def test_keyboard_reaches_every_pane_and_the_palette_runs_actions(console_factory, northwind_url, settings, qtbot):
    window = console_factory(northwind_url).window
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.queue_pane.table
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.call_pane.scroll
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.environment_pane.isAncestorOf(QApplication.focusWidget())
    # every action has a shortcut, and its tooltip says it
    for action in window.all_actions():
        assert action.shortcuts(), action.text()
        assert "(" in action.toolTip(), action.text()
    # Ctrl+K, type, Enter: the theme switches
    assert settings.get("theme") == "dark"
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.palette.isVisible(), timeout=3000)
    qtbot.keyClicks(window.palette.filter, "theme")
    qtbot.keyClick(window.palette.filter, Qt.Key.Key_Return)
    assert settings.get("theme") == "light"

def test_window_layout_is_remembered_per_screen_size(console_factory, northwind_url, settings, qtbot):
    from PySide6.QtCore import QRect

    big, laptop = QRect(0, 0, 1920, 1080), QRect(0, 0, 1366, 768)
    window = console_factory(northwind_url).window
    window.fit_screen(big)
    assert window.panes.mode == "wide"
    window.splitter.setSizes([400, 700, 820])
    window.splitter.splitterMoved.emit(400, 1)
    sizes = window.splitter.sizes()
    window.close()
    assert "1920x1080" in settings.get("screen_layouts")
    again = console_factory(northwind_url).window
    again.fit_screen(big)
    assert again.splitter.sizes() == sizes
    # the same desk on the laptop: its own layout, the environment in the call's place
    again.fit_screen(laptop)
    assert again.panes.mode == "medium" and again.width() <= 1366
    again.panes.show("environment")
    again.close()
    third = console_factory(northwind_url).window
    third.fit_screen(laptop)
    assert third.panes.current == "environment" and not third.call_pane.isVisible()
    third.fit_screen(big)
    assert third.splitter.sizes() == sizes
