"""Rings: the phone rang and the console was told, before any call was recorded.

A ring is kept for the shift: one that never became a call (no call carries its external id)
is a missed call in the shift's list and its handoff record. ``external_id`` is the phone
system's call id (Twilio's ``CallSid``, a 3CX call id) or one made when it gives none; the call
recorded from the ring takes it, so a call posted later for the same ring is not recorded twice.
``changed_seq`` is stamped by a trigger, as ``calls.changed_seq`` is (0003), so the change feed
names new rings to every workstation.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

INSTANT = sa.DateTime(timezone=False)
COUNTER = "(SELECT counter FROM changes WHERE id = 1)"


def upgrade() -> None:
    op.create_table(
        "rings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", INSTANT, nullable=False),
        sa.Column("phone", sa.String(), nullable=False),
        sa.Column("line", sa.String(), nullable=True),
        sa.Column("caller_name", sa.String(), nullable=True),
        sa.Column("external_id", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("client_id", sa.String(), nullable=True),
        sa.Column("contact", sa.String(), nullable=True),
        sa.Column("changed_seq", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rings")),
        sa.UniqueConstraint("external_id", name=op.f("uq_rings_external_id")),
    )
    op.create_index(op.f("ix_rings_at"), "rings", ["at"])
    op.create_index(op.f("ix_rings_changed_seq"), "rings", ["changed_seq"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION dispatch_feed_stamp_ring() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.changed_seq := {COUNTER};
                RETURN NEW;
            END $$""")
        op.execute("CREATE TRIGGER feed_rings BEFORE INSERT OR UPDATE ON rings "
                   "FOR EACH ROW EXECUTE FUNCTION dispatch_feed_stamp_ring()")
    else:
        op.execute("CREATE TRIGGER feed_rings_insert AFTER INSERT ON rings "
                   f"BEGIN UPDATE rings SET changed_seq = {COUNTER} WHERE id = NEW.id; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS feed_rings ON rings")
        op.execute("DROP FUNCTION IF EXISTS dispatch_feed_stamp_ring()")
    else:
        op.execute("DROP TRIGGER IF EXISTS feed_rings_insert")
    op.drop_index(op.f("ix_rings_changed_seq"), table_name="rings")
    op.drop_index(op.f("ix_rings_at"), table_name="rings")
    op.drop_table("rings")
