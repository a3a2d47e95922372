"""Opsgenie's Alert API and PagerDuty's Events API v2 on the intake, from the outside: a real
server, a real HTTP client, bodies as the vendors document them (tests/intake/vendor/)."""
from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx
import pytest

from dispatch_app.services import alert_apis, calls, intake as intake_service, intake_keys

VENDOR = Path(__file__).parent / "vendor"


def vendor(name: str, **changes) -> dict:
    return json.loads((VENDOR / name).read_text()) | changes


def genie(intake, path, key="default", headers=None, **kwargs) -> httpx.Response:
    key = intake.token if key == "default" else key
    headers = ({"Authorization": f"GenieKey {key}"} if key else {}) | (headers or {})
    with httpx.Client(base_url=intake.url, timeout=30) as client:
        return client.post(path, headers=headers, **kwargs)


def enqueue(intake, body, routing_key="default") -> httpx.Response:
    if routing_key is not None:
        body = body | {"routing_key": intake.token if routing_key == "default" else routing_key}
    with httpx.Client(base_url=intake.url, timeout=30) as client:
        return client.post("/v2/enqueue", json=body)


def call_ids(intake) -> list[int]:
    from sqlalchemy import text
    with intake.db.engine.connect() as connection:
        return list(connection.execute(text("SELECT id FROM calls ORDER BY id")).scalars())


def view(intake, call_id):
    return calls.call_view(intake.db, call_id, at=intake_service.now())


def alert_events(intake, call_id):
    return [e for e in view(intake, call_id).events if e.kind == "alert"]


def check_opsgenie_accepted(answer: httpx.Response) -> None:
    assert answer.status_code == 202, answer.text
    document = answer.json()
    assert document["result"] == "Request will be processed"
    assert isinstance(document["took"], float) and uuid.UUID(document["requestId"])
    assert answer.headers["X-Request-ID"] == document["requestId"]


# ---------------------------------------------------------------- Opsgenie


def test_opsgenie_create_repeat_acknowledge_close_is_one_call(intake):
    body = vendor("opsgenie_create_alert.json", tags=["OverwriteQuietHours", "Critical", "client:acme"],
                  details={"key1": "value1", "system": "erp-plc"})
    check_opsgenie_accepted(genie(intake, "/v2/alerts", json=body))
    [call_id] = call_ids(intake)
    call = view(intake, call_id).call
    assert (call.client, call.system, call.impact, call.summary, call.source) == (
        "acme", "erp-plc", "down", "An example alert message", "opsgenie")
    assert not call.unmatched and call.priority == "P1"

    check_opsgenie_accepted(genie(intake, "/v2/alerts", json=body))  # a repeat: the same call, no new event
    assert call_ids(intake) == [call_id] and alert_events(intake, call_id) == []

    alias = body["alias"]
    check_opsgenie_accepted(genie(intake, f"/v2/alerts/{alias}/acknowledge", params={"identifierType": "alias"},
                                  json=vendor("opsgenie_close_alert.json")))
    check_opsgenie_accepted(genie(intake, f"/v2/alerts/{alias}/close", params={"identifierType": "alias"},
                                  json=vendor("opsgenie_close_alert.json")))
    events = alert_events(intake, call_id)
    assert [(e.data["state"], e.data["alias"], e.data["source"]) for e in events] == [
        ("acknowledged", alias, "opsgenie"), ("resolved", alias, "opsgenie")]
    assert events[0].data["user"] == "Monitoring Script" and events[1].data["text"] == "Action executed via Alert API"
    assert view(intake, call_id).call.status != "resolved"  # as for Alertmanager: the dispatcher resolves
    assert call_ids(intake) == [call_id]


def test_opsgenie_priorities_map_to_impacts_and_an_unknown_client_is_unmatched(intake):
    for priority, impact in (("P2", "degraded"), ("P3", "degraded"), ("P4", "request"), ("P5", "request")):
        check_opsgenie_accepted(genie(intake, "/v2/alerts", json={"message": f"m {priority}", "alias": priority,
                                                                  "priority": priority, "tags": ["client:nobody"]}))
    views = [view(intake, i).call for i in call_ids(intake)]
    assert [c.impact for c in views] == ["degraded", "degraded", "request", "request"]
    assert all(c.unmatched and c.client is None for c in views)


