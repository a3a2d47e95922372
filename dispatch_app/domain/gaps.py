"""Exact coverage gaps over a range, and the bus factor (DOMAIN.md "Coverage gaps", "Bus factor").

Gaps are computed with interval algebra, not by sampling the wake list: per technician the
intervals in which they may be woken (active and not on leave), once per call the intervals in
which some available technician holds a rotation of level >= 2 (or >= 3), per client the
intervals in which a level is covered for a P1 call, then per critical system:

- required level 4: covered, minus the availability of the system's experts, is a gap; it is
  ``no expert available`` where a fallback person (a level >= 2 expert of another system of the
  client, or an available on-call holder of a level >= 2 rotation) is available, else
  ``nobody eligible``;
- required level 2 or 3: covered, minus the availability of on-call holders of rotations of
  level >= r and of the client's experts of level >= r, is ``nobody eligible``;
- required level 1: the anonymous level-1 dispatcher handles it; never a gap.

Every boundary comes from an instant where something changes: window edges, holidays,
handoffs and overrides (``oncall.holder_changes``), leave.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from . import coverage, windows
from .model import Client, Environment, Gap, Rotation, System
from .oncall import holder_changes, on_call

Span = tuple[datetime, datetime]

NOBODY_ELIGIBLE = "nobody eligible"
NO_EXPERT = "no expert available"
GAP_PRIORITY = "P1"
FALLBACK_MIN_LEVEL = 2


def union(*groups: Iterable[Span]) -> list[Span]:
    return windows.merge([s for g in groups for s in g])


def intersect(a: list[Span], b: list[Span]) -> list[Span]:
    """Intersection of two sorted, merged interval lists."""
    out: list[Span] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo = max(a[i][0], b[j][0])
        hi = min(a[i][1], b[j][1])
        if lo < hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def holder_segments(env: Environment, rotation: Rotation, start: datetime, end: datetime) -> list[tuple[datetime, datetime, str | None]]:
    """Who holds ``rotation`` over [start, end), as consecutive (from, to, tech) segments."""
    cuts = sorted({start, end, *(c for c in holder_changes(env, rotation, start, end) if start < c < end)})
    segments: list[tuple[datetime, datetime, str | None]] = []
    for a, b in zip(cuts, cuts[1:]):
        tech = on_call(env, rotation, a).tech
        if segments and segments[-1][2] == tech:
            segments[-1] = (segments[-1][0], b, tech)
        else:
            segments.append((a, b, tech))
    return segments


class _Timelines:
    """The intervals of one gap computation, each computed once."""

    def __init__(self, env: Environment, start: datetime, end: datetime):
        self.env = env
        self.start = start
        self.end = end
        self._available: dict[str, list[Span]] = {}
        self._on_call: dict[int, list[Span]] | None = None
        self._covered: dict[tuple, list[Span]] = {}

    def available(self, tech_id: str) -> list[Span]:
        """When the technician may be woken: exists, active, not unavailable."""
        if tech_id not in self._available:
            tech = self.env.technician(tech_id)
            if tech is None or not tech.active:
                spans: list[Span] = []
            else:
                leave = windows.merge([(max(u.start, self.start), min(u.end, self.end))
                                       for u in tech.unavailable if u.start < self.end and u.end > self.start
                                       and u.start < u.end])
                spans = windows.subtract([(self.start, self.end)], leave)
            self._available[tech_id] = spans
        return self._available[tech_id]

    def on_call(self, min_level: int) -> list[Span]:
        """When some available technician holds a rotation whose level is >= ``min_level``."""
        if self._on_call is None:
            per_rotation = []
            for rotation in self.env.rotations:
                held = []
                for a, b, tech in holder_segments(self.env, rotation, self.start, self.end):
                    if tech is not None:
                        held.extend(intersect([(a, b)], self.available(tech)))
                per_rotation.append((rotation.level, held))
            self._on_call = {
                level: union(*(spans for rot_level, spans in per_rotation if rot_level >= level))
                for level in (1, 2, 3)
            }
        return self._on_call[max(1, min(min_level, 3))]

    def experts(self, systems: Iterable[System], min_level: int) -> list[Span]:
        """When some expert (primary or secondary) of ``systems`` with level >= ``min_level``
        is available."""
        spans = []
        seen = set()
        for system in systems:
            for expert in system.experts:
                if expert.tech in seen:
                    continue
                seen.add(expert.tech)
                tech = self.env.technician(expert.tech)
                if tech is not None and tech.level >= min_level:
                    spans.extend(self.available(expert.tech))
        return windows.merge(spans)

    def covered(self, client: Client, level: int) -> list[Span]:
        """When ``level`` is covered for a P1 call; shared between clients with the same rule."""
        rule = coverage.rule_of(client, level)
        if rule in ("always", "never", "emergency"):
            key: tuple = (rule,)
        elif rule == "business":
            key = (rule, client.agreement.business_hours, client.timezone, coverage.holidays(self.env, client))
        else:
            key = ("window", rule, client.timezone)
        if key not in self._covered:
            self._covered[key] = coverage.covered_intervals(self.env, client, level, GAP_PRIORITY, self.start, self.end)
        return self._covered[key]


def system_gaps(timelines: _Timelines, client: Client, system: System) -> list[Gap]:
    """The gaps of one system for a P1 call seen by the anonymous level-1 dispatcher."""
    needed = system.fix_level
    if needed <= 1:
        return []
    covered = timelines.covered(client, needed)
    if not covered:
        return []
    if needed == 4:
        without_expert = windows.subtract(covered, timelines.experts([system], 1))
        if not without_expert:
            return []
        fallback = union(timelines.experts(client.systems, FALLBACK_MIN_LEVEL), timelines.on_call(FALLBACK_MIN_LEVEL))
        nobody = windows.subtract(without_expert, fallback)
        only_fallback = intersect(without_expert, fallback)
    else:
        eligible = union(timelines.on_call(needed), timelines.experts(client.systems, needed))
        nobody = windows.subtract(covered, eligible)
        only_fallback = []
    found = [Gap(client.id, system.id, a, b, NOBODY_ELIGIBLE) for a, b in nobody]
    found += [Gap(client.id, system.id, a, b, NO_EXPERT) for a, b in only_fallback]
    found.sort(key=lambda g: g.start)
    return found


def coverage_gaps(env: Environment, start: datetime, end: datetime,
                  clients: Iterable[str] | None = None) -> list[Gap]:
    """Every gap of every ``critical`` system in [start, end), sorted by client, system, from.

    ``clients`` limits the answer to those client ids (all clients of ``env`` when None).
    Intervals with the same reason that touch are merged; different reasons are listed apart.
    Own experts of a system count in the fallback union too: where the system has no available
    expert they contribute nothing, so the union equals the fallback of the rule.
    """
    if end <= start:
        return []
    wanted = None if clients is None else set(clients)
    timelines = _Timelines(env, start, end)
    found: list[Gap] = []
    for client in sorted(env.clients, key=lambda c: c.id):
        if wanted is not None and client.id not in wanted:
            continue
        for system in sorted(client.systems, key=lambda s: s.id):
            if system.criticality == "critical":
                found.extend(system_gaps(timelines, client, system))
    return found


@dataclass(frozen=True)
class BusFactor:
    system: str
    experts: int
    at_risk: bool
    """A critical system with fewer than two experts."""


def bus_factor(client: Client) -> list[BusFactor]:
    """For each system of the client, in listed order: how many distinct experts it has."""
    out = []
    for system in client.systems:
        count = len({e.tech for e in system.experts})
        out.append(BusFactor(system.id, count, system.criticality == "critical" and count < 2))
    return out
