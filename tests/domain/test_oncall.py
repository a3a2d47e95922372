"""DOMAIN.md "On call": rotations, DST, active windows, overrides, calendars, availability."""
from __future__ import annotations

from bisect import bisect_right
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatch_app.domain.localtime import resolve
from dispatch_app.domain.model import CalendarShift, Length, OnCall, Override, Rotation
from dispatch_app.domain.oncall import holder_changes, on_call, on_call_all

from oncall_builders import (
    NIGHT_REMOTE,
    FakeCalendar,
    local,
    northwind,
    replace,
    rotation,
    tech,
    utc,
)


def holder(env, rot, at):
    result = on_call(env, rot, at)
    return result.tech, result.source


# ---------------------------------------------------------------- EXPECTATIONS item 7


def test_item_7_override_holds_friday_night():
    env = northwind()
    assert on_call(env, NIGHT_REMOTE, utc("2026-11-28T05:00")) == OnCall(
        rotation="night-remote", level=2, tech="sam", source="override", available=True
    )


def test_item_7_wednesday_noon_is_outside_the_active_window():
    env = northwind()
    assert on_call(env, NIGHT_REMOTE, utc("2026-11-25T18:00")) == OnCall(
        rotation="night-remote", level=2, tech=None, source=None, available=None
    )


def test_item_7_sunday_night_is_alex_by_schedule():
    env = northwind()
    assert holder(env, NIGHT_REMOTE, utc("2026-11-29T09:00")) == ("alex", "schedule")


def test_item_9_night_remote_is_sam_on_saturday_morning():
    assert holder(northwind(), NIGHT_REMOTE, utc("2026-12-05T14:30")) == ("sam", "schedule")


def test_on_call_all_is_in_rotation_id_order():
    other = rotation("a-first", start="2026-11-01T00:00", length="1d", members=("dana",))
    env = northwind(rotations=(NIGHT_REMOTE, other))
    found = on_call_all(env, utc("2026-11-28T05:00"))
    assert [o.rotation for o in found] == ["a-first", "night-remote"]
    assert [o.tech for o in found] == ["dana", "sam"]


def test_naive_instant_is_refused():
    with pytest.raises(ValueError):
        on_call(northwind(), NIGHT_REMOTE, datetime(2026, 11, 28, 5))


# ---------------------------------------------------------------- calendar lengths across DST


def test_weekly_handoff_stays_at_8_local_across_spring_forward():
    rot = rotation(start="2026-03-02T08:00", length="1w", members=("alex", "sam"))
    env = northwind(rotations=(rot,), overrides=())
    # Monday 2 March 08:00 CST = 14:00Z; Monday 9 March 08:00 CDT = 13:00Z.
    assert holder(env, rot, utc("2026-03-02T13:59:59")) == (None, None)
    assert holder(env, rot, utc("2026-03-02T14:00")) == ("alex", "schedule")
    assert holder(env, rot, utc("2026-03-09T12:59:59")) == ("alex", "schedule")
    assert holder(env, rot, utc("2026-03-09T13:00")) == ("sam", "schedule")
    assert holder(env, rot, utc("2026-03-16T13:00")) == ("alex", "schedule")
    changes = holder_changes(env, rot, utc("2026-03-01T00:00"), utc("2026-03-20T00:00"))
    assert changes == [utc("2026-03-02T14:00"), utc("2026-03-09T13:00"), utc("2026-03-16T13:00")]


def test_weekly_handoff_stays_at_8_local_across_fall_back():
    rot = rotation(start="2026-10-26T08:00", length="1w", members=("alex", "sam"))
    env = northwind(rotations=(rot,), overrides=())
    # Monday 26 October 08:00 CDT = 13:00Z; Monday 2 November 08:00 CST = 14:00Z.
    assert holder(env, rot, utc("2026-10-26T13:00")) == ("alex", "schedule")
    assert holder(env, rot, utc("2026-11-02T13:30")) == ("alex", "schedule")
    assert holder(env, rot, utc("2026-11-02T14:00")) == ("sam", "schedule")
    changes = holder_changes(env, rot, utc("2026-10-26T13:00"), utc("2026-11-10T00:00"))
    assert changes == [utc("2026-11-02T14:00"), utc("2026-11-09T14:00")]


