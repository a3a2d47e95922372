"""Two people editing one record: the panel shown when somebody else saved it first.

Nothing is overwritten silently: the user's text stays in the form, "Show theirs" lists the
fields where the stored record and the form differ side by side, "Overwrite with mine" saves
the form over theirs (naming their version, so the choice is deliberate and lands in the
history as this user's change), "Discard mine" reloads the stored record.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView, QVBoxLayout

from dispatch_app.ui.models.table import Column, RowsModel
from dispatch_app.ui.views.tables import read_only


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """``{"agreement.coverage.3": "always", "contacts[0].name": ...}``: every leaf by its path."""
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(data, list) and data and all(isinstance(v, dict) for v in data):
        for number, value in enumerate(data):
            out.update(flatten(value, f"{prefix}[{number}]"))
    else:
        out[prefix] = data
    return out


@dataclass(frozen=True)
class Difference:
    field: str
    theirs: Any
    mine: Any


def differences(theirs: dict, mine: dict) -> list[Difference]:
    """The fields where the stored record and the form differ (empty and absent count as one)."""
    a, b = flatten(theirs), flatten(mine)
    empty = (None, "", [], {})
    return [Difference(name, a.get(name), b.get(name)) for name in dict.fromkeys([*a, *b])
            if a.get(name) != b.get(name) and not (a.get(name) in empty and b.get(name) in empty)
            and str(a.get(name)) != str(b.get(name))]


def _show(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
        return ", ".join(str(v) for v in value) or "(none)"
    return json.dumps(value, ensure_ascii=False)


class DifferencesModel(RowsModel[Difference]):
    columns = (
        Column("Field", lambda d: d.field),
        Column("Theirs (saved)", lambda d: _show(d.theirs).replace("\n", " ⏎ "), tooltip=lambda d: _show(d.theirs)),
        Column("Yours (in the form)", lambda d: _show(d.mine).replace("\n", " ⏎ "), tooltip=lambda d: _show(d.mine)),
    )

    def key(self, row: Difference):
        return row.field


class ConflictPanel(QFrame):
    """Signals:
        show_theirs_requested(), overwrite_requested(), discard_requested()
    """

    show_theirs_requested = Signal()
    overwrite_requested = Signal()
    discard_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("conflict")
        self.heading = QLabel("")
        self.heading.setProperty("role", "heading")
        self.heading.setWordWrap(True)
        self.heading.setAccessibleName("Conflict")
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail = QLabel("")
        self.detail.setWordWrap(True)
        # The shortcuts are the window's (Ctrl+Shift+T/O/D), not mnemonics: the form below has its own letters.
        self.show_theirs_button = QPushButton("Show theirs · Ctrl+Shift+T")
        self.show_theirs_button.setAccessibleName("Show theirs")
        self.show_theirs_button.setToolTip("List the fields where their saved record and your form differ")
        self.overwrite_button = QPushButton("Overwrite with mine · Ctrl+Shift+O")
        self.overwrite_button.setAccessibleName("Overwrite with mine")
        self.overwrite_button.setToolTip("Save your form over their version: recorded in the history as your change")
        self.discard_button = QPushButton("Discard mine · Ctrl+Shift+D")
        self.discard_button.setAccessibleName("Discard mine")
        self.discard_button.setToolTip("Throw away your edits and load their saved record")
        self.show_theirs_button.clicked.connect(self.show_theirs_requested)
        self.overwrite_button.clicked.connect(self.overwrite_requested)
        self.discard_button.clicked.connect(self.discard_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_theirs_button)
        buttons.addWidget(self.overwrite_button)
        buttons.addWidget(self.discard_button)
        buttons.addStretch(1)
        self.model = DifferencesModel(self)
        self.table = read_only(QTableView())
        self.table.setModel(self.model)
        self.table.setAccessibleName("Their saved record beside your form")
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(150)
        self.table.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.detail)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        self.hide()

    def raise_for(self, who: str, when: str, *, deleted: bool = False) -> None:
        if deleted:
            self.heading.setText(f"⚠ {who} deleted this record at {when} while you were editing.")
            self.detail.setText("Your changes are kept below. “Overwrite with mine” saves them as a new record; "
                                "“Discard mine” closes the form.")
        else:
            self.heading.setText(f"⚠ {who} saved this record at {when} while you were editing.")
            self.detail.setText("Your changes are kept below; nothing was saved. Compare with theirs, then "
                                "overwrite with yours or discard yours.")
        self.show_theirs_button.setEnabled(not deleted)
        self.table.hide()
        self.model.set_rows([])
        self.show()

    def show_differences(self, theirs: dict, mine: dict) -> None:
        rows = differences(theirs, mine)
        self.model.set_rows(rows)
        self.table.setVisible(True)
        if not rows:
            self.detail.setText("Their saved record and your form now read the same.")

    def dismiss(self) -> None:
        self.hide()
        self.table.hide()
        self.model.set_rows([])
