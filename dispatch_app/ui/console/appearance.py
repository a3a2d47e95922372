"""How the console looks: the dark or light theme and the text size, kept in the settings."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from dispatch_app.ui.console.desk import WorkstationSettings
from dispatch_app.ui.events import AppEvents


class Appearance(QObject):
    def __init__(self, *, settings: WorkstationSettings, events: AppEvents,
                 apply_theme: Callable[[str, float], None] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings, self.events = settings, events
        self._apply_theme = apply_theme or (lambda name, scale: None)

    def toggle_theme(self) -> None:
        name = "light" if self.settings.get("theme") == "dark" else "dark"
        self.settings.set("theme", name)
        self._apply_theme(name, self.settings.get("font_scale"))
        self.events.theme_changed.emit(name)

    def scale_text(self, factor: float | None) -> None:
        scale = 1.0 if factor is None else max(0.7, min(2.0, self.settings.get("font_scale") * factor))
        self.settings.set("font_scale", round(scale, 2))
        self._apply_theme(self.settings.get("theme"), scale)

    def larger_text(self) -> None:
        self.scale_text(1.1)

    def smaller_text(self) -> None:
        self.scale_text(1 / 1.1)

    def normal_text(self) -> None:
        self.scale_text(None)
