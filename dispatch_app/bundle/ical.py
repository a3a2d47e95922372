"""iCalendar rotations: on-call shifts read from an .ics file (DOMAIN.md "On call").

Each VEVENT occurrence is an on-call interval (RRULE/RDATE recurrences, EXDATE, moved or
changed occurrences by RECURRENCE-ID, VTIMEZONE/TZID and X-WR-TIMEZONE honoured, through
``recurring_ical_events``). Choices where the spec is silent:

- Floating times (no TZID, no ``Z``) are read in the rotation's time zone with the DST rules
  of ``localtime.resolve``. All-day events cover their local days in that same time zone
  (midnight to midnight, as resolved there).
- Events with ``STATUS:CANCELLED`` hold nothing and are not checked for a technician.
- Zero-length events hold nothing.
- Overlapping events: ``shifts_between`` returns shifts sorted by start, then by the order of
  their component in the file, so "the one that started last holds" breaks ties in favour of
  the event written later.

The technician of each event is found once per component at construction (first ATTENDEE
whose mailto address matches a technician's e-mail, else the one technician whose id or name
appears in SUMMARY as whole words); every component is checked and every problem reported.
Recurrences are unbounded, so shifts are expanded lazily per UTC calendar month and kept in a
small cache; a month's expansion never depends on the query, so the cache never changes an
answer.
"""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterable, Sequence

import icalendar
import recurring_ical_events

from dispatch_app.domain.localtime import resolve
from dispatch_app.domain.model import CalendarShift, Technician

UTC = timezone.utc
_TECH_PROPERTY = "X-DISPATCH-TECH"
_INDEX_PROPERTY = "X-DISPATCH-INDEX"
_MONTHS_CACHED = 48
_MARGIN = timedelta(days=2)  # wider than any UTC offset: floating and all-day events are found


class IcalError(ValueError):
    """An iCalendar file that cannot be used; ``problems`` lists each one, naming the event."""

    def __init__(self, problems: Sequence[str], source: str | None = None):
        self.problems = list(problems)
        self.source = source
        prefix = f"{source}: " if source else ""
        super().__init__("; ".join(prefix + p for p in self.problems))


@dataclass(frozen=True)
class _Matcher:
    """Finds technicians by attendee e-mail and by whole words of a summary."""

    by_email: dict[str, str]
    patterns: tuple[tuple[str, re.Pattern[str]], ...]

    @classmethod
    def of(cls, technicians: Iterable[Technician]) -> "_Matcher":
        by_email: dict[str, str] = {}
        patterns = []
        for tech in technicians:
            if tech.email:
                by_email.setdefault(tech.email.strip().lower(), tech.id)
            for word in {tech.id, tech.name}:
                if word and word.strip():
                    body = r"\s+".join(re.escape(part) for part in word.split())
                    patterns.append((tech.id, re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)))
        return cls(by_email, tuple(patterns))

    def by_attendee(self, component) -> str | None:
        attendees = component.get("ATTENDEE")
        if attendees is None:
            return None
        if not isinstance(attendees, list):
            attendees = [attendees]
        for attendee in attendees:
            address = str(attendee).strip()
            if address.lower().startswith("mailto:"):
                address = address[len("mailto:"):]
            tech = self.by_email.get(address.strip().lower())
            if tech is not None:
                return tech
        return None

    def in_summary(self, summary: str) -> list[str]:
        found: list[str] = []
        for tech, pattern in self.patterns:
            if tech not in found and pattern.search(summary):
                found.append(tech)
        return found


def _unreadable(content: str) -> str:
    """Which line of ``content`` is not an iCalendar content line, without quoting it."""
    from icalendar.parser import Contentline

    logical, start = "", 0
    lines = content.splitlines()
    for number, line in enumerate([*lines, ""], start=1):
        if line[:1] in (" ", "\t") and logical:
            logical += line[1:]  # a folded line continues the one before
            continue
        if logical:
            try:
                Contentline(logical).parts()
            except Exception:
                return f"not a readable iCalendar file: line {start} is not an iCalendar content line"
        logical, start = line, number
    return "not a readable iCalendar file"


