"""A client's emergency rules, edited as rules: a list, each rule with its systems, criticality,
impact and keywords (DOMAIN.md "Priority": a rule matches when all its present keys match).

In the form, nothing ticked in a picker means the key is left out (any value matches); an
explicitly empty list (which would match nothing) is not offered: to make nothing an
emergency, remove every rule.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dispatch_app.domain.model import CRITICALITIES, IMPACTS
from dispatch_app.ui.editor.fields import CheckGroup, Checklist, error_label, hint, mark_invalid, split_list
from dispatch_app.ui.editor.problems import row_and_key
from dispatch_app.ui.wording import IMPACT_WORDS

_Index = QModelIndex | QPersistentModelIndex
RULE_KEYS = ("systems", "criticality", "impact", "keywords")


def _either(words: Sequence[str]) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def rule_sentence(rule: dict[str, Any], system_names: dict[str, str]) -> str:
    """How a rule reads: ``the system is ERP server and the impact is down``."""
    parts = []
    if rule.get("systems"):
        parts.append("the system is " + _either([system_names.get(s, s) for s in rule["systems"]]))
    if rule.get("criticality"):
        parts.append("the system is " + _either(rule["criticality"]))
    if rule.get("impact"):
        parts.append("the impact is " + _either([IMPACT_WORDS.get(i, i) for i in rule["impact"]]))
    if rule.get("keywords"):
        parts.append("the summary says " + _either([f"“{k}”" for k in rule["keywords"]]))
    return " and ".join(parts) if parts else "always (a rule with no conditions: every call is P1)"


class RulesModel(QAbstractTableModel):
    COLUMNS = ("#", "A call is an emergency (P1) when")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rules: list[dict[str, Any]] = []
        self.system_names: dict[str, str] = {}
        self.problem_rows: dict[int, str] = {}

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rules)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else 2

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.rules):
            return None
        problem = self.problem_rows.get(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return ("⚠ " if problem else "") + f"Rule {index.row() + 1}"
            return rule_sentence(self.rules[index.row()], self.system_names)
        if role == Qt.ItemDataRole.ToolTipRole:
            return problem
        if role == Qt.ItemDataRole.BackgroundRole and problem:
            return QColor("#4a1512")
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable if index.isValid() else Qt.ItemFlag.NoItemFlags

    def load(self, rules: Sequence[dict[str, Any]], system_names: dict[str, str]) -> None:
        """Another record's rules: the one place this model resets."""
        self.beginResetModel()
        self.rules = [{k: list(v) for k, v in r.items() if k in RULE_KEYS} for r in rules]
        self.system_names = dict(system_names)
        self.problem_rows = {}
        self.endResetModel()

    def replace(self, number: int, rule: dict[str, Any]) -> None:
        self.rules[number] = rule
        self.dataChanged.emit(self.index(number, 0), self.index(number, 1))

    def append(self, rule: dict[str, Any]) -> int:
        number = len(self.rules)
        self.beginInsertRows(QModelIndex(), number, number)
        self.rules.append(rule)
        self.endInsertRows()
        return number

    def remove(self, number: int) -> None:
        self.beginRemoveRows(QModelIndex(), number, number)
        del self.rules[number]
        self.endRemoveRows()
        self._renumber()

    def move(self, number: int, target: int) -> bool:
        if not (0 <= number < len(self.rules) and 0 <= target < len(self.rules)) or number == target:
            return False
        self.beginMoveRows(QModelIndex(), number, number, QModelIndex(), target + 1 if target > number else target)
        self.rules.insert(target, self.rules.pop(number))
        self.endMoveRows()
        self._renumber()
        return True

    def set_problems(self, rows: dict[int, str]) -> None:
        self.problem_rows = rows
        self._renumber()

    def _renumber(self) -> None:
        if self.rules:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rules) - 1, 1))


