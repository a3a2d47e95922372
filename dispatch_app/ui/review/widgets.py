"""Small pieces the review's tabs share: list views, headings, state lines, the role gate."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QLabel, QPushButton, QStackedWidget, QTableView, QVBoxLayout, QWidget

from dispatch_app.ui.models.table import sorting_proxy
from dispatch_app.ui.theme import repolish
from dispatch_app.ui.views.tables import read_only


def list_view(model, name: str, *, sortable: bool = True) -> QTableView:
    view = QTableView()
    view.setModel(sorting_proxy(model, view))
    view.setSortingEnabled(sortable)
    read_only(view)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.setTabKeyNavigation(False)
    view.setAccessibleName(name)
    return view


def pane_title(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "pane-title")
    return label


def state_line(name: str) -> QLabel:
    label = QLabel("")
    label.setWordWrap(True)
    label.setAccessibleName(name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def show_state(label: QLabel, text: str, *, problem: bool = False, role: str = "") -> None:
    """An inline line; a refusal or failure is drawn as a caution (and its words say so)."""
    label.setText(text)
    label.setProperty("role", "caution" if problem else role)
    repolish(label)


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
        self.notice.setText(f"🔒 {text}")
        self.hint.setText(hint)
        self.setCurrentIndex(1)
