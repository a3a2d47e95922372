"""A record's history: every recorded change, who made it and when, and each field that changed
with its value before and after (newest first). The selected line's values are shown whole
below the list (a runbook's text does not fit a cell)."""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QPlainTextEdit, QSplitter, QTableView, QVBoxLayout, QWidget

from dispatch_app.services.editing import RecordChange
from dispatch_app.ui.clock import ViewerClock
from dispatch_app.ui.models.table import Column, RowsModel
from dispatch_app.ui.views.tables import read_only

ACTION_WORDS = {"created": "created", "updated": "changed", "deleted": "deleted", "deactivated": "deactivated"}
FIELD_WORDS = {"agreement.plan": "Plan", "agreement.business_hours": "Business hours",
               "agreement.emergency": "Emergency rules", "agreement.notes": "Agreement notes",
               "unavailable": "Leave", "depends_on": "Depends on", "fix_level": "Fix level",
               "review_days": "Review every (days)", "may_authorize": "May authorize", "from": "From", "to": "Until"}
_PER = {"agreement.coverage.": "Coverage, level {}", "agreement.response_minutes.": "Respond within, {}",
        "agreement.ack_minutes.": "Acknowledge within, {}", "vendor.": "Vendor {}"}


def field_words(path: str) -> str:
    """How a changed field reads (``Coverage, level 3``); its bundle path is in the tooltip."""
    if path in FIELD_WORDS:
        return FIELD_WORDS[path]
    for prefix, words in _PER.items():
        if path.startswith(prefix):
            return words.format(path[len(prefix):])
    return path.replace("_", " ").capitalize() if path else "—"


def _part(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _mapping(value: dict) -> str:
    """``systems: erp-plc; impact: down, degraded`` (an emergency rule, a contact, a leave)."""
    return "; ".join(f"{key}: {_part(item)}" for key, item in value.items()) or "(empty)"


def show_value(value: Any) -> str:
    """A before/after value on one line: text as it is, lists joined, mappings as ``key: value``."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return _mapping(value)
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            return " | ".join(_mapping(v) for v in value)
        return ", ".join(str(v) for v in value) or "(none)"
    return json.dumps(value, ensure_ascii=False)


def whole_value(value: Any) -> str:
    """The value whole: text as it is, a list one item a line."""
    if value is None:
        return "(not set)"
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        if not value:
            return "(none)"
        return "\n".join(f"{n}. {_mapping(v) if isinstance(v, dict) else v}" for n, v in enumerate(value, start=1))
    if isinstance(value, dict):
        return "\n".join(f"{key}: {_part(item)}" for key, item in value.items())
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class HistoryLine:
    number: int
    at: datetime
    who: str
    action: str
    version: int
    field: str
    before: Any
    after: Any


def history_lines(changes: list[RecordChange], name_of: Callable[[str | None], str]) -> list[HistoryLine]:
    """One line per field changed, newest change first."""
    lines = []
    for number, change in reversed(list(enumerate(changes))):
        who = name_of(change.actor) if change.actor else "an import (nobody signed in)"
        fields = list(change.diff.items()) or [("", [None, None])]
        for name, (before, after) in fields:
            lines.append(HistoryLine(number, change.at, who, ACTION_WORDS.get(change.action, change.action),
                                     change.version, name, before, after))
    return lines


def _first_line(text: str, limit: int = 90) -> str:
    line = text.splitlines()[0] if text else ""
    more = len(text) > len(line) or len(line) > limit
    return (line[:limit] + " …") if more else line


class HistoryModel(RowsModel[HistoryLine]):
    def __init__(self, clock: ViewerClock, parent=None) -> None:
        self.columns = (
            Column("When", lambda h: clock.stamp(h.at), lambda h: h.at),
            Column("Who", lambda h: h.who),
            Column("What", lambda h: f"{h.action} (version {h.version})", lambda h: h.version),
            Column("Field", lambda h: field_words(h.field), tooltip=lambda h: h.field),
            Column("Before", lambda h: _first_line(show_value(h.before)), tooltip=lambda h: show_value(h.before)),
            Column("After", lambda h: _first_line(show_value(h.after)), tooltip=lambda h: show_value(h.after)),
        )
        super().__init__(parent)

    def key(self, row: HistoryLine):
        return row.number, row.field


class HistoryPanel(QWidget):
    def __init__(self, clock: ViewerClock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("History summary")
        self.model = HistoryModel(clock, self)
        self.table = read_only(QTableView())
        self.table.setModel(self.model)
        self.table.setAccessibleName("Changes of this record, newest first")
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        for number in range(4):
            header.setSectionResizeMode(number, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._on_row_chosen)
        self.before = QPlainTextEdit()
        self.before.setReadOnly(True)
        self.before.setAccessibleName("Value before the change")
        self.after = QPlainTextEdit()
        self.after.setReadOnly(True)
        self.after.setAccessibleName("Value after the change")
        values = QSplitter(Qt.Orientation.Horizontal)
        for title, widget in (("BEFORE", self.before), ("AFTER", self.after)):
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            label = QLabel(title)
            label.setProperty("role", "pane-title")
            column.addWidget(label)
            column.addWidget(widget)
            values.addWidget(box)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(values)
        splitter.setSizes([400, 200])
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)

    def show_changes(self, changes: list[RecordChange], name_of: Callable[[str | None], str]) -> None:
        lines = history_lines(changes, name_of)
        self.model.set_rows(lines)
        if not changes:
            self.summary.setText("No change recorded since the record was imported.")
        else:
            last = changes[-1]
            who = name_of(last.actor) if last.actor else "an import"
            self.summary.setText(f"{len(changes)} change{'s' if len(changes) != 1 else ''} recorded; the last "
                                 f"by {who}. Select a line to read its values whole.")
        if lines:
            self.table.selectRow(0)
        else:
            self.before.clear()
            self.after.clear()

    def show_unsaved(self) -> None:
        self.model.set_rows([])
        self.summary.setText("Not saved yet: the history starts with the first save.")
        self.before.clear()
        self.after.clear()

    def _on_row_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        line = self.model.value(current.row())
        self.before.setPlainText(whole_value(line.before))
        self.after.setPlainText(whole_value(line.after))
