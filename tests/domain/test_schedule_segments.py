"""The schedule view's pure part (domain/schedule.py): segments, duty, holes and leave of a rotation,
checked against ``on_call`` at sampled instants (the oracle) across DST, overlapping overrides,
leave and windows that wrap past midnight."""
from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatch_app.domain import windows
from dispatch_app.domain.model import CalendarShift, Override, Unavailability
from dispatch_app.domain.oncall import handoff, on_call
from dispatch_app.domain.schedule import (
    HOLE_NOBODY,
    HOLE_ON_LEAVE,
    Hole,
    LeaveSpan,
    holder_stretches,
    rotation_schedule,
)

from oncall_builders import NIGHT_REMOTE, NORTHWIND_TECHS, FakeCalendar, local, northwind, replace, rotation, tech, utc

STEP = timedelta(minutes=15)


def samples(start: datetime, end: datetime, step: timedelta = STEP):
    t = start
    while t < end:
        yield t
        t += step


def covering(items, at):
    found = [i for i in items if i.start <= at < i.end]
    assert len(found) <= 1, found
    return found[0] if found else None


def expected_override(env, rot, at):
    """The brute-force winner: the last listed override of the rotation covering ``at``."""
    winner = None
    for position, o in enumerate(env.overrides):
        if o.rotation == rot.id and o.start <= at < o.end:
            winner = position
    return winner


def in_duty(rot, at) -> bool:
    if rot.active and not windows.contains(rot.active, rot.timezone, at):
        return False
    if rot.calendar is not None:
        return bool(rot.active) or any(s.start <= at < s.end for s in rot.calendar.shifts_between(at, at + STEP))
    return at >= handoff(rot, 0)


def check_against_on_call(env, rot, start, end, step: timedelta = STEP):
    """Every sampled instant: the segment says what on_call says; holes are exactly the duty
    instants nobody available holds."""
    schedule = rotation_schedule(env, rot, start, end)
    segments = schedule.segments
    assert segments[0].start == start and segments[-1].end == end
    assert all(a.end == b.start for a, b in zip(segments, segments[1:]))
    for at in samples(start, end, step):
        held = on_call(env, rot, at)
        segment = covering(segments, at)
        assert (segment.tech, segment.source, segment.available) == (held.tech, held.source, held.available), at
        if held.source == "override":
            assert segment.override == expected_override(env, rot, at), at
        else:
            assert segment.override is None
        hole = covering(schedule.holes, at)
        wanted = in_duty(rot, at) and (held.tech is None or held.available is False)
        assert (hole is not None) == wanted, at
        if hole is not None:
            assert hole.reason == (HOLE_NOBODY if held.tech is None else HOLE_ON_LEAVE)
            assert hole.tech == (None if held.tech is None else held.tech)
    return schedule


# ---------------------------------------------------------------- Northwind


def test_northwind_week_of_the_friday_swap():
    env = northwind()
    start, end = local("2026-11-23T00:00"), local("2026-11-30T00:00")
    schedule = check_against_on_call(env, NIGHT_REMOTE, start, end)
    swap = [s for s in schedule.segments if s.source == "override"]
    assert [(s.tech, s.start, s.end, s.override) for s in swap] == \
        [("sam", local("2026-11-27T17:00"), local("2026-11-28T08:00"), 0)]
    # Wednesday noon is outside the active window: nobody, and no hole either
    noon = covering(schedule.segments, local("2026-11-25T12:00"))
    assert noon.tech is None and covering(schedule.holes, local("2026-11-25T12:00")) is None
    assert schedule.holes == ()
    assert schedule.people == ("alex", "sam", "lee")


def test_christmas_eve_lee_holds_it_on_leave_a_hole_with_his_name():
    swap = Override("night-remote", "lee", local("2026-12-24T17:00"), local("2026-12-25T08:00"), "swap")
    env = northwind(overrides=(swap,))
    start, end = local("2026-12-21T00:00"), local("2026-12-28T00:00")  # sam's week (k = 7)
    schedule = check_against_on_call(env, NIGHT_REMOTE, start, end)
    assert [h for h in schedule.holes if h.reason == HOLE_ON_LEAVE] == \
        [Hole(local("2026-12-24T18:00"), local("2026-12-25T08:00"), HOLE_ON_LEAVE, "lee")]
    assert schedule.leave == (LeaveSpan("lee", local("2026-12-24T18:00"), local("2026-12-26T08:00")),)