def test_opsgenie_close_of_an_unknown_alias_changes_nothing(intake):
    answer = genie(intake, "/v2/alerts/never-seen/close", params={"identifierType": "alias"})
    check_opsgenie_accepted(answer)
    assert intake.count() == 0


@pytest.mark.parametrize("body, field", [
    ({"alias": "x"}, "message"),
    ({"message": "m", "priority": "P9"}, "priority"),
    ({"message": "m", "tags": "client:acme"}, "tags"),
    ({"message": 5}, "message"),
    ({"message": "m", "alias": "a" * 513}, "alias"),
])
def test_opsgenie_refuses_a_bad_field_422_in_its_own_shape(intake, body, field):
    answer = genie(intake, "/v2/alerts", json=body)
    assert answer.status_code == 422, answer.text
    document = answer.json()
    assert set(document) == {"message", "errors", "took", "requestId"} and field in document["errors"]
    assert intake.count() == 0


def test_opsgenie_answers_401_400_413_and_identifier_type_in_its_own_shape(intake):
    for key in (None, "wrong", ""):
        answer = genie(intake, "/v2/alerts", key=key, json={"message": "m"})
        assert answer.status_code == 401 and set(answer.json()) == {"message", "took", "requestId"}
    with httpx.Client(base_url=intake.url) as client:  # the intake's Bearer scheme is not Opsgenie's
        assert client.post("/v2/alerts", json={"message": "m"},
                           headers={"Authorization": f"Bearer {intake.token}"}).status_code == 401
    bad = genie(intake, "/v2/alerts", content=b"{not json", headers={"Content-Type": "application/json"})
    assert bad.status_code == 400 and "message" in bad.json() and "requestId" in bad.json()
    big = genie(intake, "/v2/alerts", json={"message": "m", "description": "x" * (257 * 1024)})
    assert big.status_code == 413 and set(big.json()) == {"message", "took", "requestId"}
    by_id = genie(intake, "/v2/alerts/abc/close", params={"identifierType": "id"})
    assert by_id.status_code == 422 and "identifierType" in by_id.json()["errors"]
    assert intake.count() == 0


# ---------------------------------------------------------------- PagerDuty


def test_pagerduty_trigger_repeat_acknowledge_resolve_is_one_call(intake):
    trigger = vendor("pagerduty_trigger.json")
    trigger["payload"]["custom_details"] |= {"client": "acme"}
    trigger["payload"]["component"] = "erp-plc"
    answer = enqueue(intake, trigger)
    assert answer.status_code == 202, answer.text
    assert answer.json() == {"status": "success", "message": "Event processed", "dedup_key": "srv01/mysql"}
    [call_id] = call_ids(intake)
    call = view(intake, call_id).call
    assert (call.client, call.system, call.impact, call.summary, call.source) == (
        "acme", "erp-plc", "down", "DISK at 99% on machine prod-datapipe03.example.com", "pagerduty")

    assert enqueue(intake, trigger).status_code == 202
    assert call_ids(intake) == [call_id] and alert_events(intake, call_id) == []
    for name in ("pagerduty_acknowledge.json", "pagerduty_resolve.json"):
        answer = enqueue(intake, vendor(name))
        assert answer.status_code == 202 and answer.json()["dedup_key"] == "srv01/mysql"
    assert [(e.data["state"], e.data["dedup_key"]) for e in alert_events(intake, call_id)] == [
        ("acknowledged", "srv01/mysql"), ("resolved", "srv01/mysql")]
    assert call_ids(intake) == [call_id]


def test_pagerduty_trigger_without_dedup_key_gets_one_and_the_vendor_body_is_unmatched(intake):
    trigger = vendor("pagerduty_trigger.json")
    del trigger["dedup_key"]
    answer = enqueue(intake, trigger)
    assert answer.status_code == 202
    key = answer.json()["dedup_key"]
    assert key and key != "srv01/mysql"
    [call_id] = call_ids(intake)
    call = view(intake, call_id).call
    assert call.unmatched and call.system is None  # no client field: stored unmatched, as for every intake
    assert enqueue(intake, vendor("pagerduty_resolve.json", dedup_key=key)).status_code == 202
    assert alert_events(intake, call_id)[-1].data["state"] == "resolved"


