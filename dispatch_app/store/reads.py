"""Quick reads on SQLAlchemy Core: the environment as domain values, and the queue.

What a dispatcher asks from a terminal (``triage``, ``oncall``, ``calls``) is answered by these
functions on a plain Core :class:`~sqlalchemy.engine.Connection` (``Database.reading``), so that
such a command loads neither the ORM nor the mapped tables of :mod:`.tables`. They name only the
tables and columns a question needs, as lightweight ``table()`` clauses with the column types
that shape the values read (instants, JSON, booleans); ``tests/store/test_reads.py`` holds each
of them to the real table of :mod:`.tables`, which stays the one declaration of the schema.

The ORM side reads the environment through the same functions (``environment_rows`` passes its
session's connection), so there is one loader.

Loading runs one query per table (no query per client or per system), so one client with the
whole staff loads in milliseconds and the largest MSPs in well under two seconds.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import JSON, Boolean, Connection, Integer, String, Text, column, select, table

from dispatch_app.domain.model import (
    Agreement,
    CalendarSchedule,
    CalendarShift,
    Client,
    Contact,
    EmergencyRule,
    Environment,
    Expert,
    Length,
    Msp,
    Override,
    Rotation,
    Runbook,
    System,
    Technician,
    Unavailability,
    Vendor,
)
from dispatch_app.domain.timeline import OPEN_STATUSES
from dispatch_app.errors import NotFound
from dispatch_app.store.types import UTCDateTime

CalendarFactory = Callable[[str, str, Sequence[Technician], str], CalendarSchedule]
"""Rebuilds an iCalendar rotation from ``(source, content, technicians, timezone)``."""


def _table(name: str, *columns: tuple[str, Any]):
    return table(name, *(column(key, kind) for key, kind in columns))


_INSTANT = UTCDateTime()

MSP = _table("msp", ("name", String()), ("timezone", String()), ("holidays", JSON()))
TECHNICIANS = _table(
    "technicians", ("id", String()), ("name", String()), ("level", Integer()), ("phones", JSON()),
    ("email", String()), ("roles", JSON()), ("active", Boolean()), ("position", Integer()),
)
LEAVE = _table(
    "technician_unavailability", ("pk", Integer()), ("technician_id", String()), ("starts_at", _INSTANT),
    ("ends_at", _INSTANT), ("reason", String()), ("position", Integer()),
)
ROTATIONS = _table(
    "rotations", ("id", String()), ("name", String()), ("level", Integer()), ("timezone", String()),
    ("start_local", String()), ("length", String()), ("active", String()), ("members", JSON()),
    ("ical_source", String()), ("ical_content", Text()), ("position", Integer()),
)
OVERRIDES = _table(
    "overrides", ("pk", Integer()), ("position", Integer()), ("rotation_id", String()), ("tech_id", String()),
    ("starts_at", _INSTANT), ("ends_at", _INSTANT), ("reason", String()),
)
CLIENTS = _table(
    "clients", ("id", String()), ("name", String()), ("industry", String()), ("timezone", String()),
    ("phones", JSON()), ("holidays", JSON()), ("agreement", JSON()), ("position", Integer()),
)
CONTACTS = _table(
    "contacts", ("pk", Integer()), ("client_id", String()), ("position", Integer()), ("name", String()),
    ("phone", String()), ("email", String()), ("role", String()), ("may_authorize", Boolean()),
)
SYSTEMS = _table(
    "systems", ("pk", Integer()), ("client_id", String()), ("id", String()), ("name", String()),
    ("criticality", String()), ("fix_level", Integer()), ("depends_on", JSON()), ("vendor", JSON()),
    ("notes", Text()), ("position", Integer()),
)
EXPERTS = _table(
    "experts", ("pk", Integer()), ("system_pk", Integer()), ("tech_id", String()), ("role", String()),
    ("position", Integer()),
)
RUNBOOKS = _table(
    "runbooks", ("pk", Integer()), ("client_id", String()), ("system_pk", Integer()), ("id", String()),
    ("title", String()), ("level", Integer()), ("body", Text()), ("review_days", Integer()),
    ("position", Integer()),
)
CALLS = _table(
    "calls", ("id", Integer()), ("client_id", String()), ("system_id", String()), ("summary", Text()),
    ("priority", String()), ("status", String()), ("received_at", _INSTANT), ("response_due", _INSTANT),
    ("unmatched", Boolean()),
)

TABLES = (MSP, TECHNICIANS, LEAVE, ROTATIONS, OVERRIDES, CLIENTS, CONTACTS, SYSTEMS, EXPERTS, RUNBOOKS, CALLS)
"""Every table this module reads (for the test that holds them to :mod:`.tables`)."""


@dataclass(frozen=True)
class StoredCalendar:
    """An iCalendar rotation's stored text, not expanded.

    What :func:`load_environment` gives without a ``calendar_factory`` (the store cannot
    read iCalendar; the services pass the bundle's reader). Asking it for shifts is a bug.
    """

    source: str
    content: str

    def shifts_between(self, start: datetime, end: datetime) -> Sequence[CalendarShift]:
        raise RuntimeError(f"calendar {self.source!r} was loaded without a calendar_factory")


# ==================================================================== the environment


def load_environment(
    connection: Connection,
    *,
    clients: Sequence[str] | None = None,
    calendar_factory: CalendarFactory | None = None,
) -> Environment:
    """The environment with every technician, rotation and override, and the named clients.

    ``clients`` None loads all of them; ids that name no client are skipped. Raises
    :class:`NotFound` when nothing was ever imported.
    """
    msp = load_msp(connection)
    if msp is None:
        raise NotFound("the database holds no environment yet: import a bundle first")
    technicians = load_technicians(connection)
    return Environment(
        msp=msp,
        technicians=technicians,
        rotations=load_rotations(connection, technicians, calendar_factory),
        overrides=load_overrides(connection),
        clients=load_clients(connection, clients),
    )


_MSP = select(MSP.c["name", "timezone", "holidays"])
_LEAVE = select(LEAVE.c["technician_id", "starts_at", "ends_at", "reason"]).order_by(
    LEAVE.c.technician_id, LEAVE.c.position, LEAVE.c.pk
)
_TECHNICIANS = select(TECHNICIANS.c["id", "name", "level", "phones", "email", "roles", "active"]).order_by(
    TECHNICIANS.c.position, TECHNICIANS.c.id
)
_ROTATIONS = select(ROTATIONS.c[
    "id", "name", "level", "timezone", "start_local", "length", "active", "members", "ical_source", "ical_content"
]).order_by(ROTATIONS.c.position, ROTATIONS.c.id)
_OVERRIDES = select(OVERRIDES.c["rotation_id", "tech_id", "starts_at", "ends_at", "reason"]).order_by(
    OVERRIDES.c.position, OVERRIDES.c.pk
)


def load_msp(connection: Connection) -> Msp | None:
    """The MSP, or None before the first import."""
    row = connection.execute(_MSP).first()
    if row is None:
        return None
    return Msp(name=row.name, timezone=row.timezone, holidays=dates(row.holidays))


def load_technicians(connection: Connection, only: str | None = None) -> tuple[Technician, ...]:
    """Every technician with their leave, in listed order (``only``: that one, if it exists)."""
    leave_query, tech_query = _LEAVE, _TECHNICIANS
    if only is not None:
        leave_query = leave_query.where(LEAVE.c.technician_id == only)
        tech_query = tech_query.where(TECHNICIANS.c.id == only)
    leave: dict[str, list[Unavailability]] = defaultdict(list)
    for tech_id, start, end, reason in connection.execute(leave_query):
        leave[tech_id].append(Unavailability(start, end, reason))
    return tuple(
        Technician(id, name, level, tuple(phones), email, tuple(roles), tuple(leave.get(id, ())), bool(active))
        for id, name, level, phones, email, roles, active in connection.execute(tech_query)
    )


def load_rotations(
    connection: Connection, technicians: Sequence[Technician], calendar_factory: CalendarFactory | None
) -> tuple[Rotation, ...]:
    rotations = []
    for row in connection.execute(_ROTATIONS):
        calendar: CalendarSchedule | None = None
        if row.ical_source is not None:
            content = row.ical_content or ""
            calendar = (
                calendar_factory(row.ical_source, content, technicians, row.timezone)
                if calendar_factory is not None
                else StoredCalendar(row.ical_source, content)
            )
        rotations.append(Rotation(
            id=row.id, name=row.name, level=row.level, timezone=row.timezone,
            start=datetime.fromisoformat(row.start_local) if row.start_local else None,
            length=length(row.length) if row.length else None,
            active=row.active, members=tuple(row.members), calendar=calendar,
        ))
    return tuple(rotations)


def load_overrides(connection: Connection) -> tuple[Override, ...]:
    return tuple(
        Override(rotation, tech, start, end, reason)
        for rotation, tech, start, end, reason in connection.execute(_OVERRIDES)
    )


def load_clients(connection: Connection, only: Sequence[str] | None) -> tuple[Client, ...]:
    """The named clients (None: all) with their contacts, systems, experts and runbooks."""
    ids = None if only is None else list(dict.fromkeys(only))
    if ids == []:
        return ()

    def of_clients(query, key):
        return query if ids is None else query.where(key.in_(ids))

    contacts: dict[str, list[Contact]] = defaultdict(list)
    for r in connection.execute(of_clients(
        select(CONTACTS.c["client_id", "name", "phone", "email", "role", "may_authorize"])
        .order_by(CONTACTS.c.client_id, CONTACTS.c.position, CONTACTS.c.pk),
        CONTACTS.c.client_id,
    )):
        contacts[r.client_id].append(
            Contact(name=r.name, phone=r.phone, email=r.email, role=r.role, may_authorize=bool(r.may_authorize))
        )

    experts: dict[int, list[Expert]] = defaultdict(list)
    expert_query = select(EXPERTS.c["system_pk", "tech_id", "role"]).order_by(
        EXPERTS.c.system_pk, EXPERTS.c.position, EXPERTS.c.pk
    )
    if ids is not None:
        expert_query = expert_query.join(SYSTEMS, SYSTEMS.c.pk == EXPERTS.c.system_pk).where(
            SYSTEMS.c.client_id.in_(ids)
        )
    for r in connection.execute(expert_query):
        experts[r.system_pk].append(Expert(tech=r.tech_id, role=r.role))

    system_runbooks: dict[int, list[Runbook]] = defaultdict(list)
    client_runbooks: dict[str, list[Runbook]] = defaultdict(list)
    for r in connection.execute(of_clients(
        select(RUNBOOKS.c["client_id", "system_pk", "id", "title", "level", "body", "review_days"])
        .order_by(RUNBOOKS.c.position, RUNBOOKS.c.pk),
        RUNBOOKS.c.client_id,
    )):
        runbook = Runbook(id=r.id, title=r.title, level=r.level, body=r.body, review_days=r.review_days)
        if r.system_pk is None:
            client_runbooks[r.client_id].append(runbook)
        else:
            system_runbooks[r.system_pk].append(runbook)

    systems: dict[str, list[System]] = defaultdict(list)
    for r in connection.execute(of_clients(
        select(SYSTEMS.c["pk", "client_id", "id", "name", "criticality", "fix_level", "depends_on", "vendor",
                         "notes"])
        .order_by(SYSTEMS.c.client_id, SYSTEMS.c.position, SYSTEMS.c.pk),
        SYSTEMS.c.client_id,
    )):
        systems[r.client_id].append(System(
            id=r.id, name=r.name, criticality=r.criticality, fix_level=r.fix_level,
            depends_on=tuple(r.depends_on), experts=tuple(experts.get(r.pk, ())),
            vendor=Vendor(**r.vendor) if r.vendor is not None else None, notes=r.notes,
            runbooks=tuple(system_runbooks.get(r.pk, ())),
        ))

    return tuple(
        Client(
            id=r.id, name=r.name, timezone=r.timezone, industry=r.industry, phones=tuple(r.phones),
            holidays=dates(r.holidays), contacts=tuple(contacts.get(r.id, ())),
            agreement=agreement(r.agreement), systems=tuple(systems.get(r.id, ())),
            runbooks=tuple(client_runbooks.get(r.id, ())),
        )
        for r in connection.execute(of_clients(
            select(CLIENTS.c["id", "name", "timezone", "industry", "phones", "holidays", "agreement"])
            .order_by(CLIENTS.c.position, CLIENTS.c.id),
            CLIENTS.c.id,
        ))
    )


def length(text: str) -> Length:
    """A rotation's stored length (``1w``, ``2d``, ``12h``)."""
    return Length(int(text[:-1]), text[-1])


def dates(values: Sequence[str]) -> tuple[date, ...]:
    """Stored ISO dates (holidays)."""
    return tuple(date.fromisoformat(v) for v in values)


def agreement(data: Mapping[str, Any]) -> Agreement:
    """A client's agreement from its stored JSON (the bundle's spelling; absent keys: defaults)."""
    default = Agreement()
    return Agreement(
        plan=data.get("plan", default.plan),
        business_hours=data.get("business_hours", default.business_hours),
        coverage={int(level): rule for level, rule in data["coverage"].items()}
        if "coverage" in data else default.coverage,
        response_minutes=dict(data.get("response_minutes", default.response_minutes)),
        ack_minutes=dict(data.get("ack_minutes", default.ack_minutes)),
        emergency=tuple(
            EmergencyRule(**{key: tuple(values) for key, values in rule.items()})
            for rule in data.get("emergency", [])
        ) if "emergency" in data else default.emergency,
        notes=data.get("notes", default.notes),
    )


# ==================================================================== the queue


class QueuedCall(NamedTuple):
    """What the queue shows of a call."""

    id: int
    client: str | None
    system: str | None
    summary: str
    priority: str | None
    status: str
    received_at: datetime
    response_due: datetime | None
    unmatched: bool


_QUEUE = select(CALLS.c["id", "client_id", "system_id", "summary", "priority", "status", "received_at",
                        "response_due", "unmatched"]).order_by(
    CALLS.c.unmatched.desc(), CALLS.c.priority.is_(None), CALLS.c.priority,
    CALLS.c.response_due.is_(None), CALLS.c.response_due, CALLS.c.received_at, CALLS.c.id)


def queue(connection: Connection, *, open_only: bool = False, limit: int | None = None) -> list[QueuedCall]:
    """Calls most urgent first: unmatched, then priority, then response due (none last),
    then received (CLI.md)."""
    statement = _QUEUE
    if open_only:
        statement = statement.where(CALLS.c.status.in_(OPEN_STATUSES))
    if limit is not None:
        statement = statement.limit(limit)
    return [QueuedCall(id, client, system, summary, priority, status, received, due, bool(unmatched))
            for id, client, system, summary, priority, status, received, due, unmatched
            in connection.execute(statement)]
