"""Calls, their timeline of events, statuses and the hash chain (DOMAIN.md "Calls and their record").

A call's timeline is append-only: every change is a new :class:`CallEvent` with a ``kind`` and a
flat payload (``data``: names to JSON scalars), so a store keeps it in one table and a service
never rewrites a row. Each event holds the hash of its canonical content and of the event before
it; :func:`verify_chain` finds the first event that was edited, deleted or moved. The chain
machinery is generic: handoff records (``handoff.py``) are chained the same way.

Statuses and their transitions (:data:`TRANSITIONS`)::

    new        -> handling | escalating | deferred | resolved
    handling   -> escalating | deferred | resolved
    escalating -> engaged | handling | deferred | resolved
    engaged    -> escalating | resolved
    deferred   -> escalating | handling | resolved
    resolved   -> (nothing)

- ``handling``: the dispatcher works it themself (the verdict was handle, or a level-1 runbook is
  worth a try first). ``handling -> escalating|deferred`` when that did not fix it.
- ``engaged`` only follows ``escalating``, when an attempt is acked (:func:`status_after_attempt`).
  ``engaged -> escalating``: the expert gave up or handed it back; the dispatcher goes on down the
  wake list. There is no ``engaged -> handling``: a call an expert took stays theirs until
  resolved or handed back.
- ``deferred -> escalating`` when a client authorizer approved billable work or coverage began.
- ``resolved`` is final. A problem that comes back is a new call whose note names the old one:
  reopening would move a closed call back into the queue and rewrite the figures of a handoff
  already signed off.
- A status never "changes" to itself: that is refused too, so the timeline holds no empty changes.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Iterable, Mapping, Protocol, Sequence

from .localtime import format_utc
from .model import DEFAULT_IMPACT, CallFacts, WakeEntry

# ---------------------------------------------------------------- statuses

NEW, HANDLING, ESCALATING, ENGAGED, DEFERRED, RESOLVED = (
    "new", "handling", "escalating", "engaged", "deferred", "resolved")
STATUSES = (NEW, HANDLING, ESCALATING, ENGAGED, DEFERRED, RESOLVED)
OPEN_STATUSES = (NEW, HANDLING, ESCALATING, ENGAGED, DEFERRED)

TRANSITIONS: dict[str, tuple[str, ...]] = {
    NEW: (HANDLING, ESCALATING, DEFERRED, RESOLVED),
    HANDLING: (ESCALATING, DEFERRED, RESOLVED),
    ESCALATING: (ENGAGED, HANDLING, DEFERRED, RESOLVED),
    ENGAGED: (ESCALATING, RESOLVED),
    DEFERRED: (ESCALATING, HANDLING, RESOLVED),
    RESOLVED: (),
}


class TransitionRefused(ValueError):
    """A status change the table does not allow; the message says what is allowed instead."""

    def __init__(self, message: str, from_status: str, to_status: str):
        super().__init__(message)
        self.from_status = from_status
        self.to_status = to_status


def _article(status: str) -> str:
    return "an" if status[0] in "aeiou" else "a"


def check_transition(from_status: str, to_status: str) -> None:
    """Raises :class:`TransitionRefused` unless a call may go from ``from_status`` to ``to_status``."""
    for status in (from_status, to_status):
        if status not in TRANSITIONS:
            raise TransitionRefused(
                f"unknown status {status!r} (one of {', '.join(STATUSES)})", from_status, to_status)
    if to_status in TRANSITIONS[from_status]:
        return
    lead = f"{_article(from_status)} {from_status} call cannot become {to_status}"
    if from_status == RESOLVED:
        hint = "a resolved call is final; record a new call that refers to it"
    elif from_status == to_status:
        hint = f"it is already {to_status}"
    else:
        allowed = TRANSITIONS[from_status]
        hint = f"from {from_status} it can become {', '.join(allowed[:-1])} or {allowed[-1]}"
    raise TransitionRefused(f"{lead} ({hint})", from_status, to_status)


# ---------------------------------------------------------------- the call


class UnmatchedCall(ValueError):
    """A call with no client yet: it cannot be triaged until a dispatcher assigns one."""


@dataclass(frozen=True, kw_only=True)
class Call:
    """A recorded call. ``status`` is the current one (the last status event says the same).

    ``contact`` is the name of the client contact matched by the caller's phone. ``unmatched``
    is true while no client is known (``client`` None); an ``assigned`` event ends it.
    """

    id: int
    client: str | None
    received_at: datetime
    system: str | None = None
    impact: str = DEFAULT_IMPACT
    summary: str = ""
    caller_name: str | None = None
    caller_phone: str | None = None
    contact: str | None = None
    source: str = "phone"
    external_id: str | None = None
    status: str = NEW
    priority_override: str | None = None
    priority_override_by: str | None = None
    authorized: bool = False
    unmatched: bool = False
    priority: str | None = None
    """The priority in force: set by triage when recorded (or assigned), or the override."""
    response_due: datetime | None = None
    """Kept as recorded, recomputed on an override, an authorization or an assignment."""

    def facts(self) -> CallFacts:
        """The triage inputs of this call; raises :class:`UnmatchedCall` without a client."""
        if self.client is None:
            raise UnmatchedCall(f"call {self.id} has no client yet: assign one before triage")
        return CallFacts(client=self.client, system=self.system, impact=self.impact,
                         summary=self.summary, priority_override=self.priority_override)

    @property
    def is_open(self) -> bool:
        return self.status != RESOLVED


# ---------------------------------------------------------------- events and their payloads

CREATED, PRIORITY, NOTE, ATTEMPT, STATUS, AUTHORIZATION, ASSIGNED, RESOLUTION, ALERT = (
    "created", "priority", "note", "attempt", "status", "authorization", "assigned", "resolution", "alert")
EVENT_KINDS = (CREATED, PRIORITY, NOTE, ATTEMPT, STATUS, AUTHORIZATION, ASSIGNED, RESOLUTION, ALERT)
CHANNELS = ("phone", "sms", "email")
NO_ANSWER, VOICEMAIL, DECLINED, ACKED = "no-answer", "voicemail", "declined", "acked"
OUTCOMES = (NO_ANSWER, VOICEMAIL, DECLINED, ACKED)
RUNBOOK_ANSWERS = ("yes", "no", None)

_REQUIRED: dict[str, tuple[str, ...]] = {
    CREATED: ("client", "summary"),
    PRIORITY: ("priority", "override"),
    NOTE: ("text",),
    ATTEMPT: ("tech", "channel", "outcome"),
    STATUS: ("from", "to"),
    AUTHORIZATION: ("contact",),
    ASSIGNED: ("client",),
    RESOLUTION: ("note", "runbook_change", "by"),
    ALERT: ("state",),
}
_CHOICES: dict[tuple[str, str], tuple[Any, ...]] = {
    (PRIORITY, "priority"): ("P1", "P2", "P3", "P4"),
    (PRIORITY, "override"): (True, False),
    (ATTEMPT, "channel"): CHANNELS,
    (ATTEMPT, "outcome"): OUTCOMES,
    (STATUS, "from"): STATUSES,
    (STATUS, "to"): STATUSES,
    (RESOLUTION, "runbook_change"): RUNBOOK_ANSWERS,
}


class BadEvent(ValueError):
    """An event whose kind or payload is not one this module knows."""


def check_event_data(kind: str, data: Mapping[str, Any]) -> None:
    """Raises :class:`BadEvent` unless ``data`` is a flat payload fit for ``kind``."""
    if kind not in _REQUIRED:
        raise BadEvent(f"unknown event kind {kind!r} (one of {', '.join(EVENT_KINDS)})")
    check_flat(kind, data)
    for key in _REQUIRED[kind]:
        if key not in data:
            raise BadEvent(f"{kind} event: {key} is missing")
    for (choice_kind, key), allowed in _CHOICES.items():
        if choice_kind == kind and key in data and data[key] not in allowed:
            shown = ", ".join("null" if a is None else str(a) for a in allowed)
            raise BadEvent(f"{kind} event: {key} {data[key]!r} is not one of {shown}")


def check_flat(kind: str, data: Mapping[str, Any]) -> None:
    """A payload is flat: text keys, values text, numbers, true/false or null (one table row
    per record, and a canonical form that JSON cannot spell two ways)."""
    for key, value in data.items():
        if not isinstance(key, str):
            raise BadEvent(f"{kind} entry: key {key!r} is not text")
        if value is not None and not isinstance(value, (str, int, float, bool)):
            raise BadEvent(f"{kind} entry: {key} must be text, a number, true/false or null")


def created_data(call: Call, *, unknown_system: str | None = None) -> dict[str, Any]:
    """The first event: what was taken down, plus a system id the client does not have."""
    return {"client": call.client, "system": call.system, "unknown_system": unknown_system,
            "impact": call.impact, "summary": call.summary, "caller_name": call.caller_name,
            "caller_phone": call.caller_phone, "contact": call.contact, "source": call.source,
            "external_id": call.external_id, "unmatched": call.unmatched}


def priority_data(priority: str, *, override: bool, by: str | None = None, why: str = "") -> dict[str, Any]:
    """Set by triage (``override`` false, ``by`` None) or overridden by a dispatcher ``by``."""
    return {"priority": priority, "override": override, "by": by, "why": why}


def note_data(text: str) -> dict[str, Any]:
    return {"text": text}


def attempt_data(tech: str, outcome: str, channel: str = "phone") -> dict[str, Any]:
    return {"tech": tech, "channel": channel, "outcome": outcome}


def status_data(from_status: str, to_status: str, *, why: str | None = None,
                until: datetime | None = None) -> dict[str, Any]:
    """A checked status change; ``until`` is when a deferred call is to be picked up again."""
    check_transition(from_status, to_status)
    return {"from": from_status, "to": to_status, "why": why, "until": format_utc(until)}


def authorization_data(contact: str, *, note: str | None = None) -> dict[str, Any]:
    """A client authorizer (by contact name) approved billable out-of-agreement work."""
    return {"contact": contact, "note": note}


def assigned_data(client: str, *, contact: str | None = None) -> dict[str, Any]:
    return {"client": client, "contact": contact}


def resolution_data(note: str, *, by: str | None, runbook_change: str | None = None) -> dict[str, Any]:
    """``by`` is who fixed it (may differ from the dispatcher recording it); ``runbook_change``
    is the resolver's answer, ``yes``/``no``, or None when not asked (not an expert's fix)."""
    return {"note": note, "by": by, "runbook_change": runbook_change}


def alert_data(state: str, *, text: str = "", source: str | None = None) -> dict[str, Any]:
    """A monitoring update on the call's alert (``firing``, ``resolved``, ...)."""
    return {"state": state, "text": text, "source": source}


