"""The record's chain: every call event, shift and handoff record in one hash chain, in write
order, with its head in one row and each call event holding the state hash of its call.

``call_events``, ``shifts`` and ``handoff_records`` get ``chain_seq`` (the position in the
record's chain, unique) and ``chain_hash`` (the link); ``call_events`` also ``chain_state``, the
state hash of its call's facts (``domain.timeline.call_facts``). ``record_chain`` holds the head.

Existing records are chained here in write order: shifts by their start, handoff records and
call events by their time, each table keeping its own storage order; every event of an existing
call gets the state of the call as it stands now (what the database says at the upgrade is what
the chain holds from then on), so an upgraded database verifies clean.

Columns are added without a table rebuild, which on SQLite would drop the change-feed triggers.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""
from __future__ import annotations

from datetime import timezone

import sqlalchemy as sa
from alembic import op

from dispatch_app.domain import timeline as tl

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INSTANT = sa.DateTime(timezone=False)
BATCH = 20_000
CHAINED = ("call_events", "shifts", "handoff_records")


def upgrade() -> None:
    op.create_table(
        "record_chain",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("head_hash", sa.String(), nullable=False),
        sa.Column("entry_count", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_record_chain_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_chain")),
    )
    for table in CHAINED:
        op.add_column(table, sa.Column("chain_seq", sa.BigInteger(), nullable=True))
        op.add_column(table, sa.Column("chain_hash", sa.String(), nullable=True))
    op.add_column("call_events", sa.Column("chain_state", sa.String(), nullable=True))
    head_hash, count = _backfill()
    op.get_bind().execute(sa.text("INSERT INTO record_chain (id, head_hash, entry_count) VALUES (1, :h, :n)"),
                          {"h": head_hash, "n": count})
    for table in CHAINED:
        op.create_index(op.f(f"ix_{table}_chain_seq"), table, ["chain_seq"], unique=True)


def _utc(at):
    return at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at


def _backfill() -> tuple[str, int]:
    bind = op.get_bind()
    calls = sa.table("calls", *(sa.column(c) for c in (
        "id", "client_id", "system_id", "impact", "summary", "caller_name", "caller_phone", "contact", "source",
        "external_id", "status", "priority", "priority_override", "priority_override_by", "authorized",
        "unmatched")), sa.column("received_at", INSTANT), sa.column("response_due", INSTANT))
    events = sa.table("call_events", sa.column("pk", sa.Integer()), sa.column("call_id", sa.Integer()),
                      sa.column("at", INSTANT), sa.column("hash", sa.String()), sa.column("chain_seq", sa.BigInteger()),
                      sa.column("chain_state", sa.String()), sa.column("chain_hash", sa.String()))
    shifts = sa.table("shifts", sa.column("id", sa.Integer()), sa.column("dispatcher", sa.String()),
                      sa.column("start", INSTANT), sa.column("chain_seq", sa.BigInteger()),
                      sa.column("chain_hash", sa.String()))
    records = sa.table("handoff_records", sa.column("pk", sa.Integer()), sa.column("at", INSTANT),
                       sa.column("hash", sa.String()), sa.column("chain_seq", sa.BigInteger()),
                       sa.column("chain_hash", sa.String()))
    states = {}
    for row in bind.execute(sa.select(calls)).mappings():
        call = tl.Call(id=row["id"], client=row["client_id"], received_at=_utc(row["received_at"]),
                       system=row["system_id"], impact=row["impact"], summary=row["summary"],
                       caller_name=row["caller_name"], caller_phone=row["caller_phone"], contact=row["contact"],
                       source=row["source"], external_id=row["external_id"], status=row["status"],
                       priority_override=row["priority_override"], priority_override_by=row["priority_override_by"],
                       authorized=bool(row["authorized"]), unmatched=bool(row["unmatched"]), priority=row["priority"],
                       response_due=_utc(row["response_due"]) if row["response_due"] is not None else None)
        states[row["id"]] = tl.state_hash(tl.call_facts(call))
    # shifts and handoff records are few: they wait, by time, for the events to reach them
    others = [(_utc(r.start), 0, "shift", r.id, tl.shift_entry_hash(r.id, r.dispatcher, _utc(r.start)))
              for r in bind.execute(sa.select(shifts.c.id, shifts.c.dispatcher, shifts.c.start))]
    others += [(_utc(r.at), 1, "record", r.pk, r.hash)
               for r in bind.execute(sa.select(records.c.pk, records.c.at, records.c.hash).order_by(records.c.pk))]
    others.sort(key=lambda o: (o[0], o[1]))
    link, count, waiting = tl.RECORD_START, 0, 0
    shift_links, record_links = [], []

    def other(entry) -> None:
        nonlocal link, count
        count += 1
        link = tl.link_hash(link, count, entry[4], None)
        (shift_links if entry[2] == "shift" else record_links).append({"key": entry[3], "n": count, "h": link})

    last_pk = 0
    while True:
        rows = bind.execute(sa.select(events.c.pk, events.c.call_id, events.c.at, events.c.hash)
                            .where(events.c.pk > last_pk).order_by(events.c.pk).limit(BATCH)).all()
        if not rows:
            break
        updates = []
        for row in rows:
            at = _utc(row.at)
            while waiting < len(others) and others[waiting][0] <= at:
                other(others[waiting])
                waiting += 1
            state = states.get(row.call_id)
            count += 1
            link = tl.link_hash(link, count, row.hash, state)
            updates.append({"key": row.pk, "n": count, "s": state, "h": link})
        bind.execute(events.update().where(events.c.pk == sa.bindparam("key"))
                     .values(chain_seq=sa.bindparam("n"), chain_state=sa.bindparam("s"), chain_hash=sa.bindparam("h")),
                     updates)
        last_pk = rows[-1].pk
    for entry in others[waiting:]:
        other(entry)
    if shift_links:
        bind.execute(shifts.update().where(shifts.c.id == sa.bindparam("key"))
                     .values(chain_seq=sa.bindparam("n"), chain_hash=sa.bindparam("h")), shift_links)
    if record_links:
        bind.execute(records.update().where(records.c.pk == sa.bindparam("key"))
                     .values(chain_seq=sa.bindparam("n"), chain_hash=sa.bindparam("h")), record_links)
    return link, count


def downgrade() -> None:
    for table in CHAINED:
        op.drop_index(op.f(f"ix_{table}_chain_seq"), table_name=table)
        op.drop_column(table, "chain_hash")
        op.drop_column(table, "chain_seq")
    op.drop_column("call_events", "chain_state")
    op.drop_table("record_chain")
