"""Shifts, handoff records and verification through the service layer, on SQLite and PostgreSQL."""
from __future__ import annotations

import json
from datetime import datetime

import pytest

from dispatch_app.domain.handoff import handoff_to_dict
from dispatch_app.errors import DispatchError, NotAllowed, NotFound
from dispatch_app.services import calls, shifts
from night import UTC, at, calls_db, calls_url, scripted_night  # noqa: F401 - fixtures


@pytest.fixture
def db(calls_db):
    """Calls and shifts only: the fast shared database (night.calls_url)."""
    return calls_db


def test_a_scripted_night_gives_every_figure_of_the_handoff(db):
    ids = scripted_night(db)
    h = shifts.handoff(db, shift_id=ids["shift"], at=at(600))
    assert (h.shift.start, h.shift.end, h.at, h.timezone) == (at(-60), at(420), at(420), "America/Chicago")
    assert h.dispatcher_name == "Jordan Price"
    f = h.figures
    assert (f.received, f.resolved, f.open, f.deferred) == (11, 5, 6, 1)
    assert (f.escalated, f.attempts, f.acknowledgements, f.breaches, f.runbook_changes) == (5, 8, 4, 3, 2)
    assert (f.median_minutes_to_ack, f.max_minutes_to_ack) == (3.5, 35)

    assert [l.call for l in h.received] == [ids[k] for k in ("line", "ehr", "mail", "printer", "trading", "stranger",
                                                             "erp", "wifi", "line2", "ehr_slow", "request")]
    assert {r.line.call: (r.resolved_by, r.runbook_change) for r in h.resolved} == {
        ids["mail"]: ("jordan", None), ids["before"]: ("jordan", None), ids["line"]: ("dana", "yes"),
        ids["ehr"]: ("lee", "no"), ids["line2"]: ("dana", "yes")}
    assert [(o.line.call, o.next_step.kind, o.next_step.tech) for o in h.open] == [
        (ids["stranger"], "assign", None), (ids["trading"], "engaged", "sam"), (ids["wifi"], "call", "sam"),
        (ids["ehr_slow"], "call", "lee"), (ids["erp"], "call", "alex"), (ids["request"], "handling", "jordan")]
    assert [o.line.priority for o in h.open] == [None, "P1", "P2", "P2", "P3", "P4"]
    [deferred] = h.deferred
    assert (deferred.line.call, deferred.until) == (ids["printer"], datetime(2026, 11, 30, 14, 0, tzinfo=UTC))
    assert [(a.call, a.tech, a.minutes) for a in h.acknowledgements] == [
        (ids["line"], "dana", 7), (ids["ehr"], "lee", 35), (ids["trading"], "sam", 0), (ids["line2"], "dana", 0)]
    assert [(a.call, a.outcome, a.minutes_to_ack) for a in h.attempts][:5] == [
        (ids["line"], "no-answer", None), (ids["line"], "acked", 7), (ids["ehr"], "no-answer", None),
        (ids["ehr"], "voicemail", None), (ids["ehr"], "acked", 35)]
    assert [(b.line.call, b.response_due, b.responded_at, b.responded_by, b.minutes_late) for b in h.breaches] == [
        (ids["ehr"], at(40), at(47), "lee", 7), (ids["wifi"], at(220), None, None, 200),
        (ids["erp"], at(310), None, None, 110)]
    assert h.notes == ("Acme restarts line 3 at 06:00", "Riverside Wi-Fi: vendor ticket 4471")

    info = shifts.shift_info(db, ids["shift"])
    assert info.issued_at == at(420) and [r.kind for r in info.records] == ["note", "note", "issued"]
    assert json.loads(info.records[-1].data["snapshot"]) == handoff_to_dict(h)
    assert shifts.verify(db).ok


