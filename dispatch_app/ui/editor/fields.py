"""The editor's fields: a widget, its label, and the line under it where its problem is shown.

A field with a problem says so three ways: the widget gets the dynamic property
``invalid=true`` (a red border from :func:`editor_style`), the line under it shows the
importer's message after a ⚠, and the widget's accessible description carries the message.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from dispatch_app.ui.theme import repolish

_STYLE = """
*[invalid="true"] { border: 2px solid @bad@; }
QLabel[role="field-error"] { background: @error_bg@; color: @error_fg@; border-left: 4px solid @bad@;
  border-radius: 3px; padding: 3px 8px; font-weight: bold; }
QLabel[role="field-hint"] { color: @hint@; }
QLabel[role="saved"] { color: @good@; font-weight: bold; }
QLabel[role="dirty"] { color: @dirty@; font-weight: bold; }
QLabel[role="section"] { color: @section@; font-weight: bold; letter-spacing: 1px; padding-top: 8px; }
QFrame#conflict { background: @conflict_bg@; border: 2px solid #ffb300; border-radius: 6px; }
QFrame#conflict QLabel { background: transparent; color: @text@; }
QFrame#conflict QLabel[role="heading"] { color: @conflict_head@; }
QFrame#read_only_banner { background: #ffb300; }
QFrame#read_only_banner QLabel { background: transparent; color: #000000; font-weight: bold; }
QLabel#secret_warning { background: #ffb300; color: #000000; font-weight: bold; padding: 6px; border-radius: 4px; }
QPlainTextEdit#runbook_body { font-family: monospace; }
QLineEdit:read-only, QPlainTextEdit[readOnly="true"] { background: @readonly_bg@; color: @readonly_fg@;
  border: 1px dashed @readonly_edge@; }
"""
_COLOURS = {
    "dark": {"bad": "#ff5c5c", "error_bg": "#4a1512", "error_fg": "#ffe3df", "hint": "#9aa4b1", "good": "#7ee081",
             "dirty": "#ffcc66", "section": "#aeb8c5", "conflict_bg": "#3d2a00", "text": "#ffffff",
             "conflict_head": "#ffd27a", "readonly_bg": "#181c22", "readonly_fg": "#d5dbe3",
             "readonly_edge": "#3a4350"},
    "light": {"bad": "#c62828", "error_bg": "#ffe3df", "error_fg": "#5c0b00", "hint": "#4f5966", "good": "#1b6b33",
              "dirty": "#8a5300", "section": "#3f4752", "conflict_bg": "#fff4d6", "text": "#111418",
              "conflict_head": "#6b3f00", "readonly_bg": "#eef1f4", "readonly_fg": "#1d232b",
              "readonly_edge": "#9aa3ae"},
}


def editor_style(theme: str = "dark") -> str:
    """The editor's own rules on top of the console's theme, in that theme's colours."""
    text = _STYLE
    for key, colour in _COLOURS.get(theme, _COLOURS["dark"]).items():
        text = text.replace(f"@{key}@", colour)
    return text


def error_label() -> QLabel:
    label = QLabel("")
    label.setProperty("role", "field-error")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "field-hint")
    label.setWordWrap(True)
    return label


def section(text: str) -> QLabel:
    label = QLabel(text.upper())
    label.setProperty("role", "section")
    return label


def mark_invalid(widget: QWidget, message: str | None) -> None:
    """Set or clear the ``invalid`` mark (and the accessible description that says why)."""
    invalid = bool(message)
    if bool(widget.property("invalid")) != invalid:
        widget.setProperty("invalid", invalid)
        repolish(widget)
    widget.setAccessibleDescription(message or "")


class FieldSlot:
    """Where the problems of one path are shown. ``on_problems`` (for tables) also gets the
    problems with the rest of their paths, to mark rows."""

    def __init__(self, path: str, widget: QWidget, error: QLabel,
                 on_problems: Callable[[list[tuple[str, str]]], None] | None = None) -> None:
        self.path, self.widget, self.error, self.on_problems = path, widget, error, on_problems

    def show(self, problems: list[tuple[str, str]]) -> None:
        text = "\n".join(f"⚠ {line}" for _, line in problems)
        self.error.setText(text)
        self.error.setVisible(bool(problems))
        mark_invalid(self.widget, "; ".join(line for _, line in problems) or None)
        if self.on_problems is not None:
            self.on_problems(problems)


def boxed(widget: QWidget, error: QLabel, *extra: QWidget) -> QWidget:
    """The widget with its problem line under it (and any hint), as one cell of a form."""
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(widget)
    for item in extra:
        column.addWidget(item)
    column.addWidget(error)
    return box


def split_list(text: str) -> list[str]:
    """A comma-separated field as its items (spaces around commas dropped)."""
    return [part.strip() for part in text.split(",") if part.strip()]


