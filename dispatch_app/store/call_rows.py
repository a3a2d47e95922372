"""Calls and their timelines in the database; only domain values leave this module.

Timelines are append-only: this module inserts events and never updates or deletes one. An
append reads the chain's head from the call row, locked for the transaction (``SELECT ... FOR
UPDATE`` on PostgreSQL; SQLite's write transaction, ``BEGIN IMMEDIATE``, already holds the
database), so two writers adding events to one call at once still make one chain.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, exists, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session

from dispatch_app.domain.timeline import (
    GENESIS,
    OPEN_STATUSES,
    RESOLUTION,
    Call,
    CallEvent,
    EventDraft,
    ResponseMarks,
    call_facts,
    chain_events,
    named_tech,
    response_marks,
    state_hash,
)
from dispatch_app.store import chains
from dispatch_app.store.tables import (
    CallEventRow,
    CallRow,
    ClientRow,
    ContactRow,
    HandoffRecordRow,
    ShiftRow,
)

CALLS = CallRow.__table__
EVENTS = CallEventRow.__table__

_CALL_COLUMNS = CALLS.c["id", "client_id", "system_id", "impact", "summary", "caller_name", "caller_phone",
                        "contact", "source", "external_id", "received_at", "status", "priority",
                        "priority_override", "priority_override_by", "authorized", "unmatched", "response_due"]
_EVENT_COLUMNS = EVENTS.c["call_id", "seq", "at", "actor", "kind", "data", "prev_hash", "hash"]


def _call(row) -> Call:
    return Call(id=row.id, client=row.client_id, received_at=row.received_at, system=row.system_id,
                impact=row.impact, summary=row.summary, caller_name=row.caller_name,
                caller_phone=row.caller_phone, contact=row.contact, source=row.source,
                external_id=row.external_id, status=row.status, priority_override=row.priority_override,
                priority_override_by=row.priority_override_by, authorized=bool(row.authorized),
                unmatched=bool(row.unmatched), priority=row.priority, response_due=row.response_due)


def _event(row) -> CallEvent:
    return CallEvent(call_id=row.call_id, seq=row.seq, at=row.at, actor=row.actor, kind=row.kind,
                     data=dict(row.data), prev_hash=row.prev_hash, hash=row.hash)


def _named_tech(event: CallEvent) -> str | None:
    """The technician an event's payload names (kept in a column for :func:`tech_is_named`)."""
    return named_tech(event.kind, event.data)


def _rows(session: Session, statement):
    return session.connection().execute(statement)


# ---------------------------------------------------------------- writing


def insert_call(session: Session, call: Call, drafts: Sequence[EventDraft], *,
                wake_count: int | None = None) -> tuple[Call, list[CallEvent]]:
    """Store a new call (its ``id`` is ignored) with its first events, chained from the start;
    ``wake_count``: how many the wake list named, for a call recorded with the verdict escalate."""
    values = {
        "wake_count": wake_count,
        "client_id": call.client, "system_id": call.system, "impact": call.impact, "summary": call.summary,
        "caller_name": call.caller_name, "caller_phone": call.caller_phone, "contact": call.contact,
        "source": call.source, "external_id": call.external_id, "received_at": call.received_at,
        "status": call.status, "priority": call.priority, "priority_override": call.priority_override,
        "priority_override_by": call.priority_override_by, "authorized": call.authorized,
        "unmatched": call.unmatched, "response_due": call.response_due,
        "head_hash": GENESIS, "event_count": 0, "version": 1,
    }
    call_id = _rows(session, insert(CALLS).values(**values)).inserted_primary_key[0]
    return append_events(session, call_id, drafts)


def lock_call(session: Session, call_id: int) -> Call | None:
    """The call, locked until the transaction ends (a no-op lock on SQLite, whose write
    transaction holds the whole database)."""
    row = _rows(session, select(*_CALL_COLUMNS).where(CALLS.c.id == call_id).with_for_update()).first()
    return _call(row) if row is not None else None


