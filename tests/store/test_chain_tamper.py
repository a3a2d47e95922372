"""Tamper evidence: edits made straight in the database are found and named; concurrent
writers keep one chain. On SQLite and PostgreSQL."""
from __future__ import annotations

import json
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
                             f"handoff of shift {shift} record 3 is missing: the chain ends early",
                             f"entry {report.entries + 1} of the record's chain is missing: the chain ends early "
                             f"(its head names {report.entries + 1} entries)")
    assert report.broken_chains == 4
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


# ---------------------------------------------------------------- the whole record (issue #12)


def broken(db, anchor: str | None = None):
    report = shifts.verify(db, anchor=anchor)
    assert not report.ok
    return report


CALL_COLUMNS = [
    ("status", "status", "'new'"),
    ("priority", "priority", "'P4'"),
    ("summary", "summary", "'nothing happened'"),
    ("client", "client_id", "'riverside'"),
    ("received_at", "received_at", ":instant"),
    ("response_due", "response_due", ":instant"),
    ("authorized", "authorized", ":yes"),
    ("priority_override", "priority_override", "'P1'"),
    ("external_id", "external_id", "'forged-1'"),
]


@pytest.mark.parametrize("fact,column,value", CALL_COLUMNS, ids=[c[0] for c in CALL_COLUMNS])
def test_an_edited_call_column_is_named(db, fact, column, value):
    first, _, _ = small_night(db)
    execute(db, f"UPDATE calls SET {column} = {value} WHERE id = :c", c=first,
            instant=at(-90).replace(tzinfo=None), yes=True)
    report = broken(db)
    assert report.first_break.startswith(f"call {first} column {fact} was edited")
    assert report.problems[0] == "column edited"
    assert len(report.breaks) == 1


def test_a_whole_call_deleted_with_its_events_is_found(db):
    first, third, _ = small_night(db)
    second = first + 1
    execute(db, "DELETE FROM call_events WHERE call_id = :c", c=second)
    execute(db, "DELETE FROM calls WHERE id = :c", c=second)
    report = broken(db)
    assert report.problems == ("record deleted",)
    assert "of the record's chain are missing" in report.first_break and "a record was deleted" in report.first_break
    assert f"call {third} event 1" in report.first_break  # the first record after the gap


def test_a_call_inserted_without_events_is_found(db):
    small_night(db)
    execute(db, "INSERT INTO calls (client_id, impact, summary, source, received_at, status, authorized, unmatched, "
                "head_hash, event_count, version) VALUES ('acme', 'down', 'forged', 'phone', :t, 'new', :no, :no, "
                ":genesis, 0, 1)", t=at(10).replace(tzinfo=None), no=False, genesis="0" * 64)
    report = broken(db)
    assert report.first_break == "call 4 was inserted outside the program: it has no events"
    assert report.problems == ("record inserted",)


def test_a_call_inserted_with_a_copied_timeline_is_found(db):
    first, _, _ = small_night(db)
    execute(db, "INSERT INTO calls (client_id, impact, summary, source, received_at, status, authorized, unmatched, "
                "head_hash, event_count, version) SELECT client_id, impact, summary, source, received_at, status, "
                "authorized, unmatched, head_hash, event_count, version FROM calls WHERE id = :c", c=first)
    execute(db, "INSERT INTO call_events (call_id, seq, at, actor, tech, kind, data, prev_hash, hash) "
                "SELECT 4, seq, at, actor, tech, kind, data, prev_hash, hash FROM call_events WHERE call_id = :c",
            c=first)
    report = broken(db)
    assert report.first_break.startswith("call 4 event 1 was altered")  # its hash names call 1
    assert "call 4 event 1 was inserted outside the program: it is not in the record's chain" in report.breaks
    assert "record inserted" in report.problems


@pytest.mark.parametrize("column,value,said", [("dispatcher", "'sam'", "'sam'"),
                                               ("start", ":instant", None), ("end", ":instant", None)])
def test_an_edited_shift_column_is_named(db, column, value, said):
    _, _, shift = small_night(db)
    execute(db, f'UPDATE shifts SET "{column}" = {value} WHERE id = :s', s=shift,
            instant=at(-120).replace(tzinfo=None))
    report = broken(db)
    assert report.first_break.startswith(f"shift {shift} column {column} was edited")
    assert set(report.problems) == {"column edited"}


def test_the_start_of_a_running_shift_is_chained_too(db):
    shift = shifts.start_shift(db, actor="jordan", at=at(-60))
    execute(db, "UPDATE shifts SET dispatcher = 'sam' WHERE id = :s", s=shift.id)
    report = broken(db)
    assert report.first_break.startswith(f"shift {shift.id} column dispatcher or start was edited")


