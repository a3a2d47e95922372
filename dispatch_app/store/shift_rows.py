"""Shifts and their handoff chains in the database; only plain values leave this module.

Handoff records are append-only like call events: the head of a shift's chain is kept on the
shift row, locked while a record is appended.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session

from dispatch_app.domain.handoff import HandoffRecord, next_handoff_record
from dispatch_app.domain.timeline import GENESIS, shift_entry_hash
from dispatch_app.store import chains
from dispatch_app.store.tables import HandoffRecordRow, ShiftRow

SHIFTS = ShiftRow.__table__
RECORDS = HandoffRecordRow.__table__
_SHIFT_COLUMNS = SHIFTS.c["id", "dispatcher", "start", "end"]
_RECORD_COLUMNS = RECORDS.c["shift_id", "seq", "at", "actor", "kind", "data", "prev_hash", "hash"]


@dataclass(frozen=True)
class StoredShift:
    """A shift as stored: ``end`` is None while it runs."""

    id: int
    dispatcher: str
    start: datetime
    end: datetime | None


def _shift(row) -> StoredShift:
    return StoredShift(id=row.id, dispatcher=row.dispatcher, start=row.start, end=row.end)


def _record(row) -> HandoffRecord:
    return HandoffRecord(shift_id=row.shift_id, seq=row.seq, at=row.at, actor=row.actor, kind=row.kind,
                         data=dict(row.data), prev_hash=row.prev_hash, hash=row.hash)


def _rows(session: Session, statement):
    return session.connection().execute(statement)


def insert_shift(session: Session, dispatcher: str, start: datetime) -> StoredShift:
    shift_id = _rows(session, insert(SHIFTS).values(dispatcher=dispatcher, start=start, end=None, head_hash=GENESIS,
                                                    record_count=0, version=1)).inserted_primary_key[0]
    [(position, link)] = chains.append_links(session, [(shift_entry_hash(shift_id, dispatcher, start), None)])
    _rows(session, update(SHIFTS).where(SHIFTS.c.id == shift_id).values(chain_seq=position, chain_hash=link))
    return StoredShift(shift_id, dispatcher, start, None)


def load_shift(session: Session, shift_id: int, *, lock: bool = False) -> StoredShift | None:
    statement = select(*_SHIFT_COLUMNS).where(SHIFTS.c.id == shift_id)
    if lock:
        statement = statement.with_for_update()
    row = _rows(session, statement).first()
    return _shift(row) if row is not None else None


def running_shift(session: Session, dispatcher: str) -> StoredShift | None:
    """The dispatcher's shift that has not ended, if any."""
    row = _rows(session, select(*_SHIFT_COLUMNS).where(SHIFTS.c.dispatcher == dispatcher, SHIFTS.c.end.is_(None))
                .order_by(SHIFTS.c.start.desc())).first()
    return _shift(row) if row is not None else None


def end_shift(session: Session, shift_id: int, end: datetime) -> None:
    _rows(session, update(SHIFTS).where(SHIFTS.c.id == shift_id).values(end=end, version=SHIFTS.c.version + 1))


def list_shifts(session: Session, *, start: datetime | None = None, end: datetime | None = None,
                limit: int | None = None) -> list[StoredShift]:
    """Shifts overlapping [start, end) (a running shift reaches forever), newest first."""
    statement = select(*_SHIFT_COLUMNS).order_by(SHIFTS.c.start.desc(), SHIFTS.c.id.desc())
    if end is not None:
        statement = statement.where(SHIFTS.c.start < end)
    if start is not None:
        statement = statement.where(or_(SHIFTS.c.end.is_(None), SHIFTS.c.end > start))
    if limit is not None:
        statement = statement.limit(limit)
    return [_shift(r) for r in _rows(session, statement)]


def append_record(session: Session, shift_id: int, *, at: datetime, actor: str | None, kind: str,
                  data: Mapping[str, Any]) -> HandoffRecord:
    """Chain one record after the shift's head (locked) and store it."""
    head = _rows(session, select(SHIFTS.c.head_hash, SHIFTS.c.record_count)
                 .where(SHIFTS.c.id == shift_id).with_for_update()).first()
    if head is None:
        raise LookupError(f"no shift {shift_id}")
    previous = None
    if head.record_count:
        previous = HandoffRecord(shift_id=shift_id, seq=head.record_count, at=datetime.min, actor=None, kind="",
                                 data={}, prev_hash="", hash=head.head_hash)
    record = next_handoff_record(previous, shift_id=shift_id, at=at, actor=actor, kind=kind, data=data)
    [(position, link)] = chains.append_links(session, [(record.hash, None)])
    _rows(session, insert(RECORDS).values(shift_id=shift_id, seq=record.seq, at=record.at, actor=record.actor,
                                          kind=record.kind, data=record.data, prev_hash=record.prev_hash,
                                          hash=record.hash, chain_seq=position, chain_hash=link))
    _rows(session, update(SHIFTS).where(SHIFTS.c.id == shift_id).values(
        head_hash=record.hash, record_count=record.seq, version=SHIFTS.c.version + 1))
    return record


def load_records(session: Session, shift_id: int) -> list[HandoffRecord]:
    rows = _rows(session, select(*_RECORD_COLUMNS).where(RECORDS.c.shift_id == shift_id).order_by(RECORDS.c.seq))
    return [_record(r) for r in rows]


def records_of(session: Session, shift_ids: list[int]) -> dict[int, list[HandoffRecord]]:
    out: dict[int, list[HandoffRecord]] = {i: [] for i in shift_ids}
    for index in range(0, len(shift_ids), 500):
        chunk = shift_ids[index:index + 500]
        rows = _rows(session, select(*_RECORD_COLUMNS).where(RECORDS.c.shift_id.in_(chunk))
                     .order_by(RECORDS.c.shift_id, RECORDS.c.seq))
        for row in rows:
            out[row.shift_id].append(_record(row))
    return out