# ---------------------------------------------------------------- the hash chain

GENESIS = "0" * 64
"""The ``prev_hash`` of the first record of every chain."""


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical(content: Mapping[str, Any]) -> str:
    """Sorted-key compact JSON: the same content always gives the same text."""
    return _CANONICAL.encode(content)


def chain_hash(prev_hash: str, content: Mapping[str, Any]) -> str:
    """sha256 of the previous hash followed by the canonical content, in hex."""
    return hashlib.sha256((prev_hash + canonical(content)).encode("utf-8")).hexdigest()


def instant_text(at: datetime) -> str:
    """An instant as it is hashed: ISO 8601 UTC with ``Z``. Naive datetimes are refused: their
    hash would depend on the machine's time zone."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise BadEvent(f"instant {at.isoformat()} has no time zone")
    return format_utc(at)  # type: ignore[return-value]


class Chained(Protocol):
    """What :func:`verify_chain` needs of a record: call events and handoff records both qualify."""

    seq: int
    prev_hash: str
    hash: str

    @property
    def chain_key(self) -> Any: ...

    @property
    def label(self) -> str: ...

    def content(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class CallEvent:
    """One entry of a call's timeline. ``seq`` counts from 1 per call."""

    call_id: int
    seq: int
    at: datetime
    actor: str | None
    kind: str
    data: dict[str, Any] = field(hash=False)
    prev_hash: str
    hash: str

    @property
    def chain_key(self) -> int:
        return self.call_id

    @property
    def label(self) -> str:
        return f"call {self.call_id} event {self.seq}"

    def content(self) -> dict[str, Any]:
        return {"call_id": self.call_id, "seq": self.seq, "at": instant_text(self.at),
                "actor": self.actor, "kind": self.kind, "data": self.data}

    def expected_hash(self) -> str:
        return chain_hash(self.prev_hash, self.content())


