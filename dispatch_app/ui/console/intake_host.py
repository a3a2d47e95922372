"""The HTTP intake run inside this console: its settings dialog and the status bar's line."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QWidget

from dispatch_app.ui.console.desk import WorkstationSettings
from dispatch_app.services import intake as intake_service
from dispatch_app.ui.dialogs.intake_settings import HOST, IntakeSettingsDialog
from dispatch_app.ui.tasks import TaskRunner


class IntakeHost:
    """The console's intake server, if any (kept across dialogs), and the intake's token."""

    def __init__(self, make_server: Callable[[str, int], Any] | None) -> None:
        self.make_server = make_server
        self.server: Any = None

    @property
    def available(self) -> bool:
        return self.make_server is not None

    @property
    def running(self) -> bool:
        return self.server is not None and self.server.running

    def start(self, port: int) -> int:  # on a worker: start() blocks until listening
        if self.running:
            return self.server.port
        server = self.make_server(HOST, port)
        server.start()
        self.server = server
        return server.port

    def stop(self) -> None:  # on a worker
        server, self.server = self.server, None
        if server is not None:
            server.stop()

    def ensure_token(self) -> tuple[str, bool]:  # on a worker: the keyring
        return intake_service.ensure_token()

    def rotate_token(self) -> str:  # on a worker
        return intake_service.rotate_token()


class IntakeHosting(QObject):
    """Owns the intake server handle (``host``), its settings dialog and the intake label."""

    def __init__(self, *, label: QLabel, window: QWidget, tasks: TaskRunner, settings: WorkstationSettings,
                 make_intake_server: Callable[[str, int], Any] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.label, self.window, self.tasks, self.settings = label, window, tasks, settings
        self.host = IntakeHost(make_intake_server)
        self.dialog: IntakeSettingsDialog | None = None

    def intake_settings(self) -> None:
        dialog = IntakeSettingsDialog(self.host, self.tasks, self.settings.get("intake_port"), self.window)
        self.dialog = dialog
        dialog.server_started.connect(self._on_server_started)
        dialog.server_stopped.connect(self._show_state)
        dialog.open()

    def _on_server_started(self, port: int) -> None:
        if self.dialog.requested_port:
            self.settings.set("intake_port", port)
        self._show_state()

    def _show_state(self) -> None:
        if self.host.running:
            self.label.setText(f"Intake :{self.host.server.port}")
            self.label.setToolTip("The HTTP intake runs in this console (Ctrl+Shift+I)")
        else:
            self.label.setText("")

    def stop(self) -> None:
        if self.host.running:
            self.host.stop()