def test_the_shift_lifecycle_and_who_may_do_what(db):
    with pytest.raises(DispatchError, match="named technician"):
        shifts.start_shift(db, actor=None, at=at(0))
    with pytest.raises(NotAllowed, match="'nobody' has no role"):
        shifts.start_shift(db, actor="nobody", at=at(0))
    shift = shifts.start_shift(db, actor="jordan", at=at(0))
    with pytest.raises(DispatchError, match="already has shift"):
        shifts.start_shift(db, actor="jordan", at=at(1))
    shifts.add_shift_note(db, actor="jordan", text="all quiet", at=at(5))
    with pytest.raises(DispatchError, match="1 to 4000"):
        shifts.add_shift_note(db, actor="jordan", text=" ", at=at(5))
    with pytest.raises(NotAllowed, match="lead, manager or admin"):
        shifts.add_shift_note(db, actor="sam", shift_id=shift.id, text="mine", at=at(6))
    with pytest.raises(DispatchError, match="not issued yet"):
        shifts.acknowledge(db, actor="sam", shift_id=shift.id, at=at(7))
    with pytest.raises(NotAllowed, match="somebody else's shift"):
        shifts.end_shift(db, actor="sam", shift_id=shift.id, at=at(8))
    with pytest.raises(DispatchError, match="cannot end before"):
        shifts.end_shift(db, actor="jordan", at=at(-1))
    shifts.end_shift(db, actor="jordan", at=at(480))
    with pytest.raises(DispatchError, match="no shift running"):
        shifts.end_shift(db, actor="jordan", at=at(481))
    with pytest.raises(DispatchError, match="already ended"):
        shifts.end_shift(db, actor="dana", shift_id=shift.id, at=at(481))
    with pytest.raises(DispatchError, match="already issued"):
        shifts.add_shift_note(db, actor="jordan", shift_id=shift.id, text="late", at=at(482))
    with pytest.raises(DispatchError, match="not the one handing over"):
        shifts.acknowledge(db, actor="jordan", shift_id=shift.id, at=at(483))
    with pytest.raises(DispatchError, match="named technician"):
        shifts.acknowledge(db, actor=None, shift_id=shift.id, at=at(483))
    shifts.acknowledge(db, actor="sam", shift_id=shift.id, comment="got it", at=at(484))
    with pytest.raises(DispatchError, match="already acknowledged by sam"):
        shifts.acknowledge(db, actor="alex", shift_id=shift.id, at=at(485))
    for actor in (None, "jordan", "dana"):
        with pytest.raises((NotAllowed, DispatchError), match="manager or admin role"):
            shifts.review(db, actor=actor, shift_id=shift.id, comment="?", at=at(490))
    shifts.review(db, actor="morgan", shift_id=shift.id, comment="good night", at=at(500))
    shifts.review(db, actor="root", shift_id=shift.id, at=at(501))
    with pytest.raises(NotFound, match="no shift 99"):
        shifts.review(db, actor="morgan", shift_id=99, at=at(502))
    info = shifts.shift_info(db, shift.id)
    assert (info.acknowledged_by, info.acknowledged_at) == ("sam", at(484))
    assert info.reviews == (("morgan", at(500), "good night"), ("root", at(501), None))
    assert [r.kind for r in info.records] == ["note", "issued", "acknowledged", "reviewed", "reviewed"]
    assert [s.id for s in shifts.list_shifts(db)] == [shift.id]
    assert shifts.verify(db).ok


def test_a_running_shift_and_a_range_give_records_as_of_now(db):
    shift = shifts.start_shift(db, actor="jordan", at=at(-60))
    calls.record_call(db, actor="jordan", client="acme", system="erp-plc", impact="down", summary="down", at=at(0))
    running = shifts.handoff(db, shift_id=shift.id, at=at(30))
    assert running.at == at(30) and running.figures.received == 1 and running.figures.breaches == 1
    with pytest.raises(DispatchError, match="nothing to hand over"):
        shifts.handoff(db, shift_id=shift.id, at=at(-61))
    adhoc = shifts.handoff(db, start=at(-10), end=at(10), at=at(600))
    assert adhoc.shift.id == 0 and adhoc.shift.dispatcher == "jordan" and adhoc.figures.received == 1
    empty = shifts.handoff(db, start=at(-600), end=at(-300), at=at(600))
    assert empty.shift.dispatcher == "no shift" and empty.figures.received == 0
    with pytest.raises(DispatchError, match="--to"):
        shifts.handoff(db, start=at(10), end=at(0), at=at(600))
    with pytest.raises(DispatchError, match="SHIFT_ID"):
        shifts.handoff(db, at=at(600))


def test_a_normal_night_verifies_clean_and_counts_everything(db):
    scripted_night(db)
    report = shifts.verify(db)
    assert report.ok and report.first_break is None and report.breaks == ()
    assert (report.calls, report.shifts, report.handoff_records) == (14, 1, 3)
    assert report.events == sum(len(calls.call_view(db, i, at=at(900)).events) for i in range(1, 15))