def _cannot_expand(error: Exception) -> str:
    return ("cannot expand the events: a recurrence rule or a date cannot be read "
            f"({type(error).__name__})")


def _describe(component) -> str:
    summary = str(component.get("SUMMARY", "")).strip()
    label = f"event {summary!r}" if summary else "event (no summary)"
    try:
        start = component.get("DTSTART")
        value = start.dt if start is not None else None
    except Exception:  # a broken DTSTART: icalendar raises on access
        value = None
    if isinstance(value, datetime):
        return f"{label} on {value.strftime('%Y-%m-%d %H:%M')}"
    if isinstance(value, date):
        return f"{label} on {value.isoformat()}"
    return label


def _is_cancelled(component) -> bool:
    return str(component.get("STATUS", "")).strip().upper() == "CANCELLED"


def _ends_before_start(component) -> bool:
    end = component.get("DTEND")
    if end is None:
        return False
    try:
        return end.dt < component["DTSTART"].dt
    except TypeError:  # a date against a datetime, or floating against zoned: let expansion decide
        return False


def _instant(value: date | datetime, tz: str) -> datetime:
    """An event time as UTC: aware as given, floating and all-day read in ``tz``."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return resolve(value, tz)
        return value.astimezone(UTC)
    return resolve(datetime.combine(value, time()), tz)


def _month_start(year: int, month: int) -> datetime:
    return datetime(year, month, 1, tzinfo=UTC)


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


class IcalSchedule:
    """A ``CalendarSchedule`` read from iCalendar text (see the module docstring)."""

    def __init__(self, source: str, content: str, calendar, timezone_name: str):
        self.source = source
        self.content = content
        self.timezone = timezone_name
        self._query = recurring_ical_events.of(calendar)
        self._months: OrderedDict[tuple[int, int], tuple[tuple[int, CalendarShift], ...]] = OrderedDict()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"IcalSchedule(source={self.source!r}, timezone={self.timezone!r})"

    @classmethod
    def from_text(
        cls,
        source: str,
        content: str,
        technicians: Iterable[Technician],
        timezone: str | None = None,
    ) -> "IcalSchedule":
        """Parse and check ``content``; raise IcalError listing every problem found.

        ``timezone`` (the rotation's, default UTC) reads floating times and all-day events.
        """
        tz = timezone or "UTC"
        if not content or not content.strip():
            raise IcalError(["the iCalendar file is empty"], source)
        try:
            calendar = icalendar.Calendar.from_ical(content)
        except Exception:  # its message quotes the line: never echo a file's text (BUNDLE.md ical paths)
            raise IcalError([_unreadable(content)], source) from None
        if getattr(calendar, "name", None) != "VCALENDAR":
            raise IcalError(["not an iCalendar file: expected BEGIN:VCALENDAR"], source)

        matcher = _Matcher.of(technicians)
        problems: list[str] = []
        for component in calendar.walk():
            if component.name == "VEVENT":
                continue
            for prop, _message in getattr(component, "errors", ()):
                problems.append(f"{component.name}: {prop}: its value cannot be read")
        for index, component in enumerate(calendar.walk("VEVENT")):
            label = _describe(component)
            errors = list(getattr(component, "errors", ()))
            for prop, _message in errors:  # the library's message quotes the value
                problems.append(f"{label}: {prop}: its value cannot be read")
            if errors:
                continue
            if component.get("DTSTART") is None:
                problems.append(f"{label}: has no start (DTSTART)")
                continue
            if _ends_before_start(component):
                problems.append(f"{label}: ends before it starts")
                continue
            component[_INDEX_PROPERTY] = str(index)
            if _is_cancelled(component):
                continue
            tech = matcher.by_attendee(component)
            if tech is None:
                named = matcher.in_summary(str(component.get("SUMMARY", "")))
                if not named:
                    problems.append(f"{label}: names no technician (no attendee e-mail or name in the summary matches)")
                    continue
                if len(named) > 1:
                    problems.append(f"{label}: names several technicians ({', '.join(named)})")
                    continue
                tech = named[0]
            component[_TECH_PROPERTY] = tech
        if problems:
            raise IcalError(problems, source)
        try:
            schedule = cls(source, content, calendar, tz)
            schedule._first_shifts(calendar)
        except IcalError:
            raise
        except Exception as error:
            raise IcalError([_cannot_expand(error)], source) from None
        return schedule

    def _first_shifts(self, calendar) -> None:
        """Expand the first year after the earliest event so bad recurrences fail at import."""
        starts = []
        for component in calendar.walk("VEVENT"):
            starts.append(_instant(component["DTSTART"].dt, self.timezone))
        if starts:
            first = min(starts)
            self.shifts_between(first, first + timedelta(days=400))

    # ------------------------------------------------------------ queries

    def shifts_between(self, start: datetime, end: datetime) -> list[CalendarShift]:
        """Shifts overlapping [start, end), sorted by start (then by order in the file)."""
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        if end <= start:
            return []
        seen: dict[tuple, tuple[int, CalendarShift]] = {}
        year, month = start.year, start.month
        while _month_start(year, month) < end:
            for order, shift in self._month(year, month):
                if shift.start < end and shift.end > start:
                    seen.setdefault((shift.start, shift.end, shift.tech, order), (order, shift))
            year, month = _next_month(year, month)
        ranked = sorted(seen.values(), key=lambda item: (item[1].start, item[0], item[1].end))
        return [shift for _, shift in ranked]

    def _month(self, year: int, month: int) -> tuple[tuple[int, CalendarShift], ...]:
        key = (year, month)
        with self._lock:  # the expansion library is not known to be thread-safe: one at a time
            cached = self._months.get(key)
            if cached is not None:
                self._months.move_to_end(key)
                return cached
            shifts = self._expand(_month_start(year, month), _month_start(*_next_month(year, month)))
            self._months[key] = shifts
            while len(self._months) > _MONTHS_CACHED:
                self._months.popitem(last=False)
            return shifts

    def _expand(self, start: datetime, end: datetime) -> tuple[tuple[int, CalendarShift], ...]:
        """Occurrences overlapping [start, end), each with its component's file order.

        The library is asked for a wider naive range (floating and all-day events compare
        with it in their own terms), then every occurrence is converted here and clipped
        exactly.
        """
        low = (start - _MARGIN).replace(tzinfo=None)
        high = (end + _MARGIN).replace(tzinfo=None)
        try:
            occurrences = self._query.between(low, high)
        except Exception as error:
            raise IcalError([_cannot_expand(error)], self.source) from None
        out = []
        for occurrence in occurrences:
            if _is_cancelled(occurrence) or _TECH_PROPERTY not in occurrence:
                continue
            first = _instant(occurrence["DTSTART"].dt, self.timezone)
            if occurrence.get("DTEND") is not None:
                last = _instant(occurrence["DTEND"].dt, self.timezone)
            elif occurrence.get("DURATION") is not None:
                last = first + occurrence["DURATION"].dt
            elif isinstance(occurrence["DTSTART"].dt, datetime):
                last = first
            else:
                last = _instant(occurrence["DTSTART"].dt + timedelta(days=1), self.timezone)
            if first < last and first < end and last > start:
                shift = CalendarShift(start=first, end=last, tech=str(occurrence[_TECH_PROPERTY]))
                out.append((int(str(occurrence[_INDEX_PROPERTY])), shift))
        out.sort(key=lambda item: (item[1].start, item[0], item[1].end))
        return tuple(out)
