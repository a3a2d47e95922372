"""DOMAIN.md "Coverage", the business-hours and holiday rules, and next_covered."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings, strategies as st

from builders import CHICAGO, NEW_YORK, agreement, client, env, local, utc
from dispatch_app.domain import coverage
from dispatch_app.domain.coverage import covered_intervals, describe, is_covered, next_covered
from dispatch_app.domain.model import Agreement

BERLIN = "Europe/Berlin"


def setup(rule4: str = "business", *, hours: str = "mon-fri 08:00-17:00", tz: str = CHICAGO,
          client_holidays=(), msp_holidays=(), msp_tz: str = CHICAGO):
    k = client("k", tz=tz, holidays=client_holidays,
               agreement_=agreement({1: "always", 2: "business", 3: "never", 4: rule4}, business_hours=hours))
    return env(clients=[k], holidays=msp_holidays, tz=msp_tz), k


# ---------------------------------------------------------------- rule kinds


def test_always_and_never():
    e, k = setup("always")
    at = local("2026-11-28T03:00")
    assert is_covered(e, k, 4, "P4", at)
    assert not is_covered(e, k, 3, "P1", at)
    assert covered_intervals(e, k, 4, "P4", at, at + timedelta(days=1)) == [(at, at + timedelta(days=1))]
    assert covered_intervals(e, k, 3, "P1", at, at + timedelta(days=1)) == []
    assert next_covered(e, k, 3, "P1", at) is None


def test_defaults_when_agreement_leaves_levels_out():
    k = client("k", agreement_=Agreement(coverage={}))
    e = env(clients=[k])
    night = local("2026-11-25T03:00")  # Wednesday
    day = local("2026-11-25T10:00")
    assert is_covered(e, k, 1, "P4", night)
    for level in (2, 3, 4):
        assert not is_covered(e, k, level, "P1", night)
        assert is_covered(e, k, level, "P4", day)
    assert not is_covered(e, k, 2, "P4", local("2026-11-25T17:00"))
    assert is_covered(e, k, 2, "P4", local("2026-11-25T08:00"))
    assert not is_covered(e, k, 2, "P4", local("2026-11-28T10:00"))  # Saturday


def test_business_hours_half_open():
    e, k = setup("business")
    assert not is_covered(e, k, 4, "P1", local("2026-11-24T07:59"))
    assert is_covered(e, k, 4, "P1", local("2026-11-24T08:00"))
    assert is_covered(e, k, 4, "P1", local("2026-11-24T16:59:59"))
    assert not is_covered(e, k, 4, "P1", local("2026-11-24T17:00"))


def test_emergency_rule_covers_p1_only_outside_business():
    e, k = setup("emergency")
    night = local("2026-11-24T23:00")
    assert is_covered(e, k, 4, "P1", night)
    for p in ("P2", "P3", "P4"):
        assert not is_covered(e, k, 4, p, night)
        assert is_covered(e, k, 4, p, local("2026-11-24T09:00"))
    assert describe(e, k, 4, "P1", night) == "level 4 is covered: emergency"
    assert describe(e, k, 4, "P2", night) == (
        "level 4 is not covered now (emergencies (P1) or business hours mon-fri 08:00-17:00)")
    start, end = local("2026-11-24T00:00"), local("2026-11-25T00:00")
    assert covered_intervals(e, k, 4, "P1", start, end) == [(start, end)]
    assert covered_intervals(e, k, 4, "P2", start, end) == [(local("2026-11-24T08:00"), local("2026-11-24T17:00"))]


def test_window_rule_ignores_holidays():
    e, k = setup("mon-fri 06:00-22:00", client_holidays=[date(2026, 11, 26)])
    assert is_covered(e, k, 4, "P3", local("2026-11-26T07:00"))
    assert not is_covered(e, k, 4, "P3", local("2026-11-26T22:00"))
    assert describe(e, k, 4, "P3", local("2026-11-26T23:00")) == (
        "level 4 is not covered now (window mon-fri 06:00-22:00)")
    assert describe(e, k, 4, "P3", local("2026-11-26T07:00")) == "level 4 is covered: window mon-fri 06:00-22:00"


def test_describe_business():
    e, k = setup("business", client_holidays=[date(2026, 11, 26)])
    assert describe(e, k, 4, "P1", local("2026-11-25T09:00")) == "level 4 is covered: business hours mon-fri 08:00-17:00"
    assert describe(e, k, 4, "P1", local("2026-11-25T19:00")) == (
        "level 4 is not covered now (business hours mon-fri 08:00-17:00)")
    assert "2026-11-26 is a holiday" in describe(e, k, 4, "P1", local("2026-11-26T09:00"))
    assert describe(e, k, 3, "P1", local("2026-11-25T09:00")) == (
        "level 3 is not covered now (never covered by the agreement)")
    assert describe(e, k, 1, "P4", local("2026-11-25T09:00")) == "level 1 is covered: always"


# ---------------------------------------------------------------- holidays


def test_client_holiday_in_client_time_zone():
    # MSP in Chicago, client in New York: the holiday is the New York date.
    e, k = setup("business", hours="daily 00:00-24:00", tz=NEW_YORK, client_holidays=[date(2026, 12, 24)])
    start, end = utc("2026-12-23T00:00"), utc("2026-12-27T00:00")
    assert covered_intervals(e, k, 4, "P2", start, end) == [
        (start, utc("2026-12-24T05:00")), (utc("2026-12-25T05:00"), end)]
    assert not is_covered(e, k, 4, "P2", utc("2026-12-24T05:00"))
    assert is_covered(e, k, 4, "P2", utc("2026-12-24T04:59:59"))
    assert not is_covered(e, k, 4, "P2", utc("2026-12-25T04:59:59"))
    assert is_covered(e, k, 4, "P2", utc("2026-12-25T05:00"))


def test_msp_holiday_is_read_in_client_time_zone():
    e, k = setup("business", hours="daily 00:00-24:00", tz=BERLIN, msp_holidays=[date(2026, 12, 25)])
    start, end = utc("2026-12-24T00:00"), utc("2026-12-27T00:00")
    # 2026-12-25 in Berlin is 2026-12-24T23:00Z .. 2026-12-25T23:00Z, not the Chicago day.
    assert covered_intervals(e, k, 4, "P3", start, end) == [
        (start, utc("2026-12-24T23:00")), (utc("2026-12-25T23:00"), end)]
    assert not is_covered(e, k, 4, "P3", utc("2026-12-25T22:30"))


def test_holiday_does_not_stop_always_or_p1_emergency():
    e, k = setup("emergency", msp_holidays=[date(2026, 11, 25)])
    assert is_covered(e, k, 4, "P1", local("2026-11-25T10:00"))
    assert not is_covered(e, k, 4, "P2", local("2026-11-25T10:00"))
    assert is_covered(e, k, 1, "P4", local("2026-11-25T10:00"))


def test_holiday_cuts_an_overnight_business_window_at_midnight():
    e, k = setup("business", hours="fri 22:00-06:00", client_holidays=[date(2026, 11, 28)])
    spans = covered_intervals(e, k, 4, "P2", local("2026-11-27T00:00"), local("2026-11-30T00:00"))
    assert spans == [(local("2026-11-27T22:00"), local("2026-11-28T00:00"))]


# ---------------------------------------------------------------- windows


def test_wrapping_day_range():
    e, k = setup("fri-mon 09:00-10:00")
    got = covered_intervals(e, k, 4, "P3", local("2026-11-23T00:00"), local("2026-11-30T00:00"))
    assert got == [
        (local("2026-11-23T09:00"), local("2026-11-23T10:00")),  # Monday
        (local("2026-11-27T09:00"), local("2026-11-27T10:00")),
        (local("2026-11-28T09:00"), local("2026-11-28T10:00")),
        (local("2026-11-29T09:00"), local("2026-11-29T10:00")),
    ]


def test_window_past_midnight():
    e, k = setup("fri 22:00-06:00")
    assert is_covered(e, k, 4, "P3", local("2026-11-28T05:59"))  # Saturday morning
    assert not is_covered(e, k, 4, "P3", local("2026-11-28T06:00"))
    assert not is_covered(e, k, 4, "P3", local("2026-11-27T05:00"))  # Friday morning
    assert next_covered(e, k, 4, "P3", local("2026-11-24T12:00")) == local("2026-11-27T22:00")
    assert covered_intervals(e, k, 4, "P3", local("2026-11-28T00:00"), local("2026-11-29T00:00")) == [
        (local("2026-11-28T00:00"), local("2026-11-28T06:00"))]


def test_business_hours_past_midnight_and_24_00():
    e, k = setup("business", hours="mon-fri 17:00-24:00, sat 00:00-08:00")
    assert is_covered(e, k, 4, "P2", local("2026-11-27T23:59"))
    assert is_covered(e, k, 4, "P2", local("2026-11-28T00:00"))
    spans = covered_intervals(e, k, 4, "P2", local("2026-11-27T12:00"), local("2026-11-28T12:00"))
    assert spans == [(local("2026-11-27T17:00"), local("2026-11-28T08:00"))]


# ---------------------------------------------------------------- DST (America/Chicago)


def test_spring_forward_window_edge_moves_forward():
    # 2026-03-08 02:00 CST jumps to 03:00 CDT: 02:30 does not exist, the window opens at 03:00.
    e, k = setup("daily 02:30-05:00")
    spans = covered_intervals(e, k, 4, "P3", utc("2026-03-08T00:00"), utc("2026-03-09T00:00"))
    assert spans == [(utc("2026-03-08T08:00"), utc("2026-03-08T10:00"))]
    assert next_covered(e, k, 4, "P3", utc("2026-03-08T07:00")) == utc("2026-03-08T08:00")
    assert not is_covered(e, k, 4, "P3", utc("2026-03-08T07:59:59"))
    assert is_covered(e, k, 4, "P3", utc("2026-03-08T08:00"))


def test_spring_forward_business_day_is_shorter():
    e, k = setup("business", hours="daily 00:00-24:00", client_holidays=[date(2026, 3, 8)])
    spans = covered_intervals(e, k, 4, "P3", utc("2026-03-07T00:00"), utc("2026-03-10T00:00"))
    # The holiday runs from 00:00 CST (06:00Z) to 00:00 CDT on the 9th (05:00Z): 23 hours.
    assert spans == [(utc("2026-03-07T00:00"), utc("2026-03-08T06:00")),
                     (utc("2026-03-09T05:00"), utc("2026-03-10T00:00"))]


def test_fall_back_window_takes_first_occurrence():
    # 2026-11-01 02:00 CDT falls back to 01:00 CST: 01:30 happens twice, the first counts.
    e, k = setup("daily 01:30-03:00")
    spans = covered_intervals(e, k, 4, "P3", utc("2026-11-01T00:00"), utc("2026-11-02T00:00"))
    assert spans == [(utc("2026-11-01T06:30"), utc("2026-11-01T09:00"))]
    assert is_covered(e, k, 4, "P3", utc("2026-11-01T07:45"))  # 01:45 CST, second pass
    assert next_covered(e, k, 4, "P3", utc("2026-11-01T05:00")) == utc("2026-11-01T06:30")


def test_fall_back_holiday_is_25_hours():
    e, k = setup("business", hours="daily 00:00-24:00", msp_holidays=[date(2026, 11, 1)])
    spans = covered_intervals(e, k, 4, "P3", utc("2026-10-31T00:00"), utc("2026-11-03T00:00"))
    assert spans == [(utc("2026-10-31T00:00"), utc("2026-11-01T05:00")),
                     (utc("2026-11-02T06:00"), utc("2026-11-03T00:00"))]


# ---------------------------------------------------------------- next_covered


def test_next_covered_business_monday():
    e, k = setup("business")
    assert next_covered(e, k, 4, "P4", utc("2026-11-28T08:00")) == utc("2026-11-30T14:00")


def test_next_covered_when_covered_is_now():
    e, k = setup("business")
    at = local("2026-11-24T09:13:17")
    assert next_covered(e, k, 4, "P4", at) == at


def test_next_covered_skips_holidays():
    e, k = setup("business", client_holidays=[date(2026, 11, 26)], msp_holidays=[date(2026, 11, 27)])
    assert next_covered(e, k, 4, "P3", local("2026-11-25T17:00")) == local("2026-11-30T08:00")


def _blocked_january(days: int):
    """Business all day, every day, but ``days`` holidays from 2027-01-01 (no DST in January)."""
    return setup("business", hours="daily 00:00-24:00",
                 client_holidays=[date(2027, 1, 1) + timedelta(days=i) for i in range(days)])


def test_next_covered_includes_the_last_instant_of_30_days():
    e, k = _blocked_january(30)
    at = local("2027-01-01T00:00")
    assert next_covered(e, k, 4, "P3", at) == at + timedelta(days=30)
    assert next_covered(e, k, 4, "P3", at + timedelta(microseconds=1)) == at + timedelta(days=30)
    assert next_covered(e, k, 4, "P3", at - timedelta(microseconds=1)) == at - timedelta(microseconds=1)


def test_next_covered_none_past_30_days():
    e, k = _blocked_january(31)
    assert next_covered(e, k, 4, "P3", local("2027-01-01T00:00")) is None
    # Coverage from 00:01 on the 31st: one minute past the limit from 00:00, exactly on it from 00:01.
    e, k = setup("business", hours="daily 00:01-24:00",
                 client_holidays=[date(2027, 1, 1) + timedelta(days=i) for i in range(30)])
    assert next_covered(e, k, 4, "P3", local("2027-01-01T00:00")) is None
    assert next_covered(e, k, 4, "P3", local("2027-01-01T00:01")) == local("2027-01-31T00:01")
    assert next_covered(e, k, 4, "P3", local("2027-01-01T00:00:59")) is None


def test_next_covered_never_is_none():
    e, k = setup("never")
    assert next_covered(e, k, 4, "P1", local("2026-11-24T09:00")) is None


# ---------------------------------------------------------------- properties


RULES = ["business", "emergency", "mon-fri 06:00-22:00", "fri 22:00-06:00", "daily 01:30-03:00",
         "daily 02:30-05:00", "sat-mon 23:00-01:00", "tue 00:00-24:00", "never"]
HOURS = ["mon-fri 08:00-17:00", "daily 01:00-02:30", "mon-sat 07:00-18:00, sun 22:00-02:00"]
ZONES = [CHICAGO, NEW_YORK, BERLIN, "Australia/Lord_Howe", "UTC"]
DST_DAYS = [datetime(2026, 3, 6), datetime(2026, 3, 27), datetime(2026, 10, 23), datetime(2026, 10, 30),
            datetime(2026, 4, 3), datetime(2026, 12, 20)]


@st.composite
def scenarios(draw):
    tz = draw(st.sampled_from(ZONES))
    rule = draw(st.sampled_from(RULES))
    hours = draw(st.sampled_from(HOURS))
    base = draw(st.sampled_from(DST_DAYS))
    holidays = draw(st.lists(st.integers(0, 12), max_size=4))
    k = client("k", tz=tz, holidays=[(base + timedelta(days=d)).date() for d in holidays],
               agreement_=agreement({4: rule}, business_hours=hours))
    e = env(clients=[k], holidays=[(base + timedelta(days=3)).date()])
    offset = draw(st.integers(0, 6 * 24 * 60))
    at = utc(base.isoformat()) + timedelta(minutes=offset, seconds=draw(st.sampled_from([0, 0, 17])))
    priority = draw(st.sampled_from(["P1", "P2"]))
    return e, k, priority, at


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_next_covered_is_the_first_covered_instant(case):
    e, k, priority, at = case
    found = next_covered(e, k, 4, priority, at)
    if is_covered(e, k, 4, priority, at):
        assert found == at
        return
    if found is None:
        probe = at
        while probe <= at + timedelta(days=30):
            assert not is_covered(e, k, 4, priority, probe)
            probe += timedelta(minutes=30)
        return
    assert found > at
    assert is_covered(e, k, 4, priority, found)
    assert not is_covered(e, k, 4, priority, found - timedelta(microseconds=1))
    probe = max(at, found - timedelta(hours=3))
    while probe < found:  # minute sampling near the answer
        assert not is_covered(e, k, 4, priority, probe)
        probe += timedelta(minutes=1)
    probe = at
    while probe < found:  # coarser sampling from t on
        assert not is_covered(e, k, 4, priority, probe)
        probe += timedelta(minutes=20)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_covered_intervals_agree_with_is_covered(case):
    e, k, priority, at = case
    end = at + timedelta(days=2)
    spans = covered_intervals(e, k, 4, priority, at, end)
    for a, b in spans:
        assert at <= a < b <= end
        assert is_covered(e, k, 4, priority, a)
        assert is_covered(e, k, 4, priority, b - timedelta(microseconds=1))
        if b < end:
            assert not is_covered(e, k, 4, priority, b)
        if a > at:
            assert not is_covered(e, k, 4, priority, a - timedelta(microseconds=1))
    for first, second in zip(spans, spans[1:]):
        assert first[1] < second[0]
    probe = at
    while probe < end:
        inside = any(a <= probe < b for a, b in spans)
        assert inside == is_covered(e, k, 4, priority, probe), probe
        probe += timedelta(minutes=10)


def test_rule_kinds_are_case_insensitive():
    e, k = setup("Always")
    assert is_covered(e, k, 4, "P4", local("2026-11-28T03:00"))
    assert coverage.rule_of(k, 4) == "always"
