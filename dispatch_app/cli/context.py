"""What every command needs: the database, who is asking, the instant, the output mode."""
from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from dispatch_app.errors import DispatchError
from dispatch_app.services import clock
from dispatch_app.services.database import open_database


@dataclass
class Context:
    db_url: str | None
    json: bool
    at_text: str | None
    as_tech: str | None
    check_actor: bool = True
    """Whether ``--as`` must name an active technician when the database is opened: every command
    but ``import`` (which checks it itself: into an empty database anybody may import)."""
    _db: object | None = field(default=None, repr=False)

    @classmethod
    def from_args(cls, args) -> "Context":
        return cls(
            db_url=getattr(args, "db", None) or os.environ.get("DISPATCH_DB") or None,
            json=bool(getattr(args, "json", False)),
            at_text=getattr(args, "at", None),
            as_tech=getattr(args, "as_tech", None),
            check_actor=getattr(args, "command", None) != "import",
        )

    @property
    def db(self):
        if self._db is None:
            db = open_database(self.db_url)
            if self.check_actor and self.as_tech is not None:
                from dispatch_app.services import people  # noqa: PLC0415 - only when --as is given

                try:
                    people.actor(db, self.as_tech)
                except DispatchError as error:
                    raise type(error)(f"--as: {error}") from None
            self._db = db
        return self._db

    def at(self) -> datetime:
        """``--at`` read in the MSP time zone when it has no offset; otherwise now."""
        if self.at_text is None:
            return datetime.now(timezone.utc)
        return clock.read_instant(self.db, self.at_text, option="--at")

    def instant(self, text: str, option: str) -> datetime:
        return clock.read_instant(self.db, text, option=option)

    def print_json(self, document: object) -> None:
        json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")

    def log_bug(self, error: BaseException) -> Path:
        """The bug's traceback and command line into the private log file (dispatch_app.logs:
        0600, passwords in URLs hidden, no SQL parameters); answers the file's path."""
        from dispatch_app import logs

        try:
            handler, path = logs.file_handler()
        except OSError:
            handler, path = logging.StreamHandler(sys.stderr), Path("<stderr>")
            handler.setFormatter(logs.RedactingFormatter(logs.FORMAT))
        logger = logging.getLogger("dispatch_app")
        logger.addHandler(handler)
        logger.error("unexpected error in %s", logs.redact(" ".join(sys.argv)), exc_info=error)
        return path
