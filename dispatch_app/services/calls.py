"""Calls as use cases: take a call, find the caller, work it, resolve it (DOMAIN.md "Calls and
their record").

Every write takes the acting technician (``actor``; None is the anonymous level-1 dispatcher),
checks their role, lands whole in one transaction that bumps the change counter, and answers
what changed (:class:`CallChanged`, :class:`RecordedCall`). Recording and working calls needs
the dispatcher, lead, manager or admin role (the anonymous dispatcher holds dispatcher);
listing and closing runbook-change requests needs lead (or admin).

Status automation, what a night dispatcher expects without typing a status:
- recording (or assigning the client of an unmatched call) sets the status from the verdict:
  handle -> handling, escalate -> escalating, defer -> deferred (with until = next covered);
- a contact attempt on a new or handling call means it is being escalated: -> escalating; an
  acked attempt makes it engaged (a deferred call goes escalating -> engaged: the technician took
  it); a later no-answer/declined attempt to the engaged technician hands it back: -> escalating;
- an authorization of a deferred call -> escalating; a priority override that makes a deferred
  call workable now (its verdict at that instant is handle or escalate) -> handling/escalating;
- resolving appends the resolution and -> resolved. Any other change is asked for with
  :func:`set_status` and checked against the domain's transitions.

Response due is kept on the call as recorded (start = received, or next covered for a defer)
and recomputed: on an override and on an assignment from the received instant (the caller has
waited since then), on an authorization of a deferred call from the authorization (the clock
starts when the client approves billable work).

Caller phones are matched as E.164 (phonenumbers) against client lines and contact phones;
numbers written without a country code are read in the MSP's country, found from its time zone
in the time-zone database's ``zone.tab`` (America/Chicago -> US, Europe/London -> GB), "US" when
the zone names no country. A number that several clients share matches none of them.
"""
from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Any

import phonenumbers

from dispatch_app import store
from dispatch_app.domain import timeline as tl
from dispatch_app.domain import triage as rules
from dispatch_app.domain.model import PRIORITIES, Environment, Triage
from dispatch_app.domain.timeline import (
    ACKED,
    CHANNELS,
    DEFERRED,
    ENGAGED,
    ESCALATING,
    HANDLING,
    NEW,
    OUTCOMES,
    RESOLVED,
    Call,
    CallEvent,
    EscalationState,
    EventDraft,
    TransitionRefused,
)
from dispatch_app.errors import DispatchError, NotFound
from dispatch_app.resources import read_package_text
from dispatch_app.services import inputs, people
from dispatch_app.services.environment import load_environment
from dispatch_app.services.queue import QueueRow, queue, queue_order, queue_row  # the queue is read on Core
from dispatch_app.services.triage import check_impact, dispatcher_for
from dispatch_app.store import Database
from dispatch_app.store import call_rows

__all__ = [
    "CallChanged", "CallView", "CallerMatch", "PreparedCall", "QueueRow", "RecordedCall", "RunbookRequest",
    "add_note", "assign_client", "authorize", "call_view", "close_runbook_request", "default_region",
    "find_caller", "normalize_phone", "override_priority", "queue", "record_attempt", "record_call",
    "prepare_call", "queue_order", "queue_rows", "resolve", "runbook_change_requests", "set_status", "write_prepared",
]

WORK_ROLES = ("dispatcher", "lead", "manager")
LEAD_ROLES = ("lead",)
SUMMARY_MAX, NOTE_MAX, SOURCE_MAX, TEXT_MAX = inputs.SUMMARY_MAX, inputs.NOTE_MAX, inputs.SOURCE_MAX, inputs.TEXT_MAX
VERDICT_STATUS = {"handle": HANDLING, "escalate": ESCALATING, "defer": DEFERRED}
RunbookRequest = call_rows.RunbookRequest


# ---------------------------------------------------------------- values


@dataclass(frozen=True)
class CallerMatch:
    client: str
    client_name: str
    contact: str | None
    """The contact whose phone matched; None when the client's own line did."""


@dataclass(frozen=True)
class RecordedCall:
    """``created`` is false when the external id was seen before: ``call`` is that first call."""

    call: Call
    triage: Triage | None
    created: bool
    change: int | None = None


@dataclass(frozen=True)
class CallChanged:
    """What a write did: the call, its status now, the events it appended, the change counter."""

    call_id: int
    status: str
    events: tuple[CallEvent, ...]
    change: int
    call: Call


