"""A ringing phone: who is calling, before anything is recorded.

:class:`Ring` is what the phone system said (number, line, name, its call id) and what the
phone book matched; :class:`Ringing` is what the console shows about it: the client, the
contact, the client's open calls with where their escalation stands, or an unknown caller.
:func:`banner_text` is the one line the dispatcher reads while the phone rings.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .model import Contact
from .timeline import DEFERRED, EscalationState

PRIORITY_ORDER = {"P1": 0, "P2": 1, "P3": 2, "P4": 3}


@dataclass(frozen=True)
class Ring:
    """A ring as kept for the shift. ``external_id`` is the phone system's call id (or one made
    for it); ``answered`` when a call carries it, else the ring is a missed call."""

    id: int
    at: datetime
    phone: str
    line: str | None
    caller_name: str | None
    external_id: str
    source: str
    client: str | None
    contact: str | None
    answered: bool = False


@dataclass(frozen=True)
class OpenCallState:
    """One open call of the ringing client and where its escalation stands now."""

    call: int
    priority: str | None
    status: str
    summary: str
    received_at: datetime
    awaiting: str | None = None
    awaiting_name: str | None = None
    awaiting_since: datetime | None = None
    awaiting_until: datetime | None = None
    engaged_by: str | None = None
    engaged_name: str | None = None
    next_name: str | None = None


@dataclass(frozen=True)
class Ringing:
    """What the console shows while the phone rings (the service answers it; nothing is
    recorded by asking). ``client`` None: an unknown caller, never refused."""

    phone: str
    at: datetime
    line: str | None = None
    caller_name: str | None = None
    client: str | None = None
    client_name: str | None = None
    contact: Contact | None = None
    open_calls: tuple[OpenCallState, ...] = ()
    ring: int | None = None
    external_id: str | None = None
    rang_at: datetime | None = None
    """When the phone rang (a kept ring); ``at`` is the instant the open calls are shown at."""

    @property
    def unknown(self) -> bool:
        return self.client is None

    @property
    def caller(self) -> str:
        """Who is calling, as the intake form's caller name takes it."""
        if self.contact is not None:
            return self.contact.name
        return self.caller_name or ""


def open_call_state(call, escalation: EscalationState | None, names) -> OpenCallState:
    """An open call with its escalation (None: not triaged) in a ringing's terms; ``names``
    maps technician ids to display names."""
    def name(tech: str | None) -> str | None:
        return names.get(tech, tech) if tech else None

    awaiting = escalation.awaiting if escalation is not None else None
    since = None
    if awaiting is not None:
        since = next((a.at for a in reversed(escalation.tried) if a.tech == awaiting), None)
    engaged = escalation.engaged_by if escalation is not None else None
    following = escalation.next if escalation is not None else None
    return OpenCallState(
        call=call.id, priority=call.priority, status=call.status, summary=call.summary, received_at=call.received_at,
        awaiting=awaiting, awaiting_name=name(awaiting), awaiting_since=since,
        awaiting_until=escalation.awaiting_until if escalation is not None else None,
        engaged_by=engaged, engaged_name=name(engaged), next_name=following.name if following is not None else None)


def most_urgent_first(states) -> tuple[OpenCallState, ...]:
    return tuple(sorted(states, key=lambda s: (PRIORITY_ORDER.get(s.priority or "", 9), s.received_at, s.call)))


def _first(name: str) -> str:
    return name.split()[0] if name.split() else name


def call_state_text(state: OpenCallState, at: datetime) -> str:
    """``awaiting Dana's ack 4 min`` (minutes since the attempt), ``Dana is on it``, ``call
    Sam next``, ``deferred``, or the status."""
    if state.engaged_name:
        return f"{_first(state.engaged_name)} is on it"
    if state.awaiting_name:
        waited = ""
        if state.awaiting_since is not None:
            waited = f" {max(0, int((at - state.awaiting_since).total_seconds() // 60))} min"
        return f"awaiting {_first(state.awaiting_name)}'s ack{waited}"
    if state.status == DEFERRED:
        return "deferred"
    if state.next_name:
        return f"call {_first(state.next_name)} next"
    return state.status


def banner_text(ringing: Ringing, at: datetime, phone_shown: str | None = None) -> str:
    """The banner's line: ``Ringing: Pat Lee, Acme Plastics, plant manager, may authorize ·
    1 open call, awaiting Dana's ack 4 min``. ``phone_shown`` is the number as people read it."""
    number = phone_shown or ringing.phone
    if ringing.unknown:
        who = f"unknown caller {number}"
        if ringing.caller_name:
            who += f" ({ringing.caller_name})"
        parts = [who]
    else:
        parts = []
        if ringing.contact is not None:
            parts.append(ringing.contact.name)
        elif ringing.caller_name:
            parts.append(ringing.caller_name)
        parts.append(ringing.client_name or ringing.client or "")
        if ringing.contact is not None:
            if ringing.contact.role:
                parts.append(ringing.contact.role)
            if ringing.contact.may_authorize:
                parts.append("may authorize")
        else:
            parts.append(f"main line {number}")
    text = "Ringing: " + ", ".join(p for p in parts if p)
    if ringing.line:
        text += f" · line {ringing.line}"
    if not ringing.unknown:
        count = len(ringing.open_calls)
        if count == 0:
            text += " · no open calls"
        else:
            first = ringing.open_calls[0]
            text += f" · {count} open call{'s' if count != 1 else ''}, {call_state_text(first, at)}"
            if count > 1:
                text += f" (#{first.call} {first.priority or ''})".replace(" )", ")")
    return text
