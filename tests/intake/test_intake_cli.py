"""``dispatch-app intake token [--rotate]`` and ``intake serve`` argument handling."""
from __future__ import annotations

import json

import keyring
import pytest
from keyring.backends import fail

from dispatch_app.cli.main import main
from dispatch_app.intake.server import parse_listen
from dispatch_app.services import intake


def test_token_is_made_once_shown_and_rotated(memory_keyring, capsys):
    assert main(["intake", "token"]) == 0
    first = capsys.readouterr().out.strip()
    assert len(first) >= 40 and intake.intake_token() == first
    assert main(["intake", "token"]) == 0
    assert capsys.readouterr().out.strip() == first
    assert main(["intake", "token", "--rotate", "--json"]) == 0
    rotated = json.loads(capsys.readouterr().out)
    assert rotated["new"] and rotated["token"] != first and intake.intake_token() == rotated["token"]
    assert memory_keyring.secrets == {("dispatch-app", "intake-token"): rotated["token"]}


def test_without_a_keyring_one_line_says_what_to_install(memory_keyring, capsys):
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        assert main(["intake", "token", "--rotate"]) == 2
    finally:
        keyring.set_keyring(previous)
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.strip().splitlines()) == 1
    assert "keyring" in captured.err and "install" in captured.err


def test_constant_time_bearer_check():
    assert intake.bearer_matches("Bearer abc", "abc") and intake.bearer_matches("bearer  abc ", "abc")
    for header in (None, "", "abc", "Basic abc", "Bearer abd", "Bearer ab", "Bearer abcd", "Bearer \udcff"):
        assert not intake.bearer_matches(header, "abc")
    assert not intake.bearer_matches("Bearer ", "")


@pytest.mark.parametrize("text, expected", [("127.0.0.1:8765", ("127.0.0.1", 8765)), ("0.0.0.0:80", ("0.0.0.0", 80)),
                                            ("[::1]:9000", ("::1", 9000)), (":9001", ("127.0.0.1", 9001))])
def test_listen_addresses(text, expected):
    assert parse_listen(text) == expected


def test_a_bad_listen_address_exits_2(memory_keyring, capsys, tmp_path):
    assert main(["intake", "serve", "--listen", "localhost", "--db", f"sqlite:///{tmp_path / 'd.db'}"]) == 2
    assert "--listen" in capsys.readouterr().err


def test_a_client_key_is_made_shown_once_listed_by_client_and_rotated(memory_keyring, capsys, northwind_url):
    db = ["--db", northwind_url]
    assert main(["intake", "key", "--client", "acme", *db]) == 0
    first = capsys.readouterr().out.strip()
    assert len(first) >= 40 and memory_keyring.secrets[("dispatch-app", "intake-key:acme")] == first
    assert main(["intake", "key", "--client", "acme", *db]) == 2  # shown once: not again
    captured = capsys.readouterr()
    assert first not in captured.out + captured.err and "--rotate" in captured.err
    assert main(["intake", "key", "--client", "acme", "--rotate", "--json", *db]) == 0
    rotated = json.loads(capsys.readouterr().out)
    assert rotated["client"] == "acme" and rotated["key"] not in (first, "")
    assert main(["intake", "key", "--list", "--json", *db]) == 0
    listed = capsys.readouterr().out
    assert json.loads(listed) == {"clients": ["acme"]} and rotated["key"] not in listed


@pytest.mark.parametrize("args, named", [(["--client", "nobody"], "--client"), ([], "--list"),
                                         (["--client", "acme", "--list"], "--list")])
def test_a_bad_key_request_exits_2_naming_what_is_wrong(memory_keyring, capsys, northwind_url, args, named):
    assert main(["intake", "key", *args, "--db", northwind_url]) == 2
    assert named in capsys.readouterr().err
    assert not [name for _, name in memory_keyring.secrets if name.startswith("intake-key:")]
