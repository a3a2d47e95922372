"""A shift's handoff record (DOMAIN.md "Shifts and handoff").

:func:`build_handoff` gathers, from the calls of a shift, their timelines and their triage, what
the incoming dispatcher needs: calls received, resolved, still open with their next step,
deferred with until when, every contact attempt with how long each expert took to acknowledge,
response-due breaches, the dispatcher's notes, and summary figures. It is pure: the instant the
record describes (``at``, the shift's end by default) is a parameter, events after it are ignored.

The record, once issued, is kept as a chain of :class:`HandoffRecord` entries per shift (notes,
the issued snapshot, the incoming dispatcher's acknowledgement, a manager's reviews), chained
with the same machinery as call timelines: nothing is edited, everything is appended.

"Responded" (for response-due breaches) is the first of: an acked contact attempt, the call set
to ``handling`` (a dispatcher works it) or ``engaged``, its resolution. A call breaches in this
shift when its ``response_due`` falls inside the shift (and before ``at``) and it had not
responded by then. A due that passed in an earlier shift was that shift's breach.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Iterable, Mapping, Sequence

from .localtime import format_utc, to_local
from .model import Triage
from .ringing import Ring
from .timeline import (
    ACKED,
    ATTEMPT,
    DEFERRED,
    ENGAGED,
    ESCALATING,
    HANDLING,
    NEW,
    RESOLUTION,
    RESOLVED,
    STATUS,
    BadEvent,
    Call,
    CallEvent,
    EscalationState,
    canonical,
    chain_hash,
    check_flat,
    escalation_state,
    is_response,
    instant_text,
    link_after,
    status_at,
)

PRIORITY_ORDER = {"P1": 0, "P2": 1, "P3": 2, "P4": 3}


@dataclass(frozen=True)
class Shift:
    """A dispatcher's shift over [start, end)."""

    id: int
    dispatcher: str
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError(f"shift {self.id}: the end ({format_utc(self.end)}) must come after the start")

    def holds(self, instant: datetime) -> bool:
        return self.start <= instant < self.end


# ---------------------------------------------------------------- the record's parts


@dataclass(frozen=True)
class CallLine:
    """One call as the tables show it; ``status`` is the status at the record's instant."""

    call: int
    client: str | None
    system: str | None
    summary: str
    priority: str | None
    status: str
    received_at: datetime
    response_due: datetime | None
    unmatched: bool


@dataclass(frozen=True)
class NextStep:
    """What the incoming dispatcher does next for an open call.

    ``kind``: assign, triage, handle, handling, engaged, await, call, exhausted, nobody, defer,
    deferred, covered. ``text`` is the sentence shown, times in the record's time zone.
    """

    kind: str
    text: str
    tech: str | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class ResolvedCall:
    line: CallLine
    resolved_at: datetime
    resolved_by: str | None
    note: str
    runbook_change: str | None


@dataclass(frozen=True)
class OpenCall:
    line: CallLine
    next_step: NextStep


@dataclass(frozen=True)
class DeferredCall:
    line: CallLine
    until: datetime | None
    next_step: NextStep


@dataclass(frozen=True)
class AttemptLine:
    """A contact attempt; ``minutes_to_ack`` only on an ack: ack time minus the first attempt to
    that technician for that call (since their previous ack, if they acked before)."""

    call: int
    tech: str
    name: str
    channel: str
    outcome: str
    at: datetime
    minutes_to_ack: float | None


@dataclass(frozen=True)
class Acknowledgement:
    call: int
    tech: str
    name: str
    first_attempt: datetime
    acked_at: datetime
    minutes: float


@dataclass(frozen=True)
class Breach:
    """``responded_at`` None: still no response at the record's instant (``minutes_late`` counts
    to that instant)."""

    line: CallLine
    response_due: datetime
    responded_at: datetime | None
    responded_by: str | None
    minutes_late: float


@dataclass(frozen=True)
class Figures:
    received: int
    resolved: int
    open: int
    deferred: int
    escalated: int
    """Calls with at least one contact attempt in the shift."""
    attempts: int
    acknowledgements: int
    breaches: int
    runbook_changes: int
    median_minutes_to_ack: float | None
    max_minutes_to_ack: float | None