class LevelSpin(QWidget):
    """A level typed or stepped, with its name beside it. Numbers out of range are accepted here
    so that the importer's own message can say so."""

    valueChanged = Signal(int)

    def __init__(self, names: dict[int, str], *, special: str = "") -> None:
        super().__init__()
        self.spin = QSpinBox()
        self.spin.setRange(0, 9)
        if special:
            self.spin.setSpecialValueText(special)
        self.spin.setMinimumWidth(70)
        self._names = names
        self.name = QLabel("")
        self.name.setProperty("role", "muted")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.spin)
        row.addWidget(self.name, 1)
        self.setFocusProxy(self.spin)
        self.spin.valueChanged.connect(self._on_value_changed)

    def value(self) -> int:
        return self.spin.value()

    def setValue(self, value: int) -> None:
        self.spin.setValue(value)
        self._on_value_changed(self.spin.value())

    def _on_value_changed(self, value: int) -> None:
        self.name.setText(self._names.get(value, "out of range" if value else ""))
        self.valueChanged.emit(value)


class CheckGroup(QWidget):
    """A few fixed choices, any number ticked (roles, criticality, impact)."""

    changed = Signal()

    def __init__(self, choices: Sequence[str], labels: dict[str, str] | None = None) -> None:
        super().__init__()
        self.boxes: dict[str, QCheckBox] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for choice in choices:
            box = QCheckBox((labels or {}).get(choice, choice))
            box.toggled.connect(lambda _=False: self.changed.emit())
            self.boxes[choice] = box
            row.addWidget(box)
        row.addStretch(1)
        first = next(iter(self.boxes.values()), None)
        if first is not None:
            self.setFocusProxy(first)

    def value(self) -> list[str]:
        return [choice for choice, box in self.boxes.items() if box.isChecked()]

    def set_value(self, chosen: Iterable[str]) -> None:
        wanted = set(chosen)
        for choice, box in self.boxes.items():
            box.setChecked(choice in wanted)


class Checklist(QListView):
    """Ids picked from a list by ticking (a client's systems); Space ticks the current row.
    An id ticked but no longer listed stays, shown by its id, so nothing is lost unseen."""

    changed = Signal()
    ID_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self) -> None:
        super().__init__()
        self.items = QStandardItemModel(self)
        self.setModel(self.items)
        self.setUniformItemSizes(True)
        self._editable = True
        self.items.itemChanged.connect(lambda _item: self.changed.emit())

    def set_editable(self, editable: bool) -> None:
        """Read-only: the list still scrolls and reads, its ticks do not change."""
        self._editable = editable
        for row in range(self.items.rowCount()):
            self.items.item(row).setCheckable(editable)

    def set_choices(self, choices: Sequence[tuple[str, str]], ticked: Iterable[str]) -> None:
        wanted = list(dict.fromkeys(ticked))
        known = {choice_id for choice_id, _ in choices}
        rows = list(choices) + [(i, f"{i} (not a system of this client)") for i in wanted if i not in known]
        self.items.blockSignals(True)
        self.items.clear()
        for choice_id, label in rows:
            item = QStandardItem(label)
            item.setData(choice_id, self.ID_ROLE)
            item.setToolTip(choice_id)
            item.setEditable(False)
            item.setCheckable(self._editable)
            item.setCheckState(Qt.CheckState.Checked if choice_id in wanted else Qt.CheckState.Unchecked)
            self.items.appendRow(item)
        self.items.blockSignals(False)
        self.reset()

    def value(self) -> list[str]:
        out = []
        for row in range(self.items.rowCount()):
            item = self.items.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(self.ID_ROLE))
        return out

    def tick(self, choice_id: str, on: bool = True) -> None:
        for row in range(self.items.rowCount()):
            item = self.items.item(row)
            if item.data(self.ID_ROLE) == choice_id:
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)


_ZONES: list[str] | None = None


def zone_field() -> QLineEdit:
    """A time-zone field that completes IANA names as you type."""
    global _ZONES
    if _ZONES is None:
        from zoneinfo import available_timezones
        _ZONES = sorted(available_timezones())
    field = QLineEdit()
    completer = QCompleter(QStringListModel(_ZONES, field), field)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    field.setCompleter(completer)
    field.setPlaceholderText("IANA name, e.g. America/Chicago")
    return field


def choice_combo(choices: Sequence[tuple[str, str]]) -> QComboBox:
    """A closed list of (value, label)."""
    combo = QComboBox()
    for value, label in choices:
        combo.addItem(label, value)
    return combo


def set_combo(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    if index < 0 and value not in (None, ""):
        combo.addItem(f"{value} (unknown)", value)
        index = combo.count() - 1
    combo.setCurrentIndex(max(index, 0))