def event_hash(call_id: int, seq: int, at: datetime, actor: str | None, kind: str,
               data: Mapping[str, Any], prev_hash: str) -> str:
    return chain_hash(prev_hash, {"call_id": call_id, "seq": seq, "at": instant_text(at),
                                  "actor": actor, "kind": kind, "data": dict(data)})


def link_after(previous: Chained | None, key: Any) -> tuple[int, str]:
    """(seq, prev_hash) of the record that follows ``previous`` in the chain ``key``."""
    if previous is None:
        return 1, GENESIS
    if previous.chain_key != key:
        raise BadEvent(f"{previous.label} belongs to another chain than {key!r}")
    return previous.seq + 1, previous.hash


def next_event(previous: CallEvent | None, *, call_id: int, at: datetime, actor: str | None,
               kind: str, data: Mapping[str, Any]) -> CallEvent:
    """The event that follows ``previous`` (None for a call's first event), hashed and linked."""
    check_event_data(kind, data)
    seq, prev_hash = link_after(previous, call_id)
    payload = dict(data)
    return CallEvent(call_id=call_id, seq=seq, at=at, actor=actor, kind=kind, data=payload,
                     prev_hash=prev_hash, hash=event_hash(call_id, seq, at, actor, kind, payload, prev_hash))


@dataclass(frozen=True)
class EventDraft:
    """An event not yet chained."""

    at: datetime
    actor: str | None
    kind: str
    data: Mapping[str, Any]


