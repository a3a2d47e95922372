"""Every subcommand against hostile values: exit 2, one line on stderr, no traceback, nothing written.

The commands, their variants (``call add``, ``shift list``, ...) and their options are read from the
real parser (``cli.main.build_parser``), so a new command or option is walked without a change here;
the values tried depend on the option's argument type (``cli.arguments``).
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from dispatch_app.cli import arguments
from dispatch_app.cli.main import build_parser, main
from dispatch_app.services import inputs
from night import northwind_url  # noqa: F401 - fixture

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"
ROOT = Path(__file__).resolve().parents[2]
NIGHT = "2026-11-28T05:00:00Z"
MEGABYTE = "x" * (1 << 20)
UNDECODABLE = b"caf\xe9".decode("utf-8", "surrogateescape")  # what Python makes of a Latin-1 argument

INSTANTS = ["0001-01-01T00:00", "0001-01-01T00:00+05:00", "9999-12-31T23:59", "9999-12-31", "1969-12-31T23:00Z",
            "2200-01-01", "2026-02-30", "yesterday", ""]
IDS = [str(2**63), str(2**64), str(2**31), "-5", "0", "", "1e3", "١٢"]
COUNTS = ["-5", "0", "", str(2**63)]
EVERYWHERE = ["a\x00b", UNDECODABLE, MEGABYTE]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exit_:  # argparse refusals
            code = exit_.code
    return code, out.getvalue(), err.getvalue()


# ---------------------------------------------------------------- the walk, from the parser


@dataclass(frozen=True)
class Variant:
    """One way to call a command: its words (``call add``) and the parser that reads the rest."""

    words: tuple[str, ...]
    parser: argparse.ArgumentParser

    @property
    def name(self) -> str:
        return " ".join(self.words)


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def _positionals(parser) -> list[argparse.Action]:
    return [a for a in parser._actions if not a.option_strings]


def _options(parser) -> list[argparse.Action]:
    return [a for a in parser._actions if a.option_strings and a.nargs != 0 and a.dest != "help"]


def variants() -> list[Variant]:
    """Each subcommand, once per choice of its first positional when that has choices."""
    found = []
    for name, parser in _subcommands().items():
        first = _positionals(parser)[:1]
        if first and first[0].choices:
            found += [Variant((name, choice), parser) for choice in first[0].choices]
        else:
            found.append(Variant((name,), parser))
    return found


def _valid(action: argparse.Action) -> str:
    """A value the action accepts, for filling what a variant requires."""
    if action.choices:
        return next(iter(action.choices))
    kind = getattr(action.type, "__name__", "")
    if kind == "instant":
        return {"end": "2026-11-29T00:00Z", "range_end": "2026-11-29T00:00Z"}.get(action.dest, NIGHT)
    if kind in ("record_id", "count"):
        return "1"
    return {"tech": "alex", "client": "acme", "key": "acme"}.get(action.dest, "x")


def _label(action: argparse.Action) -> str:
    return max(action.option_strings, key=len) if action.option_strings else (action.metavar or action.dest)


def hostile_values(action: argparse.Action) -> list[str]:
    kind = getattr(action.type, "__name__", "")
    values = list(EVERYWHERE)
    if kind == "instant":
        values += INSTANTS
    elif kind == "record_id":
        values += IDS
    elif kind == "count":
        values += COUNTS
    elif kind == "database_url":
        values += ["garbage://x", "garbage://user:secret@host/db", "x", "", "SQLITE:///x.db"]
    elif kind.startswith("text_"):
        values.append("y" * (int(kind.split("_")[1]) + 1))
        if getattr(action.type, "required", False):
            values += ["", "   "]
    return values


def _base(variant: Variant, target: argparse.Action | None, value: str | None) -> list[str]:
    """``variant``'s words, what it requires, and ``value`` for ``target``."""
    argv = list(variant.words)
    positionals = _positionals(variant.parser)[len(variant.words) - 1:]
    if target in positionals:
        upto = positionals.index(target)
        argv += [_valid(p) for p in positionals[:upto]] + [value]
        argv += [_valid(p) for p in positionals[upto + 1:] if p.nargs is None]
    else:
        argv += [_valid(p) for p in positionals if p.nargs is None]
    for option in _options(variant.parser):
        if option.required and option is not target:
            argv += [option.option_strings[-1], _valid(option)]
    if target is not None and target.option_strings:
        option = _label(target)
        argv += [f"{option}={value}"] if value.startswith("-") else [option, value]
    return argv


