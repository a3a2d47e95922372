"""Ctrl+K: every command of the window by name, with its shortcut; F1: the same list as a sheet.

Both draw from the window's command table (:mod:`dispatch_app.ui.commands`): a command closed
to the signed-in role is listed disabled, with the reason."""
from __future__ import annotations

from collections.abc import Hashable, Sequence

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dispatch_app.ui.commands import Entry
from dispatch_app.ui.models.table import Column, RowsModel, sorting_proxy
from dispatch_app.ui.views.tables import read_only


def _what_it_does(entry: Entry) -> str:
    tip = entry.command.tip
    return f"{tip} — {entry.closed_reason}" if entry.closed_reason else tip


class ActionsModel(RowsModel[Entry]):
    columns = (
        Column("Action", lambda e: e.text),
        Column("Shortcut", lambda e: e.keys),
        Column("What it does", _what_it_does),
    )

    def key(self, row: Entry) -> Hashable:
        return row.command.name

    def flags(self, index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and not self.value(index.row()).available:
            flags &= ~Qt.ItemFlag.ItemIsEnabled
        return flags


class CommandPalette(QDialog):
    """Type to filter; Enter runs the highlighted action. ``sheet=True`` only lists them."""

    def __init__(self, entries: Sequence[Entry], *, sheet: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts" if sheet else "Command palette")
        self._sheet = sheet
        self.model = ActionsModel(self)
        self.model.set_rows(list(entries))
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
        self.hint = hint = QLabel("Esc closes. Tab / Shift+Tab move between panes; Ctrl+1/2/3 jump to the queue, "
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
        entry = self.model.value(self.proxy.mapToSource(index).row())
        if not entry.available:
            self.hint.setText(f"{entry.text}: {entry.closed_reason}.")
            return
        self.accept()
        entry.action.trigger()
