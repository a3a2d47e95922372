"""Recording and working calls through the service layer, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

import pytest

from dispatch_app.errors import DispatchError, NotAllowed, NotFound
from dispatch_app.services import calls, environment, shifts
from dispatch_app.store import Database, current_change
from night import FRIDAY_NIGHT, at, calls_db, calls_url, execute, northwind_url  # noqa: F401 - fixtures


@pytest.fixture
def own_db(northwind_url):
    """A database of its own, for tests that change the environment."""
    database = Database(northwind_url)
    yield database
    database.dispose()


@pytest.fixture
def db(calls_db):
    """Calls and shifts only: the fast shared database (night.calls_url)."""
    return calls_db

ALL_WORKERS = [None, "jordan", "dana", "morgan", "root"]


def counter(db: Database) -> int:
    with db.session() as session:
        return current_change(session)


def kinds(db, call_id):
    return [e.kind for e in calls.call_view(db, call_id, at=at(600)).events]


# ---------------------------------------------------------------- recording


def test_recording_sets_the_status_from_the_verdict_in_one_chained_write(db):
    before = counter(db)
    line = calls.record_call(db, actor="jordan", client="acme", system="erp-plc", impact="down",
                             summary="line 3 stopped", at=FRIDAY_NIGHT)
    assert line.created and line.change == before + 1 and counter(db) == before + 1
    assert (line.call.status, line.call.priority, line.triage.verdict) == ("escalating", "P1", "escalate")
    assert line.call.response_due == at(15) and line.triage.call == line.call.id
    mail = calls.record_call(db, actor="jordan", client="acme", system="m365", impact="single-user",
                             summary="user locked out of mail", at=FRIDAY_NIGHT)
    assert (mail.call.status, mail.triage.verdict) == ("handling", "handle")
    printer = calls.record_call(db, actor="jordan", client="baker", system="printers", impact="single-user",
                                summary="printer jam", at=at(180))
    assert (printer.call.status, printer.triage.verdict, printer.call.priority) == ("deferred", "defer", "P4")
    view = calls.call_view(db, printer.call.id, at=at(180))
    assert [e.kind for e in view.events] == ["created", "priority", "status"]
    assert view.events[2].data["until"] == "2026-11-30T14:00:00Z"
    assert [e.seq for e in view.events] == [1, 2, 3]
    assert view.events[1].prev_hash == view.events[0].hash
    assert shifts.verify(db).ok


@pytest.mark.parametrize("phone", ["(312) 555-0201", "312.555.0201", "+1 312 555 0201", "13125550201",
                                   "+1-312-555-0201", "312 5550201"])
def test_a_caller_phone_in_any_format_finds_the_client_and_the_contact(db, phone):
    assert calls.find_caller(db, phone) == calls.CallerMatch("acme", "Acme Plastics", "Pat Lee")
    recorded = calls.record_call(db, actor=None, caller_phone=phone, summary="bridge is down", at=FRIDAY_NIGHT)
    assert (recorded.call.client, recorded.call.contact, recorded.call.caller_phone) == ("acme", "Pat Lee",
                                                                                         "+13125550201")
    assert not recorded.call.unmatched


def test_phone_lookups_client_lines_other_numbers_and_a_restriction(db):
    assert calls.find_caller(db, "212-555-0400") == calls.CallerMatch("harbor", "Harbor Capital", None)
    assert calls.find_caller(db, "+1 212 555 0401").contact == "Ravi Shah"
    assert calls.find_caller(db, "312 555 9999") is None
    assert calls.find_caller(db, "31255") is None
    assert calls.find_caller(db, "+1 312 555 0201", client="riverside") is None
    assert calls.default_region("America/Chicago") == "US"
    assert calls.default_region("Europe/London") == "GB"
    assert calls.default_region("Etc/UTC") == "US"


def test_an_unmatched_call_is_stored_sorts_first_and_is_triaged_once_assigned(db):
    known = calls.record_call(db, actor=None, client="acme", system="erp-plc", impact="down", summary="down",
                              at=FRIDAY_NIGHT)
    stranger = calls.record_call(db, actor=None, caller_phone="+1 415 555 0000", summary="server room alarm",
                                 system="erp", at=at(5))
    assert stranger.call.unmatched and stranger.call.client is None and stranger.triage is None
    assert stranger.call.status == "new" and stranger.call.system is None
    view = calls.call_view(db, stranger.call.id, at=at(6))
    assert view.triage is None and view.events[0].data["unknown_system"] == "erp"
    assert [r.id for r in calls.queue(db, at=at(6), open_only=True)] == [stranger.call.id, known.call.id]
    with pytest.raises(DispatchError, match="no client yet"):
        calls.authorize(db, actor=None, call_id=stranger.call.id, contact="Pat Lee", at=at(7))
    with pytest.raises(NotFound, match="nope"):
        calls.assign_client(db, actor=None, call_id=stranger.call.id, client="nope", at=at(7))
    with pytest.raises(NotFound, match="no system"):
        calls.assign_client(db, actor=None, call_id=stranger.call.id, client="acme", system="nope", at=at(7))
    done = calls.assign_client(db, actor="jordan", call_id=stranger.call.id, client="acme", system="erp-plc", at=at(8))
    assert (done.call.client, done.call.system, done.call.unmatched) == ("acme", "erp-plc", False)
    assert (done.status, done.call.priority) == ("escalating", "P1")  # default impact degraded: rule 1
    assert done.call.response_due is not None
    assert [e.kind for e in done.events] == ["assigned", "priority", "status"]
    with pytest.raises(DispatchError, match="already belongs"):
        calls.assign_client(db, actor=None, call_id=stranger.call.id, client="baker", at=at(9))


def test_an_unknown_system_of_a_known_client_is_kept_in_the_first_event(db):
    recorded = calls.record_call(db, actor=None, client="acme", system="toaster", summary="toaster on fire",
                                 at=FRIDAY_NIGHT)
    assert recorded.call.system is None and not recorded.call.unmatched
    first = calls.call_view(db, recorded.call.id, at=at(1)).events[0]
    assert first.data["unknown_system"] == "toaster" and first.data["system"] is None


def test_an_unknown_client_is_refused_unless_the_caller_keeps_it(db):
    with pytest.raises(NotFound, match="nope"):
        calls.record_call(db, actor=None, client="nope", summary="x", at=FRIDAY_NIGHT)
    kept = calls.record_call(db, actor=None, client="nope", summary="x", at=FRIDAY_NIGHT, keep_unknown_client=True)
    assert kept.call.unmatched
    assert calls.call_view(db, kept.call.id, at=at(1)).events[0].data["unknown_client"] == "nope"


def test_an_external_id_records_once(db):
    first = calls.record_call(db, actor=None, client="acme", summary="alert", external_id="am-1", at=FRIDAY_NIGHT)
    before = counter(db)
    again = calls.record_call(db, actor=None, client="baker", summary="other", external_id="am-1", at=at(3))
    assert not again.created and again.call.id == first.call.id and again.call.client == "acme"
    assert again.triage is not None and counter(db) == before
    assert len(calls.queue(db, at=at(4))) == 1


@pytest.mark.parametrize("kwargs, words", [
    ({"summary": "  "}, "summary"),
    ({"summary": "x" * 2001}, "2000"),
    ({"summary": "x", "impact": "melted"}, "impact"),
])
def test_bad_call_input_is_refused_and_nothing_is_written(db, kwargs, words):
    before = counter(db)
    with pytest.raises(DispatchError, match=words):
        calls.record_call(db, actor=None, client="acme", at=FRIDAY_NIGHT, **kwargs)
    assert counter(db) == before and calls.queue(db, at=at(1)) == []


# ---------------------------------------------------------------- roles


@pytest.mark.parametrize("actor", ALL_WORKERS)
def test_every_role_records_and_works_calls(db, actor):
    call = calls.record_call(db, actor=actor, client="acme", system="erp-plc", impact="down", summary="down",
                             at=FRIDAY_NIGHT).call
    calls.add_note(db, actor=actor, call_id=call.id, text="called the plant", at=at(1))
    calls.record_attempt(db, actor=actor, call_id=call.id, tech="lee", outcome="acked", at=at(2))
    calls.override_priority(db, actor=actor, call_id=call.id, priority="P2", why="one line only", at=at(3))
    result = calls.resolve(db, actor=actor, call_id=call.id, note="fixed", runbook_change=False, at=at(4))
    assert result.status == "resolved"
    events = calls.call_view(db, call.id, at=at(5)).events
    assert {e.actor for e in events} == {actor}


def test_a_technician_without_a_role_is_refused_naming_the_roles(db):
    with pytest.raises(NotAllowed, match="dispatcher, lead, manager or admin role; 'nobody' has no role"):
        calls.record_call(db, actor="nobody", client="acme", summary="x", at=FRIDAY_NIGHT)
    call = calls.record_call(db, actor=None, client="acme", summary="x", at=FRIDAY_NIGHT).call
    with pytest.raises(NotAllowed):
        calls.add_note(db, actor="nobody", call_id=call.id, text="hi", at=at(1))
    with pytest.raises(NotFound, match="ghost"):
        calls.add_note(db, actor="ghost", call_id=call.id, text="hi", at=at(1))


@pytest.mark.parametrize("actor, allowed", [(None, False), ("jordan", False), ("morgan", False), ("dana", True),
                                            ("root", True)])
def test_runbook_change_requests_are_for_leads(db, actor, allowed):
    call = calls.record_call(db, actor=None, client="acme", system="erp-plc", impact="down", summary="down",
                             at=FRIDAY_NIGHT).call
    calls.record_attempt(db, actor=None, call_id=call.id, tech="dana", outcome="acked", at=at(4))
    calls.resolve(db, actor=None, call_id=call.id, note="restarted the bridge", runbook_change=True, at=at(30))
    if not allowed:
        with pytest.raises(NotAllowed, match="lead or admin role"):
            calls.runbook_change_requests(db, actor=actor)
        with pytest.raises(NotAllowed, match="lead or admin role"):
            calls.close_runbook_request(db, actor=actor, call_id=call.id, note="done", at=at(60))
        return
    [request] = calls.runbook_change_requests(db, actor=actor)
    assert (request.call.id, request.resolved_by, request.note, request.state) == (
        call.id, "dana", "restarted the bridge", "open")
    assert request.resolved_at == at(30)
    calls.close_runbook_request(db, actor=actor, call_id=call.id, note="added the PLC check", at=at(60))
    assert calls.runbook_change_requests(db, actor=actor) == []
    assert [r.state for r in calls.runbook_change_requests(db, actor=actor, include_closed=True)] == ["closed"]
    with pytest.raises(DispatchError, match="no open runbook-change request"):
        calls.close_runbook_request(db, actor=actor, call_id=call.id, note="again", at=at(61))


# ---------------------------------------------------------------- working a call


def test_attempts_drive_the_escalation_and_the_status(db):
    call = calls.record_call(db, actor="jordan", client="acme", system="erp-plc", impact="down", summary="down",
                             at=FRIDAY_NIGHT).call
    calls.record_attempt(db, actor="jordan", call_id=call.id, tech="dana", outcome="no-answer", at=at(2))
    state = calls.call_view(db, call.id, at=at(3), as_tech="jordan").escalation
    assert (state.awaiting, state.awaiting_until, state.next.tech) == ("dana", at(12), "lee")
    acked = calls.record_attempt(db, actor="jordan", call_id=call.id, tech="lee", outcome="acked",
                                 channel="sms", at=at(5))
    assert acked.status == "engaged" and [e.kind for e in acked.events] == ["attempt", "status"]
    assert calls.call_view(db, call.id, at=at(6)).escalation.engaged_by == "lee"
    back = calls.record_attempt(db, actor="jordan", call_id=call.id, tech="lee", outcome="declined", at=at(20))
    assert back.status == "escalating"
    with pytest.raises(NotFound, match="ghost"):
        calls.record_attempt(db, actor=None, call_id=call.id, tech="ghost", outcome="acked", at=at(21))
    with pytest.raises(DispatchError, match="outcome"):
        calls.record_attempt(db, actor=None, call_id=call.id, tech="dana", outcome="maybe", at=at(21))
    with pytest.raises(DispatchError, match="channel"):
        calls.record_attempt(db, actor=None, call_id=call.id, tech="dana", outcome="acked", channel="fax", at=at(21))
    with pytest.raises(NotFound, match="no call 999"):
        calls.record_attempt(db, actor=None, call_id=999, tech="dana", outcome="acked", at=at(21))


def test_an_attempt_on_a_handled_call_escalates_it(db):
    call = calls.record_call(db, actor=None, client="acme", system="m365", impact="single-user", summary="mail",
                             at=FRIDAY_NIGHT).call
    assert call.status == "handling"
    result = calls.record_attempt(db, actor=None, call_id=call.id, tech="alex", outcome="no-answer", at=at(10))
    assert result.status == "escalating"


def test_resolving_an_experts_fix_asks_for_the_runbook_answer(db):
    call = calls.record_call(db, actor=None, client="acme", system="erp-plc", impact="down", summary="down",
                             at=FRIDAY_NIGHT).call
    calls.record_attempt(db, actor=None, call_id=call.id, tech="dana", outcome="acked", at=at(4))
    with pytest.raises(DispatchError, match="--runbook-change"):
        calls.resolve(db, actor=None, call_id=call.id, note="fixed", at=at(20))
    result = calls.resolve(db, actor=None, call_id=call.id, note="fixed", runbook_change=False, at=at(20))
    assert [e.kind for e in result.events] == ["resolution", "status"]
    assert result.events[0].data == {"note": "fixed", "by": "dana", "runbook_change": "no"}
    with pytest.raises(DispatchError, match="resolved"):
        calls.resolve(db, actor=None, call_id=call.id, note="again", runbook_change=False, at=at(21))
    with pytest.raises(DispatchError, match="resolved"):
        calls.record_attempt(db, actor=None, call_id=call.id, tech="dana", outcome="acked", at=at(21))
    calls.add_note(db, actor=None, call_id=call.id, text="plant confirmed", at=at(30))  # notes still welcome
    plain = calls.record_call(db, actor=None, client="acme", system="m365", impact="single-user", summary="mail",
                              at=at(40)).call
    done = calls.resolve(db, actor=None, call_id=plain.id, note="reset the password", at=at(45))
    assert done.events[0].data["runbook_change"] is None


def test_an_authorization_turns_a_defer_into_an_escalation(db):
    call = calls.record_call(db, actor="jordan", client="baker", system="printers", impact="single-user",
                             summary="printer jam before a filing", at=at(180)).call
    assert call.status == "deferred" and call.response_due.isoformat().startswith("2026-12-02T14:00")
    with pytest.raises(NotFound, match="no contact"):
        calls.authorize(db, actor=None, call_id=call.id, contact="Mallory", at=at(181))
    result = calls.authorize(db, actor="jordan", call_id=call.id, contact="eve baker", at=at(185))
    assert result.status == "escalating" and result.call.authorized
    assert result.call.response_due == at(185) + timedelta(minutes=2880)
    assert result.events[0].data["contact"] == "Eve Baker"
    view = calls.call_view(db, call.id, at=at(186), as_tech="jordan")
    assert view.triage.verdict == "escalate" and view.triage.wake
    with pytest.raises(DispatchError, match="already authorized"):
        calls.authorize(db, actor=None, call_id=call.id, contact="Eve Baker", at=at(187))


def test_a_contact_who_may_not_authorize_is_refused(own_db):
    db = own_db
    call = calls.record_call(db, actor=None, client="baker", system="printers", impact="single-user",
                             summary="jam", at=at(180)).call
    execute(db, "UPDATE contacts SET may_authorize = :no", no=False)
    with pytest.raises(DispatchError, match="may not authorize"):
        calls.authorize(db, actor=None, call_id=call.id, contact="Eve Baker", at=at(181))


def test_a_priority_override_is_kept_with_who_and_why_and_triage_uses_it(db):
    call = calls.record_call(db, actor="jordan", client="acme", system="erp-plc", impact="single-user",
                             summary="one terminal slow", at=FRIDAY_NIGHT).call
    assert (call.priority, call.status) == ("P3", "deferred")  # level 4 is covered only for emergencies
    with pytest.raises(DispatchError, match="--why"):
        calls.override_priority(db, actor="jordan", call_id=call.id, priority="P1", why=" ", at=at(5))
    with pytest.raises(DispatchError, match="P5"):
        calls.override_priority(db, actor="jordan", call_id=call.id, priority="P5", why="x", at=at(5))
    result = calls.override_priority(db, actor="jordan", call_id=call.id, priority="P1",
                                     why="the terminal feeds line 3", at=at(5))
    assert result.status == "escalating"
    assert (result.call.priority, result.call.priority_override, result.call.priority_override_by) == (
        "P1", "P1", "jordan")
    assert result.call.response_due == FRIDAY_NIGHT + timedelta(minutes=15)
    assert result.events[0].data == {"priority": "P1", "override": True, "by": "jordan",
                                     "why": "the terminal feeds line 3"}
    assert calls.call_view(db, call.id, at=at(6)).triage.priority == "P1"
    with pytest.raises(DispatchError, match="already P1"):
        calls.override_priority(db, actor="jordan", call_id=call.id, priority="P1", why="again", at=at(7))


def test_status_changes_follow_the_domain_transitions(db):
    call = calls.record_call(db, actor=None, client="acme", system="erp-plc", impact="down", summary="down",
                             at=FRIDAY_NIGHT).call
    with pytest.raises(DispatchError, match="an escalating call cannot become new"):
        calls.set_status(db, actor=None, call_id=call.id, status="new", at=at(1))
    with pytest.raises(DispatchError, match="resolve it with a note"):
        calls.set_status(db, actor=None, call_id=call.id, status="resolved", at=at(1))
    with pytest.raises(DispatchError, match="--until"):
        calls.set_status(db, actor=None, call_id=call.id, status="handling", until=at(60), at=at(1))
    deferred = calls.set_status(db, actor=None, call_id=call.id, status="deferred", until=at(600), why="plant closed",
                                at=at(2))
    assert deferred.status == "deferred" and deferred.events[0].data["until"] == "2026-11-28T15:00:00Z"
    with pytest.raises(DispatchError, match="already deferred"):
        calls.set_status(db, actor=None, call_id=call.id, status="deferred", at=at(3))
    with pytest.raises(DispatchError, match="unknown status"):
        calls.set_status(db, actor=None, call_id=call.id, status="asleep", at=at(3))


def test_the_queue_is_unmatched_then_priority_then_due_then_received(db):
    p3 = calls.record_call(db, actor=None, client="acme", system="erp", impact="degraded", summary="slow",
                           at=FRIDAY_NIGHT).call
    p1 = calls.record_call(db, actor=None, client="acme", system="erp-plc", impact="down", summary="down",
                           at=at(10)).call
    p1_later_due = calls.record_call(db, actor=None, client="riverside", system="ehr", impact="down",
                                     summary="ehr", at=at(1)).call
    lost = calls.record_call(db, actor=None, summary="who is this", at=at(20)).call
    done = calls.record_call(db, actor=None, client="acme", system="m365", summary="mail", at=at(2)).call
    calls.resolve(db, actor=None, call_id=done.id, note="ok", at=at(3))
    assert p1.response_due < p1_later_due.response_due  # 15 minutes from 05:10 vs 30 from 05:01
    rows = calls.queue(db, at=at(30), open_only=True)
    assert [r.id for r in rows] == [lost.id, p1.id, p1_later_due.id, p3.id]
    assert [r.overdue for r in rows] == [False, True, False, False]
    assert rows == sorted(rows, key=calls.queue_order)  # the view's key agrees with the store's order
    assert [r.id for r in calls.queue(db, at=at(30))][-1] == done.id
    assert len(calls.queue(db, at=at(30), limit=2)) == 2


def test_a_technician_named_by_a_call_is_deactivated_not_deleted(own_db, tmp_path):
    db = own_db
    import yaml

    from night import bundle

    call = calls.record_call(db, actor=None, client="acme", system="erp-plc", impact="down", summary="down",
                             at=FRIDAY_NIGHT).call
    calls.record_attempt(db, actor=None, call_id=call.id, tech="lee", outcome="no-answer", at=at(1))
    data = yaml.safe_load(bundle(tmp_path).read_text())
    data["technicians"] = [t for t in data["technicians"] if t["id"] not in ("lee", "alex")]
    for client in data["clients"]:
        for system in client.get("systems", []):
            system["experts"] = [e for e in system.get("experts", []) if e["tech"] not in ("lee", "alex")]
    data["rotations"][0]["members"] = ["sam"]
    path = tmp_path / "smaller.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    report = environment.import_bundle(db, path, actor="root", replace=True)
    assert report.counts["technicians"].deactivated == 1 and report.counts["technicians"].removed == 1
    env = environment.load_environment(db)
    assert env.technician("lee") is not None and not env.technician("lee").active
    assert env.technician("alex") is None
