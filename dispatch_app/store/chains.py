"""Checking every hash chain in the database: call timelines and handoff records.

A year of history is a million events, so the call chains are checked in one pass over the
events in storage order (a server-side cursor on PostgreSQL), with plain rows and the canonical
text built by hand, not through ORM objects. Only a chain that fails that pass is read again
whole and handed to the domain's :func:`~dispatch_app.domain.timeline.verify_chain`, which names
the first broken record; the domain has the last word (a stored payload re-spelled without
changing its content is not a break).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import DateTime, Text, cast, select, type_coerce
from sqlalchemy.orm import Session

from dispatch_app.domain.handoff import HandoffRecord
from dispatch_app.domain.timeline import ALTERED, FOREIGN, GENESIS, CallEvent, ChainBreak, verify_chain
from dispatch_app.store.call_rows import CALLS, EVENTS
from dispatch_app.store.shift_rows import RECORDS, SHIFTS
from dispatch_app.store.types import UTC

STREAM_BATCH = 20_000
DETAILED_BREAKS = 100
"""Broken chains read again for a precise message; further ones are only counted."""

_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode


@dataclass(frozen=True)
class ChainReport:
    calls: int
    events: int
    shifts: int
    handoff_records: int
    breaks: tuple[ChainBreak, ...]
    """The first break of each broken chain: calls by id, then shifts by id."""
    broken_chains: int

    @property
    def ok(self) -> bool:
        return self.broken_chains == 0


def verify_all(session: Session) -> ChainReport:
    calls, events, call_breaks, broken_calls = _verify_calls(session)
    shifts, records, shift_breaks = _verify_shifts(session)
    return ChainReport(calls=calls, events=events, shifts=shifts, handoff_records=records,
                       breaks=tuple(call_breaks + shift_breaks), broken_chains=broken_calls + len(shift_breaks))


def _verify_calls(session: Session) -> tuple[int, int, list[ChainBreak], int]:
    connection = session.connection()
    heads = {row[0]: (row[1], row[2]) for row in connection.execute(
        select(CALLS.c.id, CALLS.c.head_hash, CALLS.c.event_count))}
    last: dict[int, tuple[int, str]] = {}
    suspect: set[int] = set()
    statement = select(EVENTS.c.call_id, EVENTS.c.seq, type_coerce(EVENTS.c.at, DateTime()), EVENTS.c.actor,
                       EVENTS.c.kind, cast(EVENTS.c.data, Text), EVENTS.c.prev_hash, EVENTS.c.hash
                       ).order_by(EVENTS.c.pk)
    count = 0
    loads, encode, sha256 = json.loads, _encode, hashlib.sha256
    result = connection.execution_options(stream_results=True, yield_per=STREAM_BATCH).execute(statement)
    for batch in result.partitions():
        count += len(batch)
        for call_id, seq, at, actor, kind, data, prev_hash, stored_hash in batch:
            if call_id in suspect:
                continue
            seen = last.get(call_id)
            expected_seq, expected_prev = (seen[0] + 1, seen[1]) if seen is not None else (1, GENESIS)
            if seq != expected_seq or prev_hash != expected_prev:
                suspect.add(call_id)
                continue
            try:
                payload = encode(loads(data))
            except (ValueError, TypeError):
                suspect.add(call_id)
                continue
            text = (f'{{"actor":{encode(actor)},"at":"{at.isoformat()}Z","call_id":{call_id},'
                    f'"data":{payload},"kind":{encode(kind)},"seq":{seq}}}')
            if sha256((prev_hash + text).encode("utf-8")).hexdigest() != stored_hash:
                suspect.add(call_id)
                continue
            last[call_id] = (seq, stored_hash)
    for call_id, (head_hash, head_count) in heads.items():
        if call_id in suspect:
            continue
        seen = last.get(call_id)
        if (seen[0] if seen else 0) != head_count or (seen[1] if seen else GENESIS) != head_hash:
            suspect.add(call_id)
    suspect.update(call_id for call_id in last if call_id not in heads)

    breaks: list[ChainBreak] = []
    broken = 0
    for call_id in sorted(suspect):
        if len(breaks) >= DETAILED_BREAKS:
            broken += 1
            continue
        found = _call_break(session, call_id, heads.get(call_id))
        if found is not None:
            breaks.append(found)
            broken += 1
    return len(heads), count, breaks, broken


def _call_break(session: Session, call_id: int, head: tuple[str, int] | None) -> ChainBreak | None:
    """The domain's verdict on one call's chain, read whole in storage order."""
    rows = session.connection().execute(
        select(EVENTS.c.call_id, EVENTS.c.seq, EVENTS.c.at, EVENTS.c.actor, EVENTS.c.kind, cast(EVENTS.c.data, Text),
               EVENTS.c.prev_hash, EVENTS.c.hash).where(EVENTS.c.call_id == call_id).order_by(EVENTS.c.pk)).all()
    if head is None:
        return ChainBreak(call_id, rows[0].seq if rows else 1, FOREIGN,
                          f"call {call_id} event {rows[0].seq if rows else 1} belongs to no stored call")
    records = []
    for row in rows:
        data = _parsed(row[5])
        if data is None:
            return ChainBreak(call_id, row.seq, ALTERED,
                              f"call {call_id} event {row.seq} was altered (its payload is no longer readable)")
        records.append(CallEvent(call_id=row.call_id, seq=row.seq, at=row.at, actor=row.actor, kind=row.kind,
                                 data=data, prev_hash=row.prev_hash, hash=row.hash))
    if not records and head[1]:
        return ChainBreak(call_id, 1, "truncated", f"call {call_id} event 1 is missing: every event of the call is gone")
    return verify_chain(records, head[0], head[1])


def _parsed(text: str | None) -> dict[str, Any] | None:
    try:
        value = json.loads(text) if text is not None else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _verify_shifts(session: Session) -> tuple[int, int, list[ChainBreak]]:
    connection = session.connection()
    heads = {row[0]: (row[1], row[2]) for row in connection.execute(
        select(SHIFTS.c.id, SHIFTS.c.head_hash, SHIFTS.c.record_count).order_by(SHIFTS.c.id))}
    chains: dict[int, list[HandoffRecord]] = {shift_id: [] for shift_id in heads}
    breaks: list[ChainBreak] = []
    count = 0
    unreadable: dict[int, ChainBreak] = {}
    rows = connection.execute(select(RECORDS.c.shift_id, RECORDS.c.seq, RECORDS.c.at, RECORDS.c.actor, RECORDS.c.kind,
                                     cast(RECORDS.c.data, Text), RECORDS.c.prev_hash, RECORDS.c.hash)
                              .order_by(RECORDS.c.pk))
    for row in rows:
        count += 1
        data = _parsed(row[5])
        if data is None:
            unreadable.setdefault(row.shift_id, ChainBreak(
                row.shift_id, row.seq, ALTERED,
                f"handoff of shift {row.shift_id} record {row.seq} was altered (its payload is no longer readable)"))
            continue
        chains.setdefault(row.shift_id, []).append(HandoffRecord(
            shift_id=row.shift_id, seq=row.seq, at=row.at.replace(tzinfo=UTC) if row.at.tzinfo is None else row.at,
            actor=row.actor, kind=row.kind, data=data, prev_hash=row.prev_hash, hash=row.hash))
    for shift_id in sorted(chains):
        if shift_id in unreadable:
            breaks.append(unreadable[shift_id])
            continue
        head = heads.get(shift_id)
        if head is None:
            breaks.append(ChainBreak(shift_id, 1, FOREIGN, f"handoff records of shift {shift_id} belong to no stored shift"))
            continue
        records = chains[shift_id]
        if not records and head[1]:
            breaks.append(ChainBreak(shift_id, 1, "truncated",
                                     f"handoff of shift {shift_id} record 1 is missing: every record is gone"))
            continue
        found = verify_chain(records, head[0], head[1])
        if found is not None:
            breaks.append(found)
    return len(heads), count, breaks
