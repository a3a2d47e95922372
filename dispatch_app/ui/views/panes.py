"""Small pieces the lead's and the manager's windows share: a read-only list, a pane's title,
a field's label with its shortcut, the inline state line under it (what is being read, what went wrong), and a tab's two panes
side by side."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QTableView, QVBoxLayout, QWidget

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


def buddy_label(text: str, widget: QWidget) -> QLabel:
    """A label whose Alt+letter (``&`` in ``text``) moves the focus to ``widget``."""
    label = QLabel(text)
    label.setBuddy(widget)
    return label


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


def titled(title: str, widget: QWidget) -> QWidget:
    """``widget`` under a pane title."""
    pane = QWidget()
    column = QVBoxLayout(pane)
    column.setContentsMargins(0, 0, 0, 0)
    column.addWidget(pane_title(title))
    column.addWidget(widget, 1)
    return pane


def side_by_side(tab: QWidget, left: QWidget, right: QWidget, *, stretch: tuple[int, int] = (3, 1),
                 sizes: tuple[int, int] = (1100, 500)) -> QSplitter:
    """Fill ``tab`` with ``left`` and ``right`` in a splitter (answered, for the tab to keep)."""
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.addWidget(left)
    splitter.addWidget(right)
    splitter.setStretchFactor(0, stretch[0])
    splitter.setStretchFactor(1, stretch[1])
    splitter.setSizes(list(sizes))
    layout = QVBoxLayout(tab)
    layout.setContentsMargins(6, 6, 6, 6)
    layout.addWidget(splitter)
    return splitter
