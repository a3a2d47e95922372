"""The environment's rules said in plain words, for people reading at 2 AM.

Only wording: what is covered and what is an emergency is decided in ``domain``.
"""
from __future__ import annotations

from dispatch_app.domain.model import DEFAULT_EMERGENCY, Client, EmergencyRule
from dispatch_app.domain.text import lines_kept, one_line as single_line

LEVEL_NAMES = {1: "answer", 2: "remote fix", 3: "on-site", 4: "environment expert"}
IMPACT_WORDS = {"down": "down", "degraded": "degraded", "single-user": "failing for one user",
                "request": "a request"}


def _either(words: list[str], joiner: str = "or") -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {joiner} " + words[-1]


def coverage_rule(rule: str, business_hours: str) -> str:
    rule = rule.strip()
    lowered = rule.lower()
    if lowered == "always":
        return "always (24/7)"
    if lowered == "never":
        return "never (not in the agreement)"
    if lowered == "business":
        return f"business hours ({business_hours}), not on holidays"
    if lowered == "emergency":
        return f"business hours ({business_hours}); emergencies (P1) at any time"
    return f"{rule} (client time)"


def emergency_rule(rule: EmergencyRule, client: Client) -> str:
    names = {s.id: s.name for s in client.systems}
    if rule.systems:
        subject = _either([names.get(s, s) for s in rule.systems])
    elif rule.criticality:
        subject = f"a {_either(list(rule.criticality))} system"
    else:
        subject = ""
    if rule.impact:
        state = _either([IMPACT_WORDS.get(i, i) for i in rule.impact])
        predicate = f"is {state}" if subject else f"anything is {state}"
    else:
        predicate = "has any problem" if subject else ""
    said = ""
    if rule.keywords:
        said = "the caller says " + _either([f"“{k}”" for k in rule.keywords])
    parts = [p for p in (f"{subject} {predicate}".strip(), said) if p]
    if not parts:
        return "every call (a rule with no conditions)"
    return " and ".join(parts)


def emergencies(client: Client) -> list[str]:
    """One line per rule; a client whose list is empty has no emergencies."""
    rules = client.agreement.emergency
    if not rules:
        return ["Nothing is an emergency for this client: out-of-hours work waits for coverage "
                "unless an authorizer approves billable work."]
    lines = [emergency_rule(r, client) for r in rules]
    if tuple(rules) == tuple(DEFAULT_EMERGENCY):
        lines = [lines[0] + " (the default rule: the client has not defined its own)"]
    return lines


def one_line(text: object) -> str:
    """Text from outside (a summary, a caller's name, a note) on one line for the queue and the panes:
    line breaks shown as `` ⏎ ``, other control characters and bidi overrides made visible
    (``domain/text.py``). The record keeps the exact text."""
    return single_line("" if text is None else str(text))


def tooltip_text(text: str) -> str:
    """A tooltip's text from outside: its lines kept, control characters and bidi overrides made visible."""
    return lines_kept(text)
