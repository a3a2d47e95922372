"""Stale marks for the dispatcher: keeps the environment pane told which runbooks are past
their review date, so a runbook that may no longer be true is followed with care."""
from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QObject

from dispatch_app.errors import DispatchError
from dispatch_app.services import review
from dispatch_app.ui.context import Context

RECHECK = timedelta(hours=1)
"""A runbook turns stale as time passes, not only when something is written."""


class StaleMarks(QObject):
    """Reads ``review.stale_runbooks`` off the UI thread whenever the environment is loaded
    (and every hour on the console's minute tick) and hands the list to
    ``pane.set_stale_runbooks``. Build one per environment pane; nothing else to call."""

    def __init__(self, ctx: Context, pane, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._pane = pane
        self._read_at: datetime | None = None
        self._busy = False
        self._again = False
        ctx.events.environment_loaded.connect(self._on_environment_loaded)
        ctx.events.minute_passed.connect(self._on_minute_passed)

    def refresh(self) -> None:
        if self._busy:
            self._again = True
            return
        self._busy = True
        db, at = self._ctx.backend.db, self._ctx.clock.now()
        self._read_at = at
        self._ctx.tasks.run(lambda: review.stale_runbooks(db, at=at), name="stale runbooks",
                            on_done=self._on_read, on_error=self._on_failed)

    def _on_environment_loaded(self, _env) -> None:
        self.refresh()

    def _on_minute_passed(self, now: datetime) -> None:
        if self._read_at is not None and now - self._read_at >= RECHECK:
            self.refresh()

    def _on_read(self, stale) -> None:
        self._busy = False
        self._pane.set_stale_runbooks(stale)
        if self._again:
            self._again = False
            self.refresh()

    def _on_failed(self, _error: DispatchError) -> None:
        # the console's banner speaks for an unreachable database; the marks stay as they were
        self._busy = self._again = False
