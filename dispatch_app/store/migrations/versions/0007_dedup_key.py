"""One dedup key per call, indexed: the alert identity every source shares.

An alert source names its alert with a key of its own (Alertmanager's fingerprint, Opsgenie's
alias, PagerDuty's dedup_key, a mapped field): a new alert with the key of an open call updates
that call instead of recording a second one. The key used to be found with a ``LIKE`` on the
external id, a scan of the calls table; it is now a column with an index. Alertmanager calls
recorded before this migration get theirs from their external id,
``alertmanager:<fingerprint>:<startsAt>`` → ``alertmanager:<fingerprint>``.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("calls", sa.Column("dedup_key", sa.String(), nullable=True))
    op.create_index(op.f("ix_calls_dedup_key"), "calls", ["dedup_key"])
    calls = sa.table("calls", sa.column("id", sa.Integer()), sa.column("external_id", sa.String()),
                     sa.column("dedup_key", sa.String()))
    connection = op.get_bind()
    rows = connection.execute(sa.select(calls.c.id, calls.c.external_id)
                              .where(calls.c.external_id.like("alertmanager:%"))).all()
    for call_id, external_id in rows:
        parts = external_id.split(":", 2)
        if len(parts) == 3 and parts[1]:
            connection.execute(calls.update().where(calls.c.id == call_id)
                               .values(dedup_key=f"alertmanager:{parts[1]}"))


def downgrade() -> None:
    op.drop_index(op.f("ix_calls_dedup_key"), table_name="calls")
    op.drop_column("calls", "dedup_key")
