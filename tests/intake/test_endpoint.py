"""INTAKE.md from the outside: a real server, a real HTTP client, SQLite and PostgreSQL."""
from __future__ import annotations

import json
import logging

import httpx
import pytest
from sqlalchemy import text

from dispatch_app.services import calls, intake as intake_service
from dispatch_app.services.intake import AlertLabels, BadRequest, parse_alertmanager

SHAPE = {"id", "priority", "verdict", "unmatched"}


def post(intake, path="/v1/calls", token="default", **kwargs) -> httpx.Response:
    with intake.client(token) as client:
        return client.post(path, **kwargs)


def timeline(intake, call_id):
    return calls.call_view(intake.db, call_id, at=intake_service.now()).events


# ---------------------------------------------------------------- POST /v1/calls


def test_a_call_is_stored_and_answered_201_with_its_triage(intake):
    answer = post(intake, json={"summary": "line 3 stopped", "client": "acme", "system": "erp-plc",
                                "impact": "down", "caller_name": "Pat", "source": "phone-system"})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert set(body) == SHAPE
    assert body["priority"] == "P1" and body["verdict"] in ("handle", "escalate", "defer")
    assert body["unmatched"] is False
    view = calls.call_view(intake.db, body["id"], at=intake_service.now())
    assert (view.call.client, view.call.system, view.call.impact, view.call.source) == (
        "acme", "erp-plc", "down", "phone-system")
    assert view.triage.verdict == body["verdict"]  # the anonymous dispatcher's
    assert [e.kind for e in view.events][:2] == ["created", "priority"]


def test_the_caller_phone_finds_the_client(intake):
    answer = post(intake, json={"summary": "bridge is down", "caller_phone": "(312) 555-0201"})
    assert answer.status_code == 201
    call = calls.call_view(intake.db, answer.json()["id"], at=intake_service.now()).call
    assert (call.client, call.contact, call.unmatched) == ("acme", "Pat Lee", False)


def test_an_unknown_client_is_stored_unmatched(intake):
    answer = post(intake, json={"summary": "server room alarm", "client": "nobody-we-know", "system": "x"})
    assert answer.status_code == 201
    body = answer.json()
    assert body["unmatched"] is True and body["priority"] is None and body["verdict"] is None
    first = timeline(intake, body["id"])[0]
    assert first.data["unknown_client"] == "nobody-we-know" and first.data["unknown_system"] == "x"
    assert calls.queue(intake.db, at=intake_service.now(), open_only=True)[0].id == body["id"]


def test_an_unknown_system_of_a_known_client_is_left_empty_and_kept_in_the_first_event(intake):
    answer = post(intake, json={"summary": "scanner dead", "client": "acme", "system": "scanner-9"})
    assert answer.status_code == 201 and answer.json()["unmatched"] is False
    view = calls.call_view(intake.db, answer.json()["id"], at=intake_service.now())
    assert view.call.system is None and view.events[0].data["unknown_system"] == "scanner-9"


