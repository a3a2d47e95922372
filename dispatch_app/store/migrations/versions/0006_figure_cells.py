"""The response figures kept per client, priority and month (``store/figure_cells.py``).

The cells start empty: the first read of the figures builds them from the calls table (and
from then on folds in only the calls changed since, by their change counter).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INSTANT = sa.DateTime(timezone=False)


def upgrade() -> None:
    minutes = [sa.Column(f"{measure}_{rank}", sa.Double(), nullable=True)
               for measure in ("ack", "engage") for rank in ("median", "p90")]
    op.create_table(
        "figure_cells",
        sa.Column("client_id", sa.String(), nullable=False),
        sa.Column("priority", sa.String(), nullable=False),
        sa.Column("month", sa.String(), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("acked", sa.Integer(), nullable=False),
        *minutes[:2],
        sa.Column("engaged", sa.Integer(), nullable=False),
        *minutes[2:],
        sa.Column("late", sa.Integer(), nullable=False),
        sa.Column("awaiting", sa.Integer(), nullable=False),
        sa.Column("awaiting_last_due", INSTANT, nullable=True),
        sa.Column("escalations", sa.Integer(), nullable=False),
        sa.Column("nobody_to_wake", sa.Integer(), nullable=False),
        sa.Column("unknown_wake", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("client_id", "priority", "month", name=op.f("pk_figure_cells")),
    )
    op.create_table(
        "figure_members",
        sa.Column("call_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("client_id", sa.String(), nullable=False),
        sa.Column("priority", sa.String(), nullable=False),
        sa.Column("month", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("call_id", name=op.f("pk_figure_members")),
    )
    state = op.create_table(
        "figure_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("folded_seq", sa.BigInteger(), nullable=True),
        sa.Column("timezone", sa.String(), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_figure_state_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figure_state")),
    )
    op.bulk_insert(state, [{"id": 1, "folded_seq": None, "timezone": None}])


def downgrade() -> None:
    for name in ("figure_state", "figure_members", "figure_cells"):
        op.drop_table(name)
