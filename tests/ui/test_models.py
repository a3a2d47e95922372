"""Every model of the console passes pytest-qt's model tester, before and after row updates,
and updates by rows (never a reset)."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from dispatch_app.domain.model import FirstStep, WakeEntry
from dispatch_app.services import calls
from dispatch_app.services.database import open_database
from dispatch_app.services.environment import load_environment
from dispatch_app.ui.clock import ViewerClock
from dispatch_app.ui.models.calls import QueueModel, TimelineModel
from dispatch_app.ui.models.environment import (
    ClientsModel,
    ContactsModel,
    CoverageModel,
    SystemsModel,
    TechniciansModel,
    coverage_rows,
    on_call_now,
)
from dispatch_app.ui.models.table import Column, RowsModel
from dispatch_app.ui.models.triage import FirstStepsModel, WakeModel

AT = datetime(2026, 11, 28, 5, 0, tzinfo=timezone.utc)  # as in conftest.py


@pytest.fixture
def env(northwind_url):
    db = open_database(northwind_url)
    yield load_environment(db)
    db.dispose()


@pytest.fixture
def clock():
    return ViewerClock(lambda: AT, "America/Chicago")


def _check(qtmodeltester, model, first, second):
    model.set_rows(first)
    qtmodeltester.check(model, force_py=True)
    model.set_rows(second)
    qtmodeltester.check(model, force_py=True)
    assert model.rows == tuple(second)


def test_environment_models(qtmodeltester, env, clock):
    acme, riverside = env.client("acme"), env.client("riverside")
    _check(qtmodeltester, TechniciansModel(), list(env.technicians), list(env.technicians[2:]))
    _check(qtmodeltester, ClientsModel(), list(env.clients), [riverside, acme])
    systems = SystemsModel()
    systems.set_context(env, on_call_now(env, AT))
    _check(qtmodeltester, systems, list(acme.systems), list(riverside.systems))
    _check(qtmodeltester, ContactsModel(), list(acme.contacts), list(riverside.contacts))
    coverage = CoverageModel()
    coverage.set_context(acme, lambda t: clock.with_client(t, acme.timezone))
    _check(qtmodeltester, coverage, coverage_rows(env, acme, AT), coverage_rows(env, acme, AT + timedelta(hours=9)))


def test_triage_models(qtmodeltester):
    dana = WakeEntry("dana", "Dana Reyes", ("+1 312 555 0101",), False, ("primary expert",), 10)
    lee = WakeEntry("lee", "Lee Chen", ("+1 312 555 0113",), True, ("secondary expert",), 10)
    _check(qtmodeltester, WakeModel(), [dana, lee], [lee, replace(dana, on_call=True)])
    steps = [FirstStep("a", "Restart", 1), FirstStep("b", "Reboot", 1)]
    _check(qtmodeltester, FirstStepsModel(), steps, steps[::-1])


def test_call_models(qtmodeltester, northwind_url, env, clock):
    db = open_database(northwind_url)
    first = calls.record_call(db, actor="jordan", client="acme", system="erp-plc", impact="down",
                              summary="Line down", at=AT).call.id
    before = calls.queue(db, at=AT, open_only=True)
    calls.record_call(db, actor="jordan", client="baker", summary="Printer", at=AT)
    calls.record_attempt(db, actor="jordan", call_id=first, tech="dana", outcome="no-answer", at=AT)
    after = calls.queue(db, at=AT, open_only=True)
    queue = QueueModel(clock)
    queue.set_environment(env)
    _check(qtmodeltester, queue, before, after)
    assert queue.index(0, 0).data() == "‼ P1"
    timeline = TimelineModel(clock)
    events_before = calls.call_view(db, first, at=AT).events
    calls.add_note(db, actor="jordan", call_id=first, text="Dana's phone rang out", at=AT)
    _check(qtmodeltester, timeline, list(events_before), list(calls.call_view(db, first, at=AT).events))
    db.dispose()


class _Letter(RowsModel):
    columns = (Column("Letter", lambda r: r[1]),)

    def key(self, row):
        return row[0]


def test_set_rows_moves_inserts_and_removes_without_a_reset(qtmodeltester, qtbot):
    model = _Letter()
    model.set_rows([(1, "a"), (2, "b"), (3, "c")])
    qtmodeltester.check(model, force_py=True)
    with qtbot.assertNotEmitted(model.modelReset):
        model.set_rows([(4, "d"), (3, "C"), (1, "a")])
    assert [r[1] for r in model.rows] == ["d", "C", "a"]
    qtmodeltester.check(model, force_py=True)


def test_queue_upsert_places_rows_by_the_services_order_without_a_reset(clock, qtmodeltester, qtbot):
    def row(call_id, priority, minutes=0):
        return calls.QueueRow(id=call_id, client="acme", system=None, summary=f"call {call_id}", priority=priority,
                              status="escalating", received_at=AT - timedelta(minutes=minutes), response_due=None,
                              unmatched=False, overdue=False)
    model = QueueModel(clock)
    model.set_rows([row(1, "P2"), row(2, "P3")])
    qtmodeltester.check(model)
    with qtbot.assertNotEmitted(model.modelReset):
        inserted = model.upsert([row(3, "P1"), row(4, "P3", minutes=5)], calls.queue_order)
        assert [r.id for r in inserted] == [3, 4]
        assert [r.id for r in model.rows] == [3, 1, 4, 2]
        with qtbot.waitSignal(model.dataChanged):
            model.upsert([row(1, "P2", minutes=1)], calls.queue_order)  # same place: updated in place
        model.upsert([row(2, "P1", minutes=9)], calls.queue_order)  # overridden to P1: moves up
        assert [r.id for r in model.rows] == [2, 3, 1, 4]
        model.remove_keys([3, 99])
        assert [r.id for r in model.rows] == [2, 1, 4]
    qtmodeltester.check(model)


def test_rows_found_by_id_stay_right_through_random_changes(clock, qtmodeltester, qtbot):
    """set_rows, upsert and remove_keys against a plain sorted list: same rows, same order,
    the id index and the running P1 / late counts always right, never a reset."""
    import random

    rng = random.Random(4)

    def row(call_id):
        return calls.QueueRow(id=call_id, client="acme", system=None, summary=f"call {call_id}",
                              priority=rng.choice(["P1", "P2", "P3", "P4"]), status="escalating",
                              received_at=AT - timedelta(minutes=rng.randint(0, 600)), response_due=None,
                              unmatched=rng.random() < 0.05, overdue=rng.random() < 0.2)
    model = QueueModel(clock)
    expected = {}
    with qtbot.assertNotEmitted(model.modelReset):
        for step in range(60):
            if step % 10 == 0:
                expected = {r.id: r for r in (row(i) for i in rng.sample(range(300), 120))}
                model.set_rows(sorted(expected.values(), key=calls.queue_order))
            else:
                changed = [row(i) for i in rng.sample(range(300), 8)]
                gone = rng.sample(sorted(expected), 3)
                for key in gone:
                    expected.pop(key)
                model.remove_keys(gone)
                for r in changed:
                    expected[r.id] = r
                model.upsert(changed, calls.queue_order)
            want = sorted(expected.values(), key=calls.queue_order)
            assert list(model.rows) == want
            assert all(model.row_of(r.id) == n for n, r in enumerate(want))
            assert model.row_of(999) is None
            assert model.p1_count == sum(1 for r in want if r.priority == "P1" and not r.unmatched)
            assert model.late_count == sum(1 for r in want if r.overdue)
    qtmodeltester.check(model)
