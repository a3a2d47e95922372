"""The manager's review (services/review.py): figures on the scripted night, what-if, runbooks."""
from __future__ import annotations

import csv
import dataclasses
import io
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import select

from dispatch_app.domain import timeline as tl
from dispatch_app.domain.model import Unavailability
from dispatch_app.errors import NotAllowed
from dispatch_app.services import calls, editing, review, schedule
from dispatch_app.store import call_rows
from dispatch_app.store.call_rows import CALLS
from dispatch_app.store.database import MIGRATIONS
from night import FRIDAY_NIGHT, at, db, execute, northwind_url, scripted_night  # noqa: F401 - fixtures

START, END = at(-24 * 60), at(24 * 60)


def by_key(rows):
    return {(r.client, r.priority): r for r in rows}


def test_figures_on_the_scripted_night_are_the_known_ones(db):
    scripted_night(db)
    rows = by_key(review.response_figures(db, actor="morgan", start=START, end=END))
    assert {r.month for r in rows.values()} == {"2026-11"}
    acme_p1 = rows[("acme", "P1")]  # line 3: acked after 9 min; line 1: acked after 5 min
    assert (acme_p1.calls, acme_p1.acked, acme_p1.ack_median_minutes, acme_p1.ack_p90_minutes) == (2, 2, 7.0, 9.0)
    assert (acme_p1.engage_median_minutes, acme_p1.breaches, acme_p1.escalations) == (7.0, 0, 2)
    ehr = rows[("riverside", "P1")]  # received at(10), acked at(47), due at(40): one breach
    assert (ehr.calls, ehr.ack_median_minutes, ehr.breaches) == (1, 37.0, 1)
    harbor = rows[("harbor", "P1")]  # deferred, authorized, acked at(55) from at(35)
    assert (harbor.ack_median_minutes, harbor.escalations, harbor.breaches) == (20.0, 0, 0)
    acme_p4 = rows[("acme", "P4")]  # handled by the dispatcher: engaged at once, never acked
    assert (acme_p4.calls, acme_p4.acked, acme_p4.engage_median_minutes) == (3, 0, 0.0)
    wifi_and_slow = rows[("riverside", "P2")]  # escalated, nobody contacted, dues at(220) and at(420) passed
    assert (wifi_and_slow.calls, wifi_and_slow.acked, wifi_and_slow.breaches) == (2, 0, 2)
    assert rows[("(unmatched)", "-")].calls == 1
    assert sum(r.nobody_to_wake for r in rows.values()) == 0


def test_an_escalation_with_nobody_to_wake_is_counted(db):
    for tech in ("lee", "sam"):  # riverside/ehr's only expert, the night's on-call holder (the fallback)
        record = editing.get_record(db, "technicians", tech)
        away = Unavailability(at(-600), at(600), "sick")
        editing.save_record(db, actor="root", kind="technicians", key=tech, expected_version=record.version,
                            at=FRIDAY_NIGHT, value=dataclasses.replace(record.value, unavailable=(away,)))
    gaps = schedule.coverage_gaps(db, start=at(0), end=at(1))
    recorded = calls.record_call(db, actor="jordan", client="riverside", system="ehr", impact="down",
                                 summary="EHR down", at=at(0))
    rows = by_key(review.response_figures(db, actor="root", start=START, end=END))
    assert recorded.triage.verdict == "escalate" and recorded.triage.wake == ()
    assert any(g.client == "riverside" and g.reason == "nobody eligible" for g in gaps)
    assert (rows[("riverside", "P1")].escalations, rows[("riverside", "P1")].nobody_to_wake) == (1, 1)


def test_figures_csv_has_a_header_and_a_row_each(db):
    scripted_night(db)
    rows = review.response_figures(db, actor="morgan", start=START, end=END)
    parsed = list(csv.DictReader(io.StringIO(review.figures_csv(rows))))
    assert len(parsed) == len(rows)
    assert parsed[0].keys() == set(review.FIGURE_COLUMNS)
    first_acme_p1 = next(p for p in parsed if p["client"] == "acme" and p["priority"] == "P1")
    assert first_acme_p1["ack_median_minutes"] == "7.0"


def test_figures_need_a_manager(db):
    with pytest.raises(NotAllowed, match="reading response figures needs the manager or admin role"):
        review.response_figures(db, actor="dana", start=START, end=END)


def test_what_if_leave_shows_the_gaps_it_would_open_and_saves_nothing(db):
    start, end = FRIDAY_NIGHT + timedelta(days=3), FRIDAY_NIGHT + timedelta(days=5)
    result = review.what_if_leave(db, actor="morgan", tech="lee", start=start, end=end)
    assert result.new_gaps and {(g.client, g.system) for g in result.new_gaps} == {("riverside", "ehr")}
    assert all(start <= g.start < g.end <= end for g in result.new_gaps)
    assert list(result.gaps_before) == schedule.coverage_gaps(db, start=start, end=end)  # nothing saved
    assert editing.get_record(db, "technicians", "lee").version == 1
    with pytest.raises(NotAllowed):
        review.what_if_leave(db, actor="jordan", tech="lee", start=start, end=end)


