"""iCalendar rotations (DOMAIN.md "On call", EXPECTATIONS item 9)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from dispatch_app.bundle.ical import IcalError, IcalSchedule
from dispatch_app.domain.localtime import resolve
from dispatch_app.domain.model import (
    Environment,
    Length,
    Msp,
    Override,
    Rotation,
    Technician,
    Unavailability,
)
from dispatch_app.domain.oncall import holder_changes, on_call

UTC = timezone.utc
CHICAGO = "America/Chicago"
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
WEEKEND_ICS = SHARED / "examples" / "schedules" / "weekend.ics"

TECHS = tuple(
    Technician(id=i, name=n, level=lvl, email=f"{i}@northwind.example")
    for i, n, lvl in [
        ("jordan", "Jordan Price", 1),
        ("alex", "Alex Kim", 2),
        ("sam", "Sam Ortiz", 2),
        ("dana", "Dana Reyes", 3),
        ("lee", "Lee Chen", 3),
        ("morgan", "Morgan Blake", 2),
    ]
)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def local(text: str, tz: str = CHICAGO) -> datetime:
    return resolve(datetime.fromisoformat(text), tz)


def calendar(*events: str, header: str = "") -> str:
    body = "".join(f"BEGIN:VEVENT\n{e.strip()}\nEND:VEVENT\n" for e in events)
    return f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n{header}{body}END:VCALENDAR\n"


def schedule(*events: str, tz: str = CHICAGO, header: str = "") -> IcalSchedule:
    return IcalSchedule.from_text("test.ics", calendar(*events, header=header), TECHS, tz)


def ical_env(cal: IcalSchedule, overrides=(), technicians=TECHS) -> tuple[Environment, Rotation]:
    rot = Rotation(id="weekend-onsite", name="Weekend on-site standby", level=3, timezone=CHICAGO, calendar=cal)
    night = Rotation(
        id="night-remote", name="Night remote on-call", level=2, timezone=CHICAGO,
        start=datetime(2026, 11, 2, 8), length=Length(1, "w"),
        active="daily 00:00-08:00, mon-fri 17:00-24:00, sat-sun 08:00-24:00", members=("alex", "sam", "lee"),
    )
    env = Environment(msp=Msp("Northwind IT", CHICAGO), technicians=technicians, rotations=(night, rot),
                      overrides=tuple(overrides))
    return env, rot


@pytest.fixture(scope="module")
def weekend() -> IcalSchedule:
    return IcalSchedule.from_text("schedules/weekend.ics", WEEKEND_ICS.read_text(), TECHS, CHICAGO)


# ---------------------------------------------------------------- EXPECTATIONS item 9


@pytest.mark.parametrize(
    "at, tech",
    [
        ("2026-11-27T15:00", "morgan"),  # Thanksgiving Friday, by name in the summary
        ("2026-11-28T15:00", None),  # EXDATE
        ("2026-11-29T15:00", None),  # the occurrence moved to 10:00
        ("2026-11-29T17:00", "dana"),  # the moved occurrence, by attendee
        ("2026-12-05T14:30", "lee"),  # the series, by attendee
    ],
)
def test_item_9_weekend_onsite(weekend, at, tech):
    env, rot = ical_env(weekend)
    found = on_call(env, rot, utc(at))
    assert found.tech == tech
    assert found.source == ("ical" if tech else None)
    assert found.available == (True if tech else None)
    assert found.level == 3


def test_item_9_night_remote_at_the_same_instant(weekend):
    env, _ = ical_env(weekend, overrides=(Override("night-remote", "sam", local("2026-11-27T17:00"), local("2026-11-28T08:00")),))
    night = env.rotations[0]
    assert (on_call(env, night, utc("2026-12-05T14:30")).tech, on_call(env, night, utc("2026-12-05T14:30")).source) == ("sam", "schedule")


def test_weekend_shifts_follow_local_time_and_the_recurrence(weekend):
    shifts = weekend.shifts_between(utc("2026-11-01T00:00"), utc("2026-11-10T00:00"))
    # The series starts Saturday 7 November 08:00 CST (after the fall-back).
    assert [(s.start, s.end, s.tech) for s in shifts] == [
        (utc("2026-11-07T14:00"), utc("2026-11-08T02:00"), "lee"),
        (utc("2026-11-08T14:00"), utc("2026-11-09T02:00"), "lee"),
    ]


def test_weekend_honours_the_vtimezone_across_spring_forward(weekend):
    shifts = weekend.shifts_between(local("2027-03-13T00:00"), local("2027-03-15T00:00"))
    assert [s.start for s in shifts] == [utc("2027-03-13T14:00"), utc("2027-03-14T13:00")]  # 08:00 CST, 08:00 CDT


def test_holder_changes_of_an_ical_rotation(weekend):
    env, rot = ical_env(weekend)
    changes = holder_changes(env, rot, utc("2026-11-27T00:00"), utc("2026-11-30T12:00"))
    assert changes == [utc("2026-11-27T14:00"), utc("2026-11-28T02:00"), utc("2026-11-29T16:00"), utc("2026-11-30T04:00")]


def test_source_and_content_are_kept(weekend):
    assert weekend.source == "schedules/weekend.ics"
    assert weekend.content == WEEKEND_ICS.read_text()


def test_unavailable_ical_holder_is_marked():
    away = tuple(
        t if t.id != "lee" else Technician(id="lee", name="Lee Chen", level=3, email="lee@northwind.example",
                                            unavailable=(Unavailability(local("2026-12-05T00:00"), local("2026-12-06T00:00")),))
        for t in TECHS
    )
    cal = IcalSchedule.from_text("w.ics", WEEKEND_ICS.read_text(), away, CHICAGO)
    env, rot = ical_env(cal, technicians=away)
    found = on_call(env, rot, utc("2026-12-05T14:30"))
    assert (found.tech, found.source, found.available) == ("lee", "ical", False)


# ---------------------------------------------------------------- overlaps


def test_overlapping_events_the_one_that_started_last_holds():
    cal = schedule(
        "UID:a\nSUMMARY:Dana standby\nDTSTART;TZID=America/Chicago:20261205T080000\nDTEND;TZID=America/Chicago:20261205T200000",
        "UID:b\nSUMMARY:Sam covers lunch\nDTSTART;TZID=America/Chicago:20261205T120000\nDTEND;TZID=America/Chicago:20261205T130000",
        "UID:c\nSUMMARY:Alex early\nDTSTART;TZID=America/Chicago:20261205T060000\nDTEND;TZID=America/Chicago:20261205T230000",
    )
    env, rot = ical_env(cal)
    assert on_call(env, rot, local("2026-12-05T07:00")).tech == "alex"
    assert on_call(env, rot, local("2026-12-05T08:00")).tech == "dana"
    assert on_call(env, rot, local("2026-12-05T12:30")).tech == "sam"
    assert on_call(env, rot, local("2026-12-05T13:00")).tech == "dana"
    assert on_call(env, rot, local("2026-12-05T21:00")).tech == "alex"  # Dana ended; Alex still on
    assert on_call(env, rot, local("2026-12-05T23:00")).tech is None


def test_overlapping_events_with_the_same_start_the_later_in_the_file_holds():
    cal = schedule(
        "UID:a\nSUMMARY:Dana\nDTSTART:20261205T140000Z\nDTEND:20261205T200000Z",
        "UID:b\nSUMMARY:Sam\nDTSTART:20261205T140000Z\nDTEND:20261205T160000Z",
    )
    env, rot = ical_env(cal)
    assert on_call(env, rot, utc("2026-12-05T15:00")).tech == "sam"
    assert on_call(env, rot, utc("2026-12-05T16:00")).tech == "dana"


def test_override_wins_over_the_calendar(weekend):
    env, rot = ical_env(weekend, overrides=(Override("weekend-onsite", "alex", utc("2026-12-05T15:00"), utc("2026-12-05T16:00")),))
    assert (on_call(env, rot, utc("2026-12-05T15:30")).tech, on_call(env, rot, utc("2026-12-05T15:30")).source) == ("alex", "override")
    assert on_call(env, rot, utc("2026-12-05T16:00")).tech == "lee"


# ---------------------------------------------------------------- finding the technician


def test_attendee_email_is_matched_case_insensitively_and_the_first_match_wins():
    cal = schedule(
        "UID:a\nSUMMARY:Standby (Sam)\nDTSTART:20261205T140000Z\nDTEND:20261205T200000Z\n"
        "ATTENDEE;CN=Outsider:mailto:someone@else.example\n"
        "ATTENDEE;CN=Dana:MAILTO:Dana@Northwind.Example\n"
        "ATTENDEE;CN=Lee:mailto:lee@northwind.example"
    )
    assert [s.tech for s in cal.shifts_between(utc("2026-12-05T00:00"), utc("2026-12-06T00:00"))] == ["dana"]


def test_summary_is_matched_by_whole_words_of_id_or_name():
    cal = schedule(
        "UID:a\nSUMMARY:on call: MORGAN blake\nDTSTART:20261205T140000Z\nDTEND:20261205T200000Z",
        "UID:b\nSUMMARY:standby alex-backup\nDTSTART:20261206T140000Z\nDTEND:20261206T200000Z",
        "UID:c\nSUMMARY:Samuel's shift for sam\nDTSTART:20261207T140000Z\nDTEND:20261207T200000Z",
    )
    shifts = cal.shifts_between(utc("2026-12-05T00:00"), utc("2026-12-08T00:00"))
    assert [s.tech for s in shifts] == ["morgan", "alex", "sam"]


def test_id_and_name_of_the_same_person_count_once():
    cal = schedule("UID:a\nSUMMARY:Lee Chen (lee)\nDTSTART:20261205T140000Z\nDTEND:20261205T200000Z")
    assert [s.tech for s in cal.shifts_between(utc("2026-12-05T00:00"), utc("2026-12-06T00:00"))] == ["lee"]


def test_event_naming_nobody_is_refused():
    with pytest.raises(IcalError) as caught:
        schedule(
            "UID:a\nSUMMARY:Holiday standby\nDTSTART;TZID=America/Chicago:20261127T080000\nDTEND;TZID=America/Chicago:20261127T200000",
            "UID:b\nSUMMARY:Samantha and Alexander\nDTSTART:20261128T140000Z\nDTEND:20261128T200000Z",
        )
    problems = caught.value.problems
    assert len(problems) == 2
    assert problems[0].startswith("event 'Holiday standby' on 2026-11-27 08:00: names no technician")
    assert problems[1].startswith("event 'Samantha and Alexander' on 2026-11-28 14:00: names no technician")
    assert isinstance(caught.value, ValueError)


def test_event_naming_two_people_is_refused():
    with pytest.raises(IcalError) as caught:
        schedule("UID:a\nSUMMARY:Sam and Dana Reyes\nDTSTART;VALUE=DATE:20261205")
    assert caught.value.problems == ["event 'Sam and Dana Reyes' on 2026-12-05: names several technicians (sam, dana)"]


def test_every_problem_is_reported_including_moved_occurrences():
    with pytest.raises(IcalError) as caught:
        schedule(
            "UID:s\nSUMMARY:Standby\nDTSTART:20261205T140000Z\nDTEND:20261205T200000Z\nRRULE:FREQ=DAILY\n"
            "ATTENDEE:mailto:lee@northwind.example",
            "UID:s\nRECURRENCE-ID:20261207T140000Z\nSUMMARY:Swapped\nDTSTART:20261207T150000Z\nDTEND:20261207T200000Z",
            "UID:t\nSUMMARY:Alex and Sam\nDTSTART:20261210T140000Z\nDTEND:20261210T200000Z",
        )
    assert [p.split(":")[0] for p in caught.value.problems] == [
        "event 'Swapped' on 2026-12-07 15",
        "event 'Alex and Sam' on 2026-12-10 14",
    ]


def test_attendee_that_matches_nobody_falls_back_to_the_summary():
    cal = schedule(
        "UID:a\nSUMMARY:Dana on site\nDTSTART:20261205T140000Z\nDTEND:20261205T200000Z\n"
        "ATTENDEE:mailto:nobody@else.example"
    )
    assert [s.tech for s in cal.shifts_between(utc("2026-12-05T00:00"), utc("2026-12-06T00:00"))] == ["dana"]


def test_cancelled_events_hold_nothing_and_are_not_checked():
    cal = schedule(
        "UID:a\nSUMMARY:Nobody named\nSTATUS:CANCELLED\nDTSTART:20261205T140000Z\nDTEND:20261205T200000Z",
        "UID:b\nSUMMARY:Dana\nDTSTART:20261206T140000Z\nDTEND:20261206T200000Z",
    )
    assert [s.tech for s in cal.shifts_between(utc("2026-12-05T00:00"), utc("2026-12-07T00:00"))] == ["dana"]


# ---------------------------------------------------------------- malformed files


@pytest.mark.parametrize("text", ["", "not a calendar", "BEGIN:VEVENT\nSUMMARY:x\nEND:VEVENT\n"])
def test_malformed_text_is_refused(text):
    with pytest.raises(IcalError) as caught:
        IcalSchedule.from_text("bad.ics", text, TECHS, CHICAGO)
    assert caught.value.problems
    assert "bad.ics" in str(caught.value)


def test_broken_start_and_rule_are_reported():
    with pytest.raises(IcalError) as caught:
        schedule(
            "UID:a\nSUMMARY:Dana\nDTSTART:tomorrow\nDTEND:20261205T200000Z",
            "UID:b\nSUMMARY:Sam\nDTSTART:20261205T140000Z\nDTEND:20261205T200000Z\nRRULE:FREQ=SOMETIMES",
        )
    text = " | ".join(caught.value.problems)
    assert "DTSTART" in text and "RRULE" in text


def test_event_without_start_is_refused():
    with pytest.raises(IcalError, match="has no start"):
        schedule("UID:a\nSUMMARY:Dana")


def test_event_ending_before_it_starts_is_refused():
    with pytest.raises(IcalError, match="ends before it starts"):
        schedule("UID:a\nSUMMARY:Dana\nDTSTART:20261205T200000Z\nDTEND:20261205T140000Z")


def test_an_empty_calendar_holds_nothing():
    cal = schedule()
    env, rot = ical_env(cal)
    assert on_call(env, rot, utc("2026-12-05T15:00")).tech is None


# ---------------------------------------------------------------- time zones


def test_floating_times_are_read_in_the_rotation_time_zone():
    cal = schedule("UID:a\nSUMMARY:Dana\nDTSTART:20261205T080000\nDTEND:20261205T200000", tz="America/New_York")
    [shift] = cal.shifts_between(utc("2026-12-01T00:00"), utc("2026-12-10T00:00"))
    assert (shift.start, shift.end) == (utc("2026-12-05T13:00"), utc("2026-12-06T01:00"))


def test_floating_times_in_a_dst_gap_move_forward():
    cal = schedule("UID:a\nSUMMARY:Dana\nDTSTART:20260308T023000\nDTEND:20260308T050000")
    [shift] = cal.shifts_between(utc("2026-03-01T00:00"), utc("2026-03-10T00:00"))
    assert shift.start == utc("2026-03-08T08:00")  # 03:00 CDT


def test_all_day_events_cover_their_local_days():
    cal = schedule("UID:a\nSUMMARY:Dana\nDTSTART;VALUE=DATE:20261205\nDTEND;VALUE=DATE:20261207")
    [shift] = cal.shifts_between(utc("2026-12-01T00:00"), utc("2026-12-10T00:00"))
    assert (shift.start, shift.end) == (local("2026-12-05T00:00"), local("2026-12-07T00:00"))


def test_x_wr_timezone_is_honoured():
    cal = schedule("UID:a\nSUMMARY:Dana\nDTSTART:20261205T080000Z\nDTEND:20261205T090000Z",
                   header="X-WR-TIMEZONE:Europe/Berlin\n")
    [shift] = cal.shifts_between(utc("2026-12-01T00:00"), utc("2026-12-10T00:00"))
    assert shift.start == utc("2026-12-05T08:00")


def test_utc_and_other_zones_are_exact():
    cal = schedule("UID:a\nSUMMARY:Dana\nDTSTART;TZID=Europe/Berlin:20261205T080000\nDURATION:PT4H")
    [shift] = cal.shifts_between(utc("2026-12-01T00:00"), utc("2026-12-10T00:00"))
    assert (shift.start, shift.end) == (utc("2026-12-05T07:00"), utc("2026-12-05T11:00"))


# ---------------------------------------------------------------- lazy expansion and its cache


DAILY_NIGHTS = (
    "UID:n\nSUMMARY:Night\nDTSTART;TZID=America/Chicago:20260101T200000\n"
    "DTEND;TZID=America/Chicago:20260102T080000\nRRULE:FREQ=DAILY\nATTENDEE:mailto:alex@northwind.example",
    "UID:n\nRECURRENCE-ID;TZID=America/Chicago:20260131T200000\nSUMMARY:Night swap\n"
    "DTSTART;TZID=America/Chicago:20260131T210000\nDTEND;TZID=America/Chicago:20260201T090000\n"
    "ATTENDEE:mailto:sam@northwind.example",
)


def test_a_shift_across_a_month_boundary_appears_once():
    cal = schedule(*DAILY_NIGHTS)
    shifts = cal.shifts_between(local("2026-01-31T09:00"), local("2026-02-01T21:00"))
    assert [(s.start, s.tech) for s in shifts] == [
        (local("2026-01-31T21:00"), "sam"),
        (local("2026-02-01T20:00"), "alex"),
    ]


def test_unbounded_recurrence_is_expanded_far_ahead():
    cal = schedule(*DAILY_NIGHTS)
    [shift] = cal.shifts_between(local("2031-07-04T12:00"), local("2031-07-04T21:00"))
    assert (shift.start, shift.end, shift.tech) == (local("2031-07-04T20:00"), local("2031-07-05T08:00"), "alex")


def test_the_cache_never_changes_an_answer():
    queries = [
        (utc("2026-01-31T12:00"), utc("2026-02-02T00:00")),
        (utc("2026-03-01T00:00"), utc("2026-04-15T00:00")),
        (utc("2026-02-28T00:00"), utc("2026-03-01T00:00")),
        (utc("2027-01-01T00:00"), utc("2027-01-02T00:00")),
    ]
    cold = [schedule(*DAILY_NIGHTS).shifts_between(a, b) for a, b in queries]
    warm_schedule = schedule(*DAILY_NIGHTS)
    warm_schedule.shifts_between(utc("2025-12-01T00:00"), utc("2027-02-01T00:00"))
    warm = [warm_schedule.shifts_between(a, b) for a, b in reversed(queries)][::-1]
    assert warm == cold
    assert all(s.start < b and s.end > a for (a, b), found in zip(queries, cold) for s in found)


def test_empty_or_reversed_range():
    cal = schedule(*DAILY_NIGHTS)
    assert cal.shifts_between(utc("2026-02-01T00:00"), utc("2026-02-01T00:00")) == []
    assert cal.shifts_between(utc("2026-02-02T00:00"), utc("2026-02-01T00:00")) == []


def test_shifts_match_on_call_for_a_month_hour_by_hour(weekend):
    """Every hour of December: on_call agrees with the shifts listed for the whole month."""
    env, rot = ical_env(weekend)
    month = weekend.shifts_between(utc("2026-12-01T00:00"), utc("2027-01-01T00:00"))
    at = utc("2026-12-01T00:00")
    while at < utc("2027-01-01T00:00"):
        covering = [s for s in month if s.start <= at < s.end]
        expected = covering[-1].tech if covering else None
        assert on_call(env, rot, at).tech == expected
        at += timedelta(minutes=30)


@pytest.mark.parametrize("content, problem", [
    ("export PATH=/s3cret/bin\nPASSWORD=s3cret\n", "not a readable iCalendar file: line 1 is not an iCalendar content line"),
    ("BEGIN:VCALENDAR\nVERSION:2.0\nX-NOTE:fine\n  folded on\ns3cret is here\nEND:VCALENDAR\n",
     "not a readable iCalendar file: line 5 is not an iCalendar content line"),
    ("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nDTSTART:s3cret\nEND:VEVENT\nEND:VCALENDAR\n",
     "event (no summary): DTSTART: its value cannot be read"),
])
def test_an_unreadable_calendar_gives_the_line_never_the_text(content, problem):
    """A bundle's ``ical:`` may be pointed at any file: a message never repeats what it holds."""
    with pytest.raises(IcalError) as caught:
        IcalSchedule.from_text("other.ics", content, TECHS, CHICAGO)
    assert caught.value.problems == [problem]
    assert "s3cret" not in str(caught.value)
