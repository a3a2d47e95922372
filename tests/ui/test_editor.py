"""The lead tech's environment editor, driven through its real widgets (issue 7, item 1)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from dispatch_app.errors import NotAllowed
from dispatch_app.services import editing, triage
from dispatch_app.services.database import open_database
from dispatch_app.ui.editor import EditorWindow
from dispatch_app.ui.review.window import HANDOFFS, WHAT_IF
from tests.ui.conftest import AT

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def open_editor(qtbot):
    made = []

    def make(console) -> EditorWindow:
        editor = EditorWindow(console.window.context(), console.window)
        editor.environment_changed.connect(lambda _saved: console.window.controllers["environment"].reload_environment())
        qtbot.addWidget(editor)
        editor.show()
        qtbot.waitUntil(lambda: editor.outline is not None, timeout=5000)
        made.append(editor)
        return editor
    yield make
    for editor in made:
        editor._baseline = None  # no "unsaved changes?" question on the way out
        editor.close()


def show(qtbot, editor: EditorWindow, kind: str, key: str) -> None:
    """Choose the record in the navigator, as a user does, and wait for its form."""
    with qtbot.waitSignal(editor.record_shown, timeout=5000):
        assert editor.navigator.select(kind, key, quiet=False)


def activate(qtbot, editor: EditorWindow) -> None:
    """Window shortcuts go to the active window (two editors are open in one test)."""
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow, timeout=3000)


def save(qtbot, editor: EditorWindow) -> None:
    activate(qtbot, editor)
    with qtbot.waitSignal(editor.record_saved, timeout=5000):
        qtbot.keyClick(editor, Qt.Key.Key_S, CTRL)


def test_a_lead_opens_a_client_and_reads_its_agreement(console_factory, northwind_url, open_editor, qtbot):
    editor = open_editor(console_factory(northwind_url, signed_in="dana"))
    show(qtbot, editor, "clients", "acme")
    form = editor.forms["clients"]
    assert form.name.text() == "Acme Plastics"
    assert form.business_hours.text() == "mon-fri 07:00-18:00"
    assert form.coverage[3].currentText() == "mon-sat 06:00-22:00"
    assert form.response["P1"].value() == 15
    assert editor.banner.isHidden()
    assert "Version 1" in editor.version_label.text()


def wake_for_riverside_ehr(db) -> list[str]:
    verdict = triage.what_if(db, client="riverside", system="ehr", impact="down", at=AT)
    return [entry.tech for entry in verdict.wake]


def test_making_a_technician_an_expert_through_the_form_changes_the_wake_list(
        console_factory, northwind_url, open_editor, qtbot):
    console = console_factory(northwind_url, signed_in="dana")
    db = console.backend.db
    assert "sam" not in wake_for_riverside_ehr(db)
    editor = open_editor(console)
    show(qtbot, editor, "systems", "riverside/ehr")
    form = editor.forms["systems"]
    experts_before = form.experts.model.rowCount()
    qtbot.keyClicks(form.expert_pick, "Sam")
    qtbot.keyClicks(form.expert_role, "secondary")
    assert (form.expert_pick.currentData(), form.expert_role.currentData()) == ("sam", "secondary")
    qtbot.mouseClick(form.experts.add_button, Qt.MouseButton.LeftButton)
    assert form.experts.model.rowCount() == experts_before + 1
    assert "Unsaved changes" in editor.state_label.text()
    with qtbot.waitSignal(editor.environment_changed, timeout=5000):
        qtbot.keyClick(editor, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: "Version 2" in editor.version_label.text(), timeout=5000)
    assert "last changed by Dana Reyes" in editor.version_label.text()
    stored = editing.get_record(db, "systems", "riverside/ehr")
    assert ("sam", "secondary") in [(e.tech, e.role) for e in stored.value.experts]
    assert (stored.version, stored.updated_by) == (2, "dana")
    assert "sam" in wake_for_riverside_ehr(db)
    assert "Saved" in editor.state_label.text()


def test_a_bad_level_is_shown_at_its_field_with_the_importers_message_and_nothing_is_saved(
        console_factory, northwind_url, open_editor, qtbot):
    console = console_factory(northwind_url, signed_in="dana")
    db = console.backend.db
    editor = open_editor(console)
    show(qtbot, editor, "technicians", "lee")
    form = editor.forms["technicians"]
    level_error = form._slots["level"].error
    form.level.spin.selectAll()
    qtbot.keyClicks(form.level.spin, "5")
    qtbot.waitUntil(lambda: level_error.isVisible(), timeout=5000)  # checked as you type, on a worker
    assert level_error.text() == "⚠ level: 5 is out of range (1-3)"
    assert form.level.property("invalid") is True
    assert "level: 5 is out of range (1-3)" in form.level.accessibleDescription()
    assert form._slots["name"].error.isHidden()
    qtbot.keyClick(editor, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: editor.problems_label.text().startswith("Not saved"), timeout=5000)
    assert level_error.text() == "⚠ level: 5 is out of range (1-3)"
    assert form.level.value() == 5  # the user's text stays
    assert editing.get_record(db, "technicians", "lee").value.level == 3
    assert editing.history(db, "technicians", "lee") == []
    # fixed: the mark goes away
    form.level.spin.selectAll()
    qtbot.keyClicks(form.level.spin, "2")
    qtbot.waitUntil(lambda: level_error.isHidden(), timeout=5000)
    assert not form.level.property("invalid")


def test_a_bad_business_hours_expression_gets_the_importers_message_at_the_field(
        console_factory, northwind_url, open_editor, qtbot):
    console = console_factory(northwind_url, signed_in="dana")
    db = console.backend.db
    editor = open_editor(console)
    show(qtbot, editor, "clients", "acme")
    form = editor.forms["clients"]
    form.business_hours.selectAll()
    qtbot.keyClicks(form.business_hours, "mon-fry 07:00-18:00")
    error = form._slots["agreement.business_hours"].error
    qtbot.waitUntil(lambda: error.isVisible(), timeout=5000)
    [importer] = editing.check_record(db, kind="clients", key="acme", value=form.value())
    assert importer.startswith("agreement.business_hours: bad window expression")
    assert error.text() == f"⚠ {importer}"
    assert form.business_hours.property("invalid") is True
    qtbot.keyClick(editor, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: editor.problems_label.text().startswith("Not saved"), timeout=5000)
    assert editing.get_record(db, "clients", "acme").value.agreement.business_hours == "mon-fri 07:00-18:00"


def test_two_sessions_the_second_save_is_refused_and_keeps_its_text_then_overwrites(
        console_factory, northwind_url, open_editor, qtbot):
    first = open_editor(console_factory(northwind_url, signed_in="dana"))
    second_console = console_factory(northwind_url, signed_in="dana")
    second = open_editor(second_console)
    db = second_console.backend.db
    show(qtbot, first, "technicians", "lee")
    show(qtbot, second, "technicians", "lee")
    mine = second.forms["technicians"]
    mine.phones.selectAll()
    qtbot.keyClicks(mine.phones, "+1 312 555 0199")
    theirs = first.forms["technicians"]
    theirs.email.selectAll()
    qtbot.keyClicks(theirs.email, "lee.chen@northwind.example")
    save(qtbot, first)
    assert editing.get_record(db, "technicians", "lee").version == 2

    activate(qtbot, second)
    qtbot.keyClick(second, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: second.conflict.isVisible() and not second._saving, timeout=5000)
    heading = second.conflict.heading.text()
    assert "Dana Reyes saved this record at Fri 27 Nov 23:00 while you were editing" in heading
    assert "Your changes are kept below" in second.conflict.detail.text()
    assert mine.phones.text() == "+1 312 555 0199"  # the text stays in the form
    stored = editing.get_record(db, "technicians", "lee").value
    assert (stored.email, stored.phones) == ("lee.chen@northwind.example", ("+1 312 555 0113",))
    assert [c.version for c in editing.history(db, "technicians", "lee")] == [2]

    qtbot.mouseClick(second.conflict.show_theirs_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: second.conflict.table.isVisible(), timeout=5000)
    rows = {d.field: (d.theirs, d.mine) for d in second.conflict.model.rows}
    assert rows["email"] == ("lee.chen@northwind.example", "lee@northwind.example")
    assert rows["phones"] == (["+1 312 555 0113"], ["+1 312 555 0199"])

    with qtbot.waitSignal(second.record_saved, timeout=5000):
        qtbot.mouseClick(second.conflict.overwrite_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not second.conflict.isVisible(), timeout=5000)
    stored = editing.get_record(db, "technicians", "lee")
    assert (stored.version, stored.value.phones, stored.value.email) == (
        3, ("+1 312 555 0199",), "lee@northwind.example")
    changes = editing.history(db, "technicians", "lee")
    assert [(c.version, c.actor) for c in changes] == [(2, "dana"), (3, "dana")]
    assert set(changes[1].diff) == {"phones", "email"}


def test_another_workstations_save_reloads_a_clean_form(console_factory, northwind_url, open_editor, qtbot):
    console = console_factory(northwind_url, signed_in="dana")
    editor = open_editor(console)
    show(qtbot, editor, "technicians", "alex")
    other = open_database(northwind_url)
    try:
        record = editing.get_record(other, "technicians", "alex")
        data = editing.get_record_data(other, "technicians", "alex").data
        editing.save_record(other, actor="dana", kind="technicians", key="alex", expected_version=record.version,
                            value={**data, "email": "alex.kim@northwind.example"}, at=AT + timedelta(minutes=2))
    finally:
        other.dispose()
    form = editor.forms["technicians"]
    qtbot.waitUntil(lambda: form.email.text() == "alex.kim@northwind.example", timeout=8000)
    assert "Version 2" in editor.version_label.text()
    assert not editor.conflict.isVisible()


def test_a_dispatcher_reads_the_editor_and_is_refused_by_the_service(
        console_factory, northwind_url, open_editor, qtbot):
    console = console_factory(northwind_url, signed_in="jordan")
    db = console.backend.db
    editor = open_editor(console)
    assert editor.banner.isVisible()
    assert "Read only: editing needs the lead role" in editor.banner_line.text()
    show(qtbot, editor, "technicians", "lee")
    form = editor.forms["technicians"]
    assert form.name.isReadOnly() and not form.level.isEnabled() and not form.roles.isEnabled()
    assert not form.leave.add_button.isEnabled()
    assert not editor.save_button.isEnabled() and not editor.save_action.isEnabled()
    qtbot.keyClick(editor, Qt.Key.Key_S, CTRL)
    qtbot.keyClicks(form.name, "Leo")
    assert form.name.text() == "Lee Chen"
    record = editing.get_record(db, "technicians", "lee")
    with pytest.raises(NotAllowed, match="editing technicians needs the lead or admin role; 'jordan' has dispatcher"):
        editing.save_record(db, actor="jordan", kind="technicians", key="lee", expected_version=record.version,
                            value={**editing.get_record_data(db, "technicians", "lee").data, "level": 1}, at=AT)
    assert editing.get_record(db, "technicians", "lee").value.level == 3
    assert editing.history(db, "technicians", "lee") == []


def test_a_runbook_previews_as_you_type_and_warns_about_a_secret(console_factory, northwind_url, open_editor, qtbot):
    editor = open_editor(console_factory(northwind_url, signed_in="dana"))
    show(qtbot, editor, "runbooks", "acme/bridge-restart")
    form = editor.forms["runbooks"]
    assert "Restart the PLC bridge service" in form.preview.toPlainText()
    assert form.secret_warning.isHidden()
    form.body.selectAll()
    qtbot.keyClicks(form.body, "1. Restart **PLC Bridge** on APP02")
    qtbot.waitUntil(lambda: "Restart PLC Bridge on APP02" in form.preview.toPlainText(), timeout=3000)
    assert "**" not in form.preview.toPlainText()  # rendered, not echoed
    qtbot.keyClick(form.body, Qt.Key.Key_Return)
    qtbot.keyClicks(form.body, "password: hunter2")
    qtbot.waitUntil(lambda: form.secret_warning.isVisible(), timeout=3000)
    assert "looks like it holds a password" in form.secret_warning.text()
    qtbot.keyClick(form.body, Qt.Key.Key_Z, CTRL)  # undo inside the text, not a revert of the form
    assert editor.question is None and "Unsaved changes" in editor.state_label.text()


def test_the_history_lists_who_when_and_the_fields_changed(console_factory, northwind_url, open_editor, qtbot):
    console = console_factory(northwind_url, signed_in="dana")
    editor = open_editor(console)
    show(qtbot, editor, "clients", "acme")
    form = editor.forms["clients"]
    form.plan.selectAll()
    qtbot.keyClicks(form.plan, "24x7 production, two lines")
    form.response["P1"].selectAll()
    qtbot.keyClicks(form.response["P1"], "20")
    save(qtbot, editor)
    qtbot.keyClick(editor, Qt.Key.Key_H, CTRL)
    assert editor.tabs.currentWidget() is editor.history
    model = editor.history.model
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=5000)
    lines = {model.index(r, 3).data(): [model.index(r, c).data() for c in range(6)] for r in range(2)}
    assert lines["Plan"] == ["Fri 27 Nov 23:00", "Dana Reyes", "changed (version 2)", "Plan",
                             "24x7 production", "24x7 production, two lines"]
    assert lines["Respond within, P1"][4:] == ["15", "20"]
    assert "1 change recorded; the last by Dana Reyes" in editor.history.summary.text()
    [change] = editing.history(console.backend.db, "clients", "acme")
    assert change.diff["agreement.plan"] == ["24x7 production", "24x7 production, two lines"]


def test_leave_added_to_a_technician_is_saved(console_factory, northwind_url, open_editor, qtbot):
    console = console_factory(northwind_url, signed_in="dana")
    editor = open_editor(console)
    show(qtbot, editor, "technicians", "lee")
    form = editor.forms["technicians"]
    before = form.leave.model.rowCount()
    qtbot.keyClicks(form.leave_from, "2026-12-24T00:00")
    qtbot.keyClicks(form.leave_to, "2026-12-27T00:00")
    qtbot.keyClicks(form.leave_reason, "holidays")
    qtbot.keyClick(form.leave_reason, Qt.Key.Key_Return)
    assert form.leave.model.rowCount() == before + 1
    save(qtbot, editor)
    lee = editing.get_record(console.backend.db, "technicians", "lee").value
    assert len(lee.unavailable) == before + 1
    leave = lee.unavailable[-1]
    assert (leave.start.isoformat(), leave.end.isoformat(), leave.reason) == (
        "2026-12-24T06:00:00+00:00", "2026-12-27T06:00:00+00:00", "holidays")
    qtbot.waitUntil(lambda: form.leave.model.index(before, 0).data() == "Thu 2026-12-24 00:00", timeout=5000)


def test_an_emergency_rule_is_added_as_a_rule(console_factory, northwind_url, open_editor, qtbot):
    console = console_factory(northwind_url, signed_in="dana")
    editor = open_editor(console)
    show(qtbot, editor, "clients", "acme")
    rules = editor.forms["clients"].rules
    count = rules.model.rowCount()
    qtbot.mouseClick(rules.add_button, Qt.MouseButton.LeftButton)
    rules.impact.boxes["down"].click()
    rules.systems.setFocus()
    rules.systems.setCurrentIndex(rules.systems.items.index(0, 0))
    qtbot.keyClick(rules.systems, Qt.Key.Key_Space)
    qtbot.keyClicks(rules.keywords, "server room flood")
    first_system = rules.systems.items.item(0).data(rules.systems.ID_ROLE)
    assert rules.model.rules[count] == {"systems": [first_system], "impact": ["down"], "keywords": ["server room flood"]}
    assert "the summary says “server room flood”" in rules.model.index(count, 1).data()
    save(qtbot, editor)
    stored = editing.get_record(console.backend.db, "clients", "acme").value.agreement.emergency
    assert (stored[count].systems, stored[count].impact, stored[count].keywords) == (
        (first_system,), ("down",), ("server room flood",))


def test_switching_records_with_unsaved_edits_asks_first(console_factory, northwind_url, open_editor, qtbot):
    editor = open_editor(console_factory(northwind_url, signed_in="dana"))
    show(qtbot, editor, "technicians", "lee")
    form = editor.forms["technicians"]
    qtbot.keyClicks(form.name, " Jr")
    editor.navigator.select("technicians", "alex", quiet=False)
    qtbot.waitUntil(lambda: editor.question is not None and editor.question.isVisible(), timeout=3000)
    qtbot.mouseClick(editor.question.keep_button, Qt.MouseButton.LeftButton)
    assert form.name.text() == "Lee Chen Jr" and editor.navigator.current().key == "lee"
    editor.navigator.select("technicians", "alex", quiet=False)
    qtbot.waitUntil(lambda: editor.question.isVisible(), timeout=3000)
    with qtbot.waitSignal(editor.record_shown, timeout=5000):
        qtbot.mouseClick(editor.question.proceed_button, Qt.MouseButton.LeftButton)
    assert form.name.text() == "Alex Kim"
    # Esc reverts, asking first
    activate(qtbot, editor)
    qtbot.keyClicks(form.email, "x")
    qtbot.keyClick(form.email, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: editor.question.isVisible(), timeout=3000)
    with qtbot.waitSignal(editor.record_shown, timeout=5000):
        qtbot.mouseClick(editor.question.proceed_button, Qt.MouseButton.LeftButton)
    assert form.email.text() == "alex@northwind.example" and not editor.is_dirty()


def test_a_new_system_with_ctrl_n_and_a_new_override(console_factory, northwind_url, open_editor, qtbot):
    console = console_factory(northwind_url, signed_in="dana")
    db = console.backend.db
    editor = open_editor(console)
    assert editor.navigator.select("systems-of", "acme/")
    qtbot.keyClick(editor.navigator.tree, Qt.Key.Key_N, CTRL)
    form = editor.forms["systems"]
    assert editor.form is form and editor.title_label.text() == "New system of Acme Plastics"
    assert form.id_field.hasFocus()
    qtbot.keyClicks(form.id_field, "scada")
    qtbot.keyClicks(form.name, "SCADA gateway")
    save(qtbot, editor)
    qtbot.waitUntil(lambda: editor.record is not None and editor.record.key == "acme/scada", timeout=5000)
    assert editing.get_record(db, "systems", "acme/scada").value.name == "SCADA gateway"
    qtbot.waitUntil(lambda: editor.navigator.model.find("systems", "acme/scada").isValid(), timeout=5000)

    before = len(editing.list_overrides(db))
    editor.new_record("overrides")
    overrides = editor.forms["overrides"]
    qtbot.keyClicks(overrides.tech, "Lee")
    qtbot.keyClicks(overrides.start, "2026-12-24T18:00")
    qtbot.keyClicks(overrides.end, "2026-12-25T08:00")
    save(qtbot, editor)
    added = editing.list_overrides(db)
    assert len(added) == before + 1 and added[-1][1].tech == "lee"
    qtbot.waitUntil(lambda: editor.record is not None and editor.record.kind == "overrides", timeout=5000)
    assert overrides.start.isReadOnly() and not editor.save_button.isEnabled()  # removed, not edited


def test_another_workstations_save_under_unsaved_edits_raises_the_conflict_at_once(
        console_factory, northwind_url, open_editor, qtbot):
    editor = open_editor(console_factory(northwind_url, signed_in="dana"))
    show(qtbot, editor, "technicians", "alex")
    form = editor.forms["technicians"]
    qtbot.keyClicks(form.name, " (nights)")
    other = open_database(northwind_url)
    try:
        record = editing.get_record_data(other, "technicians", "alex")
        editing.save_record(other, actor="dana", kind="technicians", key="alex", expected_version=record.version,
                            value={**record.data, "level": 3}, at=AT + timedelta(minutes=14))
    finally:
        other.dispose()
    qtbot.waitUntil(editor.conflict.isVisible, timeout=8000)  # before any save: the feed told
    assert "saved this record at Fri 27 Nov 23:14 while you were editing" in editor.conflict.heading.text()
    assert "Stored now: version 2" in editor.version_label.text()
    assert form.name.text() == "Alex Kim (nights)"
    with qtbot.waitSignal(editor.record_shown, timeout=5000):
        qtbot.mouseClick(editor.conflict.discard_button, Qt.MouseButton.LeftButton)
    assert (form.name.text(), form.level.value()) == ("Alex Kim", 3) and not editor.conflict.isVisible()


def test_delete_asks_then_removes_and_a_refusal_says_where_the_record_is_still_named(
        console_factory, northwind_url, open_editor, qtbot):
    console = console_factory(northwind_url, signed_in="dana")
    db = console.backend.db
    editor = open_editor(console)
    [(key, _override, _version)] = editing.list_overrides(db)[:1]
    show(qtbot, editor, "overrides", key)
    editor.navigator.tree.setFocus()
    qtbot.keyClick(editor.navigator.tree, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: editor.question is not None and editor.question.isVisible(), timeout=3000)
    assert editor.question.text().startswith("Delete override")
    with qtbot.waitSignal(editor.environment_changed, timeout=5000):
        qtbot.mouseClick(editor.question.proceed_button, Qt.MouseButton.LeftButton)
    assert key not in [k for k, _, _ in editing.list_overrides(db)]
    assert [c.action for c in editing.history(db, "overrides", key)] == ["deleted"]

    show(qtbot, editor, "technicians", "sam")  # a member of the night rotation
    editor.delete_record()
    qtbot.waitUntil(lambda: editor.question.isVisible(), timeout=3000)
    qtbot.mouseClick(editor.question.proceed_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.problems_label.text().startswith("⚠ Not deleted"), timeout=5000)
    assert "no technician 'sam'" in editor.problems_label.text()
    assert editing.get_record(db, "technicians", "sam").value.active


def test_the_filter_finds_a_record_and_enter_opens_it(console_factory, northwind_url, open_editor, qtbot):
    editor = open_editor(console_factory(northwind_url, signed_in="dana"))
    activate(qtbot, editor)
    qtbot.keyClick(editor, Qt.Key.Key_F, CTRL)
    assert editor.navigator.filter.hasFocus()
    qtbot.keyClicks(editor.navigator.filter, "health rec")
    with qtbot.waitSignal(editor.record_shown, timeout=5000):
        qtbot.keyClick(editor.navigator.filter, Qt.Key.Key_Return)
    assert editor.record.key == "riverside/ehr"
    assert editor.title_label.text() == "System · Electronic health records · Riverside Family Clinic"


def test_a_lead_asks_what_leave_would_open_before_saving_it(console_factory, northwind_url, qtbot):
    """Typed leave (not saved) opens the manager's what-if on it, checked at once, with the
    service's own answer; the technician's record is untouched."""
    from dispatch_app.domain.localtime import resolve
    from dispatch_app.services import review

    console = console_factory(northwind_url, signed_in="dana")  # a lead: what-ifs are hers too
    window, db = console.window, console.backend.db
    before = editing.get_record(db, "technicians", "lee")
    editor = window.controllers["windows"].open_editor()
    qtbot.waitUntil(lambda: editor.outline is not None, timeout=5000)
    show(qtbot, editor, "technicians", "lee")
    form = editor.forms["technicians"]
    qtbot.keyClicks(form.leave_from, "2026-12-24T00:00")
    qtbot.keyClicks(form.leave_to, "2026-12-27T00:00")
    review_window = window.controllers["windows"].open_review()  # made now, so that its answer can be waited for
    review_window.show_tab(HANDOFFS)
    editor.activateWindow()
    with qtbot.waitSignal(review_window.what_if_tab.answered, timeout=8000) as answered:
        qtbot.mouseClick(form.what_if_button, Qt.MouseButton.LeftButton)

    start = resolve(datetime(2026, 12, 24), "America/Chicago")
    expected = review.what_if_leave(db, actor="dana", tech="lee", start=start, end=start + timedelta(days=3))
    assert answered.args[0].answer == expected and expected.new_gaps
    assert review_window.tabs.currentIndex() == WHAT_IF
    assert review_window.what_if_tab.verdict.text().startswith(f"⚠ Approving this opens {len(expected.new_gaps)} gaps")
    assert editing.get_record(db, "technicians", "lee") == before


def test_what_if_for_leave_says_what_is_missing(console_factory, northwind_url, open_editor, qtbot):
    editor = open_editor(console_factory(northwind_url, signed_in="dana"))
    show(qtbot, editor, "technicians", "lee")
    form = editor.forms["technicians"]
    asked = []
    form.what_if_requested.connect(lambda *args: asked.append(args))
    qtbot.mouseClick(form.what_if_button, Qt.MouseButton.LeftButton)
    assert "Type the leave's from and until, or select a leave" in form.what_if_note.text()
    qtbot.keyClicks(form.leave_from, "Christmas")
    qtbot.keyClicks(form.leave_to, "2026-12-27T00:00")
    qtbot.mouseClick(form.what_if_button, Qt.MouseButton.LeftButton)
    assert "from: 'Christmas' is not a date and time" in form.what_if_note.text()
    assert asked == []
