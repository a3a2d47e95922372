"""What phone systems send and answer about a ringing phone (docs/ringing.md): the bodies of
``POST /v1/ringing`` and ``GET /v1/lookup``, Twilio's voice webhook (its signature, its TwiML)
and the 3CX server-side CRM template. Reading is checked here; what a ring does is
:mod:`.ringing`'s.

Twilio signs each webhook (``X-Twilio-Signature``): the base64 HMAC-SHA1, keyed with the
account's auth token, of the URL Twilio called followed by every POST parameter's name and
value, sorted by name. The auth token lives in the keyring (``twilio-auth-token``); without it
every Twilio request is refused. Behind a proxy the URL Twilio called is not the one the intake
sees: ``DISPATCH_TWILIO_URL`` names it.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape, quoteattr

from dispatch_app import secrets
from dispatch_app.files import write_file
from dispatch_app.services import intake, ringing
from dispatch_app.services.intake import BadRequest
from dispatch_app.store import Database

DISPATCHER_PHONE_VARIABLE = "DISPATCH_DISPATCHER_PHONE"
TWILIO_URL = "DISPATCH_TWILIO_URL"


# ---------------------------------------------------------------- POST /v1/ringing


def parse_ringing(body: bytes) -> dict[str, str | None]:
    """``{"caller_phone", "line", "caller_name", "call_id"}``, checked; unknown fields ignored."""
    data = intake._json_body(body)
    if not isinstance(data, dict):
        raise BadRequest("body: must be a JSON object")
    fields = {key: intake._optional_text(data, key) for key in ("caller_phone", "line", "caller_name", "call_id")}
    if fields["caller_phone"] is None:
        raise BadRequest("caller_phone: required (the caller's number, e.g. +13125550201)")
    return fields


def _safe(work):
    try:
        return work()
    except ringing.BadPhone as error:
        raise BadRequest(str(error)) from None


def ring(db: Database, fields: dict[str, str | None], at: datetime, source: str = "http") -> dict[str, Any]:
    """Keep the ring (every console hears it through the change feed) and answer what matched."""
    answer = _safe(lambda: ringing.record_ring(db, phone=fields["caller_phone"], at=at, line=fields["line"],
                                               name=fields["caller_name"], call_id=fields["call_id"], source=source))
    return ringing_document(answer.ringing, answer.ring.id)


def ringing_document(shown, ring_id: int | None) -> dict[str, Any]:
    contact = shown.contact
    return {
        "ring": ring_id, "caller_phone": shown.phone, "external_id": shown.external_id, "unknown": shown.unknown,
        "client": {"id": shown.client, "name": shown.client_name} if shown.client else None,
        "contact": {"name": contact.name, "role": contact.role, "email": contact.email,
                    "may_authorize": contact.may_authorize} if contact else None,
        "open_calls": [{"id": s.call, "priority": s.priority, "status": s.status, "summary": s.summary,
                        "awaiting": s.awaiting, "engaged_by": s.engaged_by} for s in shown.open_calls],
        "url": ringing.ring_url(shown.phone, shown.client),
    }


# ---------------------------------------------------------------- GET /v1/lookup


def lookup_phone(values: list[str]) -> str:
    if not values:
        raise BadRequest("phone: required (GET /v1/lookup?phone=%2B13125550201)")
    if len(values) > 1:
        raise BadRequest("phone: given more than once")
    return values[0]


def lookup(db: Database, phone: str) -> dict[str, Any]:
    return _safe(lambda: ringing.lookup(db, phone).document())


# ---------------------------------------------------------------- Twilio


def twilio_url(seen: str) -> str:
    return os.environ.get(TWILIO_URL, "").strip() or seen


def parse_twilio_form(body: bytes) -> list[tuple[str, str]]:
    """Twilio's ``application/x-www-form-urlencoded`` body as (name, value) pairs."""
    try:
        return parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False, max_num_fields=200)
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("body: not a form (application/x-www-form-urlencoded, UTF-8)") from None


