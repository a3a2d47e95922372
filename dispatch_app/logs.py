"""The log file: readable by its owner only, and never holding a password.

The file (``dispatch-app.log`` in the platform's user log folder) is created 0600 and
tightened to 0600 when it exists looser; a symbolic link at its place is not followed. Every
line written to it passes :func:`redact`, so a password inside a database URL (``--db
postgresql+psycopg://user:PASSWORD@host/db``, a ``password=`` connection string) never lands
there, and SQLAlchemy's ``[parameters: ...]`` lines and PostgreSQL's ``DETAIL:`` lines (the
values of a statement or a row: call summaries, notes) are dropped. The engine is also made with ``hide_parameters``, so they are not in an
exception's text in the first place.

:func:`one_line` is how a bug reaches the user: its type and the first line of its message,
without SQL, parameters or passwords; the whole story goes to the log.
"""
from __future__ import annotations

import logging
import os
import re
import stat
from pathlib import Path

__all__ = ["file_handler", "log_path", "one_line", "redact", "scrubbed", "RedactingFormatter"]

APP_NAME = "dispatch-app"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# scheme://user:PASSWORD@host — the password runs to the last "@" of the word
_URL_PASSWORD = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/?#@'\"]*:)[^\s'\"]*@")
_KEYWORD_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)('[^']*'|\"[^\"]*\"|\S+)", re.IGNORECASE)
_PARAMETERS = re.compile(r"^\[(SQL )?parameters: .*$", re.MULTILINE)
_DETAIL = re.compile(r"^DETAIL: .*$", re.MULTILINE)  # PostgreSQL's "Failing row contains (...)", "Key (...)=(...)"
HIDDEN = "***"


def redact(text: str) -> str:
    """``text`` with every password in a URL or a ``password=`` pair replaced by ``***``."""
    text = _URL_PASSWORD.sub(lambda m: f"{m.group('head')}{HIDDEN}@", text)
    return _KEYWORD_PASSWORD.sub(lambda m: f"{m.group('head')}{HIDDEN}", text)


def scrubbed(text: str) -> str:
    """A report or log text without passwords, SQL parameters or PostgreSQL's row details."""
    text = _PARAMETERS.sub("[parameters hidden]", text)
    return redact(_DETAIL.sub("DETAIL: (values hidden)", text))


class RedactingFormatter(logging.Formatter):
    """A formatter whose every record (traceback included) is :func:`scrubbed`."""

    def format(self, record: logging.LogRecord) -> str:
        return scrubbed(super().format(record))


def log_path() -> Path:
    from platformdirs import user_log_path

    return user_log_path(APP_NAME) / "dispatch-app.log"


def _private(path: Path) -> None:
    """Create ``path`` 0600 (or tighten it to 0600); refuses to follow a symbolic link there."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(f"{path} is not a regular file")
        if stat.S_IMODE(status.st_mode) & 0o077:
            os.fchmod(fd, stat.S_IMODE(status.st_mode) & 0o700)
    finally:
        os.close(fd)


def file_handler(path: Path | None = None) -> tuple[logging.FileHandler, Path]:
    """A handler appending to the private log file, and its path; OSError when it cannot be made."""
    path = path or log_path()
    _private(path)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(RedactingFormatter(FORMAT))
    return handler, path


def one_line(error: BaseException) -> str:
    """A bug told in one line: its type and the first line of its message, redacted, with no SQL."""
    text = str(error)
    for cut in ("\n", "[SQL:", "(Background on this error"):
        text = text.split(cut, 1)[0]
    text = redact(" ".join(text.split()))
    if len(text) > 200:
        text = text[:199] + "…"
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
