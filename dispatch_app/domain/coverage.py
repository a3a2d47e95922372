"""When a client's agreement covers a support level (DOMAIN.md "Coverage").

Rules per level: ``always``, ``business`` (business hours, not on an MSP or client holiday,
both read as dates in the client's time zone), ``emergency`` (business, or a P1 call),
``never``, or a window expression (holidays do not matter).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from . import windows
from .localtime import day_interval, format_utc, to_local
from .model import Client, Environment

Span = tuple[datetime, datetime]

SEARCH_DAYS = 30
"""``next_covered`` looks this far ahead, the last instant included."""

RULE_KINDS = ("always", "business", "emergency", "never")


def rule_of(client: Client, level: int) -> str:
    """The level's rule text; the four named kinds are matched case-insensitively."""
    rule = client.agreement.coverage_rule(level).strip()
    return rule.lower() if rule.lower() in RULE_KINDS else rule


def holidays(env: Environment, client: Client) -> frozenset[date]:
    """The MSP's holidays and the client's own, as dates read in the client's time zone."""
    return frozenset(env.msp.holidays) | frozenset(client.holidays)


def _in_business(env: Environment, client: Client, at: datetime) -> bool:
    if to_local(at, client.timezone).date() in holidays(env, client):
        return False
    return windows.contains(client.agreement.business_hours, client.timezone, at)


def is_covered(env: Environment, client: Client, level: int, priority: str, at: datetime) -> bool:
    """Whether ``level`` is covered for ``client`` at ``at`` for a call of ``priority``."""
    rule = rule_of(client, level)
    if rule == "always":
        return True
    if rule == "never":
        return False
    if rule == "emergency":
        return priority == "P1" or _in_business(env, client, at)
    if rule == "business":
        return _in_business(env, client, at)
    return windows.contains(rule, client.timezone, at)


def _holiday_spans(env: Environment, client: Client, start: datetime, end: datetime) -> list[Span]:
    first = to_local(start, client.timezone).date() - timedelta(days=1)
    last = to_local(end, client.timezone).date() + timedelta(days=1)
    return windows.merge([day_interval(d, client.timezone) for d in holidays(env, client) if first <= d <= last])


def business_intervals(env: Environment, client: Client, start: datetime, end: datetime) -> list[Span]:
    spans = windows.intervals(client.agreement.business_hours, client.timezone, start, end)
    return windows.subtract(spans, _holiday_spans(env, client, start, end))


def covered_intervals(env: Environment, client: Client, level: int, priority: str,
                      start: datetime, end: datetime) -> list[Span]:
    """The instants of [start, end) at which ``level`` is covered, sorted and merged (exact:
    built from window edges and holiday dates, not sampled)."""
    if end <= start:
        return []
    rule = rule_of(client, level)
    if rule == "always" or (rule == "emergency" and priority == "P1"):
        return [(start, end)]
    if rule == "never":
        return []
    if rule in ("business", "emergency"):
        return business_intervals(env, client, start, end)
    return windows.intervals(rule, client.timezone, start, end)


def next_covered(env: Environment, client: Client, level: int, priority: str, at: datetime) -> datetime | None:
    """The first instant at or after ``at`` at which ``level`` is covered (``at`` itself when it
    is covered already; for a defer, where it is not, the first instant after ``at``).

    The search covers [at, at + 30 days], its last instant included (DOMAIN.md "Verdict" 4);
    None when the level is not covered in that range.
    """
    limit = at + timedelta(days=SEARCH_DAYS)
    spans = covered_intervals(env, client, level, priority, at, limit + timedelta(microseconds=1))
    if not spans:
        return None
    return spans[0][0]


def describe(env: Environment, client: Client, level: int, priority: str, at: datetime) -> str:
    """The coverage state for the triage reasons: ``level 4 is covered: emergency``,
    ``level 4 is not covered now (business hours mon-fri 08:00-17:00)``."""
    rule = rule_of(client, level)
    hours = client.agreement.business_hours
    if is_covered(env, client, level, priority, at):
        if rule == "always":
            why = "always"
        elif rule == "emergency" and priority == "P1":
            why = "emergency"
        elif rule in ("business", "emergency"):
            why = f"business hours {hours}"
        else:
            why = f"window {rule}"
        return f"level {level} is covered: {why}"
    if rule == "never":
        why = "never covered by the agreement"
    elif rule in ("business", "emergency"):
        day = to_local(at, client.timezone).date()
        prefix = "emergencies (P1) or " if rule == "emergency" else ""
        if day in holidays(env, client):
            why = f"{prefix}business hours {hours}; {day.isoformat()} is a holiday"
        else:
            why = f"{prefix}business hours {hours}"
    else:
        why = f"window {rule}"
    return f"level {level} is not covered now ({why})"


def describe_instant(instant: datetime, client: Client) -> str:
    """``2026-11-30T14:00:00Z (Mon 2026-11-30 08:00 America/Chicago)``."""
    local = to_local(instant, client.timezone)
    return f"{format_utc(instant)} ({local.strftime('%a %Y-%m-%d %H:%M')} {client.timezone})"
