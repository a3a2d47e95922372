"""Hard cases of our own, worked by hand from DOMAIN.md, through the command line.

The bundle is ``bundles/tricky.yaml``; its comments say what each part exercises.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_examples import run, run_json

BUNDLE = Path(__file__).with_name("bundles") / "tricky.yaml"


@pytest.fixture
def tricky(db_url):
    run(db_url, "import", str(BUNDLE))
    return db_url


def holders(db, at):
    return {r["rotation"]: (r["tech"], r["source"], r["available"])
            for r in run_json(db, "oncall", "--at", at)["rotations"]}


@pytest.mark.parametrize("at, expected", [
    # the weekly handoff stays at 08:00 local across the spring-forward change (13:00Z, not 14:00Z)
    ("2026-03-09T12:59:59Z", ("ana", "schedule", True)),
    ("2026-03-09T13:00:00Z", ("ben", "schedule", True)),
    # overlapping overrides: the one listed last wins where they overlap
    ("2026-03-10T20:00:00Z", ("ana", "override", True)),
    ("2026-03-11T02:00:00Z", ("cy", "override", True)),
    ("2026-03-11T06:00:00Z", ("ben", "schedule", True)),
])
def test_weekly_rotation_and_overrides(tricky, at, expected):
    assert holders(tricky, at)["nights"] == expected


def test_a_twelve_hour_rotation_is_exact_and_leave_leaves_a_hole(tricky):
    # 61 hours after 02:00Z on 7 March: period 5, Dee, who is off sick that day
    assert holders(tricky, "2026-03-09T15:00:00Z")["days"] == ("dee", "schedule", False)
    assert holders(tricky, "2026-03-09T13:30:00Z")["days"] == ("cy", "schedule", True)


def test_a_system_without_experts_falls_back_with_a_knowledge_gap(tricky):
    r = run_json(tricky, "triage", "--client", "plant", "--system", "line", "--impact", "down",
                 "--at", "2026-03-09T13:30:00Z", "--as", "disp")
    assert (r["priority"], r["required_level"], r["verdict"]) == ("P1", 4, "escalate")
    assert [w["tech"] for w in r["wake"]] == ["ben", "cy"]
    assert [w["on_call"] for w in r["wake"]] == [True, True]
    assert r["knowledge_gap"] is True
    assert r["response_due"] == "2026-03-09T14:00:00Z"


def test_a_window_that_wraps_the_week_covers_friday_night(tricky):
    r = run_json(tricky, "triage", "--client", "plant", "--system", "mes", "--impact", "degraded",
                 "--at", "2026-03-07T03:00:00Z", "--as", "disp")
    assert (r["priority"], r["verdict"]) == ("P3", "escalate")
    assert [w["tech"] for w in r["wake"]] == ["ana", "cy", "ben"]
    assert [w["on_call"] for w in r["wake"]] == [True, True, False]
    assert {w["ack_minutes"] for w in r["wake"]} == {30}
    assert r["response_due"] == "2026-03-07T11:00:00Z"


def test_outside_the_wrapping_window_the_call_waits_for_friday(tricky):
    r = run_json(tricky, "triage", "--client", "plant", "--system", "mes", "--impact", "degraded",
                 "--at", "2026-03-10T12:00:00Z", "--as", "disp")
    assert (r["verdict"], r["wake"]) == ("defer", [])
    assert r["next_covered"] == "2026-03-13T23:00:00Z"
    assert r["authorizers"] == [{"name": "Owner Olga", "phone": "+1 312 555 0100", "email": None}]
    assert r["response_due"] == "2026-03-14T07:00:00Z"


def test_the_expert_is_woken_though_someone_else_holds_the_rotation(tricky):
    r = run_json(tricky, "triage", "--client", "plant", "--system", "scada", "--impact", "down",
                 "--at", "2026-03-09T15:00:00Z", "--as", "disp")
    assert [(w["tech"], w["on_call"]) for w in r["wake"]] == [("cy", False)]
    assert r["knowledge_gap"] is False


def test_gaps_for_the_system_nobody_knows(tricky):
    r = run_json(tricky, "gaps", "--from", "2026-03-09T00:00:00Z", "--to", "2026-03-09T06:00:00Z")
    assert r["gaps"] == [{"client": "plant", "system": "line", "from": "2026-03-09T00:00:00Z",
                          "to": "2026-03-09T06:00:00Z", "reason": "no expert available"}]
