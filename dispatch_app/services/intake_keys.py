"""Keys naming the sender: the intake token, or a key of one client (``intake key --client ID``).

A client's key lives in the system keyring (service ``dispatch-app``, user
``intake-key:<client>``) and nowhere else: not in the database, a bundle or a log. A request
signed with it is that client's, whatever its body says. Every key is compared in constant
time, all of them every time, so the answer's timing tells nothing about which one is near.
"""
from __future__ import annotations

import hmac
import logging
import secrets as random_secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dispatch_app import secrets
from dispatch_app.errors import DispatchError, NotFound
from dispatch_app.services.intake import TokenGuard

log = logging.getLogger(__name__)

PREFIX = "intake-key:"


def key_name(client: str) -> str:
    return f"{PREFIX}{client}"


def client_key(client: str) -> str | None:
    return secrets.get_secret(key_name(client))


def make_client_key(db, client: str, *, rotate: bool = False) -> str:
    """:func:`make_key` for a client of the database (``intake key --client ID``)."""
    client = (client or "").strip()
    if client not in client_ids(db):
        raise NotFound(f"--client: no client {client!r} (see dispatch-app env show)")
    return make_key(client, rotate=rotate)


def make_key(client: str, *, rotate: bool = False) -> str:
    """A new key for ``client``, kept in the keyring; refused when it has one and not ``rotate``
    (a key is shown once: it cannot be shown again)."""
    if client_key(client) and not rotate:
        raise DispatchError(f"--client: {client!r} already has an intake key; give --rotate to replace it "
                            "(the old key stops working)")
    key = random_secrets.token_urlsafe(32)
    secrets.set_secret(key_name(client), key)
    return key


def clients_with_keys(clients: Iterable[str]) -> list[str]:
    """Which of ``clients`` have a key (the keyring cannot list its entries)."""
    return [client for client in clients if client_key(client)]


@dataclass(frozen=True)
class Sender:
    """Who signed a request: ``client`` None for the intake token."""

    client: str | None


def _same(presented: bytes, key: str) -> bool:
    return hmac.compare_digest(presented, key.encode("utf-8"))


class SenderKeys:
    """The intake token (through ``guard``) and the clients' keys, read again from the keyring
    at most every ``ttl`` seconds; ``clients`` lists the client ids (read at the same pace)."""

    def __init__(self, guard: TokenGuard, clients: Callable[[], Iterable[str]] = tuple, *, ttl: float = 5.0,
                 fixed: dict[str, str] | None = None) -> None:
        self.guard = guard
        self._clients = clients
        self._ttl = ttl
        self._fixed = fixed
        self._keys: dict[str, str] = {}
        self._read_at = float("-inf")
        self._lock = threading.Lock()

    def _client_keys(self) -> dict[str, str]:
        if self._fixed is not None:
            return self._fixed
        with self._lock:
            if time.monotonic() - self._read_at > self._ttl:
                try:
                    self._keys = {c: k for c in self._clients() if (k := client_key(c))}
                except Exception as error:  # noqa: BLE001 - keep the last ones; the message names no secret
                    log.warning("intake: client keys not read again (%s)", type(error).__name__)
                self._read_at = time.monotonic()
            return self._keys

    def identify(self, presented: str | None) -> Sender | None:
        """The sender of a request presenting ``presented``, or None when it is no key of ours."""
        if not presented:
            return None
        given = presented.strip().encode("utf-8", "surrogateescape")
        token = self.guard.token()
        found: Sender | None = Sender(None) if token and _same(given, token) else None
        for client, key in self._client_keys().items():  # no early exit: constant time in which
            if _same(given, key) and found is None:
                found = Sender(client)
        return found

    def identify_header(self, authorization: str | None, scheme: str) -> Sender | None:
        """The sender of an ``Authorization: <scheme> KEY`` header."""
        if not authorization:
            return None
        given, _, presented = authorization.strip().partition(" ")
        if given.lower() != scheme.lower():
            return None
        return self.identify(presented)


def client_ids(db) -> list[str]:
    """Every client's id (for the keys to read), a query of the clients table only."""
    from sqlalchemy import select

    from dispatch_app.store.tables import ClientRow

    with db.session() as session:
        return list(session.execute(select(ClientRow.id)).scalars())
