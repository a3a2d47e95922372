"""Small pieces the lead's and the manager's windows share: a read-only list, a pane's title,
and the inline state line under it (what is being read, what went wrong)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableView

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
