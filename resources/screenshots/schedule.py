"""Screenshots of the schedules (issue 7, item 3).

``shoot(console, out)`` takes a console built as resources/take_screenshots.py builds it (the
demo database, the clock pinned, Jordan signed in), signs the lead (Dana) in, gives the demo's
week a hole (Alex, who holds the night rotation this week, off sick for a night), opens the
schedule and saves:

    30-schedule-week.png      the week: holders, the Friday swap, leave, the hole, the now-line
    31-schedule-month.png     the month: Dana's vacation week, Taylor's override covering it
    32-schedule-override.png  a span selected on a lane, the override dialog with its what-if: the
                              technician asked for is away, and the gaps it would open are listed
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time as clock_time, timedelta
from pathlib import Path

from dispatch_app.domain.localtime import resolve, to_local
from dispatch_app.domain.model import Unavailability
from dispatch_app.services import editing, review, schedule
from dispatch_app.ui.schedule import ScheduleWindow
from resources.screenshots.shots import Shots, settle, sign_in, wait

LEAD = "dana"


def give_the_week_a_hole(db, now) -> None:
    """The holder of the night rotation tonight+1 calls in sick for a night: their leave is
    drawn on their lane, and the rotation has a hole with their name."""
    held = {o.rotation: o.tech for o in schedule.on_call(db, at=now + timedelta(hours=26))}
    tech = held.get("night-remote")
    if tech is None:
        return
    record = editing.get_record(db, "technicians", tech)
    sick = Unavailability(now + timedelta(hours=24), now + timedelta(hours=33), "sick")
    editing.save_record(db, actor=LEAD, kind="technicians", key=tech, expected_version=record.version,
                        value=replace(record.value, unavailable=record.value.unavailable + (sick,)), at=now)


def _span_that_opens_a_gap(db, now, tz: str):
    """The first evening (17:00 on the MSP's clock) of the coming days on which Priya holding
    the night rotation would open a coverage gap (the demo's data decide which)."""
    today = to_local(now, tz).date()
    evenings = [resolve(datetime.combine(today + timedelta(days=d), clock_time(17)), tz) for d in range(1, 8)]
    for start in evenings:
        found = review.what_if_override(db, actor=LEAD, rotation="night-remote", tech="priya", start=start,
                                        end=start + timedelta(hours=15))
        if found.new_gaps:
            return start
    return evenings[0]


def shoot(console, out: Path) -> list[Path]:
    window = console.window
    db = console.backend.db
    now = window.clock.now()
    shots = Shots(out)
    save, saved = shots.save, shots.saved

    wait(lambda: window.env is not None and window.actor.id is not None)
    give_the_week_a_hole(db, now)
    sign_in(console, LEAD)

    shown = []
    schedules = ScheduleWindow(window.context(), window)
    schedules.range_shown.connect(lambda start, end: shown.append((start, end)))
    schedules.resize(1720, 920)
    schedules.show()
    wait(lambda: shown)
    timeline = schedules.timeline
    swap = next((b for lane in timeline.lanes for b in lane.blocks if b.kind == "override"), None)
    if swap is not None:
        timeline.focus_on(next(l.rotation for l in timeline.lanes if swap in l.blocks), swap.start)
    timeline.setFocus()
    settle()
    save(schedules, "30-schedule-week")

    shown.clear()
    schedules.set_mode("month")
    wait(lambda: shown)
    settle()
    save(schedules, "31-schedule-month")

    shown.clear()
    schedules.set_mode("week")
    wait(lambda: shown)
    # the lead is asked to put Priya on a night shift while she is away at a training: the
    # what-if shows her leave and the coverage gaps it would open before anything is saved
    start = _span_that_opens_a_gap(db, now, schedules.view.timezone)
    if start >= schedules.view.end:
        shown.clear()
        schedules.move_range(1)
        wait(lambda: shown)
    night = next(i for i, lane in enumerate(timeline.lanes) if lane.rotation == "night-remote" and lane.tech is None)
    timeline.lane_index = night
    timeline.selection = (night, start, start + timedelta(hours=15))
    timeline.request_override()
    wait(lambda: schedules.override_dialog is not None and schedules.override_dialog.isVisible())
    dialog = schedules.override_dialog
    dialog.select_technician("priya")
    dialog.reason.setText("swap with Alex (his daughter's recital)")
    wait(lambda: dialog.what_if.toPlainText() not in ("", "Checking coverage…"))
    settle()
    save(dialog, "32-schedule-override")
    dialog.reject()
    schedules.close()
    return saved
