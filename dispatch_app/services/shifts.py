"""Shifts, their handoff records, and the verification of every chain (DOMAIN.md "Shifts and
handoff").

A shift belongs to a named dispatcher (the anonymous dispatcher has none). Its handoff chain
takes the dispatcher's notes while it runs; ending the shift issues the record (a frozen
snapshot appended to the chain, in the same transaction as the end); the incoming dispatcher
(somebody else) acknowledges it; managers review it, with a comment. Nothing is edited.

Roles: starting, ending, noting and acknowledging need the dispatcher, lead or manager role;
ending somebody else's shift needs lead or manager; reviewing needs manager (admin passes all).

The record is computed, not stored: :func:`handoff` builds it from the calls and their
timelines as of the shift's end (or now, for a running shift). Times are shown in the MSP's
time zone. Open calls get their next step from a triage at the record's instant seen by the
anonymous level-1 dispatcher (who the incoming dispatcher will be is not known); priorities and
response dues are the ones kept on the calls.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Sequence

from dispatch_app import store
from dispatch_app.domain import handoff as rules
from dispatch_app.domain.handoff import Handoff, HandoffRecord, HandoffRefused, Shift
from dispatch_app.domain.model import Triage
from dispatch_app.domain.timeline import Call, parse_anchor
from dispatch_app.errors import DispatchError, NotFound
from dispatch_app.services import inputs, people
from dispatch_app.services.calls import recorded_triage
from dispatch_app.services.environment import load_environment
from dispatch_app.store import Database, call_rows, chains, ring_rows, shift_rows

WORK_ROLES = ("dispatcher", "lead", "manager")
OVERSEE_ROLES = ("lead", "manager")
REVIEW_ROLES = ("manager",)
NOTE_MAX = inputs.NOTE_MAX
ADHOC = 0
"""The id of a record over a range that is not a shift's."""
_TICK = timedelta(microseconds=1)


@dataclass(frozen=True)
class ShiftInfo:
    """A shift and where its handoff stands. ``end`` is None while it runs."""

    id: int
    dispatcher: str
    start: datetime
    end: datetime | None
    issued_at: datetime | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    reviews: tuple[tuple[str, datetime, str | None], ...]
    notes: tuple[str, ...]
    records: tuple[HandoffRecord, ...]


@dataclass(frozen=True)
class ShiftChanged:
    """What a write did: the shift, the records it appended, the change counter."""

    shift_id: int
    records: tuple[HandoffRecord, ...]
    change: int


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    first_break: str | None
    """The message naming the first broken record (calls by id, then shifts), or None."""
    breaks: tuple[str, ...]
    broken_chains: int
    calls: int
    events: int
    shifts: int
    handoff_records: int
    problems: tuple[str, ...] = ()
    """The kind of each break (altered, missing, column edited, record deleted, record inserted,
    re-hashed against anchor, ...), in the order of ``breaks``."""
    entries: int = 0
    """Links of the record's chain (every event, shift and handoff record) checked."""
    head: str | None = None
    """The record's chain head, ``HASH:COUNT``."""
    anchors: tuple[tuple[str, bool], ...] = ()
    """Each anchor checked (the one given, those issued handoffs printed) and whether it holds."""


def _info(shift: shift_rows.StoredShift, records: Sequence[HandoffRecord]) -> ShiftInfo:
    state = rules.handoff_state(records)
    return ShiftInfo(id=shift.id, dispatcher=shift.dispatcher, start=shift.start, end=shift.end,
                     issued_at=state.issued_at, acknowledged_by=state.acknowledged_by,
                     acknowledged_at=state.acknowledged_at, reviews=state.reviews, notes=state.notes,
                     records=tuple(records))


def _named(db: Database, actor: str | None, roles: Sequence[str], action: str) -> people.Actor:
    who = people.actor(db, actor)
    people.require_role(who, *roles, action=action)
    if who.id is None:
        raise DispatchError(f"{action} needs a named technician: pass --as TECH")
    return who


def _refused(error: HandoffRefused) -> DispatchError:
    return DispatchError(str(error))


# ---------------------------------------------------------------- shifts


def start_shift(db: Database, *, actor: str | None, at: datetime) -> ShiftInfo:
    """Start the actor's shift at ``at``; refused while another of theirs runs."""
    who = _named(db, actor, WORK_ROLES, "starting a shift")
    with db.session(write=True) as session:
        store.record_change(session, at=at)
        running = shift_rows.running_shift(session, who.id)
        if running is not None:
            raise DispatchError(f"{who.id} already has shift {running.id} running: end it first")
        shift = shift_rows.insert_shift(session, who.id, at)
    return _info(shift, ())


def _the_shift(session, who: people.Actor, shift_id: int | None, *, lock: bool = False) -> shift_rows.StoredShift:
    if shift_id is None:
        running = shift_rows.running_shift(session, who.id)
        if running is None:
            raise DispatchError(f"{who.id} has no shift running: start one (dispatch-app shift start)")
        shift_id = running.id
    shift = shift_rows.load_shift(session, shift_id, lock=lock)
    if shift is None:
        raise NotFound(f"no shift {shift_id}")
    return shift


