"""One test per kind of bundle error, each checking the path the problem names."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from dispatch_app.bundle import BundleError, parse_bundle, read_bundle
from dispatch_app.errors import DispatchError

from .conftest import EXAMPLES, NORTHWIND


def problems(data: object, base_dir: Path = EXAMPLES) -> list[str]:
    with pytest.raises(BundleError) as caught:
        parse_bundle(data, base_dir=base_dir)
    return caught.value.problems


def only(data: object, base_dir: Path = EXAMPLES) -> str:
    found = problems(data, base_dir)
    assert len(found) == 1, found
    return found[0]


# ---------------------------------------------------------------- the file itself


def test_wrong_format_is_refused(northwind):
    northwind["format"] = "dispatch-bundle/2"
    assert only(northwind) == "format: 'dispatch-bundle/2' is not supported; this program reads 'dispatch-bundle/1' bundles"


def test_missing_format_is_refused(northwind):
    del northwind["format"]
    assert only(northwind).startswith("format: missing")


def test_not_a_mapping():
    assert "a bundle is a mapping" in only(["format", "dispatch-bundle/1"])


def test_unknown_extension(tmp_path):
    target = tmp_path / "bundle.toml"
    target.write_text("format = 1")
    with pytest.raises(BundleError) as caught:
        read_bundle(target)
    assert caught.value.problems == [f"{target}: unknown bundle format '.toml'; use .json, .yaml or .yml"]


def test_unreadable_file(tmp_path):
    with pytest.raises(DispatchError) as caught:
        read_bundle(tmp_path / "missing.yaml")
    (line,) = caught.value.problems
    assert line.startswith(f"{tmp_path / 'missing.yaml'}: cannot read the file")


def test_invalid_yaml_names_the_line(tmp_path):
    target = tmp_path / "bad.yaml"
    target.write_text("format: dispatch-bundle/1\nmsp:\n  name: [unclosed\n  timezone: UTC\n")
    with pytest.raises(BundleError) as caught:
        read_bundle(target)
    (line,) = caught.value.problems
    assert line.startswith(f"{target}: invalid YAML at line ")


def test_duplicate_yaml_key(tmp_path):
    target = tmp_path / "dup.yaml"
    target.write_text("format: dispatch-bundle/1\nmsp: {name: A, timezone: UTC}\nmsp: {name: B, timezone: UTC}\n")
    with pytest.raises(BundleError) as caught:
        read_bundle(target)
    assert caught.value.problems == [f"{target}: invalid YAML at line 3, column 1: found a duplicate key"]


@pytest.mark.parametrize("text, where", [
    ("format: dispatch-bundle/1\nmsp: \"s3cret\\q\"\n", "line 2, column"),           # an unknown escape
    ("format: dispatch-bundle/1\nmsp: *s3cret\n", "line 2, column"),                 # an undefined alias
    ("format: dispatch-bundle/1\nmsp: s3cret\x07x\n", "line 2, column 12"),         # a control character
    ("export PASSWORD=s3cret\nPATH=s3cret: [\n", "line 2, column 12"),             # not a bundle at all
    ("format: dispatch-bundle/1\nmsp: !!python/object:s3cret {}\n", "line 2, column"),  # an unknown tag
])
def test_a_yaml_error_gives_the_line_and_column_never_the_text(tmp_path, text, where):
    target = tmp_path / "other.yaml"
    target.write_text(text)
    with pytest.raises(BundleError) as caught:
        read_bundle(target)
    (line,) = caught.value.problems
    assert line.startswith(f"{target}: invalid YAML at {where}") and "s3cret" not in line, line


def test_a_json_duplicate_key_is_not_quoted(tmp_path):
    target = tmp_path / "dup.json"
    target.write_text('{"format": "dispatch-bundle/1", "s3cret": 1, "s3cret": 2}')
    with pytest.raises(BundleError) as caught:
        read_bundle(target)
    assert caught.value.problems == [f"{target}: invalid JSON: an object has the same key twice"]


def test_invalid_json_names_the_line(tmp_path):
    target = tmp_path / "bad.json"
    target.write_text('{\n  "format": "dispatch-bundle/1",\n  "msp": {,}\n}\n')
    with pytest.raises(BundleError) as caught:
        read_bundle(target)
    (line,) = caught.value.problems
    assert line.startswith(f"{target}: invalid JSON at line 3, column")


# ---------------------------------------------------------------- structure


def test_unknown_keys_at_every_level(northwind):
    northwind["colour"] = "blue"
    northwind["technicians"][1]["pager"] = "123"
    northwind["clients"][0]["systems"][1]["owner"] = "x"
    northwind["clients"][0]["agreement"]["emergency"][0]["severity"] = ["high"]
    found = problems(northwind)
    assert found[0] == "colour: unknown key (allowed: format, msp, technicians, rotations, overrides, clients)"
    assert "technicians[1].pager: unknown key (allowed: id, name, level, phones, email, roles, unavailable, active)" in found
    assert any(p.startswith("clients[0].systems[1].owner: unknown key") for p in found)
    assert any(p.startswith("clients[0].agreement.emergency[0].severity: unknown key") for p in found)
    assert len(found) == 4


def test_unknown_key_suggests_the_near_one(northwind):
    northwind["technicians"][0]["phone"] = "+1 312 555 0110"
    assert only(northwind) == "technicians[0].phone: unknown key; did you mean 'phones'?"


def test_missing_required_key(northwind):
    del northwind["technicians"][2]["level"]
    del northwind["clients"][1]["timezone"]
    assert problems(northwind) == ["technicians[2].level: missing (required)", "clients[1].timezone: missing (required)"]


def test_wrong_type(northwind):
    northwind["technicians"][0]["phones"] = "+1 312 555 0110"
    northwind["clients"][0]["contacts"][0]["may_authorize"] = "yes"
    assert problems(northwind) == [
        "technicians[0].phones: expected a list, got text",
        "clients[0].contacts[0].may_authorize: expected true or false, got text",
    ]


def test_bad_slug(northwind):
    northwind["clients"][0]["systems"][2]["id"] = "M365"
    assert only(northwind).startswith("clients[0].systems[2].id: 'M365' is not a valid id")


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda d: d["technicians"].append({"id": "sam", "name": "Sam Two", "level": 1}),
         "technicians[6].id: duplicate technician id 'sam' (also at technicians[2].id)"),
        (lambda d: d["clients"][1]["systems"][1].update(id="ehr"),
         "clients[1].systems[1].id: duplicate system id 'ehr' (also at clients[1].systems[0].id)"),
        (lambda d: d["clients"][3].update(id="acme"), "clients[3].id: duplicate client id 'acme' (also at clients[0].id)"),
        (lambda d: d["clients"][0]["systems"][2]["runbooks"][0].update(id="bridge-restart"),
         "clients[0].systems[2].runbooks[0].id: duplicate runbook id 'bridge-restart' (also at clients[0].systems[0].runbooks[0].id)"),
    ],
    ids=["technician", "system", "client", "runbook"],
)
def test_duplicate_id(northwind, mutate, expected):
    mutate(northwind)
    assert only(northwind) == expected


def test_same_system_and_runbook_ids_in_two_clients_are_fine(northwind):
    northwind["clients"][1]["systems"][1]["id"] = "erp"
    northwind["clients"][1]["runbooks"] = [{"id": "vpn-reset", "title": "Reset VPN", "level": 1}]
    assert parse_bundle(northwind, base_dir=EXAMPLES).environment.client("riverside").system("erp")


# ---------------------------------------------------------------- references


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda d: d["rotations"][0]["members"].__setitem__(1, "sam2"), "rotations[0].members[1]: no technician 'sam2'"),
        (lambda d: d["overrides"][0].update(tech="nobody"), "overrides[0].tech: no technician 'nobody'"),
        (lambda d: d["overrides"][0].update(rotation="day"), "overrides[0].rotation: no rotation 'day'"),
        (lambda d: d["clients"][0]["systems"][0]["experts"][1].update(tech="dana2"),
         "clients[0].systems[0].experts[1].tech: no technician 'dana2'"),
        (lambda d: d["clients"][0]["systems"][0]["depends_on"].append("ehr"),
         "clients[0].systems[0].depends_on[1]: no system 'ehr' in client 'acme'"),
        (lambda d: d["clients"][2]["agreement"]["emergency"][0]["systems"].append("erp"),
         "clients[2].agreement.emergency[0].systems[1]: no system 'erp' in client 'harbor'"),
    ],
    ids=["rotation-member", "override-tech", "override-rotation", "expert-tech", "depends-on", "emergency-systems"],
)
def test_bad_reference(northwind, mutate, expected):
    mutate(northwind)
    assert only(northwind) == expected


# ---------------------------------------------------------------- values


@pytest.mark.parametrize(
    "mutate, path",
    [
        (lambda d: d["clients"][0]["agreement"].update(business_hours="mon-fri 8-17"), "clients[0].agreement.business_hours"),
        (lambda d: d["clients"][0]["agreement"]["coverage"].update({3: "mon-fri 07:00-25:00"}), "clients[0].agreement.coverage.3"),
        (lambda d: d["rotations"][0].update(active="daily 24:00-08:00"), "rotations[0].active"),
    ],
    ids=["business-hours", "coverage", "rotation-active"],
)
def test_bad_window(northwind, mutate, path):
    mutate(northwind)
    assert only(northwind).startswith(f"{path}: bad window expression: ")


def test_unknown_coverage_rule(northwind):
    northwind["clients"][1]["agreement"]["coverage"][2] = "sometimes"
    assert only(northwind).startswith("clients[1].agreement.coverage.2: unknown coverage rule 'sometimes' (always, business")


def test_bad_coverage_level(northwind):
    northwind["clients"][0]["agreement"]["coverage"][5] = "always"
    assert only(northwind) == "clients[0].agreement.coverage.5: unknown level (coverage keys are the levels 1, 2, 3, 4)"


@pytest.mark.parametrize(
    "mutate, path",
    [
        (lambda d: d["technicians"][3]["unavailable"][0].update({"from": "2026-13-01T00:00"}), "technicians[3].unavailable[0].from"),
        (lambda d: d["overrides"][0].update(to="tomorrow"), "overrides[0].to"),
        (lambda d: d["rotations"][0].update(start="2026-11-02 8am"), "rotations[0].start"),
    ],
    ids=["unavailable", "override", "rotation-start"],
)
def test_bad_instant(northwind, mutate, path):
    mutate(northwind)
    assert only(northwind).startswith(f"{path}: ") and "is not an ISO 8601 instant" in only(northwind)


def test_bad_holiday(northwind):
    northwind["msp"]["holidays"][1] = "2027-02-30"
    northwind["clients"][0]["holidays"] = ["Thanksgiving"]
    assert problems(northwind) == [
        "msp.holidays[1]: '2027-02-30' is not a date (YYYY-MM-DD)",
        "clients[0].holidays[0]: 'Thanksgiving' is not a date (YYYY-MM-DD)",
    ]


def test_from_not_before_to(northwind):
    northwind["technicians"][4]["unavailable"][0]["to"] = "2026-12-24T18:00"
    northwind["overrides"][0]["to"] = "2026-11-27T16:00"
    assert problems(northwind) == [
        "technicians[4].unavailable[0].to: must be after from (2026-12-24T18:00 .. 2026-12-24T18:00)",
        "overrides[0].to: must be after from (2026-11-27T17:00 .. 2026-11-27T16:00)",
    ]


def test_bad_time_zone(northwind):
    northwind["msp"]["timezone"] = "Central"
    northwind["rotations"][0]["timezone"] = "US/Nowhere"
    northwind["clients"][2]["timezone"] = "EST5"
    found = problems(northwind)
    assert found == [
        "msp.timezone: 'Central' is not an IANA time zone (for example America/Chicago)",
        "rotations[0].timezone: 'US/Nowhere' is not an IANA time zone (for example America/Chicago)",
        "clients[2].timezone: 'EST5' is not an IANA time zone (for example America/Chicago)",
    ]


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda d: d["technicians"][0].update(level=4), "technicians[0].level: 4 is out of range (1-3)"),
        (lambda d: d["rotations"][0].update(level=0), "rotations[0].level: 0 is out of range (1-3)"),
        (lambda d: d["clients"][0]["systems"][0].update(fix_level=5), "clients[0].systems[0].fix_level: 5 is out of range (1-4)"),
        (lambda d: d["clients"][0]["systems"][0]["runbooks"][0].update(level="1"),
         "clients[0].systems[0].runbooks[0].level: expected a whole number, got text"),
    ],
    ids=["technician", "rotation", "fix-level", "runbook"],
)
def test_bad_level(northwind, mutate, expected):
    mutate(northwind)
    assert only(northwind) == expected


@pytest.mark.parametrize(
    "mutate, path",
    [
        (lambda d: d["clients"][0]["systems"][0].update(criticality="urgent"), "clients[0].systems[0].criticality"),
        (lambda d: d["clients"][0].update(industry="retail"), "clients[0].industry"),
        (lambda d: d["clients"][0]["agreement"]["emergency"][0]["impact"].append("slow"), "clients[0].agreement.emergency[0].impact[2]"),
        (lambda d: d["clients"][0]["systems"][0]["experts"][0].update(role="owner"), "clients[0].systems[0].experts[0].role"),
        (lambda d: d["technicians"][3].update(roles=["lead", "boss"]), "technicians[3].roles[1]"),
    ],
    ids=["criticality", "industry", "impact", "expert-role", "roles"],
)
def test_bad_enum(northwind, mutate, path):
    mutate(northwind)
    line = only(northwind)
    assert line.startswith(f"{path}: unknown ") and "(one of: " in line


def test_bad_enum_message(northwind):
    northwind["clients"][0]["industry"] = "retail"
    assert only(northwind) == (
        "clients[0].industry: unknown industry 'retail' (one of: manufacturing, healthcare, financial, professional, other)"
    )


def test_bad_minutes(northwind):
    agreement = northwind["clients"][0]["agreement"]
    agreement["response_minutes"].update(P1=0, P2="fast")
    agreement["ack_minutes"]["P5"] = 10
    assert problems(northwind) == [
        "clients[0].agreement.response_minutes.P1: 0 must be a positive whole number",
        "clients[0].agreement.response_minutes.P2: expected a whole number, got text",
        "clients[0].agreement.ack_minutes.P5: unknown key (allowed: P1, P2, P3, P4)",
    ]


@pytest.mark.parametrize("length", ["0w", "1m", "week", "1.5d", 7])
def test_bad_length(northwind, length):
    northwind["rotations"][0]["length"] = length
    assert only(northwind).startswith("rotations[0].length: ")


def test_review_days_positive(northwind):
    northwind["clients"][0]["systems"][0]["runbooks"][0]["review_days"] = -1
    assert only(northwind) == "clients[0].systems[0].runbooks[0].review_days: -1 must be a positive whole number"


@pytest.mark.parametrize("members", [[], None])
def test_rotation_without_members(northwind, members):
    if members is None:
        del northwind["rotations"][0]["members"]
    else:
        northwind["rotations"][0]["members"] = members
    assert only(northwind) == "rotations[0].members: a rotation needs at least one member (or an ical file)"


def test_rotation_without_start_or_length(northwind):
    del northwind["rotations"][0]["start"]
    del northwind["rotations"][0]["length"]
    assert problems(northwind) == [
        "rotations[0].start: missing (required unless ical is given)",
        "rotations[0].length: missing (required unless ical is given)",
    ]


# ---------------------------------------------------------------- iCalendar rotations


def ical_rotation(path: str) -> dict:
    return {"id": "standby", "name": "Standby", "level": 3, "ical": path}


def test_missing_ical_file(northwind, tmp_path):
    northwind["rotations"].append(ical_rotation("schedules/nowhere.ics"))
    line = only(northwind, tmp_path)
    assert line.startswith("rotations[1].ical: cannot read 'schedules/nowhere.ics': no such file")


def test_ical_with_members_is_refused(northwind):
    rotation = ical_rotation("schedules/weekend.ics")
    rotation["members"] = ["lee"]
    northwind["rotations"].append(rotation)
    assert only(northwind) == "rotations[1].members: not allowed with ical (the calendar gives the schedule)"


def test_ical_event_naming_nobody(northwind, tmp_path):
    (tmp_path / "oncall.ics").write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        "BEGIN:VEVENT\r\nUID:a@test\r\nDTSTAMP:20261101T000000Z\r\nSUMMARY:On call\r\n"
        "DTSTART:20261107T140000Z\r\nDTEND:20261107T200000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    northwind["rotations"].append(ical_rotation("oncall.ics"))
    line = only(northwind, tmp_path)
    assert line.startswith("rotations[1].ical: oncall.ics: ") and "names no technician" in line


def test_ical_absolute_path_is_refused(northwind):
    northwind["rotations"].append(ical_rotation(str(EXAMPLES / "schedules" / "weekend.ics")))
    assert "must be a path relative to the bundle file" in only(northwind)


# ---------------------------------------------------------------- all errors, all or nothing


def test_every_error_is_reported(tmp_path):
    data = json.loads(json.dumps(__import__("yaml").safe_load(NORTHWIND.read_text()), default=str))
    data["technicians"][0]["level"] = 9
    data["rotations"][0]["members"].append("ghost")
    data["overrides"][0]["to"] = "2026-11-27T10:00"
    data["clients"][2]["systems"][0]["experts"][1]["tech"] = "dana2"
    data["clients"][3]["agreement"]["coverage"]["3"] = "nights"
    data["clients"][3]["systems"][0]["id"] = "Printers"
    target = tmp_path / "broken.json"
    target.write_text(json.dumps(data, indent=2))
    with pytest.raises(BundleError) as caught:
        read_bundle(target)
    found = caught.value.problems
    assert [p.split(":")[0] for p in found] == [
        "technicians[0].level",
        "rotations[0].members[3]",
        "overrides[0].to",
        "clients[2].systems[0].experts[1].tech",
        "clients[3].agreement.coverage.3",
        "clients[3].systems[0].id",
    ]
    assert "clients[2].systems[0].experts[1].tech: no technician 'dana2'" in found
    assert str(caught.value).startswith("the bundle has 6 problems; first: technicians[0].level")
