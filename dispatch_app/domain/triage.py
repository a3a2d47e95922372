"""The verdict for a call (DOMAIN.md "Verdict", "Who to wake", "Response due").

``reasons`` are built next to the decisions they explain, in the order the decisions are made.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable, Sequence

from . import coverage
from .model import (
    Authorizer,
    CallFacts,
    Client,
    Dispatcher,
    Environment,
    FirstStep,
    OnCall,
    Runbook,
    System,
    Technician,
    Triage,
    WakeEntry,
)
from .oncall import on_call_all
from .priority import decide, required_level as required_level_of

MAX_WAKE = 5
FALLBACK_MIN_LEVEL = 2
"""The level-4 fallback takes technicians and rotations of level 2 or more."""


def first_steps(client: Client, system: System | None, dispatcher_level: int) -> tuple[FirstStep, ...]:
    """Runbooks the dispatcher may follow, safest first (Verdict 1): the system's, or the
    client's general runbooks for a call with no system; level, then title case-insensitive."""
    books: Iterable[Runbook] = system.runbooks if system is not None else client.runbooks
    chosen = sorted((b for b in books if b.level <= dispatcher_level),
                    key=lambda b: (b.level, b.title.casefold(), b.title, b.id))
    return tuple(FirstStep(runbook=b.id, title=b.title, level=b.level) for b in chosen)


Group = dict[str, list[str]]
"""One group of the wake list: technician id -> the reasons they are in it."""


class _People:
    """Who may be woken at one instant, and who holds a rotation then (computed once)."""

    def __init__(self, env: Environment, at: datetime, dispatcher: Dispatcher, holders: Sequence[OnCall]):
        self.env = env
        self.at = at
        self.dispatcher = dispatcher
        self.holders = holders
        self.rotation_names = {r.id: r.name for r in env.rotations}
        self.holding: dict[str, list[str]] = {}
        for held in holders:
            if held.tech is not None:
                self.holding.setdefault(held.tech, []).append(self.rotation_name(held))
        self._eligible: dict[str, Technician | None] = {}

    def rotation_name(self, held: OnCall) -> str:
        return self.rotation_names.get(held.rotation, held.rotation)

    def eligible(self, tech_id: str) -> Technician | None:
        """The technician when they may be woken: not the dispatcher, active, not unavailable."""
        if tech_id not in self._eligible:
            tech = self.env.technician(tech_id)
            ok = (tech is not None and tech.id != self.dispatcher.tech and tech.active
                  and not tech.is_unavailable(self.at))
            self._eligible[tech_id] = tech if ok else None
        return self._eligible[tech_id]

    def on_call(self, tech_id: str) -> bool:
        return tech_id in self.holding

    def group(self, candidates: Iterable[tuple[str, str]], min_level: int = 1) -> Group:
        """The eligible ones among (tech id, reason) pairs whose level is at least ``min_level``."""
        out: Group = {}
        for tech_id, why in candidates:
            tech = self.eligible(tech_id)
            if tech is not None and tech.level >= min_level:
                reasons = out.setdefault(tech_id, [])
                if why not in reasons:
                    reasons.append(why)
        return out

    def holders_of(self, min_rotation_level: int, prefix: str = "") -> Group:
        """Members on call now of rotations whose level is at least ``min_rotation_level``."""
        return self.group((h.tech, f"{prefix}on call: {self.rotation_name(h)}") for h in self.holders
                          if h.tech is not None and h.level >= min_rotation_level)

    def experts_of(self, systems: Iterable[System], min_level: int, prefix: str = "") -> Group:
        return self.group(((e.tech, f"{prefix}expert of {s.name}") for s in systems for e in s.experts), min_level)

    def experts_with_role(self, system: System, role: str, min_level: int = 1) -> Group:
        return self.group(((tech_id, f"{role} expert for {system.name}") for tech_id in system.experts_with_role(role)),
                          min_level)

    def _place(self, tech_id: str) -> tuple:
        tech = self.env.technician(tech_id)
        return (not self.on_call(tech_id), tech.name.casefold(), tech.name, tech.id)

    def in_order(self, groups: Iterable[Group], ack_minutes: int) -> tuple[WakeEntry, ...]:
        """Groups in order; inside one, on call now first, then by display name (case-insensitive);
        each person once, at their first place, with the reasons of every place they have."""
        entries: dict[str, list[str]] = {}
        for group in groups:
            for tech_id in sorted(group, key=self._place):
                reasons = entries.setdefault(tech_id, [])
                reasons.extend(why for why in group[tech_id] if why not in reasons)
        out = []
        for tech_id, why in list(entries.items())[:MAX_WAKE]:
            tech = self.env.technician(tech_id)
            for name in self.holding.get(tech_id, ()):
                if not any(w.endswith(f"on call: {name}") for w in why):
                    why.append(f"on call: {name}")
            out.append(WakeEntry(tech=tech.id, name=tech.name, phones=tech.phones,
                                 on_call=self.on_call(tech_id), why=tuple(why), ack_minutes=ack_minutes))
        return tuple(out)


