"""Helpers of the intake tests: a server in a process of its own, a PostgreSQL server to stop."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from dispatch_app.intake.server import IntakeServer
from dispatch_app.store import Database

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
ROOT = TESTS.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Intake:
    url: str
    token: str
    db: Database
    server: IntakeServer | None = None

    def client(self, token: str | None = "default", **kwargs) -> httpx.Client:
        token = self.token if token == "default" else token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30, **kwargs)

    def count(self, table: str = "calls") -> int:
        from sqlalchemy import text
        with self.db.engine.connect() as connection:
            return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


# ---------------------------------------------------------------- a server process of its own


@dataclass
class ServerProcess:
    process: subprocess.Popen
    url: str
    token: str

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> str:
        """SIGTERM, then everything the process wrote (stdout and stderr)."""
        self.process.send_signal(signal.SIGTERM)
        output, _ = self.process.communicate(timeout=30)
        return output


def start_server_process(db_url: str, token: str, *options: str) -> ServerProcess:
    port = free_port()
    env = {**os.environ, "DISPATCH_TEST_INTAKE_TOKEN": token, "PYTHONPATH": f"{ROOT}{os.pathsep}{TESTS}"}
    process = subprocess.Popen([sys.executable, str(HERE / "serve_process.py"), db_url, str(port), *options],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the intake process ended: {process.stdout.read()}")
        try:
            if httpx.get(f"{url}/v1/health", timeout=1).status_code == 200:
                return ServerProcess(process, url, token)
        except httpx.HTTPError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the intake process did not start listening")


# ---------------------------------------------------------------- a PostgreSQL server to stop


@dataclass
class ThrowawayPostgres:
    bindir: Path
    data: Path
    base: Path
    port: int
    as_postgres: list[str]

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *args: str) -> None:
        subprocess.run([*self.as_postgres, str(self.bindir / "pg_ctl"), "-D", str(self.data), *args],
                       check=True, capture_output=True, text=True)

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.base} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        self._ctl("-o", options, "-l", str(self.base / "server.log"), "-w", "start")

    def stop(self) -> None:
        self._ctl("-m", "fast", "-w", "stop")