def test_leave_is_clipped_to_the_range_and_listed_for_override_holders_too():
    env = northwind(overrides=(Override("night-remote", "dana", local("2026-12-26T20:00"), local("2026-12-27T08:00"),
                                        "covers lee"),))
    start, end = local("2026-12-26T00:00"), local("2026-12-27T00:00")
    schedule = check_against_on_call(env, NIGHT_REMOTE, start, end)
    assert schedule.people == ("alex", "sam", "lee", "dana")
    assert schedule.leave == (
        LeaveSpan("lee", start, local("2026-12-26T08:00")),
        LeaveSpan("dana", start, end),
    )
    # dana holds it by override while on vacation: still a hole, with her name
    assert Hole(local("2026-12-26T20:00"), end, HOLE_ON_LEAVE, "dana") in schedule.holes


# ---------------------------------------------------------------- DST


def test_daily_handoff_keeps_its_local_time_across_spring_forward():
    rot = rotation(start="2026-03-02T08:00", length="1d", members=("alex", "sam"))
    env = northwind(rotations=(rot,), overrides=())
    start, end = local("2026-03-07T00:00"), local("2026-03-10T00:00")
    schedule = check_against_on_call(env, rot, start, end, timedelta(minutes=5))
    cuts = [s.start for s in schedule.segments[1:]]
    assert cuts == [local("2026-03-07T08:00"), local("2026-03-08T08:00"), local("2026-03-09T08:00")]
    assert cuts[1] - cuts[0] == timedelta(hours=23)  # the short day


def test_fall_back_window_opens_at_the_first_0130_and_lasts_90_minutes():
    rot = rotation(start="2026-10-26T08:00", length="1d", members=("alex", "sam"), active="daily 01:30-02:00")
    env = northwind(rotations=(rot,), overrides=())
    start, end = local("2026-10-31T00:00"), local("2026-11-03T00:00")
    schedule = check_against_on_call(env, rot, start, end, timedelta(minutes=5))
    fall = [d for d in schedule.duty if local("2026-11-01T00:00") <= d[0] < local("2026-11-02T00:00")]
    # 01:30 happens twice: the first (CDT, 06:30Z) opens it; 02:00 happens once, in CST (08:00Z)
    assert fall == [(utc("2026-11-01T06:30"), utc("2026-11-01T08:00"))]


def test_exact_12h_rotation_drifts_against_the_clock_across_dst():
    rot = rotation(start="2026-03-06T20:00", length="12h", members=("alex", "sam", "lee"))
    env = northwind(rotations=(rot,), overrides=())
    start, end = local("2026-03-07T00:00"), local("2026-03-10T00:00")
    schedule = check_against_on_call(env, rot, start, end, timedelta(minutes=5))
    assert local("2026-03-08T21:00") in [s.start for s in schedule.segments]  # 20:00 + 12h + 12h, one hour later


# ---------------------------------------------------------------- overrides, windows, calendars


def test_overlapping_overrides_the_last_listed_wins_and_each_is_told_apart():
    first = Override("r", "dana", local("2026-03-10T00:00"), local("2026-03-12T00:00"), "first")
    second = Override("r", "morgan", local("2026-03-11T00:00"), local("2026-03-11T12:00"), "second")
    third = Override("r", "dana", local("2026-03-11T06:00"), local("2026-03-11T18:00"), "third")
    rot = rotation(start="2026-03-02T08:00", length="1w")
    env = northwind(rotations=(rot,), overrides=(first, second, third))
    schedule = check_against_on_call(env, rot, local("2026-03-09T00:00"), local("2026-03-13T00:00"))
    held = [(s.tech, s.override, s.start, s.end) for s in schedule.segments if s.source == "override"]
    assert held == [
        ("dana", 0, local("2026-03-10T00:00"), local("2026-03-11T00:00")),
        ("morgan", 1, local("2026-03-11T00:00"), local("2026-03-11T06:00")),
        ("dana", 2, local("2026-03-11T06:00"), local("2026-03-11T18:00")),
        ("dana", 0, local("2026-03-11T18:00"), local("2026-03-12T00:00")),
    ]


def test_wrapping_window_holes_and_an_override_before_start():
    rot = rotation(start="2026-03-04T08:00", length="1d", members=("alex", "dana"), active="fri-mon 22:00-06:00")
    early = Override("r", "sam", local("2026-03-01T00:00"), local("2026-03-01T04:00"), "before the start")
    away = replace(NORTHWIND_TECHS[1], unavailable=(Unavailability(local("2026-03-06T23:00"), local("2026-03-07T02:00")),))
    env = northwind(rotations=(rot,), overrides=(early,), technicians=(away, *NORTHWIND_TECHS[2:]))
    start, end = local("2026-02-27T00:00"), local("2026-03-10T00:00")
    schedule = check_against_on_call(env, rot, start, end)
    # before the rotation's start nobody is on duty, but the override still holds it
    assert covering(schedule.segments, local("2026-03-01T01:00")).tech == "sam"
    assert all(h.start >= local("2026-03-04T08:00") for h in schedule.holes)
    assert Hole(local("2026-03-06T23:00"), local("2026-03-07T02:00"), HOLE_ON_LEAVE, "alex") in schedule.holes


