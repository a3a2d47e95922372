"""Wall-clock time and instants, with the daylight-saving rules of DOMAIN.md.

A wall-clock time that does not exist (spring forward) moves forward to the first valid
instant; one that occurs twice (fall back) takes its first occurrence. Every conversion from
local time to an instant in the program goes through :func:`resolve`.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = timezone.utc
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class BadInstant(ValueError):
    """An instant or time zone that cannot be read."""


class InstantOutOfRange(BadInstant):
    """A well-formed instant written in a year outside FIRST_YEAR..LAST_YEAR."""


FIRST_YEAR, LAST_YEAR = 1970, 2199
"""The years an instant may be written in (docs/decisions.md, "Input limits"). Nothing the
program plans lies outside them, and inside them every computation (a day or 400 days either
side, a conversion between zones) stays within what :class:`datetime` can hold."""


def check_in_range(value: datetime) -> datetime:
    """``value`` (naive or aware) if written in the years FIRST_YEAR..LAST_YEAR; else InstantOutOfRange."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise InstantOutOfRange(f"{value.year:04d} is outside the years {FIRST_YEAR} to {LAST_YEAR} this program accepts")
    return value


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; raises BadInstant for an unknown name."""
    if not name or name != name.strip():
        raise BadInstant(f"unknown time zone {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise BadInstant(f"unknown time zone {name!r}") from None


def is_zone(name: str) -> bool:
    try:
        zone(name)
    except BadInstant:
        return False
    return True


def resolve(local: datetime, tz: str) -> datetime:
    """The UTC instant of a naive wall-clock time in ``tz``.

    Non-existent times move forward to the first valid instant (the moment the clock
    jumps); ambiguous times take the first occurrence.
    """
    z = zone(tz)
    first = local.replace(tzinfo=z, fold=0)
    instant = first.astimezone(UTC)
    if instant.astimezone(z).replace(tzinfo=None) == local:
        return instant
    # In a gap: fold=0 reads it with the offset before the jump, fold=1 with the offset
    # after; the jump itself lies between the two readings.
    low = local.replace(tzinfo=z, fold=1).astimezone(UTC)
    high = instant
    if low > high:
        low, high = high, low
    before = low.astimezone(z).utcoffset()
    while high - low > timedelta(seconds=1):
        mid = low + (high - low) / 2
        mid = mid.replace(microsecond=0)
        if mid.astimezone(z).utcoffset() == before:
            low = mid
        else:
            high = mid
    return high


def to_local(instant: datetime, tz: str) -> datetime:
    """The naive wall-clock time of a UTC instant in ``tz``."""
    return instant.astimezone(zone(tz)).replace(tzinfo=None)


def start_of_day(day: date, tz: str) -> datetime:
    return resolve(datetime.combine(day, time()), tz)


def day_interval(day: date, tz: str) -> tuple[datetime, datetime]:
    """The half-open instants of a local calendar date (a holiday, say)."""
    return start_of_day(day, tz), start_of_day(day + timedelta(days=1), tz)


def parse_local_or_instant(text: str) -> datetime:
    """Read ISO 8601: aware when it has an offset, naive (wall clock) when not. The year, as
    written, must lie in FIRST_YEAR..LAST_YEAR (:func:`check_in_range`)."""
    if not isinstance(text, str):
        text = str(text)
    raw = text.strip()
    try:
        if _ISO_DATE.match(raw):
            value = datetime.combine(date.fromisoformat(raw), time())
        else:
            value = datetime.fromisoformat(raw)
    except ValueError:
        raise BadInstant(f"not an ISO 8601 instant: {text!r}") from None
    return check_in_range(value)


def parse_instant(text: str, tz: str) -> datetime:
    """An ISO 8601 instant; without an offset it is read as wall-clock time in ``tz``."""
    value = parse_local_or_instant(text)
    if value.tzinfo is None:
        return resolve(value, tz)
    return value.astimezone(UTC)


def as_utc(value: datetime, tz: str) -> datetime:
    """An aware datetime as UTC, or a naive one read as wall-clock time in ``tz``."""
    if value.tzinfo is None:
        return resolve(value, tz)
    return value.astimezone(UTC)


def format_utc(instant: datetime | None) -> str | None:
    """ISO 8601 in UTC with ``Z``, to the second (fractions only when present)."""
    if instant is None:
        return None
    text = instant.astimezone(UTC).replace(tzinfo=None).isoformat()
    return text + "Z"
