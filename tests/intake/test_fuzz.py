"""Any body gets a 2xx or a 4xx: never a 500, never a traceback (hypothesis)."""
from __future__ import annotations

import json
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

FIELDS = ("summary", "client", "caller_phone", "caller_name", "system", "impact", "source", "external_id")
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                           max_size=4), max_leaves=12)
field_value = (scalars | values | st.sampled_from(["down", "degraded", "single-user", "request", "acme", "erp-plc",
                                                   "+1 312 555 0201", "", " ", "\x00", "x" * 2001]))
RING_FIELDS = ("caller_phone", "line", "caller_name", "call_id")
ring_bodies = st.dictionaries(st.sampled_from(RING_FIELDS), field_value | st.sampled_from(["+13125550201", "anonymous",
                                                                                          "+266696687"]),
                              max_size=len(RING_FIELDS))
call_bodies = st.dictionaries(st.sampled_from(FIELDS), field_value, max_size=len(FIELDS))
alert = st.fixed_dictionaries({}, optional={
    "status": st.sampled_from(["firing", "resolved", "other"]) | scalars,
    "labels": st.dictionaries(st.sampled_from(["alertname", "client", "system", "impact", "severity"]),
                              st.sampled_from(["acme", "erp-plc", "critical", "down", "x"]) | scalars, max_size=5),
    "annotations": st.dictionaries(st.sampled_from(["summary", "description"]), st.text(max_size=30) | scalars),
    "fingerprint": st.text(max_size=20) | scalars,
    "startsAt": st.text(max_size=30) | scalars,
})
alert_bodies = st.fixed_dictionaries({"version": st.sampled_from(["4", 4, "3"]) | scalars,
                                      "alerts": st.lists(alert | values, max_size=4) | scalars})
json_bodies = st.one_of(call_bodies, alert_bodies, ring_bodies, values).map(lambda v: json.dumps(v).encode())
raw_bodies = st.binary(max_size=200) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass"))

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def check(answer: httpx.Response) -> None:
    assert 200 <= answer.status_code < 500, answer.text
    assert "Traceback" not in answer.text
    if answer.status_code >= 400:
        assert set(answer.json()) == {"error"}


@pytest.mark.parametrize("path", ["/v1/calls", "/v1/alertmanager"])
@SETTINGS
@given(body=json_bodies | raw_bodies)
def test_any_body_gets_2xx_or_4xx(intake, path, body):
    with intake.client() as client:
        check(client.post(path, content=body, headers={"Content-Type": "application/json"}))


# ---------------------------------------------------------------- Opsgenie and PagerDuty, in their own shapes

text_or_any = st.sampled_from(["acme", "erp-plc", "client:acme", "", " ", "\x00", "\udcff", "x" * 600]) | scalars
opsgenie_bodies = st.fixed_dictionaries({}, optional={
    "message": text_or_any, "alias": text_or_any, "description": text_or_any, "entity": text_or_any,
    "source": text_or_any, "user": text_or_any, "note": text_or_any,
    "priority": st.sampled_from(["P1", "P3", "P5", "P6", "p1"]) | values,
    "tags": st.lists(text_or_any, max_size=3) | scalars,
    "details": st.dictionaries(st.sampled_from(["client", "system", "x"]), text_or_any, max_size=3) | scalars,
})
pagerduty_payloads = st.fixed_dictionaries({}, optional={
    "summary": text_or_any, "source": text_or_any, "component": text_or_any, "group": text_or_any,
    "class": text_or_any, "severity": st.sampled_from(["critical", "error", "warning", "info", "fatal"]) | values,
    "custom_details": st.dictionaries(st.sampled_from(["client", "system"]), text_or_any, max_size=2) | values,
})
pagerduty_bodies = st.fixed_dictionaries({}, optional={
    "routing_key": st.just("TOKEN") | text_or_any,
    "event_action": st.sampled_from(["trigger", "acknowledge", "resolve", "explode"]) | values,
    "dedup_key": text_or_any, "payload": pagerduty_payloads | scalars,
    "links": st.lists(values, max_size=2) | scalars, "images": st.lists(values, max_size=2) | scalars,
})


def _encoded(value) -> bytes:
    return json.dumps(value).encode("utf-8", "surrogatepass")


def check_vendor(answer: httpx.Response, fields: set[str]) -> None:
    assert 200 <= answer.status_code < 500, answer.text
    assert "Traceback" not in answer.text
    if answer.status_code >= 400:
        assert fields <= set(answer.json()), answer.text


VENDOR_SETTINGS = settings(SETTINGS, max_examples=40)  # the fields' checks are shared: fewer bodies reach them all


@pytest.mark.parametrize("path", ["/v2/alerts", "/v2/alerts/some-alias/close?identifierType=alias"])
@VENDOR_SETTINGS
@given(body=opsgenie_bodies.map(_encoded) | raw_bodies)
def test_any_opsgenie_body_gets_2xx_or_4xx_in_its_shape(intake, path, body):
    with httpx.Client(base_url=intake.url, timeout=30) as client:
        answer = client.post(path, content=body, headers={"Authorization": f"GenieKey {intake.token}",
                                                          "Content-Type": "application/json"})
    check_vendor(answer, {"message", "took", "requestId"})


@VENDOR_SETTINGS
@given(body=pagerduty_bodies | values | raw_bodies)
def test_any_pagerduty_body_gets_2xx_or_4xx_in_its_shape(intake, body):
    if isinstance(body, dict) and body.get("routing_key") == "TOKEN":
        body["routing_key"] = intake.token
    content = body if isinstance(body, bytes) else _encoded(body)
    with httpx.Client(base_url=intake.url, timeout=30) as client:
        answer = client.post("/v2/enqueue", content=content, headers={"Content-Type": "application/json"})
    check_vendor(answer, {"status", "message", "errors"})


PHONE_SETTINGS = settings(SETTINGS, max_examples=40)


@pytest.mark.parametrize("path", ["/v1/ringing", "/v1/twilio/voice"])
@PHONE_SETTINGS
@given(body=json_bodies | raw_bodies | st.dictionaries(st.sampled_from(["From", "To", "CallSid"]), st.text(max_size=20))
       .map(lambda form: urlencode(form).encode()))
def test_any_ring_gets_2xx_or_4xx(intake, path, body):
    with intake.client() as client:
        check(client.post(path, content=body, headers={"Content-Type": "application/json"}))


@PHONE_SETTINGS
@given(phone=st.text(max_size=40) | st.sampled_from(["+13125550201", "%2B1", "", "\x00", "1" * 300]))
def test_any_lookup_gets_2xx_or_4xx(intake, phone):
    with intake.client() as client:
        check(client.get("/v1/lookup", params={"phone": phone}))
