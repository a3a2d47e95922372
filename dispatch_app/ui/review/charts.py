"""Bar charts drawn with QPainter (the console ships PySide6-Essentials: there is no QtCharts).

A chart is a value (:class:`ChartData`: title, unit, categories, series); the widget only
draws it. Each series has a fill and a pattern, listed in the legend, and bars carry their
value when there is room, so colour is never the only signal.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from dispatch_app.ui.review.ink import Ink

MARGIN = 10


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    fill: str
    pattern: Qt.BrushStyle = Qt.BrushStyle.NoBrush
    ink: str = "#000000"
    notes: Sequence[str] = ()
    """Per value, said in the tooltip (which row a "slowest" figure is)."""


@dataclass(frozen=True)
class ChartData:
    title: str
    unit: str
    """The y axis: "minutes", "calls"."""
    categories: Sequence[str]
    series: Sequence[Series]
    note: str = ""
    integer: bool = False
    long_categories: Sequence[str] = field(default=())
    """The categories in full, for tooltips."""


def nice_step(top: float, ticks: int = 4, integer: bool = False) -> float:
    """A round step (1, 2, 2.5, 5 × 10^k) giving about ``ticks`` gridlines up to ``top``."""
    if top <= 0:
        return 1.0
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * power
        if step >= raw:
            break
    if integer:
        step = max(1.0, math.ceil(step))
    return step


def value_text(value: float, integer: bool) -> str:
    """Counts whole; minutes to a tenth as the table shows them (whole from 100 on)."""
    if integer:
        return str(int(round(value)))
    return f"{value:.1f}" if abs(value) < 100 else f"{value:.0f}"


class BarChart(QWidget):
    """Grouped bars, one group per category, one bar per series."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data: ChartData | None = None
        self.ink = Ink.of(self.palette())
        self.setAccessibleName(name)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_data(self, data: ChartData) -> None:
        self.data = data
        self.setAccessibleDescription(self.summary())
        self.update()

    def summary(self) -> str:
        """The chart in words (for a screen reader and for tests)."""
        d = self.data
        if d is None:
            return ""
        parts = []
        names = d.long_categories or d.categories
        for series in d.series:
            shown = [f"{c}: {value_text(v, d.integer)}" for c, v in zip(names, series.values) if v is not None]
            parts.append(f"{series.name} ({d.unit}): " + (", ".join(shown) if shown else "none"))
        return f"{d.title}. " + "; ".join(parts)

    def sizeHint(self) -> QSize:
        return QSize(520, 300)

    def minimumSizeHint(self) -> QSize:
        return QSize(320, 240)

    # ------------------------------------------------------------ geometry

    def _layout(self) -> tuple[QFontMetrics, QFontMetrics, QRectF, float]:
        fm = QFontMetrics(self.font())
        small = QFont(self.font())
        small.setPixelSize(max(11, round(self.font().pixelSize() * 0.85)) if self.font().pixelSize() > 0 else 11)
        sm = QFontMetrics(small)
        top = MARGIN + fm.height() + (sm.height() + 2 if self.data and self.data.note else 0) + 6
        legend = sm.height() + 10
        left = MARGIN + sm.height() + 6 + sm.horizontalAdvance("0000") + 8
        bottom = 2 * sm.height() + 10
        plot = QRectF(left, top + legend + 6, max(10, self.width() - left - MARGIN),
                      max(10, self.height() - top - legend - 6 - bottom - MARGIN))
        return fm, sm, plot, top

    def _scale_top(self) -> tuple[float, float]:
        d = self.data
        values = [v for s in d.series for v in s.values if v is not None]
        peak = max(values) if values else 0.0
        step = nice_step(peak if peak > 0 else (4 if d.integer else 1), integer=d.integer)
        top = step * max(1, math.ceil(peak / step)) if peak > 0 else step * 4
        if peak > 0 and top - peak < step * 0.15:  # room for the value labels above the tallest bar
            top += step
        return top, step

    # ------------------------------------------------------------ drawing

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        ink = self.ink = Ink.of(self.palette())
        painter.fillRect(self.rect(), ink.base)
        painter.setPen(QPen(ink.focus if self.hasFocus() else ink.grid, 2 if self.hasFocus() else 1))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        d = self.data
        if d is None:
            return
        fm, sm, plot, legend_top = self._layout()
        small = QFont(self.font())
        small.setPixelSize(max(11, round(self.font().pixelSize() * 0.85)) if self.font().pixelSize() > 0 else 11)
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(self.ink.text)
        painter.drawText(QPointF(MARGIN, MARGIN + fm.ascent()), d.title)
        painter.setFont(small)
        if d.note:
            painter.setPen(self.ink.muted)
            painter.drawText(QPointF(MARGIN, MARGIN + fm.height() + 2 + sm.ascent()),
                             sm.elidedText(d.note, Qt.TextElideMode.ElideRight, self.width() - 2 * MARGIN))
        self._draw_legend(painter, sm, legend_top)
        top, step = self._scale_top()

        def y(value: float) -> float:
            return plot.bottom() - value / top * plot.height()

        # grid and y axis
        tick = 0.0
        while tick <= top + 1e-9:
            painter.setPen(QPen(ink.grid if tick else ink.axis, 1))
            painter.drawLine(QPointF(plot.left(), y(tick)), QPointF(plot.right(), y(tick)))
            painter.setPen(self.ink.muted)
            label = value_text(tick, True) if d.integer or step >= 1 else value_text(tick, False)
            painter.drawText(QRectF(plot.left() - 60, y(tick) - sm.height() / 2, 54, sm.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
            tick += step
        painter.save()
        painter.translate(MARGIN + sm.ascent(), plot.center().y())
        painter.rotate(-90)
        painter.setPen(self.ink.muted)
        painter.drawText(QRectF(-plot.height() / 2, -sm.ascent(), plot.height(), sm.height()),
                         Qt.AlignmentFlag.AlignCenter, d.unit)
        painter.restore()

        n = len(d.categories)
        if n == 0:
            return
        group = plot.width() / n
        count = max(1, len(d.series))
        bar = max(2.0, group * 0.8 / count)
        every = max(1, math.ceil(sm.horizontalAdvance("Mmm 00") / group))
        anything = False
        for i, category in enumerate(d.categories):
            left = plot.left() + i * group + group * 0.1
            for j, series in enumerate(d.series):
                value = series.values[i] if i < len(series.values) else None
                if value is None:
                    continue
                anything = anything or value > 0
                rect = QRectF(left + j * bar, y(value), bar - 1, plot.bottom() - y(value))
                self._fill(painter, rect, series)
                text = value_text(value, d.integer)
                if value > 0 and sm.horizontalAdvance(text) <= bar + 2:
                    painter.setPen(self.ink.text)
                    painter.drawText(QRectF(rect.left() - 4, rect.top() - sm.height() - 1, bar + 8, sm.height()),
                                     Qt.AlignmentFlag.AlignCenter, text)
            if i % every == 0:
                painter.setPen(self.ink.muted)
                first, _, second = category.partition(" ")
                box = QRectF(plot.left() + i * group - group * (every - 1) / 2, plot.bottom() + 4, group * every,
                             sm.height())
                painter.drawText(box, Qt.AlignmentFlag.AlignCenter, first)
                if second:
                    painter.drawText(box.translated(0, sm.height()), Qt.AlignmentFlag.AlignCenter, second)
        if not anything:
            painter.setFont(self.font())
            painter.setPen(self.ink.muted)
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "nothing to draw in this range")

    def _draw_legend(self, painter: QPainter, sm: QFontMetrics, top: float) -> None:
        x = float(MARGIN)
        for series in self.data.series:
            swatch = QRectF(x, top + 2, 22, sm.height() - 2)
            self._fill(painter, swatch, series)
            x += 28
            painter.setPen(self.ink.text)
            painter.drawText(QPointF(x, top + 1 + sm.ascent()), series.name)
            x += sm.horizontalAdvance(series.name) + 18

    @staticmethod
    def _fill(painter: QPainter, rect: QRectF, series: Series) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(series.fill))
        painter.drawRect(rect)
        if series.pattern != Qt.BrushStyle.NoBrush:
            painter.setBrush(QBrush(QColor(series.ink), series.pattern))
            painter.drawRect(rect)

    # ------------------------------------------------------------ hover

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and self.data is not None and self.data.categories:
            _, _, plot, _ = self._layout()
            pos = QPointF(event.pos())
            if plot.adjusted(0, 0, 0, 40).contains(pos):
                d = self.data
                i = min(len(d.categories) - 1, int((pos.x() - plot.left()) / (plot.width() / len(d.categories))))
                title = d.long_categories[i] if i < len(d.long_categories) else d.categories[i]
                lines = [title]
                for s in d.series:
                    v = s.values[i] if i < len(s.values) else None
                    note = s.notes[i] if i < len(s.notes) and s.notes[i] else ""
                    lines.append(f"{s.name}: {'–' if v is None else value_text(v, d.integer)} {d.unit}"
                                 + (f" ({note})" if note else ""))
                QToolTip.showText(event.globalPos(), "\n".join(lines), self)
                return True
            QToolTip.hideText()
            event.ignore()
            return True
        return super().event(event)

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.update()