@dataclass(frozen=True)
class CallView:
    """A recorded call at an instant: timeline, triage (None while unmatched) and where its
    escalation stands (None while unmatched)."""

    call: Call
    events: tuple[CallEvent, ...]
    triage: Triage | None
    escalation: EscalationState | None


# ---------------------------------------------------------------- checks


def _text(value: str | None, what: str, maximum: int) -> str:
    text = (value or "").strip()
    if not text:
        raise DispatchError(f"{what}: must not be empty")
    if len(text) > maximum:
        raise DispatchError(f"{what}: {len(text)} characters, at most {maximum}")
    return text


def _worker(db: Database, actor: str | None, action: str) -> people.Actor:
    who = people.actor(db, actor)
    people.require_role(who, *WORK_ROLES, action=action)
    return who


def _client_of(env: Environment, client: str, option: str = "--client"):
    found = env.client(client)
    if found is None:
        raise NotFound(f"{option}: no client {client!r}")
    return found


def _triage(env: Environment, call: Call, at: datetime, actor: str | None) -> Triage:
    """The domain's verdict for a recorded call, its override and authorization included."""
    try:
        return rules.triage(env, call.facts(), at, dispatcher_for(env, actor), call_id=call.id or None,
                            authorized=call.authorized)
    except ValueError as error:
        raise DispatchError(f"call {call.id}: {error} (the environment changed since it was recorded; "
                            "assign it again or resolve it)") from None


def recorded_triage(env: Environment, call: Call, at: datetime, actor: str | None) -> Triage | None:
    """Triage of a recorded call at ``at``; its response due is the one kept on the call."""
    if call.client is None:
        return None
    result = _triage(env, call, at, actor)
    if call.response_due is not None:
        result = replace(result, response_due=call.response_due)
    return result


# ---------------------------------------------------------------- phones


@lru_cache(maxsize=64)
def default_region(timezone: str) -> str:
    """The country whose numbers may be written without a country code: the MSP's, read from
    its time zone in ``zone.tab``; "US" when the zone names no country."""
    try:
        table = read_package_text("tzdata", "zoneinfo", "zone.tab")
    except OSError:
        try:
            with open("/usr/share/zoneinfo/zone.tab", encoding="utf-8") as handle:
                table = handle.read()
        except OSError:
            return "US"
    for line in table.splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and not line.startswith("#") and parts[2] == timezone:
            return parts[0]
    return "US"


def normalize_phone(text: str | None, region: str = "US") -> str | None:
    """``text`` as E.164 (``+13125550201``), or None when it is not a possible number."""
    if not text or not text.strip():
        return None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class _PhoneBook:
    """E.164 -> matches, rebuilt when the clients change (their count, versions or last update)."""

    def __init__(self, fingerprint: tuple, region: str, entries: Sequence[call_rows.DirectoryEntry]):
        self.fingerprint = fingerprint
        self.region = region
        self.numbers: dict[str, list[CallerMatch]] = {}
        for entry in entries:
            e164 = normalize_phone(entry.phone, region)
            if e164 is not None:
                matches = self.numbers.setdefault(e164, [])
                if not any(m.client == entry.client and m.contact == entry.contact for m in matches):
                    matches.append(CallerMatch(entry.client, entry.client_name, entry.contact))


_books: "weakref.WeakKeyDictionary[Database, _PhoneBook]" = weakref.WeakKeyDictionary()
_books_lock = threading.Lock()


def _phone_book(db: Database) -> _PhoneBook:
    with db.session(read_only=True) as session:
        fingerprint = call_rows.directory_fingerprint(session)
        with _books_lock:
            book = _books.get(db)
        if book is not None and book.fingerprint == fingerprint:
            return book
        msp = store.load_msp(session)
        region = default_region(msp.timezone) if msp is not None else "US"
        book = _PhoneBook(fingerprint, region, call_rows.phone_directory(session))
    with _books_lock:
        _books[db] = book
    return book


