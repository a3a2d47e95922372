"""What editing one record needs from the tables: its bookkeeping, its history, a runbook's review.

Records are named by ``kind`` and ``key``: technicians, rotations and clients by id; systems
and runbooks by ``client/id``; overrides (which have no id) by their row's ``pk`` as text.
The record's content is read with :func:`.environment_rows.load_environment` and written with
:func:`.environment_rows.save_environment`; this module holds the rest.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from dispatch_app.store.tables import (
    ClientRow,
    OverrideRow,
    RecordChangeRow,
    RotationRow,
    RunbookRow,
    SystemRow,
    TechnicianRow,
)

EDIT_KINDS = ("technicians", "rotations", "overrides", "clients", "systems", "runbooks")


@dataclass(frozen=True)
class Stamp:
    """A record's optimistic-concurrency bookkeeping."""

    version: int
    updated_by: str | None
    updated_at: datetime | None


@dataclass(frozen=True)
class RecordChange:
    """One row of a record's history."""

    kind: str
    key: str
    action: str
    version: int
    actor: str | None
    at: datetime
    diff: dict[str, Any]


def split_key(key: str) -> tuple[str, str]:
    client, _, record = key.partition("/")
    return client, record


def _stamp_query(kind: str, key: str):
    if kind == "technicians":
        table, where = TechnicianRow, [TechnicianRow.id == key]
    elif kind == "rotations":
        table, where = RotationRow, [RotationRow.id == key]
    elif kind == "clients":
        table, where = ClientRow, [ClientRow.id == key]
    elif kind == "systems":
        client, system = split_key(key)
        table, where = SystemRow, [SystemRow.client_id == client, SystemRow.id == system]
    elif kind == "runbooks":
        client, runbook = split_key(key)
        table, where = RunbookRow, [RunbookRow.client_id == client, RunbookRow.id == runbook]
    elif kind == "overrides":
        if not key.isdigit():
            return None
        table, where = OverrideRow, [OverrideRow.pk == int(key)]
    else:
        raise ValueError(f"unknown kind {kind!r}")
    return select(table.version, table.updated_by, table.updated_at).where(*where)


def record_stamp(session: Session, kind: str, key: str) -> Stamp | None:
    """The record's version, last editor and instant; None when no such record."""
    query = _stamp_query(kind, key)
    if query is None:
        return None
    row = session.execute(query).first()
    return Stamp(row.version, row.updated_by, row.updated_at) if row is not None else None


def override_keys(session: Session) -> list[str]:
    """The keys of the overrides in the order :func:`load_environment` lists them."""
    return [str(pk) for pk in session.execute(
        select(OverrideRow.pk).order_by(OverrideRow.position, OverrideRow.pk)).scalars()]


def runbook_review_states(session: Session) -> list[tuple[str, str, int | None, datetime | None, datetime | None]]:
    """(client, runbook id, review_days, reviewed_at, updated_at) of every runbook."""
    return [tuple(r) for r in session.execute(select(
        RunbookRow.client_id, RunbookRow.id, RunbookRow.review_days, RunbookRow.reviewed_at, RunbookRow.updated_at,
    ).order_by(RunbookRow.client_id, RunbookRow.id))]


def set_reviewed(session: Session, key: str, at: datetime) -> datetime | None:
    """Mark a runbook reviewed at ``at``; answers the previous review instant. Its version does
    not move: a review confirms the text, it does not change it."""
    client, runbook = split_key(key)
    where = (RunbookRow.client_id == client, RunbookRow.id == runbook)
    before = session.execute(select(RunbookRow.reviewed_at).where(*where)).scalar()
    session.execute(update(RunbookRow).where(*where).values(reviewed_at=at))
    return before


def append_change(session: Session, change: RecordChange) -> None:
    session.execute(insert(RecordChangeRow).values(
        kind=change.kind, key=change.key, action=change.action, version=change.version,
        actor=change.actor, at=change.at, diff=change.diff,
    ))


def history(session: Session, kind: str, key: str) -> list[RecordChange]:
    """The record's changes, oldest first."""
    rows = session.execute(select(RecordChangeRow).where(
        RecordChangeRow.kind == kind, RecordChangeRow.key == key).order_by(RecordChangeRow.pk)).scalars()
    return [RecordChange(r.kind, r.key, r.action, r.version, r.actor, r.at, dict(r.diff)) for r in rows]


def max_override_pk(session: Session) -> int:
    return session.execute(select(func.coalesce(func.max(OverrideRow.pk), 0))).scalar_one()
