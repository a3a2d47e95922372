"""The intake on a real uvicorn server on 127.0.0.1 (a free port), spoken to with httpx.

``intake`` serves a northwind database (SQLite, then PostgreSQL) from a thread of the test
process; ``throwaway_postgres`` is a PostgreSQL server of the test's own, to be stopped.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from dispatch_app.intake.server import IntakeServer
from dispatch_app.services import intake as intake_service
from dispatch_app.store import Database
from intake_helpers import Intake, ThrowawayPostgres, free_port
from night import northwind_url  # noqa: F401 - fixture


@pytest.fixture
def intake(northwind_url: str, memory_keyring) -> Iterator[Intake]:  # noqa: F811
    token = intake_service.rotate_token()
    db = Database(northwind_url)
    server = IntakeServer(db, host="127.0.0.1", port=0)
    server.start()
    try:
        yield Intake(f"http://127.0.0.1:{server.port}", token, db, server)
    finally:
        server.stop()
        db.dispose()


@pytest.fixture
def throwaway_postgres() -> Iterator[ThrowawayPostgres]:
    import glob

    found = [Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin") if (Path(p) / "pg_ctl").exists()]
    if not found:
        pytest.skip("PostgreSQL server binaries not found")
    bindir = max(found, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    base = Path(tempfile.mkdtemp(prefix="dispatch-pg-stop-"))
    as_postgres: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    server = ThrowawayPostgres(bindir, base / "data", base, free_port(), as_postgres)
    subprocess.run([*as_postgres, str(bindir / "initdb"), "-D", str(server.data), "-A", "trust", "-U", "postgres",
                    "--no-sync"], check=True, capture_output=True)
    server.start()
    try:
        yield server
    finally:
        subprocess.run([*as_postgres, str(bindir / "pg_ctl"), "-D", str(server.data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
