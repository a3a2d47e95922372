"""The published JSON Schema (``dispatch-app schema``) and the importer agree: on every example
bundle both accept, and every error case of the bundle tests that the schema can express it
refuses too; the others (references, time zone names, window expressions, instants, paths on
disk) it accepts, leaving them to the importer, which stays the authority. The schema is never
stricter than the importer."""
from __future__ import annotations

import json
import tomllib
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from dispatch_app.bundle import BundleError, environment_to_data, load_text, parse_bundle
from dispatch_app.bundle import shape
from dispatch_app.cli.main import main
from dispatch_app.demo import fill_template

from . import test_errors
from .conftest import EXAMPLES, example_data
from .generate import random_environment

ROOT = Path(__file__).resolve().parents[2]
KEPT = ROOT / "resources" / "schema" / shape.SCHEMA_FILE
EXAMPLE_FILES = sorted([*EXAMPLES.glob("*.yaml"), *(ROOT / "resources" / "demo").glob("*.yaml"),
                        *(ROOT / "tests" / "acceptance" / "bundles").glob("*.yaml")])


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(KEPT.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def as_json(data: object) -> object:
    """The data as an editor sees it: JSON types, mapping keys as text."""
    return json.loads(json.dumps(data, default=str))


def schema_accepts(validator, data) -> bool:
    return not list(validator.iter_errors(as_json(data)))


def importer_accepts(data, base_dir: Path = EXAMPLES) -> bool:
    try:
        parse_bundle(data, base_dir=base_dir)
    except BundleError:
        return False
    return True


def test_the_kept_file_is_what_the_command_prints(capsys, tmp_path):
    assert main(["schema"]) == 0
    printed = capsys.readouterr().out
    assert printed == KEPT.read_text(encoding="utf-8") == shape.schema_text()
    assert main(["schema", "-o", str(tmp_path / shape.SCHEMA_FILE)]) == 0
    assert (tmp_path / shape.SCHEMA_FILE).read_text(encoding="utf-8") == printed


def test_the_schema_is_installed_with_the_wheel():
    data_files = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
    assert data_files["share/dispatch-app/resources/schema"] == ["resources/schema/*.json"]


def test_the_schema_lists_every_declared_key(validator):
    definitions = validator.schema["definitions"]
    for record in shape.RECORDS:
        declared = validator.schema if record is shape.BUNDLE else definitions[record.name]
        assert list(declared["properties"]) == list(record.names)
        assert declared.get("required", []) == list(record.required)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_every_example_is_accepted_by_both(validator, path):
    text = fill_template(path.read_text(encoding="utf-8"), date(2026, 11, 27))  # the demo's dates
    data = load_text(text, path.suffix, str(path))
    assert importer_accepts(data, path.parent)
    assert schema_accepts(validator, data), [e.message for e in validator.iter_errors(as_json(data))][:3]


@pytest.mark.parametrize("seed", range(5))
def test_every_exported_bundle_is_accepted_by_the_schema(validator, seed):
    data = environment_to_data(random_environment(seed, clients=6))
    assert schema_accepts(validator, data)


def _ical(path: str, **more) -> dict:
    return {"id": "standby", "name": "Standby", "level": 3, "ical": path, **more}


def _set(*keys_and_value):
    *keys, last, value = keys_and_value

    def mutate(d):
        for key in keys:
            d = d[key]
        d[last] = value
    return mutate


def _delete(*keys):
    *keys, last = keys

    def mutate(d):
        for key in keys:
            d = d[key]
        del d[last]
    return mutate


# The error cases of test_errors.py and test_limits.py written as data, each with whether the schema
# can see it (True) or leaves it to the importer (False).
CASES = {
    "wrong-format": (_set("format", "dispatch-bundle/2"), True),
    "missing-format": (_delete("format"), True),
    "unknown-key-top": (_set("colour", "blue"), True),
    "unknown-key-technician": (_set("technicians", 1, "pager", "123"), True),
    "unknown-key-system": (_set("clients", 0, "systems", 1, "owner", "x"), True),
    "unknown-key-rule": (_set("clients", 0, "agreement", "emergency", 0, "severity", ["high"]), True),
    "near-key": (_set("technicians", 0, "phone", "+1 312 555 0110"), True),
    "missing-level": (_delete("technicians", 2, "level"), True),
    "missing-timezone": (_delete("clients", 1, "timezone"), True),
    "phones-not-a-list": (_set("technicians", 0, "phones", "+1 312 555 0110"), True),
    "may-authorize-text": (_set("clients", 0, "contacts", 0, "may_authorize", "yes"), True),
    "bad-slug": (_set("clients", 0, "systems", 2, "id", "M365"), True),
    "empty-name": (_set("technicians", 0, "name", "  "), True),
    "bad-coverage-rule": (_set("clients", 1, "agreement", "coverage", 2, "sometimes"), True),
    "bad-coverage-level": (_set("clients", 0, "agreement", "coverage", 5, "always"), True),
    "bad-holiday-text": (_set("clients", 0, "holidays", ["Thanksgiving"]), True),
    "level-out-of-range": (_set("technicians", 0, "level", 4), True),
    "rotation-level": (_set("rotations", 0, "level", 0), True),
    "fix-level": (_set("clients", 0, "systems", 0, "fix_level", 5), True),
    "runbook-level-text": (_set("clients", 0, "systems", 0, "runbooks", 0, "level", "1"), True),
    "criticality": (_set("clients", 0, "systems", 0, "criticality", "urgent"), True),
    "industry": (_set("clients", 0, "industry", "retail"), True),
    "expert-role": (_set("clients", 0, "systems", 0, "experts", 0, "role", "owner"), True),
    "roles": (_set("technicians", 3, "roles", ["lead", "boss"]), True),
    "impact": (_set("clients", 0, "agreement", "emergency", 0, "impact", ["down", "slow"]), True),
    "minutes-zero": (_set("clients", 0, "agreement", "response_minutes", "P1", 0), True),
    "minutes-text": (_set("clients", 0, "agreement", "response_minutes", "P2", "fast"), True),
    "minutes-p5": (_set("clients", 0, "agreement", "ack_minutes", "P5", 10), True),
    "length-0w": (_set("rotations", 0, "length", "0w"), True),
    "length-1m": (_set("rotations", 0, "length", "1m"), True),
    "length-week": (_set("rotations", 0, "length", "week"), True),
    "length-1.5d": (_set("rotations", 0, "length", "1.5d"), True),
    "length-number": (_set("rotations", 0, "length", 7), True),
    "review-days": (_set("clients", 0, "systems", 0, "runbooks", 0, "review_days", -1), True),
    "no-members": (_set("rotations", 0, "members", []), True),
    "members-missing": (_delete("rotations", 0, "members"), True),
    "no-start": (_delete("rotations", 0, "start"), True),
    "ical-with-members": (lambda d: d["rotations"].append(_ical("schedules/weekend.ics", members=["lee"])), True),
    "ical-absolute": (lambda d: d["rotations"].append(_ical(str(EXAMPLES / "schedules" / "weekend.ics"))), True),
    "ical-climbs-out": (lambda d: d["rotations"].append(_ical("../outside.ics")), True),
    # left to the importer
    "duplicate-technician": (lambda d: d["technicians"].append({"id": "sam", "name": "Sam Two", "level": 1}), False),
    "duplicate-client": (_set("clients", 3, "id", "acme"), False),
    "member-unknown": (lambda d: d["rotations"][0]["members"].__setitem__(1, "sam2"), False),
    "override-tech": (_set("overrides", 0, "tech", "nobody"), False),
    "override-rotation": (_set("overrides", 0, "rotation", "day"), False),
    "expert-tech": (_set("clients", 0, "systems", 0, "experts", 1, "tech", "dana2"), False),
    "depends-on": (lambda d: d["clients"][0]["systems"][0]["depends_on"].append("ehr"), False),
    "bad-window": (_set("clients", 0, "agreement", "business_hours", "mon-fri 8-17"), False),
    "bad-coverage-window": (_set("clients", 0, "agreement", "coverage", 3, "mon-fri 07:00-25:00"), False),
    "bad-instant": (_set("overrides", 0, "to", "2026-11-02 8am"), False),
    "impossible-date": (_set("msp", "holidays", 1, "2027-02-30"), False),
    "from-after-to": (_set("overrides", 0, "to", "2026-11-27T16:00"), False),
    "bad-time-zone": (_set("msp", "timezone", "Central"), False),
    "missing-ical-file": (lambda d: d["rotations"].append(_ical("schedules/nowhere.ics")), False),
}


@pytest.mark.parametrize("case", list(CASES))
def test_schema_and_importer_agree_on_every_error_case(validator, case):
    mutate, schema_sees_it = CASES[case]
    data = example_data(EXAMPLES / "northwind.yaml")
    mutate(data)
    assert not importer_accepts(data)
    assert schema_accepts(validator, data) is not schema_sees_it


def _harvested():
    """Every parametrized mutation of test_errors.py (the table of bad bundles), by test and id."""
    for name in sorted(dir(test_errors)):
        for mark in getattr(getattr(test_errors, name), "pytestmark", []):
            if mark.name == "parametrize" and mark.args[0].startswith("mutate"):
                ids = mark.kwargs["ids"]
                for n, values in enumerate(mark.args[1]):
                    yield pytest.param(values[0], name, ids[n], id=f"{name}-{ids[n]}")


HARVESTED = list(_harvested())
SCHEMA_SEES = {"test_bad_enum", "test_bad_level", ("test_bad_instant", "override")}
"""Which of them the schema refuses too: wrong choices and levels, and an instant ('tomorrow') that
is not even shaped like one; references, duplicates, windows and impossible instants it leaves."""


def test_the_table_of_bad_bundles_is_all_here():
    assert len(HARVESTED) >= 25


@pytest.mark.parametrize("mutate, test, case", HARVESTED)
def test_schema_and_importer_agree_on_the_table_of_bad_bundles(validator, mutate, test, case):
    data = example_data(EXAMPLES / "northwind.yaml")
    mutate(data)
    assert not importer_accepts(data)
    sees = test in SCHEMA_SEES or (test, case) in SCHEMA_SEES
    assert schema_accepts(validator, data) is not sees


def test_the_yaml_modeline_is_read_as_a_comment(tmp_path):
    text = shape.MODELINE + (EXAMPLES / "northwind.yaml").read_text(encoding="utf-8")
    assert load_text(text, ".yaml", "n.yaml") == example_data(EXAMPLES / "northwind.yaml")
