"""Reading the example bundles: values, defaults, JSON and YAML alike, secret warnings."""
from __future__ import annotations

import json
import shutil
from datetime import date, datetime, timezone

import pytest
import yaml

from dispatch_app.bundle import BundleError, parse_bundle, read_bundle, secret_findings
from dispatch_app.domain.model import (
    DEFAULT_ACK_MINUTES,
    DEFAULT_EMERGENCY,
    DEFAULT_RESPONSE_MINUTES,
    EmergencyRule,
    Length,
)

from .conftest import EXAMPLES, NORTHWIND, NORTHWIND_ICAL, example_data

UTC = timezone.utc


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture(scope="module")
def env():
    loaded = read_bundle(NORTHWIND)
    assert loaded.warnings == []
    return loaded.environment


def test_northwind_people_and_schedules(env):
    assert env.msp.name == "Northwind IT"
    assert env.msp.holidays == (date(2026, 12, 25), date(2027, 1, 1))
    assert [t.id for t in env.technicians] == ["jordan", "alex", "sam", "dana", "lee", "morgan"]
    dana = env.technician("dana")
    assert dana.level == 3 and dana.roles == ("lead",) and dana.phones == ("+1 312 555 0101",)
    assert dana.unavailable[0].start == utc(2026, 12, 20, 6)
    assert dana.unavailable[0].end == utc(2026, 12, 28, 6)
    assert dana.unavailable[0].reason == "vacation"
    assert env.technician("alex").roles == ("dispatcher",)
    rotation = env.rotations[0]
    assert rotation.timezone == "America/Chicago"  # msp.timezone by default
    assert rotation.start == datetime(2026, 11, 2, 8, 0) and rotation.start.tzinfo is None
    assert rotation.length == Length(1, "w")
    assert rotation.members == ("alex", "sam", "lee")
    (override,) = env.overrides
    assert (override.rotation, override.tech) == ("night-remote", "sam")
    assert override.start == utc(2026, 11, 27, 23) and override.end == utc(2026, 11, 28, 14)


def test_northwind_clients(env):
    acme = env.client("acme")
    assert acme.industry == "manufacturing" and acme.holidays == (date(2026, 11, 27),)
    assert acme.agreement.coverage == {1: "always", 2: "always", 3: "mon-sat 06:00-22:00", 4: "emergency"}
    assert acme.agreement.emergency == (
        EmergencyRule(systems=("erp-plc",), impact=("down", "degraded")),
        EmergencyRule(keywords=("line down", "production stopped")),
    )
    plc = acme.system("erp-plc")
    assert plc.depends_on == ("erp",) and plc.experts_with_role("primary") == ("dana",)
    assert plc.vendor.contract == "IC-4471" and plc.vendor.hours == "24x7"
    assert plc.runbooks[0].review_days == 90
    assert acme.authorizers[0].name == "Pat Lee"

    riverside = env.client("riverside")
    assert riverside.agreement.response_minutes == DEFAULT_RESPONSE_MINUTES
    assert riverside.agreement.ack_minutes == DEFAULT_ACK_MINUTES
    assert riverside.agreement.emergency == DEFAULT_EMERGENCY
    assert riverside.contacts[0].email is None
    baker = env.client("baker")
    assert baker.agreement.emergency == ()
    assert baker.agreement.business_hours == "mon-fri 08:00-17:00"
    assert baker.runbooks[0].id == "vpn-reset"
    assert env.client("harbor").timezone == "America/New_York"


def test_northwind_ical_reads_the_calendar():
    loaded = read_bundle(NORTHWIND_ICAL)
    assert loaded.warnings == []
    rotation = loaded.environment.rotations[1]
    assert rotation.id == "weekend-onsite" and rotation.level == 3
    assert rotation.start is None and rotation.length is None and rotation.members == ()
    assert rotation.calendar.source == "schedules/weekend.ics"
    assert rotation.calendar.content == (EXAMPLES / "schedules" / "weekend.ics").read_bytes().decode()
    shifts = rotation.calendar.shifts_between(utc(2026, 11, 27, 15), utc(2026, 11, 27, 16))
    assert [s.tech for s in shifts] == ["morgan"]


@pytest.mark.parametrize("source", [NORTHWIND, NORTHWIND_ICAL])
def test_json_bundle_equals_yaml(tmp_path, source):
    shutil.copytree(EXAMPLES / "schedules", tmp_path / "schedules")
    data = example_data(source)
    for client in data["clients"]:
        coverage = client["agreement"].get("coverage", {})
        client["agreement"]["coverage"] = {str(k): v for k, v in coverage.items()}
    target = tmp_path / "northwind.json"
    target.write_text(json.dumps(data, indent=2), encoding="utf-8")
    from_json = read_bundle(target).environment
    from_yaml = read_bundle(source).environment
    assert from_json == from_yaml
    assert [r.calendar and r.calendar.content for r in from_json.rotations] == [
        r.calendar and r.calendar.content for r in from_yaml.rotations
    ]


def test_yml_extension_and_coverage_string_keys_in_yaml(tmp_path, northwind):
    northwind["clients"][0]["agreement"]["coverage"] = {"1": "always", "2": "always", "3": "mon-sat 06:00-22:00", "4": "emergency"}
    target = tmp_path / "b.yml"
    target.write_text(yaml.safe_dump(northwind), encoding="utf-8")
    assert read_bundle(target).environment == read_bundle(NORTHWIND).environment


