"""A list of small mappings edited in a table: contacts, experts, leave, rotation members.

Cells are edited in place (F2 or typing; a closed list opens as a combo box, a yes/no cell is
a check box). Rows are added from an entry line under the table (the fields to fill, then
Enter or the Add button) or as a blank row, removed with Delete and moved with Ctrl+Up/Down.
A row with a problem is marked in the table (⚠ and a tint) and its problem is said under it.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dispatch_app.ui.editor.fields import error_label, mark_invalid
from dispatch_app.ui.editor.problems import row_and_key

_Index = QModelIndex | QPersistentModelIndex
Choices = Callable[[], Sequence[tuple[str, str]]]
_EDIT_TRIGGERS = (QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                  | QAbstractItemView.EditTrigger.AnyKeyPressed)


@dataclass(frozen=True)
class RowColumn:
    key: str
    header: str
    kind: str = "text"  # text | bool | choice
    choices: Choices | None = None
    """For ``choice``: (value, label) pairs, asked when the cell is edited or shown."""
    show: Callable[[Any], str] | None = None
    """How a stored value reads (an instant in local time); edited as stored."""
    placeholder: str = ""
    stretch: bool = False
    width: int = 0
    """A fixed starting width (the user may drag it); 0: as wide as the contents."""


class RowsTableModel(QAbstractTableModel):
    """Rows as plain dicts under declared columns. Signals: rows_edited()."""

    rows_edited = Signal()

    def __init__(self, columns: Sequence[RowColumn], parent=None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[dict[str, Any]] = []
        self._problems: dict[tuple[int, str], str] = {}
        self._labels: dict[str, dict[str, str]] = {}
        self.editable = True

    # ------------------------------------------------------------ Qt

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return self.columns[section].header
        return None

    def _label(self, column: RowColumn, value: Any) -> str:
        if column.kind == "bool":
            return "yes" if value else "no"
        if value in (None, ""):
            return ""
        if column.kind == "choice" and column.choices is not None:
            labels = self._labels.get(column.key)
            if labels is None:
                labels = self._labels[column.key] = dict(column.choices())
            return labels.get(value, f"{value} (unknown)")
        return column.show(value) if column.show is not None else str(value)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        column = self.columns[index.column()]
        row = self._rows[index.row()]
        value = row.get(column.key)
        problem = self._problems.get((index.row(), column.key)) or self._problems.get((index.row(), ""))
        if role == Qt.ItemDataRole.DisplayRole:
            text = self._label(column, value)
            if problem and (index.column() == 0 or (index.row(), column.key) in self._problems):
                text = "⚠ " + text
            return text
        if role == Qt.ItemDataRole.EditRole:
            return value if value is not None else ""
        if role == Qt.ItemDataRole.CheckStateRole and column.kind == "bool":
            return Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            return problem or (str(value) if column.show is not None and value else None)
        if role == Qt.ItemDataRole.BackgroundRole and problem:
            return QColor("#4a1512")
        if role == Qt.ItemDataRole.ForegroundRole and problem:
            return QColor("#ffe3df")
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not self.editable:
            return flags
        if self.columns[index.column()].kind == "bool":
            return flags | Qt.ItemFlag.ItemIsUserCheckable
        return flags | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        column = self.columns[index.column()]
        if column.kind == "bool":
            if role != Qt.ItemDataRole.CheckStateRole:
                return False
            value = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role != Qt.ItemDataRole.EditRole:
            return False
        elif isinstance(value, str) and column.kind == "text":
            value = value.strip()
        row = self._rows[index.row()]
        if row.get(column.key) == value:
            return False
        row[column.key] = value
        self.dataChanged.emit(index, index)
        self.rows_edited.emit()
        return True

    # ------------------------------------------------------------ rows

    def set_rows(self, rows: Sequence[dict[str, Any]]) -> None:
        """A whole new list (another record opened): the one place this model resets."""
        self.beginResetModel()
        self._rows = [dict(r) for r in rows]
        self._problems = {}
        self._labels = {}
        self.endResetModel()

    def rows(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self._rows]

    def append(self, row: dict[str, Any]) -> int:
        number = len(self._rows)
        self.beginInsertRows(QModelIndex(), number, number)
        self._rows.append(dict(row))
        self.endInsertRows()
        self.rows_edited.emit()
        return number

    def remove(self, number: int) -> None:
        if not 0 <= number < len(self._rows):
            return
        self.beginRemoveRows(QModelIndex(), number, number)
        del self._rows[number]
        self.endRemoveRows()
        self.rows_edited.emit()

    def move(self, number: int, target: int) -> bool:
        if not (0 <= number < len(self._rows) and 0 <= target < len(self._rows)) or number == target:
            return False
        self.beginMoveRows(QModelIndex(), number, number, QModelIndex(), target + 1 if target > number else target)
        self._rows.insert(target, self._rows.pop(number))
        self.endMoveRows()
        self.rows_edited.emit()
        return True

    def set_problems(self, problems: dict[tuple[int, str], str]) -> None:
        if problems == self._problems:
            return
        self._problems = problems
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.columns) - 1))


class ChoiceDelegate(QStyledItemDelegate):
    """Edits a closed-list cell with a combo box."""

    def __init__(self, choices: Choices, parent=None) -> None:
        super().__init__(parent)
        self._choices = choices

    def createEditor(self, parent, option, index):
        combo = QComboBox(parent)
        for value, label in self._choices():
            combo.addItem(label, value)
        return combo

    def setEditorData(self, editor, index):
        found = editor.findData(index.data(Qt.ItemDataRole.EditRole))
        editor.setCurrentIndex(max(found, 0))

    def setModelData(self, editor, model, index):
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class RowsEditor(QWidget):
    """A table of rows with its entry line and buttons. Signals: edited()."""

    edited = Signal()

    def __init__(self, columns: Sequence[RowColumn], *, noun: str, entry: Sequence[tuple[str, QWidget]] = (),
                 defaults: dict[str, Any] | None = None, movable: bool = False, name: str = "") -> None:
        super().__init__()
        self.noun = noun
        self._defaults = dict(defaults or {})
        self._entry = list(entry)
        self.model = RowsTableModel(columns, self)
        self.model.rows_edited.connect(self.edited)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(name or noun)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(_EDIT_TRIGGERS)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for number, column in enumerate(columns):
            if column.kind == "choice" and column.choices is not None:
                self.table.setItemDelegateForColumn(number, ChoiceDelegate(column.choices, self.table))
            if column.stretch:
                header.setSectionResizeMode(number, QHeaderView.ResizeMode.Stretch)
            elif column.width:
                header.setSectionResizeMode(number, QHeaderView.ResizeMode.Interactive)
                self.table.setColumnWidth(number, column.width)
            else:
                header.setSectionResizeMode(number, QHeaderView.ResizeMode.ResizeToContents)
        if not any(c.stretch for c in columns):
            header.setStretchLastSection(True)
        self.table.setMinimumHeight(110)

        self.add_button = QPushButton(f"Add {noun}")
        self.add_button.setToolTip(f"Add a {noun} (Insert in the table; Enter in the fields beside)")
        self.add_button.clicked.connect(self.add)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip(f"Remove the selected {noun} (Delete in the table)")
        self.remove_button.setAccessibleName(f"Remove the selected {noun}")
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for _, widget in self._entry:
            buttons.addWidget(widget, 1)
            if isinstance(widget, QLineEdit):
                widget.returnPressed.connect(self.add)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        self.up_button = self.down_button = None
        if movable:
            self.up_button = QPushButton("▲ Up")
            self.up_button.setToolTip(f"Move the {noun} up (Ctrl+Up in the table)")
            self.up_button.clicked.connect(lambda: self.move_selected(-1))
            self.down_button = QPushButton("▼ Down")
            self.down_button.setToolTip(f"Move the {noun} down (Ctrl+Down in the table)")
            self.down_button.clicked.connect(lambda: self.move_selected(+1))
            buttons.addWidget(self.up_button)
            buttons.addWidget(self.down_button)
            QShortcut(QKeySequence("Ctrl+Up"), self.table, lambda: self.move_selected(-1),
                      context=Qt.ShortcutContext.WidgetShortcut)
            QShortcut(QKeySequence("Ctrl+Down"), self.table, lambda: self.move_selected(+1),
                      context=Qt.ShortcutContext.WidgetShortcut)
        if not self._entry:
            buttons.addStretch(1)
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.table, self.remove_selected,
                  context=Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Insert), self.table, self.add, context=Qt.ShortcutContext.WidgetShortcut)
        self.error = error_label()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.table, 1)
        column.addLayout(buttons)
        column.addWidget(self.error)

    # ------------------------------------------------------------ public

    def set_rows(self, rows: Sequence[dict[str, Any]]) -> None:
        self.model.set_rows(rows)
        self.show_problems([])

    def rows(self) -> list[dict[str, Any]]:
        return self.model.rows()

    def fit_rows(self, count: int, *, most: int = 8) -> None:
        """Tall enough for ``count`` rows (at most ``most``; more scroll inside)."""
        row = self.table.verticalHeader().defaultSectionSize()
        header = self.table.horizontalHeader().sizeHint().height()
        self.table.setFixedHeight(header + row * max(2, min(count, most)) + 2 * self.table.frameWidth() + 4)

    def add(self) -> None:
        """A row from the entry fields (when there are any) or a blank one, edited at once."""
        row = dict(self._defaults)
        for key, widget in self._entry:
            if isinstance(widget, QComboBox):
                row[key] = widget.currentData()
            elif isinstance(widget, QLineEdit):
                row[key] = widget.text().strip()
        number = self.model.append(row)
        self.table.selectRow(number)
        if self._entry:
            for _, widget in self._entry:
                if isinstance(widget, QLineEdit):
                    widget.clear()
            self._entry[0][1].setFocus()
        else:
            self.table.setFocus()
            self.table.edit(self.model.index(number, 0))

    def remove_selected(self) -> None:
        number = self.table.currentIndex().row()
        if number < 0:
            return
        self.model.remove(number)
        if self.model.rowCount():
            self.table.selectRow(min(number, self.model.rowCount() - 1))

    def move_selected(self, step: int) -> None:
        number = self.table.currentIndex().row()
        if number >= 0 and self.model.move(number, number + step):
            self.table.selectRow(number + step)

    def set_editable(self, editable: bool) -> None:
        self.table.setEditTriggers(_EDIT_TRIGGERS if editable else QAbstractItemView.EditTrigger.NoEditTriggers)
        for widget in [self.add_button, self.remove_button, self.up_button, self.down_button,
                       *(w for _, w in self._entry)]:
            if widget is not None:
                widget.setEnabled(editable)
        self.model.editable = editable

    def show_problems(self, problems: list[tuple[str, str]]) -> None:
        """Problems below this list: ``(rest of the path, line)``, rest like ``[1].tech``."""
        cells: dict[tuple[int, str], str] = {}
        lines = []
        for rest, line in problems:
            number, key = row_and_key(rest)
            if number is not None:
                cells[(number, key)] = line
                lines.append(f"⚠ {self.noun} {number + 1}: {line}")
            else:
                lines.append(f"⚠ {line}")
        self.model.set_problems(cells)
        self.error.setText("\n".join(lines))
        self.error.setVisible(bool(lines))
        mark_invalid(self.table, "; ".join(line for _, line in problems) or None)
