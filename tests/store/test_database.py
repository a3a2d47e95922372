"""The store: schema by migration, SQLite settings, errors a user can fix, loading cost."""
from __future__ import annotations

import socket
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import platformdirs
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect, select

from dispatch_app.domain.model import (
    Agreement, Client, Contact, EmergencyRule, Environment, Expert, Length, Msp, Override, Rotation,
    Runbook, System, Technician, Unavailability, Vendor,
)
from dispatch_app.errors import DispatchError
from dispatch_app.store import (
    Database, current_change, load_environment, load_technician, record_change, save_environment,
)
from dispatch_app.store.database import MIGRATIONS
from dispatch_app.store.environment_rows import StoredCalendar
from dispatch_app.store.tables import Base, ChangeRow

UTC = timezone.utc
TABLES = {
    "msp", "technicians", "technician_unavailability", "rotations", "overrides", "clients", "contacts",
    "systems", "experts", "runbooks", "changes", "alembic_version",
}


def small_environment(clients: int = 1) -> Environment:
    techs = (
        Technician("dana", "Dana Reyes", 3, ("+1 312 555 0101",), "dana@example.com", ("lead",),
                   (Unavailability(datetime(2026, 12, 20, 6, tzinfo=UTC), datetime(2026, 12, 28, 6, tzinfo=UTC), "vacation"),)),
        Technician("alex", "Alex Kim", 2),
    )
    rotations = (
        Rotation("night", "Night", 2, "America/Chicago", datetime(2026, 11, 2, 8), Length(1, "w"),
                 "daily 00:00-08:00", ("alex", "dana")),
        Rotation("weekend", "Weekend", 3, "America/Chicago", calendar=StoredCalendar("w.ics", "BEGIN:VCALENDAR")),
    )
    overrides = (
        Override("night", "dana", datetime(2026, 11, 27, 23, tzinfo=UTC), datetime(2026, 11, 28, 14, tzinfo=UTC), "swap"),
        Override("night", "alex", datetime(2026, 11, 27, 23, tzinfo=UTC), datetime(2026, 11, 28, 2, tzinfo=UTC)),
    )
    agreement = Agreement(plan="24x7", coverage={1: "always", 2: "always", 3: "business", 4: "emergency"},
                          response_minutes={"P1": 15, "P2": 60, "P3": 240, "P4": 1440},
                          emergency=(EmergencyRule(systems=("erp",), impact=("down",)), EmergencyRule(keywords=("line down",))))
    return Environment(
        msp=Msp("Northwind IT", "America/Chicago", (date(2026, 12, 25),)),
        technicians=techs,
        rotations=rotations,
        overrides=overrides,
        clients=tuple(
            Client(
                f"client-{n}", f"Client {n}", "America/Chicago", "manufacturing", ("+1 312 555 0200",),
                (date(2026, 11, 27),), (Contact("Pat Lee", "+1 312 555 0201", None, "manager", True),), agreement,
                systems=(
                    System("erp", "ERP", "critical", 4, ("db",), (Expert("dana", "primary"), Expert("alex", "secondary")),
                           Vendor(name="Integrator", phone="+1 800 555 0199"), "notes",
                           (Runbook("restart", "Restart", 1, "1. Restart.", 90),)),
                    System("db", "Database", "high", 2),
                ),
                runbooks=(Runbook("vpn", "VPN", 1, "Re-issue."),),
            )
            for n in range(clients)
        ),
    )


def test_migrations_create_the_schema_the_tables_describe(database: Database) -> None:
    with database.engine.connect() as connection:
        assert TABLES <= set(inspect(connection).get_table_names())
        context = MigrationContext.configure(connection)
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        assert context.get_current_revision() == ScriptDirectory.from_config(config).get_current_head()
        assert compare_metadata(context, Base.metadata) == []


def test_opening_again_keeps_the_data(db_url: str) -> None:
    first = Database(db_url)
    with first.session(write=True) as session:
        save_environment(session, small_environment(), replace=False, actor=None)
    first.dispose()
    second = Database(db_url)
    try:
        assert not second.is_empty()
    finally:
        second.dispose()


def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'd.db'}")
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    database.dispose()


def test_save_then_load_gives_the_same_environment(database: Database) -> None:
    env = small_environment(clients=2)
    assert database.is_empty()
    with database.session(write=True) as session:
        summary = save_environment(session, env, replace=False, actor="dana")
    assert summary.counts["systems"].added == 4 and summary.counts["runbooks"].added == 4
    assert not database.is_empty()
    with database.session() as session:
        loaded = load_environment(session)
        assert load_technician(session, "dana") == env.technicians[0]
        assert load_technician(session, "nobody") is None
    assert loaded == env
    assert [(r.calendar.source, r.calendar.content) if r.calendar else None for r in loaded.rotations] == [
        None, ("w.ics", "BEGIN:VCALENDAR")
    ]
    assert all(t.tzinfo is UTC for o in loaded.overrides for t in (o.start, o.end))


