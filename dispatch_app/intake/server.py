"""Running the intake on uvicorn: headless (``dispatch-app intake serve``) or in a thread of the
console (Settings -> Intake: start, stop, port, status).

What uvicorn leaves open, closed here: the address is bound before anything is said (a port in
use is one line, exit 2); a connection gets :data:`HEADER_TIMEOUT` seconds for its request line
and headers (slow-header clients are disconnected), the app :data:`BODY_TIMEOUT` for the body;
a request HTTP cannot parse (an absurd ``Content-Length``) is answered in JSON like any other;
query strings (where a careless sender puts a token) are cut from every log line.
"""
from __future__ import annotations

import errno
import json
import logging
import socket
import threading
from http import HTTPStatus

import httptools
import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from dispatch_app.errors import DispatchError
from dispatch_app.intake.app import create_app
from dispatch_app.services import intake
from dispatch_app.services.database import Database

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8765
HEADER_TIMEOUT = 10.0
"""Seconds from a connection's start (or a new request's first byte) to its headers' end."""
BODY_TIMEOUT = 30.0
"""Seconds from the headers' end to the body's end (256 KiB at 9 KB/s)."""
BACKLOG = 2048

log = logging.getLogger(__name__)


class _NoQueryStrings(logging.Filter):
    """Cuts the query string off a path in a log record's arguments (uvicorn's access line
    is ``client - "METHOD /path?query HTTP/1.1" status``): a token sent as ``?token=`` by
    mistake must not land in a log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_without_query(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str) and "?" in record.msg:
            record.msg = " ".join(_without_query(word) for word in record.msg.split(" "))
        return True


def _without_query(text: str) -> str:
    return text.split("?", 1)[0] if text.startswith("/") and "?" in text else text


NO_QUERY_STRINGS = _NoQueryStrings()


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a header read timeout and JSON refusals.

    A connection that has not sent a whole request head within :attr:`header_timeout`
    seconds (of opening, or of its next request's first byte) is answered 408 and closed, or
    just closed when it sent nothing (a slowloris client holds nothing for long). A request
    the parser refuses is answered 400 ``{"error": ...}``, or 413 for a ``Content-Length``
    past any number, instead of uvicorn's plain text.
    """

    header_timeout: float = HEADER_TIMEOUT

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_started = False
        self._head_timer = self.loop.call_later(self.header_timeout, self._head_too_slow)

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        self._unset_keepalive_if_required()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._unsupported_upgrade_warning()
        except httptools.HttpParserError as error:
            reason = str(error) or "malformed"
            self.logger.warning("intake: refused a request HTTP cannot parse (%s)", reason)
            if "content-length overflow" in reason.lower():
                self._refuse(413, "Content-Length: larger than any body this endpoint takes (at most 256 KiB)")
            else:
                self._refuse(400, f"request: not valid HTTP ({reason})")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_started = True
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.header_timeout, self._head_too_slow)

    def on_headers_complete(self) -> None:
        self._cancel_head_timer()
        super().on_headers_complete()

    def send_400_response(self, msg: str) -> None:
        self._refuse(400, f"request: {msg}")

    def _cancel_head_timer(self) -> None:
        timer = getattr(self, "_head_timer", None)
        if timer is not None:
            timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self.transport.is_closing():
            return
        if self._head_started:
            self._refuse(408, f"request: the headers did not arrive within {self.header_timeout:g} s")
        else:
            self.transport.close()

    def _refuse(self, status: int, message: str) -> None:
        self._cancel_head_timer()
        if self.transport.is_closing():
            return
        body = json.dumps({"error": message}).encode("utf-8")
        head = (f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\ncontent-type: application/json\r\n"
                f"content-length: {len(body)}\r\nconnection: close\r\n\r\n").encode("ascii")
        self.transport.write(head + body)
        self.transport.close()


def _protocol(header_timeout: float) -> type[GuardedHttpToolsProtocol]:
    return type("IntakeHttpProtocol", (GuardedHttpToolsProtocol,), {"header_timeout": header_timeout})


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``; a one-line :class:`DispatchError` naming the
    address and what to do when it cannot be had (in use, not an address of this machine)."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                                 flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as error:
        raise DispatchError(f"cannot listen on {host}:{port}: {error.strerror or error}. "
                            "Pass --listen HOST:PORT with an address of this machine.") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(BACKLOG)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise DispatchError(f"cannot listen on {host}:{port}: port {port} is in use by another program "
                                "(another intake?). Stop that program, or pass --listen HOST:PORT with a free "
                                "port.") from None
        raise DispatchError(f"cannot listen on {host}:{port}: {error.strerror or error}. "
                            "Pass --listen HOST:PORT with an address of this machine.") from None
    sock.set_inheritable(True)
    return sock


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
                 access_log: bool = False, log_level: str = "warning", header_timeout: float = HEADER_TIMEOUT,
                 body_timeout: float = BODY_TIMEOUT) -> None:
        self.db = db
        self.host = host
        self.writer = intake.IntakeWriter(db)
        self.app = create_app(db, self.writer, guard or intake.TokenGuard(),
                              labels or intake.AlertLabels.from_environment(), body_timeout=body_timeout)
        self.config = uvicorn.Config(self.app, host=host, port=port, access_log=access_log, log_level=log_level,
                                     lifespan="on", server_header=False, timeout_graceful_shutdown=10,
                                     http=_protocol(header_timeout), ws="none")
        if access_log:  # uvicorn's own lines stay at log_level; the access lines are INFO
            logging.getLogger("uvicorn.access").setLevel(logging.INFO)
        for name in ("uvicorn.access", "uvicorn.error", "uvicorn"):
            logging.getLogger(name).addFilter(NO_QUERY_STRINGS)
        self._server = uvicorn.Server(self.config)
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def port(self) -> int:
        if self._socket is not None:
            return self._socket.getsockname()[1]
        return self.config.port

    def listen(self) -> None:
        """Bind the address now (once): a port in use is said before anything else."""
        if self._socket is None:
            self._socket = bind(self.host, self.config.port)

    @property
    def running(self) -> bool:
        return self._server.started and not self._server.should_exit

    def run(self) -> None:
        self.listen()
        assert self._socket is not None
        self._server.run(sockets=[self._socket])
        if not self._server.started:
            raise DispatchError(f"the intake could not start on {self.host}:{self.port}; see the lines above")

    def start(self, timeout: float = 10.0) -> None:
        self.listen()
        sockets = [self._socket]
        self._thread = threading.Thread(target=self._server.run, args=(sockets,), name="dispatch-intake",
                                        daemon=True)
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
        if self._socket is not None:
            self._socket.close()
            self._socket = None


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
        server = IntakeServer(db, host=host, port=port, labels=labels, access_log=access_log)
        server.listen()  # a port in use is one line (exit 2), and nothing said before it
        shown = f"[{host}]" if ":" in host else host
        print(f"dispatch-app: intake listening on http://{shown}:{server.port}/v1/ (database {db.display_url})",
              flush=True)
        server.run()
    finally:
        db.dispose()
    return 0
