"""Editing and review: a runbook's last review, and the history of every edit.

``runbooks.reviewed_at`` is when a lead last confirmed the runbook is true (set by a save of
its text and by "mark reviewed"); null means never reviewed since import, and staleness then
counts from ``updated_at``. ``record_changes`` is append-only: one row per edit of a record
(created, updated, deleted, reviewed) with who, when, the record's version after the edit and
the fields that changed as ``{"field.path": [before, after]}``.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

INSTANT = sa.DateTime(timezone=False)


def upgrade() -> None:
    with op.batch_alter_table("runbooks") as batch:
        batch.add_column(sa.Column("reviewed_at", INSTANT, nullable=True))
    op.create_table(
        "record_changes",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(), nullable=True),
        sa.Column("at", INSTANT, nullable=False),
        sa.Column("diff", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_record_changes")),
    )
    op.create_index(op.f("ix_record_changes_kind"), "record_changes", ["kind", "key"])


def downgrade() -> None:
    op.drop_index(op.f("ix_record_changes_kind"), table_name="record_changes")
    op.drop_table("record_changes")
    with op.batch_alter_table("runbooks") as batch:
        batch.drop_column("reviewed_at")