def assert_refused(argv: list[str], *names: str) -> str:
    code, out, err = run(*argv)
    shown = [a[:60] for a in argv]
    assert code == 2, (shown, code, err[:300])
    assert "Traceback" not in err and "internal error" not in err, (shown, err[:300])
    lines = err.strip().splitlines()
    assert len(lines) == 1, (shown, err[:300])
    assert any(name in lines[0] for name in names), (shown, names, lines[0][:300])
    assert out == "", (shown, out[:300])
    return lines[0]


@pytest.fixture(autouse=True)
def _one_parser_per_command(monkeypatch):
    """``main`` builds its parser on every call (a process runs one command); the walk makes
    thousands of calls, so each command's parser is built once and reused. Same parser, same main."""
    built = {}
    real = build_parser

    def cached(only=None):
        if only not in built:
            built[only] = real(only)
        return built[only]
    monkeypatch.setattr("dispatch_app.cli.main.build_parser", cached)


# ---------------------------------------------------------------- the database they run against


def _fingerprint(url: str) -> str:
    code, calls, err = run("--db", url, "--json", "--at", NIGHT, "calls")
    assert code == 0, err
    code, shifts, err = run("--db", url, "--json", "shift", "list", "--limit", "100")
    assert code == 0, err
    return calls + shifts


@pytest.fixture
def northwind(northwind_url, tmp_path):
    """Northwind with a call, and ``jordan`` (who recorded it) made inactive by a ``--replace`` import."""
    db_url = northwind_url
    code, _, err = run("--db", db_url, "--as", "jordan", "--at", NIGHT, "call", "add", "--client", "acme",
                       "--summary", "line 3 stopped")
    assert code == 0, err
    without = tmp_path / "without-jordan.yaml"
    text = (EXAMPLES / "northwind.yaml").read_text(encoding="utf-8")
    without.write_text("\n".join(line for line in text.splitlines() if "id: jordan" not in line) + "\n",
                       encoding="utf-8")
    code, _, err = run("--db", db_url, "--as", "dana", "import", "--replace", str(without))
    assert code == 0, err
    return db_url


# ---------------------------------------------------------------- the tests


def test_every_option_of_every_command_refuses_hostile_values(northwind):
    before = _fingerprint(northwind)
    walked, tried = set(), 0
    for variant in variants():
        for action in _positionals(variant.parser)[len(variant.words) - 1:] + _options(variant.parser):
            if action.nargs == "*" or (action.choices and not action.option_strings):
                continue  # handoff's words: below; a choice of words: a variant of its own
            for value in hostile_values(action):
                if action.choices and value == "":
                    continue
                argv = ["--db", northwind, *_base(variant, action, value)]
                position = f"argument {argv.index(value) + 1}" if value in argv else "-"
                assert_refused(argv, _label(action), str(action.dest), position)
                walked.add(variant.name)
                tried += 1
    assert {v.name for v in variants()} <= walked
    assert len(walked) > 30 and tried > 1500
    assert _fingerprint(northwind) == before


def test_handoff_shift_ids_are_record_ids(northwind):
    for words in ([], ["acknowledge"], ["review"]):
        for value in IDS + ["abc"]:
            line = assert_refused(["--db", northwind, "handoff", *words, value], "SHIFT_ID")
            assert line.startswith("dispatch-app: handoff")
        for value in EVERYWHERE:
            assert_refused(["--db", northwind, "handoff", *words, value], f"argument {4 + len(words)}")


