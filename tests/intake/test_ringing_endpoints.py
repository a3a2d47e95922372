"""The ringing phone over HTTP: POST /v1/ringing, GET /v1/lookup, Twilio's voice webhook."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator

from dispatch_app import secrets
from dispatch_app.feed import Feed
from dispatch_app.services import phone_systems, ringing

TWILIO_TOKEN = "12345678901234567890123456789012"


def test_a_ring_answers_what_matched_and_the_feed_names_it(intake):
    feed = Feed(intake.db)
    token = feed.current()
    with intake.client() as client:
        answer = client.post("/v1/ringing", json={"caller_phone": "(312) 555-0201", "line": "main",
                                                  "caller_name": "PAT LEE", "call_id": "3cx-77"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["client"] == {"id": "acme", "name": "Acme Plastics"}
    assert body["contact"]["name"] == "Pat Lee" and body["contact"]["may_authorize"] is True
    assert (body["unknown"], body["caller_phone"], body["external_id"]) == (False, "+13125550201", "3cx-77")
    _, changes = feed.changes_since(token)
    assert changes.ring_ids == (body["ring"],)
    assert intake.count("rings") == 1 and intake.count("calls") == 0


def test_an_unknown_number_rings_and_a_malformed_one_is_400_naming_the_field(intake):
    with intake.client() as client:
        unknown = client.post("/v1/ringing", json={"caller_phone": "+1 415 555 0000"})
        bad = client.post("/v1/ringing", json={"caller_phone": "call me maybe"})
        missing = client.post("/v1/ringing", json={"line": "x"})
        typed = client.post("/v1/ringing", json={"caller_phone": 13125550201})
        anonymous = intake.client(token=None).post("/v1/ringing", json={"caller_phone": "+13125550201"})
    assert unknown.status_code == 200 and unknown.json()["unknown"] is True
    assert bad.status_code == 400 and bad.json()["error"].startswith("caller_phone:")
    assert missing.status_code == 400 and "caller_phone: required" in missing.json()["error"]
    assert typed.status_code == 400 and "caller_phone: must be a string" in typed.json()["error"]
    assert anonymous.status_code == 401
    assert intake.count("rings") == 1


def test_the_lookup_answers_a_known_and_an_unknown_number(intake):
    with intake.client() as client:
        known = client.get("/v1/lookup", params={"phone": "+13125550201"})
        unknown = client.get("/v1/lookup", params={"phone": "+14155550000"})
        bad = client.get("/v1/lookup", params={"phone": "nope"})
        none = client.get("/v1/lookup")
    assert known.status_code == 200
    assert {k: known.json()[k] for k in ("contact_name", "client_name", "client_id", "email", "url")} == {
        "contact_name": "Pat Lee", "client_name": "Acme Plastics", "client_id": "acme", "email": "pat@acme.example",
        "url": "dispatch-app:ringing?phone=%2B13125550201&client=acme"}
    assert unknown.json()["found"] is False and unknown.json()["client_id"] is None
    assert bad.status_code == 400 and bad.json()["error"].startswith("phone:")
    assert none.status_code == 400
    assert intake.count("rings") == 0


def _twilio(intake, form, signature):
    with intake.client(token=None) as client:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if signature is not None:
            headers["X-Twilio-Signature"] = signature
        return client.post("/v1/twilio/voice", content=urlencode(form), headers=headers)


FORM = {"CallSid": "CA0123456789abcdef0123456789abcdef", "AccountSid": "AC" + "0" * 32, "From": "+13125550201",
        "To": "+13125550999", "CallStatus": "ringing", "Direction": "inbound", "ApiVersion": "2010-04-01"}


def test_twilio_signed_by_its_own_validator_rings_and_answers_twiml(intake):
    secrets.set_secret(secrets.TWILIO_AUTH_TOKEN, TWILIO_TOKEN)
    url = f"{intake.url}/v1/twilio/voice"
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, FORM)
    assert phone_systems.twilio_signature(TWILIO_TOKEN, url, list(FORM.items())) == signature
    answer = _twilio(intake, FORM, signature)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(answer.content)
    assert root.tag == "Response" and [c.tag for c in root] == ["Say"]  # no dispatcher number set: a word only
    kept = ringing.missed_calls(intake.db, start=ringing_far_past(), end=ringing_far_future())
    assert [(r.external_id, r.client, r.line, r.source) for r in kept] == [(FORM["CallSid"], "acme", "+13125550999",
                                                                             "twilio")]


def test_twiml_dials_the_dispatcher_when_a_number_is_set():
    root = ET.fromstring(phone_systems.twiml("+1 312 555 0110"))
    assert [c.tag for c in root] == ["Say", "Dial"] and root.find("Dial").text == "+1 312 555 0110"


@pytest.mark.parametrize("signature", [None, "", "AAAA", "wrong-but-long-enough-to-look-like-one="])
def test_twilio_with_a_missing_or_wrong_signature_is_403_and_nothing_rings(intake, signature):
    secrets.set_secret(secrets.TWILIO_AUTH_TOKEN, TWILIO_TOKEN)
    answer = _twilio(intake, FORM, signature)
    assert answer.status_code == 403 and set(answer.json()) == {"error"}
    assert intake.count("rings") == 0


def test_twilio_signed_with_another_token_or_altered_is_403(intake):
    secrets.set_secret(secrets.TWILIO_AUTH_TOKEN, TWILIO_TOKEN)
    url = f"{intake.url}/v1/twilio/voice"
    other = RequestValidator("x" * 32).compute_signature(url, FORM)
    assert _twilio(intake, FORM, other).status_code == 403
    signed = RequestValidator(TWILIO_TOKEN).compute_signature(url, FORM)
    assert _twilio(intake, {**FORM, "From": "+12125550401"}, signed).status_code == 403
    assert intake.count("rings") == 0


def test_the_3cx_template_is_well_formed_with_the_fields_3cx_requires():
    root = ET.fromstring(phone_systems.template_3cx("http://intake.example:8765").encode())
    assert root.tag == "Crm" and {"Name", "Version", "Country"} <= set(root.attrib)
    assert [c.tag for c in root] == ["Number", "Connection", "Parameters", "Authentication", "Scenarios"]
    scenario = root.find("Scenarios/Scenario")
    request = scenario.find("Request")
    assert request.get("Url") == "[IntakeUrl]/v1/lookup?phone=[Number]"
    assert {request.get(k) for k in ("RequestType", "ResponseType")} == {"Get", "Json"}
    assert scenario.find("Request/Headers/Value").text == "Bearer [IntakeToken]"
    assert scenario.find("Rules/Rule").get("Type") == "Any"
    outputs = {o.get("Type"): o.get("Value") for o in scenario.find("Outputs")}
    assert outputs["ContactUrl"] == "[Url]" and outputs["CompanyName"] == "[ClientName]"
    paths = {v.get("Name"): v.get("Path") for v in scenario.find("Variables")}
    document = ringing.Lookup("+1", "acme", "Acme", "Pat Lee", "p@x", None, "u").document()
    assert set(paths.values()) <= set(document)  # every variable names a field the lookup answers
    names = {p.get("Name") for p in root.find("Parameters")}
    assert {"IntakeUrl", "IntakeToken"} <= names


def ringing_far_past():
    from datetime import datetime, timezone
    return datetime(2000, 1, 1, tzinfo=timezone.utc)


def ringing_far_future():
    from datetime import datetime, timezone
    return datetime(2100, 1, 1, tzinfo=timezone.utc)


def test_the_cli_writes_the_3cx_template_and_refuses_a_bad_url(tmp_path):
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    env = {"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = tmp_path / "dispatch.xml"
    done = subprocess.run([sys.executable, "-m", "dispatch_app", "intake", "3cx-template", "-o", str(out),
                           "--intake-url", "https://intake.example"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    root_element = ET.parse(out).getroot()
    assert root_element.find("Parameters/Parameter").get("Default") == "https://intake.example"
    bad = subprocess.run([sys.executable, "-m", "dispatch_app", "intake", "3cx-template", "--intake-url", "ftp:x"],
                         env=env, capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "--intake-url" in bad.stderr
