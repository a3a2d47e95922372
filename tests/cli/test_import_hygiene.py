"""The quick reads of the command line load only what they need (docs/architecture.md, "The
command line and its fast read path"): each command runs in a fresh interpreter, which then
lists the modules it loaded."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from night import calls_db, calls_url  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[2]
NIGHT = "2026-11-28T05:00:00Z"

HEAVY = ("sqlalchemy.orm", "alembic", "PySide6", "uvicorn", "starlette", "yaml", "keyring", "icalendar",
         "phonenumbers", "dispatch_app.store.tables", "dispatch_app.services.calls", "dispatch_app.ui",
         "dispatch_app.intake", "dispatch_app.bundle.reader", "dispatch_app.bundle.writer")
"""Modules (and their submodules) that no quick read may load."""

_RUN = """
import contextlib, io, json, sys
from dispatch_app.cli.main import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "out": out.getvalue(), "modules": sorted(sys.modules)}))
"""


def run_fresh(url: str, *argv: str) -> tuple[dict, list[str]]:
    """Run ``dispatch-app --db url --json argv`` in a new interpreter: (its JSON, the heavy modules
    it loaded). The keyring is allowed for a PostgreSQL URL without a password: CLI.md has the
    password read from it then."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", _RUN, "--db", url, "--json", *argv], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["code"] == 0, done.stderr
    allowed = ("keyring",) if make_url(url).get_backend_name() == "postgresql" and make_url(url).password is None else ()
    assert "sqlalchemy" in report["modules"]  # it did read the database, through Core
    return json.loads(report["out"]), heavy(report["modules"], allowed)


def heavy(modules: list[str], allowed: tuple[str, ...] = ()) -> list[str]:
    listed = [h for h in HEAVY if h not in allowed]
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in listed)]


@pytest.fixture
def night_url(calls_url, calls_db):
    from dispatch_app.services import calls

    calls.record_call(calls_db, actor="jordan", summary="line 3 stopped", client="acme", system="erp-plc",
                      impact="down", at=_night())
    calls.record_call(calls_db, actor="jordan", summary="printer jam", client="acme", impact="single-user",
                      at=_night())
    return calls_url


def _night():
    from datetime import datetime, timezone

    return datetime(2026, 11, 28, 5, tzinfo=timezone.utc)


def test_a_what_if_triage_loads_no_orm_no_migrations_no_gui(night_url):
    answer, loaded = run_fresh(night_url, "triage", "--client", "acme", "--system", "erp-plc", "--impact", "down",
                               "--at", NIGHT, "--as", "jordan")
    assert answer["verdict"] in ("handle", "escalate", "defer") and answer["client"] == "acme"
    assert loaded == []


def test_oncall_loads_no_orm_no_calendar_no_gui(night_url):
    answer, loaded = run_fresh(night_url, "oncall", "--at", NIGHT)
    assert answer["at"] == NIGHT and answer["rotations"]
    assert loaded == []


def test_the_open_queue_loads_no_orm_and_not_the_writes(night_url):
    answer, loaded = run_fresh(night_url, "calls", "--open", "--at", NIGHT)
    assert [c["summary"] for c in answer["calls"]][:1] == ["line 3 stopped"] and len(answer["calls"]) == 2
    assert loaded == []


def test_the_list_catches_a_heavy_module():
    """The check itself: a command that writes does load the ORM."""
    assert heavy(["sqlalchemy", "sqlalchemy.orm.session", "yaml", "keyring"]) == ["sqlalchemy.orm.session", "yaml",
                                                                                "keyring"]
    assert heavy(["keyring.core", "yaml"], allowed=("keyring",)) == ["yaml"]