def end_shift(db: Database, *, actor: str | None, at: datetime, shift_id: int | None = None) -> ShiftChanged:
    """End a shift (the actor's running one by default) and issue its handoff record: the
    end and the issued snapshot land together."""
    who = _named(db, actor, WORK_ROLES, "ending a shift")
    with db.session() as session:
        shift = _the_shift(session, who, shift_id)
    if shift.dispatcher != who.id:
        people.require_role(who, *OVERSEE_ROLES, action="ending somebody else's shift")
    if shift.end is not None:
        raise DispatchError(f"shift {shift.id} already ended")
    if not at > shift.start:
        raise DispatchError(f"shift {shift.id} started at {shift.start.isoformat()}: it cannot end before")
    with db.session() as session:
        notes = rules.handoff_state(shift_rows.load_records(session, shift.id)).notes
    record = _build(db, Shift(shift.id, shift.dispatcher, shift.start, at), at, notes)
    with db.session(write=True) as session:
        change = store.record_change(session, at=at)
        locked = shift_rows.load_shift(session, shift.id, lock=True)
        if locked is None or locked.end is not None:
            raise DispatchError(f"shift {shift.id} already ended")
        records = shift_rows.load_records(session, shift.id)
        if rules.handoff_state(records).notes != notes:
            raise DispatchError(f"shift {shift.id} got a note while it was ending: try again")
        try:
            rules.check_handoff_append(records, record.shift, rules.ISSUED, who.id)
        except HandoffRefused as error:
            raise _refused(error) from None
        shift_rows.end_shift(session, shift.id, at)
        # the record's chain head as the shift ends: printed on the handoff, kept with its issue
        record = replace(record, anchor=str(chains.head(session)))
        issued = shift_rows.append_record(session, shift.id, at=at, actor=who.id, kind=rules.ISSUED,
                                          data=rules.issued_data(record))
    return ShiftChanged(shift.id, (issued,), change)


def _append(db: Database, *, who: people.Actor, shift_id: int | None, at: datetime, kind: str,
            data: dict, check=None) -> ShiftChanged:
    with db.session(write=True) as session:
        change = store.record_change(session, at=at)
        shift = _the_shift(session, who, shift_id, lock=True)
        records = shift_rows.load_records(session, shift.id)
        if check is not None:
            check(shift)
        domain_shift = Shift(shift.id, shift.dispatcher, shift.start, shift.end or max(at, shift.start) + _TICK)
        try:
            rules.check_handoff_append(records, domain_shift, kind, who.id)
        except HandoffRefused as error:
            raise _refused(error) from None
        record = shift_rows.append_record(session, shift.id, at=at, actor=who.id, kind=kind, data=data)
    return ShiftChanged(shift.id, (record,), change)


def add_shift_note(db: Database, *, actor: str | None, text: str, at: datetime,
                   shift_id: int | None = None) -> ShiftChanged:
    """A note for the handoff, on the actor's running shift by default (before it is issued)."""
    text = (text or "").strip()
    if not text or len(text) > NOTE_MAX:
        raise DispatchError(f"note: give 1 to {NOTE_MAX} characters")
    who = _named(db, actor, WORK_ROLES, "adding a shift note")

    def mine(shift) -> None:
        if shift.dispatcher != who.id:
            people.require_role(who, *OVERSEE_ROLES, action="adding a note to somebody else's shift")

    return _append(db, who=who, shift_id=shift_id, at=at, kind=rules.HANDOFF_NOTE,
                   data=rules.note_record_data(text), check=mine)


def acknowledge(db: Database, *, actor: str | None, shift_id: int, at: datetime,
                comment: str | None = None) -> ShiftChanged:
    """The incoming dispatcher (not the one handing over) acknowledges the issued record."""
    who = _named(db, actor, WORK_ROLES, "acknowledging a handoff")
    with db.session(read_only=True) as session:
        issued = next((r for r in shift_rows.load_records(session, shift_id) if r.kind == rules.ISSUED), None)
    anchor = issued.data.get("anchor") if issued is not None else None
    return _append(db, who=who, shift_id=shift_id, at=at, kind=rules.ACKNOWLEDGED,
                   data=rules.acknowledged_data(who.id, (comment or "").strip() or None, anchor=anchor))


def review(db: Database, *, actor: str | None, shift_id: int, at: datetime, comment: str | None = None) -> ShiftChanged:
    """A manager's review of the issued record, with an optional comment (any number of them)."""
    who = _named(db, actor, REVIEW_ROLES, "reviewing a handoff")
    return _append(db, who=who, shift_id=shift_id, at=at, kind=rules.REVIEWED,
                   data=rules.reviewed_data(who.id, (comment or "").strip() or None))