def chain_events(call_id: int, drafts: Iterable[EventDraft], previous: CallEvent | None = None) -> list[CallEvent]:
    """Chains ``drafts`` after ``previous``: a call with its first events is written in one go."""
    out: list[CallEvent] = []
    for draft in drafts:
        previous = next_event(previous, call_id=call_id, at=draft.at, actor=draft.actor,
                              kind=draft.kind, data=draft.data)
        out.append(previous)
    return out


ALTERED, MISSING, OUT_OF_ORDER, FOREIGN, TRUNCATED = (
    "altered", "missing", "out of order", "foreign", "truncated")


@dataclass(frozen=True)
class ChainBreak:
    """The first place a chain does not hold.

    ``seq`` is the sequence number of the broken record: the edited or moved one, or the
    missing one for a deletion. ``record`` is the stored record where the break was seen
    (None when the chain ends early). ``message`` names it for a person.
    """

    key: Any
    seq: int
    problem: str  # altered | missing | out of order | foreign | truncated
    message: str
    record: Any = field(default=None, compare=False)


def verify_chain(records: Sequence[Chained], head_hash: str | None = None,
                 head_count: int | None = None) -> ChainBreak | None:
    """The first break in one chain, or None when it holds.

    ``records`` come in the order they were stored (not re-sorted: reordering is what we look
    for). Checks, record by record: the seq follows the previous one (a gap is a deleted record,
    a seq seen later is a reordering), the content still gives the stored hash (an edited field),
    the record names the hash of the one before it. Deleting the *last* record leaves a valid
    shorter chain: only the head kept outside the chain (``head_hash``, ``head_count``, stored
    on the call or the shift with each append) shows it.
    """
    if not records:
        if (head_hash is not None and head_hash != GENESIS) or (head_count or 0) > 0:
            return ChainBreak(None, 1, TRUNCATED, "every record is missing: the head names a longer chain")
        return None
    key = records[0].chain_key
    seqs = {r.seq for r in records}
    prev_hash = GENESIS
    for index, record in enumerate(records):
        expected_seq = index + 1
        if record.chain_key != key:
            return ChainBreak(key, expected_seq, FOREIGN,
                              f"{record.label} is stored among the records of {key!r}", record)
        if record.seq != expected_seq:
            if expected_seq in seqs or record.seq < expected_seq:
                return ChainBreak(key, record.seq, OUT_OF_ORDER,
                                  f"{record.label} is out of order (expected {expected_seq} here)", record)
            missing = _label_for(record, expected_seq)
            return ChainBreak(key, expected_seq, MISSING,
                              f"{missing} is missing (found {record.label} after it)", record)
        if record.hash != chain_hash(record.prev_hash, record.content()):
            return ChainBreak(key, record.seq, ALTERED, f"{record.label} was altered (its hash no longer matches)",
                              record)
        if record.prev_hash != prev_hash:
            return ChainBreak(key, record.seq, OUT_OF_ORDER,
                              f"{record.label} does not follow the record before it (moved or replaced)", record)
        prev_hash = record.hash
    last = records[-1]
    if head_count is not None and head_count != len(records):
        if head_count > len(records):
            return ChainBreak(key, len(records) + 1, TRUNCATED,
                              f"{_label_for(last, len(records) + 1)} is missing: the chain ends early", None)
        return ChainBreak(key, head_count + 1, ALTERED,
                          f"{_label_for(last, head_count + 1)} was added outside the program", None)
    if head_hash is not None and head_hash != last.hash:
        return ChainBreak(key, last.seq + 1, TRUNCATED,
                          f"{_label_for(last, last.seq + 1)} is missing: the chain does not end at its head", None)
    return None


