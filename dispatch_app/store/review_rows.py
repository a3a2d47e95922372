"""The facts the manager's response figures are made of, aggregated in SQL.

Every call row keeps its response marks (first acknowledgement, first response, escalation,
with the seconds from ``received_at``) and the size of its wake list at recording, written as
events are appended (``call_rows``). The figures per client, priority and month are therefore
two aggregate queries over the calls table alone, whatever the length of the timelines:
:func:`figure_counts` for the counts and :func:`figure_ranks` for the medians and 90th
percentiles (the order statistics picked with a window function, the same SQL on SQLite and
PostgreSQL). Months are given as UTC bounds (the caller knows the MSP's time zone).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from dispatch_app.domain import timeline as tl
from dispatch_app.store.call_rows import CALLS, EVENTS

Month = tuple[str, datetime, datetime]
"""A label (``2026-11``) and the UTC instants where that month starts and ends."""


@dataclass(frozen=True)
class FigureCounts:
    client: str | None
    priority: str | None
    month: str
    calls: int
    acked: int
    engaged: int
    breaches: int
    escalations: int
    nobody_to_wake: int
    unknown_wake: int
    """Escalated calls recorded before wake lists were kept (recompute theirs)."""


def _month(months: Sequence[Month]):
    """The month label of ``received_at``: a balanced tree of comparisons (four for a year, where
    a flat CASE makes six on average and is most of the query's cost)."""
    if len(months) == 1:
        return literal(months[0][0])
    middle = len(months) // 2
    return case((CALLS.c.received_at < months[middle][1], _month(months[:middle])), else_=_month(months[middle:]))


def _in_range(months: Sequence[Month]):
    return and_(CALLS.c.received_at >= months[0][1], CALLS.c.received_at < months[-1][2])


def figure_counts(session: Session, months: Sequence[Month], at: datetime) -> list[FigureCounts]:
    """Per client, priority and month: calls, acknowledged, engaged, response-due breaches as
    of ``at``, escalations and those with nobody to wake."""
    if not months:
        return []
    month = _month(months).label("month")
    c = CALLS.c
    breached = and_(c.response_due.is_not(None), or_(
        and_(c.first_response_at.is_(None), c.response_due < at), c.first_response_at > c.response_due))
    escalated = c.escalated_at.is_not(None)

    def total(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    statement = (
        select(c.client_id, c.priority, month, func.count(), func.count(c.ack_seconds), func.count(c.engage_seconds),
               total(breached), total(escalated), total(and_(escalated, c.wake_count == 0)),
               total(and_(escalated, c.wake_count.is_(None))))
        .where(_in_range(months))
        .group_by(c.client_id, c.priority, month)
    )
    return [FigureCounts(*row) for row in session.connection().execute(statement)]


def figure_ranks(session: Session, months: Sequence[Month], measure: str) -> dict[tuple, tuple[float, float, float]]:
    """``(client, priority, month) -> (median low, median high, p90)`` in seconds for
    ``measure`` (``ack_seconds`` or ``engage_seconds``): the middle value(s) and the value at
    nearest rank ceil(0.9 n) of each group's calls that have the measure."""
    if not months:
        return {}
    value = CALLS.c[measure]
    month = _month(months).label("month")
    group = (CALLS.c.client_id, CALLS.c.priority, month)
    ranked = (
        select(CALLS.c.client_id, CALLS.c.priority, month, value.label("value"),
               func.row_number().over(partition_by=group, order_by=value).label("rank"),
               func.count().over(partition_by=group).label("n"))
        .where(_in_range(months), value.is_not(None))
        .subquery()
    )
    r = ranked.c
    low, high, p90 = (r.n + 1) // 2, (r.n + 2) // 2, (r.n * 9 + 9) // 10
    statement = select(r.client_id, r.priority, r.month, r.rank, low, high, p90, r.value).where(
        or_(r.rank == low, r.rank == high, r.rank == p90))
    picked: dict[tuple, dict[str, float]] = {}
    for client, priority, label, rank, lo, hi, p, seconds in session.connection().execute(statement):
        slot = picked.setdefault((client, priority, label), {})
        for name, wanted in (("low", lo), ("high", hi), ("p90", p)):
            if rank == wanted:
                slot[name] = seconds
    return {key: (v["low"], v["high"], v["p90"]) for key, v in picked.items()}


@dataclass(frozen=True)
class EscalatedCall:
    """An escalated call whose wake list at recording was not kept (recorded before 0005)."""

    call: int
    client: str | None
    system: str | None
    priority: str | None
    received_at: datetime
    escalated_at: datetime
    taken_by: str | None


def escalations_without_wake_count(session: Session, months: Sequence[Month]) -> list[EscalatedCall]:
    if not months:
        return []
    taken_by = (select(EVENTS.c.actor).where(EVENTS.c.call_id == CALLS.c.id, EVENTS.c.kind == tl.CREATED)
                .order_by(EVENTS.c.seq).limit(1).scalar_subquery())
    statement = (
        select(CALLS.c.id, CALLS.c.client_id, CALLS.c.system_id, CALLS.c.priority, CALLS.c.received_at,
               CALLS.c.escalated_at, taken_by)
        .where(_in_range(months), CALLS.c.escalated_at.is_not(None), CALLS.c.wake_count.is_(None))
        .order_by(CALLS.c.received_at, CALLS.c.id)
    )
    return [EscalatedCall(*row) for row in session.connection().execute(statement)]