def append_events(session: Session, call_id: int, drafts: Sequence[EventDraft],
                  changes: Mapping[str, Any] | None = None) -> tuple[Call, list[CallEvent]]:
    """Chain ``drafts`` after the call's head and store them; ``changes`` updates the call's
    own columns (status, priority, ...) in the same statement that moves the head."""
    head = _rows(session, select(CALLS.c.head_hash, CALLS.c.event_count, CALLS.c.received_at)
                 .where(CALLS.c.id == call_id).with_for_update()).first()
    if head is None:
        raise LookupError(f"no call {call_id}")
    previous = None
    if head.event_count:
        # Only the link matters to chaining: the head's seq and hash, as stored on the call.
        previous = CallEvent(call_id=call_id, seq=head.event_count, at=datetime.min, actor=None, kind="",
                             data={}, prev_hash="", hash=head.head_hash)
    events = chain_events(call_id, drafts, previous)
    values: dict[str, Any] = dict(changes or {})
    if events:
        values.update(head_hash=events[-1].hash, event_count=events[-1].seq)
        values.update(_marks(response_marks(events), head.received_at))
    values["version"] = CALLS.c.version + 1
    _rows(session, update(CALLS).where(CALLS.c.id == call_id).values(**values))
    call = load_call(session, call_id)
    assert call is not None
    if events:
        # each event joins the record's chain with the state of its call once the batch is in
        state = state_hash(call_facts(call))
        links = chains.append_links(session, [(e.hash, state) for e in events])
        session.connection().execute(insert(EVENTS), [
            {"call_id": e.call_id, "seq": e.seq, "at": e.at, "actor": e.actor, "tech": _named_tech(e),
             "kind": e.kind, "data": e.data, "prev_hash": e.prev_hash, "hash": e.hash,
             "chain_seq": position, "chain_state": state, "chain_hash": link}
            for e, (position, link) in zip(events, links)
        ])
    return call, events


def _marks(marks: ResponseMarks, received_at: datetime) -> dict[str, Any]:
    """Column values that keep the earliest of each stored mark and the new events' marks."""
    values: dict[str, Any] = {}
    for column, seconds, mark in (("first_ack_at", "ack_seconds", marks.first_ack),
                                  ("first_response_at", "engage_seconds", marks.first_response),
                                  ("escalated_at", None, marks.escalated)):
        if mark is None:
            continue
        earlier = or_(CALLS.c[column].is_(None), CALLS.c[column] > mark)
        values[column] = case((earlier, literal(mark, CALLS.c[column].type)), else_=CALLS.c[column])
        if seconds is not None:
            values[seconds] = case((earlier, (mark - received_at).total_seconds()), else_=CALLS.c[seconds])
    return values


# ---------------------------------------------------------------- reading


def load_call(session: Session, call_id: int) -> Call | None:
    row = _rows(session, select(*_CALL_COLUMNS).where(CALLS.c.id == call_id)).first()
    return _call(row) if row is not None else None


def load_events(session: Session, call_id: int) -> list[CallEvent]:
    """The call's timeline in order."""
    rows = _rows(session, select(*_EVENT_COLUMNS).where(EVENTS.c.call_id == call_id).order_by(EVENTS.c.seq))
    return [_event(r) for r in rows]


def find_by_external_id(session: Session, external_id: str) -> Call | None:
    row = _rows(session, select(*_CALL_COLUMNS).where(CALLS.c.external_id == external_id)).first()
    return _call(row) if row is not None else None


def calls_between(session: Session, start: datetime, end: datetime) -> tuple[list[Call], dict[int, list[CallEvent]]]:
    """Calls a handoff over [start, end) may show (received before the end, not resolved
    before the start) with their timelines."""
    wanted = and_(CALLS.c.received_at < end, or_(CALLS.c.resolved_at.is_(None), CALLS.c.resolved_at >= start))
    calls = [_call(r) for r in _rows(session, select(*_CALL_COLUMNS).where(wanted).order_by(CALLS.c.id))]
    events: dict[int, list[CallEvent]] = {c.id: [] for c in calls}
    if calls:
        statement = (select(*_EVENT_COLUMNS).join(CALLS, CALLS.c.id == EVENTS.c.call_id).where(wanted)
                     .order_by(EVENTS.c.call_id, EVENTS.c.seq))
        for row in _rows(session, statement):
            events[row.call_id].append(_event(row))
    return calls, events


@dataclass(frozen=True)
class RunbookRequest:
    """A resolved call whose resolver said a runbook should change."""

    call: Call
    resolved_at: datetime | None
    resolved_by: str | None
    note: str
    state: str  # open | closed


