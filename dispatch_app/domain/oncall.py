"""Who is on call: rotations, overrides and iCalendar rotations (DOMAIN.md "On call").

Precedence at an instant ``t`` for one rotation:

1. outside the rotation's ``active`` window nobody holds it, override holders included;
2. else the last listed override covering ``t`` (half-open [from, to)), even before ``start``;
3. else, for an iCalendar rotation, the covering shift that started last (tie: the later one
   in the calendar's order);
4. else the scheduled member ``members[k mod n]``, ``k`` whole periods since ``start``;
   nobody before ``start``.

``available`` says whether that holder is unavailable at ``t``; an unavailable holder keeps
the rotation (the hole is shown, never skipped to the next member).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from . import windows
from .localtime import resolve, to_local
from .model import Environment, OnCall, Rotation

UTC = timezone.utc
_TINY = timedelta(microseconds=1)

SOURCE_SCHEDULE = "schedule"
SOURCE_OVERRIDE = "override"
SOURCE_ICAL = "ical"


def _as_utc(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError(f"instant without time zone: {at.isoformat()}")
    return at.astimezone(UTC)


# ---------------------------------------------------------------- the schedule


def _is_calendar_length(rotation: Rotation) -> bool:
    return rotation.length is not None and rotation.length.unit in ("d", "w")


def _calendar_period_days(rotation: Rotation) -> int:
    length = rotation.length
    return length.count * (7 if length.unit == "w" else 1)


def _exact_period(rotation: Rotation) -> timedelta:
    length = rotation.length
    if length.unit != "h":
        raise ValueError(f"rotation {rotation.id!r}: unknown length unit {length.unit!r}")
    return timedelta(hours=length.count)


def _has_schedule(rotation: Rotation) -> bool:
    return (
        rotation.calendar is None
        and rotation.start is not None
        and rotation.length is not None
        and rotation.length.count > 0
        and bool(rotation.members)
    )


def _local_start(rotation: Rotation) -> datetime:
    start = rotation.start
    if start.tzinfo is not None:  # tolerate an aware start: read it as wall clock in the rotation tz
        start = to_local(start, rotation.timezone)
    return start


def handoff(rotation: Rotation, k: int) -> datetime:
    """The UTC instant at which period ``k`` (0 = ``start``) of a scheduled rotation begins.

    ``d``/``w`` lengths are calendar periods: the local wall-clock time ``start + k * period``
    resolved with the DST rules (DOMAIN.md "Time"), so the handoff keeps its local time across
    DST changes; a start inside a DST gap keeps its configured wall-clock time for every later
    boundary, each resolved on its own. ``h`` lengths are exact durations from ``resolve(start)``.
    """
    local = _local_start(rotation)
    if _is_calendar_length(rotation):
        return resolve(local + timedelta(days=k * _calendar_period_days(rotation)), rotation.timezone)
    return resolve(local, rotation.timezone) + k * _exact_period(rotation)


def period_index(rotation: Rotation, at: datetime) -> int | None:
    """Whole periods since ``start`` at ``at`` (the largest k with ``handoff(k) <= at``);
    None before ``start``. Computed arithmetically, then corrected by resolving the
    neighbouring boundaries (a fold or gap can shift the local estimate by one)."""
    at = _as_utc(at)
    tz = rotation.timezone
    local_start = _local_start(rotation)
    if _is_calendar_length(rotation):
        if at < resolve(local_start, tz):
            return None
        period = timedelta(days=_calendar_period_days(rotation))
        k = max(0, (to_local(at, tz) - local_start) // period)
        while k > 0 and handoff(rotation, k) > at:
            k -= 1
        while handoff(rotation, k + 1) <= at:
            k += 1
        return k
    origin = resolve(local_start, tz)
    if at < origin:
        return None
    return (at - origin) // _exact_period(rotation)


def scheduled_member(rotation: Rotation, at: datetime) -> str | None:
    """``members[k mod n]`` at ``at``, ignoring overrides and the active window."""
    if not _has_schedule(rotation):
        return None
    k = period_index(rotation, at)
    if k is None:
        return None
    return rotation.members[k % len(rotation.members)]


# ---------------------------------------------------------------- who holds a rotation


def _holder(env: Environment, rotation: Rotation, at: datetime) -> tuple[str | None, str | None]:
    if rotation.active and not windows.contains(rotation.active, rotation.timezone, at):
        return None, None
    for override in reversed(env.overrides_for(rotation.id)):
        if override.start <= at < override.end:
            return override.tech, SOURCE_OVERRIDE
    if rotation.calendar is not None:
        winner = None
        for shift in rotation.calendar.shifts_between(at, at + _TINY):
            # Sorted by start: a later entry started later or at the same time and wins either way.
            if shift.start <= at < shift.end:
                winner = shift
        if winner is None:
            return None, None
        return winner.tech, SOURCE_ICAL
    tech = scheduled_member(rotation, at)
    return (tech, SOURCE_SCHEDULE) if tech is not None else (None, None)


def on_call(env: Environment, rotation: Rotation, at: datetime) -> OnCall:
    """Who holds ``rotation`` at ``at`` and by what (DOMAIN.md "On call")."""
    at = _as_utc(at)
    tech, source = _holder(env, rotation, at)
    available: bool | None = None
    if tech is not None:
        person = env.technician(tech)
        available = not (person is not None and person.is_unavailable(at))
    return OnCall(rotation=rotation.id, level=rotation.level, tech=tech, source=source, available=available)


def on_call_all(env: Environment, at: datetime) -> list[OnCall]:
    """``on_call`` for every rotation, in rotation id order (CLI.md ``oncall --json``)."""
    return [on_call(env, r, at) for r in sorted(env.rotations, key=lambda r: r.id)]


# ---------------------------------------------------------------- where the holder changes


def _handoffs_between(rotation: Rotation, start: datetime, end: datetime) -> list[datetime]:
    """Scheduled handoffs in (start, end), skipping those that hand over to the same member."""
    if not _has_schedule(rotation):
        return []
    members = rotation.members
    n = len(members)
    k = period_index(rotation, start)
    k = 0 if k is None else k + 1
    out = []
    while True:
        instant = handoff(rotation, k)
        if instant >= end:
            break
        if instant > start and (k == 0 or members[k % n] != members[(k - 1) % n]):
            out.append(instant)
        k += 1
    return out


def holder_changes(env: Environment, rotation: Rotation, start: datetime, end: datetime) -> list[datetime]:
    """Sorted instants in (start, end) at which ``on_call(env, rotation, t)`` may change.

    Holds every scheduled handoff, active-window edge, override edge and calendar shift
    edge, plus the leave edges of anyone who may hold the rotation in the range (so
    ``available`` is constant between consecutive instants too). It may hold instants at
    which nothing changes; it never misses one. Cost: one resolve per handoff in range.
    """
    start, end = _as_utc(start), _as_utc(end)
    if end <= start:
        return []
    found: set[datetime] = set(_handoffs_between(rotation, start, end))
    holders: set[str] = set(rotation.members) if rotation.calendar is None else set()
    if rotation.active:
        for a, b in windows.intervals(rotation.active, rotation.timezone, start, end):
            found.update((a, b))
    for override in env.overrides_for(rotation.id):
        if override.start < end and override.end > start:
            found.update((override.start, override.end))
            holders.add(override.tech)
    if rotation.calendar is not None:
        for shift in rotation.calendar.shifts_between(start, end):
            found.update((shift.start, shift.end))
            holders.add(shift.tech)
    for tech in holders:
        person = env.technician(tech)
        if person is not None:
            for leave in person.unavailable:
                found.update((leave.start, leave.end))
    return sorted(t for t in found if start < t < end)
