"""The schedule view's service (services/schedule.py): the view over a range, on-call exported as
iCalendar and parsed back, a rotation imported from an .ics file and read by ``on_call``."""
from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import icalendar
import pytest

from dispatch_app.domain.model import Unavailability
from dispatch_app.domain.oncall import on_call
from dispatch_app.domain.schedule import HOLE_ON_LEAVE
from dispatch_app.errors import DispatchError, NotAllowed, NotFound
from dispatch_app.services import editing, schedule
from dispatch_app.services.environment import load_environment
from night import FRIDAY_NIGHT, db, northwind_url  # noqa: F401 - fixtures

UTC = timezone.utc
WEEK = (datetime(2026, 11, 23, 6, tzinfo=UTC), datetime(2026, 11, 30, 6, tzinfo=UTC))  # Mon-Mon, Chicago
WEEKEND_ICS = Path(__file__).resolve().parents[2] / "resources" / "examples" / "schedules" / "weekend.ics"


def hours(start: datetime, end: datetime, step: timedelta = timedelta(minutes=30)):
    t = start
    while t < end:
        yield t
        t += step


def test_the_view_of_the_swap_week_agrees_with_on_call_and_names_the_override(db):
    view = schedule.schedule_view(db, start=WEEK[0], end=WEEK[1])
    assert view.timezone == "America/Chicago" and view.msp == "Northwind IT"
    night = view.rotation("night-remote")
    env = load_environment(db, clients=[])
    for at in hours(*WEEK):
        held = on_call(env, night.rotation, at)
        segment = next(s for s in night.segments if s.start <= at < s.end)
        assert (segment.tech, segment.source, segment.available) == (held.tech, held.source, held.available)
    (key, override, version), = editing.list_overrides(db)
    assert [(o.key, o.version, o.override) for o in night.overrides] == [(key, version, override)]
    swap = next(s for s in night.segments if s.source == "override")
    assert night.override_of(swap).key == key and view.name(swap.tech) == "Sam Ortiz"
    assert night.holes == ()
    assert night.candidates[:3] == ("alex", "sam", "lee")  # members first, then level 2+ by name
    assert set(night.candidates[3:]) == {"dana", "morgan"} and "jordan" not in night.candidates


def test_holes_and_leave_when_the_holder_is_away(db):
    record = editing.get_record(db, "technicians", "alex")  # alex holds the week of Nov 23 by schedule
    away = Unavailability(datetime(2026, 11, 24, 2, tzinfo=UTC), datetime(2026, 11, 24, 20, tzinfo=UTC), "flu")
    editing.save_record(db, actor="dana", kind="technicians", key="alex", expected_version=record.version,
                        value=dataclasses.replace(record.value, unavailable=(away,)), at=FRIDAY_NIGHT)
    night = schedule.schedule_view(db, start=WEEK[0], end=WEEK[1]).rotation("night-remote")
    assert [(h.start, h.end, h.reason, h.tech) for h in night.holes] == [
        (away.start, datetime(2026, 11, 24, 14, tzinfo=UTC), HOLE_ON_LEAVE, "alex"),  # until 08:00 Chicago
    ]
    assert [(l.tech, l.start, l.end, l.reason) for l in night.leave] == [("alex", away.start, away.end, "flu")]


def test_an_override_removed_with_the_views_key_is_gone(db):
    night = schedule.schedule_view(db, start=WEEK[0], end=WEEK[1]).rotation("night-remote")
    swap = night.overrides[0]
    editing.delete_record(db, actor="dana", kind="overrides", key=swap.key, expected_version=swap.version,
                          at=FRIDAY_NIGHT)
    again = schedule.schedule_view(db, start=WEEK[0], end=WEEK[1]).rotation("night-remote")
    assert again.overrides == () and all(s.source != "override" for s in again.segments)


def test_bad_ranges_and_unknown_rotations_are_refused(db):
    with pytest.raises(DispatchError, match="after its start"):
        schedule.schedule_view(db, start=WEEK[1], end=WEEK[0])
    with pytest.raises(NotFound, match="no rotation 'nope'"):
        schedule.schedule_view(db, start=WEEK[0], end=WEEK[1], rotations=["nope"])
    only = schedule.schedule_view(db, start=WEEK[0], end=WEEK[1], rotations=["night-remote"])
    assert [r.rotation.id for r in only.rotations] == ["night-remote"]
    assert only.catalogue == (("night-remote", "Night remote on-call"),)


# ---------------------------------------------------------------- export


def events_of(text: str):
    calendar = icalendar.Calendar.from_ical(text)
    return [e for e in calendar.walk("VEVENT")]


def holder_in(events, at):
    found = [e for e in events if e["DTSTART"].dt <= at < e["DTEND"].dt]
    assert len(found) <= 1
    return str(found[0]["ATTENDEE"]).removeprefix("mailto:").split("@")[0] if found else None


def test_ical_export_parses_back_and_agrees_with_on_call(db):
    start, end = datetime(2026, 11, 20, tzinfo=UTC), datetime(2026, 12, 5, tzinfo=UTC)
    text = schedule.on_call_ical(db, start=start, end=end, at=FRIDAY_NIGHT)
    assert text.startswith("BEGIN:VCALENDAR") and "VERSION:2.0" in text
    events = events_of(text)
    assert events and {str(e["SUMMARY"]) for e in events} == {"On call: Night remote on-call"}
    assert len({str(e["UID"]) for e in events}) == len(events)
    for e in events:
        assert e["DTSTART"].dt.tzinfo is not None and e["DTSTART"].dt.utcoffset() == timedelta(0)
        assert e["DTSTAMP"].dt == FRIDAY_NIGHT
    stamps = [line for line in text.splitlines() if line.startswith(("DTSTART", "DTEND"))]
    assert stamps and all(re.fullmatch(r"DT(START|END):\d{8}T\d{6}Z", line) for line in stamps)  # UTC, no TZID
    env = load_environment(db, clients=[])
    rotation = env.rotations[0]
    for at in hours(start, end, timedelta(minutes=20)):
        assert holder_in(events, at) == on_call(env, rotation, at).tech, at