def _label_for(record: Chained, seq: int) -> str:
    return record.label.rsplit(" ", 1)[0] + f" {seq}"


# ---------------------------------------------------------------- reading a timeline


def status_at(events: Iterable[CallEvent], at: datetime | None = None) -> str:
    """The call's status from its status events (up to ``at`` when given); ``new`` without any."""
    status = NEW
    for event in sorted((e for e in events if e.kind == STATUS), key=lambda e: e.seq):
        if at is None or event.at <= at:
            status = event.data["to"]
    return status


def is_acknowledgement(event: CallEvent) -> bool:
    """An acked contact attempt: the person called answered and took it."""
    return event.kind == ATTEMPT and event.data.get("outcome") == ACKED


def is_response(event: CallEvent) -> bool:
    """The call was responded to: an acked attempt, the call set to handling, engaged or
    resolved, or its resolution (the "responded" of the handoff record and the figures)."""
    return (is_acknowledgement(event) or event.kind == RESOLUTION
            or (event.kind == STATUS and event.data.get("to") in (HANDLING, ENGAGED, RESOLVED)))


def is_escalation(event: CallEvent) -> bool:
    """The call went from ``new`` to ``escalating``: its verdict at recording was escalate."""
    return event.kind == STATUS and event.data.get("from") == NEW and event.data.get("to") == ESCALATING


@dataclass(frozen=True)
class ResponseMarks:
    """The first instants the response figures count from a timeline (None: not yet)."""

    first_ack: datetime | None = None
    first_response: datetime | None = None
    escalated: datetime | None = None


def response_marks(events: Iterable[CallEvent]) -> ResponseMarks:
    """The earliest acknowledgement, response and escalation among ``events``. Marks only move
    earlier as events are added, so a store may keep them and fold in each new batch."""
    def first(test) -> datetime | None:
        return min((e.at for e in chosen if test(e)), default=None)
    chosen = list(events)
    return ResponseMarks(first(is_acknowledgement), first(is_response), first(is_escalation))


def status_after_attempt(status: str, outcome: str) -> str | None:
    """The status an attempt moves the call to: an ack while escalating engages the expert."""
    if outcome == ACKED and status == ESCALATING:
        return ENGAGED
    return None


@dataclass(frozen=True)
class Attempt:
    tech: str
    outcome: str
    at: datetime
    channel: str = "phone"


@dataclass(frozen=True)
class EscalationState:
    """Where the escalation of a call stands at an instant (see :func:`escalation_state`)."""

    tried: tuple[Attempt, ...]
    awaiting: str | None
    awaiting_until: datetime | None
    next: WakeEntry | None
    engaged_by: str | None

    @property
    def exhausted(self) -> bool:
        """Everyone on the wake list was tried, nobody acked and nobody is awaited."""
        return self.engaged_by is None and self.awaiting is None and self.next is None and bool(self.tried)


def attempts_of(events: Iterable[CallEvent], at: datetime | None = None) -> list[Attempt]:
    """The contact attempts of a timeline up to ``at``, in the order they happened."""
    chosen = [e for e in events if e.kind == ATTEMPT and (at is None or e.at <= at)]
    chosen.sort(key=lambda e: (e.at, e.seq))
    return [Attempt(e.data["tech"], e.data["outcome"], e.at, e.data.get("channel") or "phone") for e in chosen]


