"""The editor's two questions: throw away unsaved edits? delete this record?

Both are window-modal boxes opened without blocking (``open``): the answer arrives as a call
of ``then``, so tests and the keyboard drive them like any other widget. The safe answer is
the default (Enter and Esc keep the edits, or the record).
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget


def _ask(parent: QWidget, title: str, text: str, detail: str, yes: str, no: str,
         then: Callable[[], None]) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(text)
    box.setInformativeText(detail)
    proceed = box.addButton(yes, QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.proceed_button = proceed  # type: ignore[attr-defined]
    box.keep_button = keep  # type: ignore[attr-defined]

    def answered(_result: int) -> None:
        if box.clickedButton() is proceed:
            then()
    box.finished.connect(answered)
    box.open()
    return box


def ask_discard(parent: QWidget, what: str, going: str, then: Callable[[], None]) -> QMessageBox:
    return _ask(parent, "Unsaved changes", f"You have unsaved changes to {what}.",
                f"Throw them away and {going}? (Keep editing, then Ctrl+S, to save them.)",
                "&Discard my changes", "&Keep editing", then)


def ask_delete(parent: QWidget, what: str, detail: str, then: Callable[[], None]) -> QMessageBox:
    return _ask(parent, "Delete record", f"Delete {what}?", detail, "&Delete", "&Cancel", then)
