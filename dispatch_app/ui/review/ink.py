"""The colours the review's drawings take from the theme's palette, so the timeline and the
charts read on the dark theme and the light one alike (fills of spans and bars are chosen to
read on both)."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette


@dataclass(frozen=True)
class Ink:
    text: QColor
    muted: QColor
    base: QColor
    band: QColor
    grid: QColor
    axis: QColor
    good: QColor
    """"Covered throughout": green, light on dark, dark on light."""
    focus: QColor

    @classmethod
    def of(cls, palette: QPalette) -> "Ink":
        dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
        return cls(
            text=palette.color(QPalette.ColorRole.WindowText),
            muted=palette.color(QPalette.ColorRole.PlaceholderText),
            base=palette.color(QPalette.ColorRole.Base),
            band=palette.color(QPalette.ColorRole.AlternateBase),
            grid=QColor(127, 127, 127, 70),
            axis=QColor(127, 127, 127, 170),
            good=QColor("#7ee081" if dark else "#1b6e34"),
            focus=palette.color(QPalette.ColorRole.Highlight),
        )