def test_what_if_override_can_close_gaps(db):
    start, end = FRIDAY_NIGHT + timedelta(days=3), FRIDAY_NIGHT + timedelta(days=5)
    result = review.what_if_override(db, actor="dana", rotation="night-remote", tech="lee", start=start, end=end)
    assert not result.new_gaps or all(g.client for g in result.new_gaps)
    assert len(result.gaps_after) <= len(result.gaps_before) + len(result.new_gaps)


def test_bus_factor_for_all_clients(db):
    lines = review.bus_factor_report(db, actor="morgan")
    assert {(b.client, b.system) for b in lines if b.at_risk} == {("riverside", "ehr")}


def test_stale_runbooks_and_marking_one_reviewed(db):
    record = editing.get_record(db, "runbooks", "acme/bridge-restart")
    editing.save_record(db, actor="dana", kind="runbooks", key="acme/bridge-restart", expected_version=record.version,
                        value=record.value.__class__(**{**record.value.__dict__, "title": "Restart the bridge"}),
                        at=FRIDAY_NIGHT)
    assert review.stale_runbooks(db, at=FRIDAY_NIGHT + timedelta(days=89)) == []
    [stale] = review.stale_runbooks(db, at=FRIDAY_NIGHT + timedelta(days=91))
    assert (stale.client, stale.runbook, stale.due) == ("acme", "bridge-restart", FRIDAY_NIGHT + timedelta(days=90))
    with pytest.raises(NotAllowed):
        review.mark_reviewed(db, actor="jordan", client="acme", runbook="bridge-restart", at=FRIDAY_NIGHT)
    review.mark_reviewed(db, actor="dana", client="acme", runbook="bridge-restart",
                         at=FRIDAY_NIGHT + timedelta(days=91))
    assert review.stale_runbooks(db, at=FRIDAY_NIGHT + timedelta(days=100)) == []
    assert [c.action for c in editing.history(db, "runbooks", "acme/bridge-restart")] == ["updated", "reviewed"]
    assert editing.get_record(db, "runbooks", "acme/bridge-restart").version == record.version + 1


def test_calls_recorded_before_wake_lists_were_kept_are_recomputed(db):
    """Calls from before migration 0005 have no wake_count: their wake list is recomputed."""
    test_an_escalation_with_nobody_to_wake_is_counted(db)
    execute(db, "UPDATE changes SET counter = counter + 1")  # every write bumps the counter first
    execute(db, "UPDATE calls SET wake_count = NULL")
    rows = by_key(review.response_figures(db, actor="root", start=START, end=END))
    assert (rows[("riverside", "P1")].escalations, rows[("riverside", "P1")].nobody_to_wake) == (1, 1)
    skipped = by_key(review.response_figures(db, actor="root", start=START, end=END, nobody_to_wake=False))
    assert skipped[("riverside", "P1")].nobody_to_wake == 0


def test_the_marks_kept_on_each_call_are_its_timelines(db):
    """The stored marks equal timeline.response_marks over the call's events, after every write
    of the scripted night, and migration 0005 computes the same marks for existing calls."""
    scripted_night(db)

    def stored():
        with db.engine.connect() as connection:
            return {row.id: row for row in connection.execute(select(CALLS))}

    def expected(call_id):
        with db.session() as session:
            events = call_rows.load_events(session, call_id)
        return tl.response_marks(events)

    kept = stored()
    assert any(row.first_ack_at for row in kept.values()) and any(row.escalated_at for row in kept.values())
    for call_id, row in kept.items():
        marks = expected(call_id)
        assert (row.first_ack_at, row.first_response_at, row.escalated_at) == (
            marks.first_ack, marks.first_response, marks.escalated), call_id
        if marks.first_ack is not None:
            assert row.ack_seconds == (marks.first_ack - row.received_at).total_seconds()
    before = review.response_figures(db, actor="morgan", start=START, end=END)

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
        command.upgrade(config, "head")
    migrated = stored()
    for call_id, row in kept.items():
        again = migrated[call_id]
        assert (again.first_ack_at, again.first_response_at, again.escalated_at, again.ack_seconds,
                again.engage_seconds) == (row.first_ack_at, row.first_response_at, row.escalated_at,
                                          row.ack_seconds, row.engage_seconds)
        assert again.wake_count is None
    assert review.response_figures(db, actor="morgan", start=START, end=END) == before


def test_months_follow_the_msp_time_zone_and_clip_to_the_range():
    chicago = ZoneInfo("America/Chicago")
    start = datetime(2026, 10, 15, tzinfo=timezone.utc)
    end = datetime(2026, 12, 1, 6, 0, tzinfo=timezone.utc)  # Dec 1 00:00 in Chicago
    months = review.months_between(start, end, chicago)
    assert [m[0] for m in months] == ["2026-10", "2026-11"]
    assert months[0][1] == start and months[1][1] == datetime(2026, 11, 1, 5, 0, tzinfo=timezone.utc)
    assert months[-1][2] == end