def find_caller(db: Database, phone: str, *, client: str | None = None) -> CallerMatch | None:
    """Who is calling from ``phone`` (any format): a contact of a client (kept), else a client's
    own line. With ``client``, only that client's numbers count. None when nothing, or more than
    one client, matches. Fast enough to ask on every key press (one small query when nothing
    changed)."""
    book = _phone_book(db)
    e164 = normalize_phone(phone, book.region)
    if e164 is None:
        return None
    matches = [m for m in book.numbers.get(e164, ()) if client is None or m.client == client]
    if not matches or len({m.client for m in matches}) > 1:
        return None
    return next((m for m in matches if m.contact is not None), matches[0])


# ---------------------------------------------------------------- recording


@dataclass(frozen=True)
class PreparedCall:
    """A call checked and triaged, with its first events, not yet written (see :func:`prepare_call`)."""

    call: Call
    drafts: tuple[EventDraft, ...]
    triage: Triage | None


def record_call(db: Database, *, actor: str | None, summary: str, at: datetime, client: str | None = None,
                caller_phone: str | None = None, system: str | None = None, impact: str | None = None,
                caller_name: str | None = None, source: str = "phone", external_id: str | None = None,
                keep_unknown_client: bool = False) -> RecordedCall:
    """Record a call with its first events (created, priority, status) in one transaction.

    The client is ``client``, else the one ``caller_phone`` matches; without one the call is
    stored flagged unmatched (it sorts first in the queue until :func:`assign_client`). An
    unknown ``client`` is refused, unless ``keep_unknown_client`` (the intake never drops a
    call): then the call is unmatched and the id kept in its first event, as an unknown
    ``system`` of a known client is. ``external_id`` is an idempotency key: seen before, the
    first call is answered (``created`` false) and nothing is written.
    """
    if external_id is not None and external_id.strip():
        _worker(db, actor, "recording a call")
        with db.session() as session:
            existing = call_rows.find_by_external_id(session, external_id.strip())
        if existing is not None:
            return _recorded_again(db, existing, at, actor)
    prepared = prepare_call(db, actor=actor, summary=summary, at=at, client=client, caller_phone=caller_phone,
                            system=system, impact=impact, caller_name=caller_name, source=source,
                            external_id=external_id, keep_unknown_client=keep_unknown_client)
    try:
        with db.session(write=True) as session:
            change = store.record_change(session, at=at)
            stored, created = write_prepared(session, prepared)
            if not created:  # another writer took this external id first: write nothing
                raise _Existing(stored)
    except _Existing as first:
        return _recorded_again(db, first.call, at, actor)
    triage = replace(prepared.triage, call=stored.id) if prepared.triage is not None else None
    return RecordedCall(stored, triage, True, change)


def prepare_call(db: Database, *, actor: str | None, summary: str, at: datetime, client: str | None = None,
                 caller_phone: str | None = None, system: str | None = None, impact: str | None = None,
                 caller_name: str | None = None, source: str = "phone", external_id: str | None = None,
                 keep_unknown_client: bool = False, env: Environment | None = None) -> PreparedCall:
    """Everything :func:`record_call` does before its transaction: the role check, the input
    checks, the caller's match and the triage. ``env`` (holding the client) saves a load, for
    a caller that records many calls at once (the intake); :func:`write_prepared` writes it."""
    summary = _text(inputs.clean_text(summary or "", "summary"), "summary", SUMMARY_MAX)
    event_time(at)
    impact = check_impact(impact)
    source = _text(inputs.clean_text(source or "phone", "source"), "source", SOURCE_MAX)
    # the intake's limits (services.inputs) for what the command line and the console type too
    external_id = inputs.optional_text(external_id, "external id")
    caller_name = inputs.optional_text(caller_name, "caller name")
    caller_phone = inputs.optional_text(caller_phone, "caller phone")
    client = inputs.optional_text(client, "client") or client  # blank: refused below as no such client
    system = inputs.optional_text(system, "system")
    who = _worker(db, actor, "recording a call").id

    def environment_for(ids: list[str]) -> Environment:
        if env is not None and all(env.client(i) is not None for i in ids):
            return env
        return load_environment(db, clients=ids)

    unknown_client = unknown_system = None
    match: CallerMatch | None = None
    snapshot = environment_for([client] if client else [])
    if client is not None and snapshot.client(client) is None:
        if not keep_unknown_client:
            raise NotFound(f"--client: no client {client!r}")
        unknown_client, client = client, None
    if caller_phone:
        match = find_caller(db, caller_phone, client=client)
        if client is None and match is not None:
            client = match.client
            snapshot = environment_for([client])
    found = snapshot.client(client) if client is not None else None
    if system is not None and (found is None or found.system(system) is None):
        unknown_system, system = system, None
    region = _phone_book(db).region if caller_phone else "US"
    call = Call(id=0, client=client, received_at=at, system=system, impact=impact, summary=summary,
                caller_name=caller_name, caller_phone=normalize_phone(caller_phone, region) or (caller_phone or None),
                contact=match.contact if match is not None else None, source=source, external_id=external_id,
                unmatched=client is None)
    created = tl.created_data(call, unknown_system=unknown_system)
    if unknown_client is not None:
        created["unknown_client"] = unknown_client
    drafts = [EventDraft(at, who, tl.CREATED, created)]
    triage = None
    if found is not None:
        triage = _triage(snapshot, call, at, actor)
        status = VERDICT_STATUS[triage.verdict]
        call = replace(call, status=status, priority=triage.priority, response_due=triage.response_due)
        drafts.append(EventDraft(at, who, tl.PRIORITY, tl.priority_data(triage.priority, override=False)))
        drafts.append(EventDraft(at, who, tl.STATUS, tl.status_data(
            NEW, status, why=f"verdict {triage.verdict}", until=triage.next_covered if status == DEFERRED else None)))
    return PreparedCall(call, tuple(drafts), triage)