def test_an_edited_event_technician_is_named(db):
    first, _, _ = small_night(db)
    execute(db, "UPDATE call_events SET tech = 'lee' WHERE call_id = :c AND kind = 'attempt'", c=first)
    report = broken(db)
    assert report.first_break == f"call {first} event 4 column tech was edited (it says 'lee', the event names 'dana')"
    assert report.problems == ("column edited",)


def rehash_everything(db) -> None:
    """What somebody who knows the program does after an edit: every hash, head, state, link and
    printed anchor in the database written again so that the record holds together."""
    from sqlalchemy import select, update

    from dispatch_app.domain import timeline as tl
    from dispatch_app.domain.handoff import ACKNOWLEDGED, ISSUED
    from dispatch_app.store import call_rows
    from dispatch_app.store.chains import CALLS, CHAIN, EVENTS, RECORDS, SHIFTS

    with db.session(write=True) as session:
        connection = session.connection()
        last: dict[int, str] = {}
        events = connection.execute(select(EVENTS).order_by(EVENTS.c.pk)).all()
        for e in events:
            prev = last.get(e.call_id, tl.GENESIS)
            new = tl.event_hash(e.call_id, e.seq, e.at, e.actor, e.kind, e.data, prev)
            connection.execute(update(EVENTS).where(EVENTS.c.pk == e.pk).values(prev_hash=prev, hash=new))
            last[e.call_id] = new
        for call_id, new in last.items():
            connection.execute(update(CALLS).where(CALLS.c.id == call_id).values(head_hash=new))
        states = {c: tl.state_hash(tl.call_facts(call_rows.load_call(session, c))) for c in last}
        entries = [("event", r.chain_seq, r) for r in connection.execute(select(EVENTS).order_by(EVENTS.c.pk))]
        entries += [("shift", r.chain_seq, r) for r in connection.execute(select(SHIFTS))]
        entries += [("record", r.chain_seq, r) for r in connection.execute(select(RECORDS))]
        link, shift_last, anchors = tl.RECORD_START, {}, {}
        for position, (kind, _, row) in enumerate(sorted(entries, key=lambda e: e[1]), start=1):
            if kind == "event":
                record_hash, state = row.hash, states[row.call_id]
                connection.execute(update(EVENTS).where(EVENTS.c.pk == row.pk).values(chain_state=state))
            elif kind == "shift":
                record_hash, state = tl.shift_entry_hash(row.id, row.dispatcher, row.start), None
            else:
                data = dict(row.data)
                if row.kind == ISSUED:
                    anchors[row.shift_id] = data["anchor"] = f"{link}:{position - 1}"
                elif row.kind == ACKNOWLEDGED:
                    data["anchor"] = anchors[row.shift_id]
                prev = shift_last.get(row.shift_id, tl.GENESIS)
                record_hash = tl.chain_hash(prev, {"shift_id": row.shift_id, "seq": row.seq,
                                                   "at": tl.instant_text(row.at), "actor": row.actor,
                                                   "kind": row.kind, "data": data})
                shift_last[row.shift_id] = record_hash
                connection.execute(update(RECORDS).where(RECORDS.c.pk == row.pk).values(
                    data=data, prev_hash=prev, hash=record_hash))
                state = None
            link = tl.link_hash(link, position, record_hash, state)
            table, key = {"event": (EVENTS, EVENTS.c.pk), "shift": (SHIFTS, SHIFTS.c.id),
                          "record": (RECORDS, RECORDS.c.pk)}[kind]
            connection.execute(update(table).where(key == (row.id if kind == "shift" else row.pk))
                               .values(chain_hash=link))
        for shift_id, new in shift_last.items():
            connection.execute(update(SHIFTS).where(SHIFTS.c.id == shift_id).values(head_hash=new))
        connection.execute(update(CHAIN).where(CHAIN.c.id == 1).values(head_hash=link, entry_count=len(entries)))


def test_a_consistent_rehash_of_everything_is_caught_by_the_anchor(db):
    first, _, shift = small_night(db)
    anchor = shifts.handoff(db, shift_id=shift, at=at(600)).anchor
    assert anchor is not None and shifts.verify(db, anchor=anchor).ok
    json_replace(db, "call_events", '"summary": "down"' if db.dialect == "postgresql" else '"summary":"down"',
                 '"summary":"a test call"', "call_id = :c AND seq = 1", c=first)
    execute(db, "UPDATE calls SET summary = 'a test call' WHERE id = :c", c=first)
    assert not shifts.verify(db).ok  # the plain edit
    rehash_everything(db)
    assert shifts.verify(db).ok  # nothing inside the database shows it any more...
    report = broken(db, anchor=anchor)  # ...but the printed anchor does
    assert report.problems == ("re-hashed against anchor",)
    count = anchor.rsplit(":", 1)[1]
    assert report.first_break == (f"the record up to entry {count} does not give the anchor {anchor}: a record up "
                                  "to there was changed, deleted or inserted and the chain re-hashed to hide it")
    assert (anchor, False) in report.anchors  # the forged anchor kept inside the database holds


