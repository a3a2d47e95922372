"""``report``, ``runbooks --stale`` and ``history`` through the command line."""
from __future__ import annotations

import dataclasses

from dispatch_app.services import editing
from night import FRIDAY_NIGHT, db, northwind_url, scripted_night  # noqa: F401 - fixtures
from test_calls_cli import run, run_json

RANGE = ("--from", "2026-11-27T00:00:00Z", "--to", "2026-11-29T00:00:00Z")


def test_report_figures_json_csv_and_roles(northwind_url, db, tmp_path):
    scripted_night(db)
    document = run_json(northwind_url, "report", "figures", *RANGE, "--as", "morgan")
    acme_p1 = next(r for r in document["rows"] if r["client"] == "acme" and r["priority"] == "P1")
    assert (acme_p1["calls"], acme_p1["ack_median_minutes"], acme_p1["ack_p90_minutes"]) == (2, 7.0, 9.0)
    target = tmp_path / "figures.csv"
    out, _ = run(northwind_url, "report", "figures", *RANGE, "--as", "morgan", "--csv", str(target))
    assert "acme" in out and target.read_text().startswith("client,priority,month,calls")
    _, err = run(northwind_url, "report", "figures", *RANGE, "--as", "jordan", expect=2)
    assert "needs the manager or admin role" in err


def test_report_bus_factor_and_what_if_leave(northwind_url):
    document = run_json(northwind_url, "report", "bus-factor", "--as", "morgan")
    assert [(s["client"], s["system"]) for s in document["systems"] if s["at_risk"]] == [("riverside", "ehr")]
    document = run_json(northwind_url, "report", "what-if-leave", "--tech", "lee", "--from", "2026-12-01T00:00",
                        "--to", "2026-12-03T00:00", "--as", "morgan")
    assert document["new_gaps"] and {g["system"] for g in document["new_gaps"]} == {"ehr"}
    gaps = run_json(northwind_url, "gaps", "--from", "2026-12-01T00:00", "--to", "2026-12-03T00:00")["gaps"]
    assert [(g["client"], g["system"], g["from"], g["to"]) for g in document["gaps_before"]] == \
        [(g["client"], g["system"], g["from"], g["to"]) for g in gaps]


def test_runbooks_stale_and_history(northwind_url, db):
    record = editing.get_record(db, "technicians", "lee")
    editing.save_record(db, actor="dana", kind="technicians", key="lee", expected_version=record.version,
                        value=dataclasses.replace(record.value, name="Lee Chen-Ito"), at=FRIDAY_NIGHT)
    document = run_json(northwind_url, "history", "technicians", "lee")
    assert document["changes"] == [{"action": "updated", "version": 2, "by": "dana", "at": "2026-11-28T05:00:00Z",
                                    "diff": {"name": ["Lee Chen", "Lee Chen-Ito"]}}]
    stale = run_json(northwind_url, "runbooks", "--stale", "--at", "2030-01-01T00:00")["stale"]
    assert [s["runbook"] for s in stale] == ["bridge-restart"]
    run(northwind_url, "runbooks", "reviewed", "acme/bridge-restart", "--as", "dana", "--at", "2030-01-01T00:00")
    assert run_json(northwind_url, "runbooks", "--stale", "--at", "2030-01-02T00:00")["stale"] == []
