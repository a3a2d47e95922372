"""The keyring behind dispatch_app.secrets: in-memory in tests, never a plaintext fallback."""
from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail
from keyring.errors import KeyringLocked

from dispatch_app import secrets
from dispatch_app.errors import DispatchError
from memory_keyring import MemoryKeyring


def test_secrets_round_trip_through_the_keyring(memory_keyring: MemoryKeyring) -> None:
    assert secrets.get_secret(secrets.INTAKE_TOKEN) is None
    secrets.set_secret(secrets.INTAKE_TOKEN, "t0ken")
    assert memory_keyring.secrets[("dispatch-app", "intake-token")] == "t0ken"
    assert secrets.get_secret("intake-token") == "t0ken"
    secrets.delete_secret("intake-token")
    secrets.delete_secret("intake-token")
    assert secrets.get_secret("intake-token") is None
    assert secrets.database_secret_name("dispatch", "db1") == "db:dispatch@db1"
    assert secrets.database_secret_name("dispatch", None) == "db:dispatch@localhost"


@pytest.fixture
def other_keyring(memory_keyring):
    def install(backend):
        keyring.set_keyring(backend)
    yield install
    keyring.set_keyring(memory_keyring)


def test_no_usable_keyring_says_what_to_install(other_keyring) -> None:
    other_keyring(fail.Keyring())
    with pytest.raises(DispatchError, match="no system keyring is available .*GNOME Keyring or KWallet"):
        secrets.set_secret("intake-token", "s3cret-value")
    with pytest.raises(DispatchError, match="'db:dispatch@db1'"):
        secrets.get_secret("db:dispatch@db1")


class LockedKeyring(MemoryKeyring):
    def get_password(self, service, username):
        raise KeyringLocked("locked")

    def set_password(self, service, username, password):
        raise KeyringLocked("locked")


def test_a_locked_keyring_says_to_unlock_it_and_never_shows_the_value(other_keyring) -> None:
    other_keyring(LockedKeyring())
    with pytest.raises(DispatchError, match="locked: unlock it") as caught:
        secrets.set_secret("intake-token", "s3cret-value")
    assert "s3cret-value" not in str(caught.value)
    with pytest.raises(DispatchError, match="locked"):
        secrets.get_secret("intake-token")
