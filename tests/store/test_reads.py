"""store/reads.py: its table clauses agree with the schema, and its reads with the ORM side."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import JSON, Boolean, Integer, String, Text

from dispatch_app.domain import timeline as tl
from dispatch_app.domain.timeline import Call, EventDraft
from dispatch_app.store import call_rows, environment_rows, reads, save_environment
from dispatch_app.store.tables import Base
from dispatch_app.store.types import UTCDateTime
from tests.store.test_database import small_environment

UTC = timezone.utc


def _kind(column_type) -> type:
    for kind in (UTCDateTime, JSON, Boolean, Text, String, Integer):
        if isinstance(column_type, kind):
            return kind
    return type(column_type)


@pytest.mark.parametrize("clause", reads.TABLES, ids=lambda t: t.name)
def test_every_column_read_is_in_the_schema_with_its_type(clause):
    real = Base.metadata.tables[clause.name]
    for column in clause.c:
        assert column.key in real.c, f"{clause.name}.{column.key} is not in store/tables.py"
        assert _kind(column.type) is _kind(real.c[column.key].type), f"{clause.name}.{column.key}"


def test_the_environment_read_on_core_is_the_one_saved(database):
    env = small_environment(clients=3)
    with database.session(write=True) as session:
        save_environment(session, env, replace=False, actor=None, at=datetime(2026, 11, 1, tzinfo=UTC))
    with database.reading() as connection:
        assert reads.load_environment(connection) == env
        one = reads.load_environment(connection, clients=["client-1", "nobody"])
        assert [c.id for c in one.clients] == ["client-1"]
        assert one.client("client-1") == env.client("client-1")
        assert reads.load_technicians(connection, "dana") == (env.technicians[0],)
    with database.session() as session:  # the ORM side reads through the same loader
        assert environment_rows.load_environment(session) == env


def test_the_queue_read_on_core_orders_as_the_store_does(database):
    at = datetime(2026, 11, 28, 5, tzinfo=UTC)
    plans = [("P2", tl.ESCALATING, 30), ("P1", tl.HANDLING, 15), (None, tl.NEW, None), ("P1", tl.RESOLVED, 15),
             ("P3", tl.DEFERRED, None), ("P1", tl.ESCALATING, 10)]
    with database.session(write=True) as session:
        for n, (priority, status, due) in enumerate(plans):
            call = Call(id=0, client=None if priority is None else "client-0", received_at=at + timedelta(minutes=n),
                        system=None, impact="down", summary=f"call {n}", source="phone", status=status,
                        priority=priority, unmatched=priority is None,
                        response_due=None if due is None else at + timedelta(minutes=due))
            call_rows.insert_call(session, call, [EventDraft(call.received_at, None, tl.CREATED, tl.created_data(call))])
    # CLI.md's order: unmatched first, then priority, then response due (none last), then received
    everything = ["call 2", "call 5", "call 1", "call 3", "call 0", "call 4"]
    with database.reading() as connection:
        fast = reads.queue(connection, open_only=True)
        assert [c.summary for c in reads.queue(connection)] == everything
        assert [c.summary for c in reads.queue(connection, limit=2)] == everything[:2]
    assert [c.summary for c in fast] == [s for s in everything if s != "call 3"]  # resolved is not open
    assert fast[0].unmatched is True and fast[0].client is None
    assert all(c.status != tl.RESOLVED for c in fast)
    assert [(c.priority, c.received_at, c.response_due) for c in fast[1:3]] == [
        ("P1", at + timedelta(minutes=5), at + timedelta(minutes=10)),
        ("P1", at + timedelta(minutes=1), at + timedelta(minutes=15))]
