"""Bad input through the command line: exit 2, one line per problem, nothing half-written."""
from __future__ import annotations

import contextlib
import io
import json
import socket
from pathlib import Path

import pytest

from dispatch_app.cli.main import main

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exit_:  # argparse refusals
            code = exit_.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def northwind(db_url):
    code, _, err = run("--db", db_url, "import", str(EXAMPLES / "northwind.yaml"))
    assert code == 0, err
    return db_url


def assert_refused(code, err, *words):
    assert code == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines, "no message"
    for word in words:
        assert word in err, err


@pytest.mark.parametrize("argv, words", [
    (["triage", "--client", "nope"], ["nope"]),
    (["triage", "--client", "acme", "--system", "nope"], ["nope", "acme"]),
    (["triage", "--client", "acme", "--impact", "melted"], ["impact", "melted"]),
    (["triage", "--client", "acme", "--at", "yesterday"], ["--at", "yesterday"]),
    (["triage", "--client", "acme", "--as", "ghost"], ["ghost"]),
    (["gaps", "--from", "2026-12-02T00:00Z", "--to", "2026-12-01T00:00Z"], ["--to"]),
    (["gaps", "--from", "2026-12-01", "--to", "2026-12-02", "--client", "nope"], ["nope"]),
    (["triage"], ["--client"]),
    (["oncall", "--bogus"], ["--bogus"]),
])
def test_bad_input_is_one_line_and_exit_2(northwind, argv, words):
    code, out, err = run("--db", northwind, *argv)
    assert_refused(code, err, *words)
    assert len(err.strip().splitlines()) == 1
    assert out == ""


def test_refused_import_lists_every_error_and_changes_nothing(northwind, tmp_path):
    bad = (EXAMPLES / "northwind.yaml").read_text(encoding="utf-8")
    bad = bad.replace("{tech: lee, role: secondary}", "{tech: dana2, role: secondary}")
    bad = bad.replace("fix_level: 2\n        experts:\n          - {tech: alex, role: primary}",
                      "fix_level: 9\n        experts:\n          - {tech: alex, role: primary}")
    bad = bad.replace('business_hours: "mon-fri 07:00-18:00"', 'business_hours: "weekdays 7-6"')
    path = tmp_path / "bad.yaml"
    path.write_text(bad, encoding="utf-8")
    before = run("--db", northwind, "--json", "oncall", "--at", "2026-11-28T05:00:00Z")[1]
    code, _, err = run("--db", northwind, "--as", "dana", "import", str(path))
    assert_refused(code, err, "dana2", "clients[0].systems[0].experts[1].tech", "fix_level", "business_hours")
    assert len(err.strip().splitlines()) >= 3
    after = run("--db", northwind, "--json", "oncall", "--at", "2026-11-28T05:00:00Z")[1]
    assert before == after


def test_a_write_needs_a_role(northwind):
    code, _, err = run("--db", northwind, "import", str(EXAMPLES / "northwind.yaml"))
    assert_refused(code, err, "lead")
    code, _, err = run("--db", northwind, "--as", "jordan", "import", str(EXAMPLES / "northwind.yaml"))
    assert_refused(code, err, "lead", "jordan")
    code, _, err = run("--db", northwind, "--as", "dana", "import", str(EXAMPLES / "northwind.yaml"))
    assert code == 0, err


def test_missing_bundle_file(db_url, tmp_path):
    code, _, err = run("--db", db_url, "import", str(tmp_path / "nothing.yaml"))
    assert_refused(code, err, "nothing.yaml")


def test_unreachable_database_is_one_line():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, _, err = run("--db", f"postgresql+psycopg://dispatch@127.0.0.1:{port}/dispatch", "oncall")
    assert_refused(code, err, "database")
    assert len(err.strip().splitlines()) == 1


def test_export_then_import_gives_the_same_answers(northwind, tmp_path, db_url):
    out = tmp_path / "round.yaml"
    code, _, err = run("--db", northwind, "export", str(out))
    assert code == 0, err
    other = f"sqlite:///{tmp_path / 'other.db'}"
    code, _, err = run("--db", other, "import", str(out))
    assert code == 0, err
    answers = [
        json.loads(run("--db", db, "--json", "gaps", "--from", "2026-12-24T00:00:00Z", "--to", "2026-12-27T00:00:00Z")[1])
        for db in (northwind, other)
    ]
    assert answers[0] == answers[1] and answers[0]["gaps"]


def test_a_reader_that_goes_away_is_not_an_error(northwind):
    import os
    import subprocess
    import sys

    read_end, write_end = os.pipe()
    os.close(read_end)  # like `| head` that has already exited
    try:
        done = subprocess.run([sys.executable, "-m", "dispatch_app", "--db", northwind, "--json", "oncall"],
                              stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert done.returncode == 0
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
