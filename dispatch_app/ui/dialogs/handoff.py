"""The handoff record to read, and the incoming dispatcher's acknowledgement."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QPushButton, QTextBrowser, QVBoxLayout, QWidget


class HandoffDialog(QDialog):
    """Signals:
        acknowledged(int, str): acknowledge shift (id) with this comment (may be empty).
    """

    acknowledged = Signal(int, str)

    def __init__(self, shift_id: int, markdown: str, *, can_acknowledge: bool, why_not: str = "",
                 notes: tuple[str, ...] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shift_id = shift_id
        self.setWindowTitle(f"Handoff of shift {shift_id}")
        self.resize(980, 760)
        self.notes = QLabel("")
        self.notes.setProperty("role", "caution")
        self.notes.setWordWrap(True)
        self.notes.setText("Notes for you:\n" + "\n".join(f"• {n}" for n in notes))
        self.notes.setVisible(bool(notes))  # what the outgoing dispatcher wrote comes first, not below the figures
        self.record = QTextBrowser()
        self.record.setMarkdown(markdown)
        self.record.setAccessibleName("Handoff record")
        self.comment = QLineEdit()
        self.comment.setPlaceholderText("optional comment, e.g. called Acme back about the printer")
        self.state = QLabel(why_not)
        self.state.setProperty("role", "muted")
        self.state.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.acknowledge_button = QPushButton("&Acknowledge")
        self.acknowledge_button.setToolTip("I have read this handoff and take over (Alt+A)")
        self.acknowledge_button.setMinimumWidth(180)
        buttons.addButton(self.acknowledge_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.acknowledge_button.setVisible(can_acknowledge)
        self.comment.setVisible(can_acknowledge)
        self.acknowledge_button.setDefault(can_acknowledge)
        buttons.rejected.connect(self.reject)
        self.acknowledge_button.clicked.connect(self._on_acknowledge_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notes)
        layout.addWidget(self.record, 1)
        layout.addWidget(self.state)
        layout.addWidget(self.comment)
        layout.addWidget(buttons)
        self.record.setFocus()

    def _on_acknowledge_clicked(self) -> None:
        self.acknowledged.emit(self.shift_id, self.comment.text().strip())
        self.accept()
