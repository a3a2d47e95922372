"""What the CLI writes and shows when someone attacks it: output files, the log, the terminal."""
from __future__ import annotations

import contextlib
import errno
import io
import json
import logging
import os
import stat
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from dispatch_app import files
from dispatch_app.cli.main import main
from night import northwind_url  # noqa: F401 - fixture

RANGE = ("--from", "2026-11-27T00:00Z", "--to", "2026-12-04T00:00Z")

# command -> (argv before the target, the option naming it, the target's extension)
WRITERS = {
    "export": (["export"], None, ".yaml"),
    "oncall-calendar": (["oncall-calendar", *RANGE], "--out", ".ics"),
    "handoff": (["handoff", *RANGE], "-o", ".md"),
    "report": (["report", "figures", *RANGE, "--as", "morgan"], "--csv", ".csv"),
}


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exit_:
            code = exit_.code
    return code, out.getvalue(), err.getvalue()


def write(url, command, target):
    before, option, _ = WRITERS[command]
    return run("--db", url, *before, *([option] if option else []), str(target))


def refused(code, err, *words):
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    for word in words:
        assert word in err, err


def temporaries(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("command", WRITERS)
def test_each_writing_command_writes_only_a_regular_file_whole(northwind_url, tmp_path, monkeypatch, command):
    url, suffix = northwind_url, WRITERS[command][2]

    # a device: refused, /dev/null still the device it was
    null = os.stat("/dev/null")
    code, _, err = write(url, command, "/dev/null")
    assert code == 2 and "Traceback" not in err
    assert os.stat("/dev/null").st_ino == null.st_ino and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    link_to_device = tmp_path / f"null{suffix}"
    link_to_device.symlink_to("/dev/null")
    refused(*write(url, command, link_to_device)[::2], "symbolic link", "/dev/null")
    assert link_to_device.is_symlink()

    # a folder and a FIFO (writing to a FIFO in place would hang until a reader came)
    folder = tmp_path / f"folder{suffix}"
    folder.mkdir()
    refused(*write(url, command, folder)[::2], "it is a folder")
    assert not list(folder.iterdir())
    fifo = tmp_path / f"pipe{suffix}"
    os.mkfifo(fifo)
    refused(*write(url, command, fifo)[::2], "named pipe")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)

    # a symbolic link to a regular file: refused (documented), the file it points at unchanged
    real = tmp_path / f"real{suffix}"
    real.write_text("kept\n")
    link = tmp_path / f"link{suffix}"
    link.symlink_to(real)
    refused(*write(url, command, link)[::2], "symbolic link", str(real))
    assert link.is_symlink() and real.read_text() == "kept\n"

    # a regular file keeps its mode
    target = tmp_path / f"out{suffix}"
    target.write_text("old\n")
    target.chmod(0o640)
    code, _, err = write(url, command, target)
    assert code == 0, err
    written = target.read_bytes()
    assert written and written != b"old\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640

    # the disk fills up while writing: the good file stays byte for byte, no temporary left
    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "fsync", full)
    code, _, err = write(url, command, target)
    monkeypatch.undo()
    refused(code, err, str(target), "No space left on device")
    assert target.read_bytes() == written
    assert temporaries(tmp_path) == []


