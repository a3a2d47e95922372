"""The facts the manager's response figures are made of, one aggregate query per range.

One row per call received in [start, end): its client, system, priority, received and
response-due instants, and from its timeline (grouped in SQL, not loaded event by event):
the first acknowledged contact attempt, the first response (an acked attempt, the call set to
handling, engaged or resolved, or its resolution: the "responded" of ``domain/handoff.py``),
the instant the call was escalated from ``new`` (its verdict was escalate), and who took it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from dispatch_app.domain import timeline as tl
from dispatch_app.store.call_rows import CALLS, EVENTS
from dispatch_app.store.types import UTCDateTime


@dataclass(frozen=True)
class CallFigures:
    call: int
    client: str | None
    system: str | None
    priority: str | None
    received_at: datetime
    response_due: datetime | None
    first_ack: datetime | None
    first_response: datetime | None
    escalated_at: datetime | None
    taken_by: str | None


def call_figures(session: Session, start: datetime, end: datetime) -> list[CallFigures]:
    kind, data = EVENTS.c.kind, EVENTS.c.data
    outcome = data["outcome"].as_string()
    to_status = data["to"].as_string()
    acked = and_(kind == tl.ATTEMPT, outcome == tl.ACKED)
    responded = or_(acked, and_(kind == tl.STATUS, to_status.in_((tl.HANDLING, tl.ENGAGED, tl.RESOLVED))),
                    kind == tl.RESOLUTION)
    escalated = and_(kind == tl.STATUS, data["from"].as_string() == tl.NEW, to_status == tl.ESCALATING)

    def first(condition):
        return type_coerce(func.min(case((condition, EVENTS.c.at))), UTCDateTime())

    statement = (
        select(CALLS.c.id, CALLS.c.client_id, CALLS.c.system_id, CALLS.c.priority, CALLS.c.received_at,
               CALLS.c.response_due, first(acked).label("first_ack"), first(responded).label("first_response"),
               first(escalated).label("escalated_at"),
               func.min(case((kind == tl.CREATED, EVENTS.c.actor))).label("taken_by"))
        .join(EVENTS, EVENTS.c.call_id == CALLS.c.id)
        .where(CALLS.c.received_at >= start, CALLS.c.received_at < end)
        .group_by(CALLS.c.id, CALLS.c.client_id, CALLS.c.system_id, CALLS.c.priority, CALLS.c.received_at,
                  CALLS.c.response_due)
        .order_by(CALLS.c.received_at, CALLS.c.id)
    )
    return [CallFigures(*row) for row in session.connection().execute(statement)]
