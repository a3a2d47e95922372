"""The review's timeline, drawn with QPainter: one row per client and system, time across,
each span filled, patterned and labelled by its kind (colour is never the only signal).

Keyboard: Left/Right step through the spans (row by row), Up/Down jump to the nearest span of
the row above or below, Home/End go to the first and last; the chosen span is outlined and
announced with ``span_chosen``. Hover a span for its exact instants.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QKeyEvent, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from dispatch_app.domain.gaps import NO_EXPERT, NOBODY_ELIGIBLE
from dispatch_app.domain.localtime import resolve, zone
from dispatch_app.ui.review.ink import Ink
from dispatch_app.ui.review.timeline_model import CHANGE, CLOSED, EXISTING, SHORT, Span, Timeline


@dataclass(frozen=True)
class SpanStyle:
    fill: str
    text: str
    pattern: Qt.BrushStyle
    """Drawn over the fill in ``ink``; NoBrush for a plain fill."""
    ink: str
    legend: str


STYLES = {
    NOBODY_ELIGIBLE: SpanStyle("#b3261e", "#ffffff", Qt.BrushStyle.NoBrush, "#ffffff",
                               "Nobody eligible: nobody to wake (solid red)"),
    NO_EXPERT: SpanStyle("#ffb300", "#000000", Qt.BrushStyle.BDiagPattern, "#8a5a00",
                         "No expert available: fallback only (hatched amber)"),
    EXISTING: SpanStyle("#3a4350", "#e6ebf1", Qt.BrushStyle.CrossPattern, "#5b6878",
                        "Already a gap without the change (grey, crossed)"),
    CLOSED: SpanStyle("#1f6f3a", "#ffffff", Qt.BrushStyle.FDiagPattern, "#3fa866",
                      "Closed by the change (green, hatched)"),
    CHANGE: SpanStyle("#2c4f8f", "#ffffff", Qt.BrushStyle.NoBrush, "#ffffff", "The change tried (blue)"),
}
FALLBACK_STYLE = SpanStyle("#546e7a", "#ffffff", Qt.BrushStyle.NoBrush, "#ffffff", "")
NOW_LINE = "#ff5252"

LABEL_WIDTH = 320
MARGIN = 8
TICK_STEPS_HOURS = (1, 3, 6, 12, 24, 48, 168, 336, 720)
MIN_TICK_PX = 72


def ticks(start: datetime, end: datetime, zone_name: str, width: float) -> list[tuple[datetime, bool]]:
    """Axis ticks over [start, end) at local wall-clock boundaries of ``zone_name``, spaced at
    least MIN_TICK_PX apart over ``width`` pixels: (instant, starts a new day)."""
    seconds = (end - start).total_seconds()
    if seconds <= 0 or width <= 0:
        return []
    step = next((h for h in TICK_STEPS_HOURS if width * h * 3600 / seconds >= MIN_TICK_PX), TICK_STEPS_HOURS[-1])
    first = start.astimezone(resolve_zone(zone_name)).replace(tzinfo=None)
    day = first.replace(hour=0, minute=0, second=0, microsecond=0)
    out: list[tuple[datetime, bool]] = []
    if step < 24:
        cursor = day
        while True:
            instant = resolve(cursor, zone_name)
            if instant >= end:
                break
            if instant >= start:
                out.append((instant, cursor.hour == 0))
            cursor += timedelta(hours=step)
        return out
    days = step // 24
    cursor, index, mondays = day, 0, 0
    while True:
        instant = resolve(cursor, zone_name)
        if instant >= end:
            break
        if days >= 28:
            wanted = cursor.day == 1
        elif days >= 7:
            wanted = cursor.weekday() == 0 and mondays % (days // 7) == 0
        else:
            wanted = index % days == 0
        if instant >= start and wanted:
            out.append((instant, True))
        if cursor.weekday() == 0:
            mondays += 1
        index += 1
        cursor += timedelta(days=1)
    return out


def resolve_zone(zone_name: str) -> tzinfo:
    return zone(zone_name)


class TimelineView(QWidget):
    """Signals:
        span_chosen(object): the chosen span's key changed (None for a span without one).
    """

    span_chosen = Signal(object)

    def __init__(self, zone_name: str, parent: QWidget | None = None, *, name: str = "Coverage timeline") -> None:
        super().__init__(parent)
        self.zone_name = zone_name
        self.timeline: Timeline | None = None
        self.now: datetime | None = None
        self.current: int | None = None
        self._spans: list[tuple[int, Span]] = []
        self.ink = Ink.of(self.palette())
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(name)
        self.setAccessibleDescription("Left and Right step through the gaps; Up and Down change row; "
                                      "hover a gap for its exact times")
        self.setToolTip("")

    # ------------------------------------------------------------ data

    def set_timeline(self, timeline: Timeline | None, *, now: datetime | None = None) -> None:
        """A new picture (a new range or answer): the chosen span goes."""
        self.timeline = timeline
        self.now = now
        self._spans = timeline.spans() if timeline is not None else []
        self.current = None
        self.updateGeometry()
        self.setFixedHeight(self.sizeHint().height())
        count = sum(1 for _, s in self._spans if s.kind in (NOBODY_ELIGIBLE, NO_EXPERT))
        rows = len(timeline.rows) if timeline is not None else 0
        self.setAccessibleDescription(f"{count} gap(s) on {rows} row(s). Left and Right step through them.")
        self.update()

    def choose(self, key) -> bool:
        """Outline the span with ``key`` (a table row was picked); False when it is not drawn."""
        for number, (_, span) in enumerate(self._spans):
            if span.key is not None and span.key == key:
                self._set_current(number, announce=False)
                return True
        return False

    def chosen(self) -> Span | None:
        return self._spans[self.current][1] if self.current is not None else None

    # ------------------------------------------------------------ geometry

    def _metrics(self) -> tuple[QFontMetrics, int, int, int]:
        fm = QFontMetrics(self.font())
        legend = fm.height() + 14
        axis = 2 * fm.height() + 12
        row = max(48, 2 * fm.height() + 14)
        return fm, legend, axis, row

    def sizeHint(self) -> QSize:
        _, legend, axis, row = self._metrics()
        rows = len(self.timeline.rows) if self.timeline is not None else 1
        return QSize(900, MARGIN * 2 + legend + axis + max(rows, 1) * row + 4)

    def minimumSizeHint(self) -> QSize:
        return QSize(LABEL_WIDTH + 200, self.sizeHint().height())

    def _plot(self) -> QRectF:
        _, legend, axis, row = self._metrics()
        top = MARGIN + legend + axis
        rows = len(self.timeline.rows) if self.timeline is not None else 1
        return QRectF(LABEL_WIDTH, top, max(10, self.width() - LABEL_WIDTH - MARGIN), max(rows, 1) * row)

    def _x(self, instant: datetime, plot: QRectF) -> float:
        t = self.timeline
        total = (t.end - t.start).total_seconds()
        share = (instant - t.start).total_seconds() / total if total > 0 else 0
        return plot.left() + max(0.0, min(1.0, share)) * plot.width()

    def _span_rect(self, row_number: int, span: Span, plot: QRectF) -> QRectF:
        _, _, _, row = self._metrics()
        x0, x1 = self._x(span.start, plot), self._x(span.end, plot)
        if x1 - x0 < 4:
            middle = (x0 + x1) / 2
            x0, x1 = middle - 2, middle + 2
        top = plot.top() + row_number * row
        inset = 10 if span.kind in (EXISTING, CLOSED) else 6
        return QRectF(x0, top + inset, x1 - x0, row - 2 * inset)

    def _span_at(self, pos: QPointF) -> int | None:
        if self.timeline is None:
            return None
        plot = self._plot()
        found = None
        for number, (row_number, span) in enumerate(self._spans):
            if self._span_rect(row_number, span, plot).adjusted(-2, -2, 2, 2).contains(pos):
                found = number  # the last drawn (on top) wins
        return found

    # ------------------------------------------------------------ drawing

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm, legend_h, axis_h, row_h = self._metrics()
        ink = self.ink = Ink.of(self.palette())
        if self.timeline is None:
            painter.setPen(ink.muted)
            painter.drawText(self.rect().adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, "Nothing read yet.")
            return
        t = self.timeline
        plot = self._plot()
        self._draw_legend(painter, fm, MARGIN)
        axis_top = MARGIN + legend_h
        for number, row in enumerate(t.rows):  # alternate bands, row labels
            top = plot.top() + number * row_h
            if number % 2:
                painter.fillRect(QRectF(0, top, self.width(), row_h), ink.band)
            self._draw_row_label(painter, fm, row.label, row.detail, QRectF(MARGIN, top, LABEL_WIDTH - 2 * MARGIN, row_h))
            if not row.spans:
                painter.setPen(ink.good)
                painter.drawText(QRectF(plot.left() + 10, top, plot.width() - 20, row_h),
                                 Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, f"✓ {t.quiet}")
        self._draw_axis(painter, fm, plot, axis_top)
        spans = list(enumerate(self._spans))
        spans.sort(key=lambda item: 0 if item[1][1].kind in (EXISTING, CLOSED, CHANGE) else 1)  # new gaps on top
        for number, (row_number, span) in spans:
            self._draw_span(painter, fm, self._span_rect(row_number, span, plot), span, number == self.current)
        if self.now is not None and t.start <= self.now < t.end:
            x = self._x(self.now, plot)
            painter.setPen(QPen(QColor(NOW_LINE), 2, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x, axis_top + fm.height() + 4), QPointF(x, plot.bottom()))
            painter.setPen(QColor(NOW_LINE))
            painter.drawText(QPointF(x + 4, axis_top + fm.ascent()), "now")
        if self.hasFocus():
            painter.setPen(QPen(ink.focus, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(self.rect().adjusted(1, 1, -1, -1))

    def _draw_legend(self, painter: QPainter, fm: QFontMetrics, top: int) -> None:
        x = float(MARGIN)
        for kind in self.timeline.kinds:
            style = STYLES.get(kind, FALLBACK_STYLE)
            swatch = QRectF(x, top + 2, 30, fm.height())
            self._fill(painter, swatch, style)
            x += 38
            painter.setPen(self.ink.text)
            painter.drawText(QPointF(x, top + 2 + fm.ascent()), style.legend)
            x += fm.horizontalAdvance(style.legend) + 24

    def _draw_row_label(self, painter: QPainter, fm: QFontMetrics, label: str, detail: str, rect: QRectF) -> None:
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(self.ink.text)
        bold_metrics = QFontMetrics(bold)
        line = rect.top() + (rect.height() - (2 * fm.height() if detail else fm.height())) / 2
        painter.drawText(QPointF(rect.left(), line + bold_metrics.ascent()),
                         bold_metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(rect.width())))
        painter.setFont(self.font())
        if detail:
            painter.setPen(self.ink.muted)
            painter.drawText(QPointF(rect.left(), line + fm.height() + fm.ascent()),
                             fm.elidedText(detail, Qt.TextElideMode.ElideRight, int(rect.width())))

    def _draw_axis(self, painter: QPainter, fm: QFontMetrics, plot: QRectF, top: int) -> None:
        t = self.timeline
        painter.setPen(self.ink.grid)
        painter.drawLine(QPointF(plot.left(), plot.top()), QPointF(plot.right(), plot.top()))
        tz = resolve_zone(self.zone_name)
        last_month = None
        marks = ticks(t.start, t.end, self.zone_name, plot.width())
        hourly = len(marks) > 1 and (marks[1][0] - marks[0][0]) < timedelta(hours=24)
        for instant, new_day in marks:
            x = self._x(instant, plot)
            painter.setPen(QPen(self.ink.grid, 2 if hourly and new_day else 1))
            painter.drawLine(QPointF(x, plot.top() - 4), QPointF(x, plot.bottom()))
            local = instant.astimezone(tz)
            if hourly:
                first = local.strftime("%H:%M")
                second = local.strftime("%a %d %b") if new_day else ""
            else:
                first = local.strftime("%a %d")
                month = local.strftime("%b %Y")
                second = month if month != last_month else ""
                last_month = month
            if x + 3 + fm.horizontalAdvance(max(first, second, key=len)) > self.width() - 2:
                continue  # a label cut by the edge reads wrong: the grid line says enough
            painter.setPen(self.ink.text)
            painter.drawText(QPointF(x + 3, top + fm.ascent() + 2), first)
            if second:
                painter.setPen(self.ink.muted)
                painter.drawText(QPointF(x + 3, top + fm.height() + fm.ascent() + 4), second)
        painter.setPen(self.ink.muted)
        painter.drawText(QRectF(MARGIN, top, LABEL_WIDTH - 2 * MARGIN, 2 * fm.height() + 8),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         f"Times: {self.zone_name}")

    def _fill(self, painter: QPainter, rect: QRectF, style: SpanStyle) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(style.fill))
        painter.drawRoundedRect(rect, 3, 3)
        if style.pattern != Qt.BrushStyle.NoBrush:
            painter.setBrush(QBrush(QColor(style.ink), style.pattern))
            painter.drawRoundedRect(rect, 3, 3)

    def _draw_span(self, painter: QPainter, fm: QFontMetrics, rect: QRectF, span: Span, current: bool) -> None:
        style = STYLES.get(span.kind, FALLBACK_STYLE)
        self._fill(painter, rect, style)
        if current:
            painter.setPen(QPen(self.ink.text, 3))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(-2, -2, 2, 2), 4, 4)
        text = next((c for c in (span.label, SHORT.get(span.kind, "")) if c and fm.horizontalAdvance(c) + 12 <= rect.width()),
                    "")
        if not text:
            return
        box = QRectF(rect.left() + 4, rect.center().y() - fm.height() / 2 - 1,
                     fm.horizontalAdvance(text) + 6, fm.height() + 2)
        if style.pattern != Qt.BrushStyle.NoBrush:  # the words on a plain patch, not on the hatching
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(style.fill))
            painter.drawRect(box)
        painter.setPen(QColor(style.text))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    # ------------------------------------------------------------ interaction

    def _set_current(self, number: int | None, *, announce: bool = True) -> None:
        if number == self.current:
            return
        self.current = number
        self.update()
        if announce and number is not None:
            self.span_chosen.emit(self._spans[number][1].key)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._spans:
            super().keyPressEvent(event)
            return
        key = event.key()
        last = len(self._spans) - 1
        current = self.current
        if key == Qt.Key.Key_Right:
            self._set_current(0 if current is None else min(last, current + 1))
        elif key == Qt.Key.Key_Left:
            self._set_current(0 if current is None else max(0, current - 1))
        elif key == Qt.Key.Key_Home:
            self._set_current(0)
        elif key == Qt.Key.Key_End:
            self._set_current(last)
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self._set_current(self._nearest_in_next_row(-1 if key == Qt.Key.Key_Up else 1))
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def _nearest_in_next_row(self, direction: int) -> int | None:
        if self.current is None:
            return 0
        row, span = self._spans[self.current]
        rows = sorted({r for r, _ in self._spans}, reverse=direction < 0)
        target = next((r for r in rows if (r - row) * direction > 0), None)
        if target is None:
            return self.current
        candidates = [(abs((s.start - span.start).total_seconds()), n)
                      for n, (r, s) in enumerate(self._spans) if r == target]
        return min(candidates)[1]

    def mousePressEvent(self, event: QMouseEvent) -> None:
        found = self._span_at(event.position())
        if found is not None:
            self._set_current(found)
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mousePressEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            found = self._span_at(QPointF(event.pos()))
            if found is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), self._spans[found][1].detail, self)
            return True
        return super().event(event)

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.update()
