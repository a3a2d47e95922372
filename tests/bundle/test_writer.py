"""Writing bundles: read(write(env)) == env for YAML and JSON, iCalendar files beside the bundle."""
from __future__ import annotations

import re
import json
import shutil
from dataclasses import replace
from datetime import datetime, timezone

import pytest
import yaml

from dispatch_app.bundle import BundleError, bundle_text, environment_to_data, read_bundle, write_bundle
from dispatch_app.domain.model import DEFAULT_EMERGENCY, Agreement, Client, Environment, Msp, Vendor

from .conftest import EXAMPLES, NORTHWIND, NORTHWIND_ICAL
from .generate import random_environment

SUFFIXES = (".yaml", ".yml", ".json")


def calendars(env: Environment) -> list[tuple[str, str] | None]:
    """Rotation calendars are left out of dataclass equality; compare them apart."""
    return [(r.calendar.source, r.calendar.content) if r.calendar else None for r in env.rotations]


def round_trip(env: Environment, target) -> Environment:
    write_bundle(env, target)
    loaded = read_bundle(target, strict=True)
    assert loaded.environment == env
    assert calendars(loaded.environment) == calendars(env)
    return loaded.environment


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_northwind_round_trip(tmp_path, suffix):
    env = read_bundle(NORTHWIND).environment
    round_trip(env, tmp_path / f"northwind{suffix}")


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_northwind_ical_round_trip_writes_the_calendar_beside_the_bundle(tmp_path, suffix):
    env = read_bundle(NORTHWIND_ICAL).environment
    target = tmp_path / "out" / f"bundle{suffix}"
    written = write_bundle(env, target)
    ics = tmp_path / "out" / "schedules" / "weekend.ics"
    assert written == [ics, target]
    assert ics.read_bytes() == (EXAMPLES / "schedules" / "weekend.ics").read_bytes()
    again = read_bundle(target).environment
    assert again == env and calendars(again) == calendars(env)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("suffix", (".yaml", ".json"))
def test_generated_environment_round_trip(tmp_path, seed, suffix):
    env = random_environment(seed)
    round_trip(env, tmp_path / f"env{suffix}")


def test_large_generated_environment_round_trip(tmp_path):
    env = random_environment(99, technicians=120, rotations=25, overrides=80, clients=150, systems_per_client=10)
    assert sum(len(c.systems) for c in env.clients) > 300
    round_trip(env, tmp_path / "large.yaml")


def test_yaml_looks_like_the_spec(tmp_path):
    env = read_bundle(NORTHWIND).environment
    text = bundle_text(env, ".yaml")
    assert text.startswith("# yaml-language-server: $schema=dispatch-bundle-1.schema.json\n"
                           "format: dispatch-bundle/1\nmsp:\n  name: Northwind IT\n")
    assert "- from: 2026-12-20T00:00:00-06:00\n" in text
    assert "from: 2026-11-27T17:00:00-06:00\n" in text  # override: rotation time zone offset
    assert "start: 2026-11-02T08:00\n" in text
    assert "- 2026-12-25\n" in text
    assert re.search(r"^ +1: always$", text, re.M)
    assert "emergency: []\n" in text
    assert "body: |\n" in text
    data = yaml.safe_load(text)
    assert list(data) == ["format", "msp", "technicians", "rotations", "overrides", "clients"]
    assert list(data["clients"][0]) == [
        "id", "name", "industry", "timezone", "phones", "holidays", "contacts", "agreement", "systems",
    ]


def test_json_coverage_keys_are_strings():
    env = read_bundle(NORTHWIND).environment
    data = json.loads(bundle_text(env, ".json"))
    assert data["clients"][0]["agreement"]["coverage"] == {"1": "always", "2": "always", "3": "mon-sat 06:00-22:00", "4": "emergency"}
    assert data["technicians"][3]["unavailable"][0] == {"from": "2026-12-20T00:00:00-06:00", "to": "2026-12-28T00:00:00-06:00", "reason": "vacation"}


def test_data_writes_defaults_explicitly_and_omits_absent_values():
    env = Environment(
        msp=Msp(name="M", timezone="UTC"),
        clients=(Client(id="c", name="C", timezone="UTC"),),
    )
    data = environment_to_data(env)
    agreement = data["clients"][0]["agreement"]
    assert agreement["coverage"] == {1: "always", 2: "business", 3: "business", 4: "business"}
    assert agreement["emergency"] == [{"criticality": ["critical"], "impact": ["down"]}]
    assert "plan" not in agreement and "phones" not in data["clients"][0]
    assert data["technicians"] == [] and data["rotations"] == []


def test_empty_vendor_and_inactive_technician_round_trip(tmp_path):
    env = read_bundle(NORTHWIND).environment
    acme = env.clients[0]
    systems = (replace(acme.systems[0], vendor=Vendor()),) + acme.systems[1:]
    env = replace(
        env,
        technicians=(replace(env.technicians[0], active=False, roles=()),) + env.technicians[1:],
        clients=(replace(acme, systems=systems, agreement=Agreement(emergency=DEFAULT_EMERGENCY)),) + env.clients[1:],
    )
    again = round_trip(env, tmp_path / "b.yaml")
    assert again.technicians[0].active is False and again.clients[0].systems[0].vendor == Vendor()


def test_rotation_start_with_seconds_and_aware_start(tmp_path):
    env = read_bundle(NORTHWIND).environment
    rotation = replace(env.rotations[0], start=datetime(2026, 3, 8, 2, 30, 15))  # a DST gap: kept as written
    env = replace(env, rotations=(rotation,))
    assert "start: 2026-03-08T02:30:15\n" in bundle_text(env, ".yaml")
    assert round_trip(env, tmp_path / "b.json").rotations[0].start == datetime(2026, 3, 8, 2, 30, 15)


def test_unknown_extension_is_refused(tmp_path):
    env = read_bundle(NORTHWIND).environment
    with pytest.raises(BundleError) as caught:
        write_bundle(env, tmp_path / "b.txt")
    assert "unknown bundle format '.txt'" in caught.value.problems[0]
    assert not (tmp_path / "b.txt").exists()


def test_write_replaces_an_existing_bundle(tmp_path):
    env = read_bundle(NORTHWIND).environment
    target = tmp_path / "b.yaml"
    target.write_text("old")
    write_bundle(env, target)
    assert read_bundle(target).environment == env
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.yaml"]


def test_unwritable_target_is_a_bundle_error(tmp_path):
    env = read_bundle(NORTHWIND).environment
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(BundleError) as caught:
        write_bundle(env, blocker / "b.yaml")
    assert "cannot write" in caught.value.problems[0]


def test_written_instants_read_back_in_utc(tmp_path):
    env = read_bundle(NORTHWIND).environment
    again = round_trip(env, tmp_path / "b.yaml")
    assert again.overrides[0].start == datetime(2026, 11, 27, 23, tzinfo=timezone.utc)


def test_copied_example_tree_reads_the_same(tmp_path):
    shutil.copy(NORTHWIND_ICAL, tmp_path / "n.yaml")
    shutil.copytree(EXAMPLES / "schedules", tmp_path / "schedules")
    assert calendars(read_bundle(tmp_path / "n.yaml").environment) == calendars(read_bundle(NORTHWIND_ICAL).environment)
