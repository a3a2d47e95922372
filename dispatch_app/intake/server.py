"""Running the intake on uvicorn: headless (``dispatch-app intake serve``) or in a thread of the
console (Settings -> Intake: start, stop, port, status)."""
from __future__ import annotations

import logging
import threading

import uvicorn

from dispatch_app.errors import DispatchError
from dispatch_app.intake.app import create_app
from dispatch_app.services import intake
from dispatch_app.services.database import Database

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8765


def parse_listen(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:8765`` for IPv6; ``:8765`` or ``8765`` for 127.0.0.1)."""
    text = (text or "").strip()
    host, _, port = text.rpartition(":")
    host = host.strip("[]") or DEFAULT_HOST
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        raise DispatchError(f"--listen: {text!r} is not HOST:PORT (for example 127.0.0.1:8765)")
    return host, int(port)


class IntakeServer:
    """The endpoint on ``host:port`` (port 0: any free port; :attr:`port` says which).

    ``run()`` serves in the calling thread until interrupted (SIGINT/SIGTERM end it cleanly:
    requests in flight are written and answered first); ``start()`` serves in a daemon thread
    and returns once listening, ``stop()`` ends it.
    """

    def __init__(self, db: Database, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                 guard: intake.TokenGuard | None = None, labels: intake.AlertLabels | None = None,
                 access_log: bool = False, log_level: str = "warning") -> None:
        self.db = db
        self.host = host
        self.writer = intake.IntakeWriter(db)
        self.app = create_app(db, self.writer, guard or intake.TokenGuard(),
                              labels or intake.AlertLabels.from_environment())
        self.config = uvicorn.Config(self.app, host=host, port=port, access_log=access_log, log_level=log_level,
                                     lifespan="on", server_header=False, timeout_graceful_shutdown=10)
        self._server = uvicorn.Server(self.config)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        for server in self._server.servers:
            for sock in server.sockets:
                return sock.getsockname()[1]
        return self.config.port

    @property
    def running(self) -> bool:
        return self._server.started and not self._server.should_exit

    def run(self) -> None:
        self._server.run()
        if not self._server.started:
            raise DispatchError(f"cannot listen on {self.host}:{self.config.port} (in use, or not an address of "
                                "this machine): pass --listen HOST:PORT")

    def start(self, timeout: float = 10.0) -> None:
        self._thread = threading.Thread(target=self._server.run, name="dispatch-intake", daemon=True)
        self._thread.start()
        ready = threading.Event()
        while not ready.wait(0.01):
            if self._server.started or not self._thread.is_alive():
                break
            timeout -= 0.01
            if timeout <= 0:
                break
        if not self._server.started:
            self.stop()
            raise DispatchError(f"the intake could not listen on {self.host}:{self.config.port}")

    def stop(self, timeout: float = 15.0) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None


def serve(db_url: str | None, listen: str, *, labels: intake.AlertLabels, access_log: bool = False) -> int:
    """``dispatch-app intake serve``: the composition of the headless endpoint."""
    from dispatch_app.services.database import open_database

    host, port = parse_listen(listen)
    _token, made = intake.ensure_token()
    if made:
        logging.getLogger(__name__).warning("made a new intake token; show it with: dispatch-app intake token")
    db = open_database(db_url)
    try:
        db.engine  # open and migrate now: a wrong --db is said before listening
        server = IntakeServer(db, host=host, port=port, labels=labels, access_log=access_log, log_level="info")
        print(f"dispatch-app: intake listening on http://{host}:{port}/v1/ (database {db.display_url})", flush=True)
        server.run()
    finally:
        db.dispose()
    return 0