def test_saving_again_changes_only_what_differs(database: Database) -> None:
    env = small_environment()
    with database.session(write=True) as session:
        save_environment(session, env, replace=False, actor=None)
    client = env.clients[0]
    changed = replace(env, clients=(replace(client, name="Renamed", systems=(
        replace(client.systems[0], experts=(Expert("alex", "primary"),)), client.systems[1],
    )),))
    with database.session(write=True) as session:
        summary = save_environment(session, changed, replace=False, actor="dana")
    assert summary.counts["clients"].updated == 1
    assert summary.counts["systems"].updated == 1 and summary.counts["systems"].unchanged == 1
    assert summary.counts["technicians"].unchanged == 2 and not summary.counts["technicians"].changed
    with database.session() as session:
        assert load_environment(session) == changed


def test_overrides_keep_their_listed_order(database: Database) -> None:
    env = small_environment()
    flipped = replace(env, overrides=env.overrides[::-1])
    with database.session(write=True) as session:
        save_environment(session, env, replace=False, actor=None)
    with database.session(write=True) as session:
        summary = save_environment(session, flipped, replace=True, actor=None)
    assert summary.counts["overrides"].unchanged == 2
    with database.session() as session:
        assert load_environment(session).overrides == flipped.overrides


def test_loading_asks_once_per_table_whatever_the_number_of_clients(database: Database) -> None:
    with database.session(write=True) as session:
        save_environment(session, small_environment(clients=30), replace=False, actor=None)
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        with database.session() as session:
            everything = load_environment(session)
            everything_count = len(statements)
            statements.clear()
            one = load_environment(session, clients=["client-7"])
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
    assert len(everything.clients) == 30 and [c.id for c in one.clients] == ["client-7"]
    assert everything_count <= 10 and len(statements) <= 10


def test_instants_are_stored_as_utc_and_read_back_aware(database: Database) -> None:
    chicago = datetime(2026, 11, 27, 17, 0, tzinfo=ZoneInfo("America/Chicago"))
    with database.session(write=True) as session:
        before = current_change(session)
        assert record_change(session, at=chicago) == before + 1
    with database.session() as session:
        stored = session.execute(select(ChangeRow.changed_at)).scalar_one()
    assert stored == chicago and stored.tzinfo is UTC and stored.hour == 23


def test_a_naive_instant_is_refused(database: Database) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        with database.session(write=True) as session:
            record_change(session, at=datetime(2026, 11, 27, 17, 0))


def test_a_failed_transaction_leaves_nothing(database: Database) -> None:
    with pytest.raises(RuntimeError):
        with database.session(write=True) as session:
            save_environment(session, small_environment(), replace=False, actor=None)
            raise RuntimeError("boom")
    assert database.is_empty()


# ---------------------------------------------------------------- errors a user can fix


def test_an_unreachable_postgresql_server_is_one_line_naming_the_database() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    database = Database(f"postgresql+psycopg://dispatch:hunter2@127.0.0.1:{port}/dispatch")
    with pytest.raises(DispatchError) as caught:
        database.is_empty()
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"cannot open the database postgresql+psycopg://dispatch:***@127.0.0.1:{port}/dispatch: ")
    assert "connection refused" in message and "--db" in message
    assert "hunter2" not in message


def test_an_sqlite_file_in_a_missing_directory_is_refused(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'missing' / 'dispatch.db'}")
    with pytest.raises(DispatchError, match="the directory .*missing does not exist") as caught:
        database.is_empty()
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "missing").exists()


def test_the_default_database_is_created_in_the_user_data_directory(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(platformdirs, "user_data_path", lambda app: tmp_path / "data" / app)
    database = Database()
    assert database.is_empty()
    database.dispose()
    assert (tmp_path / "data" / "dispatch-app" / "dispatch.db").is_file()


def test_an_uncreatable_default_directory_is_one_line(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "a-file").write_text("not a directory")
    monkeypatch.setattr(platformdirs, "user_data_path", lambda app: tmp_path / "a-file" / app)
    with pytest.raises(DispatchError, match="cannot create the directory") as caught:
        Database().is_empty()
    assert "\n" not in str(caught.value)


def test_a_file_that_is_not_a_database_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is not SQLite" * 100)
    with pytest.raises(DispatchError, match="not a Dispatch Console database"):
        Database(f"sqlite:///{path}").is_empty()


@pytest.mark.postgresql
def test_a_postgresql_password_comes_from_the_keyring(postgresql_server, postgresql_role, memory_keyring) -> None:
    role, password = postgresql_role
    name = postgresql_server.create_database()
    try:
        with postgresql_server.admin() as conn:
            conn.execute(f'ALTER DATABASE "{name}" OWNER TO {role}')
        url = postgresql_server.url(name, user=role)

        without = Database(url)
        with pytest.raises(DispatchError) as caught:
            without.is_empty()
        assert "password" in str(caught.value) and f"db:{role}@127.0.0.1" in str(caught.value)

        memory_keyring.set_password("dispatch-app", f"db:{role}@127.0.0.1", password)
        database = Database(url)
        assert database.is_empty()
        assert password not in repr(database) and password not in database.display_url
        database.dispose()
    finally:
        postgresql_server.drop_database(name)


def test_the_quick_schema_check_knows_alembics_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from dispatch_app.store.database import MIGRATIONS, head_revision

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert head_revision() == ScriptDirectory.from_config(config).get_current_head()