def test_ical_rotation_without_window_is_on_duty_during_its_events_only():
    shifts = [CalendarShift(local("2026-11-28T08:00"), local("2026-11-28T20:00"), "lee"),
              CalendarShift(local("2026-11-29T08:00"), local("2026-11-29T20:00"), "ghost"),
              CalendarShift(local("2026-11-29T10:00"), local("2026-11-29T12:00"), "dana")]
    rot = rotation("weekend", calendar=FakeCalendar(shifts))
    env = northwind(rotations=(rot,), overrides=(), technicians=(*NORTHWIND_TECHS, tech("ghost")))
    start, end = local("2026-11-27T00:00"), local("2026-11-30T00:00")
    schedule = check_against_on_call(env, rot, start, end)
    assert schedule.duty == ((local("2026-11-28T08:00"), local("2026-11-28T20:00")),
                             (local("2026-11-29T08:00"), local("2026-11-29T20:00")))
    assert schedule.holes == ()
    assert [s.tech for s in schedule.segments if s.source == "ical"] == ["lee", "ghost", "dana", "ghost"]
    assert schedule.people == ("lee", "ghost", "dana")


def test_ical_rotation_with_a_window_has_holes_between_events():
    shifts = [CalendarShift(local("2026-11-28T08:00"), local("2026-11-28T20:00"), "lee")]
    rot = replace(rotation("weekend", calendar=FakeCalendar(shifts)), active="sat 06:00-22:00")
    env = northwind(rotations=(rot,), overrides=())
    schedule = check_against_on_call(env, rot, local("2026-11-28T00:00"), local("2026-11-29T00:00"))
    assert schedule.holes == (Hole(local("2026-11-28T06:00"), local("2026-11-28T08:00"), HOLE_NOBODY),
                              Hole(local("2026-11-28T20:00"), local("2026-11-28T22:00"), HOLE_NOBODY))


# ---------------------------------------------------------------- exported stretches


def test_stretches_are_not_clipped_so_exports_agree_whatever_the_range():
    env = northwind()
    a = holder_stretches(env, NIGHT_REMOTE, local("2026-11-25T00:00"), local("2026-11-26T00:00"))
    b = holder_stretches(env, NIGHT_REMOTE, local("2026-11-24T12:00"), local("2026-11-25T03:00"))
    assert a[0] == b[-1]
    assert a[0][0] == local("2026-11-24T17:00")  # began before either range
    assert all(x[2] is not None for x in a)


def test_a_stretch_held_for_weeks_is_found_whole():
    rot = rotation(start="2026-01-05T08:00", length="1w", members=("alex",))
    env = northwind(rotations=(rot,), overrides=())
    found = holder_stretches(env, rot, local("2026-03-01T00:00"), local("2026-03-02T00:00"))
    assert found == [(local("2026-01-05T08:00"), found[0][1], "alex")]
    assert found[0][1] > local("2027-03-01T00:00")  # as far as the limit looks


# ---------------------------------------------------------------- property: exact equals sampled


instants = st.integers(min_value=0, max_value=14 * 24 * 4).map(lambda q: local("2026-10-27T00:00") + q * STEP)


@st.composite
def environments(draw):
    techs = ("alex", "sam", "lee", "dana")
    overrides = []
    for _ in range(draw(st.integers(0, 4))):
        a = draw(instants)
        overrides.append(Override("r", draw(st.sampled_from(techs)), a, a + draw(st.integers(1, 96)) * STEP))
    people = []
    for t in NORTHWIND_TECHS:
        leave = ()
        if t.id in techs and draw(st.booleans()):
            a = draw(instants)
            leave = (Unavailability(a, a + draw(st.integers(1, 200)) * STEP),)
        people.append(replace(t, unavailable=leave))
    active = draw(st.sampled_from([None, "daily 00:00-08:00, mon-fri 17:00-24:00", "fri-mon 22:00-02:30",
                                   "sun 01:00-03:00"]))
    length = draw(st.sampled_from(["1d", "1w", "12h", "2d"]))
    rot = rotation(start="2026-10-29T02:30", length=length, members=techs[:draw(st.integers(1, 4))], active=active)
    return northwind(rotations=(rot,), overrides=tuple(overrides), technicians=people), rot


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(environments())
def test_exact_schedule_equals_the_sampled_one_across_the_fall_back(case):
    env, rot = case
    check_against_on_call(env, rot, local("2026-10-28T00:00"), local("2026-11-06T00:00"), timedelta(minutes=15))
