"""Small pieces the review's tabs share: the main button and the role gate (the pane helpers are
``ui/views/panes.py``)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget


def primary_button(text: str) -> QPushButton:
    """The tab's main action: the default button (Enter), drawn bold by the theme, wide enough
    for its bold words (Qt sizes it for the regular weight)."""
    button = QPushButton(text)
    button.setDefault(True)
    bold = QFont(button.font())
    bold.setBold(True)
    button.setMinimumWidth(QFontMetrics(bold).horizontalAdvance(text.replace("&", "")) + 40)
    return button


class RoleGate(QStackedWidget):
    """A tab's content, or, for somebody whose role the services would refuse, a plain message
    saying which role it needs (never an empty tab or a traceback)."""

    def __init__(self, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.content = content
        self.notice = QLabel("")
        self.notice.setProperty("role", "caution")
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName("Why this tab is closed to you")
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = QLabel("")
        self.hint.setProperty("role", "muted")
        self.hint.setWordWrap(True)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(40, 40, 40, 40)
        layout.addWidget(self.notice)
        layout.addWidget(self.hint)
        layout.addStretch(1)
        self.addWidget(content)
        self.addWidget(page)

    @property
    def open(self) -> bool:
        return self.currentWidget() is self.content

    def allow(self) -> None:
        self.setCurrentWidget(self.content)

    def refuse(self, text: str, hint: str = "") -> None:
        self.notice.setText(f"⚠ {text}")
        self.hint.setText(hint)
        self.setCurrentIndex(1)
