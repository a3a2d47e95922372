"""Talking to the console already running on this workstation (docs/ringing.md).

The console listens on a local socket named for the user and the database (a second
``dispatch-app`` on the same database raises that window instead of opening another;
``dispatch-app ringing`` and the ``dispatch-app:`` URL hand it a ring). One JSON object per
line each way: ``{"command": "raise"}`` or ``{"command": "ring", "phone", "line", "name",
"call_id", "client"}``, answered ``{"ok": true, ...}`` or ``{"error": "..."}``.

The socket lives in the user's runtime directory (``$XDG_RUNTIME_DIR``, private to the user)
or, without one, the temporary directory; the console's server allows only its user.
"""
from __future__ import annotations

import getpass
import hashlib
import json
import os
import socket
import tempfile
from typing import Any

from dispatch_app.errors import DispatchError

TIMEOUT = 5.0
LINE_LIMIT = 64 * 1024
NOT_RUNNING = "no console is running for this user and database: open it first (dispatch-app)"


def address(db_url: str | None) -> str:
    """The socket's path for this user and database (``None``: the workstation's default)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    digest = hashlib.sha256(f"{user}\0{db_url or 'default'}".encode("utf-8")).hexdigest()[:16]
    folder = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    return os.path.join(folder, f"dispatch-app-{digest}.sock")


def send(db_url: str | None, message: dict[str, Any], *, timeout: float = TIMEOUT) -> dict[str, Any] | None:
    """Send ``message`` to the running console and answer its reply; None when none runs."""
    path = address(db_url)
    if not hasattr(socket, "AF_UNIX"):
        return None
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(timeout)
            connection.connect(path)
            connection.sendall(json.dumps(message).encode("utf-8") + b"\n")
            reply = b""
            while not reply.endswith(b"\n") and len(reply) < LINE_LIMIT:
                chunk = connection.recv(4096)
                if not chunk:
                    break
                reply += chunk
    except (FileNotFoundError, ConnectionRefusedError):
        return None
    except OSError as error:
        raise DispatchError(f"the running console did not answer ({error.__class__.__name__}); "
                            "is it busy? try again") from None
    try:
        answer = json.loads(reply.decode("utf-8"))
    except ValueError:
        raise DispatchError("the running console answered something unreadable; try again") from None
    return answer if isinstance(answer, dict) else None


def ring(db_url: str | None, request) -> str:
    """Hand a ring (a :class:`dispatch_app.services.ringing.RingRequest`) to the running console;
    answers what it showed, or a DispatchError (none running, a malformed number)."""
    answer = send(db_url, {"command": "ring", "phone": request.phone, "line": request.line, "name": request.name,
                           "call_id": request.call_id, "client": request.client})
    if answer is None:
        raise DispatchError(NOT_RUNNING)
    if "error" in answer:
        raise DispatchError(str(answer["error"]))
    return str(answer.get("shown") or "ringing")
