"""Calls, shifts, handoff and verify through the command line, on SQLite and PostgreSQL."""
from __future__ import annotations

import contextlib
import io
import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before pytest-qt makes the application

import pytest  # noqa: E402

from dispatch_app.cli.main import main  # noqa: E402
from night import calls_db, calls_url, scripted_night  # noqa: F401, E402 - fixtures


@pytest.fixture
def db(calls_db):
    """Calls and shifts only: the fast shared database (night.calls_url)."""
    return calls_db

NIGHT = "2026-11-28T05:00:00Z"


def run(url, *argv, expect=0):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["--db", url, *argv])
        except SystemExit as exit_:  # argparse refusals
            code = exit_.code
    assert code == expect, (code, err.getvalue(), out.getvalue())
    return out.getvalue(), err.getvalue()


def run_json(url, *argv):
    return json.loads(run(url, *argv, "--json")[0])


def add(url, *argv, when=NIGHT):
    return run_json(url, "call", "add", "--at", when, "--as", "jordan", *argv)


def test_call_add_prints_the_id_or_the_call_and_its_triage(calls_url):
    out, _ = run(calls_url, "call", "add", "--client", "acme", "--system", "erp-plc", "--impact", "down",
                 "--summary", "line 3 stopped", "--at", NIGHT, "--as", "jordan")
    assert out.split()[0] == "1" and "P1" in out
    recorded = add(calls_url, "--caller-phone", "(312) 555-0201", "--summary", "bridge down", "--impact", "down",
                   "--caller-name", "Pat", "--external-id", "pbx-7")
    assert set(recorded) == {"call", "triage", "created"} and recorded["created"] is True
    call = recorded["call"]
    assert (call["id"], call["client"], call["contact"], call["caller_phone"]) == (2, "acme", "Pat Lee", "+13125550201")
    assert (call["status"], call["priority"], call["received_at"]) == ("escalating", "P3", NIGHT)
    assert recorded["triage"]["call"] == 2 and recorded["triage"]["verdict"] == "escalate"
    again = add(calls_url, "--caller-phone", "(312) 555-0201", "--summary", "bridge down", "--external-id", "pbx-7")
    assert again["created"] is False and again["call"]["id"] == 2
    stranger = add(calls_url, "--caller-phone", "+44 20 7946 0000", "--summary", "hello?")
    assert stranger["call"]["unmatched"] is True and stranger["triage"] is None
    out, _ = run(calls_url, "call", "add", "--caller-phone", "555 0199", "--summary", "hm", "--at", NIGHT)
    assert "UNMATCHED" in out


def test_the_queue_and_a_recorded_triage(calls_url):
    add(calls_url, "--client", "acme", "--system", "erp", "--summary", "ERP slow")
    add(calls_url, "--client", "acme", "--system", "erp-plc", "--impact", "down", "--summary", "line down",
        when="2026-11-28T05:10:00Z")
    add(calls_url, "--caller-phone", "+1 415 555 0000", "--summary", "alarm", when="2026-11-28T05:20:00Z")
    add(calls_url, "--client", "acme", "--system", "m365", "--summary", "mail")
    run(calls_url, "resolve", "4", "--note", "done", "--at", "2026-11-28T05:30:00Z")
    queue = run_json(calls_url, "calls", "--open")
    assert [c["id"] for c in queue["calls"]] == [3, 2, 1]
    assert all(list(c) == ["id", "client", "system", "summary", "priority", "status", "received_at", "response_due"]
               for c in queue["calls"])
    assert queue["calls"][1] == {"id": 2, "client": "acme", "system": "erp-plc", "summary": "line down",
                                 "priority": "P1", "status": "escalating", "received_at": "2026-11-28T05:10:00Z",
                                 "response_due": "2026-11-28T05:25:00Z"}
    assert [c["id"] for c in run_json(calls_url, "calls")["calls"]] == [3, 2, 1, 4]
    out, _ = run(calls_url, "calls", "--open", "--at", "2026-11-28T06:00:00Z")
    assert out.splitlines()[0].startswith("#3") and "UNMATCHED" in out and "OVERDUE" in out

    triage = run_json(calls_url, "triage", "2", "--at", "2026-11-28T05:12:00Z", "--as", "jordan")
    assert (triage["call"], triage["verdict"], triage["status"]) == (2, "escalate", "escalating")
    assert triage["response_due"] == "2026-11-28T05:25:00Z"
    assert [w["tech"] for w in triage["wake"]] == ["dana", "lee"]
    assert triage["escalation"]["next"]["tech"] == "dana" and triage["escalation"]["tried"] == []
    out, _ = run(calls_url, "triage", "2", "--at", "2026-11-28T05:12:00Z")
    assert out.startswith("ESCALATE") and "Status: escalating" in out
    _, err = run(calls_url, "triage", "3", expect=2)
    assert "assign" in err and len(err.strip().splitlines()) == 1


