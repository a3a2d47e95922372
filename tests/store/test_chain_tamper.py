"""Tamper evidence: edits made straight in the database are found and named; concurrent
writers keep one chain. On SQLite and PostgreSQL."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from dispatch_app.cli.main import main
from dispatch_app.services import calls, shifts
from night import at, calls_db, calls_url, execute  # noqa: F401 - fixtures


@pytest.fixture
def db(calls_db):
    """Calls and shifts only: the fast shared database (night.calls_url)."""
    return calls_db

ROOT = Path(__file__).resolve().parents[2]


def small_night(db) -> tuple[int, int, int]:
    """Three calls of 5, 3 and 7 events, and a shift with a note, its issue and an acknowledgement."""
    shift = shifts.start_shift(db, actor="jordan", at=at(-60))
    first = calls.record_call(db, actor="jordan", client="acme", system="erp-plc", impact="down", summary="down",
                              at=at(0)).call.id
    calls.record_attempt(db, actor="jordan", call_id=first, tech="dana", outcome="no-answer", at=at(2))
    calls.add_note(db, actor="jordan", call_id=first, text="left a voicemail too", at=at(3))
    second = calls.record_call(db, actor="jordan", client="acme", system="m365", summary="mail", at=at(5)).call.id
    third = calls.record_call(db, actor="jordan", client="riverside", system="ehr", impact="down", summary="ehr",
                              at=at(6)).call.id
    calls.record_attempt(db, actor="jordan", call_id=third, tech="lee", outcome="acked", at=at(8))
    calls.resolve(db, actor="jordan", call_id=third, note="fixed", runbook_change=False, at=at(20))
    shifts.add_shift_note(db, actor="jordan", text="quiet", at=at(30))
    shifts.end_shift(db, actor="jordan", at=at(420))
    shifts.acknowledge(db, actor="sam", shift_id=shift.id, at=at(425))
    assert shifts.verify(db).ok
    return first, third, shift.id


def json_replace(db, table: str, old: str, new: str, where: str, **params) -> None:
    """Rewrite text inside a JSON payload, as a hand edit would."""
    if db.dialect == "postgresql":
        value = "CAST(replace(CAST(data AS TEXT), :old, :new) AS JSON)"
    else:
        value = "replace(data, :old, :new)"
    execute(db, f"UPDATE {table} SET data = {value} WHERE {where}", old=old, new=new, **params)


def first_break(db) -> str:
    report = shifts.verify(db)
    assert not report.ok
    return report.first_break


def test_an_edited_payload_is_named(db):
    first, _, _ = small_night(db)
    json_replace(db, "call_events", "no-answer", "acked", "call_id = :c AND seq = 4", c=first)
    assert first_break(db) == f"call {first} event 4 was altered (its hash no longer matches)"


def test_an_edited_column_is_named(db):
    _, third, _ = small_night(db)
    execute(db, "UPDATE call_events SET actor = 'mallory' WHERE call_id = :c AND seq = 2", c=third)
    assert first_break(db) == f"call {third} event 2 was altered (its hash no longer matches)"


def test_a_deleted_event_is_named(db):
    first, _, _ = small_night(db)
    execute(db, "DELETE FROM call_events WHERE call_id = :c AND seq = 2", c=first)
    assert first_break(db) == f"call {first} event 2 is missing (found call {first} event 3 after it)"


def test_a_deleted_last_event_is_named_by_the_head(db):
    _, third, _ = small_night(db)
    execute(db, "DELETE FROM call_events WHERE call_id = :c AND seq = 7", c=third)
    assert first_break(db) == f"call {third} event 7 is missing: the chain ends early"


def test_swapped_events_are_named(db):
    first, _, _ = small_night(db)
    for old, new in ((2, -1), (3, 2), (-1, 3)):
        execute(db, "UPDATE call_events SET seq = :new WHERE call_id = :c AND seq = :old", c=first, old=old, new=new)
    assert first_break(db) == f"call {first} event 3 is out of order (expected 2 here)"


def test_an_edited_handoff_record_is_named(db):
    _, _, shift = small_night(db)
    json_replace(db, "handoff_records", "quiet", "busy", "shift_id = :s AND seq = 1", s=shift)
    assert first_break(db) == f"handoff of shift {shift} record 1 was altered (its hash no longer matches)"


def test_an_edited_issued_snapshot_is_named(db):
    _, _, shift = small_night(db)
    json_replace(db, "handoff_records", '\\"breaches\\":1', '\\"breaches\\":0', "shift_id = :s AND seq = 2", s=shift)
    assert first_break(db) == f"handoff of shift {shift} record 2 was altered (its hash no longer matches)"


def test_the_first_of_several_breaks_comes_first_and_the_cli_exits_1(db, capsys):
    first, third, shift = small_night(db)
    execute(db, "UPDATE call_events SET kind = 'note' WHERE call_id = :c AND seq = 5", c=third)
    execute(db, "UPDATE call_events SET actor = NULL WHERE call_id = :c AND seq = 1", c=first)
    execute(db, "DELETE FROM handoff_records WHERE shift_id = :s AND seq = 3", s=shift)
    report = shifts.verify(db)
    assert report.breaks == (f"call {first} event 1 was altered (its hash no longer matches)",
                             f"call {third} event 5 was altered (its hash no longer matches)",
                             f"handoff of shift {shift} record 3 is missing: the chain ends early")
    assert report.broken_chains == 3
    code = main(["--db", db.display_url if db.dialect == "sqlite" else str(db.engine.url.render_as_string(False)),
                 "verify"])
    out, err = capsys.readouterr()
    assert code == 1 and f"call {first} event 1 was altered" in err and len(err.strip().splitlines()) == 1
    assert "BROKEN" in out


WRITER = textwrap.dedent("""
    import os, sys, time
    from datetime import datetime, timedelta, timezone
    from dispatch_app.services import calls
    from dispatch_app.store import Database

    url, name, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    db = Database(url)
    db.engine  # opened and migrated before the start
    open(go + "." + name, "w").close()
    while not os.path.exists(go):
        time.sleep(0.005)
    start = datetime(2026, 11, 28, 6, 0, tzinfo=timezone.utc)
    for i in range(count):
        calls.add_note(db, actor=None, call_id=1, text=f"{name} {i}", at=start + timedelta(seconds=i))
