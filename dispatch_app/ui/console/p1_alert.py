"""A new P1 while the console is open: the flashing banner, the desktop notification, and
going to that call."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from dispatch_app.ui.alerts import Notifier, P1Banner
from dispatch_app.ui.console.desk import Desk, WorkstationSettings
from dispatch_app.ui.events import AppEvents
from dispatch_app.ui.messages import MessageBridge


class P1Alert(QObject):
    """Owns the P1 banner. ``focus_call`` moves the keyboard to the call pane (the window's)."""

    def __init__(self, *, banner: P1Banner, desk: Desk, events: AppEvents, messages: MessageBridge,
                 settings: WorkstationSettings, notifier: Notifier | None = None,
                 focus_call: Callable[[], None] = lambda: None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.banner, self.desk, self.events, self.messages = banner, desk, events, messages
        self.settings, self.notifier, self.focus_call = settings, notifier, focus_call
        banner.open_button.clicked.connect(self.open_p1)
        events.p1_arrived.connect(self._on_p1_arrived)

    def _on_p1_arrived(self, row) -> None:
        env = self.desk.env
        client = env.client(row.client) if env and row.client else None
        name = client.name if client else (row.client or "unknown caller")
        text = f"NEW P1 · #{row.id} · {name} · “{row.summary}”"
        self.banner.raise_for(row.id, text)
        if self.notifier is not None and self.settings.get("notify_new_p1"):
            self.notifier.notify("New P1: " + name, row.summary)

    def open_p1(self) -> None:
        call_id = self.banner.call_id
        if call_id is None:
            self.messages.info("No new P1 waiting.")
            return
        self.banner.dismiss()
        self.events.call_wanted.emit(call_id)
        self.focus_call()

    def stop(self) -> None:
        self.banner.dismiss()
