"""The input limits below the front ends (services/inputs.py, domain/localtime.py): the console and
the intake get the same refusals as the command line, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from dispatch_app.domain.localtime import BadInstant, InstantOutOfRange, parse_instant
from dispatch_app.errors import DispatchError, NotFound
from dispatch_app.services import calls, clock, editing, environment, inputs, intake
from dispatch_app.services.database import open_database
from dispatch_app.store import Database
from night import northwind_url  # noqa: F401 - fixture

NIGHT = datetime(2026, 11, 28, 5, 0, tzinfo=timezone.utc)


@pytest.fixture
def db(northwind_url):
    database = Database(northwind_url)
    yield database
    database.dispose()


def _queue(db) -> list[int]:
    return [row.id for row in calls.queue(db, at=NIGHT)]


@pytest.mark.parametrize("field, value, words", [
    ("caller_name", "n" * (inputs.TEXT_MAX + 1), ["caller name", str(inputs.TEXT_MAX)]),
    ("external_id", "k" * (inputs.TEXT_MAX + 1), ["external id", str(inputs.TEXT_MAX)]),
    ("system", "s" * (inputs.TEXT_MAX + 1), ["system", str(inputs.TEXT_MAX)]),
    ("caller_name", "Pat\x00Lee", ["caller name", "NUL"]),
    ("summary", "line\x00down", ["summary", "NUL"]),
    ("summary", "caf\udce9", ["summary", "UTF-8"]),
    ("source", "s" * (inputs.SOURCE_MAX + 1), ["source", str(inputs.SOURCE_MAX)]),
])
def test_recording_a_call_holds_the_intakes_field_limits(db, field, value, words):
    fields = {"summary": "line 3 stopped", "client": "acme", field: value}
    before = _queue(db)
    with pytest.raises(DispatchError) as refused:
        calls.record_call(db, actor="jordan", at=NIGHT, **fields)
    for word in words:
        assert word in str(refused.value)
    assert _queue(db) == before


def test_the_intake_and_the_calls_share_one_set_of_limits():
    assert (intake.SUMMARY_MAX, intake.TEXT_MAX, intake.SOURCE_MAX) == (
        inputs.SUMMARY_MAX, inputs.TEXT_MAX, inputs.SOURCE_MAX)
    assert calls.SUMMARY_MAX == inputs.SUMMARY_MAX and calls.NOTE_MAX == inputs.NOTE_MAX


def test_a_call_at_the_limits_is_recorded(db):
    recorded = calls.record_call(db, actor="jordan", at=NIGHT, client="acme", summary="x" * inputs.SUMMARY_MAX,
                                 caller_name="n" * inputs.TEXT_MAX)
    assert recorded.call.caller_name == "n" * inputs.TEXT_MAX and recorded.call.id in _queue(db)


@pytest.mark.parametrize("text", ["0001-01-01T00:00+05:00", "9999-12-31T23:59", "9999-12-31", "1969-12-31T23:59Z",
                                  "2200-01-01T00:00Z"])
def test_instants_outside_the_years_are_refused_everywhere(db, text):
    with pytest.raises(InstantOutOfRange):
        parse_instant(text, "America/Chicago")
    with pytest.raises(DispatchError, match="outside the years 1970 to 2199"):
        clock.read_instant(db, text, option="--at")


def test_the_edges_of_the_years_are_instants(db):
    assert clock.read_instant(db, "1970-01-01T00:00+14:00").year == 1969
    assert clock.read_instant(db, "2199-12-31T23:59-12:00").year == 2200
    with pytest.raises(BadInstant):
        parse_instant("2026-02-30", "UTC")


@pytest.mark.parametrize("line, wanted", [
    ("      - {from: 2026-12-20T00:00, to: 2026-12-28T00:00, reason: vacation}",
     "      - {from: 2026-12-20T00:00, to: 9999-12-28T00:00, reason: vacation}"),
    ("      - {from: 2026-12-20T00:00, to: 2026-12-28T00:00, reason: vacation}",
     "      - {from: '0001-12-20T00:00', to: 2026-12-28T00:00, reason: vacation}"),
    ("  holidays: [2026-12-25, 2027-01-01]", "  holidays: [2026-12-25, 9999-12-31]"),
])
def test_a_bundle_with_an_instant_outside_the_years_is_refused_with_its_path(db, tmp_path, line, wanted):
    from pathlib import Path

    source = Path(__file__).resolve().parents[2] / "resources" / "examples" / "northwind.yaml"
    text = source.read_text(encoding="utf-8")
    assert line in text
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(line, wanted, 1), encoding="utf-8")
    with pytest.raises(DispatchError) as refused:
        environment.import_bundle(db, bad, actor="dana", dry_run=True)
    problems = "\n".join(refused.value.problems)
    assert "outside the years 1970 to 2199" in problems
    assert ("technicians[3].unavailable[0]" in problems) or ("msp.holidays[1]" in problems), problems


def test_history_of_a_record_that_never_was(db):
    with pytest.raises(NotFound, match="none was ever recorded"):
        editing.history(db, "clients", "nope")
    with pytest.raises(NotFound):
        editing.history(db, "overrides", str(2**63))
    with pytest.raises(NotFound):
        editing.get_record(db, "overrides", str(2**31))
    assert editing.history(db, "clients", "acme") == []


@pytest.mark.parametrize("url, word", [
    ("garbage://user:secret@host/db", "'garbage'"), ("SQLite:///x.db", "'SQLite'"), ("x", "not a URL"),
    ("", "empty"), ("sqlite:///a\x00b.db", "NUL"), ("sqlite:///caf\udce9.db", "UTF-8"),
])
def test_a_database_url_the_program_cannot_open_is_refused(url, word):
    with pytest.raises(DispatchError) as refused:
        open_database(url)
    assert word in str(refused.value) and "secret" not in str(refused.value)