def test_python_dates_and_datetimes_are_accepted(env):
    """A standard YAML loader gives date objects; built-in dicts may hold datetimes."""
    data = yaml.safe_load(NORTHWIND.read_text(encoding="utf-8"))
    assert isinstance(data["msp"]["holidays"][0], date)
    data["overrides"][0]["from"] = datetime(2026, 11, 27, 17, 0)  # naive: rotation time zone
    data["overrides"][0]["to"] = datetime(2026, 11, 28, 14, 0, tzinfo=UTC)
    assert parse_bundle(data, base_dir=EXAMPLES).environment == env


def test_offsets_are_exact_and_rotation_start_becomes_local(northwind):
    northwind["technicians"][3]["unavailable"][0]["from"] = "2026-12-20T06:00:00Z"
    northwind["rotations"][0]["start"] = "2026-11-02T14:00:00+00:00"
    env = parse_bundle(northwind, base_dir=EXAMPLES).environment
    assert env.technician("dana").unavailable[0].start == utc(2026, 12, 20, 6)
    assert env.rotations[0].start == datetime(2026, 11, 2, 8, 0)


def test_rotation_timezone_reads_override_instants(northwind):
    northwind["rotations"][0]["timezone"] = "America/New_York"
    env = parse_bundle(northwind, base_dir=EXAMPLES).environment
    assert env.overrides[0].start == utc(2026, 11, 27, 22)


def test_defaults_of_minimal_bundle():
    data = {
        "format": "dispatch-bundle/1",
        "msp": {"name": "M", "timezone": "UTC"},
        "clients": [{"id": "c", "name": "C", "timezone": "UTC", "systems": [{"id": "s", "name": "S"}],
                     "agreement": {"coverage": {2: "always"}, "response_minutes": {"P1": 5}}}],
    }
    env = parse_bundle(data, base_dir=EXAMPLES).environment
    client = env.clients[0]
    assert client.industry == "other"
    assert client.agreement.coverage == {1: "always", 2: "always", 3: "business", 4: "business"}
    assert client.agreement.response_minutes == {**DEFAULT_RESPONSE_MINUTES, "P1": 5}
    assert client.systems[0].criticality == "normal" and client.systems[0].fix_level == 2
    assert env.technicians == () and env.rotations == ()


# ---------------------------------------------------------------- secrets


@pytest.mark.parametrize(
    "text",
    [
        "Log in as admin, password: Hunter2!",
        "**Password:** Summer2024",
        "connect with pwd=abc123",
        "passwd = s3cr3t",
        "The password is Winter2025!",
        "API_KEY=9f8e7d6c5b4a",
        "api-key: live_1234567890",
        "client secret: 0123abcd",
        "token: ghx-abcdef-123456",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----",
        "-----BEGIN OPENSSH PRIVATE KEY-----",
        "aws AKIAIOSFODNN7EXAMPLE",
        "curl -H 'Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345'",
        "psql postgres://dispatch:Tr0ub4dor@db.example/ops",
        "use wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY for the bucket",
        "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    ],
)
def test_secret_findings_flags_credentials(text):
    assert secret_findings(text)


@pytest.mark.parametrize(
    "text",
    [
        "Reset a mailbox password",
        "2. Reset the password in the admin center; require change at next sign-in.",
        "Connect to **APP02** with the dispatch account (vault item `ACME-APP02-DISPATCH`).",
        "password: see vault item ACME-APP02",
        "Password: ******** (kept in the vault)",
        "the password is changed every 90 days",
        "token: stored in Bitwarden",
        "Ask for a new API key from the vendor portal.",
        "Secret Server entry ACME-FW-ADMIN holds the credentials.",
        "Tenant 3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        "See https://support.example.com/kb/restart-the-print-spooler-service",
        "Restart-Service -Name PrintSpoolerService2024",
        "",
    ],
)
def test_secret_findings_leaves_references_alone(text):
    assert secret_findings(text) == []


def test_secret_warning_per_runbook_and_strict(northwind):
    runbook = northwind["clients"][0]["systems"][0]["runbooks"][0]
    runbook["body"] += "\nIf asked: password: Hunter2\n"
    loaded = parse_bundle(northwind, base_dir=EXAMPLES)
    assert loaded.warnings == [
        "clients[0].systems[0].runbooks[0].body: looks like it holds a password; name where the secret is kept instead"
    ]
    with pytest.raises(BundleError) as caught:
        parse_bundle(northwind, base_dir=EXAMPLES, strict=True)
    assert caught.value.problems == loaded.warnings


def test_strict_on_clean_bundle_passes():
    assert read_bundle(NORTHWIND, strict=True).warnings == []


def test_secret_in_client_runbook_title_names_its_path(northwind):
    northwind["clients"][3]["runbooks"][0]["title"] = "VPN (token: 9f8e7d6c)"
    loaded = parse_bundle(northwind, base_dir=EXAMPLES)
    assert loaded.warnings == [
        "clients[3].runbooks[0].title: looks like it holds a token; name where the secret is kept instead"
    ]
