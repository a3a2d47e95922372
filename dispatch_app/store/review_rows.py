"""What the manager's response figures need from the calls besides the kept cells
(``figure_cells``): which months a range cuts through, and the escalations recorded before
the wake list's size was kept. Months are given as UTC bounds (the caller knows the MSP's
time zone).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from dispatch_app.domain import timeline as tl
from dispatch_app.store.call_rows import CALLS, EVENTS

Month = tuple[str, datetime, datetime]
"""A label (``2026-11``) and the UTC instants where that month starts and ends."""


def _in_range(months: Sequence[Month]):
    return and_(CALLS.c.received_at >= months[0][1], CALLS.c.received_at < months[-1][2])


def months_cut(session: Session, months: Sequence[Month], bounds: Sequence[tuple[datetime, datetime]]) -> list[Month]:
    """The months the range cuts through with calls in the part cut off (the others read the
    same whole or clipped); ``bounds`` are each month's whole UTC bounds."""
    out = []
    for month, (start, end) in zip(months, bounds):
        _label, first, last = month
        outside = [(start, first)] if start < first else []
        outside += [(last, end)] if last < end else []
        if any(session.connection().execute(
                select(CALLS.c.id).where(CALLS.c.received_at >= a, CALLS.c.received_at < b).limit(1)).first()
               for a, b in outside):
            out.append(month)
    return out


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