class RulesEditor(QWidget):
    """The rule list above, the chosen rule's pickers below. Signals: edited()."""

    edited = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._filling = False
        self.model = RulesModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Emergency rules")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumHeight(96)
        self.table.selectionModel().currentRowChanged.connect(self._on_rule_chosen)
        self.empty_line = QLabel("")
        self.empty_line.setWordWrap(True)

        self.add_button = QPushButton("&Add rule")
        self.add_button.setToolTip("Add an emergency rule (then tick what it matches)")
        self.add_button.clicked.connect(self.add_rule)
        self.remove_button = QPushButton("Remove rule")
        self.remove_button.clicked.connect(self.remove_rule)
        self.up_button = QPushButton("▲ Up")
        self.up_button.setAccessibleName("Move the rule up")
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button = QPushButton("▼ Down")
        self.down_button.setAccessibleName("Move the rule down")
        self.down_button.clicked.connect(lambda: self._move(+1))
        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.detail_title = QLabel("")
        self.detail_title.setProperty("role", "muted")
        self.systems = Checklist()
        self.systems.setAccessibleName("Rule: the call's system is one of")
        self.systems.setFixedHeight(132)
        self.criticality = CheckGroup(CRITICALITIES)
        self.criticality.setAccessibleName("Rule: the call's system criticality is one of")
        self.impact = CheckGroup(IMPACTS)
        self.impact.setAccessibleName("Rule: the call's impact is one of")
        self.keywords = QLineEdit()
        self.keywords.setAccessibleName("Rule: the summary says one of these phrases")
        self.keywords.setPlaceholderText("comma-separated phrases, e.g. line down, production stopped")
        self.detail = QWidget()
        form = QFormLayout(self.detail)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.detail_title)
        systems_label = QLabel("S&ystems")
        systems_label.setBuddy(self.systems)
        form.addRow(systems_label, self.systems)
        form.addRow("Criticality", self.criticality)
        form.addRow("Impact", self.impact)
        keywords_label = QLabel("&Keywords")
        keywords_label.setBuddy(self.keywords)
        form.addRow(keywords_label, self.keywords)
        form.addRow(hint("Nothing ticked (or no phrase) leaves that condition out: anything matches it. "
                         "A rule matches when all its conditions do; a call is P1 when any rule matches."))
        self.systems.changed.connect(self._on_detail_changed)
        self.criticality.changed.connect(self._on_detail_changed)
        self.impact.changed.connect(self._on_detail_changed)
        self.keywords.textChanged.connect(self._on_detail_changed)
        self.error = error_label()

        rules_column = QVBoxLayout()
        rules_column.setContentsMargins(0, 0, 0, 0)
        rules_column.addWidget(self.table)
        rules_column.addWidget(self.empty_line)
        rules_column.addLayout(buttons)
        rules_column.addWidget(self.error)
        rules_column.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(rules_column, 3)
        layout.addSpacing(12)
        layout.addWidget(self.detail, 2)
        self._systems: list[tuple[str, str]] = []

    # ------------------------------------------------------------ public

    def load(self, rules: Sequence[dict[str, Any]], systems: Sequence[tuple[str, str]]) -> None:
        self._systems = list(systems)
        self.model.load(rules, dict(systems))
        self._fit()
        self.show_problems([])
        self.table.setCurrentIndex(self.model.index(0, 1) if self.model.rules else QModelIndex())
        self._show_detail(0 if self.model.rules else -1)

    def rules(self) -> list[dict[str, Any]]:
        return [dict(rule) for rule in self.model.rules]

    def add_rule(self) -> None:
        number = self.model.append({})
        self._fit()
        self.table.setCurrentIndex(self.model.index(number, 1))
        self.systems.setFocus()
        self.edited.emit()

    def remove_rule(self) -> None:
        number = self.table.currentIndex().row()
        if number < 0:
            return
        self.model.remove(number)
        self._fit()
        if self.model.rules:
            self.table.setCurrentIndex(self.model.index(min(number, len(self.model.rules) - 1), 1))
        else:
            self._show_detail(-1)
        self.edited.emit()

    def set_editable(self, editable: bool) -> None:
        for widget in (self.add_button, self.remove_button, self.up_button, self.down_button, self.criticality,
                       self.impact):
            widget.setEnabled(editable)
        self.systems.set_editable(editable)
        self.keywords.setReadOnly(not editable)

    def show_problems(self, problems: list[tuple[str, str]]) -> None:
        rows: dict[int, str] = {}
        lines = []
        for rest, line in problems:
            number, _ = row_and_key(rest)
            if number is not None:
                rows[number] = line
                lines.append(f"⚠ rule {number + 1}: {line}")
            else:
                lines.append(f"⚠ {line}")
        self.model.set_problems(rows)
        self.error.setText("\n".join(lines))
        self.error.setVisible(bool(lines))
        mark_invalid(self.table, "; ".join(line for _, line in problems) or None)

    # ------------------------------------------------------------ the chosen rule

    def _fit(self) -> None:
        count = len(self.model.rules)
        self.empty_line.setText("" if count else "No rules: no call is an emergency (P1) for this client; a "
                                "dispatcher can still raise a call's priority by hand.")
        self.empty_line.setVisible(not count)
        self.table.setVisible(bool(count))
        self.detail.setVisible(bool(count))
        self.table.resizeRowsToContents()
        rows = sum(max(self.table.rowHeight(r), 28) for r in range(count))
        self.table.setFixedHeight(min(rows, 260) + self.table.horizontalHeader().sizeHint().height() + 6)

    def _on_rule_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_detail(current.row())

    def _show_detail(self, number: int) -> None:
        self._filling = True
        try:
            rule = self.model.rules[number] if 0 <= number < len(self.model.rules) else {}
            self.detail_title.setText(f"Rule {number + 1}: what it matches" if number >= 0 else "")
            self.systems.set_choices(self._systems, rule.get("systems", []))
            self.criticality.set_value(rule.get("criticality", []))
            self.impact.set_value(rule.get("impact", []))
            self.keywords.setText(", ".join(rule.get("keywords", [])))
        finally:
            self._filling = False

    def _on_detail_changed(self) -> None:
        number = self.table.currentIndex().row()
        if self._filling or number < 0:
            return
        rule: dict[str, Any] = {}
        for key, value in (("systems", self.systems.value()), ("criticality", self.criticality.value()),
                           ("impact", self.impact.value()), ("keywords", split_list(self.keywords.text()))):
            if value:
                rule[key] = value
        self.model.replace(number, rule)
        self.table.resizeRowToContents(number)
        self.edited.emit()

    def _move(self, step: int) -> None:
        number = self.table.currentIndex().row()
        if number >= 0 and self.model.move(number, number + step):
            self.table.setCurrentIndex(self.model.index(number + step, 1))
            self.edited.emit()