def runbook_requests(session: Session, *, include_closed: bool = False) -> list[RunbookRequest]:
    states = ("open", "closed") if include_closed else ("open",)
    rows = _rows(session, select(*_CALL_COLUMNS, CALLS.c.resolved_at, CALLS.c.runbook_request)
                 .where(CALLS.c.runbook_request.in_(states)).order_by(CALLS.c.resolved_at, CALLS.c.id)).all()
    resolutions: dict[int, CallEvent] = {}
    ids = [r.id for r in rows]
    for chunk in _chunks(ids, 500):
        for row in _rows(session, select(*_EVENT_COLUMNS).where(EVENTS.c.call_id.in_(chunk),
                                                              EVENTS.c.kind == RESOLUTION).order_by(EVENTS.c.seq)):
            resolutions[row.call_id] = _event(row)
    out = []
    for row in rows:
        event = resolutions.get(row.id)
        out.append(RunbookRequest(call=_call(row), resolved_at=row.resolved_at,
                                  resolved_by=(event.data.get("by") or event.actor) if event else None,
                                  note=(event.data.get("note") or "") if event else "", state=row.runbook_request))
    return out


def runbook_request_state(session: Session, call_id: int) -> str | None:
    """``open``, ``closed`` or None (no runbook change asked)."""
    return _rows(session, select(CALLS.c.runbook_request).where(CALLS.c.id == call_id)).scalar()


def _chunks(values: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for index in range(0, len(values), size):
        yield values[index:index + size]


# ---------------------------------------------------------------- the caller's phone


@dataclass(frozen=True)
class DirectoryEntry:
    """A phone number as the environment spells it: a client's line, or one of its contacts."""

    client: str
    client_name: str
    contact: str | None
    phone: str


def phone_directory(session: Session) -> list[DirectoryEntry]:
    """Every client phone and contact phone, contacts first (they name the caller), in
    client order."""
    out = []
    contacts = select(ContactRow.client_id, ClientRow.name, ContactRow.name.label("contact"), ContactRow.phone).join(
        ClientRow, ClientRow.id == ContactRow.client_id).where(ContactRow.phone.is_not(None)).order_by(
        ClientRow.position, ClientRow.id, ContactRow.position)
    for row in _rows(session, contacts):
        out.append(DirectoryEntry(row.client_id, row.name, row.contact, row.phone))
    for row in _rows(session, select(ClientRow.id, ClientRow.name, ClientRow.phones).order_by(ClientRow.position,
                                                                                            ClientRow.id)):
        out.extend(DirectoryEntry(row.id, row.name, None, phone) for phone in row.phones or ())
    return out


def directory_fingerprint(session: Session) -> tuple:
    """Changes whenever a client (and so its contacts, saved with it) is added, changed or removed."""
    row = _rows(session, select(func.count(ClientRow.id), func.sum(ClientRow.version),
                                func.max(ClientRow.updated_at))).first()
    return tuple(row)


# ---------------------------------------------------------------- who is named


def tech_is_named(session: Session, tech_id: str) -> bool:
    """Whether a call, an event, a shift or a handoff record names the technician."""
    checks = (
        exists().where(EVENTS.c.actor == tech_id),
        exists().where(EVENTS.c.tech == tech_id),
        exists().where(CALLS.c.priority_override_by == tech_id),
        exists().where(ShiftRow.__table__.c.dispatcher == tech_id),
        exists().where(HandoffRecordRow.__table__.c.actor == tech_id),
    )
    return any(_rows(session, select(check)).scalar_one() for check in checks)


def open_calls_of(session: Session, client_id: str) -> tuple[list[Call], dict[int, list[CallEvent]]]:
    """The client's open calls, oldest first, with their timelines (what a ringing phone shows)."""
    wanted = and_(CALLS.c.client_id == client_id, CALLS.c.status.in_(OPEN_STATUSES))
    calls = [_call(r) for r in _rows(session, select(*_CALL_COLUMNS).where(wanted)
                                     .order_by(CALLS.c.received_at, CALLS.c.id))]
    events: dict[int, list[CallEvent]] = {c.id: [] for c in calls}
    if calls:
        statement = (select(*_EVENT_COLUMNS).where(EVENTS.c.call_id.in_(list(events)))
                     .order_by(EVENTS.c.call_id, EVENTS.c.seq))
        for row in _rows(session, statement):
            events[row.call_id].append(_event(row))
    return calls, events
