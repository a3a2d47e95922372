"""The response figures kept per client, priority and month (store/figure_cells.py): folded
incrementally they equal the figures rebuilt from scratch and the figures computed from the
calls, whatever moved a call between cells."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from dispatch_app.services import calls, review
from dispatch_app.store import figure_cells
from night import at, db, execute, northwind_url, scripted_night  # noqa: F401 - fixtures

START, END = at(-24 * 60), at(24 * 60)


def figures(db, **kwargs):
    return review.response_figures(db, actor="morgan", start=kwargs.pop("start", START), end=kwargs.pop("end", END),
                                   **kwargs)


def rebuilt(db, **kwargs):
    """The figures with every cell thrown away first (the next read builds them all)."""
    execute(db, "UPDATE figure_state SET folded_seq = NULL")
    return figures(db, **kwargs)


def from_calls(db, start=START, end=END, at_=None):
    """The figures computed from the calls alone, as for a month the range cuts through."""
    tz = figure_cells.ZoneInfo("America/Chicago")
    with db.session(read_only=True) as session:
        months = review.months_between(start, end, tz)
        rows, _unknown = review._rows_from_calls(session, months, tz, at_ or end)
    return sorted(rows)


def kept(db):
    with db.session(read_only=True) as session:
        return session.connection().exec_driver_sql("SELECT count(*) FROM figure_cells").scalar()


def test_cells_folded_call_by_call_equal_cells_rebuilt_and_figures_from_the_calls(db):
    assert figures(db) == [] and kept(db) == 0
    scripted_night(db)
    folded = figures(db)
    assert kept(db) == len(folded) > 5
    assert folded == rebuilt(db) == from_calls(db)


def test_a_call_whose_priority_changes_leaves_its_old_cell(db):
    scripted_night(db)
    before = {(r.client, r.priority): r for r in figures(db)}
    assert before[("harbor", "P1")].calls == 1 and ("harbor", "P3") not in before
    harbor = next(row.id for row in calls.queue(db, at=at(60)) if row.client == "harbor")
    calls.override_priority(db, actor="jordan", call_id=harbor, priority="P3", why="desk closed till Monday",
                            at=at(70))
    after = {(r.client, r.priority): r for r in figures(db)}
    assert ("harbor", "P1") not in after and after[("harbor", "P3")].calls == 1
    assert sorted(after.values()) == rebuilt(db) == from_calls(db)


def test_an_unmatched_call_assigned_to_a_client_moves_to_its_cell(db):
    scripted_night(db)
    assert any(r.client == "(unmatched)" for r in figures(db))
    unmatched = next(row.id for row in calls.queue(db, at=at(60)) if row.client is None)
    calls.assign_client(db, actor="jordan", call_id=unmatched, client="baker", at=at(80))
    rows = figures(db)
    assert not any(r.client == "(unmatched)" for r in rows)
    assert rows == rebuilt(db) == from_calls(db)


def test_another_msp_time_zone_rebuilds_the_cells_in_its_months(db):
    """A call at 23:30 on Oct 31 in Chicago is in November in UTC: the months follow the zone."""
    halloween = datetime(2026, 11, 1, 4, 30, tzinfo=timezone.utc)  # Oct 31 23:30 in Chicago
    calls.record_call(db, actor="jordan", client="acme", system="erp", impact="down", summary="ERP down",
                      at=halloween)
    span = dict(start=halloween - timedelta(days=3), end=halloween + timedelta(days=3))
    assert {r.month for r in figures(db, **span)} == {"2026-10"}
    execute(db, "UPDATE msp SET timezone = 'UTC'")
    assert {r.month for r in figures(db, **span)} == {"2026-11"}


def test_breaches_count_unanswered_calls_only_once_their_due_has_passed(db):
    """A call with no answer is a breach as of ``at`` only if its response was due before."""
    scripted_night(db)
    # riverside P2: escalated, nobody contacted, dues at(220) and at(420)
    def riverside_p2(**kwargs):
        return next(r for r in figures(db, **kwargs) if (r.client, r.priority) == ("riverside", "P2")).breaches
    assert riverside_p2() == 2
    assert riverside_p2(at=at(300)) == 1
    assert riverside_p2(at=at(100)) == 0
    assert [r.breaches for r in figures(db, at=at(300))] == [r.breaches for r in from_calls(db, at_=at(300))]


def test_a_month_the_range_cuts_through_is_computed_from_its_calls_in_the_range(db):
    """The range starts after the night's first calls: those are left out, though their
    month's cell holds them."""
    scripted_night(db)
    whole = sum(r.calls for r in figures(db))
    late_start = at(10)
    cut = figures(db, start=late_start)
    assert sum(r.calls for r in cut) < whole
    assert cut == from_calls(db, start=late_start)