def escalation_state(wake: Sequence[WakeEntry], attempts: Iterable[Attempt | CallEvent],
                     at: datetime) -> EscalationState:
    """Who was tried, whose acknowledgement is awaited until when, who is next, who is engaged.

    Rules (attempts after ``at`` are ignored; ``attempts`` may be the whole timeline):
    - ``acked`` engages that technician (the first to ack wins). A later non-acked attempt to the
      engaged technician (typically ``declined``: they gave up) releases them. While someone is
      engaged nobody is awaited and there is no next.
    - ``no-answer`` and ``voicemail`` start a wait: the technician may still call back until
      their first attempt of the call + their entry's ``ack_minutes`` (a second ring does not
      extend it; a technician not on the wake list waits the list's ``ack_minutes``; with an
      empty list there is no wait). ``declined`` starts none.
    - ``awaiting`` is the most recently tried technician whose wait is still running at ``at``.
    - ``next`` is the first wake entry in order not tried yet: who to call when the wait ends
      (or now, when nobody is awaited). Everyone tried and nobody engaged: ``exhausted``.
    """
    tried = [a for a in (_as_attempt(item) for item in attempts) if a is not None and a.at <= at]
    tried.sort(key=lambda a: a.at)
    default_ack = wake[0].ack_minutes if wake else None
    ack_for = {w.tech: w.ack_minutes for w in wake}
    first_at: dict[str, datetime] = {}
    last_outcome: dict[str, str] = {}
    order: list[str] = []  # techs by their latest attempt, oldest first
    engaged: str | None = None
    for attempt in tried:
        first_at.setdefault(attempt.tech, attempt.at)
        last_outcome[attempt.tech] = attempt.outcome
        if attempt.tech in order:
            order.remove(attempt.tech)
        order.append(attempt.tech)
        if attempt.outcome == ACKED:
            if engaged is None:
                engaged = attempt.tech
        elif attempt.tech == engaged:
            engaged = None
    if engaged is not None:
        return EscalationState(tuple(tried), None, None, None, engaged)
    awaiting = awaiting_until = None
    for tech in reversed(order):
        minutes = ack_for.get(tech, default_ack)
        if last_outcome[tech] in (NO_ANSWER, VOICEMAIL) and minutes is not None:
            until = first_at[tech] + timedelta(minutes=minutes)
            if at < until:
                awaiting, awaiting_until = tech, until
                break
    next_entry = next((w for w in wake if w.tech not in first_at), None)
    return EscalationState(tuple(tried), awaiting, awaiting_until, next_entry, None)


def _as_attempt(item: Attempt | CallEvent) -> Attempt | None:
    if isinstance(item, Attempt):
        return item
    if item.kind != ATTEMPT:
        return None
    return Attempt(item.data["tech"], item.data["outcome"], item.at, item.data.get("channel") or "phone")


# ---------------------------------------------------------------- the record's chain

RECORD_START = GENESIS
"""The link before the first entry of the record's chain."""

CALL_FACTS = ("client", "system", "impact", "summary", "caller_name", "caller_phone", "contact", "source",
              "external_id", "received_at", "status", "priority", "priority_override", "priority_override_by",
              "authorized", "unmatched", "response_due")
"""The facts of a call its row keeps: every one is chained (the state hash of its last event)
and all but ``response_due`` also follow from its events (:func:`project_call`)."""

COLUMN_EDITED, RECORD_DELETED, RECORD_INSERTED, REHASHED = (
    "column edited", "record deleted", "record inserted", "re-hashed against anchor")

BACKDATE_SKEW = timedelta(minutes=5)
"""How far past the clock an event may be dated (two workstations' clocks disagree a little)."""


def call_facts(call: Call) -> dict[str, Any]:
    """A call's facts as they are hashed (instants as ISO 8601 UTC text)."""
    facts = {name: getattr(call, name) for name in CALL_FACTS}
    facts["client"] = call.client
    facts["received_at"] = format_utc(call.received_at)
    facts["response_due"] = format_utc(call.response_due)
    facts["authorized"] = bool(call.authorized)
    facts["unmatched"] = bool(call.unmatched)
    return facts