def test_daily_handoff_on_the_day_of_the_change():
    rot = rotation(start="2026-03-07T08:00", length="1d", members=("alex", "sam"))
    env = northwind(rotations=(rot,), overrides=())
    assert holder(env, rot, utc("2026-03-08T12:59")) == ("alex", "schedule")
    assert holder(env, rot, utc("2026-03-08T13:00")) == ("sam", "schedule")


def test_two_day_length_counts_whole_periods():
    rot = rotation(start="2026-10-30T08:00", length="2d", members=("alex", "sam", "lee"))
    env = northwind(rotations=(rot,), overrides=())
    assert holder(env, rot, utc("2026-11-01T12:59")) == ("alex", "schedule")  # Sun 07:59 CST
    assert holder(env, rot, utc("2026-11-01T14:00")) == ("sam", "schedule")  # Sun 08:00 CST
    assert holder(env, rot, utc("2026-11-05T14:00")) == ("alex", "schedule")  # k=3


def test_twelve_hour_rotation_is_exact_so_local_handoff_shifts():
    rot = rotation(start="2026-03-07T08:00", length="12h", members=("alex", "sam"))
    env = northwind(rotations=(rot,), overrides=())
    # 14:00Z, 02:00Z, 14:00Z: after spring forward the handoff is 09:00 local, not 08:00.
    assert holder(env, rot, utc("2026-03-08T01:59")) == ("alex", "schedule")
    assert holder(env, rot, utc("2026-03-08T02:00")) == ("sam", "schedule")
    assert holder(env, rot, local("2026-03-08T08:30")) == ("sam", "schedule")
    assert holder(env, rot, local("2026-03-08T09:00")) == ("alex", "schedule")
    changes = holder_changes(env, rot, utc("2026-03-07T12:00"), utc("2026-03-08T20:00"))
    assert changes == [utc("2026-03-07T14:00"), utc("2026-03-08T02:00"), utc("2026-03-08T14:00")]


def test_twelve_hour_rotation_across_fall_back():
    rot = rotation(start="2026-10-31T20:00", length="12h", members=("alex", "sam"))
    env = northwind(rotations=(rot,), overrides=())
    # Sat 20:00 CDT = 01:00Z Sunday; +12h = 13:00Z = 07:00 CST (not 08:00).
    assert holder(env, rot, local("2026-11-01T06:59")) == ("alex", "schedule")
    assert holder(env, rot, local("2026-11-01T07:00")) == ("sam", "schedule")


def test_start_inside_a_dst_gap_keeps_its_wall_clock_time():
    rot = rotation(start="2026-03-08T02:30", length="1d", members=("alex", "sam"))
    env = northwind(rotations=(rot,), overrides=())
    # 02:30 does not exist on 8 March: the first period starts at 03:00 CDT (08:00Z);
    # later handoffs are at 02:30 CDT (07:30Z).
    assert holder(env, rot, utc("2026-03-08T07:59:59")) == (None, None)
    assert holder(env, rot, utc("2026-03-08T08:00")) == ("alex", "schedule")
    assert holder(env, rot, utc("2026-03-09T07:29:59")) == ("alex", "schedule")
    assert holder(env, rot, utc("2026-03-09T07:30")) == ("sam", "schedule")
    changes = holder_changes(env, rot, utc("2026-03-07T00:00"), utc("2026-03-10T12:00"))
    assert changes == [utc("2026-03-08T08:00"), utc("2026-03-09T07:30"), utc("2026-03-10T07:30")]


def test_handoff_inside_a_fold_takes_the_first_occurrence():
    rot = rotation(start="2026-10-31T01:30", length="1d", members=("alex", "sam"))
    env = northwind(rotations=(rot,), overrides=())
    # 1 November 01:30 happens twice; the handoff is at the first (CDT, 06:30Z).
    assert holder(env, rot, utc("2026-11-01T06:29")) == ("alex", "schedule")
    assert holder(env, rot, utc("2026-11-01T06:30")) == ("sam", "schedule")
    assert holder(env, rot, utc("2026-11-01T07:15")) == ("sam", "schedule")  # second 01:15
    assert holder(env, rot, utc("2026-11-02T07:30")) == ("alex", "schedule")  # 01:30 CST


