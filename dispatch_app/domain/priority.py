"""A call's priority and required level (DOMAIN.md "Priority", "Required level")."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .model import (
    DEFAULT_EMERGENCY,
    DEFAULT_IMPACT,
    NO_SYSTEM_REQUIRED_LEVEL,
    PRIORITIES,
    CallFacts,
    Client,
    EmergencyRule,
    System,
)

MATRIX: dict[str, dict[str, str]] = {
    "critical": {"down": "P2", "degraded": "P2", "single-user": "P3", "request": "P4"},
    "high": {"down": "P2", "degraded": "P3", "single-user": "P3", "request": "P4"},
    "normal": {"down": "P3", "degraded": "P3", "single-user": "P4", "request": "P4"},
}
"""Priority from the system's criticality (rows) and the call's impact (columns)."""

NO_SYSTEM_CRITICALITY = "normal"


@dataclass(frozen=True)
class PriorityDecision:
    priority: str
    emergency: bool
    reason: str


@lru_cache(maxsize=1024)
def _keyword_pattern(phrase: str) -> re.Pattern[str]:
    # Whole words: not preceded or followed by a letter, digit or underscore (\w in Unicode).
    return re.compile(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", re.IGNORECASE)


def keyword_in(phrase: str, summary: str) -> bool:
    """Whether ``phrase`` occurs in ``summary``, case-insensitive, as whole words."""
    if not phrase:
        return False
    return _keyword_pattern(phrase).search(summary or "") is not None


def _rule_match(rule: EmergencyRule, system: System | None, impact: str, summary: str) -> list[str] | None:
    """The matched keys described (``["systems erp-plc", "impact down"]``), or None."""
    matched: list[str] = []
    if rule.systems is not None:
        if system is None or system.id not in rule.systems:
            return None
        matched.append(f"systems {system.id}")
    if rule.criticality is not None:
        criticality = system.criticality if system is not None else NO_SYSTEM_CRITICALITY
        if criticality not in rule.criticality:
            return None
        matched.append(f"criticality {criticality}")
    if rule.impact is not None:
        if impact not in rule.impact:
            return None
        matched.append(f"impact {impact}")
    if rule.keywords is not None:
        phrase = next((p for p in rule.keywords if keyword_in(p, summary)), None)
        if phrase is None:
            return None
        matched.append(f'keywords "{phrase}"')
    return matched


def emergency_match(client: Client, system: System | None, impact: str, summary: str) -> str | None:
    """The reason the call is an emergency by the client's rules, or None.

    An agreement without an ``emergency`` key carries DEFAULT_EMERGENCY; an explicit empty
    list means nothing is an emergency. A rule with no keys matches every call.
    """
    rules = client.agreement.emergency
    default = tuple(rules) == tuple(DEFAULT_EMERGENCY)
    for number, rule in enumerate(rules, start=1):
        matched = _rule_match(rule, system, impact, summary)
        if matched is not None:
            which = "the default rule" if default else f"the client's rule {number}"
            detail = f" ({', '.join(matched)})" if matched else " (a rule with no conditions)"
            return f"emergency: matches {which}{detail}"
    return None


def matrix_priority(system: System | None, impact: str) -> str:
    criticality = system.criticality if system is not None else NO_SYSTEM_CRITICALITY
    return MATRIX[criticality][impact]


def decide(client: Client, system: System | None, facts: CallFacts) -> PriorityDecision:
    """The call's priority: P1 when an emergency rule matches, else the matrix; a dispatcher's
    override wins over both. ``emergency`` is true exactly when the priority used is P1."""
    impact = facts.impact or DEFAULT_IMPACT
    emergency = emergency_match(client, system, impact, facts.summary)
    if emergency is not None:
        computed, reason = "P1", emergency
    else:
        computed = matrix_priority(system, impact)
        criticality = system.criticality if system is not None else NO_SYSTEM_CRITICALITY
        origin = f"criticality {criticality}" if system is not None else "no system (counts as normal)"
        reason = f"priority {computed} from {origin} and impact {impact}"
    override = facts.priority_override
    if override is not None and override != computed:
        if override not in PRIORITIES:
            raise ValueError(f"priority override {override!r} is not one of {', '.join(PRIORITIES)}")
        return PriorityDecision(override, override == "P1",
                                f"priority {override} set by the dispatcher (the rules give {computed}: {reason})")
    return PriorityDecision(computed, computed == "P1", reason)


def required_level(system: System | None) -> int:
    """The system's ``fix_level``; a call with no system requires level 2."""
    return system.fix_level if system is not None else NO_SYSTEM_REQUIRED_LEVEL
