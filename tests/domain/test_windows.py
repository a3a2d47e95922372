"""Window expressions and local time: parse, containment, edges, DST."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings, strategies as st

from dispatch_app.domain import windows
from dispatch_app.domain.localtime import BadInstant, format_utc, parse_instant, resolve, to_local
from dispatch_app.domain.windows import BadWindow, contains, intervals, parse

UTC = timezone.utc
CHI = "America/Chicago"


def utc(*args):
    return datetime(*args, tzinfo=UTC)


class TestLocalTime:
    def test_spring_forward_gap_moves_to_first_valid_instant(self):
        # 2026-03-08 02:00 CST jumps to 03:00 CDT (08:00Z)
        assert resolve(datetime(2026, 3, 8, 2, 30), CHI) == utc(2026, 3, 8, 8, 0)
        assert resolve(datetime(2026, 3, 8, 2, 0), CHI) == utc(2026, 3, 8, 8, 0)
        assert resolve(datetime(2026, 3, 8, 3, 0), CHI) == utc(2026, 3, 8, 8, 0)
        assert resolve(datetime(2026, 3, 8, 1, 59), CHI) == utc(2026, 3, 8, 7, 59)

    def test_fall_back_takes_first_occurrence(self):
        # 2026-11-01 01:30 happens at 06:30Z (CDT) and again at 07:30Z (CST)
        assert resolve(datetime(2026, 11, 1, 1, 30), CHI) == utc(2026, 11, 1, 6, 30)

    def test_half_hour_zone_gap(self):
        # Lord Howe moves forward 30 minutes at 02:00 local
        assert to_local(resolve(datetime(2026, 10, 4, 2, 15), "Australia/Lord_Howe"), "Australia/Lord_Howe") == datetime(2026, 10, 4, 2, 30)

    def test_parse_instant_with_and_without_offset(self):
        assert parse_instant("2026-11-27T23:00:00-06:00", CHI) == utc(2026, 11, 28, 5)
        assert parse_instant("2026-11-27T23:00", CHI) == utc(2026, 11, 28, 5)
        assert parse_instant("2026-11-28T05:00:00Z", "Asia/Tokyo") == utc(2026, 11, 28, 5)
        with pytest.raises(BadInstant):
            parse_instant("tomorrow", CHI)

    def test_format_utc(self):
        assert format_utc(utc(2026, 11, 28, 5, 15)) == "2026-11-28T05:15:00Z"
        assert format_utc(None) is None


class TestParse:
    def test_terms_and_ranges(self):
        w = parse("mon-fri 17:00-08:00, sat-sun 00:00-24:00")
        assert [sorted(t.days) for t in w.terms] == [[0, 1, 2, 3, 4], [5, 6]]
        assert (w.terms[0].start, w.terms[0].end) == (17 * 60, 8 * 60)
        assert w.terms[1].end == 1440

    def test_wrapping_range_and_single_day_range(self):
        assert sorted(parse("fri-mon 09:00-10:00").terms[0].days) == [0, 4, 5, 6]
        assert sorted(parse("wed-wed 09:00-10:00").terms[0].days) == [2]
        assert sorted(parse("daily 09:00-10:00").terms[0].days) == list(range(7))

    @pytest.mark.parametrize("text", [
        "", "mon", "mon 9-17", "funday 08:00-09:00", "mon 24:00-08:00", "mon 08:00-25:00",
        "mon 08:60-09:00", "mon-fri 08:00-17:00,", "mon-fri-sat 08:00-09:00",
    ])
    def test_refused(self, text):
        with pytest.raises(BadWindow):
            parse(text)


class TestContains:
    def test_half_open(self):
        w = "mon-fri 08:00-17:00"
        # Monday 2026-11-23 08:00 CST = 14:00Z
        assert contains(w, CHI, utc(2026, 11, 23, 14, 0))
        assert not contains(w, CHI, utc(2026, 11, 23, 13, 59, 59))
        assert not contains(w, CHI, utc(2026, 11, 23, 23, 0))  # 17:00 local
        assert contains(w, CHI, utc(2026, 11, 23, 22, 59, 59))

    def test_past_midnight_belongs_to_the_starting_day(self):
        w = "fri 22:00-06:00"
        assert contains(w, CHI, utc(2026, 11, 28, 11, 0))  # Saturday 05:00
        assert not contains(w, CHI, utc(2026, 11, 28, 12, 0))  # Saturday 06:00
        assert not contains(w, CHI, utc(2026, 11, 27, 11, 0))  # Friday 05:00: Thursday has no term

    def test_full_day_and_24_00(self):
        assert contains("sat 00:00-24:00", CHI, utc(2026, 11, 29, 5, 59))  # Sat 23:59
        assert not contains("sat 00:00-24:00", CHI, utc(2026, 11, 29, 6, 0))  # Sun 00:00

    def test_window_across_spring_forward(self):
        w = "sun 02:30-04:00"
        # on 2026-03-08 02:30 does not exist: the window starts at 03:00 CDT (08:00Z)
        assert not contains(w, CHI, utc(2026, 3, 8, 7, 59))
        assert contains(w, CHI, utc(2026, 3, 8, 8, 0))
        assert not contains(w, CHI, utc(2026, 3, 8, 9, 0))

    def test_window_across_fall_back(self):
        w = "sun 01:00-02:00"
        # 2026-11-01: 01:00 CDT = 06:00Z; 02:00 CST = 08:00Z; the window lasts two hours
        assert contains(w, CHI, utc(2026, 11, 1, 6, 0))
        assert contains(w, CHI, utc(2026, 11, 1, 7, 30))
        assert not contains(w, CHI, utc(2026, 11, 1, 8, 0))


def test_intervals_merge_adjacent_days():
    spans = intervals("daily 00:00-24:00", CHI, utc(2026, 11, 23), utc(2026, 11, 26))
    assert spans == [(utc(2026, 11, 23), utc(2026, 11, 26))]


WINDOW_TEXTS = st.lists(
    st.tuples(
        st.sampled_from(["mon", "tue", "sat", "sun", "mon-fri", "fri-mon", "sat-sun", "daily"]),
        st.integers(0, 47), st.integers(1, 48),
    ),
    min_size=1, max_size=3,
).map(lambda terms: ", ".join(
    f"{d} {s // 2:02d}:{(s % 2) * 30:02d}-{e // 2:02d}:{(e % 2) * 30:02d}" for d, s, e in terms
))
ZONES = st.sampled_from([CHI, "America/New_York", "Europe/Berlin", "UTC", "Australia/Lord_Howe"])


@settings(max_examples=60, deadline=None)
@given(text=WINDOW_TEXTS, tz=ZONES, offset_hours=st.integers(0, 24 * 365))
def test_containment_agrees_with_computed_intervals(text, tz, offset_hours):
    start = utc(2026, 1, 1) + timedelta(hours=offset_hours)
    end = start + timedelta(days=3)
    spans = intervals(text, tz, start, end)
    # every edge is exact: inside just after a start, outside just after an end
    for a, b in spans:
        assert contains(text, tz, a)
        assert contains(text, tz, b - timedelta(seconds=1))
        if b < end:
            assert not contains(text, tz, b)
    # and sampling agrees everywhere
    t = start
    while t < end:
        inside = any(a <= t < b for a, b in spans)
        assert inside == contains(text, tz, t), (text, tz, t)
        t += timedelta(minutes=15)


def test_subtract():
    a = [(utc(2026, 1, 1, 0), utc(2026, 1, 1, 10))]
    holes = [(utc(2026, 1, 1, 2), utc(2026, 1, 1, 3)), (utc(2026, 1, 1, 9), utc(2026, 1, 1, 12))]
    assert windows.subtract(a, holes) == [(utc(2026, 1, 1, 0), utc(2026, 1, 1, 2)), (utc(2026, 1, 1, 3), utc(2026, 1, 1, 9))]