@dataclass(frozen=True)
class Handoff:
    shift: Shift
    dispatcher_name: str
    at: datetime
    timezone: str
    received: tuple[CallLine, ...]
    resolved: tuple[ResolvedCall, ...]
    open: tuple[OpenCall, ...]
    deferred: tuple[DeferredCall, ...]
    attempts: tuple[AttemptLine, ...]
    acknowledgements: tuple[Acknowledgement, ...]
    breaches: tuple[Breach, ...]
    notes: tuple[str, ...]
    figures: Figures
    names: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    anchor: str | None = None
    """The record's chain head (``HASH:COUNT``) at the end of the shift, once it is issued:
    printed on the record so that ``verify --anchor`` can prove the history up to there."""
    missed: tuple[Ring, ...] = ()
    """Rings of the shift that never became a call (the phone rang and nobody recorded it)."""

    def name(self, tech: str | None) -> str:
        if tech is None:
            return ""
        return self.names.get(tech, tech)


# ---------------------------------------------------------------- time as shown


def format_when(instant: datetime, tz: str, reference: datetime) -> str:
    """``05:25`` on the reference's local day, ``Mon 08:00`` within the next six days,
    ``Mon 2026-12-14 08:00`` further away or in the past days."""
    local = to_local(instant, tz)
    ref = to_local(reference, tz)
    days = (local.date() - ref.date()).days
    if days == 0:
        return local.strftime("%H:%M")
    if 0 < days < 7:
        return local.strftime("%a %H:%M")
    return local.strftime("%a %Y-%m-%d %H:%M")


