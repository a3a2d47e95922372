"""Import, export and load of the environment, on SQLite and PostgreSQL."""
from __future__ import annotations

import hashlib
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from dispatch_app.bundle import BundleError, read_bundle
from dispatch_app.errors import NotAllowed, NotFound
from dispatch_app.services import environment, people
from dispatch_app.store import Database, current_change
from dispatch_app.store import environment_rows

EXAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "examples"
NORTHWIND = EXAMPLES / "northwind.yaml"
NORTHWIND_ICAL = EXAMPLES / "northwind-ical.yaml"
UTC = timezone.utc


def northwind_data() -> dict:
    return yaml.safe_load(NORTHWIND.read_text())


def write_bundle_data(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path


def calendars(env) -> list:
    return [(r.id, r.calendar.source, r.calendar.content) for r in env.rotations if r.calendar is not None]


def change_counter(database: Database) -> int:
    with database.session() as session:
        return current_change(session)


def sqlite_file_hash(database: Database) -> str:
    """The main file's hash once the WAL is folded into it and every connection is closed."""
    path = Path(database.engine.url.database)
    database.dispose()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(database: Database):
    env = environment.load_environment(database)
    return env, calendars(env), change_counter(database)


# ---------------------------------------------------------------- import and load


@pytest.mark.parametrize("bundle", [NORTHWIND, NORTHWIND_ICAL], ids=["northwind", "northwind-ical"])
def test_import_into_an_empty_database_then_load_gives_the_bundle(database: Database, bundle: Path) -> None:
    expected = read_bundle(bundle).environment
    report = environment.import_bundle(database, bundle, actor=None)
    assert not report.dry_run and report.changed
    assert report.counts["technicians"].added == 6 and report.counts["clients"].added == 4
    assert report.counts["systems"].added == 8 and report.counts["runbooks"].added == 3

    loaded = environment.load_environment(database)
    assert loaded == expected
    assert calendars(loaded) == calendars(expected)
    for rotation in loaded.rotations:
        if rotation.calendar is not None:  # rebuilt from the stored text, and usable
            shifts = rotation.calendar.shifts_between(datetime(2026, 11, 27, tzinfo=UTC), datetime(2026, 12, 7, tzinfo=UTC))
            assert {s.tech for s in shifts} >= {"morgan", "dana", "lee"}


def test_load_gives_only_the_clients_asked_for(database: Database) -> None:
    environment.import_bundle(database, NORTHWIND, actor=None)
    one = environment.load_environment(database, clients=["acme"])
    assert [c.id for c in one.clients] == ["acme"]
    assert len(one.technicians) == 6 and [r.id for r in one.rotations] == ["night-remote"]
    assert environment.load_environment(database, clients=[]).clients == ()
    assert environment.msp_timezone(database) == "America/Chicago"


def test_loading_an_empty_database_says_to_import_first(database: Database) -> None:
    with pytest.raises(NotFound, match="import a bundle first"):
        environment.load_environment(database)


def test_reimport_updates_by_id_and_keeps_the_rest(database: Database, tmp_path: Path) -> None:
    environment.import_bundle(database, NORTHWIND, actor=None)
    data = northwind_data()
    data["technicians"][1]["name"] = "Alex Kim-Ortiz"  # alex
    data["technicians"].append({"id": "riley", "name": "Riley Fox", "level": 1})
    data["clients"] = [c for c in data["clients"] if c["id"] != "baker"]
    acme = data["clients"][0]
    acme["systems"] = [s for s in acme["systems"] if s["id"] != "m365"]
    bundle = write_bundle_data(tmp_path / "changed.yaml", data)

    report = environment.import_bundle(database, bundle, actor="dana")

    counts = report.counts
    assert (counts["technicians"].added, counts["technicians"].updated, counts["technicians"].unchanged) == (1, 1, 5)
    assert counts["clients"].removed == 0 and counts["clients"].unchanged == 3
    assert counts["systems"].removed == 0 and counts["runbooks"].removed == 0
    loaded = environment.load_environment(database)
    assert loaded.technician("alex").name == "Alex Kim-Ortiz"
    assert loaded.technician("riley") is not None
    assert loaded.client("baker") is not None  # not listed, kept
    assert loaded.client("acme").system("m365") is not None  # not listed, kept
    assert [c.id for c in loaded.clients] == ["acme", "riverside", "harbor", "baker"]


def test_replace_removes_what_the_bundle_no_longer_lists(database: Database, tmp_path: Path) -> None:
    environment.import_bundle(database, NORTHWIND, actor=None)
    data = northwind_data()
    data["technicians"] = [t for t in data["technicians"] if t["id"] != "morgan"]
    data["clients"] = [c for c in data["clients"] if c["id"] != "baker"]
    harbor = next(c for c in data["clients"] if c["id"] == "harbor")
    harbor["systems"][0]["experts"] = [{"tech": "sam", "role": "primary"}]
    acme = data["clients"][0]
    acme["systems"] = [s for s in acme["systems"] if s["id"] != "m365"]
    data["overrides"] = []
    bundle = write_bundle_data(tmp_path / "smaller.yaml", data)

    report = environment.import_bundle(database, bundle, actor="dana", replace=True)

    counts = report.counts
    assert counts["technicians"].removed == 1 and counts["technicians"].deactivated == 0
    assert counts["clients"].removed == 1
    assert counts["systems"].removed == 3  # m365, and baker's printers and dms
    assert counts["runbooks"].removed == 2  # m365-password, and baker's vpn-reset
    assert counts["overrides"].removed == 1
    assert environment.load_environment(database) == read_bundle(bundle).environment


def test_replace_deactivates_a_technician_something_else_still_names(
    database: Database, tmp_path: Path, monkeypatch
) -> None:
    # Calls do not exist yet; stand in for one that names morgan.
    monkeypatch.setattr(environment_rows, "technician_is_referenced", lambda session, tech: tech == "morgan")
    environment.import_bundle(database, NORTHWIND, actor=None)
    data = northwind_data()
    data["technicians"] = [t for t in data["technicians"] if t["id"] != "morgan"]
    next(c for c in data["clients"] if c["id"] == "harbor")["systems"][0]["experts"].pop()
    bundle = write_bundle_data(tmp_path / "without-morgan.yaml", data)

    report = environment.import_bundle(database, bundle, actor="dana", replace=True)

    assert report.counts["technicians"].deactivated == 1 and report.counts["technicians"].removed == 0
    morgan = environment.load_environment(database).technician("morgan")
    assert morgan is not None and not morgan.active
    with pytest.raises(NotAllowed, match="inactive"):
        people.actor(database, "morgan")


def test_export_then_import_changes_nothing(database: Database, tmp_path: Path) -> None:
    environment.import_bundle(database, NORTHWIND_ICAL, actor=None)
    written = environment.export_bundle(database, tmp_path / "out" / "bundle.yaml", actor=None)
    assert written[-1] == tmp_path / "out" / "bundle.yaml"
    assert (tmp_path / "out" / "schedules" / "weekend.ics").is_file()

    report = environment.import_bundle(database, tmp_path / "out" / "bundle.yaml", actor="dana", replace=True)
    assert not report.changed, report.describe()


# ---------------------------------------------------------------- all or nothing


def broken_bundle(tmp_path: Path) -> Path:
    data = northwind_data()
    data["clients"][0]["systems"][0]["experts"][1]["tech"] = "dana2"
    data["technicians"][0]["level"] = 7
    return write_bundle_data(tmp_path / "broken.yaml", data)


def test_a_refused_import_leaves_the_database_unchanged(database: Database, tmp_path: Path) -> None:
    environment.import_bundle(database, NORTHWIND, actor=None)
    before = snapshot(database)
    file_before = sqlite_file_hash(database) if database.dialect == "sqlite" else None

    with pytest.raises(BundleError) as caught:
        environment.import_bundle(database, broken_bundle(tmp_path), actor="dana", replace=True)
    assert len(caught.value.problems) >= 2
    assert any("dana2" in p for p in caught.value.problems)
    with pytest.raises(NotAllowed):
        environment.import_bundle(database, NORTHWIND_ICAL, actor="jordan", replace=True)

    if file_before is not None:
        assert sqlite_file_hash(database) == file_before
    assert snapshot(database) == before


def test_a_dry_run_checks_and_writes_nothing(database: Database, tmp_path: Path) -> None:
    environment.import_bundle(database, NORTHWIND, actor=None)
    before = snapshot(database)
    file_before = sqlite_file_hash(database) if database.dialect == "sqlite" else None

    report = environment.import_bundle(database, NORTHWIND_ICAL, actor="dana", dry_run=True)

    assert report.dry_run and report.counts["rotations"].added == 1
    assert "nothing was written" in report.describe()
    assert report.as_json()["counts"]["rotations"]["added"] == 1
    if file_before is not None:
        assert sqlite_file_hash(database) == file_before
    assert snapshot(database) == before


def test_a_dry_run_into_an_empty_database_leaves_it_empty(database: Database) -> None:
    report = environment.import_bundle(database, NORTHWIND, actor=None, dry_run=True)
    assert report.counts["clients"].added == 4
    assert database.is_empty()


def test_every_import_bumps_the_change_counter(database: Database) -> None:
    start = change_counter(database)
    environment.import_bundle(database, NORTHWIND, actor=None)
    environment.import_bundle(database, NORTHWIND, actor="dana")
    assert change_counter(database) == start + 2


# ---------------------------------------------------------------- roles


def test_importing_into_a_database_in_use_needs_lead_or_admin(database: Database) -> None:
    environment.import_bundle(database, NORTHWIND, actor=None)

    with pytest.raises(NotAllowed) as anonymous:
        environment.import_bundle(database, NORTHWIND, actor=None)
    assert "lead or admin" in str(anonymous.value)

    with pytest.raises(NotAllowed) as dispatcher:
        environment.import_bundle(database, NORTHWIND, actor="jordan")
    assert str(dispatcher.value) == "importing a bundle needs the lead or admin role; 'jordan' has dispatcher"

    with pytest.raises(NotFound, match="no technician 'nobody'"):
        environment.import_bundle(database, NORTHWIND, actor="nobody")

    assert not environment.import_bundle(database, NORTHWIND, actor="dana").changed


def test_an_admin_may_import(database: Database, tmp_path: Path) -> None:
    data = northwind_data()
    data["technicians"][0]["roles"] = ["dispatcher", "admin"]  # jordan
    environment.import_bundle(database, write_bundle_data(tmp_path / "admin.yaml", data), actor=None)
    report = environment.import_bundle(database, NORTHWIND, actor="jordan")
    assert report.counts["technicians"].updated == 1  # jordan is a dispatcher again


def test_reading_is_allowed_to_anyone(database: Database, tmp_path: Path) -> None:
    environment.import_bundle(database, NORTHWIND, actor=None)
    environment.export_bundle(database, tmp_path / "anonymous.yaml", actor=None)
    environment.export_bundle(database, tmp_path / "jordan.json", actor="jordan")
    assert read_bundle(tmp_path / "jordan.json").environment == environment.load_environment(database)
    with pytest.raises(NotFound):
        environment.export_bundle(database, tmp_path / "x.yaml", actor="nobody")


def test_actors_and_roles(database: Database) -> None:
    environment.import_bundle(database, NORTHWIND, actor=None)
    assert people.actor(database, None) == people.ANONYMOUS
    dana = people.actor(database, "dana")
    assert dana.roles == ("lead",) and dana.level == 3
    people.require_role(dana, "lead")
    with pytest.raises(NotAllowed, match="the anonymous dispatcher has dispatcher"):
        people.require_role(people.ANONYMOUS, "manager", action="editing a runbook")
    admin = people.Actor(tech=None, roles=("admin",))
    people.require_role(admin, "lead")
    people.require_role(admin, "manager")


def test_export_then_import_of_a_large_generated_msp_gives_the_same_database(
    database: Database, tmp_path: Path
) -> None:
    from benchmarks.synthetic import write as write_synthetic
    from dispatch_app.services.database import open_database

    source = write_synthetic(tmp_path / "large.yaml", scale=0.05, seed=3)  # 75 clients, 790 systems
    environment.import_bundle(database, source, actor=None)
    exported = tmp_path / "exported.json"
    environment.export_bundle(database, exported, actor=None)

    other = open_database(f"sqlite:///{tmp_path / 'other.db'}")
    environment.import_bundle(other, exported, actor=None)
    first, second = environment.load_environment(database), environment.load_environment(other)
    assert len(first.clients) == 75 and sum(len(c.systems) for c in first.clients) == 790
    assert first == second

    lead = next(t.id for t in first.technicians if "lead" in t.roles)
    again = environment.import_bundle(database, exported, actor=lead, replace=True)
    assert not again.changed, again.describe()