def test_the_same_external_id_twice_makes_one_call(intake):
    body = {"summary": "ticket 4711", "client": "baker", "external_id": "pbx-4711"}
    first, second = post(intake, json=body), post(intake, json={**body, "summary": "changed text"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json() == first.json()
    assert intake.count() == 1


# ---------------------------------------------------------------- bad input: every row of the table


BIG = {"summary": "x" * 100, "pad": "y" * (256 * 1024)}
BAD = [
    pytest.param(b"{not json", "body", id="not-json"),
    pytest.param(b"\xff\xfe{}", "body", id="not-utf8"),
    pytest.param(b"[1, 2]", "body", id="not-an-object"),
    pytest.param(b"", "body", id="empty-body"),
    pytest.param(json.dumps({"client": "acme"}).encode(), "summary", id="missing-summary"),
    pytest.param(json.dumps({"summary": 5}).encode(), "summary", id="summary-not-text"),
    pytest.param(json.dumps({"summary": "   "}).encode(), "summary", id="summary-empty"),
    pytest.param(json.dumps({"summary": "x" * 2001}).encode(), "summary", id="summary-2001"),
    pytest.param(json.dumps({"summary": "ok", "client": 7}).encode(), "client", id="client-not-text"),
    pytest.param(json.dumps({"summary": "ok", "caller_phone": ["1"]}).encode(), "caller_phone", id="phone-list"),
    pytest.param(json.dumps({"summary": "ok", "system": True}).encode(), "system", id="system-bool"),
    pytest.param(json.dumps({"summary": "ok", "external_id": 1}).encode(), "external_id", id="external-id-number"),
    pytest.param(json.dumps({"summary": "ok", "impact": "meltdown"}).encode(), "impact", id="unknown-impact"),
    pytest.param(json.dumps({"summary": "ok", "impact": 3}).encode(), "impact", id="impact-number"),
    pytest.param(json.dumps({"summary": "a\u0000b"}).encode(), "summary", id="nul-character"),
    pytest.param(b'{"summary": "\\ud800"}', "summary", id="lone-surrogate"),
    pytest.param(b"[" * 100_000 + b"]" * 100_000, "body", id="nested-deeply"),
]


@pytest.mark.parametrize("body, field", BAD)
def test_a_bad_body_is_refused_400_naming_the_field_and_nothing_is_stored(intake, body, field):
    answer = post(intake, content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"].startswith(f"{field}:")
    assert intake.count() == 0 and intake.count("call_events") == 0


def test_a_body_over_256_kib_is_refused_413(intake):
    answer = post(intake, json=BIG)
    assert answer.status_code == 413 and "256 KiB" in answer.json()["error"]

    def chunks():  # no Content-Length: the size is counted as it arrives
        yield b'{"summary": "streamed", "pad": "'
        for _ in range(300):
            yield b"z" * 1024
        yield b'"}'

    streamed = post(intake, content=chunks())
    assert streamed.status_code == 413
    assert intake.count() == 0


def test_a_body_of_exactly_256_kib_is_taken(intake):
    head = b'{"summary": "at the limit", "pad": "'
    body = head + b"p" * (256 * 1024 - len(head) - 2) + b'"}'
    assert len(body) == 256 * 1024
    assert post(intake, content=body).status_code == 201


# ---------------------------------------------------------------- the token


@pytest.mark.parametrize("path", ["/v1/calls", "/v1/alertmanager"])
def test_a_missing_or_wrong_token_is_refused_401_and_nothing_is_stored(intake, path):
    good = {"summary": "down", "client": "acme", "version": "4", "alerts": []}
    for token in (None, "wrong", intake.token + "x", intake.token[:-1]):
        answer = post(intake, path, token=token, json=good)
        assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"
        assert intake.token not in answer.text
    answer = post(intake, path, token=None, json=good, headers={"Authorization": f"Basic {intake.token}"})
    assert answer.status_code == 401
    assert intake.count() == 0


def test_health_needs_no_token(intake):
    answer = httpx.get(f"{intake.url}/v1/health")
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}


def test_the_token_goes_to_no_log_no_answer_and_not_the_database(intake, caplog):
    caplog.set_level(logging.DEBUG)
    post(intake, json={"summary": "hello", "client": "acme"})
    post(intake, token="wrong", json={"summary": "hello"})
    post(intake, content=b"nope")
    assert intake.token not in caplog.text
    with intake.db.engine.connect() as connection:
        for table in ("calls", "call_events", "changes"):
            for row in connection.execute(text(f"SELECT * FROM {table}")):
                assert intake.token not in repr(tuple(row))


def test_unknown_paths_and_methods_answer_json(intake):
    with intake.client() as client:
        assert client.get("/v1/nothing").status_code == 404
        assert "error" in client.get("/v1/nothing").json()
        wrong = client.get("/v1/calls")
        assert wrong.status_code == 405 and "error" in wrong.json()


# ---------------------------------------------------------------- Alertmanager


def alertmanager(status: str, *alerts: dict) -> dict:
    return {"version": "4", "groupKey": "{}:{}", "status": status, "receiver": "dispatch",
            "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://am",
            "alerts": list(alerts)}


def alert(fingerprint: str, status: str = "firing", **labels: str) -> dict:
    annotations = labels.pop("annotations", {})
    return {"status": status, "labels": {"alertname": "PlcBridgeDown", **labels}, "annotations": annotations,
            "startsAt": "2026-11-28T05:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prom", "fingerprint": fingerprint}


def test_alertmanager_firing_then_resolved_updates_one_call_and_does_not_close_it(intake):
    bridge = alert("a1b2", client="acme", system="erp-plc", severity="critical",
                   annotations={"summary": "PLC bridge down", "description": "no heartbeat"})
    disk = alert("c3d4", client="baker", severity="warning", annotations={"description": "disk 91% full"})
    stranger = alert("e5f6", client="unknown-co")
    first = post(intake, "/v1/alertmanager", json=alertmanager("firing", bridge, disk, stranger))
    assert first.status_code == 200, first.text
    ids = first.json()["calls"]
    assert len(set(ids)) == 3
    views = [calls.call_view(intake.db, i, at=intake_service.now()) for i in ids]
    assert [(v.call.client, v.call.system, v.call.impact, v.call.summary) for v in views] == [
        ("acme", "erp-plc", "down", "PLC bridge down"), ("baker", None, "degraded", "disk 91% full"),
        (None, None, "degraded", "PlcBridgeDown")]
    assert views[2].call.unmatched and views[0].call.source == "alertmanager"
    events_before = intake.count("call_events")

    again = post(intake, "/v1/alertmanager", json=alertmanager("firing", bridge, disk, stranger))
    assert again.json() == {"calls": ids} and intake.count("call_events") == events_before  # a repeat adds nothing

    bridge_resolved = {**bridge, "status": "resolved", "endsAt": "2026-11-28T05:20:00Z"}
    resolved = post(intake, "/v1/alertmanager", json=alertmanager("resolved", bridge_resolved))
    assert resolved.json() == {"calls": ids[:1]}
    view = calls.call_view(intake.db, ids[0], at=intake_service.now())
    assert view.call.status != "resolved"
    assert view.events[-1].kind == "alert" and view.events[-1].data["state"] == "resolved"
    assert intake.count() == 3

    refired = post(intake, "/v1/alertmanager", json=alertmanager("firing", bridge))
    assert refired.json() == {"calls": ids[:1]}  # still open: the same call
    assert timeline(intake, ids[0])[-1].data["state"] == "firing"


def test_alertmanager_bad_payloads_are_refused_naming_the_field(intake):
    for body, field in ((alertmanager("firing") | {"version": "3"}, "version"),
                        ({"version": "4"}, "alerts"),
                        (alertmanager("firing", "x"), "alerts[0]"),
                        (alertmanager("firing", {"labels": {"a": 1}}), "alerts[0].labels"),
                        (alertmanager("firing", {"status": "odd", "labels": {"alertname": "x"}}), "alerts[0].status"),
                        (alertmanager("firing", {"labels": {}}), "alerts[0]")):
        answer = post(intake, "/v1/alertmanager", json=body)
        assert answer.status_code == 400 and answer.json()["error"].startswith(f"{field}"), answer.text
    assert post(intake, "/v1/alertmanager", json=alertmanager("firing")).json() == {"calls": []}
    assert intake.count() == 0


def test_alert_label_names_are_configurable():
    body = json.dumps(alertmanager("firing", alert("f1", customer="acme", service="erp", impact="request",
                                                   severity="critical"))).encode()
    labels = AlertLabels.from_environment({"DISPATCH_INTAKE_CLIENT_LABEL": "customer"}, system="service")
    [parsed] = parse_alertmanager(body, labels)
    assert (parsed.call.client, parsed.call.system, parsed.call.impact) == ("acme", "erp", "request")
    assert parsed.call.external_id == "alertmanager:f1:2026-11-28T05:00:00Z"
    with pytest.raises(BadRequest, match="version"):
        parse_alertmanager(b'{"version": 4, "alerts": []}')