def wake_list(env: Environment, client: Client, system: System | None, required_level: int,
              priority: str, at: datetime, dispatcher: Dispatcher, *,
              holders: Sequence[OnCall] | None = None) -> tuple[tuple[WakeEntry, ...], bool]:
    """Who to wake, in order, and whether the list carries ``knowledge_gap`` (DOMAIN.md
    "Who to wake"). ``holders`` is ``on_call_all(env, at)`` when the caller has it already.

    The flag is true when ``required_level == 4`` and no primary or secondary expert is
    eligible (even when the fallback is empty too); the caller applies it only to an escalate.
    """
    people = _People(env, at, dispatcher, on_call_all(env, at) if holders is None else holders)
    ack = client.agreement.ack_for(priority)
    if required_level == 4 and system is not None:
        experts = [people.experts_with_role(system, "primary"), people.experts_with_role(system, "secondary")]
        if any(experts):
            return people.in_order(experts, ack), False
        others = (s for s in client.systems if s.id != system.id)
        fallback = [people.experts_of(others, FALLBACK_MIN_LEVEL, prefix="fallback: "),
                    people.holders_of(FALLBACK_MIN_LEVEL, prefix="fallback: ")]
        return people.in_order(fallback, ack), True
    groups = [people.holders_of(required_level)]
    if system is not None:
        groups.append(people.experts_with_role(system, "primary", required_level))
        groups.append(people.experts_with_role(system, "secondary", required_level))
    others = (s for s in client.systems if system is None or s.id != system.id)
    groups.append(people.experts_of(others, required_level))
    return people.in_order(groups, ack), False


def _system_of(client: Client, system_id: str | None) -> System | None:
    if system_id is None:
        return None
    system = client.system(system_id)
    if system is None:
        raise ValueError(f"client {client.id!r} has no system {system_id!r}")
    return system


def triage(env: Environment, facts: CallFacts, at: datetime, dispatcher: Dispatcher, *,
           call_id: int | None = None, authorized: bool = False) -> Triage:
    """The verdict for call ``facts`` seen by ``dispatcher`` at ``at``.

    ``authorized`` records that a client authorizer approved billable out-of-agreement work:
    a defer then becomes an escalate (DOMAIN.md "Verdict" 4).
    """
    client = env.client(facts.client)
    if client is None:
        raise ValueError(f"no client {facts.client!r}")
    system = _system_of(client, facts.system)
    decision = decide(client, system, facts)
    priority = decision.priority
    needed = required_level_of(system)
    level = dispatcher.level
    reasons = [decision.reason]

    expert_role = None
    if system is not None and dispatcher.tech is not None:
        expert_role = next((e.role for e in system.experts if e.tech == dispatcher.tech), None)
    needs = f"needs level {needed}; you are level {level}"
    if needed == 4 and expert_role is not None:
        needs += f" and the {expert_role} expert for {system.name}"
    reasons.append(needs)

    wake: tuple[WakeEntry, ...] = ()
    knowledge_gap = False
    next_at: datetime | None = None
    authorizers: tuple[Authorizer, ...] = ()

    if needed <= level or (needed == 4 and expert_role is not None):
        verdict = "handle"
        reasons.append("handle: you can fix this yourself")
    else:
        covered = coverage.is_covered(env, client, needed, priority, at)
        reasons.append(coverage.describe(env, client, needed, priority, at))
        if covered:
            verdict = "escalate"
            reasons.append(f"escalate: level {needed} is covered by the agreement; wake the people below in order")
        elif authorized:
            verdict = "escalate"
            reasons.append(f"escalate: the client authorized billable work outside the agreement for level {needed}")
        else:
            verdict = "defer"
            next_at = coverage.next_covered(env, client, needed, priority, at)
            authorizers = tuple(Authorizer(name=c.name, phone=c.phone, email=c.email) for c in client.authorizers)
            if next_at is None:
                when = f"level {needed} is not covered in the next {coverage.SEARCH_DAYS} days"
            else:
                when = f"level {needed} is next covered at {coverage.describe_instant(next_at, client)}"
            who = (f"; {', '.join(a.name for a in authorizers)} may authorize billable work now"
                   if authorizers else "; nobody at the client may authorize billable work")
            reasons.append(f"defer: {when}{who}")
        if verdict == "escalate":
            wake, gap = wake_list(env, client, system, needed, priority, at, dispatcher)
            knowledge_gap = gap and needed == 4
            if knowledge_gap:
                reasons.append(f"knowledge gap: no expert of {system.name} is available; "
                               "the list holds fallback people only")
            if not wake:
                vendor = system.vendor if system is not None else None
                fallback = "call the manager"
                if vendor is not None and (vendor.name or vendor.phone):
                    fallback += f" or the vendor ({', '.join(p for p in (vendor.name, vendor.phone) if p)})"
                reasons.append("NOBODY TO WAKE: no eligible technician is available for this escalation; "
                               f"{fallback} now")

    if verdict == "defer":
        start = next_at
    else:
        start = at
    due = None if start is None else start + timedelta(minutes=client.agreement.response_for(priority))
    return Triage(
        call=call_id,
        client=client.id,
        system=system.id if system is not None else None,
        at=at,
        priority=priority,
        emergency=decision.emergency,
        required_level=needed,
        verdict=verdict,
        first_steps=first_steps(client, system, level),
        wake=wake,
        knowledge_gap=knowledge_gap,
        next_covered=next_at,
        authorizers=authorizers,
        response_due=due,
        reasons=tuple(reasons),
    )