def list_shifts(db: Database, *, start: datetime | None = None, end: datetime | None = None,
                limit: int | None = 50) -> list[ShiftInfo]:
    """Shifts overlapping [start, end) (all without them), newest first, with their handoff state."""
    with db.session(read_only=True) as session:
        shifts = shift_rows.list_shifts(session, start=start, end=end, limit=limit)
        records = shift_rows.records_of(session, [s.id for s in shifts])
    return [_info(s, records[s.id]) for s in shifts]


def shift_info(db: Database, shift_id: int) -> ShiftInfo:
    with db.session(read_only=True) as session:
        shift = shift_rows.load_shift(session, shift_id)
        if shift is None:
            raise NotFound(f"no shift {shift_id}")
        return _info(shift, shift_rows.load_records(session, shift_id))


# ---------------------------------------------------------------- the record


def handoff(db: Database, *, at: datetime, shift_id: int | None = None, start: datetime | None = None,
            end: datetime | None = None) -> Handoff:
    """The handoff record of shift ``shift_id`` (as of its end; as of ``at`` while it runs), or
    an ad-hoc record over [start, end) (shift id 0, the dispatchers of the shifts it overlaps,
    their notes)."""
    if shift_id is not None:
        with db.session(read_only=True) as session:
            stored = shift_rows.load_shift(session, shift_id)
            if stored is None:
                raise NotFound(f"no shift {shift_id}")
            notes = rules.handoff_state(shift_rows.load_records(session, shift_id)).notes
            issued = next((r for r in shift_rows.load_records(session, shift_id) if r.kind == rules.ISSUED), None)
        until = stored.end if stored.end is not None else at
        if not until > stored.start:
            raise DispatchError(f"shift {shift_id} starts at {stored.start.isoformat()}: nothing to hand over yet")
        built = _build(db, Shift(stored.id, stored.dispatcher, stored.start, stored.end or until), until, notes)
        return replace(built, anchor=issued.data.get("anchor")) if issued is not None else built
    if start is None or end is None:
        raise DispatchError("handoff: give a SHIFT_ID, or --from and --to")
    if not end > start:
        raise DispatchError("--to must be after --from")
    with db.session(read_only=True) as session:
        overlapping = sorted(shift_rows.list_shifts(session, start=start, end=end, limit=None), key=lambda s: s.start)
        records = shift_rows.records_of(session, [s.id for s in overlapping])
    dispatchers = list(dict.fromkeys(s.dispatcher for s in overlapping))
    notes = tuple(n for s in overlapping for n in rules.handoff_state(records[s.id]).notes)
    return _build(db, Shift(ADHOC, ", ".join(dispatchers) or "no shift", start, end), min(at, end), notes)


def _build(db: Database, shift: Shift, at: datetime, notes: Sequence[str]) -> Handoff:
    with db.session(read_only=True) as session:
        calls, events = call_rows.calls_between(session, shift.start, shift.end)
        rings = ring_rows.rings_between(session, shift.start, shift.end, missed_only=True)
    clients = sorted({c.client for c in calls if c.client is not None})
    env = load_environment(db, clients=clients)
    triages: dict[int, Triage] = {}
    for call in calls:
        if call.client is None:
            continue
        if call.status == "resolved" or env.client(call.client) is None:
            triages[call.id] = _kept(call, at)
            continue
        try:
            triages[call.id] = recorded_triage(env, call, at, None)  # type: ignore[assignment]
        except DispatchError:  # its client or system left the environment
            triages[call.id] = _kept(call, at)
    names = {t.id: t.name for t in env.technicians}
    return rules.build_handoff(shift, calls, events, triages, notes, at=at, timezone=env.msp.timezone, names=names,
                               rings=rings)


def _kept(call: Call, at: datetime) -> Triage:
    """What the record needs of a call that is not triaged again: its kept priority and due."""
    return Triage(call=call.id, client=call.client or "", system=call.system, at=at, priority=call.priority or "",
                  emergency=False, required_level=0, verdict="", first_steps=(), wake=(), knowledge_gap=False,
                  next_covered=None, authorizers=(), response_due=call.response_due, reasons=())


# ---------------------------------------------------------------- verification


def verify(db: Database, *, anchor: str | None = None) -> VerifyReport:
    """Check every call timeline and every handoff chain against its hashes and its head, the
    record's chain across them, every call's and shift's columns, and ``anchor`` (``HASH:COUNT``
    as a handoff printed it) with the anchors the issued handoffs hold (docs/record.md)."""
    anchors = []
    if anchor is not None:
        try:
            anchors.append(parse_anchor(anchor))
        except ValueError as error:
            raise DispatchError(f"--anchor: {error}") from None
    with db.session(read_only=True) as session:
        report = chains.verify_all(session, anchors)
    messages = tuple(b.message for b in report.breaks)
    return VerifyReport(ok=report.ok, first_break=messages[0] if messages else None, breaks=messages,
                        broken_chains=report.broken_chains, calls=report.calls, events=report.events,
                        shifts=report.shifts, handoff_records=report.handoff_records,
                        problems=tuple(b.problem for b in report.breaks), entries=report.entries,
                        head=str(report.head) if report.head is not None else None,
                        anchors=tuple((str(a), holds) for a, holds in report.anchors))