def test_before_start_nobody():
    rot = rotation(start="2026-03-02T08:00", length="1w")
    env = northwind(rotations=(rot,), overrides=())
    assert on_call(env, rot, utc("2020-01-01T00:00")).tech is None


def test_rotation_in_another_time_zone():
    rot = rotation(start="2026-03-02T08:00", length="1w", members=("alex", "sam"), tz="Europe/Berlin")
    env = northwind(rotations=(rot,), overrides=())
    # Berlin changes on 29 March: the handoff moves from 07:00Z to 06:00Z.
    assert holder(env, rot, utc("2026-03-30T05:59")) == ("sam", "schedule")  # k=3
    assert holder(env, rot, utc("2026-03-30T06:00")) == ("alex", "schedule")  # k=4


# ---------------------------------------------------------------- active windows


def test_active_window_wrapping_midnight_and_the_week():
    rot = rotation(start="2026-01-05T00:00", length="1w", members=("alex",), active="fri-mon 22:00-06:00")
    env = northwind(rotations=(rot,), overrides=())
    on = ["2026-03-06T23:00", "2026-03-07T03:00", "2026-03-08T23:30", "2026-03-09T01:00",
          "2026-03-09T22:00", "2026-03-10T05:59"]
    off = ["2026-03-05T23:00", "2026-03-06T21:59", "2026-03-07T06:00", "2026-03-10T06:00",
           "2026-03-10T22:30", "2026-03-11T01:00"]
    for text in on:
        assert holder(env, rot, local(text)) == ("alex", "schedule"), text
    for text in off:
        assert holder(env, rot, local(text)) == (None, None), text


def test_active_window_from_sunday_into_monday():
    rot = rotation(start="2026-01-05T00:00", length="1d", members=("alex", "sam"), active="sun 22:00-02:00")
    env = northwind(rotations=(rot,), overrides=())
    assert on_call(env, rot, local("2026-03-15T21:59")).tech is None
    assert on_call(env, rot, local("2026-03-15T23:00")).tech is not None
    assert on_call(env, rot, local("2026-03-16T01:59")).tech is not None
    assert on_call(env, rot, local("2026-03-16T02:00")).tech is None
    changes = holder_changes(env, rot, local("2026-03-15T12:00"), local("2026-03-16T12:00"))
    assert local("2026-03-15T22:00") in changes
    assert local("2026-03-16T02:00") in changes


def test_override_outside_the_active_window_holds_nothing():
    wednesday_noon = local("2026-11-25T12:00")
    override = Override("night-remote", "dana", local("2026-11-25T09:00"), local("2026-11-25T20:00"))
    env = northwind(overrides=(override,))
    assert on_call(env, NIGHT_REMOTE, wednesday_noon).tech is None
    assert holder(env, NIGHT_REMOTE, local("2026-11-25T17:00")) == ("dana", "override")


# ---------------------------------------------------------------- overrides


def test_overlapping_overrides_the_last_listed_wins():
    first = Override("night-remote", "dana", utc("2026-11-29T00:00"), utc("2026-11-29T12:00"))
    second = Override("night-remote", "morgan", utc("2026-11-29T06:00"), utc("2026-11-29T08:00"))
    env = northwind(overrides=(first, second))
    assert holder(env, NIGHT_REMOTE, utc("2026-11-29T05:59")) == ("dana", "override")
    assert holder(env, NIGHT_REMOTE, utc("2026-11-29T06:00")) == ("morgan", "override")
    assert holder(env, NIGHT_REMOTE, utc("2026-11-29T08:00")) == ("dana", "override")
    assert holder(env, NIGHT_REMOTE, utc("2026-11-29T12:00")) == ("alex", "schedule")
    swapped = northwind(overrides=(second, first))
    assert holder(swapped, NIGHT_REMOTE, utc("2026-11-29T07:00")) == ("dana", "override")


def test_override_of_another_rotation_does_not_apply():
    other = Override("day-onsite", "dana", utc("2026-11-29T00:00"), utc("2026-11-29T12:00"))
    env = northwind(overrides=(other,))
    assert holder(env, NIGHT_REMOTE, utc("2026-11-29T09:00")) == ("alex", "schedule")


