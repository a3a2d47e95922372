"""The environment and calls as plain values.

Everything here is a frozen dataclass of plain types. Instants are timezone-aware UTC
``datetime``; local wall-clock values (a rotation's start) are naive ``datetime`` read in the
owning object's time zone. Nothing here does I/O or knows about Qt or SQL.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Protocol, Sequence

LEVELS = (1, 2, 3, 4)
TECH_LEVELS = (1, 2, 3)
PRIORITIES = ("P1", "P2", "P3", "P4")
CRITICALITIES = ("critical", "high", "normal")
IMPACTS = ("down", "degraded", "single-user", "request")
INDUSTRIES = ("manufacturing", "healthcare", "financial", "professional", "other")
EXPERT_ROLES = ("primary", "secondary")
ROLES = ("dispatcher", "lead", "manager", "admin")
VERDICTS = ("handle", "escalate", "defer")

DEFAULT_IMPACT = "degraded"
DEFAULT_BUSINESS_HOURS = "mon-fri 08:00-17:00"
DEFAULT_COVERAGE = {1: "always", 2: "business", 3: "business", 4: "business"}
DEFAULT_RESPONSE_MINUTES = {"P1": 30, "P2": 120, "P3": 480, "P4": 2880}
DEFAULT_ACK_MINUTES = {"P1": 10, "P2": 15, "P3": 30, "P4": 60}
DEFAULT_EMERGENCY: tuple["EmergencyRule", ...]  # set below, after EmergencyRule
NO_SYSTEM_REQUIRED_LEVEL = 2


# ---------------------------------------------------------------- people and schedules


@dataclass(frozen=True)
class Unavailability:
    """Leave or sickness over [start, end)."""

    start: datetime
    end: datetime
    reason: str = ""


@dataclass(frozen=True)
class Technician:
    id: str
    name: str
    level: int
    phones: tuple[str, ...] = ()
    email: str | None = None
    roles: tuple[str, ...] = ("dispatcher",)
    unavailable: tuple[Unavailability, ...] = ()
    active: bool = True

    def is_unavailable(self, at: datetime) -> bool:
        return any(u.start <= at < u.end for u in self.unavailable)


@dataclass(frozen=True)
class Length:
    """A rotation period: ``count`` of ``unit`` (``d``, ``w`` calendar; ``h`` exact)."""

    count: int
    unit: str

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"


@dataclass(frozen=True)
class CalendarShift:
    """One on-call interval read from an iCalendar file."""

    start: datetime
    end: datetime
    tech: str


class CalendarSchedule(Protocol):
    """On-call intervals of an iCalendar rotation, expanded on demand.

    Implemented outside the domain (it needs an iCalendar library); the domain only asks
    for the shifts that overlap a range.
    """

    source: str
    content: str

    def shifts_between(self, start: datetime, end: datetime) -> Sequence[CalendarShift]:
        """Shifts overlapping [start, end), in the order of their start."""
        ...


@dataclass(frozen=True)
class Rotation:
    id: str
    name: str
    level: int
    timezone: str
    start: datetime | None = None
    """Local wall-clock start (naive), read in ``timezone``. None for iCalendar rotations."""
    length: Length | None = None
    active: str | None = None
    """Window expression; outside it nobody of this rotation is on call."""
    members: tuple[str, ...] = ()
    calendar: CalendarSchedule | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Override:
    """``tech`` holds ``rotation`` over [start, end); later overrides win over earlier ones."""

    rotation: str
    tech: str
    start: datetime
    end: datetime
    reason: str = ""


# ---------------------------------------------------------------- clients


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str | None = None
    email: str | None = None
    role: str | None = None
    may_authorize: bool = False


@dataclass(frozen=True)
class EmergencyRule:
    """A client's emergency rule: matches when every present key matches (None = absent)."""

    systems: tuple[str, ...] | None = None
    criticality: tuple[str, ...] | None = None
    impact: tuple[str, ...] | None = None
    keywords: tuple[str, ...] | None = None


DEFAULT_EMERGENCY = (EmergencyRule(criticality=("critical",), impact=("down",)),)


@dataclass(frozen=True)
class Agreement:
    plan: str = ""
    business_hours: str = DEFAULT_BUSINESS_HOURS
    coverage: dict[int, str] = field(default_factory=lambda: dict(DEFAULT_COVERAGE))
    """Rule text per level 1..4: always, business, emergency, never, or a window expression."""
    response_minutes: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_RESPONSE_MINUTES))
    ack_minutes: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_ACK_MINUTES))
    emergency: tuple[EmergencyRule, ...] = DEFAULT_EMERGENCY
    notes: str = ""

    def coverage_rule(self, level: int) -> str:
        return self.coverage.get(level, DEFAULT_COVERAGE[level])

    def response_for(self, priority: str) -> int:
        return self.response_minutes.get(priority, DEFAULT_RESPONSE_MINUTES[priority])

    def ack_for(self, priority: str) -> int:
        return self.ack_minutes.get(priority, DEFAULT_ACK_MINUTES[priority])


