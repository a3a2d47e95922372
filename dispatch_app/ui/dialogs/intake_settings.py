"""Settings → Intake: run the HTTP intake inside the console (start, stop, port, status) and
show or rotate its token.

The server object comes from app.py (``make_server(host, port)`` answering an object with
``start()``, ``stop()``, ``port`` and ``running``): the console never imports the intake. The
console's intake controller owns the running server, so closing this dialog does not stop it.
"""
from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QWidget,
)

from dispatch_app.errors import DispatchError
from dispatch_app.ui.tasks import TaskRunner

HOST = "127.0.0.1"


class IntakeServerHost(Protocol):
    """What the dialog drives: the intake controller's host (:mod:`dispatch_app.ui.console.intake_host`).
    ``start``, ``stop``, ``ensure_token`` and ``rotate_token`` block: they run on a worker."""

    server: Any

    @property
    def available(self) -> bool: ...

    @property
    def running(self) -> bool: ...

    def start(self, port: int) -> int: ...

    def stop(self) -> None: ...

    def ensure_token(self) -> tuple[str, bool]: ...

    def rotate_token(self) -> str: ...


class IntakeSettingsDialog(QDialog):
    """Signals:
        server_started(int): the intake listens on this port.
        server_stopped(): the intake stopped.
    """

    server_started = Signal(int)
    server_stopped = Signal()

    def __init__(self, host: IntakeServerHost, tasks: TaskRunner, port: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Intake: calls by HTTP")
        self.setMinimumWidth(760)
        self._host, self._tasks = host, tasks
        self.status = QLabel("")
        self.status.setProperty("role", "heading")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.port = QSpinBox()
        self.port.setRange(0, 65535)
        self.port.setValue(port)
        self.port.setToolTip("0 picks any free port")
        self.start_button = QPushButton("&Start")
        self.stop_button = QPushButton("S&top")
        self.start_button.clicked.connect(self.start_server)
        self.stop_button.clicked.connect(self.stop_server)
        buttons = QHBoxLayout()
        buttons.addWidget(self.port)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)

        self.token = QLineEdit()
        self.token.setReadOnly(True)
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setAccessibleName("Intake token")
        self.show_token_button = QPushButton("S&how")
        self.show_token_button.setCheckable(True)
        self.show_token_button.toggled.connect(self._on_show_token_toggled)
        self.rotate_button = QPushButton("&Rotate…")
        self.rotate_button.setToolTip("Make a new token: every sender must be given the new one")
        self.rotate_button.clicked.connect(lambda: self.rotate_token())
        token_row = QHBoxLayout()
        token_row.addWidget(self.token, 1)
        token_row.addWidget(self.show_token_button)
        token_row.addWidget(self.rotate_button)
        self.token_note = QLabel("Senders pass it as “Authorization: Bearer <token>”. Kept in the system keyring.")
        self.token_note.setProperty("role", "muted")
        self.token_note.setWordWrap(True)

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.status)
        port_label, token_label = QLabel("&Port:"), QLabel("&Token:")
        port_label.setBuddy(self.port)
        token_label.setBuddy(self.token)
        form.addRow(port_label, buttons)
        form.addRow(token_label, token_row)
        form.addRow(self.token_note)
        form.addRow(close)
        self._busy = False
        self.requested_port = port
        self._show_state()
        self._load_token()

    # ------------------------------------------------------------ server

    def start_server(self) -> None:
        if self._busy or self._host.running:
            return
        self._busy = True
        self.status.setText("Starting…")
        self._show_buttons()
        port = self.port.value()
        self.requested_port = port

        def started(actual: int) -> None:
            self._busy = False
            self._show_state()
            self.server_started.emit(actual)

        def failed(error: DispatchError) -> None:
            self._busy = False
            self._show_state()
            self.status.setText("✖ " + "; ".join(error.problems))
        self._tasks.run(lambda: self._host.start(port), name="intake start", on_done=started, on_error=failed)

    def stop_server(self) -> None:
        if self._busy or not self._host.running:
            return
        self._busy = True
        self.status.setText("Stopping…")
        self._show_buttons()

        def stopped(_result) -> None:
            self._busy = False
            self._show_state()
            self.server_stopped.emit()
        self._tasks.run(self._host.stop, name="intake stop", on_done=stopped)

    def _show_state(self) -> None:
        if not self._host.available:
            self.status.setText("The intake is not available in this build.")
        elif self._host.running:
            port = self._host.server.port
            self.status.setText(f"✔ Running: http://{HOST}:{port}/v1/ (POST /v1/calls, /v1/alertmanager)")
            self.port.setValue(port)
        else:
            self.status.setText("■ Stopped: calls are not taken by HTTP on this workstation.")
        self._show_buttons()

    def _show_buttons(self) -> None:
        running = self._host.running
        self.start_button.setEnabled(self._host.available and not running and not self._busy)
        self.stop_button.setEnabled(running and not self._busy)
        self.port.setEnabled(not running and not self._busy)

    # ------------------------------------------------------------ token

    def _load_token(self) -> None:
        def loaded(result) -> None:
            token, made = result
            self.token.setText(token)
            if made:
                self.token_note.setText("A new token was made. " + self.token_note.text())

        def failed(error: DispatchError) -> None:
            self.token.setText("")
            self.token_note.setText("✖ " + "; ".join(error.problems))
            self.rotate_button.setEnabled(False)
            self.show_token_button.setEnabled(False)
            self.adjustSize()
        self._tasks.run(self._host.ensure_token, name="intake token", on_done=loaded, on_error=failed)

    def rotate_token(self, *, confirm: bool = True) -> None:
        if confirm and QMessageBox.question(
                self, "Rotate the intake token",
                "Make a new token? Monitoring and the phone system keep sending the old one until "
                "they are given the new one: their calls are refused (401) until then.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No) != QMessageBox.StandardButton.Yes:
            return

        def rotated(token: str) -> None:
            self.token.setText(token)
            self.show_token_button.setChecked(True)
            self.token_note.setText("New token made: give it to every sender now; the old one no longer works.")

        def failed(error: DispatchError) -> None:
            self.token_note.setText("✖ " + "; ".join(error.problems))
        self._tasks.run(self._host.rotate_token, name="rotate token", on_done=rotated, on_error=failed)

    def _on_show_token_toggled(self, shown: bool) -> None:
        self.token.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.show_token_button.setText("&Hide" if shown else "S&how")