""")


def test_two_processes_adding_events_to_one_call_keep_one_chain(db, tmp_path):
    call = calls.record_call(db, actor=None, client="acme", system="erp", summary="busy", at=at(0)).call
    assert call.id == 1
    url = db.engine.url.render_as_string(hide_password=False)
    db.dispose()
    go, count = str(tmp_path / "go"), 40
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring", "PYTHONPATH": str(ROOT)}
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, url, name, str(count), go], env=env, cwd=ROOT,
                                stderr=subprocess.PIPE, text=True) for name in ("a", "b")]
    deadline = time.monotonic() + 60
    while not all(os.path.exists(f"{go}.{name}") for name in ("a", "b")):
        assert time.monotonic() < deadline and all(w.poll() is None for w in writers), [w.stderr.read() for w in writers]
        time.sleep(0.01)
    Path(go).touch()
    for writer in writers:
        assert writer.wait(timeout=120) == 0, writer.stderr.read()
    events = calls.call_view(db, 1, at=at(600)).events
    assert [e.seq for e in events] == list(range(1, 3 + 2 * count + 1))
    texts = [e.data["text"] for e in events if e.kind == "note"]
    for name in ("a", "b"):
        assert [t for t in texts if t.startswith(name)] == [f"{name} {i}" for i in range(count)]
    # Whether the two writers interleaved depends on the scheduler (on a loaded machine one may
    # finish first); the chain must hold either way.
    report = shifts.verify(db)
    assert report.ok and report.events == 3 + 2 * count
