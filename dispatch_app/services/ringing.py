"""The phone rings: who is calling, before the call is recorded (docs/ringing.md).

- :func:`ringing` answers what the console shows (the client and contact the number matches
  as E.164 through the phone book of :mod:`.calls`, the client's open calls with where their
  escalation stands, or an unknown caller). It records nothing.
- :func:`record_ring` keeps the ring for the shift and bumps the change counter, so the change
  feed names it to every console. The phone system's call id is the ring's external id (a ring
  sent twice rings once); the call recorded from the ring takes it, so a call posted later for
  the same ring is not recorded twice (INTAKE.md ``external_id``). A ring no call took is a
  missed call (:func:`missed_calls`, the handoff record).
- :func:`lookup` is the phone system's CRM lookup; :func:`ring_url` and :func:`parse_ring_url`
  the ``dispatch-app:ringing?phone=...`` URL that opens the console on the caller.

A ring is not a user's write (the phone system, or the console on its behalf, sends it): it
needs no role. Unknown numbers ring as unknown callers; a string that is no phone number at all
is refused, naming the field.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs, quote, urlsplit

from dispatch_app import store
from dispatch_app.domain import timeline as tl
from dispatch_app.domain.ringing import OpenCallState, Ring, Ringing, most_urgent_first, open_call_state
from dispatch_app.errors import DispatchError
from dispatch_app.services import calls, inputs
from dispatch_app.services.environment import load_environment
from dispatch_app.store import Database, call_rows, ring_rows

SCHEME = "dispatch-app"
URL_LIMIT = 2048
SOURCES = ("http", "twilio", "3cx", "console")

__all__ = ["Lookup", "RingAnswer", "check_phone", "lookup", "missed_calls", "parse_ring_url", "record_ring",
           "ring_url", "ringing", "rings", "RingRequest"]


class BadPhone(DispatchError):
    """The caller's number is not a phone number (HTTP 400, exit 2), naming the field."""


@dataclass(frozen=True)
class RingAnswer:
    """A ring kept: ``created`` false when its external id rang before (that ring answered)."""

    ring: Ring
    ringing: Ringing
    created: bool


@dataclass(frozen=True)
class RingRequest:
    """A ``dispatch-app:ringing?...`` URL read: the number and what else it names."""

    phone: str
    line: str | None = None
    name: str | None = None
    client: str | None = None
    call_id: str | None = None


@dataclass(frozen=True)
class Lookup:
    """What a phone system's CRM lookup (``GET /v1/lookup``) answers."""

    phone: str
    client: str | None
    client_name: str | None
    contact_name: str | None
    email: str | None
    role: str | None
    url: str

    def document(self) -> dict:
        first, _, last = (self.contact_name or "").partition(" ")
        return {"found": self.client is not None, "phone": self.phone, "client_id": self.client,
                "client_name": self.client_name, "contact_name": self.contact_name, "first_name": first or None,
                "last_name": last or None, "email": self.email, "role": self.role, "url": self.url}


# ---------------------------------------------------------------- the number


def check_phone(db: Database, phone: str | None, field: str = "caller_phone") -> str:
    """``phone`` as E.164 (numbers without a country code read in the MSP's country), or
    :class:`BadPhone` naming ``field``."""
    text = inputs.optional_text(phone, field, 64)
    if text is None:
        raise BadPhone(f"{field}: required (the caller's number, e.g. +13125550201)")
    e164 = calls.normalize_phone(text, calls._phone_book(db).region)
    if e164 is None:
        raise BadPhone(f"{field}: {text[:40]!r} is not a phone number; give it as +13125550201 or as dialled "
                       "in the MSP's country")
    return e164


# ---------------------------------------------------------------- what the console shows


def ringing(db: Database, *, phone: str, at: datetime, line: str | None = None, name: str | None = None,
            field: str = "caller_phone") -> Ringing:
    """Who is calling from ``phone`` at ``at`` and what is open for their client. Records nothing."""
    e164 = check_phone(db, phone, field)
    match = calls.find_caller(db, e164)
    return _shown(db, e164, at, line=_text(line, "line"), name=_text(name, "caller_name"),
                  client=match.client if match else None, contact=match.contact if match else None)


def _text(value: str | None, where: str) -> str | None:
    return inputs.optional_text(value, where)


def _shown(db: Database, phone: str, at: datetime, *, line: str | None, name: str | None, client: str | None,
           contact: str | None, ring: Ring | None = None, env=None) -> Ringing:
    if client is None:
        return Ringing(phone=phone, at=at, line=line, caller_name=name, ring=ring.id if ring else None,
                       external_id=ring.external_id if ring else None, rang_at=ring.at if ring else None)
    if env is None or env.client(client) is None:
        env = load_environment(db, clients=[client])
    found = env.client(client)
    if found is None:  # the client left the environment since the ring was kept
        return Ringing(phone=phone, at=at, line=line, caller_name=name, ring=ring.id if ring else None,
                       external_id=ring.external_id if ring else None, rang_at=ring.at if ring else None)
    person = next((c for c in found.contacts if c.name == contact), None) if contact else None
    with db.session(read_only=True) as session:
        open_calls, events = call_rows.open_calls_of(session, client)
    names = {t.id: t.name for t in env.technicians}
    states: list[OpenCallState] = []
    for call in open_calls:
        try:
            triage = calls.recorded_triage(env, call, at, None)
        except DispatchError:  # its system left the environment: shown without an escalation
            triage = None
        escalation = tl.escalation_state(triage.wake if triage else (), events[call.id], at) if triage else None
        states.append(open_call_state(call, escalation, names))
    return Ringing(phone=phone, at=at, line=line, caller_name=name, client=client, client_name=found.name,
                   contact=person, open_calls=most_urgent_first(states), ring=ring.id if ring else None,
                   external_id=ring.external_id if ring else None, rang_at=ring.at if ring else None)


