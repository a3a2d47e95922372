"""What every record form shares: fields registered by their bundle path, problems placed at
them, the read-only switch, and one ``edited`` signal for any change the user makes."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from dispatch_app.services.editing import RecordData
from dispatch_app.ui.editor.fields import CheckGroup, Checklist, FieldSlot, LevelSpin, boxed, error_label
from dispatch_app.ui.editor.outline import NewRecord, Outline
from dispatch_app.ui.editor.problems import place
from dispatch_app.ui.editor.rows_editor import RowsEditor


class RecordForm(QWidget):
    """A form over one record's bundle fields.

    Signals:
        edited(): the user changed something (not emitted while the form is filled).
        open_requested(str, str): open another record (kind, key), e.g. a system from its client.
    """

    edited = Signal()
    open_requested = Signal(str, str)
    kind = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._slots: dict[str, FieldSlot] = {}
        self._inputs: list[QWidget] = []
        self._filling = False
        self.id_field: QLineEdit | None = None
        self.record: RecordData | None = None
        self.new: NewRecord | None = None
        self.outline: Outline | None = None

    # ------------------------------------------------------------ building

    def field(self, form: QFormLayout, path: str, label: str, widget: QWidget, *extra: QWidget) -> QWidget:
        """Add ``widget`` as the field for ``path`` with its label (``&`` marks the mnemonic)."""
        error = error_label()
        self._slots[path] = FieldSlot(path, widget, error)
        caption = QLabel(label)
        caption.setBuddy(widget)
        widget.setAccessibleName(label.replace("&", ""))
        form.addRow(caption, boxed(widget, error, *extra))
        self.watch(widget)
        return widget

    def slot(self, path: str, widget: QWidget, error: QLabel,
             on_problems: Callable[[list[tuple[str, str]]], None] | None = None) -> None:
        self._slots[path] = FieldSlot(path, widget, error, on_problems)

    def rows_slot(self, path: str, editor: RowsEditor) -> None:
        self._slots[path] = FieldSlot(path, editor.table, QLabel(), editor.show_problems)
        editor.edited.connect(self._on_changed)
        self._inputs.append(editor)

    def watch(self, widget: QWidget) -> None:
        """Emit ``edited`` when the user changes ``widget``; disable it when read-only."""
        self._inputs.append(widget)
        if isinstance(widget, QLineEdit):
            widget.textChanged.connect(self._on_changed)
        elif isinstance(widget, QPlainTextEdit):
            widget.textChanged.connect(self._on_changed)
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(self._on_changed)
            if widget.isEditable():
                widget.editTextChanged.connect(self._on_changed)
        elif isinstance(widget, (QAbstractSpinBox, LevelSpin)):
            widget.valueChanged.connect(self._on_changed)
        elif isinstance(widget, QAbstractButton):
            widget.toggled.connect(self._on_changed)
        elif isinstance(widget, (CheckGroup, Checklist)):
            widget.changed.connect(self._on_changed)

    def _on_changed(self, *_args: Any) -> None:
        if not self._filling:
            self.edited.emit()

    # ------------------------------------------------------------ the record

    def load(self, record: RecordData | None, outline: Outline, new: NewRecord | None = None,
             data: dict | None = None) -> None:
        """Show ``record`` (or a new record's ``data``); no ``edited`` while filling."""
        self.record, self.outline, self.new = record, outline, new
        self._filling = True
        try:
            self.fill(dict(data if data is not None else record.data if record else {}))
            if self.id_field is not None:
                self.id_field.setReadOnly(record is not None)
                self.id_field.setToolTip("An id is not changed: add a new record and delete this one"
                                         if record is not None else "Lowercase letters, digits and '-'")
        finally:
            self._filling = False
        self.show_problems([])

    def fill(self, data: dict) -> None:
        raise NotImplementedError

    def value(self) -> dict:
        """The form as bundle data (what the importer checks)."""
        raise NotImplementedError

    def under(self) -> str | None:
        """For runbooks: the system a new runbook goes under."""
        return None

    def key_for(self, value: dict) -> str | None:
        """The key a save names: the opened record's, or for a new one what its id makes."""
        if self.record is not None:
            return self.record.key
        if self.kind in ("systems", "runbooks") and self.new is not None and self.new.client is not None:
            return f"{self.new.client.id}/{value.get('id') or ''}"
        return None

    def show_problems(self, lines: list[str]) -> list[str]:
        """Put each problem at its field; answers those no field holds."""
        placed, loose = place(lines, self._slots)
        for path, slot in self._slots.items():
            slot.show(placed.get(path, []))
        return loose

    def set_editable(self, editable: bool) -> None:
        for widget in self._inputs:
            if isinstance(widget, (RowsEditor, Checklist)):
                widget.set_editable(editable)
            elif isinstance(widget, (QLineEdit, QPlainTextEdit)):
                widget.setReadOnly(not editable or (widget is self.id_field and self.record is not None))
            else:
                widget.setEnabled(editable)

    def first_field(self) -> QWidget | None:
        return self._inputs[0] if self._inputs else None


def text_or_none(widget: QLineEdit | QPlainTextEdit) -> str | None:
    text = widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()
    return text if text.strip() else None


def put(out: dict, key: str, value: Any) -> None:
    """Set ``key`` unless the value is empty (the bundle's default then), as the writer does."""
    if value is None or value == "" or value == [] or value == {}:
        return
    out[key] = value