def test_override_before_the_rotation_starts():
    override = Override("night-remote", "morgan", local("2026-10-31T20:00"), local("2026-11-01T06:00"))
    env = northwind(overrides=(override,))
    assert holder(env, NIGHT_REMOTE, local("2026-10-31T19:59")) == (None, None)
    assert holder(env, NIGHT_REMOTE, local("2026-10-31T23:00")) == ("morgan", "override")
    assert holder(env, NIGHT_REMOTE, local("2026-11-01T06:00")) == (None, None)


def test_override_end_is_exclusive():
    env = northwind()
    assert holder(env, NIGHT_REMOTE, local("2026-11-27T17:00")) == ("sam", "override")
    assert holder(env, NIGHT_REMOTE, local("2026-11-28T08:00")) == ("alex", "schedule")  # sat 08:00 active


# ---------------------------------------------------------------- availability


def test_unavailable_holder_stays_on_call_and_is_marked():
    # Lee holds night-remote the week of 7 December; here Lee is away 9 Dec 18:00 - 11 Dec 08:00.
    lee_away = tech("lee", "Lee Chen", 3, [(local("2026-12-09T18:00"), local("2026-12-11T08:00"))])
    techs = [t for t in northwind().technicians if t.id != "lee"] + [lee_away]
    env = northwind(technicians=techs)
    found = on_call(env, NIGHT_REMOTE, local("2026-12-09T20:00"))
    assert (found.tech, found.source, found.available) == ("lee", "schedule", False)
    found = on_call(env, NIGHT_REMOTE, local("2026-12-09T06:00"))
    assert (found.tech, found.available) == ("lee", True)
    found = on_call(env, NIGHT_REMOTE, local("2026-12-11T08:00"))  # Friday 08:00: outside the window
    assert (found.tech, found.available) == (None, None)
    found = on_call(env, NIGHT_REMOTE, local("2026-12-11T17:00"))
    assert (found.tech, found.available) == ("lee", True)


def test_unavailable_override_holder():
    override = Override("night-remote", "dana", local("2026-12-21T17:00"), local("2026-12-22T08:00"))
    env = northwind(overrides=(override,))
    found = on_call(env, NIGHT_REMOTE, local("2026-12-21T23:00"))
    assert (found.tech, found.source, found.available) == ("dana", "override", False)


def test_leave_edges_of_holders_are_change_instants():
    env = northwind()  # Lee, a member, is away 24 Dec 18:00 - 26 Dec 08:00
    changes = holder_changes(env, NIGHT_REMOTE, utc("2026-12-20T00:00"), utc("2026-12-31T00:00"))
    assert local("2026-12-24T18:00") in changes
    assert local("2026-12-26T08:00") in changes


# ---------------------------------------------------------------- calendars (domain side)


def test_calendar_overlap_the_shift_that_started_last_holds():
    calendar = FakeCalendar([
        CalendarShift(utc("2026-12-05T14:00"), utc("2026-12-06T02:00"), "lee"),
        CalendarShift(utc("2026-12-05T18:00"), utc("2026-12-05T20:00"), "dana"),
    ])
    rot = rotation("weekend", calendar=calendar, level=3)
    env = northwind(rotations=(rot,), overrides=())
    assert holder(env, rot, utc("2026-12-05T17:59")) == ("lee", "ical")
    assert holder(env, rot, utc("2026-12-05T18:00")) == ("dana", "ical")
    assert holder(env, rot, utc("2026-12-05T20:00")) == ("lee", "ical")
    assert holder(env, rot, utc("2026-12-06T02:00")) == (None, None)


def test_calendar_overlap_same_start_the_later_listed_holds():
    calendar = FakeCalendar([
        CalendarShift(utc("2026-12-05T14:00"), utc("2026-12-05T20:00"), "lee"),
        CalendarShift(utc("2026-12-05T14:00"), utc("2026-12-05T16:00"), "dana"),
    ])
    rot = rotation("weekend", calendar=calendar)
    env = northwind(rotations=(rot,), overrides=())
    assert holder(env, rot, utc("2026-12-05T15:00")) == ("dana", "ical")
    assert holder(env, rot, utc("2026-12-05T16:00")) == ("lee", "ical")


