"""The environment in and out of its tables, as domain values.

Loading is :mod:`.reads`' (SQLAlchemy Core, one query per table), in the session's transaction.

Saving matches records by id (systems and runbooks: by client and id; overrides, which have
no id, by rotation, technician, start and end). A record whose content is the same is left
alone (its version does not move); a changed one is updated and its version bumped; parts
without ids of their own (leave, contacts, experts) are replaced with their record.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import Row, delete, insert, select, update
from sqlalchemy.orm import Session

from dispatch_app.domain.model import (
    Agreement,
    Client,
    Contact,
    Environment,
    Expert,
    Msp,
    Override,
    Rotation,
    Runbook,
    System,
    Technician,
    Unavailability,
)
from dispatch_app.store.call_rows import tech_is_named
from dispatch_app.store.tables import (
    ClientRow,
    ContactRow,
    ExpertRow,
    MspRow,
    OverrideRow,
    RotationRow,
    RunbookRow,
    SystemRow,
    TechnicianRow,
    UnavailabilityRow,
)

from dispatch_app.store import reads
from dispatch_app.store.reads import CalendarFactory, StoredCalendar  # noqa: F401 - part of this module's API

KINDS = ("msp", "technicians", "rotations", "overrides", "clients", "systems", "runbooks")


@dataclass(frozen=True)
class KindCounts:
    added: int = 0
    updated: int = 0
    removed: int = 0
    deactivated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.deactivated)


@dataclass(frozen=True)
class SaveSummary:
    """What :func:`save_environment` did, per kind (see :data:`KINDS`)."""

    counts: Mapping[str, KindCounts]

    @property
    def changed(self) -> bool:
        return any(c.changed for c in self.counts.values())


def technician_is_referenced(session: Session, tech_id: str) -> bool:
    """Whether a record that outlives the environment (a call, its events, a shift or a
    handoff record) names the technician.

    Such a technician is marked inactive instead of deleted when a ``replace`` import no
    longer lists them.
    """
    return tech_is_named(session, tech_id)


# ==================================================================== loading
# The loader is store/reads.py's (on Core), given this session's connection.


def load_environment(
    session: Session,
    *,
    clients: Sequence[str] | None = None,
    calendar_factory: CalendarFactory | None = None,
) -> Environment:
    """The environment with every technician, rotation and override, and the named clients
    (:func:`.reads.load_environment`, in this session's transaction)."""
    return reads.load_environment(session.connection(), clients=clients, calendar_factory=calendar_factory)


def load_technician(session: Session, tech_id: str) -> Technician | None:
    """One technician with their leave, or None."""
    found = reads.load_technicians(session.connection(), tech_id)
    return found[0] if found else None


def load_msp(session: Session) -> Msp | None:
    """The MSP, or None before the first import."""
    return reads.load_msp(session.connection())


def _load_technicians(session: Session) -> tuple[Technician, ...]:
    return reads.load_technicians(session.connection())


def _load_rotations(session: Session, technicians: Sequence[Technician],
                    calendar_factory: CalendarFactory | None) -> tuple[Rotation, ...]:
    return reads.load_rotations(session.connection(), technicians, calendar_factory)


def _load_clients(session: Session, only: Sequence[str] | None) -> tuple[Client, ...]:
    return reads.load_clients(session.connection(), only)


# ==================================================================== saving


def save_environment(
    session: Session,
    env: Environment,
    *,
    replace: bool,
    actor: str | None,
    at: datetime | None = None,
) -> SaveSummary:
    """Write ``env`` into the database, in the caller's transaction.

    Records are matched by id and updated; records the environment does not list are kept,
    unless ``replace``: then they are removed, except technicians that something outside the
    environment still names (:func:`technician_is_referenced`), who are marked inactive.
    ``env`` must be valid on its own (every reference resolved), as the bundle reader gives it.
    """
    at = at or datetime.now(timezone.utc)
    saver = _Saver(session, replace=replace, stamp={"updated_at": at, "updated_by": actor})
    saver.msp(env.msp)
    saver.technicians(env.technicians)
    saver.rotations(env.rotations)
    saver.clients(env.clients)
    saver.overrides(env.overrides)
    saver.remove_unlisted()
    return SaveSummary(counts={kind: KindCounts(**saver.counts[kind]) for kind in KINDS})


@dataclass
class _Plan:
    """How listed records meet the stored ones of one kind."""

    add: list[int]  # indexes into the listed records
    change: list[int]
    same: list[int]
    unlisted: list[Hashable]  # stored keys not listed, in stored order


def _plan(stored: Mapping[Hashable, Any], listed: Sequence[tuple[Hashable, Any]]) -> _Plan:
    plan = _Plan([], [], [], [])
    keys = set()
    for index, (key, value) in enumerate(listed):
        keys.add(key)
        if key not in stored:
            plan.add.append(index)
        elif stored[key] != value:
            plan.change.append(index)
        else:
            plan.same.append(index)
    plan.unlisted = [key for key in stored if key not in keys]
    return plan


class _Saver:
    def __init__(self, session: Session, *, replace: bool, stamp: dict[str, Any]) -> None:
        self.session = session
        self.replace = replace
        self.stamp = stamp
        self.counts = {kind: dict.fromkeys(("added", "updated", "removed", "deactivated", "unchanged"), 0)
                       for kind in KINDS}
        self._technicians = _load_technicians(session)
        self._clients = _load_clients(session, None)
        self._drop_techs: list[str] = []
        self._drop_rotations: list[str] = []
        self._drop_clients: list[str] = []
        self._drop_systems: list[int] = []
        self._drop_runbooks: list[int] = []

    # ------------------------------------------------------------ helpers

    def _keys(self, *columns) -> dict[Any, Row]:
        """Stored key → (version, position, ...) of one table."""
        key, *rest = columns
        return {row[0]: row for row in self.session.execute(select(key, *rest))}

    def _count(self, kind: str, plan: _Plan) -> None:
        counts = self.counts[kind]
        counts["added"] += len(plan.add)
        counts["updated"] += len(plan.change)
        counts["unchanged"] += len(plan.same)

    def _insert(self, table, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(insert(table), [{**row, **self.stamp, "version": 1} for row in rows])

    def _update(self, table, rows: list[dict[str, Any]]) -> None:
        """Bulk UPDATE by primary key; each row carries its new version."""
        if rows:
            self.session.execute(update(table), [{**row, **self.stamp} for row in rows])

    def _move(self, table, rows: list[dict[str, Any]]) -> None:
        """Position-only changes: no version bump, no stamp."""
        if rows:
            self.session.execute(update(table), rows)

    def _positions(self, table, key_name: str, stored: Mapping[Any, Row], wanted: Mapping[Any, int]) -> None:
        self._move(table, [
            {key_name: key, "position": position}
            for key, position in wanted.items() if key in stored and stored[key].position != position
        ])

    # ------------------------------------------------------------ msp

    def msp(self, msp: Msp) -> None:
        stored = load_msp(self.session)
        values = {"id": 1, "name": msp.name, "timezone": msp.timezone, "holidays": _iso_dates(msp.holidays)}
        counts = self.counts["msp"]
        if stored is None:
            self._insert(MspRow, [values])
            counts["added"] += 1
        elif stored != msp:
            version = self.session.execute(select(MspRow.version)).scalar_one()
            self._update(MspRow, [{**values, "version": version + 1}])
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1

    # ------------------------------------------------------------ technicians

    def technicians(self, technicians: Sequence[Technician]) -> None:
        stored_rows = self._keys(TechnicianRow.id, TechnicianRow.version, TechnicianRow.position)
        stored = {t.id: t for t in self._technicians}
        listed = [(t.id, t) for t in technicians]
        plan = _plan(stored, listed)
        self._count("technicians", plan)

        def values(index: int) -> dict[str, Any]:
            t = listed[index][1]
            return {"id": t.id, "name": t.name, "level": t.level, "phones": list(t.phones), "email": t.email,
                    "roles": list(t.roles), "active": t.active, "position": index}

        self._insert(TechnicianRow, [values(i) for i in plan.add])
        self._update(TechnicianRow, [{**values(i), "version": stored_rows[listed[i][0]].version + 1}
                                     for i in plan.change])
        rewritten = [listed[i][0] for i in plan.change]
        if rewritten:
            self.session.execute(delete(UnavailabilityRow).where(UnavailabilityRow.technician_id.in_(rewritten)))
        leave = [
            {"technician_id": listed[i][0], "starts_at": u.start, "ends_at": u.end, "reason": u.reason, "position": n}
            for i in plan.add + plan.change for n, u in enumerate(listed[i][1].unavailable)
        ]
        if leave:
            self.session.execute(insert(UnavailabilityRow), leave)

        wanted = {listed[i][0]: i for i in plan.same}
        for extra, key in enumerate(plan.unlisted, start=len(listed)):
            if self.replace:
                self._drop_techs.append(key)
            else:
                wanted[key] = extra
        self._positions(TechnicianRow, "id", stored_rows, wanted)

    # ------------------------------------------------------------ rotations

    def rotations(self, rotations: Sequence[Rotation]) -> None:
        stored_rows = self._keys(RotationRow.id, RotationRow.version, RotationRow.position)
        stored = {r.id: _rotation_fingerprint(r) for r in _load_rotations(self.session, (), None)}
        listed = [(r.id, _rotation_fingerprint(r)) for r in rotations]
        plan = _plan(stored, listed)
        self._count("rotations", plan)

        def values(index: int) -> dict[str, Any]:
            r = rotations[index]
            return {
                "id": r.id, "name": r.name, "level": r.level, "timezone": r.timezone,
                "start_local": r.start.isoformat() if r.start is not None else None,
                "length": str(r.length) if r.length is not None else None,
                "active": r.active, "members": list(r.members),
                "ical_source": r.calendar.source if r.calendar is not None else None,
                "ical_content": r.calendar.content if r.calendar is not None else None,
                "position": index,
            }

        self._insert(RotationRow, [values(i) for i in plan.add])
        self._update(RotationRow, [{**values(i), "version": stored_rows[listed[i][0]].version + 1}
                                   for i in plan.change])
        wanted = {listed[i][0]: i for i in plan.same}
        for extra, key in enumerate(plan.unlisted, start=len(listed)):
            if self.replace:
                self._drop_rotations.append(key)
            else:
                wanted[key] = extra
        self._positions(RotationRow, "id", stored_rows, wanted)

    # ------------------------------------------------------------ overrides

    def overrides(self, overrides: Sequence[Override]) -> None:
        """Overrides have no id: matched by rotation, technician, start and end.

        The listed order decides (the last listed wins). Without ``replace``, stored
        overrides the bundle does not list are kept, ordered before the listed ones: what
        the bundle says now wins over what was there.
        """
        stored = self.session.execute(
            select(OverrideRow.pk, OverrideRow.rotation_id, OverrideRow.tech_id, OverrideRow.starts_at,
                   OverrideRow.ends_at, OverrideRow.reason, OverrideRow.version, OverrideRow.position)
            .order_by(OverrideRow.position, OverrideRow.pk)
        ).all()
        by_identity: dict[tuple, list[Row]] = defaultdict(list)
        for row in stored:
            by_identity[(row.rotation_id, row.tech_id, row.starts_at, row.ends_at)].append(row)
        matched: list[tuple[Override, Row | None]] = []
        for o in overrides:
            candidates = by_identity.get((o.rotation, o.tech, o.start, o.end))
            matched.append((o, candidates.pop(0) if candidates else None))
        used = {row.pk for _, row in matched if row is not None}
        unlisted = [row for row in stored if row.pk not in used]

        counts = self.counts["overrides"]
        first = 0
        if self.replace:
            if unlisted:
                self.session.execute(delete(OverrideRow).where(OverrideRow.pk.in_([r.pk for r in unlisted])))
                counts["removed"] += len(unlisted)
        else:
            self._move(OverrideRow, [{"pk": r.pk, "position": n} for n, r in enumerate(unlisted) if r.position != n])
            first = len(unlisted)

        added, changed, moved = [], [], []
        for position, (o, row) in enumerate(matched, start=first):
            values = {"rotation_id": o.rotation, "tech_id": o.tech, "starts_at": o.start, "ends_at": o.end,
                      "reason": o.reason, "position": position}
            if row is None:
                added.append(values)
            elif row.reason != o.reason:
                changed.append({**values, "pk": row.pk, "version": row.version + 1})
            else:
                counts["unchanged"] += 1
                if row.position != position:
                    moved.append({"pk": row.pk, "position": position})
        self._insert(OverrideRow, added)
        self._update(OverrideRow, changed)
        self._move(OverrideRow, moved)
        counts["added"] += len(added)
        counts["updated"] += len(changed)

    # ------------------------------------------------------------ clients, systems, runbooks

    def clients(self, clients: Sequence[Client]) -> None:
        stored_rows = self._keys(ClientRow.id, ClientRow.version, ClientRow.position)
        stored = {c.id: _client_fingerprint(c) for c in self._clients}
        listed = [(c.id, _client_fingerprint(c)) for c in clients]
        plan = _plan(stored, listed)
        self._count("clients", plan)

        def values(index: int) -> dict[str, Any]:
            c = clients[index]
            return {"id": c.id, "name": c.name, "industry": c.industry, "timezone": c.timezone,
                    "phones": list(c.phones), "holidays": _iso_dates(c.holidays),
                    "agreement": _agreement_json(c.agreement), "position": index}

        self._insert(ClientRow, [values(i) for i in plan.add])
        self._update(ClientRow, [{**values(i), "version": stored_rows[listed[i][0]].version + 1}
                                 for i in plan.change])
        rewritten = [listed[i][0] for i in plan.change]
        if rewritten:
            self.session.execute(delete(ContactRow).where(ContactRow.client_id.in_(rewritten)))
        contacts = [
            {"client_id": clients[i].id, "position": n, "name": c.name, "phone": c.phone, "email": c.email,
             "role": c.role, "may_authorize": c.may_authorize}
            for i in plan.add + plan.change for n, c in enumerate(clients[i].contacts)
        ]
        if contacts:
            self.session.execute(insert(ContactRow), contacts)

        wanted = {listed[i][0]: i for i in plan.same}
        for extra, key in enumerate(plan.unlisted, start=len(listed)):
            if self.replace:
                self._drop_clients.append(key)
            else:
                wanted[key] = extra
        self._positions(ClientRow, "id", stored_rows, wanted)

        system_pks = self._systems(clients)
        self._runbooks(clients, system_pks)

    def _systems(self, clients: Sequence[Client]) -> dict[tuple[str, str], int]:
        """Upsert the listed clients' systems and their experts; answers (client, system) → pk."""
        stored_rows = {
            (r.client_id, r.id): r for r in self.session.execute(
                select(SystemRow.client_id, SystemRow.id, SystemRow.pk, SystemRow.version, SystemRow.position)
            )
        }
        listed_clients = {c.id for c in clients}
        stored = {
            (c.id, s.id): dataclasses.replace(s, runbooks=())
            for c in self._clients if c.id in listed_clients for s in c.systems
        }
        listed: list[tuple[tuple[str, str], System]] = []
        positions: list[int] = []
        for c in clients:
            for n, s in enumerate(c.systems):
                listed.append(((c.id, s.id), dataclasses.replace(s, runbooks=())))
                positions.append(n)
        plan = _plan(stored, listed)
        self._count("systems", plan)

        def values(index: int) -> dict[str, Any]:
            (client_id, _), s = listed[index]
            return {"client_id": client_id, "id": s.id, "name": s.name, "criticality": s.criticality,
                    "fix_level": s.fix_level, "depends_on": list(s.depends_on),
                    "vendor": dataclasses.asdict(s.vendor) if s.vendor is not None else None,
                    "notes": s.notes, "position": positions[index]}

        pks = {key: row.pk for key, row in stored_rows.items()}
        if plan.add:
            inserted = self.session.execute(
                insert(SystemRow).returning(SystemRow.client_id, SystemRow.id, SystemRow.pk, sort_by_parameter_order=True),
                [{**values(i), **self.stamp, "version": 1} for i in plan.add],
            )
            for row in inserted:
                pks[(row.client_id, row.id)] = row.pk
        self._update(SystemRow, [
            {**values(i), "pk": pks[listed[i][0]], "version": stored_rows[listed[i][0]].version + 1}
            for i in plan.change
        ])
        rewritten = [pks[listed[i][0]] for i in plan.change]
        if rewritten:
            self.session.execute(delete(ExpertRow).where(ExpertRow.system_pk.in_(rewritten)))
        experts = [
            {"system_pk": pks[listed[i][0]], "tech_id": e.tech, "role": e.role, "position": n}
            for i in plan.add + plan.change for n, e in enumerate(listed[i][1].experts)
        ]
        if experts:
            self.session.execute(insert(ExpertRow), experts)

        moved = {pks[listed[i][0]]: positions[i] for i in plan.same}
        following: dict[str, int] = defaultdict(int)
        for c in clients:
            following[c.id] = len(c.systems)
        for key in plan.unlisted:
            if self.replace:
                self._drop_systems.append(pks[key])
            else:
                moved[pks[key]] = following[key[0]]
                following[key[0]] += 1
        by_pk = {row.pk: row for row in stored_rows.values()}
        self._move(SystemRow, [{"pk": pk, "position": p} for pk, p in moved.items() if by_pk[pk].position != p])
        return pks

    def _runbooks(self, clients: Sequence[Client], system_pks: Mapping[tuple[str, str], int]) -> None:
        stored_rows = {
            (r.client_id, r.id): r for r in self.session.execute(
                select(RunbookRow.client_id, RunbookRow.id, RunbookRow.pk, RunbookRow.version, RunbookRow.position)
            )
        }
        listed_clients = {c.id for c in clients}
        stored: dict[tuple[str, str], tuple[str | None, Runbook]] = {}
        for c in self._clients:
            if c.id in listed_clients:
                for s in c.systems:
                    stored.update({(c.id, r.id): (s.id, r) for r in s.runbooks})
                stored.update({(c.id, r.id): (None, r) for r in c.runbooks})
        listed: list[tuple[tuple[str, str], tuple[str | None, Runbook]]] = []
        positions: list[int] = []
        for c in clients:
            for s in c.systems:
                for n, r in enumerate(s.runbooks):
                    listed.append(((c.id, r.id), (s.id, r)))
                    positions.append(n)
            for n, r in enumerate(c.runbooks):
                listed.append(((c.id, r.id), (None, r)))
                positions.append(n)
        plan = _plan(stored, listed)
        self._count("runbooks", plan)

        def values(index: int) -> dict[str, Any]:
            (client_id, _), (system_id, r) = listed[index]
            return {"client_id": client_id, "id": r.id, "title": r.title, "level": r.level, "body": r.body,
                    "review_days": r.review_days, "position": positions[index],
                    "system_pk": system_pks[(client_id, system_id)] if system_id is not None else None}

        self._insert(RunbookRow, [values(i) for i in plan.add])
        self._update(RunbookRow, [
            {**values(i), "pk": stored_rows[listed[i][0]].pk, "version": stored_rows[listed[i][0]].version + 1}
            for i in plan.change
        ])
        moved = {stored_rows[listed[i][0]].pk: positions[i] for i in plan.same}
        following: dict[tuple[str, str | None], int] = defaultdict(int)
        for (client_id, _), (system_id, _) in listed:
            following[(client_id, system_id)] += 1
        for key in plan.unlisted:
            if self.replace:
                self._drop_runbooks.append(stored_rows[key].pk)
            else:
                parent = (key[0], stored[key][0])
                moved[stored_rows[key].pk] = following[parent]
                following[parent] += 1
        by_pk = {row.pk: row for row in stored_rows.values()}
        self._move(RunbookRow, [{"pk": pk, "position": p} for pk, p in moved.items() if by_pk[pk].position != p])

    # ------------------------------------------------------------ replace

    def remove_unlisted(self) -> None:
        """Delete what a ``replace`` left unlisted, children before what they name."""
        if not self.replace:
            return
        counts = self.counts
        if self._drop_rotations:
            self.session.execute(delete(RotationRow).where(RotationRow.id.in_(self._drop_rotations)))
            counts["rotations"]["removed"] += len(self._drop_rotations)
        if self._drop_runbooks:
            self.session.execute(delete(RunbookRow).where(RunbookRow.pk.in_(self._drop_runbooks)))
            counts["runbooks"]["removed"] += len(self._drop_runbooks)
        if self._drop_systems:
            self.session.execute(delete(SystemRow).where(SystemRow.pk.in_(self._drop_systems)))
            counts["systems"]["removed"] += len(self._drop_systems)
        if self._drop_clients:
            dropped = set(self._drop_clients)
            for c in self._clients:
                if c.id in dropped:
                    counts["systems"]["removed"] += len(c.systems)
                    counts["runbooks"]["removed"] += len(c.runbooks) + sum(len(s.runbooks) for s in c.systems)
            self.session.execute(delete(ClientRow).where(ClientRow.id.in_(self._drop_clients)))
            counts["clients"]["removed"] += len(self._drop_clients)
        if self._drop_techs:
            stored = {t.id: t for t in self._technicians}
            keep = [t for t in self._drop_techs if technician_is_referenced(self.session, t)]
            gone = [t for t in self._drop_techs if t not in keep]
            rows = self._keys(TechnicianRow.id, TechnicianRow.version)
            self._update(TechnicianRow, [
                {"id": t, "active": False, "version": rows[t].version + 1} for t in keep if stored[t].active
            ])
            counts["technicians"]["deactivated"] += sum(1 for t in keep if stored[t].active)
            counts["technicians"]["unchanged"] += sum(1 for t in keep if not stored[t].active)
            if gone:
                self.session.execute(delete(TechnicianRow).where(TechnicianRow.id.in_(gone)))
                counts["technicians"]["removed"] += len(gone)


# ==================================================================== conversions


def _rotation_fingerprint(r: Rotation) -> tuple:
    """A rotation's content, its calendar's text included (``Rotation.__eq__`` ignores it)."""
    calendar = (r.calendar.source, r.calendar.content) if r.calendar is not None else None
    return (r, calendar)


def _client_fingerprint(c: Client) -> Client:
    """A client's own content; its systems and runbooks are records of their own."""
    return dataclasses.replace(c, systems=(), runbooks=())






def _iso_dates(values: Sequence[date]) -> list[str]:
    return [d.isoformat() for d in values]


def _agreement_json(a: Agreement) -> dict[str, Any]:
    return {
        "plan": a.plan,
        "business_hours": a.business_hours,
        "coverage": {str(level): rule for level, rule in a.coverage.items()},
        "response_minutes": dict(a.response_minutes),
        "ack_minutes": dict(a.ack_minutes),
        "emergency": [
            {f.name: list(getattr(rule, f.name)) for f in dataclasses.fields(rule) if getattr(rule, f.name) is not None}
            for rule in a.emergency
        ],
        "notes": a.notes,
    }

