"""The worked examples of shared/examples/EXPECTATIONS.md, through the command line."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dispatch_app.cli.main import main

EXAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "examples"
if not EXAMPLES.exists():  # the copy the product ships
    EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def run(db_url, *argv, expect=0):
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--db", db_url, *argv])
    assert code == expect, (code, err.getvalue(), out.getvalue())
    return out.getvalue(), err.getvalue()


def run_json(db_url, *argv):
    out, _ = run(db_url, *argv, "--json")
    return json.loads(out)


@pytest.fixture
def northwind(db_url):
    run(db_url, "import", str(EXAMPLES / "northwind.yaml"))
    return db_url


@pytest.fixture
def northwind_ical(db_url, tmp_path):
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    run(db_url, "import", str(tmp_path / "examples" / "northwind-ical.yaml"))
    return db_url


def triage(db, *args):
    return run_json(db, "triage", *args, "--as", "jordan")


def techs(result):
    return [w["tech"] for w in result["wake"]]


def test_1_acme_line_down_on_a_holiday_night(northwind):
    r = triage(northwind, "--client", "acme", "--system", "erp-plc", "--impact", "down",
               "--at", "2026-11-28T05:00:00Z")
    assert r["call"] is None
    assert (r["client"], r["system"], r["at"]) == ("acme", "erp-plc", "2026-11-28T05:00:00Z")
    assert (r["priority"], r["emergency"], r["required_level"], r["verdict"]) == ("P1", True, 4, "escalate")
    assert [s["runbook"] for s in r["first_steps"]] == ["bridge-restart"]
    assert techs(r) == ["dana", "lee"]
    assert [w["on_call"] for w in r["wake"]] == [False, False]
    assert all(w["ack_minutes"] == 10 for w in r["wake"])
    assert r["wake"][0]["phones"] == ["+1 312 555 0101"] and r["wake"][0]["name"] == "Dana Reyes"
    assert r["wake"][0]["why"] and all(isinstance(w, str) for w in r["wake"][0]["why"])
    assert r["knowledge_gap"] is False
    assert r["next_covered"] is None and r["authorizers"] == []
    assert r["response_due"] == "2026-11-28T05:15:00Z"
    assert r["reasons"]


def test_2_baker_printer_deferred_to_monday(northwind):
    r = triage(northwind, "--client", "baker", "--system", "printers", "--impact", "single-user",
               "--at", "2026-11-28T08:00:00Z")
    assert (r["priority"], r["verdict"], r["wake"]) == ("P4", "defer", [])
    assert r["next_covered"] == "2026-11-30T14:00:00Z"
    assert r["authorizers"] == [{"name": "Eve Baker", "phone": "+1 312 555 0501", "email": "eve@bakerstone.example"}]
    assert r["response_due"] == "2026-12-02T14:00:00Z"


def test_3_password_reset_is_handled(northwind):
    r = triage(northwind, "--client", "acme", "--system", "m365", "--impact", "single-user",
               "--summary", "user locked out of mail", "--at", "2026-11-28T05:00:00Z")
    assert (r["priority"], r["verdict"], r["wake"]) == ("P4", "handle", [])
    assert [s["runbook"] for s in r["first_steps"]] == ["m365-password"]
    assert r["response_due"] == "2026-11-29T05:00:00Z"


def test_4_riverside_ehr_default_emergency(northwind):
    r = triage(northwind, "--client", "riverside", "--system", "ehr", "--impact", "down",
               "--at", "2026-11-29T09:00:00Z")
    assert (r["priority"], r["emergency"], r["verdict"]) == ("P1", True, "escalate")
    assert techs(r) == ["lee"] and r["wake"][0]["on_call"] is False
    assert r["response_due"] == "2026-11-29T09:30:00Z"


def test_5_harbor_trading_deferred_outside_window(northwind):
    r = triage(northwind, "--client", "harbor", "--system", "trading", "--impact", "down",
               "--at", "2026-11-28T15:00:00Z")
    assert (r["priority"], r["verdict"]) == ("P1", "defer")
    assert r["next_covered"] == "2026-11-30T11:00:00Z"
    assert [a["name"] for a in r["authorizers"]] == ["Ravi Shah"]
    assert r["response_due"] == "2026-11-30T11:30:00Z"


def test_6_the_primary_expert_handles_it(northwind):
    r = run_json(northwind, "triage", "--client", "acme", "--system", "erp-plc", "--impact", "down",
                 "--at", "2026-11-28T05:00:00Z", "--as", "dana")
    assert (r["verdict"], r["wake"]) == ("handle", [])


@pytest.mark.parametrize("at, tech, source", [
    ("2026-11-28T05:00:00Z", "sam", "override"),
    ("2026-11-25T18:00:00Z", None, None),
    ("2026-11-29T09:00:00Z", "alex", "schedule"),
])
def test_7_oncall(northwind, at, tech, source):
    r = run_json(northwind, "oncall", "--at", at)
    assert r["at"] == at
    (night,) = [x for x in r["rotations"] if x["rotation"] == "night-remote"]
    assert (night["tech"], night["source"], night["level"]) == (tech, source, 2)
    assert night["available"] is (None if tech is None else True)


def test_8_gaps_over_christmas(northwind):
    r = run_json(northwind, "gaps", "--from", "2026-12-24T00:00:00Z", "--to", "2026-12-27T00:00:00Z")
    assert (r["from"], r["to"]) == ("2026-12-24T00:00:00Z", "2026-12-27T00:00:00Z")
    assert r["gaps"] == [
        {"client": "acme", "system": "erp-plc", "from": "2026-12-25T00:00:00Z", "to": "2026-12-26T14:00:00Z",
         "reason": "no expert available"},
        {"client": "riverside", "system": "ehr", "from": "2026-12-25T00:00:00Z", "to": "2026-12-25T14:00:00Z",
         "reason": "no expert available"},
        {"client": "riverside", "system": "ehr", "from": "2026-12-25T14:00:00Z", "to": "2026-12-25T23:00:00Z",
         "reason": "nobody eligible"},
        {"client": "riverside", "system": "ehr", "from": "2026-12-25T23:00:00Z", "to": "2026-12-26T14:00:00Z",
         "reason": "no expert available"},
    ]


@pytest.mark.parametrize("at, tech", [
    ("2026-11-27T15:00:00Z", "morgan"),
    ("2026-11-28T15:00:00Z", None),
    ("2026-11-29T15:00:00Z", None),
    ("2026-11-29T17:00:00Z", "dana"),
    ("2026-12-05T14:30:00Z", "lee"),
])
def test_9_oncall_from_icalendar(northwind_ical, at, tech):
    r = run_json(northwind_ical, "oncall", "--at", at)
    rotations = {x["rotation"]: x for x in r["rotations"]}
    assert [x["rotation"] for x in r["rotations"]] == sorted(rotations)
    weekend = rotations["weekend-onsite"]
    assert (weekend["tech"], weekend["source"], weekend["level"]) == (tech, "ical" if tech else None, 3)
    if at == "2026-12-05T14:30:00Z":
        assert rotations["night-remote"]["tech"] == "sam"


def test_10_wifi_escalates_to_the_on_call_people_first(northwind_ical):
    r = triage(northwind_ical, "--client", "riverside", "--system", "wifi", "--impact", "down",
               "--at", "2026-11-29T17:00:00Z")
    assert (r["priority"], r["verdict"]) == ("P2", "escalate")
    assert techs(r) == ["alex", "dana", "lee"]
    assert [w["on_call"] for w in r["wake"]] == [True, True, False]
    assert all(w["ack_minutes"] == 15 for w in r["wake"])
    assert r["response_due"] == "2026-11-29T19:00:00Z"


def test_options_before_or_after_the_subcommand(northwind):
    before = run(northwind, "--json", "--at", "2026-11-28T05:00:00Z", "oncall")[0]
    after = run(northwind, "oncall", "--json", "--at", "2026-11-28T05:00:00Z")[0]
    assert json.loads(before) == json.loads(after)


def test_at_without_offset_is_msp_local(northwind):
    r = run_json(northwind, "oncall", "--at", "2026-11-27T23:00")
    assert r["at"] == "2026-11-28T05:00:00Z"


def test_the_installed_entry_point_runs(tmp_path):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    exe = [sys.executable, "-m", "dispatch_app"]
    done = subprocess.run([*exe, "--db", db, "import", str(EXAMPLES / "northwind.yaml")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    done = subprocess.run([*exe, "--db", db, "--json", "triage", "--client", "acme", "--system", "erp-plc",
                           "--impact", "down", "--at", "2026-11-28T05:00:00Z", "--as", "jordan"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["verdict"] == "escalate"