def test_working_a_call_from_the_command_line(calls_url):
    url = calls_url
    add(url, "--client", "baker", "--system", "printers", "--impact", "single-user", "--summary", "printer jam",
        when="2026-11-28T08:00:00Z")
    note = run_json(url, "note", "1", "partner needs it for a filing", "--at", "2026-11-28T08:01:00Z")
    assert note["call"] == 1 and note["events"][0]["kind"] == "note"
    authorized = run_json(url, "authorize", "1", "--contact", "Eve Baker", "--at", "2026-11-28T08:05:00Z")
    assert authorized["status"] == "escalating"
    attempt = run_json(url, "attempt", "1", "--tech", "sam", "--outcome", "no-answer", "--channel", "sms",
                       "--at", "2026-11-28T08:06:00Z", "--as", "jordan")
    assert attempt["escalation"]["awaiting"] == "sam" and attempt["escalation"]["tried"][0]["channel"] == "sms"
    out, _ = run(url, "attempt", "1", "--tech", "alex", "--outcome", "acked", "--at", "2026-11-28T08:20:00Z")
    assert "now engaged" in out and "alex" in out
    priority = run_json(url, "priority", "1", "P3", "--why", "filing at 9", "--at", "2026-11-28T08:21:00Z",
                        "--as", "jordan")
    assert priority["events"][0]["data"] == {"priority": "P3", "override": True, "by": "jordan", "why": "filing at 9"}
    _, err = run(url, "resolve", "1", "--note", "cleared", "--at", "2026-11-28T08:40:00Z", expect=2)
    assert "--runbook-change" in err
    out, _ = run(url, "resolve", "1", "--note", "cleared the jam", "--runbook-change", "yes",
                 "--at", "2026-11-28T08:40:00Z")
    assert "resolved" in out
    requests = run_json(url, "runbook-requests", "--as", "dana")
    assert [(r["call"], r["resolved_by"], r["state"]) for r in requests["requests"]] == [(1, "alex", "open")]
    run(url, "runbook-requests", "--close", "1", "--note", "added jam steps", "--as", "dana")
    assert run_json(url, "runbook-requests", "--as", "dana") == {"requests": []}

    add(url, "--caller-phone", "+1 415 555 0000", "--summary", "alarm")
    assigned = run_json(url, "assign", "2", "--client", "acme", "--system", "erp", "--at", "2026-11-28T05:05:00Z")
    assert assigned["status"] == "escalating" and [e["kind"] for e in assigned["events"]] == [
        "assigned", "priority", "status"]
    status = run_json(url, "status", "2", "deferred", "--until", "2026-11-28T14:00:00Z", "--why", "plant closed")
    assert status["status"] == "deferred" and status["events"][0]["data"]["until"] == "2026-11-28T14:00:00Z"
    show = run_json(url, "call", "show", "1", "--at", "2026-11-28T09:00:00Z")
    assert [e["kind"] for e in show["events"]] == [
        "created", "priority", "status", "note", "authorization", "status", "attempt", "attempt", "status",
        "priority", "resolution", "status", "note"]
    assert show["call"]["status"] == "resolved" and show["escalation"]["engaged_by"] == "alex"
    out, _ = run(url, "call", "show", "1")
    assert "Timeline:" in out and "authorization" in out