def test_the_common_options_are_checked_before_or_after_the_command(northwind):
    for value in ["9999-12-31T23:59", "0001-01-01T00:00+05:00", "2026-11-28T05:00:00+25:00"]:
        assert_refused(["--db", northwind, "--at", value, "oncall"], "--at")
        assert_refused(["--db", northwind, "oncall", "--at", value], "--at")
    line = assert_refused(["--db", "garbage://user:secret@host/db", "oncall"], "--db")
    assert "garbage" in line and "secret" not in line and "postgresql+psycopg://" in line


def test_instants_at_the_edges_of_the_range_are_taken(northwind):
    for value in ["1970-01-01T00:00Z", "1970-01-01", "2199-12-31T23:59:59-12:00", "2199-12-31"]:
        code, _, err = run("--db", northwind, "--at", value, "--json", "oncall")
        assert code == 0, (value, err)
    code, _, err = run("--db", northwind, "--json", "gaps", "--from", "2199-12-01", "--to", "2199-12-31T23:59")
    assert code == 0, err


NOT_ON_THE_RECORD = {"intake", "schema"}
"""Commands that never open the database act as nobody and ignore ``--as`` (docs/cli.md): serving
the intake, its token, the bundle's JSON Schema."""


def test_ask_as_an_unknown_or_inactive_technician_is_refused_for_reads_too(northwind):
    """``--as`` must name an active technician for every command that reads or writes the
    record (the anonymous dispatcher, without ``--as``, stays allowed)."""
    before = _fingerprint(northwind)
    bases = {
        "call add": ["--client", "acme", "--summary", "x"], "call show": ["1"], "triage": ["1"],
        "runbooks": ["--stale"], "runbooks reviewed": ["acme/x"], "handoff": ["1"],
        "report figures": ["--from", NIGHT, "--to", "2026-11-29"],
        "report what-if-leave": ["--from", NIGHT, "--to", "2026-11-29", "--tech", "alex"],
        "shift note": ["x"], "import": [str(EXAMPLES / "northwind.yaml")],
    }
    checked = []
    for variant in variants():
        if variant.words[0] in NOT_ON_THE_RECORD:
            continue
        extra = bases.get(variant.name)
        argv = list(variant.words) + extra if extra is not None else _base(variant, None, None)
        for who in ("ghost", "jordan"):
            line = assert_refused(["--db", northwind, "--as", who, *argv], who)
            assert "--as" in line or variant.name == "import", (variant.name, line)
            assert ("inactive" in line) == (who == "jordan"), line
        checked.append(variant.name)
    assert "calls" in checked and "oncall" in checked and "verify" in checked and "history technicians" in checked
    assert _fingerprint(northwind) == before
    code, _, err = run("--db", northwind, "--at", NIGHT, "calls")  # nobody named: the anonymous dispatcher
    assert code == 0, err


def test_history_of_a_record_that_never_was_is_refused(northwind):
    for kind in _positionals(_subcommands()["history"])[0].choices:
        key = {"systems": "acme/nope", "runbooks": "acme/nope", "overrides": "99"}.get(kind, "nope")
        assert_refused(["--db", northwind, "history", kind, key], key)
    assert_refused(["--db", northwind, "history", "overrides", str(2**63)], str(2**63))
    code, out, err = run("--db", northwind, "history", "clients", "acme")  # imported, never edited
    assert code == 0 and "No recorded changes" in out, err
    code, out, err = run("--db", northwind, "--json", "history", "technicians", "jordan")  # inactive, still kept
    assert code == 0, err
    assert json.loads(out)["changes"] == []


