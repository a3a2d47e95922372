"""The database going away and coming back: the banner, retrying with a growing pause, the
status bar's database line."""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel

from dispatch_app.ui.alerts import DatabaseBanner
from dispatch_app.ui.backend import Backend
from dispatch_app.ui.console.desk import Desk
from dispatch_app.ui.events import AppEvents
from dispatch_app.ui.messages import MessageBridge
from dispatch_app.ui.tasks import TaskRunner

log = logging.getLogger(__name__)
RETRY_SECONDS = (2, 4, 8, 15, 30)


class DatabaseHealth(QObject):
    """Owns the banner and the database label. Built right after the desk, so that the others
    hear ``database_restored`` with ``desk.database_ok`` already true."""

    def __init__(self, *, banner: DatabaseBanner, label: QLabel, desk: Desk, backend: Backend, tasks: TaskRunner,
                 events: AppEvents, messages: MessageBridge, demo: bool = False,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.banner, self.label, self.desk, self.backend = banner, label, desk, backend
        self.tasks, self.events, self.messages, self.demo = tasks, events, messages, demo
        self._retry_step = 0
        self._lost_reason = ""
        self._retry_timer = QTimer(self, singleShot=True)
        self._retry_timer.timeout.connect(self.retry)
        self._countdown = QTimer(self, interval=1000)
        self._countdown.timeout.connect(self._update_countdown)
        banner.retry_button.clicked.connect(self.retry)
        events.database_lost.connect(self._on_database_lost)
        events.database_restored.connect(self._on_database_restored)
        events.feed_failed.connect(desk.failed)
        tasks.task_failed.connect(desk.failed)
        self._show_state()

    def _on_database_lost(self, reason: str) -> None:
        if self.desk.database_ok:
            self._retry_step = 0
            log.warning("database lost: %s", reason)
        self.desk.database_ok = False
        self._lost_reason = reason
        self._show_state()
        self._schedule_retry()

    def _schedule_retry(self) -> None:
        seconds = RETRY_SECONDS[min(self._retry_step, len(RETRY_SECONDS) - 1)]
        self._retry_step += 1
        self._retry_timer.start(seconds * 1000)
        self._countdown.start()
        self._update_countdown()

    def _update_countdown(self) -> None:
        left = max(0, self._retry_timer.remainingTime() // 1000) if self._retry_timer.isActive() else 0
        when = f"retrying in {left} s" if self._retry_timer.isActive() else "retrying now…"
        self.banner.text.setText(f"Database unreachable, {when}. Nothing you typed is lost; you can keep "
                                 f"reading and typing.  ({self._lost_reason})")

    def retry(self) -> None:
        self._retry_timer.stop()
        self._update_countdown()
        self.tasks.run(self.backend.ping, name="reconnect",
                       on_done=lambda ok: self.events.database_restored.emit(),
                       on_error=lambda error: self._on_database_lost(str(error)))

    def _on_database_restored(self) -> None:
        self.desk.database_ok = True
        self._retry_timer.stop()
        self._countdown.stop()
        self._show_state()
        self.messages.info("The database answers again.")

    def _show_state(self) -> None:
        ok = self.desk.database_ok
        self.banner.setVisible(not ok)
        state = "✔ connected" if ok else "✖ unreachable"
        demo = "DEMO · " if self.demo else ""
        self.label.setText(f"{demo}DB {state}")
        self.label.setToolTip(self.backend.display_url)

    def stop(self) -> None:
        self._retry_timer.stop()
        self._countdown.stop()
