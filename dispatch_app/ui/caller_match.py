"""Finding the caller from a typed phone number, while the services cannot yet.

``services.calls.find_caller`` is the one door once it exists (the intake form prefers it);
this stand-in matches the loaded environment's numbers the way BUNDLE.md says they are
compared: as E.164, whatever format was typed. The region for numbers typed without a
country code is taken from the environment's own numbers (a US MSP's desk types US numbers).
"""
from __future__ import annotations

from dataclasses import dataclass

import phonenumbers

from dispatch_app.domain.model import Contact, Environment


@dataclass(frozen=True)
class LocalCallerMatch:
    client: str
    client_name: str
    contact: Contact | None


def _region(env: Environment) -> str | None:
    for client in env.clients:
        for phone in (*client.phones, *(c.phone for c in client.contacts if c.phone)):
            try:
                region = phonenumbers.region_code_for_number(phonenumbers.parse(phone, None))
            except phonenumbers.NumberParseException:
                continue
            if region and region != "ZZ":
                return region
    return None


def e164(text: str, region: str | None) -> str | None:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def find_caller_in(env: Environment, typed: str) -> LocalCallerMatch | None:
    """A contact's number first (it names the person), then a client's main number."""
    region = _region(env)
    wanted = e164(typed, region)
    if wanted is None:
        return None
    for client in env.clients:
        for contact in client.contacts:
            if contact.phone and e164(contact.phone, region) == wanted:
                return LocalCallerMatch(client.id, client.name, contact)
    for client in env.clients:
        if any(e164(phone, region) == wanted for phone in client.phones):
            return LocalCallerMatch(client.id, client.name, None)
    return None
