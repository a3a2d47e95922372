"""Other programs talking to this console: a second ``dispatch-app`` raises the window,
``dispatch-app ringing`` and the ``dispatch-app:`` URL hand it a ring."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget

from dispatch_app.ui.single_instance import InstanceServer


def _text(value) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


class ConsoleLink(QObject):
    """Owns the local socket. ``ring(phone, line=, name=, call_id=, then=, failed=)`` is the
    ringing controller's (app.py hands it in): the ring is kept, and the feed shows it."""

    def __init__(self, *, window: QWidget, server: InstanceServer | None, ring: Callable[..., None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.window, self.server, self._ring = window, server, ring
        if server is not None:
            server.raise_requested.connect(self.bring_to_front)
            server.ring_requested.connect(self._on_ring_requested)

    def start(self) -> None:
        if self.server is not None:
            self.server.listen()

    def stop(self) -> None:
        if self.server is not None:
            self.server.close()

    def bring_to_front(self) -> None:
        if self.window.isMinimized():
            self.window.setWindowState(self.window.windowState() & ~Qt.WindowState.WindowMinimized)
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()

    def _on_ring_requested(self, message: dict, reply) -> None:
        phone = _text(message.get("phone"))
        if phone is None:
            reply({"error": "--phone: required (the caller's number, e.g. +13125550201)"})
            return
        def rung(answer) -> None:
            self.bring_to_front()
            reply({"ok": True, "ring": answer.ring.id, "shown": answer.ringing.client_name or "unknown caller"})
        self._ring(phone, line=_text(message.get("line")), name=_text(message.get("name")),
                   call_id=_text(message.get("call_id")), then=rung, failed=lambda error: reply({"error": str(error)}))