def test_override_wins_over_a_calendar_shift():
    calendar = FakeCalendar([CalendarShift(utc("2026-12-05T14:00"), utc("2026-12-06T02:00"), "lee")])
    rot = rotation("weekend", calendar=calendar)
    env = northwind(rotations=(rot,), overrides=(Override("weekend", "sam", utc("2026-12-05T15:00"), utc("2026-12-05T16:00")),))
    assert holder(env, rot, utc("2026-12-05T15:30")) == ("sam", "override")
    assert holder(env, rot, utc("2026-12-05T16:30")) == ("lee", "ical")
    changes = holder_changes(env, rot, utc("2026-12-05T00:00"), utc("2026-12-07T00:00"))
    assert changes == [utc("2026-12-05T14:00"), utc("2026-12-05T15:00"), utc("2026-12-05T16:00"), utc("2026-12-06T02:00")]


# ---------------------------------------------------------------- holder_changes


def test_holder_changes_of_northwind_week_are_exclusive_of_the_range():
    env = northwind(overrides=())
    start, end = local("2026-11-30T08:00"), local("2026-12-01T08:00")
    changes = holder_changes(env, NIGHT_REMOTE, start, end)
    assert start not in changes and end not in changes
    assert local("2026-11-30T17:00") in changes
    assert changes == sorted(set(changes))


def test_holder_changes_empty_range():
    assert holder_changes(northwind(), NIGHT_REMOTE, utc("2026-12-01T00:00"), utc("2026-12-01T00:00")) == []


def test_single_member_rotation_reports_only_its_start():
    rot = rotation(start="2026-03-02T08:00", length="1d", members=("alex",))
    env = northwind(rotations=(rot,), overrides=())
    assert holder_changes(env, rot, utc("2026-03-01T00:00"), utc("2026-03-31T00:00")) == [utc("2026-03-02T14:00")]


# ---------------------------------------------------------------- properties

ZONES = ("America/Chicago", "Europe/Berlin", "Australia/Lord_Howe", "America/St_Johns", "UTC")
MEMBERS = ("alex", "sam", "lee", "dana")
ACTIVE = (None, "daily 00:00-08:00, mon-fri 17:00-24:00, sat-sun 08:00-24:00", "fri-mon 22:00-02:30",
          "daily 02:30-03:30", "sun 01:00-01:30")


def brute_member(rot: Rotation, at: datetime) -> str | None:
    """Walk the period boundaries one by one from start (no arithmetic shortcut)."""
    if rot.length.unit == "h":
        step = timedelta(hours=rot.length.count)
        boundary = resolve(rot.start, rot.timezone)
        if at < boundary:
            return None
        k = 0
        while boundary + step <= at:
            boundary += step
            k += 1
        return rot.members[k % len(rot.members)]
    days = rot.length.count * (7 if rot.length.unit == "w" else 1)
    if at < resolve(rot.start, rot.timezone):
        return None
    k = 0
    while resolve(rot.start + timedelta(days=days * (k + 1)), rot.timezone) <= at:
        k += 1
    return rot.members[k % len(rot.members)]


local_starts = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 6, 1)).map(
    lambda d: d.replace(second=0, microsecond=0)
)
# (zone, wall-clock times inside its 2026 gaps and folds); starts land on them at k = 0, 1, 2 ...
TRANSITIONS = (
    ("America/Chicago", datetime(2026, 3, 8, 2, 30)), ("America/Chicago", datetime(2026, 11, 1, 1, 30)),
    ("Europe/Berlin", datetime(2026, 3, 29, 2, 15)), ("Europe/Berlin", datetime(2026, 10, 25, 2, 45)),
    ("Australia/Lord_Howe", datetime(2026, 4, 5, 1, 45)), ("Australia/Lord_Howe", datetime(2026, 10, 4, 2, 10)),
    ("America/St_Johns", datetime(2026, 3, 8, 2, 0)), ("America/St_Johns", datetime(2026, 11, 1, 1, 5)),
)


@st.composite
def zone_and_start(draw):
    if draw(st.booleans()):
        return draw(st.sampled_from(ZONES)), draw(local_starts)
    tz, moment = draw(st.sampled_from(TRANSITIONS))
    return tz, moment - timedelta(days=draw(st.sampled_from([0, 1, 2, 7, 14])))


lengths = st.builds(Length, st.integers(1, 3), st.sampled_from("dwh"))