def write_prepared(session, prepared: PreparedCall) -> tuple[Call, bool]:
    """Write a prepared call in the caller's write transaction (which bumped the change counter
    first, serialising writers): (the call, True), or (the first call with its external id, False)."""
    if prepared.call.external_id is not None:
        existing = call_rows.find_by_external_id(session, prepared.call.external_id)
        if existing is not None:
            return existing, False
    triage = prepared.triage
    wake_count = len(triage.wake) if triage is not None and triage.verdict == "escalate" else None
    stored, _ = call_rows.insert_call(session, prepared.call, prepared.drafts, wake_count=wake_count)
    return stored, True


class _Existing(Exception):
    """Unwinds a write whose external id another writer recorded first."""

    def __init__(self, call: Call):
        self.call = call


def _recorded_again(db: Database, call: Call, at: datetime, actor: str | None) -> RecordedCall:
    env = load_environment(db, clients=[call.client] if call.client else [])
    return RecordedCall(call, recorded_triage(env, call, at, actor), False, None)


# ---------------------------------------------------------------- reading


def call_view(db: Database, call_id: int, *, at: datetime, as_tech: str | None = None) -> CallView:
    """The call, its timeline, its triage at ``at`` for ``as_tech`` (override and authorization
    applied, the response due kept on the call) and the state of its escalation at ``at``."""
    with db.session(read_only=True) as session:
        call = call_rows.load_call(session, call_id)
        if call is None:
            raise NotFound(f"no call {call_id}")
        events = call_rows.load_events(session, call_id)
    if call.client is None:
        return CallView(call, tuple(events), None, None)
    env = load_environment(db, clients=[call.client])
    if env.client(call.client) is None:
        return CallView(call, tuple(events), None, None)
    triage = recorded_triage(env, call, at, as_tech)
    wake = triage.wake if triage is not None else ()
    return CallView(call, tuple(events), triage, tl.escalation_state(wake, events, at))


def queue_rows(db: Database, call_ids: Sequence[int], *, at: datetime) -> tuple[list[QueueRow], list[int]]:
    """The queue rows of these calls: ``(rows of the open ones, ids of those closed or gone)``.
    What a console reads when the change feed names calls, instead of the whole queue."""
    rows: list[QueueRow] = []
    gone: list[int] = []
    with db.session(read_only=True) as session:
        for call_id in call_ids:
            c = call_rows.load_call(session, call_id)
            if c is None or not c.is_open:
                gone.append(call_id)
                continue
            rows.append(queue_row(c, at))
    return rows, gone


def runbook_change_requests(db: Database, *, actor: str | None, include_closed: bool = False) -> list[RunbookRequest]:
    """Resolved calls whose resolver asked for a runbook change (open ones; all with
    ``include_closed``), oldest first. For lead technicians."""
    people.require_role(people.actor(db, actor), *LEAD_ROLES, action="reading runbook-change requests")
    with db.session(read_only=True) as session:
        return call_rows.runbook_requests(session, include_closed=include_closed)


