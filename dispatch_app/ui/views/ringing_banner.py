"""The ringing banner over the queue: one row per ringing phone, newest first.

Enter (or a click on the row's button) takes the newest ring into the intake form; Esc
dismisses it. The banner takes the keyboard when a ring arrives, so those two keys work
without reaching for the mouse.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class RingRow(QFrame):
    def __init__(self, ringing, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ringing = ringing
        self.setObjectName("ring_row")
        self.text = QLabel(text)
        self.text.setWordWrap(True)
        self.text.setProperty("role", "heading")
        self.take_button = QPushButton("Take it  Enter")
        self.take_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.dismiss_button = QPushButton("Dismiss  Esc")
        self.dismiss_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(QLabel("☎"))
        layout.addWidget(self.text, 1)
        layout.addWidget(self.take_button)
        layout.addWidget(self.dismiss_button)


class RingingBanner(QFrame):
    """Signals:
        take_requested(object): the dispatcher takes this ring (a domain Ringing).
        dismiss_requested(object): the dispatcher dismisses this ring.
    """

    take_requested = Signal(object)
    dismiss_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ringing_banner")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Ringing phones")
        self.rows: list[RingRow] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 4)
        self._layout.setSpacing(2)
        self.hide()

    def add(self, ringing, text: str) -> None:
        """Show a ring on top of the others (newest first)."""
        row = RingRow(ringing, text, self)
        row.take_button.clicked.connect(lambda: self.take_requested.emit(row.ringing))
        row.dismiss_button.clicked.connect(lambda: self.dismiss_requested.emit(row.ringing))
        self.rows.insert(0, row)
        self._layout.insertWidget(0, row)
        self.show()

    def remove(self, ring_id) -> None:
        for row in [r for r in self.rows if r.ringing.ring == ring_id]:
            self.rows.remove(row)
            self._layout.removeWidget(row)
            row.deleteLater()
        self.setVisible(bool(self.rows))

    def shows(self, ring_id) -> bool:
        return any(r.ringing.ring == ring_id for r in self.rows)

    def newest(self):
        return self.rows[0].ringing if self.rows else None

    def texts(self) -> list[str]:
        return [r.text.text() for r in self.rows]

    def keyPressEvent(self, event) -> None:
        newest = self.newest()
        if newest is not None and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.take_requested.emit(newest)
        elif newest is not None and event.key() == Qt.Key.Key_Escape:
            self.dismiss_requested.emit(newest)
        else:
            super().keyPressEvent(event)
