"""How the console looks: the dark or light theme and the text size, kept in the settings.

The text size goes from 100% to 200% in steps of 10%; the window lays its panes out for the
text it has (a larger text on the same screen is a narrower layout), so nothing that matters
is cut at any size.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog, QWidget

from dispatch_app.ui.console.desk import WorkstationSettings
from dispatch_app.ui.events import AppEvents

SMALLEST, LARGEST, STEP = 100, 200, 10
"""Text scale, in percent."""


def percent(scale: float) -> int:
    """A kept scale as a whole percentage in range (an old setting of 0.9 reads as 100%)."""
    return max(SMALLEST, min(LARGEST, round(scale * 100 / STEP) * STEP))


class Appearance(QObject):
    def __init__(self, *, settings: WorkstationSettings, events: AppEvents,
                 apply_theme: Callable[[str, float], None] | None = None, window: QWidget | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings, self.events, self.window = settings, events, window
        self._apply_theme = apply_theme or (lambda name, scale: None)

    def toggle_theme(self) -> None:
        name = "light" if self.settings.get("theme") == "dark" else "dark"
        self.settings.set("theme", name)
        self._apply_theme(name, self.settings.get("font_scale"))
        self.events.theme_changed.emit(name)

    @property
    def text_percent(self) -> int:
        return percent(self.settings.get("font_scale"))

    def set_text_percent(self, value: int) -> None:
        value = max(SMALLEST, min(LARGEST, value))
        self.settings.set("font_scale", value / 100)
        self._apply_theme(self.settings.get("theme"), value / 100)

    def larger_text(self) -> None:
        self.set_text_percent(self.text_percent + STEP)

    def smaller_text(self) -> None:
        self.set_text_percent(self.text_percent - STEP)

    def normal_text(self) -> None:
        self.set_text_percent(SMALLEST)

    def choose_text_size(self) -> None:
        """Settings → Text size: a percentage from 100 to 200."""
        value, chosen = QInputDialog.getInt(self.window, "Text size", "Text size (%), 100 to 200:",
                                            self.text_percent, SMALLEST, LARGEST, STEP)
        if chosen:
            self.set_text_percent(value)
