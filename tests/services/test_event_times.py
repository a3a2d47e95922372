"""No backdated or postdated history: every writer of a call's timeline (the command line, the
console, the intake) goes through the services, which refuse an event dated before its call was
received, or more than the clock-skew allowance (5 minutes) after a clock given apart from the
event's instant. On SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from dispatch_app.cli.main import main
from dispatch_app.domain.timeline import BACKDATE_SKEW, check_event_time
from dispatch_app.errors import DispatchError
from dispatch_app.services import calls, shifts
from night import at, calls_db, calls_url  # noqa: F401 - fixtures


@pytest.fixture
def db(calls_db):
    return calls_db


def recorded(db) -> int:
    return calls.record_call(db, actor="jordan", client="acme", system="erp-plc", impact="down", summary="down",
                             at=at(0)).call.id


def test_an_attempt_before_the_call_was_received_is_refused_and_nothing_is_written(db):
    call_id = recorded(db)
    before = calls.call_view(db, call_id, at=at(5)).events
    with pytest.raises(DispatchError) as refused:
        calls.record_attempt(db, actor="jordan", call_id=call_id, tech="dana", outcome="acked", at=at(-10))
    assert str(refused.value) == (f"--at: call {call_id}: the event at 2026-11-28T04:50:00Z is before the call was "
                                  "received (2026-11-28T05:00:00Z): history cannot be backdated")
    assert calls.call_view(db, call_id, at=at(5)).events == before
    assert shifts.verify(db).ok


def test_every_kind_of_change_is_held_to_the_received_time(db):
    call_id = recorded(db)
    writes = [
        lambda when: calls.add_note(db, actor="jordan", call_id=call_id, text="x", at=when),
        lambda when: calls.set_status(db, actor="jordan", call_id=call_id, status="handling", at=when),
        lambda when: calls.override_priority(db, actor="jordan", call_id=call_id, priority="P4", why="x", at=when),
        lambda when: calls.resolve(db, actor="jordan", call_id=call_id, note="x", runbook_change=False, at=when),
    ]
    for write in writes:
        with pytest.raises(DispatchError, match="before the call was received"):
            write(at(-1))
    calls.add_note(db, actor="jordan", call_id=call_id, text="at the same instant is fine", at=at(0))


def test_the_future_is_refused_beyond_the_clock_skew_allowance_of_a_given_clock():
    now = datetime(2026, 11, 28, 5, 0, tzinfo=timezone.utc)
    check_event_time(now + BACKDATE_SKEW - timedelta(seconds=30), received_at=now, now=now)
    with pytest.raises(ValueError, match=r"is in the future .*at most 5 minutes ahead"):
        check_event_time(now + timedelta(days=1), received_at=now, now=now)
    with pytest.raises(DispatchError, match="is in the future"):
        calls.event_time(now + timedelta(minutes=10), now=now)


def test_an_instant_given_as_the_commands_now_is_never_future(db):
    """CLI.md: --at "replaces now wherever a command depends on the time"."""
    later = datetime.now(timezone.utc) + timedelta(days=90)
    call_id = calls.record_call(db, actor="jordan", client="acme", summary="planned", at=later).call.id
    calls.add_note(db, actor="jordan", call_id=call_id, text="same now", at=later)
    assert shifts.verify(db).ok


def test_the_command_line_exits_2_on_a_backdated_attempt(db, capsys):
    call_id = recorded(db)
    url = db.display_url if db.dialect == "sqlite" else db.engine.url.render_as_string(hide_password=False)
    code = main(["--db", url, "--at", "2026-11-28T04:30:00Z", "attempt", str(call_id), "--tech", "dana",
                 "--outcome", "acked"])
    _, err = capsys.readouterr()
    assert code == 2
    assert "before the call was received" in err and len(err.strip().splitlines()) == 1
    assert [e.kind for e in calls.call_view(db, call_id, at=at(5)).events] == ["created", "priority", "status"]