def twilio_signature(auth_token: str, url: str, form: list[tuple[str, str]]) -> str:
    """Twilio's signature of a POST: HMAC-SHA1 over the URL and the sorted parameters."""
    payload = url + "".join(name + value for name, value in sorted(form, key=lambda pair: pair[0]))
    digest = hmac.new(auth_token.encode("utf-8"), payload.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def twilio_signature_valid(url: str, form: list[tuple[str, str]], signature: str | None) -> bool:
    token = secrets.get_secret(secrets.TWILIO_AUTH_TOKEN)
    if not token or not signature:
        return False
    return hmac.compare_digest(twilio_signature(token, url, form).encode(), signature.strip().encode("utf-8", "replace"))


def twilio_ring(db: Database, form: list[tuple[str, str]], at: datetime) -> None:
    """A signed Twilio call rings the consoles: ``From`` the caller, ``To`` the line, ``CallSid``
    the ring's external id. A withheld number rings as an unknown caller."""
    values = dict(form)
    ringing.record_ring(db, phone=values.get("From") or "unknown", at=at, line=values.get("To") or None,
                        name=values.get("CallerName") or None, call_id=values.get("CallSid") or None,
                        source="twilio", field="From", keep_as_given=True)


def dispatcher_phone_from_environment() -> str | None:
    return os.environ.get(DISPATCHER_PHONE_VARIABLE, "").strip() or None


def twiml(dispatcher_phone: str | None) -> str:
    """The answer Twilio plays: a word to the caller, then the dispatcher's phone rings."""
    if dispatcher_phone:
        return ('<?xml version="1.0" encoding="UTF-8"?><Response>'
                "<Say>Please hold: connecting you to the on-call dispatcher.</Say>"
                f"<Dial>{escape(dispatcher_phone)}</Dial></Response>")
    return ('<?xml version="1.0" encoding="UTF-8"?><Response>'
            "<Say>The on-call dispatcher has been alerted and will call you back shortly.</Say></Response>")


# ---------------------------------------------------------------- 3CX


def template_3cx(intake_url: str = "http://127.0.0.1:8765") -> str:
    """A 3CX server-side CRM integration template (3CX's ``<Crm>`` XML format): a contact
    lookup scenario calling ``GET /v1/lookup`` with the caller's number and the intake token,
    whose contact URL opens the console on the caller (``dispatch-app:ringing?...``)."""
    return f'''<?xml version="1.0" encoding="utf-8"?>
<Crm Country="US" Name="Dispatch Console" Version="1" SupportsEmojis="false">
  <Number Prefix="Plus" MaxLength="" />
  <Connection MaxConcurrentRequests="4" />
  <Parameters>
    <Parameter Name="IntakeUrl" Type="String" Parent="General Configuration" Editor="String" Title="Dispatch Console intake URL:" Default={quoteattr(intake_url)} />
    <Parameter Name="IntakeToken" Type="Password" Parent="General Configuration" Editor="String" Title="Intake token (dispatch-app intake token):" Default="" />
  </Parameters>
  <Authentication Type="No" />
  <Scenarios>
    <Scenario Id="" Type="REST">
      <Request Url="[IntakeUrl]/v1/lookup?phone=[Number]" RequestEncoding="UrlEncoded" RequestType="Get" ResponseType="Json">
        <Headers>
          <Value Key="Authorization" Passes="1" Type="String">Bearer [IntakeToken]</Value>
        </Headers>
      </Request>
      <Rules>
        <Rule Type="Any">client_id</Rule>
      </Rules>
      <Variables>
        <Variable Name="ClientId" Path="client_id" />
        <Variable Name="ClientName" Path="client_name" />
        <Variable Name="FirstName" Path="first_name" />
        <Variable Name="LastName" Path="last_name" />
        <Variable Name="Email" Path="email" />
        <Variable Name="Phone" Path="phone" />
        <Variable Name="Url" Path="url" />
      </Variables>
      <Outputs AllowEmpty="false">
        <Output Type="ContactUrl" Passes="0" Value="[Url]" />
        <Output Type="EntityId" Passes="0" Value="[ClientId]" />
        <Output Type="EntityType" Passes="0" Value="Contacts" />
        <Output Type="FirstName" Passes="0" Value="[FirstName]" />
        <Output Type="LastName" Passes="0" Value="[LastName]" />
        <Output Type="CompanyName" Passes="0" Value="[ClientName]" />
        <Output Type="Email" Passes="0" Value="[Email]" />
        <Output Type="PhoneBusiness" Passes="0" Value="[Phone]" />
      </Outputs>
    </Scenario>
  </Scenarios>
</Crm>
'''


def write_template_3cx(path, intake_url: str) -> None:
    """Write the 3CX template to ``path``, whole or not at all."""
    write_file(path, template_3cx(intake_url))
