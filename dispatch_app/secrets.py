"""Secrets in the system keyring (service ``dispatch-app``), behind this one module.

Names in use: ``intake-token`` and ``db:{user}@{host}`` (a PostgreSQL password). Values are
never logged, never put in an exception message, and never written anywhere else: when no
keyring is usable the caller gets a :class:`DispatchError` saying what to install or unlock,
not a plaintext fallback.
"""
from __future__ import annotations

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends import fail, null

from dispatch_app.errors import DispatchError

SERVICE = "dispatch-app"
INTAKE_TOKEN = "intake-token"
TWILIO_AUTH_TOKEN = "twilio-auth-token"

_INSTALL = (
    "install and start a Secret Service provider (GNOME Keyring or KWallet) on Linux; "
    "macOS and Windows have one built in"
)


def database_secret_name(user: str, host: str | None) -> str:
    """The keyring name of the password of PostgreSQL ``user`` on ``host``."""
    return f"db:{user}@{host or 'localhost'}"


def get_secret(name: str) -> str | None:
    """The secret called ``name``, or None when the keyring holds none."""
    backend = _usable_backend(name)
    try:
        return backend.get_password(SERVICE, name)
    except keyring.errors.KeyringLocked:
        raise _locked(name) from None
    except keyring.errors.KeyringError as error:
        raise _failed(name, error) from None


def set_secret(name: str, value: str) -> None:
    """Keep ``value`` under ``name`` in the system keyring."""
    backend = _usable_backend(name)
    try:
        backend.set_password(SERVICE, name, value)
    except keyring.errors.KeyringLocked:
        raise _locked(name) from None
    except keyring.errors.KeyringError as error:
        raise _failed(name, error) from None


def delete_secret(name: str) -> None:
    """Forget ``name``; nothing happens when the keyring holds no such secret."""
    backend = _usable_backend(name)
    try:
        backend.delete_password(SERVICE, name)
    except keyring.errors.PasswordDeleteError:
        return
    except keyring.errors.KeyringLocked:
        raise _locked(name) from None
    except keyring.errors.KeyringError as error:
        raise _failed(name, error) from None


def _usable_backend(name: str) -> KeyringBackend:
    try:
        backend = keyring.get_keyring()
    except keyring.errors.KeyringError as error:
        raise _failed(name, error) from None
    if isinstance(backend, (fail.Keyring, null.Keyring)):
        raise DispatchError(
            f"no system keyring is available to keep the secret '{name}': {_INSTALL}, then try again"
        )
    return backend


def _locked(name: str) -> DispatchError:
    return DispatchError(f"the system keyring is locked: unlock it to use the secret '{name}', then try again")


def _failed(name: str, error: Exception) -> DispatchError:
    # The keyring's own message never holds the secret itself, only what went wrong.
    reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    return DispatchError(
        f"the system keyring cannot be used for the secret '{name}' ({reason}): unlock it or {_INSTALL}"
    )
