"""Ctrl+K: every action by name, with its shortcut; F1: the same list as a sheet to read."""
from __future__ import annotations

from collections.abc import Hashable, Sequence

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dispatch_app.ui.models.table import Column, RowsModel, sorting_proxy
from dispatch_app.ui.views.tables import read_only


def shortcut_text(action: QAction) -> str:
    return "  or  ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())


def plain_text(action: QAction) -> str:
    return action.text().replace("&&", "\x00").replace("&", "").replace("\x00", "&").rstrip(".…")


class ActionsModel(RowsModel[QAction]):
    columns = (
        Column("Action", plain_text),
        Column("Shortcut", shortcut_text),
        Column("What it does", lambda a: a.statusTip() or a.toolTip()),
    )

    def key(self, row: QAction) -> Hashable:
        return id(row)


class CommandPalette(QDialog):
    """Type to filter; Enter runs the highlighted action. ``sheet=True`` only lists them."""

    def __init__(self, actions: Sequence[QAction], *, sheet: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts" if sheet else "Command palette")
        self._sheet = sheet
        self.model = ActionsModel(self)
        self.model.set_rows([a for a in actions if a.text()])
        self.proxy = sorting_proxy(self.model, self)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("type to find an action")
        self.filter.setAccessibleName("Find an action")
        self.filter.textChanged.connect(self._on_filter_changed)
        self.filter.installEventFilter(self)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        read_only(self.table)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.resizeColumnsToContents()
        self.table.activated.connect(lambda index: self.run_current())
        hint = QLabel("Esc closes. Tab / Shift+Tab move between panes; Ctrl+1/2/3 jump to the queue, "
                      "the call and the client." if sheet else "Enter runs the highlighted action; Esc closes.")
        hint.setProperty("role", "muted")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        self.resize(760, 520)
        self.table.selectRow(0)
        self.filter.setFocus()

    def _on_filter_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self.table.selectRow(0)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.filter and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                row = self.table.currentIndex().row() + (1 if key == Qt.Key.Key_Down else -1)
                self.table.selectRow(max(0, min(row, self.proxy.rowCount() - 1)))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.run_current()
                return True
        return super().eventFilter(watched, event)

    def run_current(self) -> None:
        index = self.table.currentIndex()
        if self._sheet or not index.isValid():
            self.accept()
            return
        action = self.model.value(self.proxy.mapToSource(index).row())
        self.accept()
        if action.isEnabled():
            action.trigger()
