"""The dark (default) and light themes: a Fusion palette plus the QSS in resources/theme.

Type sizes are set here once, so "large type for what matters" is one decision: the verdict,
the priority and the phone numbers to dial use HUGE/XLARGE/LARGE; everything else BASE.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

THEMES = ("dark", "light")
BASE_PX = 15


def sizes(scale: float = 1.0) -> dict[str, int]:
    base = round(BASE_PX * scale)
    return {"SMALL": round(base * 0.85), "BASE": base, "MEDIUM": round(base * 1.15),
            "LARGE": round(base * 1.35), "XLARGE": round(base * 1.6), "HUGE": round(base * 2.2)}


def stylesheet(resources: Path, name: str, scale: float = 1.0) -> str:
    text = (resources / "theme" / f"{name}.qss").read_text(encoding="utf-8")
    for key, px in sizes(scale).items():
        text = text.replace(f"@{key}@", str(px))
    return text


def _palette(name: str) -> QPalette:
    dark = name == "dark"
    colours = {
        QPalette.ColorRole.Window: "#14171c" if dark else "#f6f7f9",
        QPalette.ColorRole.WindowText: "#eceff4" if dark else "#111418",
        QPalette.ColorRole.Base: "#0f1216" if dark else "#ffffff",
        QPalette.ColorRole.AlternateBase: "#161b22" if dark else "#f0f2f5",
        QPalette.ColorRole.Text: "#ffffff" if dark else "#000000",
        QPalette.ColorRole.Button: "#262d37" if dark else "#dde2e8",
        QPalette.ColorRole.ButtonText: "#eceff4" if dark else "#111418",
        QPalette.ColorRole.Highlight: "#2f6db5",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#262d37" if dark else "#dde2e8",
        QPalette.ColorRole.ToolTipText: "#ffffff" if dark else "#000000",
        QPalette.ColorRole.Link: "#6cb6ff" if dark else "#0b57b0",
        QPalette.ColorRole.LinkVisited: "#b39ddb" if dark else "#5e35b1",
        QPalette.ColorRole.PlaceholderText: "#7d8794" if dark else "#6b7583",
    }
    palette = QPalette()
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#6b7583"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor("#6b7583"))
    return palette


def apply(app: QApplication, resources: Path, name: str, scale: float = 1.0) -> None:
    """Switch the whole application to theme ``name`` (unknown names fall back to dark)."""
    if name not in THEMES:
        name = "dark"
    style = QStyleFactory.create("Fusion")
    if style is not None:
        app.setStyle(style)
    app.setPalette(_palette(name))
    font = QFont(app.font())
    font.setPixelSize(sizes(scale)["BASE"])
    app.setFont(font)
    app.setStyleSheet(stylesheet(resources, name, scale))


def repolish(widget: QWidget) -> None:
    """Re-apply the style after a dynamic property used by the QSS changed."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    widget.update()
