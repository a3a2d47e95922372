"""The change feed: another process's write is seen within a second, on SQLite (polling) and
PostgreSQL (LISTEN/NOTIFY), and nothing is missed across a lost listening connection."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from dispatch_app.feed import ChangeSet, Feed
from dispatch_app.services import calls, shifts
from dispatch_app.store import Database
from night import FRIDAY_NIGHT, at, db  # noqa: F401 - fixture

ROOT = Path(__file__).resolve().parents[2]
WRITER = """
import sys, time
from datetime import datetime, timezone
from dispatch_app.services import calls
from dispatch_app.store import Database
db = Database(sys.argv[1])
db.engine
print("ready", flush=True)
sys.stdin.readline()
call = calls.record_call(db, actor=None, client="acme", summary="from another process",
                         at=datetime.now(timezone.utc)).call
print(call.id, time.time(), flush=True)
"""


def test_a_write_by_another_process_is_seen_within_a_second(db):  # noqa: F811
    feed = Feed(db)
    token = feed.current()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db.engine.url.render_as_string(False))],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert writer.stdout.readline().strip() == "ready"
        seen: list[tuple[float, ChangeSet]] = []

        def listen() -> None:
            new_token, changes = feed.wait(token, timeout=20)
            seen.append((time.time(), changes))

        listener = threading.Thread(target=listen)
        listener.start()
        time.sleep(0.3)  # the listener is waiting (on PostgreSQL: LISTENing)
        writer.stdin.write("go\n")
        writer.stdin.flush()
        call_id, committed = writer.stdout.readline().split()
        listener.join(20)
    finally:
        writer.kill()
        writer.wait()
        feed.close()
    [(when, changes)] = seen
    assert changes.call_ids == (int(call_id),) and not changes.environment_changed
    assert when - float(committed) < 1.0


def test_changes_since_names_calls_environment_and_shifts(db):  # noqa: F811
    feed = Feed(db)
    start = feed.current()
    assert feed.changes_since(start) == (start, ChangeSet())
    first = calls.record_call(db, actor=None, client="acme", summary="one", at=FRIDAY_NIGHT).call.id
    second = calls.record_call(db, actor=None, client="baker", summary="two", at=at(1)).call.id
    token, changes = feed.changes_since(start)
    assert changes.call_ids == (first, second) and not changes.environment_changed and not changes.shifts_changed
    calls.add_note(db, actor=None, call_id=first, text="called back", at=at(2))
    token2, changes = feed.changes_since(token)
    assert changes.call_ids == (first,) and token2 == token + 1
    shifts.start_shift(db, actor="jordan", at=at(3))
    token3, changes = feed.changes_since(token2)
    assert changes == ChangeSet(shifts_changed=True)
    with db.session(write=True) as session:  # an environment edit, as any writer makes one
        from dispatch_app import store
        store.record_change(session)
        session.execute(text("UPDATE technicians SET name = 'Jordan P.' WHERE id = 'jordan'"))
    _, changes = feed.changes_since(token3)
    assert changes == ChangeSet(environment_changed=True)
    assert feed.changes_since(token3 + 1000)[1].reset


@pytest.mark.postgresql
def test_nothing_is_missed_across_a_listen_reconnect(db):  # noqa: F811
    if db.dialect != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    feed = Feed(db)
    try:
        token = feed.current()
        assert feed.wait(token, 0.2) == (token, ChangeSet())  # now listening

        def listening_pids() -> list[int]:
            with db.engine.connect() as connection:
                return list(connection.execute(text(
                    "SELECT pid FROM pg_stat_activity WHERE query LIKE 'LISTEN dispatch_changes%'")).scalars())

        [first_pid] = listening_pids()
        with db.engine.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first_pid})
        missed = [calls.record_call(db, actor=None, client="acme", summary=f"while deaf {n}", at=at(n)).call.id
                  for n in range(3)]
        token, changes = feed.wait(token, 5)
        assert changes.call_ids == tuple(missed)

        # Live again: a later write wakes the feed through a new listening connection.
        def later() -> None:
            time.sleep(0.3)
            calls.record_call(db, actor=None, client="acme", summary="after", at=at(10))

        writer = threading.Thread(target=later)
        started = time.monotonic()
        writer.start()
        _, changes = feed.wait(token, 5)
        writer.join()
        assert len(changes.call_ids) == 1 and time.monotonic() - started < 1.3
        assert listening_pids() and first_pid not in listening_pids()
    finally:
        feed.close()


def test_follow_calls_back_from_its_thread(db):  # noqa: F811
    feed = Feed(db)
    heard: list[ChangeSet] = []
    got = threading.Event()
    following = feed.follow(lambda token, changes: (heard.append(changes), got.set()))
    try:
        call_id = calls.record_call(db, actor=None, client="acme", summary="followed", at=FRIDAY_NIGHT).call.id
        assert got.wait(3)
        assert heard[0].call_ids == (call_id,)
    finally:
        following.stop()
        feed.close()
