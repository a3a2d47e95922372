"""Shared by the call, shift and chain tests: northwind with one technician per role, instants."""
from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import shutil
import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool
from sqlalchemy.engine import make_url

from dispatch_app.services import environment
from dispatch_app.store import Database

EXAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "examples"
if not EXAMPLES.exists():
    EXAMPLES = Path(__file__).resolve().parents[1] / "resources" / "examples"
NORTHWIND = EXAMPLES / "northwind.yaml"
UTC = timezone.utc
FRIDAY_NIGHT = datetime(2026, 11, 28, 5, 0, tzinfo=UTC)  # Fri 23:00 in Chicago, Acme's holiday
"""jordan: dispatcher (level 1); dana: lead; morgan: manager; root: admin; nobody: no role."""


def at(minutes: float) -> datetime:
    return FRIDAY_NIGHT + timedelta(minutes=minutes)


def bundle(tmp_path: Path) -> Path:
    data = yaml.safe_load(NORTHWIND.read_text())
    data["technicians"] += [
        {"id": "root", "name": "Robin Admin", "level": 1, "roles": ["admin"]},
        {"id": "nobody", "name": "Nora Body", "level": 1, "roles": []},
    ]
    path = tmp_path / "northwind-roles.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def northwind(db: Database, tmp_path: Path) -> Database:
    environment.import_bundle(db, bundle(tmp_path), actor=None)
    return db


def execute(db: Database, sql: str, **params) -> None:
    """Raw SQL straight into the database, as somebody tampering with it would."""
    with db.engine.begin() as connection:
        connection.execute(text(sql), params)


# ---------------------------------------------------------------- a northwind database per test, fast

_templates: dict[str, str] = {}
_shared: dict[str, str] = {}
_names = itertools.count()
CALL_TABLES = "rings, handoff_records, shifts, call_events, calls"


def _template(dialect: str, request, tmp_path_factory) -> str:
    """A database with the roles bundle imported, made once per session and dialect."""
    if dialect not in _templates:
        directory = tmp_path_factory.mktemp("northwind-template")
        if dialect == "sqlite":
            url = f"sqlite:///{directory / 'northwind.db'}"
        else:
            server = request.getfixturevalue("postgresql_server")
            url = server.url(server.create_database())
        db = Database(url)
        northwind(db, directory)
        db.dispose()
        _templates[dialect] = url
    return _templates[dialect]


_PARAMS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


@pytest.fixture(params=_PARAMS)
def northwind_url(request, tmp_path, tmp_path_factory) -> Iterator[str]:
    """A database of its own holding northwind plus an admin (root) and a technician with no
    role (nobody): a copy of a template file on SQLite, ``CREATE DATABASE ... TEMPLATE`` on
    PostgreSQL (dropped afterwards)."""
    template = _template(request.param, request, tmp_path_factory)
    if request.param == "sqlite":
        yield _sqlite_copy(template, tmp_path)
        return
    server = request.getfixturevalue("postgresql_server")
    name = f"northwind_{next(_names)}"
    with server.admin() as connection:
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template).database}"')
    yield server.url(name)
    server.drop_database(name)


@pytest.fixture
def db(northwind_url: str) -> Iterator[Database]:
    database = Database(northwind_url)
    yield database
    database.dispose()


@pytest.fixture(params=_PARAMS)
def calls_url(request, tmp_path, tmp_path_factory) -> str:
    """Like ``northwind_url``, faster on PostgreSQL, for tests that write calls and shifts and
    never the environment: one shared database whose call and shift tables are emptied (ids
    restarted) before each test."""
    template = _template(request.param, request, tmp_path_factory)
    if request.param == "sqlite":
        return _sqlite_copy(template, tmp_path)
    if "postgresql" not in _shared:
        server = request.getfixturevalue("postgresql_server")
        name = "northwind_shared"
        with server.admin() as connection:
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template).database}"')
        _shared["postgresql"] = server.url(name)
    url = _shared["postgresql"]
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {CALL_TABLES} RESTART IDENTITY"))
        connection.execute(text("UPDATE record_chain SET head_hash = :genesis, entry_count = 0"), {"genesis": "0" * 64})
    engine.dispose()
    return url


@pytest.fixture
def calls_db(calls_url: str) -> Iterator[Database]:
    database = Database(calls_url)
    yield database
    database.dispose()