@st.composite
def scheduled_rotations(draw):
    tz, start = draw(zone_and_start())
    return Rotation(
        id="r",
        name="r",
        level=2,
        timezone=tz,
        start=start,
        length=draw(lengths),
        members=tuple(draw(st.lists(st.sampled_from(MEMBERS), min_size=1, max_size=4))),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rot=scheduled_rotations(), offset_minutes=st.integers(-3 * 1440, 120 * 1440))
def test_on_call_agrees_with_walking_the_boundaries(rot, offset_minutes):
    at = resolve(rot.start, rot.timezone) + timedelta(minutes=offset_minutes)
    env = northwind(rotations=(rot,), overrides=())
    assert on_call(env, rot, at).tech == brute_member(rot, at)


@settings(max_examples=150, deadline=None)
@given(case=st.sampled_from(TRANSITIONS), days_before=st.sampled_from([0, 1, 2, 3, 7, 14]),
       length=lengths, minutes=st.integers(-180, 180))
def test_on_call_agrees_with_walking_the_boundaries_around_dst_changes(case, days_before, length, minutes):
    """Handoffs that land inside a gap or a fold, looked at from both sides of the change."""
    tz, moment = case
    rot = Rotation(id="r", name="r", level=2, timezone=tz, start=moment - timedelta(days=days_before),
                   length=length, members=MEMBERS)
    env = northwind(rotations=(rot,), overrides=())
    at = resolve(moment, tz) + timedelta(minutes=minutes)
    assert on_call(env, rot, at).tech == brute_member(rot, at)


@settings(max_examples=150, deadline=None)
@given(rot=scheduled_rotations(), k=st.integers(0, 60), after=st.integers(1, 150))
def test_on_call_agrees_exactly_at_and_just_before_boundaries(rot, k, after):
    env = northwind(rotations=(rot,), overrides=())
    if rot.length.unit == "h":
        boundary = resolve(rot.start, rot.timezone) + k * timedelta(hours=rot.length.count)
    else:
        days = rot.length.count * (7 if rot.length.unit == "w" else 1)
        boundary = resolve(rot.start + timedelta(days=days * k), rot.timezone)
    for at in (boundary, boundary - timedelta(microseconds=1), boundary + timedelta(minutes=after)):
        assert on_call(env, rot, at).tech == brute_member(rot, at)


@st.composite
def environments(draw):
    base = draw(scheduled_rotations())
    use_calendar = draw(st.booleans())
    origin = resolve(base.start, base.timezone)

    def span():
        a = origin + timedelta(minutes=draw(st.integers(-5 * 1440, 40 * 1440)))
        return a, a + timedelta(minutes=draw(st.integers(1, 4 * 1440)))

    calendar = None
    if use_calendar:
        shifts = [CalendarShift(*span(), draw(st.sampled_from(MEMBERS))) for _ in range(draw(st.integers(0, 8)))]
        calendar = FakeCalendar(shifts)
    rot = replace(base, active=draw(st.sampled_from(ACTIVE)), calendar=calendar)
    overrides = tuple(
        Override("r", draw(st.sampled_from(MEMBERS)), *span()) for _ in range(draw(st.integers(0, 4)))
    )
    techs = [tech(m, unavailable=[span() for _ in range(draw(st.integers(0, 2)))]) for m in MEMBERS]
    return northwind(rotations=(rot,), overrides=overrides, technicians=techs), rot, origin


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=environments(), range_start=st.integers(-6 * 1440, 30 * 1440), days=st.integers(1, 20),
       samples=st.lists(st.floats(0, 1, exclude_max=True), min_size=1, max_size=40))
def test_holder_changes_never_misses_a_change(data, range_start, days, samples):
    env, rot, origin = data
    start = origin + timedelta(minutes=range_start)
    end = start + timedelta(days=days)
    changes = holder_changes(env, rot, start, end)
    assert changes == sorted(set(changes))
    assert all(start < c < end for c in changes)
    edges = [start, *changes]
    for fraction in samples:
        at = start + (end - start) * fraction
        segment_start = edges[bisect_right(edges, at) - 1]
        assert on_call(env, rot, at) == on_call(env, rot, segment_start), (at, segment_start)
    # also just before each change: still the value of the segment it closes
    for before, change in zip(edges, changes):
        assert on_call(env, rot, change - timedelta(microseconds=1)) == on_call(env, rot, before)