# ---------------------------------------------------------------- working a call

Build = Callable[[Call, list[CallEvent], str | None], tuple[list[tuple[str, dict[str, Any]]], dict[str, Any]]]
"""(the locked call, its timeline, the actor's id) -> (events as (kind, data), call columns to set)."""


def _change(db: Database, *, actor: str | None, call_id: int, at: datetime, action: str, build: Build,
            roles: Sequence[str] = WORK_ROLES, guard: Callable[[Any], None] | None = None) -> CallChanged:
    """One write on one call: role check, lock, build the events from the locked state, append.
    ``guard`` checks more of the locked state (it gets the session)."""
    who = people.actor(db, actor)
    people.require_role(who, *roles, action=action)
    with db.session(write=True) as session:
        change = store.record_change(session, at=at)
        call = call_rows.lock_call(session, call_id)
        if call is None:
            raise NotFound(f"no call {call_id}")
        if guard is not None:
            guard(session)
        event_time(at, call)
        events = call_rows.load_events(session, call_id)
        try:
            entries, columns = build(call, events, who.id)
        except TransitionRefused as refused:
            raise DispatchError(f"call {call_id}: {refused}") from None
        drafts = [EventDraft(at, who.id, kind, data) for kind, data in entries]
        stored, added = call_rows.append_events(session, call_id, drafts, columns)
    return CallChanged(call_id, stored.status, tuple(added), change, stored)


def event_time(at: datetime, call: Call | None = None, *, now: datetime | None = None) -> None:
    """Refuses an event dated before its call was received (history cannot be backdated), and,
    when the caller's clock ``now`` is given apart from ``at``, one later than
    ``timeline.BACKDATE_SKEW`` ahead of it. An instant given with ``--at`` is the command's now
    (CLI.md: it "replaces now wherever a command depends on the time"), so it is never "future"."""
    try:
        tl.check_event_time(at, received_at=call.received_at if call is not None else at,
                            now=now,
                            label=f"call {call.id}: the event" if call is not None else "the call")
    except ValueError as error:
        raise DispatchError(f"--at: {error}") from None


def _open(call: Call, doing: str) -> None:
    if call.status == RESOLVED:
        raise DispatchError(f"call {call.id} is resolved: {doing} is refused "
                            "(a resolved call is final; record a new call that refers to it)")


def _load_call(db: Database, call_id: int) -> Call:
    with db.session() as session:
        call = call_rows.load_call(session, call_id)
    if call is None:
        raise NotFound(f"no call {call_id}")
    return call


def _status(from_status: str, to_status: str, **kwargs) -> tuple[str, dict[str, Any]]:
    return tl.STATUS, tl.status_data(from_status, to_status, **kwargs)


def add_note(db: Database, *, actor: str | None, call_id: int, text: str, at: datetime) -> CallChanged:
    """A note on the timeline (resolved calls take notes too: a call back, a confirmation)."""
    text = _text(text, "note", NOTE_MAX)
    return _change(db, actor=actor, call_id=call_id, at=at, action="adding a note",
                   build=lambda call, events, who: ([(tl.NOTE, tl.note_data(text))], {}))


def override_priority(db: Database, *, actor: str | None, call_id: int, priority: str, why: str,
                      at: datetime) -> CallChanged:
    """The dispatcher's priority, with who and why; triage uses it from now on."""
    priority = (priority or "").strip().upper()
    if priority not in PRIORITIES:
        raise DispatchError(f"priority: {priority!r} is not one of {', '.join(PRIORITIES)}")
    why = _text(why, "--why", NOTE_MAX)
    call = _load_call(db, call_id)
    if call.client is None:
        raise DispatchError(f"call {call_id} has no client yet: assign one before overriding its priority")
    env = load_environment(db, clients=[call.client])

    def build(call: Call, events, who):
        _open(call, "a priority override")
        if call.priority == priority:
            raise DispatchError(f"call {call_id} is already {priority}")
        changed = replace(call, priority_override=priority)
        due = _triage(env, changed, call.received_at, actor).response_due
        entries = [(tl.PRIORITY, tl.priority_data(priority, override=True, by=who, why=why))]
        columns: dict[str, Any] = {"priority": priority, "priority_override": priority,
                                   "priority_override_by": who, "response_due": due}
        if call.status == DEFERRED:
            now = VERDICT_STATUS[_triage(env, changed, at, actor).verdict]
            if now != DEFERRED:
                entries.append(_status(DEFERRED, now, why=f"priority {priority}: covered now"))
                columns["status"] = now
        return entries, columns

    return _change(db, actor=actor, call_id=call_id, at=at, action="overriding a priority", build=build)