def test_export_for_one_technician_and_stable_uids(db):
    start, end = datetime(2026, 11, 20, tzinfo=UTC), datetime(2026, 12, 5, tzinfo=UTC)
    mine = events_of(schedule.on_call_ical(db, start=start, end=end, tech="sam"))
    assert mine and {holder_in([e], e["DTSTART"].dt) for e in mine} == {"sam"}
    later = events_of(schedule.on_call_ical(db, start=start + timedelta(days=3), end=end, tech="sam"))
    # the same stretch has the same UID and span whichever range exported it
    both = {str(e["UID"]) for e in mine} & {str(e["UID"]) for e in later}
    assert both
    for uid in both:
        a = next(e for e in mine if str(e["UID"]) == uid)
        b = next(e for e in later if str(e["UID"]) == uid)
        assert (a["DTSTART"].dt, a["DTEND"].dt) == (b["DTSTART"].dt, b["DTEND"].dt)
    with pytest.raises(NotFound, match="no technician 'zed'"):
        schedule.on_call_ical(db, start=start, end=end, tech="zed")


# ---------------------------------------------------------------- import


def test_import_a_rotation_from_an_ics_then_on_call_reads_it(db):
    content = WEEKEND_ICS.read_text(encoding="utf-8")
    saved = schedule.import_rotation_ical(db, actor="dana", rotation="weekend", name="Weekend on-site standby",
                                          level=3, content=content, at=FRIDAY_NIGHT)
    assert saved.changed and saved.key == "weekend"
    saturday = datetime(2026, 12, 5, 15, tzinfo=UTC)  # Sat 09:00 Chicago: the weekly event, Lee
    sunday = datetime(2026, 11, 29, 17, tzinfo=UTC)  # Sun 11:00: the moved occurrence, Dana
    held = {o.rotation: o for o in schedule.on_call(db, at=saturday)}
    assert (held["weekend"].tech, held["weekend"].source) == ("lee", "ical")
    assert {o.rotation: o.tech for o in schedule.on_call(db, at=sunday)}["weekend"] == "dana"
    assert [c.action for c in editing.history(db, "rotations", "weekend")] == ["created"]

    # replace it: one event, Sam every Saturday
    record = editing.get_record(db, "rotations", "weekend")
    sam_only = content.replace("mailto:lee@northwind.example", "mailto:sam@northwind.example")
    schedule.import_rotation_ical(db, actor="dana", rotation="weekend", content=sam_only,
                                  expected_version=record.version, at=FRIDAY_NIGHT)
    assert {o.rotation: o.tech for o in schedule.on_call(db, at=saturday)}["weekend"] == "sam"
    after = editing.get_record(db, "rotations", "weekend")
    assert after.version > record.version and after.value.name == "Weekend on-site standby"
    changes = editing.history(db, "rotations", "weekend")
    assert [c.action for c in changes] == ["created", "updated"] and "ical" in changes[-1].diff

    # a stale replacement is refused, nothing written
    with pytest.raises(editing.StaleSave):
        schedule.import_rotation_ical(db, actor="dana", rotation="weekend", content=content,
                                      expected_version=record.version, at=FRIDAY_NIGHT)


def test_import_refusals_name_every_problem(db):
    with pytest.raises(NotAllowed, match="lead or admin"):
        schedule.import_rotation_ical(db, actor="jordan", rotation="weekend", name="W", level=3,
                                      content=WEEKEND_ICS.read_text(), at=FRIDAY_NIGHT)
    nobody = WEEKEND_ICS.read_text().replace("ATTENDEE;CN=Lee Chen:mailto:lee@northwind.example\r\n", "") \
        .replace("ATTENDEE;CN=Lee Chen:mailto:lee@northwind.example\n", "")
    with pytest.raises(DispatchError) as refused:
        schedule.import_rotation_ical(db, actor="dana", rotation="weekend", name="W", level=3, content=nobody,
                                      at=FRIDAY_NIGHT)
    assert any("names no technician" in p and p.startswith("ical: ") for p in refused.value.problems)
    with pytest.raises(DispatchError) as missing:
        schedule.import_rotation_ical(db, actor="dana", rotation="weekend", content="BEGIN:VCALENDAR",
                                      at=FRIDAY_NIGHT)
    assert missing.value.problems[:2] == ["name: missing (a new rotation needs a name)",
                                          "level: missing (a new rotation needs a level, 1-3)"]
    assert all(r.id != "weekend" for r in load_environment(db, clients=[]).rotations)
    with pytest.raises(DispatchError, match="no such file"):
        schedule.read_calendar_file("/nonexistent/oncall.ics")


def test_an_exported_calendar_imports_back_as_a_rotation(db):
    start, end = datetime(2026, 11, 23, 6, tzinfo=UTC), datetime(2026, 12, 21, 6, tzinfo=UTC)
    text = schedule.on_call_ical(db, start=start, end=end, at=FRIDAY_NIGHT)
    schedule.import_rotation_ical(db, actor="dana", rotation="night-copy", name="Night remote (copy)", level=2,
                                  content=text, at=FRIDAY_NIGHT)
    env = load_environment(db, clients=[])
    original = next(r for r in env.rotations if r.id == "night-remote")
    copy = next(r for r in env.rotations if r.id == "night-copy")
    for at in hours(start, end, timedelta(hours=1)):
        assert on_call(env, copy, at).tech == on_call(env, original, at).tech, at