def test_call_add_takes_the_intakes_field_limits(northwind):
    before = _fingerprint(northwind)
    limits = {"--caller-name": inputs.TEXT_MAX, "--external-id": inputs.TEXT_MAX, "--client": inputs.TEXT_MAX,
              "--system": inputs.TEXT_MAX, "--caller-phone": inputs.TEXT_MAX, "--source": inputs.SOURCE_MAX,
              "--summary": inputs.SUMMARY_MAX}
    for option, maximum in limits.items():
        argv = {"--client": "acme", "--summary": "x"}
        if option == "--caller-phone":
            del argv["--client"]
        argv[option] = "y" * (maximum + 1)
        flat = [item for pair in argv.items() for item in pair]
        line = assert_refused(["--db", northwind, "--at", NIGHT, "call", "add", *flat], option)
        assert f"at most {maximum}" in line
    assert _fingerprint(northwind) == before
    code, _, err = run("--db", northwind, "--at", NIGHT, "--json", "call", "add", "--client", "acme",
                       "--summary", "y" * inputs.SUMMARY_MAX, "--caller-name", "z" * inputs.TEXT_MAX)
    assert code == 0, err


def test_the_parser_uses_the_checked_types(northwind):
    """A new option taking an instant, an id or a count must use the type that checks it."""
    for variant in variants():
        for action in _options(variant.parser) + _positionals(variant.parser):
            kind = getattr(action.type, "__name__", "")
            if action.metavar == "INSTANT":
                assert kind == "instant", (variant.name, action.dest)
            if action.metavar in ("CALL_ID", "SHIFT_ID") and action.nargs != "*":
                assert kind == "record_id", (variant.name, action.dest)
            if action.dest == "limit":
                assert kind == "count", (variant.name, action.dest)


# ---------------------------------------------------------------- bytes from a real shell


def _subprocess(argv: list[bytes], **env: bytes) -> subprocess.CompletedProcess:
    environ = {**os.environb, b"PYTHONPATH": str(ROOT).encode(), **{k.encode(): v for k, v in env.items()}}
    return subprocess.run([sys.executable.encode(), b"-m", b"dispatch_app", *argv], capture_output=True,
                          env=environ, timeout=60)


def test_arguments_that_are_not_utf8_are_refused_by_name(northwind, tmp_path):
    if not northwind.startswith("sqlite"):
        pytest.skip("bytes of the command line do not depend on the database")
    before = _fingerprint(northwind)
    log_home = tmp_path / "state"
    url = northwind.encode()
    cases = [
        ([b"call", b"add", b"--client", b"acme", b"--summary", b"caf\xe9 down"], b"--summary"),
        ([b"note", b"1", b"caf\xe9"], b"argument 5"),
        ([b"call", b"add", b"--client=acm\xe9", b"--summary", b"x"], b"--client"),
        ([b"history", b"clients", b"\xff\xfe"], b"argument 5"),
    ]
    for argv, name in cases:
        done = _subprocess([b"--db", url, *argv], XDG_STATE_HOME=str(log_home).encode())
        assert done.returncode == 2, done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and name in lines[0] and b"UTF-8" in lines[0], done.stderr
        assert b"Traceback" not in done.stderr and b"Logging error" not in done.stderr
        assert done.stdout == b""
    for logged in log_home.rglob("*"):  # nothing may be logged about a refused argument
        assert not logged.is_file() or b"caf" not in logged.read_bytes(), logged
    done = _subprocess([b"calls"], DISPATCH_DB=b"sqlite:///" + str(tmp_path).encode() + b"/caf\xe9.db")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert b"UTF-8" in done.stderr and b"Traceback" not in done.stderr
    assert _fingerprint(northwind) == before


def test_the_argument_types_hold_their_limits():
    assert arguments.ARGUMENT_MAX > inputs.NOTE_MAX
    for text in ["1", str(inputs.ID_MAX)]:
        assert arguments.record_id(text) == int(text)
    for text in [str(inputs.ID_MAX + 1), "0", "-1", "+1 ", "1_000"]:
        with pytest.raises(argparse.ArgumentTypeError):
            arguments.record_id(text)