@pytest.mark.parametrize("change, error", [
    ({"event_action": "explode"}, "event_action"),
    ({"payload": None}, "payload"),
    ({"payload": {"summary": "s", "source": "x", "severity": "fatal"}}, "payload.severity"),
    ({"payload": {"summary": " ", "source": "x", "severity": "info"}}, "payload.summary"),
    ({"payload": {"summary": "s", "severity": "info"}}, "payload.source"),
])
def test_pagerduty_refuses_an_invalid_event_400_in_its_own_shape(intake, change, error):
    answer = enqueue(intake, vendor("pagerduty_trigger.json", **change))
    assert answer.status_code == 400, answer.text
    document = answer.json()
    assert document["status"] == "invalid event" and document["message"] == "Event object is invalid"
    assert any(error in line for line in document["errors"]), document
    assert intake.count() == 0


def test_pagerduty_acknowledge_needs_a_dedup_key(intake):
    answer = enqueue(intake, {"event_action": "acknowledge"})
    assert answer.status_code == 400 and any("dedup_key" in e for e in answer.json()["errors"])


def test_pagerduty_wrong_or_missing_routing_key_is_401_and_stores_nothing(intake):
    for key in (None, "e93facc04764012d7bfb002500d5d1a6", intake.token + "x"):
        answer = enqueue(intake, vendor("pagerduty_trigger.json"), routing_key=key)
        if key is None:
            body = vendor("pagerduty_trigger.json")
            del body["routing_key"]
            answer = enqueue(intake, body, routing_key=None)
        assert answer.status_code == 401, answer.text
        assert set(answer.json()) == {"status", "message", "errors"}
    big = enqueue(intake, vendor("pagerduty_trigger.json", padding="x" * (257 * 1024)))
    assert big.status_code == 413 and set(big.json()) == {"status", "message", "errors"}
    assert intake.count() == 0


# ---------------------------------------------------------------- per-client keys


def test_a_client_key_names_the_client_whatever_the_body_says(intake):
    key = intake_keys.make_key("acme")
    trigger = vendor("pagerduty_trigger.json")
    trigger["payload"]["custom_details"]["client"] = "baker"
    assert enqueue(intake, trigger, routing_key=key).status_code == 202
    check_opsgenie_accepted(genie(intake, "/v2/alerts", key=key, json={"message": "ups on battery",
                                                                       "tags": ["client:baker"]}))
    assert [view(intake, i).call.client for i in call_ids(intake)] == ["acme", "acme"]
    with intake.db.engine.connect() as connection:  # the key is in no row
        from sqlalchemy import text
        dump = "\n".join(str(row) for table in ("calls", "call_events")
                         for row in connection.execute(text(f"SELECT * FROM {table}")))
    assert key not in dump


def test_a_rotated_client_key_replaces_the_old_one(intake):
    old = intake_keys.make_key("acme")
    with pytest.raises(Exception, match="--rotate"):
        intake_keys.make_key("acme")
    new = intake_keys.make_key("acme", rotate=True)
    assert new != old and intake_keys.client_key("acme") == new
    assert intake_keys.clients_with_keys(["acme", "baker"]) == ["acme"]


@pytest.mark.parametrize("value", [[], {}, ["P1"], {"a": 1}, 3, None])
def test_a_field_of_any_type_is_refused_naming_it_never_raising_else(value):
    for body, field in (({"message": "m", "priority": value}, "priority"),):
        if value is None:
            continue
        with pytest.raises(alert_apis.Invalid) as refused:
            alert_apis.parse_opsgenie_alert(json.dumps(body).encode())
        assert field in refused.value.errors
    for body, field in (({"event_action": value}, "event_action"),
                        ({"event_action": "trigger", "payload": {"summary": "s", "source": "x", "severity": value}},
                         "payload.severity")):
        with pytest.raises(alert_apis.Invalid) as refused:
            alert_apis.parse_pagerduty(body)
        assert field in refused.value.errors