# ---------------------------------------------------------------- keeping the ring


def record_ring(db: Database, *, phone: str, at: datetime, line: str | None = None, name: str | None = None,
                call_id: str | None = None, source: str = "http", field: str = "caller_phone",
                keep_as_given: bool = False) -> RingAnswer:
    """Keep the ring (one transaction bumping the change counter) and answer what it shows.
    ``call_id`` is the phone system's id of the call (the ring's external id; one is made when
    absent). ``keep_as_given``: a number that is no phone number (a withheld caller id) rings
    as an unknown caller instead of being refused (Twilio's ``From`` may be "anonymous")."""
    try:
        e164 = check_phone(db, phone, field)
    except BadPhone:
        if not keep_as_given:
            raise
        e164 = inputs.optional_text(phone, field, 64) or "unknown"
        match = None
    else:
        match = calls.find_caller(db, e164)
    line, name = _text(line, "line"), _text(name, "caller_name")
    external_id = inputs.optional_text(call_id, "call_id") or f"ring:{uuid.uuid4().hex}"
    draft = Ring(id=0, at=at, phone=e164, line=line, caller_name=name, external_id=external_id, source=source,
                 client=match.client if match else None, contact=match.contact if match else None)
    with db.session(write=True) as session:
        existing = ring_rows.find_by_external_id(session, external_id)
        if existing is None:
            store.record_change(session, at=at)
            stored, created = ring_rows.insert_ring(session, draft)
        else:
            stored, created = existing, False
    return RingAnswer(stored, shown(db, stored, at), created)


def shown(db: Database, ring: Ring, at: datetime, env=None) -> Ringing:
    """What a kept ring shows at ``at`` (the match made when it rang, the open calls now).
    ``env``, an environment already loaded (the console's), saves reading it again."""
    return _shown(db, ring.phone, at, line=ring.line, name=ring.caller_name, client=ring.client,
                  contact=ring.contact, ring=ring, env=env)


def rings(db: Database, ring_ids, *, at: datetime, env=None) -> list[Ringing]:
    """The rings the change feed named that no call took yet, newest first, as shown at ``at``."""
    with db.session(read_only=True) as session:
        kept = ring_rows.load_rings(session, list(ring_ids))
    return [shown(db, r, at, env) for r in sorted(kept, key=lambda r: (r.at, r.id), reverse=True)
            if not r.answered]


def answered(db: Database, ring_ids) -> set[int]:
    """Which of these rings a call took (on any workstation)."""
    with db.session(read_only=True) as session:
        return {r.id for r in ring_rows.load_rings(session, list(ring_ids)) if r.answered}


def missed_calls(db: Database, *, start: datetime, end: datetime) -> list[Ring]:
    """Rings over [start, end) that never became a call, oldest first."""
    with db.session(read_only=True) as session:
        return ring_rows.rings_between(session, start, end, missed_only=True)


# ---------------------------------------------------------------- the phone system's lookup and the URL


def lookup(db: Database, phone: str, *, field: str = "phone") -> Lookup:
    """The contact (or client line) ``phone`` matches, for a CRM lookup; unknown: nothing found."""
    e164 = check_phone(db, phone, field)
    match = calls.find_caller(db, e164)
    if match is None:
        return Lookup(e164, None, None, None, None, None, ring_url(e164))
    client = load_environment(db, clients=[match.client]).client(match.client)
    person = next((c for c in client.contacts if c.name == match.contact), None) if client and match.contact else None
    return Lookup(e164, match.client, match.client_name, person.name if person else None,
                  person.email if person else None, person.role if person else None, ring_url(e164, match.client))


def ring_url(phone: str, client: str | None = None) -> str:
    """``dispatch-app:ringing?phone=%2B13125550201[&client=acme]``: opens the console on the caller."""
    url = f"{SCHEME}:ringing?phone={quote(phone, safe='')}"
    return url + (f"&client={quote(client, safe='')}" if client else "")


def parse_ring_url(url: str) -> RingRequest:
    """A ``dispatch-app:ringing?phone=...[&line=][&name=][&client=][&call_id=]`` URL, or a
    DispatchError saying what is wrong with it. The number is checked by the console."""
    text = (url or "").strip()
    if len(text) > URL_LIMIT:
        raise DispatchError(f"URL: longer than {URL_LIMIT} characters")
    parts = urlsplit(text)
    if parts.scheme != SCHEME:
        raise DispatchError(f"URL: {text[:60]!r} is not a {SCHEME}: URL (dispatch-app:ringing?phone=%2B13125550201)")
    action = (parts.path or parts.netloc).strip("/")
    if action != "ringing":
        raise DispatchError(f"URL: {action[:40]!r} is not an action of {SCHEME}: (ringing)")
    try:
        query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query),
                         errors="strict", max_num_fields=16)
    except (ValueError, UnicodeDecodeError) as error:
        raise DispatchError(f"URL: the query cannot be read ({str(error)[:60]})") from None
    unknown = sorted(set(query) - {"phone", "line", "name", "client", "call_id"})
    if unknown:
        raise DispatchError(f"URL: unknown parameter {unknown[0][:40]!r} (phone, line, name, client, call_id)")
    values = {}
    for key in query:
        if len(query[key]) > 1:
            raise DispatchError(f"URL: {key} given more than once")
        values[key] = inputs.optional_text(query[key][0], f"URL {key}")
    if not values.get("phone"):
        raise DispatchError("URL: phone is missing (dispatch-app:ringing?phone=%2B13125550201)")
    return RingRequest(values["phone"], values.get("line"), values.get("name"), values.get("client"),
                       values.get("call_id"))