def record_attempt(db: Database, *, actor: str | None, call_id: int, tech: str, outcome: str,
                   channel: str = "phone", at: datetime) -> CallChanged:
    """A contact attempt to technician ``tech``, and the status it brings (module docstring)."""
    if outcome not in OUTCOMES:
        raise DispatchError(f"--outcome: {outcome!r} is not one of {', '.join(OUTCOMES)}")
    channel = channel or "phone"
    if channel not in CHANNELS:
        raise DispatchError(f"--channel: {channel!r} is not one of {', '.join(CHANNELS)}")
    with db.session() as session:
        if store.load_technician(session, tech) is None:
            raise NotFound(f"--tech: no technician {tech!r}")

    def build(call: Call, events, who):
        _open(call, "a contact attempt")
        entries = [(tl.ATTEMPT, tl.attempt_data(tech, outcome, channel))]
        status = call.status
        if status in (NEW, HANDLING):
            entries.append(_status(status, ESCALATING, why=f"contacting {tech}"))
            status = ESCALATING
        if outcome == ACKED and status == DEFERRED:
            entries.append(_status(status, ESCALATING, why=f"{tech} acknowledged"))
            status = ESCALATING
        if outcome == ACKED and status == ESCALATING:
            entries.append(_status(status, ENGAGED, why=f"{tech} acknowledged"))
            status = ENGAGED
        elif outcome != ACKED and status == ENGAGED:
            if tl.escalation_state((), events, at).engaged_by == tech:
                entries.append(_status(status, ESCALATING, why=f"{tech} handed it back ({outcome})"))
                status = ESCALATING
        return entries, ({"status": status} if status != call.status else {})

    return _change(db, actor=actor, call_id=call_id, at=at, action="recording a contact attempt", build=build)


def authorize(db: Database, *, actor: str | None, call_id: int, contact: str, at: datetime,
              note: str | None = None) -> CallChanged:
    """A client authorizer (``contact``, by name) approved billable work outside the agreement:
    a deferred call is escalated, its response due counted from now."""
    call = _load_call(db, call_id)
    if call.client is None:
        raise DispatchError(f"call {call_id} has no client yet: assign one before an authorization")
    env = load_environment(db, clients=[call.client])
    client = _client_of(env, call.client, "call")
    wanted = (contact or "").strip().casefold()
    person = next((c for c in client.contacts if c.name.casefold() == wanted), None)
    allowed = ", ".join(c.name for c in client.authorizers) or "nobody"
    if person is None:
        raise NotFound(f"--contact: {client.name} has no contact {contact!r} (may authorize: {allowed})")
    if not person.may_authorize:
        raise DispatchError(f"--contact: {person.name} may not authorize billable work for {client.name} "
                            f"(may authorize: {allowed})")

    def build(call: Call, events, who):
        _open(call, "an authorization")
        if call.authorized:
            raise DispatchError(f"call {call_id} is already authorized")
        entries = [(tl.AUTHORIZATION, tl.authorization_data(person.name, note=(note or "").strip() or None))]
        columns: dict[str, Any] = {"authorized": True}
        if call.status == DEFERRED:
            triage = _triage(env, replace(call, authorized=True), at, actor)
            entries.append(_status(DEFERRED, ESCALATING, why=f"authorized by {person.name}"))
            columns.update(status=ESCALATING, response_due=triage.response_due)
        return entries, columns

    return _change(db, actor=actor, call_id=call_id, at=at, action="recording an authorization", build=build)


