"""Opsgenie's Alert API and PagerDuty's Events API v2, read as their senders send them, so that a
monitoring tool set up for either can point at the intake unchanged (docs/intake.md).

Each request becomes one :class:`~dispatch_app.services.intake.AlertInput` keyed by the
sender's own key (Opsgenie's ``alias``, PagerDuty's ``dedup_key``). Bad input raises
:class:`Invalid` with the messages the sender's format carries (the HTTP layer shapes them as
Opsgenie or PagerDuty does); nothing else is raised for any bytes.
"""
from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from dispatch_app.services.intake import (
    SUMMARY_MAX, TEXT_MAX, AlertInput, AlertLabels, BadRequest, CallInput, _clean, _json_body)

OPSGENIE, PAGERDUTY = "opsgenie", "pagerduty"
FIRING, RESOLVED, ACKNOWLEDGED = "firing", "resolved", "acknowledged"

OPSGENIE_IMPACT = {"P1": "down", "P2": "degraded", "P3": "degraded", "P4": "request", "P5": "request"}
"""Opsgenie's priority → our impact (triage makes the priority from it and the system): P5 is
taken as P4. Opsgenie's default priority is P3."""

PAGERDUTY_IMPACT = {"critical": "down", "error": "degraded", "warning": "degraded", "info": "request"}
"""PagerDuty's ``payload.severity`` → our impact."""

PAGERDUTY_ACTIONS = {"trigger": FIRING, "acknowledge": ACKNOWLEDGED, "resolve": RESOLVED}
OPSGENIE_ACTIONS = {"close": RESOLVED, "acknowledge": ACKNOWLEDGED}
KEY_MAX = 512
"""Longest alias (Opsgenie's limit) or dedup key (PagerDuty's is 255) accepted."""


class Invalid(BadRequest):
    """A request the sender's API refuses: ``errors`` maps a field to what is wrong with it."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {why}" for field, why in self.errors.items()))


def _object(body: bytes) -> dict[str, Any]:
    try:
        data = _json_body(body)
    except BadRequest as error:
        raise Invalid({"body": str(error).removeprefix("body: ")}) from None
    if not isinstance(data, dict):
        raise Invalid({"body": "must be a JSON object"})
    return data


def _text(data: Mapping[str, Any], key: str, where: str, errors: dict[str, str], maximum: int = TEXT_MAX,
          cut: bool = False) -> str | None:
    """A string field, stripped (None when absent or blank); a wrong one is noted in ``errors``.
    ``cut``: a long text is shortened rather than refused (an alert is never lost for its length)."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        errors[where] = "must be a string"
        return None
    try:
        value = _clean(value, where).strip()
    except BadRequest as error:
        errors[where] = str(error).removeprefix(f"{where}: ")
        return None
    if len(value) > maximum:
        if not cut:
            errors[where] = f"{len(value)} characters, at most {maximum}"
            return None
        value = value[:maximum].strip()
    return value or None