@pytest.fixture
def log_folder(tmp_path, monkeypatch):
    """The user log folder under tmp_path; the handlers a bug report adds are removed afterwards."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    logger = logging.getLogger("dispatch_app")
    before = list(logger.handlers)
    yield tmp_path / "state" / "dispatch-app" / "log"
    for handler in logger.handlers[len(before):]:
        handler.close()
        logger.removeHandler(handler)


def test_a_bug_report_is_one_line_and_the_log_private_without_password_or_values(
        northwind_url, log_folder, monkeypatch, request):
    url = northwind_url
    secret = "TOP-SECRET-SUMMARY"
    admin = create_engine(url, poolclass=NullPool)
    if url.startswith("postgresql"):  # a login with a password, the way a shared desk connects
        name, password = request.getfixturevalue("postgresql_role")
        with admin.begin() as connection:
            connection.execute(text(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {name}"))
            connection.execute(text(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {name}"))
        url = make_url(url).set(username=name, password=password).render_as_string(hide_password=False)
        assert password in url
    else:
        password = None
    with admin.begin() as connection:  # something no rule of the program expects: a bug's shape
        if admin.dialect.name == "postgresql":
            connection.execute(text(f"ALTER TABLE calls ADD CONSTRAINT guard CHECK (summary <> '{secret}')"))
        else:
            connection.execute(text(f"CREATE TRIGGER guard BEFORE INSERT ON calls WHEN new.summary = '{secret}' "
                                    "BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END"))
    admin.dispose()
    log_folder.mkdir(parents=True)
    log = log_folder / "dispatch-app.log"
    log.write_text("an older line\n")
    log.chmod(0o644)  # left looser by an older version: tightened
    argv = ["--db", url, "call", "add", "--client", "acme", "--summary", secret]
    monkeypatch.setattr(sys, "argv", ["dispatch-app", *argv])
    try:
        code, out, err = run(*argv)
    finally:
        if password:  # the role's grants go before the role does
            admin = create_engine(northwind_url, poolclass=NullPool)
            with admin.begin() as connection:
                connection.execute(text(f"DROP OWNED BY {make_url(url).username}"))
            admin.dispose()

    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("dispatch-app: internal error (IntegrityError") and str(log) in lines[0]
    for leak in ("SELECT", "INSERT", "[SQL", "parameters", secret, *([password] if password else [])):
        assert leak not in err, err
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    content = log.read_text()
    assert "an older line" in content and "Traceback" in content and "INSERT INTO calls" in content
    assert "[SQL parameters hidden" in content
    if password:
        assert password not in content
        assert f"{make_url(url).username}:***@" in content
        assert "Failing row contains" not in content
    assert content.count(secret) == 1  # the command line as given; never a statement's values


def test_a_new_log_file_is_0600(northwind_url, log_folder, monkeypatch):
    admin = create_engine(northwind_url, poolclass=NullPool)
    with admin.begin() as connection:
        connection.execute(text("DROP TABLE call_events"))  # the record's table gone: a bug, not bad input
        connection.execute(text("DROP TABLE calls"))
    admin.dispose()
    code, _, err = run("--db", northwind_url, "calls")
    assert code == 1 and len(err.strip().splitlines()) == 1, err
    assert "[SQL" not in err and "SELECT" not in err
    log = log_folder / "dispatch-app.log"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log_folder.stat().st_mode) == 0o700


@pytest.mark.parametrize("url", ["postgresql+psycopg://u:s3cret@127.0.0.1:1/db",      # nobody listens
                                 "postgresql+psycopg://u:s3cret@127.0.0.1:port/db",   # no port number
                                 "bogus://u:s3cret@127.0.0.1/db"])
def test_a_password_in_a_refused_db_url_is_not_echoed(url):
    code, _, err = run("--db", url, "oncall")
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert "s3cret" not in err, err


def test_control_characters_in_a_summary_are_shown_escaped_and_kept_in_json(northwind_url):
    summary = "printer down\n#999   P1  new  acme/forged line\x1b[2J\u202eevil"
    code, _, err = run("--db", northwind_url, "call", "add", "--client", "acme", "--summary", summary,
                       "--at", "2026-11-28T05:00Z")
    assert code == 0, err
    code, out, err = run("--db", northwind_url, "calls", "--at", "2026-11-28T05:10Z")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 1, out
    assert "\x1b" not in out and "\u202e" not in out
    assert "printer down\\n#999   P1  new  acme/forged line\\x1b[2J\\u202eevil" in lines[0]
    code, out, _ = run("--db", northwind_url, "calls", "--json", "--at", "2026-11-28T05:10Z")
    assert json.loads(out)["calls"][0]["summary"] == summary
    code, out, _ = run("--db", northwind_url, "call", "show", "1", "--at", "2026-11-28T05:10Z")
    assert code == 0 and "\x1b" not in out and "forged line\\x1b" in out
    assert not any(line.startswith("#999") for line in out.splitlines())


def test_an_error_echoing_outside_text_shows_it_escaped(northwind_url):
    code, _, err = run("--db", northwind_url, "triage", "--client", "nope\x1b[2J")
    assert code == 2
    assert "\x1b" not in err and len(err.strip().splitlines()) == 1, err


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_document_on_a_terminal_has_its_controls_escaped_and_is_exact_in_a_pipe(northwind_url):
    code, _, err = run("--db", northwind_url, "call", "add", "--client", "acme", "--summary", "clear\x1b[2Jscreen",
                       "--at", "2026-11-28T05:00Z")
    assert code == 0, err
    argv = ["--db", northwind_url, "handoff", "--from", "2026-11-28T04:00Z", "--to", "2026-11-28T06:00Z"]
    terminal = Terminal()
    with contextlib.redirect_stdout(terminal):
        assert main(argv) == 0
    assert "\x1b" not in terminal.getvalue() and "clear\\x1b[2Jscreen" in terminal.getvalue()
    assert "\n" in terminal.getvalue()  # the document keeps its lines
    code, piped, _ = run(*argv)
    assert code == 0 and "clear\x1b[2Jscreen" in piped
