"""Calls with their hash-chained timelines, shifts with their hash-chained handoff records.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

INSTANT = sa.DateTime(timezone=False)


def upgrade() -> None:
    op.create_table(
        "calls",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("client_id", sa.String(), nullable=True),
        sa.Column("system_id", sa.String(), nullable=True),
        sa.Column("impact", sa.String(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("caller_name", sa.String(), nullable=True),
        sa.Column("caller_phone", sa.String(), nullable=True),
        sa.Column("contact", sa.String(), nullable=True),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("external_id", sa.String(), nullable=True),
        sa.Column("received_at", INSTANT, nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("priority", sa.String(), nullable=True),
        sa.Column("priority_override", sa.String(), nullable=True),
        sa.Column("priority_override_by", sa.String(), nullable=True),
        sa.Column("authorized", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("unmatched", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("response_due", INSTANT, nullable=True),
        sa.Column("resolved_at", INSTANT, nullable=True),
        sa.Column("runbook_request", sa.String(), nullable=True),
        sa.Column("head_hash", sa.String(), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
        sa.UniqueConstraint("external_id", name=op.f("uq_calls_external_id")),
    )
    for column in ("client_id", "received_at", "status", "priority_override_by", "resolved_at", "runbook_request"):
        op.create_index(op.f(f"ix_calls_{column}"), "calls", [column])

    op.create_table(
        "call_events",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", INSTANT, nullable=False),
        sa.Column("actor", sa.String(), nullable=True),
        sa.Column("tech", sa.String(), nullable=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(), nullable=False),
        sa.Column("hash", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name=op.f("fk_call_events_call_id_calls")),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_call_events")),
        sa.UniqueConstraint("call_id", "seq", name=op.f("uq_call_events_call_id")),
    )
    op.create_index(op.f("ix_call_events_actor"), "call_events", ["actor"])
    op.create_index(op.f("ix_call_events_tech"), "call_events", ["tech"])

    op.create_table(
        "shifts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dispatcher", sa.String(), nullable=False),
        sa.Column("start", INSTANT, nullable=False),
        sa.Column("end", INSTANT, nullable=True),
        sa.Column("head_hash", sa.String(), nullable=False),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shifts")),
    )
    op.create_index(op.f("ix_shifts_dispatcher"), "shifts", ["dispatcher"])
    op.create_index(op.f("ix_shifts_start"), "shifts", ["start"])

    op.create_table(
        "handoff_records",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", INSTANT, nullable=False),
        sa.Column("actor", sa.String(), nullable=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(), nullable=False),
        sa.Column("hash", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["shift_id"], ["shifts.id"], name=op.f("fk_handoff_records_shift_id_shifts")),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_handoff_records")),
        sa.UniqueConstraint("shift_id", "seq", name=op.f("uq_handoff_records_shift_id")),
    )
    op.create_index(op.f("ix_handoff_records_actor"), "handoff_records", ["actor"])


def downgrade() -> None:
    for table in ("handoff_records", "shifts", "call_events", "calls"):
        op.drop_table(table)
