"""Schedules in the console (issue 7, item 3), through the real widgets: the lanes, an override
made by dragging across a lane and saved, removed with Delete; refusals for a dispatcher; holes
equal to the service's; week/month and DST; iCalendar export and import."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import icalendar
import pytest
from PySide6.QtCore import QPoint, Qt

from dispatch_app.domain.localtime import resolve
from dispatch_app.domain.model import Override, Unavailability
from dispatch_app.errors import NotAllowed
from dispatch_app.services import editing, review, schedule
from dispatch_app.services.database import open_database
from dispatch_app.ui.schedule import ScheduleWindow
from dispatch_app.ui.schedule.lanes import HOLE, LEAVE, OVERRIDE, ROTATION, SCHEDULE
from dispatch_app.ui.schedule.scale import TimeScale
from dispatch_app.ui.schedule.timeline import LABEL_WIDTH

from tests.ui.conftest import AT

CHICAGO = "America/Chicago"
UTC = timezone.utc
WEEICS = Path(__file__).resolve().parents[2] / "resources" / "examples" / "schedules" / "weekend.ics"


def local(text: str) -> datetime:
    return resolve(datetime.fromisoformat(text), CHICAGO)


def open_schedule(console, qtbot) -> ScheduleWindow:
    window = ScheduleWindow(console.window.context(), console.window)
    window.resize(1500, 900)
    with qtbot.waitSignal(window.range_shown, timeout=5000):
        window.show()
    qtbot.waitExposed(window)
    return window


def rotation_lane(window, rotation: str = "night-remote"):
    return next(lane for lane in window.timeline.lanes if lane.rotation == rotation and lane.kind == ROTATION)


def lane_index(window, rotation: str = "night-remote") -> int:
    return window.timeline.lanes.index(rotation_lane(window, rotation))


def point(window, index: int, at: datetime) -> QPoint:
    timeline = window.timeline
    return QPoint(round(timeline.x_of(at)), round(timeline.lane_rect(index).center().y()))


def drag(qtbot, window, index: int, start: datetime, end: datetime) -> None:
    timeline = window.timeline
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=point(window, index, start))
    qtbot.mouseMove(timeline, point(window, index, start + (end - start) / 2))
    qtbot.mouseMove(timeline, point(window, index, end))
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=point(window, index, end))


def test_the_week_shows_each_holder_by_name_and_the_swap_as_an_override(console_factory, northwind_url, qtbot):
    console = console_factory(northwind_url, signed_in="dana")
    window = open_schedule(console, qtbot)
    assert window.range_label.text() == "Mon 23 Nov – Sun 29 Nov 2026"
    assert window.zone_label.text().startswith("Times in America/Chicago, the MSP's time zone")
    lane = rotation_lane(window)
    assert lane.title == "Night remote on-call" and lane.subtitle == "level 2 · every 1w"
    view = schedule.schedule_view(console.backend.db, start=local("2026-11-23T00:00"), end=local("2026-11-30T00:00"))
    held = [(b.start, b.end, b.tech) for b in lane.blocks_of(SCHEDULE, OVERRIDE)]
    assert held == [(s.start, s.end, s.tech) for s in view.rotation("night-remote").segments if s.tech]
    swap, = lane.blocks_of(OVERRIDE)
    assert (swap.start, swap.end, swap.label) == (local("2026-11-27T17:00"), local("2026-11-28T08:00"),
                                                  "Sam Ortiz · override: swap with alex")
    assert [b.label for b in lane.blocks_of(SCHEDULE)][:2] == ["Lee Chen", "Alex Kim"]  # Lee's week ends Mon 08:00
    assert {b.label for b in lane.blocks_of(SCHEDULE)[1:]} == {"Alex Kim"}
    assert lane.block_at(local("2026-11-25T12:00")).kind == "off"  # Wednesday noon: outside the window
    assert [l for l in window.timeline.lanes if l.kind == LEAVE] == []
    assert window.overrides_model.rowCount() == 1 and window.holes_model.rowCount() == 0
    assert window.holes_line.text().startswith("✓ No holes")
    # the keyboard cursor starts at now (Fri 23:00) on the first lane: the swap is described
    window.timeline.setFocus()
    qtbot.waitUntil(lambda: "Sam Ortiz by override (swap with alex)" in window.details.text(), timeout=3000)


def test_the_lists_pass_the_model_tester_and_another_workstations_write_arrives(console_factory, northwind_url,
                                                                               qtbot, qtmodeltester):
    console = console_factory(northwind_url, signed_in="dana")
    window = open_schedule(console, qtbot)
    qtmodeltester.check(window.overrides_model)
    qtmodeltester.check(window.holes_model)
    other = open_database(northwind_url)  # another workstation adds an override: the feed brings it
    editing.save_record(other, actor="dana", kind="overrides", key=None, expected_version=None, at=AT,
                        value=Override("night-remote", "lee", local("2026-11-25T01:00"), local("2026-11-25T04:00"),
                                       "from the other desk"))
    other.dispose()
    qtbot.waitUntil(lambda: window.overrides_model.rowCount() == 2, timeout=10000)
    assert any(b.tech == "lee" for b in rotation_lane(window).blocks_of(OVERRIDE))
    qtmodeltester.check(window.overrides_model)


def test_drag_across_a_lane_makes_an_override_that_is_saved_and_drawn(console_factory, northwind_url, qtbot):
    console = console_factory(northwind_url, signed_in="dana")
    window = open_schedule(console, qtbot)
    start, end = local("2026-11-24T01:00"), local("2026-11-24T05:00")  # Tuesday night: Alex by schedule
    drag(qtbot, window, lane_index(window), start, end)
    qtbot.waitUntil(lambda: window.override_dialog is not None and window.override_dialog.isVisible(), timeout=3000)
    dialog = window.override_dialog
    assert dialog.span() == (start, end)
    assert [dialog.technician.itemData(i) for i in range(3)] == ["alex", "sam", "lee"]
    assert "Alex Kim (schedule): Tue 24 Nov 01:00 → 05:00 CST (4 h 00 min)" in dialog.replaces.text()
    dialog.select_technician("dana")
    qtbot.keyClicks(dialog.reason, "covers Alex, dentist")
    qtbot.waitUntil(lambda: dialog.what_if.toPlainText().startswith(("✓", "⚠")), timeout=5000)
    what_if = review.what_if_override(console.backend.db, actor="dana", rotation="night-remote", tech="dana",
                                      start=start, end=end)
    shown = dialog.what_if.toPlainText()
    if what_if.gaps_before == what_if.gaps_after:
        assert shown == "✓ No coverage gap opens or closes over this span."
    else:
        assert all(f"{g.client} · {g.system}" in shown for g in what_if.new_gaps)
    with qtbot.waitSignal(window.override_saved, timeout=5000), qtbot.waitSignal(window.range_shown, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = [o for _, o, _ in editing.list_overrides(console.backend.db)]
    assert Override("night-remote", "dana", start, end, "covers Alex, dentist") in saved
    qtbot.waitUntil(lambda: any(b.tech == "dana" for b in rotation_lane(window).blocks_of(OVERRIDE)), timeout=5000)
    drawn = next(b for b in rotation_lane(window).blocks_of(OVERRIDE) if b.tech == "dana")
    assert (drawn.start, drawn.end, drawn.label) == (start, end, "Dana Reyes · override: covers Alex, dentist")
    assert window.overrides_model.rowCount() == 2


def test_the_override_dialog_refuses_an_empty_reason_and_a_backward_span(console_factory, northwind_url, qtbot):
    console = console_factory(northwind_url, signed_in="dana")
    window = open_schedule(console, qtbot)
    window.timeline.focus_on("night-remote", local("2026-11-24T01:00"))
    window.timeline.setFocus()
    for _ in range(3):
        qtbot.keyClick(window.timeline, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(window.timeline, Qt.Key.Key_O)
    qtbot.waitUntil(lambda: window.override_dialog is not None and window.override_dialog.isVisible(), timeout=3000)
    dialog = window.override_dialog
    assert dialog.span() == (local("2026-11-24T01:00"), local("2026-11-24T04:00"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "Say why" in dialog.problem.text()
    dialog.end.setDateTime(dialog.start.dateTime().addSecs(-3600))
    assert "must be after" in dialog.span_line.text()
    dialog.reason.setText("x")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "must be after" in dialog.problem.text()
    assert len(editing.list_overrides(console.backend.db)) == 1


def test_a_dispatcher_may_look_but_not_make_overrides(console_factory, northwind_url, qtbot):
    console = console_factory(northwind_url, signed_in="jordan")
    window = open_schedule(console, qtbot)
    assert not window.override_button.isEnabled() and not window.import_button.isEnabled()
    assert window.export_button.isEnabled() and window.export_mine_button.isEnabled()
    assert "needs the lead role" in window.role_line.text() and "Jordan Price (dispatcher)" in window.role_line.text()
    drag(qtbot, window, lane_index(window), local("2026-11-24T01:00"), local("2026-11-24T05:00"))
    assert window.override_dialog is None
    assert "⚠ Read-only" in window.details.text() and "needs the lead role" in window.details.text()
    with pytest.raises(NotAllowed, match="needs the lead or admin role"):
        editing.save_record(console.backend.db, actor="jordan", kind="overrides", key=None, expected_version=None,
                            value=Override("night-remote", "jordan", local("2026-11-24T01:00"),
                                           local("2026-11-24T05:00"), "me"), at=AT)
    assert len(editing.list_overrides(console.backend.db)) == 1


def test_holes_shown_equal_the_services_holes(console_factory, northwind_url, qtbot):
    console = console_factory(northwind_url, signed_in="dana", start=False)
    db = console.backend.db
    record = editing.get_record(db, "technicians", "alex")
    sick = Unavailability(local("2026-11-24T02:00"), local("2026-11-25T12:00"), "flu")
    editing.save_record(db, actor="dana", kind="technicians", key="alex", expected_version=record.version,
                        value=replace(record.value, unavailable=(sick,)), at=AT)
    console.window.start()
    qtbot.waitUntil(lambda: console.window.actor.id == "dana", timeout=5000)
    window = open_schedule(console, qtbot)
    view = schedule.schedule_view(db, start=window.view.start, end=window.view.end)
    expected = [(h.start, h.end, h.tech) for h in view.rotation("night-remote").holes]
    assert expected == [(local("2026-11-24T02:00"), local("2026-11-24T08:00"), "alex"),
                        (local("2026-11-24T17:00"), local("2026-11-25T08:00"), "alex")]
    lane = rotation_lane(window)
    assert [(b.start, b.end, b.tech) for b in lane.blocks_of(HOLE)] == expected
    assert all(b.label == "NOBODY · Alex Kim on leave" for b in lane.blocks_of(HOLE))
    assert [(r.start, r.end) for r in window.holes_model.rows] == [(a, b) for a, b, _ in expected]
    assert window.holes_line.text().startswith("⚠ 2 holes in these dates")
    leave_lane = next(l for l in window.timeline.lanes if l.kind == LEAVE)
    assert (leave_lane.title, [(b.start, b.end, b.label) for b in leave_lane.blocks]) == \
        ("Alex Kim", [(sick.start, sick.end, "leave: flu")])


def test_delete_on_the_swap_removes_it_after_confirming(console_factory, northwind_url, qtbot):
    console = console_factory(northwind_url, signed_in="dana")
    window = open_schedule(console, qtbot)
    window.timeline.setFocus()
    window.timeline.focus_on("night-remote", local("2026-11-27T20:00"))
    qtbot.keyClick(window.timeline, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: window.confirm_box is not None and window.confirm_box.isVisible(), timeout=3000)
    assert "Sam Ortiz holds Night remote on-call Fri 27 Nov 17:00 → Sat 28 Nov 08:00" in window.confirm_box.text()
    with qtbot.waitSignal(window.override_removed, timeout=5000), qtbot.waitSignal(window.range_shown, timeout=5000):
        qtbot.mouseClick(window.remove_confirm_button, Qt.MouseButton.LeftButton)
    assert editing.list_overrides(console.backend.db) == []
    assert rotation_lane(window).blocks_of(OVERRIDE) == []
    assert rotation_lane(window).block_at(local("2026-11-27T20:00")).tech == "alex"


def test_keys_switch_between_week_and_month_and_move(console_factory, northwind_url, qtbot):
    console = console_factory(northwind_url, signed_in="dana")
    window = open_schedule(console, qtbot)
    window.timeline.setFocus()
    with qtbot.waitSignal(window.range_shown, timeout=5000) as shown:
        qtbot.keyClick(window.timeline, Qt.Key.Key_M)
    assert shown.args == [local("2026-11-01T00:00"), local("2026-12-01T00:00")]
    assert window.range_label.text() == "November 2026" and len(window.timeline.scale) == 30
    assert "Sun 01 Nov has 25 hours (clock change)" in window.zone_label.text()
    with qtbot.waitSignal(window.range_shown, timeout=5000) as shown:
        qtbot.keyClick(window.timeline, Qt.Key.Key_PageDown)
    assert shown.args[0] == local("2026-12-01T00:00")
    with qtbot.waitSignal(window.range_shown, timeout=5000) as shown:
        qtbot.keyClick(window.timeline, Qt.Key.Key_T)
    assert shown.args[0] == local("2026-11-01T00:00")
    with qtbot.waitSignal(window.range_shown, timeout=5000) as shown:
        qtbot.keyClick(window.timeline, Qt.Key.Key_W)
    assert shown.args == [local("2026-11-23T00:00"), local("2026-11-30T00:00")]
    with qtbot.waitSignal(window.range_shown, timeout=5000) as shown:
        qtbot.keyClick(window.timeline, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert shown.args[0] == local("2026-11-16T00:00")


def test_the_spring_forward_week_draws_sunday_as_23_hours(console_factory, northwind_url, qtbot):
    console = console_factory(northwind_url, signed_in="dana")
    window = open_schedule(console, qtbot)
    with qtbot.waitSignal(window.range_shown, timeout=5000):
        window.show_range(local("2027-03-08T00:00"), local("2027-03-15T00:00"))
    assert window.mode == "week" and "Sun 14 Mar has 23 hours (clock change)" in window.zone_label.text()
    scale = window.timeline.scale
    assert [round(d.hours) for d in scale.days] == [24, 24, 24, 24, 24, 24, 23]
    weekend = rotation_lane(window).block_at(local("2027-03-14T12:00"))
    assert (weekend.kind, weekend.start, weekend.end) == (SCHEDULE, local("2027-03-12T17:00"), scale.end)
    noon = local("2027-03-14T12:00")
    assert noon == datetime(2027, 3, 14, 17, tzinfo=UTC)
    timeline = window.timeline
    day_width = (timeline.width() - LABEL_WIDTH - 8) / 7
    # Sunday noon (CDT) is eleven real hours after midnight (CST): 11/23 of the day's column
    assert timeline.x_of(noon) == pytest.approx(LABEL_WIDTH + (6 + 11 / 23) * day_width)
    assert scale.instant(6 + 11 / 23) == noon and scale.local_hour(scale.days[6], 12) == noon
    assert scale.local_hour(scale.days[6], 2) == local("2027-03-14T03:00")  # 02:00 does not exist that night
    assert TimeScale(local("2027-03-10T15:00"), local("2027-03-11T01:00"), CHICAGO).start == local("2027-03-10T00:00")


def test_export_writes_an_ics_that_parses(console_factory, northwind_url, qtbot, tmp_path):
    console = console_factory(northwind_url, signed_in="jordan")
    window = open_schedule(console, qtbot)
    target = tmp_path / "sam.ics"
    window.export_calendar(mine=False, path=str(target))
    dialog = window.export_dialog
    dialog.who.setCurrentIndex(dialog.who.findData("sam"))
    with qtbot.waitSignal(dialog.calendar_exported, timeout=5000) as exported:
        qtbot.mouseClick(dialog.action_button, Qt.MouseButton.LeftButton)
    events = list(icalendar.Calendar.from_ical(target.read_text(encoding="utf-8")).walk("VEVENT"))
    wanted = schedule.on_call_events(console.backend.db, start=window.view.start, end=window.view.end, tech="sam")
    assert exported.args == [str(target), len(wanted)] and len(events) == len(wanted) >= 1
    assert sorted(str(e["UID"]) for e in events) == sorted(e.uid for e in wanted)
    assert {str(e["SUMMARY"]) for e in events} == {"On call: Night remote on-call"}
    assert f"Wrote {len(wanted)} on-call event" in window.details.text()


def test_import_a_rotation_from_an_ics_file(console_factory, northwind_url, qtbot):
    console = console_factory(northwind_url, signed_in="dana")
    window = open_schedule(console, qtbot)
    window.import_calendar(path=str(WEEICS))
    dialog = window.import_dialog
    qtbot.keyClicks(dialog.rotation_id, "weekend")
    qtbot.keyClicks(dialog.name, "Weekend on-site standby")
    dialog.level.setCurrentIndex(dialog.level.findData(3))
    with qtbot.waitSignal(dialog.calendar_imported, timeout=5000), qtbot.waitSignal(window.range_shown, timeout=5000):
        qtbot.mouseClick(dialog.action_button, Qt.MouseButton.LeftButton)
    lane = rotation_lane(window, "weekend")
    assert lane.subtitle == "level 3 · from a calendar"
    sunday = lane.block_at(local("2026-11-29T12:00"))
    assert (sunday.kind, sunday.tech, sunday.label) == ("ical", "dana", "Dana Reyes (calendar)")
    assert editing.history(console.backend.db, "rotations", "weekend")[0].action == "created"


def test_the_what_if_names_the_leave_and_the_gaps_it_opens(console_factory, northwind_url, qtbot):
    console = console_factory(northwind_url, signed_in="dana")
    window = open_schedule(console, qtbot)
    # Christmas Eve: Lee, the EHR's only expert, is away; Sam on call is the fallback. Dana (on
    # vacation Dec 20-28) instead of Sam leaves nobody to wake for Riverside's EHR.
    start, end = local("2026-12-24T18:00"), local("2026-12-25T08:00")
    window._on_override_wanted("night-remote", start, end)
    dialog = window.override_dialog
    dialog.select_technician("dana")
    qtbot.waitUntil(lambda: dialog.what_if.toPlainText().startswith("⚠"), timeout=5000)
    shown = dialog.what_if.toPlainText()
    assert shown.startswith("⚠ Dana Reyes is on leave Thu 24 Dec 18:00 → Fri 25 Dec 08:00 CST (14 h 00 min)")
    what_if = review.what_if_override(console.backend.db, actor="dana", rotation="night-remote", tech="dana",
                                      start=start, end=end)
    assert what_if.new_gaps, "the scenario must open a gap"
    assert [(g.client, g.system, g.reason) for g in what_if.new_gaps] == [("riverside", "ehr", "nobody eligible")]
    assert "⚠ Worse: riverside · ehr — Thu 24 Dec 18:00 → Fri 25 Dec 08:00 CST (14 h 00 min) · now nobody eligible " \
           "(was no expert available)" in shown
    dialog.reject()
    assert len(editing.list_overrides(console.backend.db)) == 1