def format_minutes(value: float | None) -> str:
    """``7`` or ``7.5`` (one decimal, only when needed); an empty string for None."""
    if value is None:
        return ""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def _minutes(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 60


# ---------------------------------------------------------------- reading a timeline


@dataclass(frozen=True)
class _Resolution:
    at: datetime
    by: str | None
    note: str
    runbook_change: str | None


def _resolution(events: Sequence[CallEvent]) -> _Resolution | None:
    """When and how the call was resolved: the first status change to resolved (or the
    resolution event when no status event says so), details from the resolution event."""
    status_event = next((e for e in events if e.kind == STATUS and e.data["to"] == RESOLVED), None)
    detail = next((e for e in reversed(events) if e.kind == RESOLUTION), None)
    if status_event is None and detail is None:
        return None
    when = status_event.at if status_event is not None else detail.at  # type: ignore[union-attr]
    if detail is None:
        return _Resolution(when, status_event.actor, "", None)  # type: ignore[union-attr]
    return _Resolution(when, detail.data.get("by") or detail.actor, detail.data.get("note") or "",
                       detail.data.get("runbook_change"))


def responded(events: Sequence[CallEvent]) -> tuple[datetime, str | None] | None:
    """(when, by whom) the call was first responded to: an acked attempt, the call set to
    handling or engaged, or its resolution; None when none of these happened."""
    for event in sorted(events, key=lambda e: (e.at, e.seq)):
        if not is_response(event):
            continue
        if event.kind == ATTEMPT:
            return event.at, event.data["tech"]
        if event.kind == RESOLUTION:
            return event.at, event.data.get("by") or event.actor
        return event.at, event.actor
    return None


def acknowledgements(events: Sequence[CallEvent]) -> list[tuple[CallEvent, datetime]]:
    """Each acked attempt with the first attempt to that technician it answers (the first
    attempt to them for this call, or the first after their previous ack)."""
    since: dict[str, datetime] = {}
    out = []
    for event in sorted((e for e in events if e.kind == ATTEMPT), key=lambda e: (e.at, e.seq)):
        tech = event.data["tech"]
        since.setdefault(tech, event.at)
        if event.data["outcome"] == ACKED:
            out.append((event, since.pop(tech)))
    return out


def deferred_until(events: Sequence[CallEvent], triage: Triage | None) -> datetime | None:
    """The ``until`` of the last change to deferred, else the triage's ``next_covered``."""
    for event in reversed(events):
        if event.kind == STATUS and event.data["to"] == DEFERRED:
            if event.data.get("until"):
                return datetime.fromisoformat(event.data["until"].replace("Z", "+00:00"))
            break
    return triage.next_covered if triage is not None else None


# ---------------------------------------------------------------- next step


def next_step(call: Call, status: str, triage: Triage | None, events: Sequence[CallEvent],
              at: datetime, tz: str, names: Mapping[str, str]) -> NextStep:
    """The next step of an open call, from its status and the state of its escalation."""
    def name(tech: str | None) -> str:
        return names.get(tech, tech) if tech else "the dispatcher"

    if call.client is None:
        return NextStep("assign", "assign a client: the caller could not be matched")
    if status == DEFERRED:
        until = deferred_until(events, triage)
        if until is None:
            return NextStep("deferred", "deferred: no coverage in the next 30 days; ask an authorizer")
        if until <= at:
            return NextStep("covered", f"coverage began {format_when(until, tz, at)}: escalate it", until=until)
        return NextStep("deferred", f"deferred until {format_when(until, tz, at)}", until=until)
    if status == HANDLING:
        actor = next((e.actor for e in reversed(events) if e.kind == STATUS and e.data["to"] == HANDLING), None)
        return NextStep("handling", f"{name(actor)} is handling it", tech=actor)
    if triage is None:
        return NextStep("triage", "triage it")
    if status == NEW and triage.verdict == "handle":
        first = f": start with {triage.first_steps[0].title}" if triage.first_steps else ""
        return NextStep("handle", f"handle it{first}")
    if status == NEW and triage.verdict == "defer":
        if triage.next_covered is None:
            return NextStep("defer", "defer it: no coverage in the next 30 days; ask an authorizer")
        return NextStep("defer", f"defer it until {format_when(triage.next_covered, tz, at)} "
                                 "or ask an authorizer", until=triage.next_covered)
    wake = triage.wake if status in (NEW, ESCALATING, ENGAGED) else ()
    return _escalation_step(escalation_state(wake, events, at), wake, tz, at, name)


def _escalation_step(state: EscalationState, wake, tz: str, at: datetime, name) -> NextStep:
    if state.engaged_by is not None:
        return NextStep("engaged", f"{name(state.engaged_by)} is working on it", tech=state.engaged_by)
    if state.awaiting is not None:
        then = f", then call {state.next.name}" if state.next is not None else ""
        return NextStep("await", f"waiting for {name(state.awaiting)} to acknowledge until "
                                 f"{format_when(state.awaiting_until, tz, at)}{then}",  # type: ignore[arg-type]
                        tech=state.awaiting, until=state.awaiting_until)
    if state.next is not None:
        return NextStep("call", f"call {state.next.name} next", tech=state.next.tech)
    if state.tried:  # everyone was tried: start the list again from the top
        first = wake[0].tech if wake else state.tried[0].tech
        return NextStep("exhausted", f"nobody acknowledged: call {name(first)} again and tell the manager",
                        tech=first)
    return NextStep("nobody", "nobody to wake: tell the manager now")


# ---------------------------------------------------------------- the record


def build_handoff(shift: Shift, calls: Iterable[Call], events_by_call: Mapping[int, Sequence[CallEvent]],
                  triage_by_call: Mapping[int, Triage], notes: Sequence[str] = (), *,
                  at: datetime | None = None, timezone: str = "UTC",
                  names: Mapping[str, str] | None = None, rings: Iterable[Ring] = ()) -> Handoff:
    """The handoff record of ``shift`` as of ``at`` (default: the shift's end).

    ``calls`` may hold more than the shift's calls: those received after ``at`` or resolved
    before the shift began are left out. A call's status is read from its timeline up to ``at``
    (its stored status when it has no events). ``names`` maps technician ids to display names
    (the wake lists' names are used too); ``timezone`` is the zone times are shown in.
    ``rings``: the phone's rings; those of the shift (up to ``at``) no call took are its missed calls.
    """
    at = shift.end if at is None else at
    window_end = min(shift.end, at + timedelta(microseconds=1))

    def in_shift(instant: datetime) -> bool:
        return shift.start <= instant < window_end

    known: dict[str, str] = {}
    for triage in triage_by_call.values():
        for entry in triage.wake:
            known.setdefault(entry.tech, entry.name)
    known.update(names or {})

    received: list[CallLine] = []
    resolved: list[ResolvedCall] = []
    still_open: list[OpenCall] = []
    deferred: list[DeferredCall] = []
    attempt_lines: list[AttemptLine] = []
    acks: list[Acknowledgement] = []
    breaches: list[Breach] = []
    escalated: set[int] = set()

    for call in sorted(calls, key=lambda c: (c.received_at, c.id)):
        if call.received_at > at:
            continue
        events = sorted((e for e in events_by_call.get(call.id, ()) if e.at <= at), key=lambda e: e.seq)
        resolution = _resolution(events)
        if resolution is not None and resolution.at < shift.start:
            continue
        triage = triage_by_call.get(call.id)
        status = status_at(events, at) if events else call.status
        line = CallLine(call=call.id, client=call.client, system=call.system, summary=call.summary,
                        priority=triage.priority if triage is not None else call.priority_override,
                        status=status, received_at=call.received_at,
                        response_due=triage.response_due if triage is not None else None,
                        unmatched=call.client is None)
        if in_shift(call.received_at):
            received.append(line)
        if resolution is not None:
            if in_shift(resolution.at):
                resolved.append(ResolvedCall(line, resolution.at, resolution.by, resolution.note,
                                             resolution.runbook_change))
        elif status == DEFERRED:
            step = next_step(call, status, triage, events, at, timezone, known)
            deferred.append(DeferredCall(line, deferred_until(events, triage), step))
        else:
            still_open.append(OpenCall(line, next_step(call, status, triage, events, at, timezone, known)))

        answered = {ack.seq: first for ack, first in acknowledgements(events)}
        for event in events:
            if event.kind != ATTEMPT or not in_shift(event.at):
                continue
            escalated.add(call.id)
            tech = event.data["tech"]
            first = answered.get(event.seq)
            minutes = _minutes(first, event.at) if first is not None else None
            attempt_lines.append(AttemptLine(call.id, tech, known.get(tech, tech), event.data.get("channel") or "phone",
                                             event.data["outcome"], event.at, minutes))
            if first is not None:
                acks.append(Acknowledgement(call.id, tech, known.get(tech, tech), first, event.at, minutes))  # type: ignore[arg-type]

        due = line.response_due
        if due is not None and in_shift(due) and due < at:
            response = responded(events)
            if response is None or response[0] > due:
                responded_at, by = response if response is not None else (None, None)
                late = _minutes(due, responded_at if responded_at is not None else at)
                breaches.append(Breach(line, due, responded_at, by, late))

    still_open.sort(key=lambda o: (not o.line.unmatched, PRIORITY_ORDER.get(o.line.priority or "", 9),
                                   o.line.received_at, o.line.call))
    deferred.sort(key=lambda d: (d.until is None, d.until or at, d.line.call))
    breaches.sort(key=lambda b: (b.response_due, b.line.call))
    attempt_lines.sort(key=lambda a: (a.at, a.call))
    acks.sort(key=lambda a: (a.acked_at, a.call))
    ack_minutes = [a.minutes for a in acks]
    figures = Figures(
        received=len(received), resolved=len(resolved), open=len(still_open), deferred=len(deferred),
        escalated=len(escalated), attempts=len(attempt_lines), acknowledgements=len(acks),
        breaches=len(breaches), runbook_changes=sum(1 for r in resolved if r.runbook_change == "yes"),
        median_minutes_to_ack=statistics.median(ack_minutes) if ack_minutes else None,
        max_minutes_to_ack=max(ack_minutes) if ack_minutes else None,
    )
    return Handoff(shift=shift, dispatcher_name=known.get(shift.dispatcher, shift.dispatcher), at=at,
                   timezone=timezone, received=tuple(received), resolved=tuple(resolved),
                   open=tuple(still_open), deferred=tuple(deferred), attempts=tuple(attempt_lines),
                   acknowledgements=tuple(acks), breaches=tuple(breaches), notes=tuple(notes),
                   figures=figures, names=dict(known),
                   missed=tuple(sorted((r for r in rings if in_shift(r.at) and r.at <= at and not r.answered),
                                       key=lambda r: (r.at, r.id))))


def handoff_to_dict(handoff: Handoff) -> dict[str, Any]:
    """The record as JSON-ready values (instants UTC with ``Z``): for ``--json`` and the
    snapshot kept in the chain when the record is issued."""
    def line(l: CallLine) -> dict[str, Any]:
        return {"call": l.call, "client": l.client, "system": l.system, "summary": l.summary,
                "priority": l.priority, "status": l.status, "received_at": format_utc(l.received_at),
                "response_due": format_utc(l.response_due), "unmatched": l.unmatched}

    def step(s: NextStep) -> dict[str, Any]:
        return {"kind": s.kind, "text": s.text, "tech": s.tech, "until": format_utc(s.until)}

    f = handoff.figures
    return {
        "shift": {"id": handoff.shift.id, "dispatcher": handoff.shift.dispatcher,
                  "start": format_utc(handoff.shift.start), "end": format_utc(handoff.shift.end)},
        "at": format_utc(handoff.at),
        "timezone": handoff.timezone,
        "received": [line(l) for l in handoff.received],
        "resolved": [{**line(r.line), "resolved_at": format_utc(r.resolved_at), "resolved_by": r.resolved_by,
                      "note": r.note, "runbook_change": r.runbook_change} for r in handoff.resolved],
        "open": [{**line(o.line), "next_step": step(o.next_step)} for o in handoff.open],
        "deferred": [{**line(d.line), "until": format_utc(d.until), "next_step": step(d.next_step)}
                     for d in handoff.deferred],
        "attempts": [{"call": a.call, "tech": a.tech, "channel": a.channel, "outcome": a.outcome,
                      "at": format_utc(a.at), "minutes_to_ack": a.minutes_to_ack} for a in handoff.attempts],
        "acknowledgements": [{"call": a.call, "tech": a.tech, "first_attempt": format_utc(a.first_attempt),
                              "acked_at": format_utc(a.acked_at), "minutes": a.minutes}
                             for a in handoff.acknowledgements],
        "breaches": [{**line(b.line), "responded_at": format_utc(b.responded_at), "responded_by": b.responded_by,
                      "minutes_late": b.minutes_late} for b in handoff.breaches],
        "notes": list(handoff.notes),
        "missed": [{"ring": r.id, "at": format_utc(r.at), "phone": r.phone, "caller_name": r.caller_name,
                    "line": r.line, "client": r.client, "contact": r.contact, "external_id": r.external_id}
                   for r in handoff.missed],
        "anchor": handoff.anchor,
        "figures": {"received": f.received, "resolved": f.resolved, "open": f.open, "deferred": f.deferred,
                    "escalated": f.escalated, "attempts": f.attempts, "acknowledgements": f.acknowledgements,
                    "breaches": f.breaches, "runbook_changes": f.runbook_changes,
                    "median_minutes_to_ack": f.median_minutes_to_ack,
                    "max_minutes_to_ack": f.max_minutes_to_ack},
    }


# ---------------------------------------------------------------- the chained handoff records

HANDOFF_NOTE, ISSUED, ACKNOWLEDGED, REVIEWED = "note", "issued", "acknowledged", "reviewed"
HANDOFF_KINDS = (HANDOFF_NOTE, ISSUED, ACKNOWLEDGED, REVIEWED)
_HANDOFF_REQUIRED = {HANDOFF_NOTE: ("text",), ISSUED: ("snapshot",), ACKNOWLEDGED: ("by",), REVIEWED: ("by",)}


class HandoffRefused(ValueError):
    """An entry the handoff chain does not accept at this point."""


@dataclass(frozen=True)
class HandoffRecord:
    """One entry of a shift's handoff chain; ``seq`` counts from 1 per shift."""

    shift_id: int
    seq: int
    at: datetime
    actor: str | None
    kind: str
    data: dict[str, Any] = field(hash=False)
    prev_hash: str
    hash: str

    @property
    def chain_key(self) -> int:
        return self.shift_id

    @property
    def label(self) -> str:
        return f"handoff of shift {self.shift_id} record {self.seq}"

    def content(self) -> dict[str, Any]:
        return {"shift_id": self.shift_id, "seq": self.seq, "at": instant_text(self.at),
                "actor": self.actor, "kind": self.kind, "data": self.data}


def note_record_data(text: str) -> dict[str, Any]:
    return {"text": text}


def issued_data(handoff: Handoff) -> dict[str, Any]:
    """The record as handed over, frozen: later events on its calls do not change it."""
    return {"dispatcher": handoff.shift.dispatcher, "start": format_utc(handoff.shift.start),
            "end": format_utc(handoff.shift.end), "anchor": handoff.anchor,
            "snapshot": canonical(handoff_to_dict(handoff))}


def acknowledged_data(by: str, comment: str | None = None, *, anchor: str | None = None) -> dict[str, Any]:
    """The incoming dispatcher took the record over, with the anchor it printed."""
    return {"by": by, "comment": comment, "anchor": anchor}


def reviewed_data(by: str, comment: str | None = None) -> dict[str, Any]:
    return {"by": by, "comment": comment}


def check_handoff_append(records: Sequence[HandoffRecord], shift: Shift, kind: str, by: str | None) -> None:
    """Raises :class:`HandoffRefused` unless ``kind`` may be appended now: notes before the
    record is issued, one issue, one acknowledgement by somebody other than the outgoing
    dispatcher after it, reviews (any number) after it. Roles are the service's business."""
    if kind not in HANDOFF_KINDS:
        raise HandoffRefused(f"unknown handoff entry {kind!r} (one of {', '.join(HANDOFF_KINDS)})")
    kinds = [r.kind for r in records]
    issued = ISSUED in kinds
    if kind in (HANDOFF_NOTE, ISSUED) and issued:
        raise HandoffRefused(f"the handoff of shift {shift.id} was already issued: "
                             "add to it by a review comment")
    if kind in (ACKNOWLEDGED, REVIEWED) and not issued:
        raise HandoffRefused(f"the handoff of shift {shift.id} is not issued yet")
    if kind == ACKNOWLEDGED:
        if ACKNOWLEDGED in kinds:
            who = next(r.data.get("by") for r in records if r.kind == ACKNOWLEDGED)
            raise HandoffRefused(f"the handoff of shift {shift.id} was already acknowledged by {who}")
        if by == shift.dispatcher:
            raise HandoffRefused("the incoming dispatcher acknowledges a handoff, not the one handing over")


def next_handoff_record(previous: HandoffRecord | None, *, shift_id: int, at: datetime, actor: str | None,
                        kind: str, data: Mapping[str, Any]) -> HandoffRecord:
    """The entry that follows ``previous`` in the shift's chain, hashed and linked."""
    if kind not in _HANDOFF_REQUIRED:
        raise BadEvent(f"unknown handoff entry {kind!r} (one of {', '.join(HANDOFF_KINDS)})")
    missing = [k for k in _HANDOFF_REQUIRED[kind] if k not in data]
    if missing:
        raise BadEvent(f"{kind} entry: {missing[0]} is missing")
    check_flat(kind, data)
    seq, prev_hash = link_after(previous, shift_id)
    payload = dict(data)
    content = {"shift_id": shift_id, "seq": seq, "at": instant_text(at), "actor": actor, "kind": kind,
               "data": payload}
    return HandoffRecord(shift_id=shift_id, seq=seq, at=at, actor=actor, kind=kind, data=payload,
                         prev_hash=prev_hash, hash=chain_hash(prev_hash, content))


@dataclass(frozen=True)
class HandoffState:
    issued_at: datetime | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    reviews: tuple[tuple[str, datetime, str | None], ...]
    notes: tuple[str, ...]


def handoff_state(records: Sequence[HandoffRecord]) -> HandoffState:
    """Where a handoff stands: issued, acknowledged by whom, reviews (by, at, comment), notes."""
    issued = next((r for r in records if r.kind == ISSUED), None)
    ack = next((r for r in records if r.kind == ACKNOWLEDGED), None)
    return HandoffState(
        issued_at=issued.at if issued else None,
        acknowledged_by=ack.data["by"] if ack else None,
        acknowledged_at=ack.at if ack else None,
        reviews=tuple((r.data["by"], r.at, r.data.get("comment")) for r in records if r.kind == REVIEWED),
        notes=tuple(r.data["text"] for r in records if r.kind == HANDOFF_NOTE),
    )