@pytest.mark.parametrize("argv, words", [
    (["attempt", "99", "--tech", "dana", "--outcome", "acked"], ["no call 99"]),
    (["attempt", "1", "--tech", "ghost", "--outcome", "acked"], ["ghost"]),
    (["attempt", "1", "--tech", "dana", "--outcome", "maybe"], ["--outcome", "maybe"]),
    (["resolve", "1"], ["--note"]),
    (["priority", "1", "P9", "--why", "x"], ["P9"]),
    (["priority", "1", "P1"], ["--why"]),
    (["status", "1", "new"], ["cannot become new"]),
    (["status", "1", "resolved"], ["resolve it with a note"]),
    (["authorize", "1", "--contact", "Mallory"], ["Mallory"]),
    (["assign", "1", "--client", "baker"], ["already belongs"]),
    (["runbook-requests", "--as", "jordan"], ["lead or admin role", "jordan"]),
    (["note", "1", "hi", "--as", "nobody"], ["'nobody' has no role"]),
    (["call", "add", "--summary", "x"], ["--client", "--caller-phone"]),
    (["call", "add", "--client", "nope", "--summary", "x"], ["nope"]),
    (["call", "add", "--client", "acme", "--summary", " "], ["summary"]),
    (["call", "add", "--client", "acme"], ["--summary"]),
    (["call", "show"], ["CALL_ID"]),
    (["triage", "abc"], ["abc"]),
    (["shift", "start"], ["--as"]),
    (["shift", "end", "--as", "jordan"], ["no shift running"]),
    (["handoff", "99"], ["no shift 99"]),
    (["handoff"], ["SHIFT_ID"]),
    (["handoff", "1", "--from", "2026-11-28T00:00Z", "--to", "2026-11-28T01:00Z"], ["not both"]),
    (["handoff", "acknowledge"], ["SHIFT_ID"]),
    (["handoff", "review", "1", "--as", "jordan"], ["manager or admin role"]),
    (["handoff", "--from", "2026-11-28T02:00Z", "--to", "2026-11-28T01:00Z"], ["--to"]),
])
def test_bad_input_is_one_line_and_exit_2(calls_url, argv, words):
    add(calls_url, "--client", "acme", "--system", "erp-plc", "--impact", "down", "--summary", "down")
    out, err = run(calls_url, *argv, expect=2)
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    for word in words:
        assert word in err, err
    assert out == ""


def test_shifts_and_the_handoff_in_every_format(db, calls_url, tmp_path, qapp):
    """``qapp``: the PDF needs a Qt application; pytest-qt's, so later Qt tests can share it."""
    from pypdf import PdfReader

    url = calls_url
    started = run_json(url, "shift", "start", "--as", "alex", "--at", "2026-11-29T04:00:00Z")
    assert started["dispatcher"] == "alex" and started["end"] is None
    run(url, "shift", "note", "nothing yet", "--as", "alex", "--at", "2026-11-29T05:00:00Z")
    ended = run_json(url, "shift", "end", "--as", "alex", "--at", "2026-11-29T12:00:00Z")
    assert ended["issued_at"] == "2026-11-29T12:00:00Z" and ended["notes"] == ["nothing yet"]

    ids = scripted_night(db)
    shift = str(ids["shift"])
    listed = run_json(url, "shift", "list")["shifts"]
    assert [s["id"] for s in listed] == [1, ids["shift"]]
    out, _ = run(url, "handoff", shift)
    assert out.startswith("# Handoff: shift 2, Jordan Price") and "| calls received | 11 |" in out
    assert "| response-due breaches | 3 |" in out and "Riverside Wi-Fi: vendor ticket 4471" in out
    run(url, "handoff", shift, "--format", "html", "-o", str(tmp_path / "h.html"))
    assert "<h2>Response-due breaches</h2>" in (tmp_path / "h.html").read_text()
    document = run_json(url, "handoff", shift)
    assert document["figures"]["received"] == 11 and document["handoff"]["issued_at"] == "2026-11-28T12:00:00Z"
    adhoc = run_json(url, "handoff", "--from", "2026-11-28T04:00:00Z", "--to", "2026-11-28T06:00:00Z",
                     "--at", "2026-11-29T00:00:00Z")
    assert adhoc["shift"]["id"] == 0 and adhoc["figures"]["received"] == 5

    _, err = run(url, "handoff", "acknowledge", shift, "--as", "jordan", expect=2)
    assert "incoming dispatcher" in err
    run(url, "handoff", "acknowledge", shift, "--as", "sam", "--comment", "taking over")
    reviewed = run_json(url, "handoff", "review", shift, "--as", "morgan", "--comment", "chase the Wi-Fi vendor")
    assert reviewed["acknowledged_by"] == "sam" and reviewed["reviews"][0]["comment"] == "chase the Wi-Fi vendor"

    pdf = tmp_path / "handoff.pdf"
    run(url, "handoff", shift, "--format", "pdf", "-o", str(pdf))
    reader = PdfReader(pdf)
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert 1 <= len(reader.pages) <= 4
    assert "Handoff: shift 2, Jordan Price" in text and f"page 1 of {len(reader.pages)}" in text
    for words in ("calls received", "Response-due breaches", "trading desk dark", "Acme restarts line 3"):
        assert words in text

    out, err = run(url, "verify")
    assert out.startswith("All chains hold") and err == ""
    checked = run_json(url, "verify")["checked"]
    assert checked == {"calls": 14, "events": checked["events"], "shifts": 2, "handoff_records": 7,
                       "record_entries": checked["events"] + 2 + 7}
