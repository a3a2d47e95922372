"""Bugs: ``sys.excepthook`` opens a dialog with a copyable report and the log file's path.

The dispatcher can keep working (the console stays open), copy the report for whoever looks
after the program, and find the full log where it says.
"""
from __future__ import annotations

import logging
import platform
import sys
import traceback
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout

from dispatch_app import __version__, logs

log = logging.getLogger("dispatch_app")


def report(exc_type, value, tb) -> str:
    lines = [f"Dispatch Console {__version__}", f"Python {platform.python_version()} on {platform.platform()}", ""]
    lines += traceback.format_exception(exc_type, value, tb)
    # copied into tickets and chats: no password of a URL, no statement's values (dispatch_app.logs)
    return logs.scrubbed("\n".join(line.rstrip("\n") for line in lines))


class CrashDialog(QDialog):
    def __init__(self, text: str, log_path: Path | None, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Dispatch Console: something went wrong")
        intro = QLabel("This is a bug in Dispatch Console, not something you did. Your work is kept; "
                       "you can go on. Please copy the report below to whoever looks after the console."
                       + (f"\n\nFull log: {log_path}" if log_path else ""))
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(intro.textInteractionFlags() | intro.textInteractionFlags().TextSelectableByMouse)
        self.text = QPlainTextEdit(text)
        self.text.setReadOnly(True)
        copy = QPushButton("&Copy report")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(text))
        close = QPushButton("C&lose")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(copy)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.text, 1)
        layout.addLayout(buttons)
        self.resize(760, 480)


def install(log_path: Path | None) -> None:
    """Route uncaught exceptions to the log and a crash dialog (when a window can show one)."""
    showing = []

    def hook(exc_type, value, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, value, tb)
            return
        text = report(exc_type, value, tb)
        log.error("unexpected error\n%s", text)
        if QApplication.instance() is None or showing:
            sys.__excepthook__(exc_type, value, tb)
            return
        showing.append(True)
        try:
            CrashDialog(text, log_path).exec()
        finally:
            showing.clear()

    sys.excepthook = hook
