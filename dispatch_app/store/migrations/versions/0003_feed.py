"""The change feed: what changed since change N, kept by the database itself.

Every write bumps ``changes.counter`` first (``store/changes.py``), which serialises writers
on that one row. Triggers then stamp what the write touched with the counter value of its
transaction: ``calls.changed_seq`` for a call (inserted, or updated, as every event appended
to its timeline does), ``changes.environment_seq`` for any environment table,
``changes.shifts_seq`` for shifts and handoff records. A reader that sees counter N in one
snapshot has seen every write stamped N or less, so "calls with changed_seq > M" is a
complete catch-up. Triggers, not application code, so that no writer (the console, the CLI,
the intake, a future one) can forget. On PostgreSQL a bump also sends ``NOTIFY
dispatch_changes`` (delivered at commit) for listeners.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

CHANNEL = "dispatch_changes"
ENVIRONMENT_TABLES = ("msp", "technicians", "technician_unavailability", "rotations", "overrides", "clients",
                      "contacts", "systems", "experts", "runbooks")
SHIFT_TABLES = ("shifts", "handoff_records")
COUNTER = "(SELECT counter FROM changes WHERE id = 1)"


def upgrade() -> None:
    op.add_column("calls", sa.Column("changed_seq", sa.BigInteger(), nullable=True))
    op.create_index(op.f("ix_calls_changed_seq"), "calls", ["changed_seq"])
    op.add_column("changes", sa.Column("environment_seq", sa.BigInteger(), server_default="0", nullable=False))
    op.add_column("changes", sa.Column("shifts_seq", sa.BigInteger(), server_default="0", nullable=False))
    op.execute(f"UPDATE calls SET changed_seq = {COUNTER}")
    op.execute("UPDATE changes SET environment_seq = counter, shifts_seq = counter")
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _sqlite_triggers() -> None:
    stamp = f"UPDATE calls SET changed_seq = {COUNTER} WHERE id = NEW.id;"
    op.execute(f"CREATE TRIGGER feed_calls_insert AFTER INSERT ON calls BEGIN {stamp} END")
    # Skipped when the row already carries this transaction's number (a second update).
    op.execute("CREATE TRIGGER feed_calls_update AFTER UPDATE ON calls "
               f"WHEN NEW.changed_seq IS OLD.changed_seq AND NEW.changed_seq IS NOT {COUNTER} "
               f"BEGIN {stamp} END")
    for column, tables in (("environment_seq", ENVIRONMENT_TABLES), ("shifts_seq", SHIFT_TABLES)):
        for table in tables:
            for action in ("INSERT", "UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER feed_{table}_{action.lower()} AFTER {action} ON {table} BEGIN "
                           f"UPDATE changes SET {column} = counter WHERE id = 1 AND {column} IS NOT counter; END")


def _postgresql_triggers() -> None:
    op.execute(f"""
        CREATE FUNCTION dispatch_feed_stamp_call() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.changed_seq := {COUNTER};
            RETURN NEW;
        END $$""")
    op.execute("CREATE TRIGGER feed_calls BEFORE INSERT OR UPDATE ON calls "
               "FOR EACH ROW EXECUTE FUNCTION dispatch_feed_stamp_call()")
    for column, tables in (("environment_seq", ENVIRONMENT_TABLES), ("shifts_seq", SHIFT_TABLES)):
        op.execute(f"""
            CREATE FUNCTION dispatch_feed_{column}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE changes SET {column} = counter WHERE id = 1 AND {column} IS DISTINCT FROM counter;
                RETURN NULL;
            END $$""")
        for table in tables:
            op.execute(f"CREATE TRIGGER feed_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION dispatch_feed_{column}()")
    op.execute(f"""
        CREATE FUNCTION dispatch_feed_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.counter IS DISTINCT FROM OLD.counter THEN
                PERFORM pg_notify('{CHANNEL}', NEW.counter::text);
            END IF;
            RETURN NULL;
        END $$""")
    op.execute("CREATE TRIGGER feed_notify AFTER UPDATE ON changes FOR EACH ROW EXECUTE FUNCTION dispatch_feed_notify()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS feed_notify ON changes")
        op.execute("DROP TRIGGER IF EXISTS feed_calls ON calls")
        for table in ENVIRONMENT_TABLES + SHIFT_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS feed_{table} ON {table}")
        for function in ("notify", "stamp_call", "environment_seq", "shifts_seq"):
            op.execute(f"DROP FUNCTION IF EXISTS dispatch_feed_{function}()")
    else:
        op.execute("DROP TRIGGER IF EXISTS feed_calls_insert")
        op.execute("DROP TRIGGER IF EXISTS feed_calls_update")
        for table in ENVIRONMENT_TABLES + SHIFT_TABLES:
            for action in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS feed_{table}_{action}")
    op.drop_index(op.f("ix_calls_changed_seq"), table_name="calls")
    with op.batch_alter_table("calls") as batch:
        batch.drop_column("changed_seq")
    with op.batch_alter_table("changes") as batch:
        batch.drop_column("shifts_seq")
        batch.drop_column("environment_seq")
