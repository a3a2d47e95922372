"""The window's banners. The database away says so; a new P1 is impossible to miss: a flashing
banner in the window, a desktop notification and a sound.

The notification uses the system tray when the desktop has one; the sound is QtMultimedia's
QSoundEffect when that module is installed (PySide6-Essentials may lack it) and a wav file is
given, else ``QApplication.beep()``. Either missing part is skipped, never an error.
"""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, QUrl
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QPushButton, QSystemTrayIcon, QWidget

log = logging.getLogger(__name__)
FLASHES = 20
"""Half-second flashes before the banner stays lit (ten seconds, then steady: still there)."""


class DatabaseBanner(QFrame):
    """"Database unreachable, retrying": shown while the database is away."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.text = QLabel("")
        self.text.setWordWrap(True)
        self.retry_button = QPushButton("Retry now")
        layout = QHBoxLayout(self)
        layout.addWidget(QLabel("⚠"))
        layout.addWidget(self.text, 1)
        layout.addWidget(self.retry_button)
        self.hide()


class P1Banner(QFrame):
    """"‼ NEW P1": flashes, then stays until the call is opened or the banner dismissed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("p1_banner")
        self.setProperty("flash", "on")
        self.call_id: int | None = None
        self.text = QLabel("")
        self.text.setWordWrap(True)
        self.open_button = QPushButton("Open it (Ctrl+G)")
        self.dismiss_button = QPushButton("Dismiss")
        layout = QHBoxLayout(self)
        layout.addWidget(QLabel("‼"))
        layout.addWidget(self.text, 1)
        layout.addWidget(self.open_button)
        layout.addWidget(self.dismiss_button)
        self._flashes = 0
        self._timer = QTimer(self, interval=500)
        self._timer.timeout.connect(self._flash)
        self.dismiss_button.clicked.connect(self.dismiss)
        self.hide()

    def raise_for(self, call_id: int, text: str) -> None:
        self.call_id = call_id
        self.text.setText(text)
        self._flashes = 0
        self._set_flash(True)
        self.show()
        self._timer.start()

    def dismiss(self) -> None:
        self._timer.stop()
        self.call_id = None
        self.hide()

    def _flash(self) -> None:
        self._flashes += 1
        if self._flashes >= FLASHES:
            self._timer.stop()
            self._set_flash(True)
            return
        self._set_flash(self.property("flash") != "on")

    def _set_flash(self, on: bool) -> None:
        self.setProperty("flash", "on" if on else "off")
        self.style().unpolish(self)
        self.style().polish(self)


class Notifier(QObject):
    """Desktop notification and sound, each when the workstation has it."""

    def __init__(self, icon: QIcon | None = None, sound: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages():
            self.tray = QSystemTrayIcon(icon or QIcon(), self)
            self.tray.setToolTip("Dispatch Console")
            self.tray.show()
        self.effect = None
        if sound is not None and sound.exists():
            try:
                from PySide6.QtMultimedia import QSoundEffect
            except ImportError:  # PySide6-Essentials: no QtMultimedia, beep instead
                log.info("QtMultimedia is not installed: a new P1 beeps")
            else:
                self.effect = QSoundEffect(self)
                self.effect.setSource(QUrl.fromLocalFile(str(sound)))

    def notify(self, title: str, text: str) -> None:
        if self.tray is not None:
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Critical, 15000)
        if self.effect is not None:
            self.effect.play()
        else:
            QApplication.beep()
