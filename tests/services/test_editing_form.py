"""What the editor's forms need from services/editing.py: a record as the bundle spells it, and a
check that runs the save's validation without writing (on SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from dispatch_app.errors import DispatchError
from dispatch_app.services import editing
from dispatch_app.store import current_change
from night import FRIDAY_NIGHT, db, northwind_url  # noqa: F401 - fixtures

LATER = FRIDAY_NIGHT + timedelta(hours=1)


def counter(db):
    with db.session() as session:
        return current_change(session)


def test_a_record_opens_as_the_bundle_spells_it(db):
    client = editing.get_record_data(db, "clients", "acme")
    assert client.data["agreement"]["business_hours"] == "mon-fri 07:00-18:00"
    assert "systems" not in client.data and "runbooks" not in client.data  # records of their own
    assert "erp-plc" in [s.id for s in client.client.systems]
    assert (client.version, client.timezone) == (1, "America/Chicago")

    runbook = editing.get_record_data(db, "runbooks", "acme/bridge-restart")
    assert (runbook.under, runbook.data["level"]) == ("erp-plc", 1)
    system = editing.get_record_data(db, "systems", "acme/erp-plc")
    assert "runbooks" not in system.data and system.data["experts"][0] == {"tech": "dana", "role": "primary"}

    record = editing.get_record(db, "technicians", "lee")
    editing.save_record(db, actor="dana", kind="technicians", key="lee", expected_version=record.version, at=LATER,
                        value={**editing.get_record_data(db, "technicians", "lee").data, "email": "lee@new.example"})
    lee = editing.get_record_data(db, "technicians", "lee")
    assert (lee.updated_by, lee.updated_by_name, lee.updated_at) == ("dana", "Dana Reyes", LATER)


def test_check_record_answers_the_saves_problems_and_writes_nothing(db):
    before = counter(db)
    data = editing.get_record_data(db, "clients", "acme").data
    assert editing.check_record(db, kind="clients", key="acme", value=data) == []
    bad = {**data, "agreement": {**data["agreement"], "business_hours": "mon-fry 07:00-18:00"}}
    [problem] = editing.check_record(db, kind="clients", key="acme", value=bad)
    assert problem.startswith("agreement.business_hours: bad window expression")
    tech = editing.get_record_data(db, "technicians", "lee").data
    assert editing.check_record(db, kind="technicians", key="lee", value={**tech, "level": 5}) == [
        "level: 5 is out of range (1-3)"]
    assert editing.check_record(db, kind="technicians", key="lee", value={**tech, "id": "leo"}) == [
        "id: cannot be changed ('lee'); add a new technician and delete this one"]
    # a new record whose id is taken: the importer's duplicate message, at the id
    [duplicate] = editing.check_record(db, kind="technicians", key=None, value={**tech, "name": "Lee Two"})
    assert duplicate.startswith("id: duplicate technician id 'lee'")
    assert counter(db) == before
    # the same problem the save refuses with
    record = editing.get_record(db, "clients", "acme")
    with pytest.raises(DispatchError) as refused:
        editing.save_record(db, actor="dana", kind="clients", key="acme", value=bad,
                            expected_version=record.version, at=LATER)
    assert refused.value.problems == [problem]
