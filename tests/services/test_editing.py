"""Editing the environment one record at a time (services/editing.py), on SQLite and PostgreSQL."""
from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from dispatch_app.domain.model import Expert, Override, Runbook, System, Unavailability
from dispatch_app.errors import DispatchError, NotAllowed
from dispatch_app.services import editing, triage
from dispatch_app.services.editing import StaleSave
from dispatch_app.store import current_change
from night import FRIDAY_NIGHT, at, db, northwind_url  # noqa: F401 - fixtures

LATER = FRIDAY_NIGHT + timedelta(hours=1)


def wake_of(db, **kwargs):
    verdict = triage.what_if(db, client="riverside", system="ehr", impact="down", at=FRIDAY_NIGHT, **kwargs)
    return [w.tech for w in verdict.wake]


def test_making_a_technician_an_expert_changes_the_wake_list(db):
    before = wake_of(db)
    assert "sam" not in before
    record = editing.get_record(db, "systems", "riverside/ehr")
    system = dataclasses.replace(record.value, experts=record.value.experts + (Expert("sam", "secondary"),))
    saved = editing.save_record(db, actor="dana", kind="systems", key="riverside/ehr", value=system,
                                expected_version=record.version, at=LATER)
    assert saved.changed and saved.version == record.version + 1
    assert "sam" in wake_of(db)
    assert editing.get_record(db, "systems", "riverside/ehr").updated_by == "dana"
    [change] = editing.history(db, "systems", "riverside/ehr")
    assert (change.action, change.actor, change.version, change.at) == ("updated", "dana", saved.version, LATER)
    assert list(change.diff) == ["experts"]
    assert change.diff["experts"][1][-1] == {"tech": "sam", "role": "secondary"}


def test_a_stale_save_is_refused_with_who_and_when_and_writes_nothing(db):
    first = editing.get_record(db, "runbooks", "acme/bridge-restart")
    second = editing.get_record(db, "runbooks", "acme/bridge-restart")
    editing.save_record(db, actor="dana", kind="runbooks", key="acme/bridge-restart",
                        value=dataclasses.replace(first.value, body="1. Restart PLC Bridge on APP02."),
                        expected_version=first.version, at=LATER)
    counter = current_change_of(db)
    with pytest.raises(StaleSave) as refused:
        editing.save_record(db, actor="root", kind="runbooks", key="acme/bridge-restart",
                            value=dataclasses.replace(second.value, title="Mine"), expected_version=second.version,
                            at=LATER + timedelta(minutes=5))
    assert str(refused.value) == ("runbook 'acme/bridge-restart' was changed by dana at 2026-11-28T06:00:00Z; "
                                  "your text is kept — merge and save again")
    assert (refused.value.changed_by, refused.value.changed_at) == ("dana", LATER)
    assert editing.get_record(db, "runbooks", "acme/bridge-restart").value.title == first.value.title
    assert current_change_of(db) == counter
    assert len(editing.history(db, "runbooks", "acme/bridge-restart")) == 1


def current_change_of(db):
    with db.session() as session:
        return current_change(session)


def test_a_dispatcher_calling_the_editing_service_is_refused(db):
    record = editing.get_record(db, "technicians", "lee")
    with pytest.raises(NotAllowed, match="editing technicians needs the lead or admin role; 'jordan' has dispatcher"):
        editing.save_record(db, actor="jordan", kind="technicians", key="lee",
                            value=dataclasses.replace(record.value, level=1), expected_version=record.version, at=LATER)
    with pytest.raises(NotAllowed, match="the anonymous dispatcher"):
        editing.delete_record(db, actor=None, kind="technicians", key="lee", expected_version=record.version, at=LATER)
    assert editing.get_record(db, "technicians", "lee").value.level == record.value.level


def test_fields_are_checked_with_the_importers_messages(db):
    record = editing.get_record(db, "technicians", "lee")
    bad = dataclasses.replace(record.value, level=5, unavailable=(Unavailability(LATER, FRIDAY_NIGHT, "x"),))
    with pytest.raises(DispatchError) as refused:
        editing.save_record(db, actor="dana", kind="technicians", key="lee", value=bad,
                            expected_version=record.version, at=LATER)
    assert refused.value.problems[0] == "level: 5 is out of range (1-3)"
    assert refused.value.problems[1].startswith("unavailable[0].to: must be after from")
    client = editing.get_record(db, "clients", "acme")
    with pytest.raises(DispatchError) as refused:
        editing.save_record(db, actor="dana", kind="clients", key="acme", expected_version=client.version, at=LATER,
                            value={"id": "acme", "name": "Acme", "timezone": "Mars/Olympus",
                                   "agreement": {"coverage": {"3": "mon-fri 25:00-06:00"},
                                                 "emergency": [{"systems": ["nope"], "impact": ["down"]}]}})
    assert refused.value.problems == [
        "timezone: 'Mars/Olympus' is not an IANA time zone (for example America/Chicago)",
        refused.value.problems[1],
        "agreement.emergency[0].systems[0]: no system 'nope' in client 'acme'",
    ]
    assert refused.value.problems[1].startswith("agreement.coverage.3: bad window expression")


