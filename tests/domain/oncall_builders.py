"""Small builders for on-call tests: the Northwind environment by hand, and a fake calendar."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

from dispatch_app.domain.localtime import resolve
from dispatch_app.domain.model import (
    CalendarShift,
    Environment,
    Length,
    Msp,
    Override,
    Rotation,
    Technician,
    Unavailability,
)

UTC = timezone.utc
CHICAGO = "America/Chicago"


def utc(text: str) -> datetime:
    """``2026-11-28T05:00`` (UTC) as an aware instant."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def local(text: str, tz: str = CHICAGO) -> datetime:
    """A wall-clock time resolved in ``tz`` with the DOMAIN.md DST rules."""
    return resolve(datetime.fromisoformat(text), tz)


def tech(tech_id: str, name: str | None = None, level: int = 2, unavailable=()) -> Technician:
    return Technician(
        id=tech_id,
        name=name or tech_id.title(),
        level=level,
        email=f"{tech_id}@northwind.example",
        unavailable=tuple(Unavailability(a, b) for a, b in unavailable),
    )


NORTHWIND_TECHS = (
    tech("jordan", "Jordan Price", 1),
    tech("alex", "Alex Kim", 2),
    tech("sam", "Sam Ortiz", 2),
    tech("dana", "Dana Reyes", 3, [(local("2026-12-20T00:00"), local("2026-12-28T00:00"))]),
    tech("lee", "Lee Chen", 3, [(local("2026-12-24T18:00"), local("2026-12-26T08:00"))]),
    tech("morgan", "Morgan Blake", 2),
)

NIGHT_REMOTE = Rotation(
    id="night-remote",
    name="Night remote on-call",
    level=2,
    timezone=CHICAGO,
    start=datetime(2026, 11, 2, 8, 0),
    length=Length(1, "w"),
    active="daily 00:00-08:00, mon-fri 17:00-24:00, sat-sun 08:00-24:00",
    members=("alex", "sam", "lee"),
)

NIGHT_SWAP = Override(
    rotation="night-remote",
    tech="sam",
    start=local("2026-11-27T17:00"),
    end=local("2026-11-28T08:00"),
    reason="swap with alex",
)


def northwind(rotations=(NIGHT_REMOTE,), overrides=(NIGHT_SWAP,), technicians=NORTHWIND_TECHS) -> Environment:
    return Environment(
        msp=Msp(name="Northwind IT", timezone=CHICAGO),
        technicians=tuple(technicians),
        rotations=tuple(rotations),
        overrides=tuple(overrides),
    )


def rotation(
    rotation_id: str = "r",
    *,
    start: str = "2026-03-02T08:00",
    length: str = "1w",
    members=("alex", "sam", "lee"),
    tz: str = CHICAGO,
    active: str | None = None,
    level: int = 2,
    calendar=None,
) -> Rotation:
    return Rotation(
        id=rotation_id,
        name=rotation_id,
        level=level,
        timezone=tz,
        start=None if calendar is not None else datetime.fromisoformat(start),
        length=None if calendar is not None else Length(int(length[:-1]), length[-1]),
        active=active,
        members=() if calendar is not None else tuple(members),
        calendar=calendar,
    )


@dataclass
class FakeCalendar:
    """A CalendarSchedule over a fixed list of shifts (kept in the given order for ties)."""

    shifts: list[CalendarShift] = field(default_factory=list)
    source: str = "fake.ics"
    content: str = ""

    def shifts_between(self, start: datetime, end: datetime) -> list[CalendarShift]:
        found = [s for s in self.shifts if s.start < end and s.end > start]
        return sorted(found, key=lambda s: s.start)  # stable: list order breaks ties


__all__ = [
    "CHICAGO", "FakeCalendar", "NIGHT_REMOTE", "NIGHT_SWAP", "NORTHWIND_TECHS", "UTC",
    "local", "northwind", "replace", "rotation", "tech", "utc",
]
