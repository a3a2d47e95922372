"""A rotation's schedule over a range, as the schedule view draws it (issue 7, "Schedules").

For one rotation over [start, end):

- **segments**: who holds it, consecutive and covering the whole range, each with its source
  (schedule, override, ical or None), whether the holder is available then, and which override
  holds it (its position in ``Environment.overrides``); cut only where ``oncall.holder_changes``
  says something may change, so the answer is exact and costs one ``on_call`` per edge;
- **duty**: when the rotation is meant to be held: inside its ``active`` window (the whole range
  without one), from its ``start`` on for a scheduled rotation; for an iCalendar rotation without
  an ``active`` window, during the calendar's events (the calendar says when it is on call);
- **holes**: duty minus the time an available technician holds it: ``nobody`` where nobody
  holds it, ``on leave`` where the holder is unavailable (DOMAIN.md: they stay on the schedule,
  the hole is shown, not skipped);
- **leave**: the unavailability, clipped to the range, of everyone who holds or may hold it in
  the range (members, override holders, calendar holders), in that order.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from . import windows
from .gaps import holder_segments, intersect
from .model import Environment, Override, Rotation
from .oncall import SOURCE_OVERRIDE, handoff, holder_changes, on_call

Span = tuple[datetime, datetime]

HOLE_NOBODY = "nobody"
HOLE_ON_LEAVE = "on leave"


@dataclass(frozen=True)
class Segment:
    """``tech`` holds the rotation over [start, end) by ``source``; ``override`` is the position
    in ``Environment.overrides`` of the override that holds it (None unless source is override)."""

    start: datetime
    end: datetime
    tech: str | None
    source: str | None
    available: bool | None
    override: int | None = None


@dataclass(frozen=True)
class Hole:
    """A span of duty nobody available holds: ``reason`` is ``nobody`` or ``on leave`` (then
    ``tech`` is the holder who is away)."""

    start: datetime
    end: datetime
    reason: str
    tech: str | None = None


@dataclass(frozen=True)
class LeaveSpan:
    tech: str
    start: datetime
    end: datetime
    reason: str = ""


@dataclass(frozen=True)
class RotationSchedule:
    rotation: Rotation
    start: datetime
    end: datetime
    segments: tuple[Segment, ...]
    duty: tuple[Span, ...]
    holes: tuple[Hole, ...]
    people: tuple[str, ...]
    """Who holds or may hold the rotation in the range: members first, then other holders."""
    leave: tuple[LeaveSpan, ...]


def _winning_override(overrides: list[tuple[int, Override]], at: datetime) -> int | None:
    """The position of the last listed override covering ``at`` (DOMAIN.md: it wins)."""
    for position, override in reversed(overrides):
        if override.start <= at < override.end:
            return position
    return None


def segments(env: Environment, rotation: Rotation, start: datetime, end: datetime) -> list[Segment]:
    """Who holds ``rotation`` over [start, end), consecutive, merged where nothing changes."""
    if end <= start:
        return []
    own = [(i, o) for i, o in enumerate(env.overrides) if o.rotation == rotation.id]
    cuts = [start, *holder_changes(env, rotation, start, end), end]
    out: list[Segment] = []
    for a, b in zip(cuts, cuts[1:]):
        held = on_call(env, rotation, a)
        override = _winning_override(own, a) if held.source == SOURCE_OVERRIDE else None
        last = out[-1] if out else None
        if last is not None and (last.tech, last.source, last.available, last.override) == \
                (held.tech, held.source, held.available, override):
            out[-1] = Segment(last.start, b, last.tech, last.source, last.available, last.override)
        else:
            out.append(Segment(a, b, held.tech, held.source, held.available, override))
    return out


def duty(rotation: Rotation, start: datetime, end: datetime) -> list[Span]:
    """When the rotation is meant to be held within [start, end) (see the module docstring)."""
    if end <= start:
        return []
    spans = windows.intervals(rotation.active, rotation.timezone, start, end) if rotation.active else [(start, end)]
    if rotation.calendar is not None:
        if rotation.active:
            return spans
        shifts = windows.merge([(max(s.start, start), min(s.end, end))
                                for s in rotation.calendar.shifts_between(start, end)])
        return [(a, b) for a, b in shifts if a < b]
    if rotation.start is None or rotation.length is None:
        return []
    first = handoff(rotation, 0)
    return intersect(spans, [(max(start, first), end)]) if first < end else []


def holes(found: list[Segment], duty_spans: list[Span]) -> list[Hole]:
    """Duty nobody available holds, merged where the reason and the person stay the same."""
    out: list[Hole] = []
    for segment in found:
        if segment.tech is None:
            reason, tech = HOLE_NOBODY, None
        elif segment.available is False:
            reason, tech = HOLE_ON_LEAVE, segment.tech
        else:
            continue
        for a, b in intersect([(segment.start, segment.end)], duty_spans):
            if out and out[-1].end == a and (out[-1].reason, out[-1].tech) == (reason, tech):
                out[-1] = Hole(out[-1].start, b, reason, tech)
            else:
                out.append(Hole(a, b, reason, tech))
    return out


def people(env: Environment, rotation: Rotation, start: datetime, end: datetime) -> list[str]:
    """Members, then the holders of overrides and calendar events touching the range."""
    found: dict[str, None] = dict.fromkeys(rotation.members)
    for override in env.overrides_for(rotation.id):
        if override.start < end and override.end > start:
            found.setdefault(override.tech)
    if rotation.calendar is not None:
        for shift in rotation.calendar.shifts_between(start, end):
            found.setdefault(shift.tech)
    return list(found)


def leave(env: Environment, techs: list[str], start: datetime, end: datetime) -> list[LeaveSpan]:
    out = []
    for tech_id in techs:
        tech = env.technician(tech_id)
        for away in tech.unavailable if tech is not None else ():
            a, b = max(away.start, start), min(away.end, end)
            if a < b:
                out.append(LeaveSpan(tech_id, a, b, away.reason))
    return out


def rotation_schedule(env: Environment, rotation: Rotation, start: datetime, end: datetime) -> RotationSchedule:
    found = segments(env, rotation, start, end)
    duty_spans = duty(rotation, start, end)
    who = people(env, rotation, start, end)
    return RotationSchedule(rotation, start, end, tuple(found), tuple(duty_spans), tuple(holes(found, duty_spans)),
                            tuple(who), tuple(leave(env, who, start, end)))


# ---------------------------------------------------------------- for people's own calendars


def _lookback(rotation: Rotation) -> timedelta:
    length = rotation.length
    if length is None:
        return timedelta(days=2)
    return timedelta(hours=length.count) if length.unit == "h" else \
        timedelta(days=length.count * (7 if length.unit == "w" else 1) + 1)


def holder_stretches(env: Environment, rotation: Rotation, start: datetime, end: datetime,
                     limit: timedelta = timedelta(days=366)) -> list[tuple[datetime, datetime, str]]:
    """Each stretch one technician holds ``rotation`` without a break (whatever the source or
    their leave), for every stretch that overlaps [start, end), **not clipped**: a stretch that
    began before ``start`` keeps its real start (up to ``limit`` either side), so an exported
    calendar event is the same whichever range it was exported with."""
    if end <= start:
        return []
    step = _lookback(rotation)
    low, high = start - step, end + step
    while True:
        found = holder_segments(env, rotation, low, high)
        first_open = found and found[0][2] is not None and found[0][0] == low and found[0][1] > start
        last_open = found and found[-1][2] is not None and found[-1][1] == high and found[-1][0] < end
        if not (first_open and start - low < limit) and not (last_open and high - end < limit):
            break
        if first_open and start - low < limit:
            step *= 2
            low = start - step
        if last_open and high - end < limit:
            high = end + (high - end) * 2
    return [(a, b, tech) for a, b, tech in found if tech is not None and a < end and b > start]