def test_a_client_agreement_edited_as_rules(db):
    record = editing.get_record(db, "clients", "acme")
    agreement = dataclasses.replace(record.value.agreement, coverage={**record.value.agreement.coverage, 3: "always"},
                                    response_minutes={**record.value.agreement.response_minutes, "P1": 20})
    saved = editing.save_record(db, actor="root", kind="clients", key="acme", expected_version=record.version, at=LATER,
                                value=dataclasses.replace(record.value, agreement=agreement, systems=()))
    assert saved.diff == {"agreement.coverage.3": [record.value.agreement.coverage[3], "always"],
                          "agreement.response_minutes.P1": [record.value.agreement.response_minutes["P1"], 20]}
    after = editing.get_record(db, "clients", "acme").value
    assert after.agreement.coverage[3] == "always"
    assert [s.id for s in after.systems] == [s.id for s in record.value.systems]  # systems are their own records
    unchanged = editing.save_record(db, actor="root", kind="clients", key="acme", value=after,
                                    expected_version=saved.version, at=LATER)
    assert not unchanged.changed and unchanged.version == saved.version


def test_runbooks_added_under_a_system_warn_about_secrets_and_can_be_deleted(db):
    saved = editing.save_record(db, actor="dana", kind="runbooks", key="acme/plc-login", under="erp-plc",
                                value=Runbook("plc-login", "Log in to the PLC", 2, "password: Hunter22x"),
                                expected_version=None, at=LATER)
    assert saved.warnings == ("body: looks like it holds a password; name where the secret is kept instead",)
    assert [r.id for r in editing.get_record(db, "systems", "acme/erp-plc").value.runbooks][-1] == "plc-login"
    editing.delete_record(db, actor="dana", kind="runbooks", key="acme/plc-login", expected_version=saved.version,
                          at=LATER)
    assert [c.action for c in editing.history(db, "runbooks", "acme/plc-login")] == ["created", "deleted"]


def test_deleting_a_technician_still_named_is_refused_with_the_paths(db):
    record = editing.get_record(db, "technicians", "dana")
    with pytest.raises(DispatchError) as refused:
        editing.delete_record(db, actor="root", kind="technicians", key="dana", expected_version=record.version,
                              at=LATER)
    assert any(p.endswith("no technician 'dana'") for p in refused.value.problems)


def test_overrides_are_added_and_removed(db):
    before = editing.list_overrides(db)
    saved = editing.save_record(db, actor="dana", kind="overrides", key=None, expected_version=None, at=LATER,
                                value=Override("night-remote", "lee", at(60), at(120), "swap"))
    keys = [k for k, _, _ in editing.list_overrides(db)]
    assert keys == [k for k, _, _ in before] + [saved.key]
    assert editing.get_record(db, "overrides", saved.key).value.tech == "lee"
    with pytest.raises(DispatchError, match="no technician 'zed'"):
        editing.save_record(db, actor="dana", kind="overrides", key=None, expected_version=None, at=LATER,
                            value=Override("night-remote", "zed", at(60), at(120)))
    editing.delete_record(db, actor="dana", kind="overrides", key=saved.key, expected_version=1, at=LATER)
    assert [k for k, _, _ in editing.list_overrides(db)] == [k for k, _, _ in before]


def test_a_new_system_and_a_new_technician(db):
    editing.save_record(db, actor="dana", kind="technicians", key=None, expected_version=None, at=LATER,
                        value={"id": "kim", "name": "Kim Ito", "level": 2,
                               "unavailable": [{"from": "2026-12-01T00:00", "to": "2026-12-02T00:00"}]})
    kim = editing.get_record(db, "technicians", "kim")
    assert kim.version == 1 and kim.value.unavailable[0].start.isoformat() == "2026-12-01T06:00:00+00:00"
    with pytest.raises(DispatchError, match="duplicate technician id 'kim'"):
        editing.save_record(db, actor="dana", kind="technicians", key=None, expected_version=None, at=LATER,
                            value=kim.value)
    editing.save_record(db, actor="dana", kind="systems", key="acme/scada", expected_version=None, at=LATER,
                        value=System("scada", "SCADA", "critical", 4, experts=(Expert("kim", "primary"),)))
    assert editing.get_record(db, "systems", "acme/scada").value.experts == (Expert("kim", "primary"),)