@dataclass(frozen=True)
class Runbook:
    id: str
    title: str
    level: int
    body: str = ""
    review_days: int | None = None


@dataclass(frozen=True)
class Expert:
    tech: str
    role: str  # primary | secondary


@dataclass(frozen=True)
class Vendor:
    name: str | None = None
    phone: str | None = None
    hours: str | None = None
    contract: str | None = None


@dataclass(frozen=True)
class System:
    id: str
    name: str
    criticality: str = "normal"
    fix_level: int = 2
    depends_on: tuple[str, ...] = ()
    experts: tuple[Expert, ...] = ()
    vendor: Vendor | None = None
    notes: str = ""
    runbooks: tuple[Runbook, ...] = ()

    def experts_with_role(self, role: str) -> tuple[str, ...]:
        return tuple(e.tech for e in self.experts if e.role == role)

    def is_expert(self, tech: str) -> bool:
        return any(e.tech == tech for e in self.experts)


@dataclass(frozen=True)
class Client:
    id: str
    name: str
    timezone: str
    industry: str = "other"
    phones: tuple[str, ...] = ()
    holidays: tuple[date, ...] = ()
    contacts: tuple[Contact, ...] = ()
    agreement: Agreement = field(default_factory=Agreement)
    systems: tuple[System, ...] = ()
    runbooks: tuple[Runbook, ...] = ()

    def system(self, system_id: str | None) -> System | None:
        if system_id is None:
            return None
        for s in self.systems:
            if s.id == system_id:
                return s
        return None

    @property
    def authorizers(self) -> tuple[Contact, ...]:
        return tuple(c for c in self.contacts if c.may_authorize)


@dataclass(frozen=True)
class Msp:
    name: str
    timezone: str
    holidays: tuple[date, ...] = ()


@dataclass(frozen=True)
class Environment:
    """A snapshot of everything triage needs. ``clients`` may hold only the clients asked for."""

    msp: Msp
    technicians: tuple[Technician, ...] = ()
    rotations: tuple[Rotation, ...] = ()
    overrides: tuple[Override, ...] = ()
    clients: tuple[Client, ...] = ()

    @cached_property
    def _technicians_by_id(self) -> dict[str, Technician]:
        return {t.id: t for t in self.technicians}

    @cached_property
    def _clients_by_id(self) -> dict[str, Client]:
        return {c.id: c for c in self.clients}

    def technician(self, tech_id: str) -> Technician | None:
        return self._technicians_by_id.get(tech_id)

    def client(self, client_id: str) -> Client | None:
        return self._clients_by_id.get(client_id)

    def overrides_for(self, rotation_id: str) -> tuple[Override, ...]:
        """Overrides of one rotation in listed order (the last listed wins)."""
        return tuple(o for o in self.overrides if o.rotation == rotation_id)


# ---------------------------------------------------------------- calls and triage


@dataclass(frozen=True)
class CallFacts:
    """What triage needs to know about a call, recorded or not."""

    client: str
    system: str | None = None
    impact: str = DEFAULT_IMPACT
    summary: str = ""
    priority_override: str | None = None


@dataclass(frozen=True)
class Dispatcher:
    """Who is looking at the call. The anonymous dispatcher is level 1 and nobody's expert."""

    tech: str | None = None
    level: int = 1

    @classmethod
    def anonymous(cls) -> "Dispatcher":
        return cls()


@dataclass(frozen=True)
class FirstStep:
    runbook: str
    title: str
    level: int


@dataclass(frozen=True)
class WakeEntry:
    tech: str
    name: str
    phones: tuple[str, ...]
    on_call: bool
    why: tuple[str, ...]
    ack_minutes: int


@dataclass(frozen=True)
class Authorizer:
    name: str
    phone: str | None
    email: str | None


@dataclass(frozen=True)
class Triage:
    call: int | None
    client: str
    system: str | None
    at: datetime
    priority: str
    emergency: bool
    required_level: int
    verdict: str
    first_steps: tuple[FirstStep, ...]
    wake: tuple[WakeEntry, ...]
    knowledge_gap: bool
    next_covered: datetime | None
    authorizers: tuple[Authorizer, ...]
    response_due: datetime | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class OnCall:
    """Who holds a rotation at an instant, and by what (schedule, override, ical)."""

    rotation: str
    level: int
    tech: str | None
    source: str | None
    available: bool | None


@dataclass(frozen=True)
class Gap:
    client: str
    system: str
    start: datetime
    end: datetime
    reason: str  # "nobody eligible" | "no expert available"


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)
