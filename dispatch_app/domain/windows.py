"""Window expressions: ``mon-fri 08:00-17:00, sat 09:00-12:00``.

A term is ``DAYS HH:MM-HH:MM``; DAYS is a day, a range (wrapping: ``fri-mon``) or ``daily``.
``24:00`` is allowed only as an end. An end at or before the start runs into the next day.
Windows are half-open, and their edges are wall-clock times resolved with
:func:`localtime.resolve` (so a DST gap moves an edge forward).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from .localtime import resolve, to_local

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TERM = re.compile(
    r"^(?P<days>[a-z]+(?:-[a-z]+)?)\s+(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})$"
)


class BadWindow(ValueError):
    """A window expression that cannot be read; the message says which part and why."""


@dataclass(frozen=True)
class Term:
    days: frozenset[int]  # weekday numbers, Monday 0
    start: int  # minutes after midnight, 0..1439
    end: int  # minutes after midnight, 1..1440

    @property
    def overnight(self) -> bool:
        return self.end <= self.start


@dataclass(frozen=True)
class Window:
    text: str
    terms: tuple[Term, ...]


def _minutes(text: str, *, is_end: bool, term: str) -> int:
    hours, mins = (int(p) for p in text.split(":"))
    if hours == 24 and mins == 0:
        if is_end:
            return 1440
        raise BadWindow(f"{term!r}: 24:00 is allowed only as an end")
    if hours > 23 or mins > 59:
        raise BadWindow(f"{term!r}: {text} is not a time of day")
    return hours * 60 + mins


def _days(text: str, term: str) -> frozenset[int]:
    if text == "daily":
        return frozenset(range(7))
    first, _, last = text.partition("-")
    last = last or first
    for name in (first, last):
        if name not in DAY_NAMES:
            raise BadWindow(f"{term!r}: unknown day {name!r} (use mon..sun, a range like mon-fri, or daily)")
    a, b = DAY_NAMES.index(first), DAY_NAMES.index(last)
    return frozenset((a + i) % 7 for i in range((b - a) % 7 + 1))


@lru_cache(maxsize=4096)
def parse(text: str) -> Window:
    """Parse a window expression; raises BadWindow naming the term that is wrong."""
    if not isinstance(text, str) or not text.strip():
        raise BadWindow("empty window expression")
    terms = []
    for raw in text.split(","):
        term = " ".join(raw.strip().lower().split())
        match = _TERM.match(term)
        if not match:
            raise BadWindow(f"{raw.strip()!r}: expected 'DAYS HH:MM-HH:MM', for example 'mon-fri 08:00-17:00'")
        terms.append(
            Term(
                days=_days(match["days"], term),
                start=_minutes(match["start"], is_end=False, term=term),
                end=_minutes(match["end"], is_end=True, term=term),
            )
        )
    return Window(text=text, terms=tuple(terms))


def is_valid(text: str) -> bool:
    try:
        parse(text)
    except BadWindow:
        return False
    return True


def _term_interval(term: Term, day: date, tz: str) -> tuple[datetime, datetime]:
    start = resolve(datetime.combine(day, time()) + timedelta(minutes=term.start), tz)
    end_day = day + timedelta(days=1) if term.overnight else day
    end = resolve(datetime.combine(end_day, time()) + timedelta(minutes=term.end), tz)
    return start, end


def contains(window: Window | str, tz: str, at: datetime) -> bool:
    """Whether the instant ``at`` lies inside the window read in ``tz``."""
    if isinstance(window, str):
        window = parse(window)
    today = to_local(at, tz).date()
    for day in (today - timedelta(days=1), today):
        weekday = day.weekday()
        for term in window.terms:
            if weekday in term.days:
                start, end = _term_interval(term, day, tz)
                if start <= at < end:
                    return True
    return False


def intervals(window: Window | str, tz: str, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The window's instants within [start, end), as sorted, merged, clipped intervals."""
    if isinstance(window, str):
        window = parse(window)
    if end <= start:
        return []
    first = to_local(start, tz).date() - timedelta(days=1)
    last = to_local(end, tz).date()
    raw: list[tuple[datetime, datetime]] = []
    day = first
    while day <= last:
        weekday = day.weekday()
        for term in window.terms:
            if weekday in term.days:
                a, b = _term_interval(term, day, tz)
                a, b = max(a, start), min(b, end)
                if a < b:
                    raw.append((a, b))
        day += timedelta(days=1)
    return merge(raw)


def merge(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Sort and merge overlapping or touching half-open intervals."""
    out: list[tuple[datetime, datetime]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def subtract(spans: list[tuple[datetime, datetime]], holes: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """``spans`` minus ``holes``; both sorted and merged."""
    out: list[tuple[datetime, datetime]] = []
    for a, b in spans:
        cursor = a
        for h0, h1 in holes:
            if h1 <= cursor or h0 >= b:
                continue
            if h0 > cursor:
                out.append((cursor, h0))
            cursor = max(cursor, h1)
            if cursor >= b:
                break
        if cursor < b:
            out.append((cursor, b))
    return out
