"""Draw the application icon with QPainter: PNGs at 16..256 px and an SVG.

The icon: a dark rounded square, a phone handset in white, and a red alert dot: the night
desk's phone ringing. Run from the repository root: ``python resources/make_icons.py``.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF, QRectF, QSize, Qt  # noqa: E402
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen  # noqa: E402
from PySide6.QtSvg import QSvgGenerator  # noqa: E402

SIZES = (16, 24, 32, 48, 64, 128, 256)
OUT = Path(__file__).resolve().parent / "icons"
NAME = "dispatch-app"


def handset(s: float) -> QPainterPath:
    """A classic handset on a 256-unit grid, scaled by ``s``."""
    path = QPainterPath()
    path.moveTo(70 * s, 58 * s)
    path.cubicTo(58 * s, 62 * s, 48 * s, 78 * s, 52 * s, 104 * s)
    path.cubicTo(60 * s, 150 * s, 104 * s, 196 * s, 150 * s, 204 * s)
    path.cubicTo(176 * s, 208 * s, 192 * s, 198 * s, 196 * s, 186 * s)
    path.lineTo(200 * s, 170 * s)
    path.cubicTo(201 * s, 163 * s, 198 * s, 158 * s, 192 * s, 155 * s)
    path.lineTo(164 * s, 142 * s)
    path.cubicTo(157 * s, 139 * s, 151 * s, 141 * s, 147 * s, 146 * s)
    path.lineTo(138 * s, 157 * s)
    path.cubicTo(118 * s, 147 * s, 104 * s, 132 * s, 96 * s, 114 * s)
    path.lineTo(107 * s, 105 * s)
    path.cubicTo(112 * s, 101 * s, 114 * s, 95 * s, 111 * s, 88 * s)
    path.lineTo(99 * s, 60 * s)
    path.cubicTo(96 * s, 54 * s, 90 * s, 51 * s, 84 * s, 53 * s)
    path.closeSubpath()
    return path


def draw(painter: QPainter, size: float) -> None:
    s = size / 256
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(QColor("#1b2433")))
    painter.drawRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 48 * s, 48 * s)
    painter.setBrush(QBrush(QColor("#ffffff")))
    painter.drawPath(handset(s))
    if size >= 24:  # ringing waves, dropped where they would blur
        pen = QPen(QColor("#4da3ff"), max(1.5, 12 * s))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for radius in (40, 68):
            painter.drawArc(QRectF((124 - radius) * s, (132 - radius) * s, 2 * radius * s, 2 * radius * s),
                            10 * 16, 70 * 16)
        painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(QColor("#ff1744")))
    painter.drawEllipse(QPointF(202 * s, 54 * s), 28 * s, 28 * s)


def main() -> int:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 - painting needs it
    OUT.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        draw(painter, size)
        painter.end()
        image.save(str(OUT / f"{NAME}-{size}.png"))
    generator = QSvgGenerator()
    generator.setFileName(str(OUT / f"{NAME}.svg"))
    generator.setSize(QSize(256, 256))
    generator.setViewBox(QRectF(0, 0, 256, 256))
    generator.setTitle("Dispatch Console")
    painter = QPainter(generator)
    draw(painter, 256)
    painter.end()
    print(f"wrote {len(SIZES)} PNGs and an SVG to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