def _sqlite_copy(template: str, tmp_path: Path) -> str:
    path = tmp_path / "dispatch.db"
    shutil.copyfile(make_url(template).database, path)
    return f"sqlite:///{path}"


# ---------------------------------------------------------------- a scripted night


def scripted_night(db: Database) -> dict[str, int]:
    """Jordan's shift, Fri 22:00 to Sat 06:00 Chicago (at(-60) to at(420)): a dozen calls across
    every status, attempts acknowledged after known delays, three response-due breaches, two
    notes. Answers the shift id and call ids by name (see tests/services/test_shifts.py)."""
    from dispatch_app.services import calls, shifts

    def record(minute, **kwargs):
        return calls.record_call(db, actor="jordan", at=at(minute), **kwargs).call.id

    def attempt(call_id, minute, tech, outcome):
        calls.record_attempt(db, actor="jordan", call_id=call_id, tech=tech, outcome=outcome, at=at(minute))

    ids: dict[str, int] = {}
    ids["before"] = record(-120, client="acme", system="erp", summary="ERP slow since the evening")
    old = record(-200, client="acme", system="m365", impact="single-user", summary="password reset")
    calls.resolve(db, actor="jordan", call_id=old, note="reset", at=at(-150))
    ids["shift"] = shifts.start_shift(db, actor="jordan", at=at(-60)).id
    ids["line"] = record(0, client="acme", system="erp-plc", impact="down", summary="line 3 stopped")
    attempt(ids["line"], 2, "dana", "no-answer")
    attempt(ids["line"], 9, "dana", "acked")
    ids["ehr"] = record(10, client="riverside", system="ehr", impact="down", summary="EHR will not open")
    attempt(ids["ehr"], 12, "lee", "no-answer")
    attempt(ids["ehr"], 20, "lee", "voicemail")
    ids["mail"] = record(20, client="acme", system="m365", impact="single-user", summary="user locked out of mail")
    calls.resolve(db, actor="jordan", call_id=ids["mail"], note="password reset", at=at(25))
    ids["printer"] = record(30, client="baker", system="printers", impact="single-user", summary="printer jam")
    calls.resolve(db, actor="jordan", call_id=ids["before"], note="cache cleared", at=at(30))
    ids["trading"] = record(35, client="harbor", system="trading", impact="down", summary="trading desk dark")
    calls.resolve(db, actor="jordan", call_id=ids["line"], note="bridge restarted", runbook_change=True, at=at(40))
    ids["ehr_ack"] = 47
    attempt(ids["ehr"], 47, "lee", "acked")
    calls.authorize(db, actor="jordan", call_id=ids["trading"], contact="Ravi Shah", at=at(50))
    attempt(ids["trading"], 55, "sam", "acked")
    ids["stranger"] = calls.record_call(db, actor="jordan", caller_phone="+1 415 555 0000", summary="who is this",
                                        at=at(60)).call.id
    ids["erp"] = record(70, client="acme", system="erp", summary="ERP errors on order entry")
    attempt(ids["erp"], 75, "sam", "no-answer")
    calls.resolve(db, actor="jordan", call_id=ids["ehr"], note="restarted the EHR app server", runbook_change=False,
                  at=at(90))
    shifts.add_shift_note(db, actor="jordan", text="Acme restarts line 3 at 06:00", at=at(95))
    ids["wifi"] = record(100, client="riverside", system="wifi", impact="down", summary="clinic Wi-Fi down")
    ids["line2"] = record(200, client="acme", system="erp-plc", impact="down", summary="line 1 stopped")
    attempt(ids["line2"], 205, "dana", "acked")
    calls.resolve(db, actor="jordan", call_id=ids["line2"], note="PLC bridge again", runbook_change=True, at=at(260))
    ids["ehr_slow"] = record(300, client="riverside", system="ehr", summary="EHR slow")
    ids["request"] = record(350, client="acme", system="m365", impact="request", summary="new mailbox")
    shifts.add_shift_note(db, actor="jordan", text="Riverside Wi-Fi: vendor ticket 4471", at=at(400))
    ids["late"] = record(430, client="acme", system="erp", summary="after the shift")
    shifts.end_shift(db, actor="jordan", shift_id=ids["shift"], at=at(420))
    return ids
