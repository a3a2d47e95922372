"""Shared fixtures: an in-memory keyring, a real PostgreSQL server, a database per test.

``db_url`` runs a test on SQLite (a temporary file) and on PostgreSQL (a fresh database on
the server this session starts); ``-m "not postgresql"`` leaves PostgreSQL out. Without the
server binaries the PostgreSQL cases are skipped, except under CI (``CI=true``), where that
is a failure.
"""
from __future__ import annotations

import glob
import itertools
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import keyring
import psycopg
import pytest

from dispatch_app.store import Database
from memory_keyring import MemoryKeyring


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgresql: runs on the PostgreSQL server started by the test session")


# ---------------------------------------------------------------- keyring


@pytest.fixture(scope="session", autouse=True)
def _memory_keyring_installed() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring(_memory_keyring_installed: MemoryKeyring) -> Iterator[MemoryKeyring]:
    """The session's in-memory keyring, emptied after the test."""
    yield _memory_keyring_installed
    _memory_keyring_installed.secrets.clear()


# ---------------------------------------------------------------- PostgreSQL


@dataclass
class PostgresServer:
    """A throwaway server: the superuser ``postgres`` connects without a password over TCP
    on 127.0.0.1; every other role needs its password (scram-sha-256)."""

    host: str
    port: int
    socket_dir: Path
    _names: Iterator[int] = field(default_factory=itertools.count)

    def admin(self, dbname: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(host=str(self.socket_dir), port=self.port, user="postgres", dbname=dbname,
                               autocommit=True)

    def url(self, dbname: str, user: str = "postgres") -> str:
        return f"postgresql+psycopg://{user}@{self.host}:{self.port}/{dbname}"

    def create_database(self) -> str:
        name = f"test_{next(self._names)}"
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _server_binaries() -> Path | None:
    found = [Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin") if (Path(p) / "pg_ctl").exists()]
    return max(found, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0) if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[PostgresServer]:
    bindir = _server_binaries()
    if bindir is None:
        message = "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin (apt-get install postgresql)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    base = Path(tempfile.mkdtemp(prefix="dispatch-pg-"))
    data = base / "data"
    as_postgres: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(base, "postgres", "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    port = _free_port()

    def run(*args: str) -> None:
        subprocess.run([*as_postgres, *args], check=True, capture_output=True, text=True)

    try:
        run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
        (data / "pg_hba.conf").write_text(
            "local all all trust\n"
            "host all postgres 127.0.0.1/32 trust\n"
            "host all all 127.0.0.1/32 scram-sha-256\n"
        )
        options = (
            f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={base} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        run(str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "server.log"), "-w", "start")
    except subprocess.CalledProcessError as error:
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"cannot start the test PostgreSQL server: {error.stderr or error.stdout}")
    try:
        yield PostgresServer(host="127.0.0.1", port=port, socket_dir=base)
    finally:
        subprocess.run([*as_postgres, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def postgresql_role(postgresql_server: PostgresServer) -> Iterator[tuple[str, str]]:
    """A login role with a random password: ``(name, password)``; dropped afterwards."""
    name, password = f"dispatch_{secrets.token_hex(4)}", secrets.token_urlsafe(16)
    with postgresql_server.admin() as conn:
        conn.execute(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'")
    yield name, password
    with postgresql_server.admin() as conn:
        conn.execute(f"DROP ROLE IF EXISTS {name}")


# ---------------------------------------------------------------- a database per test


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: an SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'dispatch.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgresql_server")
    name = server.create_database()
    yield server.url(name)
    server.drop_database(name)


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    db = Database(db_url)
    yield db
    db.dispose()
