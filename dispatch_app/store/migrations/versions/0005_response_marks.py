"""Response marks on the call row, so the manager's figures are one aggregate query.

``first_ack_at``, ``first_response_at`` and ``escalated_at`` are the earliest acknowledgement,
response and escalation of the call's timeline (``domain.timeline.response_marks``);
``ack_seconds`` and ``engage_seconds`` the first two counted from ``received_at``;
``wake_count`` the size of the wake list when the call was recorded with the verdict escalate.
Existing calls get their marks from their timelines here; their ``wake_count`` stays null
(the figures then recompute the wake list for them).

Columns are added without a table rebuild, which on SQLite would drop the change-feed triggers.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INSTANT = sa.DateTime(timezone=False)
COLUMNS = (
    ("first_ack_at", INSTANT),
    ("first_response_at", INSTANT),
    ("escalated_at", INSTANT),
    ("ack_seconds", sa.Double()),
    ("engage_seconds", sa.Double()),
    ("wake_count", sa.Integer()),
)


def upgrade() -> None:
    for name, type_ in COLUMNS:
        op.add_column("calls", sa.Column(name, type_, nullable=True))
    _backfill()


def _backfill() -> None:
    calls = sa.table("calls", sa.column("id", sa.Integer()), sa.column("received_at", INSTANT),
                     *(sa.column(name, type_) for name, type_ in COLUMNS))
    events = sa.table("call_events", sa.column("call_id", sa.Integer()), sa.column("at", INSTANT),
                      sa.column("kind", sa.String()), sa.column("data", sa.JSON()))
    outcome, to_status = events.c.data["outcome"].as_string(), events.c.data["to"].as_string()
    acked = sa.and_(events.c.kind == "attempt", outcome == "acked")
    marks = {
        "first_ack_at": acked,
        "first_response_at": sa.or_(acked, events.c.kind == "resolution", sa.and_(
            events.c.kind == "status", to_status.in_(("handling", "engaged", "resolved")))),
        "escalated_at": sa.and_(events.c.kind == "status", events.c.data["from"].as_string() == "new",
                                to_status == "escalating"),
    }
    bind = op.get_bind()
    bind.execute(sa.update(calls).values({
        name: sa.select(sa.func.min(events.c.at)).where(events.c.call_id == calls.c.id, test).scalar_subquery()
        for name, test in marks.items()
    }))
    rows = bind.execute(sa.select(calls.c.id, calls.c.received_at, calls.c.first_ack_at, calls.c.first_response_at)
                        .where(calls.c.first_response_at.is_not(None))).all()

    def seconds(mark, received):
        return None if mark is None else (mark - received).total_seconds()

    updates = [{"call": row.id, "ack": seconds(row.first_ack_at, row.received_at),
                "engage": seconds(row.first_response_at, row.received_at)} for row in rows]
    if updates:
        bind.execute(sa.update(calls).where(calls.c.id == sa.bindparam("call"))
                     .values(ack_seconds=sa.bindparam("ack"), engage_seconds=sa.bindparam("engage")), updates)


def downgrade() -> None:
    for name, _ in reversed(COLUMNS):
        op.drop_column("calls", name)
