"""The care window's lists: stale runbooks, secret-looking lines, runbook-change requests."""
from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime

from PySide6.QtCore import Qt

from dispatch_app.ui.care.runbook_facts import RequestRow, SecretLine, StaleRow
from dispatch_app.ui.clock import ViewerClock
from dispatch_app.ui.models.table import Column, RowsModel

CENTER = Qt.AlignmentFlag.AlignCenter
NEVER = 10 ** 6  # sorts a never-stamped runbook as the most overdue


def overdue_text(row: StaleRow) -> str:
    if row.overdue_days is None:
        return "⚠ never reviewed"
    if row.overdue_days == 0:
        return "⚠ due today"
    return f"⚠ {row.overdue_days} day{'s' if row.overdue_days != 1 else ''} overdue"


class StaleRunbooksModel(RowsModel[StaleRow]):
    """Runbooks past their review date, most overdue first (the services' order). The system
    a runbook belongs to is in the tooltips and the preview, to keep the row on one screen."""

    RUNBOOK = 1

    def __init__(self, clock: ViewerClock, parent=None) -> None:
        super().__init__(parent)
        self._clock = clock
        self.columns = (
            Column("Overdue", overdue_text, sort=lambda r: NEVER if r.overdue_days is None else r.overdue_days,
                   emphasis=True, tooltip=self._due_tip),
            Column("Runbook", lambda r: r.title, tooltip=lambda r: f"{r.key} · {r.system_name}"),
            Column("Client", lambda r: r.client_name, tooltip=lambda r: f"{r.client_name} · {r.system_name}"),
            Column("Review every", lambda r: f"{r.review_days} days", sort=lambda r: r.review_days, align=CENTER),
            Column("Reviewed or changed", self._last,
                   sort=lambda r: r.last_reviewed.timestamp() if r.last_reviewed else 0.0),
        )

    def key(self, row: StaleRow) -> Hashable:
        return row.key

    def _date(self, instant: datetime) -> str:
        return self._clock.local(instant).strftime("%a %d %b %Y")

    def _last(self, row: StaleRow) -> str:
        return self._date(row.last_reviewed) if row.last_reviewed else "never"

    def _due_tip(self, row: StaleRow) -> str:
        return f"review was due {self._date(row.due)}" if row.due else "never reviewed nor changed since it was stamped"


class SecretLinesModel(RowsModel[SecretLine]):
    """Lines of runbook text that look like they hold a credential."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.columns = (
            Column("Runbook", lambda r: r.key),
            Column("Title", lambda r: r.title, tooltip=lambda r: r.title),
            Column("Line", lambda r: "—" if r.line is None else str(r.line), sort=lambda r: r.line or 0,
                   align=CENTER),
            Column("Looks like", lambda r: f"⚠ {r.finding}", tooltip=lambda r: r.sentence),
        )

    def key(self, row: SecretLine) -> Hashable:
        return (row.key, row.line, row.finding)


class RunbookRequestsModel(RowsModel[RequestRow]):
    """Runbook-change requests left by resolved calls, oldest first, keyed by call. The
    system is in the tooltip and the request's panel, to leave the width to what was asked."""

    RESOLVED = 4

    def __init__(self, clock: ViewerClock, parent=None) -> None:
        super().__init__(parent)
        self._clock = clock
        self.columns = (
            Column("Call", lambda r: f"#{r.call_id}", sort=lambda r: r.call_id, align=CENTER, emphasis=True),
            Column("State", lambda r: "● open" if r.state == "open" else "✔ closed"),
            Column("Client", lambda r: r.client_name, tooltip=lambda r: f"{r.client_name} · {r.system_name}"),
            Column("Resolved by", lambda r: r.resolved_by),
            Column("Resolved", lambda r: clock.stamp(r.resolved_at) if r.resolved_at else "—",
                   sort=lambda r: r.resolved_at.timestamp() if r.resolved_at else 0.0),
            Column("What should change", lambda r: r.asked or "(nothing written)", tooltip=lambda r: r.asked),
        )
