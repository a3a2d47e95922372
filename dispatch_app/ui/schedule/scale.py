"""Time across the schedule: whole local days of one time zone, each drawn the same width.

A day is the span between two local midnights, so a daylight-saving day lasts 23 or 25 hours;
inside a day an instant sits in proportion to the real time elapsed since its midnight. The
hour lines of a 25-hour day are therefore a little closer together, and every block starts
and ends where its instants really are.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from dispatch_app.domain.localtime import resolve, to_local

UTC = timezone.utc
WEEK = "week"
MONTH = "month"


def midnight(day: date, tz: str) -> datetime:
    return resolve(datetime(day.year, day.month, day.day), tz)


def week_range(anchor: date, tz: str) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00 (local) of the week holding ``anchor``."""
    monday = anchor - timedelta(days=anchor.weekday())
    return midnight(monday, tz), midnight(monday + timedelta(days=7), tz)


def month_range(anchor: date, tz: str) -> tuple[datetime, datetime]:
    first = anchor.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return midnight(first, tz), midnight(following, tz)


def range_of(mode: str, anchor: date, tz: str) -> tuple[datetime, datetime]:
    return week_range(anchor, tz) if mode == WEEK else month_range(anchor, tz)


def moved(mode: str, anchor: date, steps: int) -> date:
    """The anchor ``steps`` weeks or months away."""
    if mode == WEEK:
        return anchor + timedelta(weeks=steps)
    month = anchor.year * 12 + anchor.month - 1 + steps
    return date(month // 12, month % 12 + 1, 1)


@dataclass(frozen=True)
class Day:
    day: date
    start: datetime
    end: datetime

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


class TimeScale:
    """Instants of [start, end) ↔ positions in days (0 at the first local midnight)."""

    def __init__(self, start: datetime, end: datetime, tz: str) -> None:
        self.tz = tz
        first = to_local(start, tz).date()
        last = to_local(end - timedelta(microseconds=1), tz).date()
        self.days: list[Day] = []
        day = first
        while day <= last:
            self.days.append(Day(day, midnight(day, tz), midnight(day + timedelta(days=1), tz)))
            day += timedelta(days=1)
        self._starts = [d.start for d in self.days]
        self.start = self.days[0].start
        self.end = self.days[-1].end

    def __len__(self) -> int:
        return len(self.days)

    def position(self, at: datetime) -> float:
        """Days from the first midnight; clamped to the scale."""
        if at <= self.start:
            return 0.0
        if at >= self.end:
            return float(len(self.days))
        i = bisect_right(self._starts, at) - 1
        day = self.days[i]
        return i + (at - day.start) / (day.end - day.start)

    def instant(self, position: float) -> datetime:
        if position <= 0:
            return self.start
        if position >= len(self.days):
            return self.end
        i = int(position)
        day = self.days[i]
        return day.start + (day.end - day.start) * (position - i)

    def local_hour(self, day: Day, hour: int) -> datetime:
        """The instant of a wall-clock hour of ``day`` (a skipped hour moves forward)."""
        return resolve(datetime(day.day.year, day.day.month, day.day.day) + timedelta(hours=hour), self.tz)


def snap(at: datetime, tz: str, minutes: int) -> datetime:
    """``at`` rounded down to a multiple of ``minutes`` on the local clock (offset kept)."""
    offset = to_local(at, tz) - at.astimezone(UTC).replace(tzinfo=None)
    local = at.astimezone(UTC).replace(tzinfo=None) + offset
    of_day = local.hour * 60 + local.minute
    floored = local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(minutes=of_day - of_day % minutes)
    return (floored - offset).replace(tzinfo=UTC)
