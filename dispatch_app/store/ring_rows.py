"""Rings in the database (migration 0009); only domain values leave this module."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from dispatch_app.domain.ringing import Ring
from dispatch_app.store.tables import CallRow, RingRow

RINGS = RingRow.__table__
CALLS = CallRow.__table__
_COLUMNS = RINGS.c["id", "at", "phone", "line", "caller_name", "external_id", "source", "client_id", "contact"]


def _ring(row, answered: bool = False) -> Ring:
    return Ring(id=row.id, at=row.at, phone=row.phone, line=row.line, caller_name=row.caller_name,
                external_id=row.external_id, source=row.source, client=row.client_id, contact=row.contact,
                answered=answered)


def _answered():
    return exists().where(CALLS.c.external_id == RINGS.c.external_id)


def insert_ring(session: Session, ring: Ring) -> tuple[Ring, bool]:
    """Store ``ring`` (its id is ignored): (the stored ring, True), or (the ring already kept
    with its external id, False): a phone system sending the same ring twice rings once."""
    existing = find_by_external_id(session, ring.external_id)
    if existing is not None:
        return existing, False
    result = session.execute(RINGS.insert().values(
        at=ring.at, phone=ring.phone, line=ring.line, caller_name=ring.caller_name, external_id=ring.external_id,
        source=ring.source, client_id=ring.client, contact=ring.contact))
    stored = load_rings(session, [int(result.inserted_primary_key[0])])
    return stored[0], True


def find_by_external_id(session: Session, external_id: str) -> Ring | None:
    row = session.execute(select(*_COLUMNS, _answered().label("answered"))
                          .where(RINGS.c.external_id == external_id)).first()
    return _ring(row, bool(row.answered)) if row is not None else None


def load_rings(session: Session, ring_ids: Sequence[int]) -> list[Ring]:
    """These rings, in id order, each saying whether a call took its external id."""
    if not ring_ids:
        return []
    rows = session.execute(select(*_COLUMNS, _answered().label("answered"))
                           .where(RINGS.c.id.in_(list(ring_ids))).order_by(RINGS.c.id))
    return [_ring(r, bool(r.answered)) for r in rows]


def rings_between(session: Session, start: datetime, end: datetime, *, missed_only: bool = False) -> list[Ring]:
    """Rings over [start, end), oldest first; with ``missed_only`` those no call took."""
    statement = select(*_COLUMNS, _answered().label("answered")).where(RINGS.c.at >= start, RINGS.c.at < end)
    if missed_only:
        statement = statement.where(~_answered())
    return [_ring(r, bool(r.answered)) for r in session.execute(statement.order_by(RINGS.c.at, RINGS.c.id))]