def assign_client(db: Database, *, actor: str | None, call_id: int, client: str, at: datetime,
                  system: str | None = None) -> CallChanged:
    """Give an unmatched call its client (and system): it is triaged now, as if recorded so."""
    env = load_environment(db, clients=[client])
    found = _client_of(env, client)
    if system is not None and found.system(system) is None:
        raise NotFound(f"--system: client {client!r} has no system {system!r}")
    phone = _load_call(db, call_id).caller_phone
    match = find_caller(db, phone, client=client) if phone else None
    contact = match.contact if match is not None else None

    def build(call: Call, events, who):
        _open(call, "assigning a client")
        if call.client is not None:
            raise DispatchError(f"call {call_id} already belongs to client {call.client!r}")
        assigned = replace(call, client=client, system=system, unmatched=False, contact=contact)
        received = _triage(env, assigned, call.received_at, actor)
        now = _triage(env, assigned, at, actor)
        entries = [(tl.ASSIGNED, {**tl.assigned_data(client, contact=contact), "system": system}),
                   (tl.PRIORITY, tl.priority_data(now.priority, override=False))]
        columns: dict[str, Any] = {"client_id": client, "system_id": system, "unmatched": False, "contact": contact,
                                   "priority": now.priority, "response_due": received.response_due}
        if call.status == NEW:
            status = VERDICT_STATUS[now.verdict]
            entries.append(_status(NEW, status, why=f"verdict {now.verdict}",
                                   until=now.next_covered if status == DEFERRED else None))
            columns["status"] = status
        return entries, columns

    return _change(db, actor=actor, call_id=call_id, at=at, action="assigning a client", build=build)


def set_status(db: Database, *, actor: str | None, call_id: int, status: str, at: datetime,
               why: str | None = None, until: datetime | None = None) -> CallChanged:
    """A status change the domain allows (``until``: when a deferred call is picked up again).
    Resolving goes through :func:`resolve`, which keeps the note and the runbook answer."""
    status = (status or "").strip().lower()
    if status == RESOLVED:
        raise DispatchError(f"call {call_id}: resolve it with a note (dispatch-app resolve {call_id} --note TEXT)")
    if until is not None and status != DEFERRED:
        raise DispatchError("--until: only a deferred call has an until")

    def build(call: Call, events, who):
        return [_status(call.status, status, why=(why or "").strip() or None, until=until)], {"status": status}

    return _change(db, actor=actor, call_id=call_id, at=at, action="changing a status", build=build)


def resolve(db: Database, *, actor: str | None, call_id: int, note: str, at: datetime,
            runbook_change: bool | None = None) -> CallChanged:
    """Resolve with a note. When an expert fixed it (a technician acknowledged, or the resolver
    is an expert of the call's system) the runbook-change answer is required and kept; a yes
    opens a runbook-change request for the leads."""
    note = _text(note, "--note", NOTE_MAX)
    call = _load_call(db, call_id)
    env = load_environment(db, clients=[call.client] if call.client else [])
    client = env.client(call.client) if call.client else None
    system = client.system(call.system) if client is not None else None
    answer = None if runbook_change is None else ("yes" if runbook_change else "no")

    def build(call: Call, events, who):
        _open(call, "resolving")
        acked = [e.data["tech"] for e in events if e.kind == tl.ATTEMPT and e.data["outcome"] == ACKED]
        engaged = tl.escalation_state((), events, at).engaged_by
        by = engaged or (acked[-1] if acked else who)
        expert = bool(acked) or (system is not None and who is not None and system.is_expert(who))
        if expert and answer is None:
            raise DispatchError(f"call {call_id} was fixed by an expert ({by}): say whether a runbook should "
                                "change (--runbook-change yes|no)")
        entries = [(tl.RESOLUTION, tl.resolution_data(note, by=by, runbook_change=answer)),
                   _status(call.status, RESOLVED, why="resolved")]
        columns: dict[str, Any] = {"status": RESOLVED, "resolved_at": at}
        if answer == "yes":
            columns["runbook_request"] = "open"
        return entries, columns

    return _change(db, actor=actor, call_id=call_id, at=at, action="resolving a call", build=build)


def close_runbook_request(db: Database, *, actor: str | None, call_id: int, note: str, at: datetime) -> CallChanged:
    """A lead changed the runbook a resolver asked for: a note closes the request."""
    note = _text(note, "--note", NOTE_MAX)

    def guard(session) -> None:
        if call_rows.runbook_request_state(session, call_id) != "open":
            raise DispatchError(f"call {call_id} has no open runbook-change request")

    return _change(db, actor=actor, call_id=call_id, at=at, action="closing a runbook-change request",
                   build=lambda call, events, who: ([(tl.NOTE, {**tl.note_data(note), "runbook_request": "closed"})],
                                                    {"runbook_request": "closed"}),
                   roles=LEAD_ROLES, guard=guard)