def state_hash(facts: Mapping[str, Any]) -> str:
    """sha256 of a record's facts in canonical form: what the chain holds of a call's row."""
    return hashlib.sha256(canonical(facts).encode("utf-8")).hexdigest()


def project_call(events: Iterable[CallEvent]) -> dict[str, Any]:
    """The facts of a call that its events say (every one of :data:`CALL_FACTS` but
    ``response_due``, which triage computed from the environment of the day): what a row must
    show for each of its columns."""
    facts: dict[str, Any] = {"status": NEW, "priority": None, "priority_override": None,
                             "priority_override_by": None, "authorized": False}
    for event in sorted(events, key=lambda e: e.seq):
        data = event.data
        if event.kind == CREATED:
            for name in ("client", "system", "impact", "summary", "caller_name", "caller_phone", "contact",
                         "source", "external_id"):
                facts[name] = data.get(name)
            facts["unmatched"] = bool(data.get("unmatched"))
            facts["received_at"] = format_utc(event.at)
        elif event.kind == ASSIGNED:
            facts.update(client=data.get("client"), contact=data.get("contact"), system=data.get("system"),
                         unmatched=False)
        elif event.kind == PRIORITY:
            facts["priority"] = data.get("priority")
            if data.get("override"):
                facts.update(priority_override=data.get("priority"), priority_override_by=data.get("by"))
        elif event.kind == STATUS:
            facts["status"] = data.get("to")
        elif event.kind == AUTHORIZATION:
            facts["authorized"] = True
    return facts


def named_tech(kind: str, data: Mapping[str, Any]) -> str | None:
    """The technician an event's payload names (an attempt's tech, a resolver, an override's
    author): the store repeats it in a column, so it must follow from the payload."""
    if kind in (RESOLUTION, PRIORITY):
        return data.get("by")
    return data.get("tech")


def shift_entry_hash(shift_id: int, dispatcher: str, start: datetime) -> str:
    """The hash of a shift's own entry in the record's chain: who and from when."""
    return chain_hash(GENESIS, {"shift_id": shift_id, "dispatcher": dispatcher, "start": instant_text(start)})


def link_hash(prev_link: str, position: int, record_hash: str, state: str | None) -> str:
    """The record's chain: every call event, shift and handoff record in write order, each
    link the sha256 of the link before, its position, the record's own hash and (for a call
    event) the state hash of its call after it was written."""
    return hashlib.sha256(f"{prev_link}{position}:{record_hash}:{state or ''}".encode("ascii")).hexdigest()


@dataclass(frozen=True)
class Anchor:
    """The record's chain head as printed outside the database: ``HASH:COUNT``."""

    hash: str
    count: int

    def __str__(self) -> str:
        return f"{self.hash}:{self.count}"


def parse_anchor(text: str) -> Anchor:
    """``HASH:COUNT`` (64 hex digits, a count of 0 or more); ValueError says what is wrong."""
    value = (text or "").strip()
    digest, sep, count = value.rpartition(":")
    if not sep or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest.lower()):
        raise ValueError(f"anchor {text!r} is not HASH:COUNT (64 hex digits, a colon, a count), "
                         "as printed at the end of a handoff record")
    if not count.isdigit() or len(count) > 12:
        raise ValueError(f"anchor {text!r}: the count after the colon must be a whole number")
    return Anchor(digest.lower(), int(count))


def check_event_time(at: datetime, *, received_at: datetime, now: datetime | None, label: str = "event") -> None:
    """Refuses (ValueError) an event dated before its call was received or, when a clock
    ``now`` is given apart from ``at``, more than :data:`BACKDATE_SKEW` after it."""
    if at < received_at:
        raise ValueError(f"{label} at {format_utc(at)} is before the call was received "
                         f"({format_utc(received_at)}): history cannot be backdated")
    if now is not None and at > now + BACKDATE_SKEW:
        raise ValueError(f"{label} at {format_utc(at)} is in the future (now is {format_utc(now)}; "
                         f"at most {int(BACKDATE_SKEW.total_seconds() // 60)} minutes ahead are allowed)")
