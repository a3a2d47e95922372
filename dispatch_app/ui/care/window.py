"""Runbooks that stay true (issue 7, item 2): the lead's window over stale runbooks, runbook
text that looks like a secret, and the runbook-change requests left by resolved calls.

Everyone may open it; acting (marking reviewed, closing a request) is the lead's, and the
services check it. A dispatcher reads the stale list with a line saying so.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from dispatch_app.services import calls, review
from dispatch_app.services.people import Actor
from dispatch_app.ui.care.requests_tab import RunbookRequestsTab
from dispatch_app.ui.care.stale_tab import StaleRunbooksTab
from dispatch_app.ui.context import Context
from dispatch_app.ui.views.panes import show_state


class RunbookCareWindow(QWidget):
    """A window of its own (not a dialog): the lead keeps it open beside the console."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._ctx = ctx
        self.setWindowTitle("Runbook care · Dispatch Console")
        self.setObjectName("runbook_care")
        self.resize(1500, 860)
        heading = QLabel("Runbooks that stay true")
        heading.setProperty("role", "heading")
        self.role_line = QLabel("")
        self.role_line.setWordWrap(True)
        self.role_line.setAccessibleName("What you may do here")
        self.stale_tab = StaleRunbooksTab(ctx, self)
        self.requests_tab = RunbookRequestsTab(ctx, self)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.stale_tab, "")
        self.tabs.addTab(self.requests_tab, "")
        self.tabs.setToolTip("Alt+T / Alt+Q, or Ctrl+Tab: switch tabs · F5: read again · Esc: close")
        self.stale_tab.counted.connect(self._on_stale_counted)
        self.requests_tab.counted.connect(self._on_requests_counted)
        self._on_stale_counted(None)
        self._on_requests_counted(None)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.role_line)
        layout.addWidget(self.tabs, 1)
        QShortcut(QKeySequence("F5"), self, self.reload)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        ctx.events.changes_arrived.connect(self._on_changes_arrived)
        ctx.events.technician_signed_in.connect(self._on_technician_signed_in)
        self._show_role(ctx.actor)

    # ------------------------------------------------------------ public

    def reload(self) -> None:
        self.stale_tab.reload()
        self.requests_tab.reload()

    def show_requests(self) -> None:
        self.tabs.setCurrentWidget(self.requests_tab)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._show_role(self._ctx.actor)
        self.reload()
        self.stale_tab.table.setFocus()

    # ------------------------------------------------------------ events

    def _on_changes_arrived(self, changes) -> None:
        """Another workstation (or this one) wrote: read again what the write may have moved."""
        if not self.isVisible():
            return
        if changes.environment_changed or changes.reset:
            self.stale_tab.reload()
        if changes.call_ids or changes.reset:
            self.requests_tab.reload()

    def _on_technician_signed_in(self, actor: Actor) -> None:
        self._show_role(actor)
        if self.isVisible():
            self.requests_tab.reload()

    def _show_role(self, actor: Actor) -> None:
        may_review = actor.has_role(*review.REVIEW_ROLES)
        may_close = actor.has_role(*calls.LEAD_ROLES)
        self.stale_tab.set_may_act(may_review)
        self.requests_tab.set_may_act(may_close)
        who = (f"{actor.tech.name} ({', '.join(actor.roles) or 'no role'})" if actor.tech is not None
               else "the anonymous dispatcher (not signed in)")
        if may_review and may_close:
            show_state(self.role_line, f"Signed in as {who}: you may mark runbooks reviewed and close requests.",
                       role="muted")
        else:
            show_state(self.role_line, f"⚠ Read-only: marking a runbook reviewed and closing change requests need "
                       f"the lead role (or admin). You are {who}.", problem=True)

    def _on_stale_counted(self, n: int | None) -> None:
        self.tabs.setTabText(0, "S&tale runbooks" + (f" · {n}" if n else ""))

    def _on_requests_counted(self, n: int | None) -> None:
        self.tabs.setTabText(1, "Change re&quests" + (f" · {n} open" if n else ""))