def _strings(value: Any, where: str, errors: dict[str, str]) -> dict[str, str]:
    """A map of strings, others dropped (a sender's extra details never sink its alert)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors[where] = "must be an object"
        return {}
    out = {}
    for key, item in value.items():
        if isinstance(item, str) and "\x00" not in item and "\x00" not in key:
            try:
                out[_clean(key, where)] = _clean(item, where).strip()
            except BadRequest:
                continue
    return out


def _known(sender_client: str | None, client: str | None) -> str | None:
    """A per-client key names the client, whatever the body says."""
    return sender_client if sender_client is not None else (client or None)


# ---------------------------------------------------------------- Opsgenie


def parse_opsgenie_alert(body: bytes, *, sender_client: str | None = None,
                         labels: AlertLabels = AlertLabels()) -> AlertInput:
    """``POST /v2/alerts``: message (required), alias, description, priority, tags, details,
    entity, source. The client comes from the sender's key, else the tag ``client:ID`` or
    ``details.client``; the system from the tag ``system:ID`` or ``details.system`` (the label
    names of :class:`AlertLabels`)."""
    data = _object(body)
    errors: dict[str, str] = {}
    message = _text(data, "message", "message", errors, SUMMARY_MAX, cut=True)
    if message is None and "message" not in errors:
        errors["message"] = "Message can not be empty."
    alias = _text(data, "alias", "alias", errors, KEY_MAX)
    priority = data.get("priority", "P3")
    if not isinstance(priority, str) or priority not in OPSGENIE_IMPACT:
        errors["priority"] = "should be one of 'P1', 'P2', 'P3', 'P4', 'P5'"
    tags = data.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        errors["tags"] = "must be a list of strings"
        tags = []
    details = _strings(data.get("details"), "details", errors)
    source = _text(data, "source", "source", errors, 100, cut=True)
    _text(data, "description", "description", errors, 15000, cut=True)
    entity = _text(data, "entity", "entity", errors, KEY_MAX, cut=True)
    if errors:
        raise Invalid(errors)
    tagged = {}
    for tag in tags:
        name, colon, value = tag.partition(":")
        if colon and value.strip():
            tagged.setdefault(name.strip(), value.strip())
    client = _known(sender_client, tagged.get(labels.client) or details.get(labels.client))
    system = tagged.get(labels.system) or details.get(labels.system)
    extra = {"priority": str(priority)}
    if source:
        extra["sender"] = source
    if entity:
        extra["entity"] = entity
    call = CallInput(summary=message or "", client=_limit(client), system=_limit(system),
                     impact=OPSGENIE_IMPACT[priority], source=OPSGENIE)
    # without an alias every alert is a new one (as in Opsgenie), never found by a close
    key = alias or f"none-{uuid.uuid4().hex}"
    return AlertInput(fingerprint=key, state=FIRING, starts_at="", call=call, source=OPSGENIE,
                      key_field="alias", extra=tuple(sorted(extra.items())))


def parse_opsgenie_action(action: str, identifier: str, identifier_type: str | None, body: bytes) -> AlertInput:
    """``POST /v2/alerts/{alias}/close`` or ``/acknowledge`` with ``identifierType=alias``; the
    body (optional) may hold user, source and note."""
    errors: dict[str, str] = {}
    if identifier_type != "alias":
        errors["identifierType"] = "must be 'alias': alerts are known here by their alias only"
    if not 1 <= len(identifier.strip()) <= KEY_MAX:
        errors["identifier"] = f"must be 1 to {KEY_MAX} characters"
    data = _object(body) if body.strip() else {}
    note = _text(data, "note", "note", errors, SUMMARY_MAX, cut=True)
    user = _text(data, "user", "user", errors, 100, cut=True)
    _text(data, "source", "source", errors, 100, cut=True)
    try:
        _clean(identifier, "identifier")
    except BadRequest:
        errors["identifier"] = "contains a character no alias holds"
    if errors:
        raise Invalid(errors)
    extra = {"user": user} if user else {}
    return AlertInput(fingerprint=identifier.strip(), state=OPSGENIE_ACTIONS[action], starts_at="", call=None,
                      source=OPSGENIE, key_field="alias", note=note or "", extra=tuple(extra.items()))


# ---------------------------------------------------------------- PagerDuty


def pagerduty_routing_key(data: Mapping[str, Any]) -> str | None:
    key = data.get("routing_key")
    return key if isinstance(key, str) and key else None


def parse_pagerduty(data: dict[str, Any], *, sender_client: str | None = None,
                    labels: AlertLabels = AlertLabels()) -> AlertInput:
    """``POST /v2/enqueue`` (its body already read with :func:`pagerduty_body`): a trigger
    raises or updates the call of its ``dedup_key``; acknowledge and resolve update it. The
    client comes from the routing key, else ``custom_details.client``; the system from
    ``custom_details.system``, else ``payload.component``."""
    errors: dict[str, str] = {}
    action = data.get("event_action")
    if not isinstance(action, str) or action not in PAGERDUTY_ACTIONS:
        errors["event_action"] = "'event_action' is missing or invalid (trigger, acknowledge or resolve)"
    dedup_key = _text(data, "dedup_key", "dedup_key", errors, KEY_MAX)
    if action in ("acknowledge", "resolve") and dedup_key is None and "dedup_key" not in errors:
        errors["dedup_key"] = "'dedup_key' is missing or blank"
    call = None
    extra: dict[str, str] = {}
    if action == "trigger":
        payload = data.get("payload")
        if not isinstance(payload, dict):
            errors["payload"] = "'payload' is missing or not an object"
            payload = {}
        summary = _text(payload, "summary", "payload.summary", errors, min(SUMMARY_MAX, 1024), cut=True)
        source = _text(payload, "source", "payload.source", errors, TEXT_MAX, cut=True)
        for key, value in (("summary", summary), ("source", source)):
            if value is None and f"payload.{key}" not in errors:
                errors[f"payload.{key}"] = f"'payload.{key}' is missing or blank"
        severity = payload.get("severity")
        if not isinstance(severity, str) or severity not in PAGERDUTY_IMPACT:
            errors["payload.severity"] = "'payload.severity' must be one of critical, error, warning, info"
        component = _text(payload, "component", "payload.component", errors, TEXT_MAX, cut=True)
        for key in ("group", "class"):
            _text(payload, key, f"payload.{key}", errors, TEXT_MAX, cut=True)
        details = payload.get("custom_details")
        details = _strings(details, "payload.custom_details", {}) if isinstance(details, dict) else {}
        for key in ("links", "images"):
            if data.get(key) is not None and not isinstance(data.get(key), list):
                errors[key] = f"'{key}' must be an array"
        if not errors:
            client = _known(sender_client, details.get(labels.client))
            system = details.get(labels.system) or component
            call = CallInput(summary=summary or "", client=_limit(client), system=_limit(system),
                             impact=PAGERDUTY_IMPACT[severity], source=PAGERDUTY)
            extra = {"severity": severity, "sender": source or ""}
    if errors:
        raise Invalid(errors)
    key = dedup_key or uuid.uuid4().hex  # PagerDuty makes one for a trigger without it, and answers it
    return AlertInput(fingerprint=key, state=PAGERDUTY_ACTIONS[action], starts_at="", call=call,
                      source=PAGERDUTY, key_field="dedup_key", extra=tuple(sorted(extra.items())))


def pagerduty_body(body: bytes) -> dict[str, Any]:
    """The event object, or :class:`Invalid` when the body is not one."""
    return _object(body)


def _limit(value: str | None) -> str | None:
    """An id from a free-text field, None when it cannot be one (a client or system id is
    short): the call is then stored unmatched or without its system, never refused."""
    if value is None:
        return None
    value = value.strip()
    return value if 0 < len(value) <= TEXT_MAX else None