def test_the_anchor_is_printed_on_the_handoff_and_kept_by_the_acknowledgement(db):
    from dispatch_app.reports.handoff_html import handoff_html
    from dispatch_app.reports.handoff_markdown import handoff_markdown
    from dispatch_app.store import shift_rows

    _, _, shift = small_night(db)
    record = shifts.handoff(db, shift_id=shift, at=at(600))
    report = shifts.verify(db)
    head, entries = report.head.split(":")
    assert record.anchor is not None and record.anchor != report.head  # taken at the end, before the ack
    assert f"dispatch-app verify --anchor {record.anchor}" in handoff_markdown(record)
    assert record.anchor in handoff_html(record)
    with db.session() as session:
        kept = {r.kind: r.data.get("anchor") for r in shift_rows.load_records(session, shift)}
    assert kept["issued"] == kept["acknowledged"] == record.anchor
    assert report.anchors == ((record.anchor, True),)  # the printed anchor is checked on every verify
    assert int(entries) == report.entries == 19  # 15 events, the shift, its 3 handoff records


def test_verify_anchor_on_the_command_line(db, capsys):
    _, _, shift = small_night(db)
    anchor = shifts.handoff(db, shift_id=shift, at=at(600)).anchor
    url = db.display_url if db.dialect == "sqlite" else str(db.engine.url.render_as_string(False))
    assert main(["--db", url, "verify", "--anchor", anchor]) == 0
    out, _ = capsys.readouterr()
    assert f"Anchor {anchor} holds" in out
    digest, count = anchor.split(":")
    wrong = f"{'0' if digest[0] != '0' else '1'}{digest[1:]}:{count}"
    assert main(["--db", url, "verify", "--anchor", wrong]) == 1
    out, err = capsys.readouterr()
    assert "does not give the anchor" in err and len(err.strip().splitlines()) == 1
    assert main(["--db", url, "verify", "--anchor", f"{digest}:{int(count) + 50}"]) == 1
    out, err = capsys.readouterr()
    assert "records after entry 19 were deleted" in err
    assert main(["--db", url, "--json", "verify", "--anchor", anchor]) == 0
    shape = json.loads(capsys.readouterr().out)
    assert shape["ok"] is True and shape["anchors"] == [{"anchor": anchor, "holds": True}]
    assert shape["checked"]["record_entries"] == 19 and shape["problems"] == [] and shape["head"].endswith(":19")
    for bad in ("nothing", f"{digest}:-1", f"{digest[:-1]}:3", f"{digest}:x"):
        assert main(["--db", url, "verify", "--anchor", bad]) == 2
        _, err = capsys.readouterr()
        assert "--anchor" in err and "HASH:COUNT" in err or "count" in err
        assert len(err.strip().splitlines()) == 1


def test_an_upgraded_database_is_chained_in_write_order_and_verifies(db):
    from alembic import command
    from alembic.config import Config

    from dispatch_app.store import Database
    from dispatch_app.store.database import MIGRATIONS

    # a night as a database before the record's chain would hold it (no handoff printed an anchor yet)
    shifts.start_shift(db, actor="jordan", at=at(-60))
    first = calls.record_call(db, actor="jordan", client="acme", system="erp-plc", impact="down", summary="down",
                              at=at(0)).call.id
    calls.record_call(db, actor="jordan", client="acme", system="m365", summary="mail", at=at(5))
    calls.record_attempt(db, actor="jordan", call_id=first, tech="dana", outcome="acked", at=at(8))
    shifts.add_shift_note(db, actor="jordan", text="quiet", at=at(30))
    before = shifts.verify(db)
    assert before.ok and before.entries == 10  # 8 events, the shift and its note
    url = db.engine.url.render_as_string(hide_password=False)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0007")
    db.dispose()
    again = Database(url)  # opening it upgrades it, backfilling the record's chain
    try:
        report = shifts.verify(again)
        assert report.ok, report.breaks
        assert report.entries == before.entries
        # the backfill follows write order: the shift's start, the calls, the note
        with again.session() as session:
            from sqlalchemy import text
            order = [tuple(r) for r in session.execute(text(
                "SELECT 'shift', chain_seq FROM shifts UNION ALL SELECT 'record', chain_seq FROM handoff_records"))]
        assert sorted(order, key=lambda o: o[1]) == [("shift", 1), ("record", 10)]
    finally:
        again.dispose()
