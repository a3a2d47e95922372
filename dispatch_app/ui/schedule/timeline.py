"""The schedule drawn with QPainter: days across, one lane per rotation and per person's leave.

Mouse: drag across a rotation's lane to select a span (it snaps to the half hour in a week,
the hour in a month); hover for a tooltip. Keyboard: Up/Down pick a lane, Left/Right move the
cursor (an hour in a week, six in a month; Ctrl: a day; Home/End: the ends), Shift with them
selects, Enter or O asks for an override over the selection (or the block under the cursor),
Delete asks to remove the override under the cursor, Esc drops the selection.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QKeyEvent, QMouseEvent, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from dispatch_app.domain.localtime import to_local
from dispatch_app.ui.schedule.lanes import (
    AWAY,
    CALENDAR,
    HOLE,
    OFF,
    OVERRIDE,
    ROTATION,
    SCHEDULE,
    Block,
    Lane,
    label_runs,
)
from dispatch_app.ui.schedule.scale import WEEK, TimeScale, snap

LABEL_WIDTH = 270
AXIS_HEIGHT = 54
ROTATION_HEIGHT = 68
LEAVE_HEIGHT = 32
GAP = 6

# Fills for the blocks, readable on the dark and the light theme alike (text colour beside each).
FILLS = {
    SCHEDULE: ("#2c4f8f", "#ffffff"),
    CALENDAR: ("#1f6f5c", "#ffffff"),
    OVERRIDE: ("#ffb300", "#000000"),
    AWAY: ("#4a3b1a", "#ffe6a8"),
    HOLE: ("#5c0010", "#ffffff"),
}
HOLE_OUTLINE = "#ff1744"
NOW_LINE = "#ff5252"
SELECTION = "#4da3ff"


class Timeline(QWidget):
    """Signals:
        override_wanted(str, object, object): an override over [start, end) of a rotation was
            asked for (a drag, or Enter/O over a selection or a block).
        removal_wanted(object): Delete on an override's block (the Block).
        block_focused(object, object): the lane and the block under the keyboard cursor or the
            pointer changed (Lane or None, Block or None).
        cursor_moved(int, int): the keyboard cursor's lane spans these y (to scroll it into view).
    """

    override_wanted = Signal(str, object, object)
    removal_wanted = Signal(object)
    block_focused = Signal(object, object)
    cursor_moved = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Schedule")
        self.setAccessibleDescription(
            "Up and Down pick a lane; Left and Right move in time (Ctrl: a day); Shift selects; "
            "Enter or O makes an override of the selection; Delete removes the override under the cursor")
        self.scale: TimeScale | None = None
        self.lanes: list[Lane] = []
        self.mode = WEEK
        self.now: datetime | None = None
        self.lane_index = 0
        self.cursor: datetime | None = None
        self.selection: tuple[int, datetime, datetime] | None = None
        self._anchor: datetime | None = None
        self._drag: tuple[int, datetime] | None = None
        self._tops: list[int] = []
        self._height = AXIS_HEIGHT
        self.empty_text = "Reading the schedule…"
        self._fonts: dict[tuple[bool, float], tuple[QFont, QFontMetrics]] = {}

    # ------------------------------------------------------------ content

    def set_content(self, scale: TimeScale, lanes: list[Lane], mode: str, now: datetime) -> None:
        """Show new lanes; the cursor keeps its lane (by rotation and person) and its time when
        they still exist, so a refresh from the change feed does not move the user."""
        keep = self.current_lane()
        same_range = self.scale is not None and (self.scale.start, self.scale.end) == (scale.start, scale.end)
        self.scale, self.lanes, self.mode, self.now = scale, lanes, mode, now
        self._tops = []
        top = AXIS_HEIGHT
        for lane in lanes:
            self._tops.append(top)
            top += (ROTATION_HEIGHT if lane.kind == ROTATION else LEAVE_HEIGHT) + (GAP if lane.kind == ROTATION else 2)
        self._height = top + GAP
        self.setMinimumHeight(self._height)
        self.updateGeometry()
        index = 0
        if keep is not None:
            index = next((i for i, lane in enumerate(lanes) if (lane.rotation, lane.tech) == (keep.rotation, keep.tech)),
                         0)
        self.lane_index = index
        if not same_range or self.cursor is None or not (scale.start <= self.cursor < scale.end):
            self.cursor = self._initial_cursor()
            self.selection = None
        elif self.selection is not None and self.selection[0] >= len(lanes):
            self.selection = None
        self.update()
        self._focus_changed()

    def set_now(self, now: datetime) -> None:
        self.now = now
        self.update()

    def clear(self, text: str) -> None:
        self.scale, self.lanes, self.selection = None, [], None
        self.empty_text = text
        self.update()

    def current_lane(self) -> Lane | None:
        return self.lanes[self.lane_index] if 0 <= self.lane_index < len(self.lanes) else None

    def current_block(self) -> Block | None:
        lane = self.current_lane()
        return lane.block_at(self.cursor) if lane is not None and self.cursor is not None else None

    def sizeHint(self):
        hint = super().sizeHint()
        hint.setHeight(self._height)
        return hint

    # ------------------------------------------------------------ geometry

    @property
    def snap_minutes(self) -> int:
        return 30 if self.mode == WEEK else 60

    @property
    def step(self) -> timedelta:
        return timedelta(hours=1) if self.mode == WEEK else timedelta(hours=6)

    def _day_width(self) -> float:
        return max(1.0, (self.width() - LABEL_WIDTH - 8) / max(1, len(self.scale or ())))

    def x_of(self, at: datetime) -> float:
        return LABEL_WIDTH + self.scale.position(at) * self._day_width()

    def instant_at(self, x: float) -> datetime:
        return self.scale.instant((x - LABEL_WIDTH) / self._day_width())

    def lane_rect(self, index: int) -> QRectF:
        lane = self.lanes[index]
        height = ROTATION_HEIGHT if lane.kind == ROTATION else LEAVE_HEIGHT
        return QRectF(LABEL_WIDTH, self._tops[index], self.width() - LABEL_WIDTH - 8, height)

    def lane_at(self, y: float) -> int | None:
        for index in range(len(self.lanes)):
            rect = self.lane_rect(index)
            if rect.top() <= y < rect.bottom():
                return index
        return None

    def _snapped(self, at: datetime) -> datetime:
        half = timedelta(minutes=self.snap_minutes / 2)
        value = snap(at + half, self.scale.tz, self.snap_minutes)
        return min(max(value, self.scale.start), self.scale.end)

    def _initial_cursor(self) -> datetime:
        if self.now is not None and self.scale.start <= self.now < self.scale.end:
            return snap(self.now, self.scale.tz, 60)
        return self.scale.start

    # ------------------------------------------------------------ painting

    def paintEvent(self, event) -> None:
        self._paint(QRectF(event.rect()))

    def _paint(self, exposed: QRectF) -> None:
        self._fonts = {}
        painter = QPainter(self)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        if self.scale is None:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect().adjusted(LABEL_WIDTH, 0, 0, 0), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        self._paint_days(painter, palette)
        for index, lane in enumerate(self.lanes):
            rect = self.lane_rect(index)
            if rect.bottom() >= exposed.top() - GAP and rect.top() <= exposed.bottom() + GAP:  # only what shows
                self._paint_lane(painter, palette, index, lane)
        self._paint_selection(painter)
        self._paint_now(painter)
        self._paint_cursor(painter, palette)
        painter.end()

    def _font(self, *, bold: bool = False, scale: float = 1.0) -> QFont:
        return self._font_and_metrics(bold, scale)[0]

    def _metrics(self, *, bold: bool = False, scale: float = 1.0) -> QFontMetrics:
        return self._font_and_metrics(bold, scale)[1]

    def _font_and_metrics(self, bold: bool, scale: float) -> tuple[QFont, QFontMetrics]:
        """Fonts of one paint, made once each (the theme may change the base size between paints)."""
        key = (bold, round(scale, 3))
        found = self._fonts.get(key)
        if found is None:
            font = self._make_font(bold=bold, scale=scale)
            found = self._fonts[key] = (font, QFontMetrics(font))
        return found

    def _make_font(self, *, bold: bool = False, scale: float = 1.0) -> QFont:
        font = QFont(self.font())
        font.setBold(bold)
        if scale != 1.0:
            if font.pixelSize() > 0:
                font.setPixelSize(max(9, round(font.pixelSize() * scale)))
            else:
                font.setPointSizeF(max(7.0, font.pointSizeF() * scale))
        return font

    def _paint_days(self, painter: QPainter, palette: QPalette) -> None:
        width = self._day_width()
        text = palette.color(QPalette.ColorRole.Text)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        local_today = to_local(self.now, self.scale.tz).date() if self.now is not None else None
        bottom = self._height
        small = self._font(scale=0.85)
        for i, day in enumerate(self.scale.days):
            left = LABEL_WIDTH + i * width
            if day.day.weekday() >= 5:
                painter.fillRect(QRectF(left, 0, width, bottom), QColor(128, 128, 128, 22))
            is_today = day.day == local_today
            if is_today:
                painter.fillRect(QRectF(left, 0, width, AXIS_HEIGHT - 4), QColor(77, 163, 255, 45))
            painter.setPen(QPen(QColor(128, 128, 128, 110), 1))
            painter.drawLine(QPointF(left, 0), QPointF(left, bottom))
            hours = round(day.hours)
            odd = f" · {hours} h" if hours != 24 else ""
            painter.setFont(self._font(bold=is_today))
            painter.setPen(text)
            if self.mode == WEEK:
                label = day.day.strftime("%a %d %b") + (" · today" if is_today else "")
                painter.drawText(QRectF(left + 6, 4, width - 8, 22), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                                 QFontMetrics(painter.font()).elidedText(label, Qt.TextElideMode.ElideRight, int(width - 8)))
                painter.setFont(small)
                painter.setPen(muted)
                for hour in (6, 12, 18):
                    x = self.x_of(self.scale.local_hour(day, hour))
                    painter.setPen(QPen(QColor(128, 128, 128, 45), 1, Qt.PenStyle.DotLine))
                    painter.drawLine(QPointF(x, AXIS_HEIGHT - 6), QPointF(x, bottom))
                    painter.setPen(muted)
                    painter.drawText(QRectF(x - 20, 28, 40, 20), Qt.AlignmentFlag.AlignCenter, f"{hour:02d}:00")
                if odd:
                    painter.drawText(QRectF(left + 6, 28, 60, 20), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                                     f"{hours} h")
            else:
                painter.drawText(QRectF(left, 2, width, 24), Qt.AlignmentFlag.AlignCenter, day.day.strftime("%a")[:2])
                painter.setFont(self._font(bold=True))
                painter.drawText(QRectF(left, 24, width, 24), Qt.AlignmentFlag.AlignCenter,
                                 str(day.day.day) + ("*" if odd else ""))
        painter.setPen(QPen(QColor(128, 128, 128, 140), 1))
        painter.drawLine(QPointF(LABEL_WIDTH, AXIS_HEIGHT - 4), QPointF(self.width(), AXIS_HEIGHT - 4))

    def _paint_lane(self, painter: QPainter, palette: QPalette, index: int, lane: Lane) -> None:
        rect = self.lane_rect(index)
        focused = index == self.lane_index
        label = QRectF(8, rect.top(), LABEL_WIDTH - 16, rect.height())
        if lane.kind == ROTATION:
            painter.fillRect(QRectF(0, rect.top(), self.width(), rect.height()), QColor(128, 128, 128, 14))
        if focused and self.hasFocus():
            painter.fillRect(QRectF(0, rect.top(), LABEL_WIDTH - 4, rect.height()), QColor(77, 163, 255, 60))
            painter.fillRect(QRectF(0, rect.top(), 4, rect.height()), QColor(SELECTION))
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        metrics_width = int(label.width())
        if lane.kind == ROTATION:
            painter.setFont(self._font(bold=True))
            metrics = QFontMetrics(painter.font())
            two_lines = metrics.horizontalAdvance(lane.title) > metrics_width
            title_rect = QRectF(label.left(), rect.top() + 4, label.width(), 2 * metrics.lineSpacing() if two_lines else 24)
            painter.drawText(title_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap,
                             lane.title)
            painter.setFont(self._font(scale=0.85))
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            sub = QFontMetrics(painter.font()).elidedText(lane.subtitle, Qt.TextElideMode.ElideRight, metrics_width)
            painter.drawText(QRectF(label.left(), rect.bottom() - 24, label.width(), 20),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, sub)
        else:
            painter.setFont(self._font(scale=0.9))
            text = QFontMetrics(painter.font()).elidedText(f"   {lane.title} · {lane.subtitle}",
                                                           Qt.TextElideMode.ElideRight, metrics_width)
            painter.drawText(label, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
        for block in lane.blocks:
            self._paint_block(painter, rect, block)
        for run in label_runs(lane.blocks):
            first, last = run[0], run[-1]
            pill = first.kind in (HOLE, AWAY) or first.on_leave
            if len(run) == 1:
                self._paint_label(painter, self._block_rect(rect, first).adjusted(1, 0, -1, 0), first, pill=pill)
                continue
            labelled = False
            for block in run:  # each block that has room for a name gets it
                box = self._block_rect(rect, block).adjusted(1, 0, -1, 0)
                if self._fits(box, block.short or block.label):
                    self._paint_label(painter, box, block, pill=pill)
                    labelled = True
            if not labelled:  # a month of short nights: one name across them
                box = self._block_rect(rect, first).united(self._block_rect(rect, last)).adjusted(1, 0, -1, 0)
                self._paint_label(painter, box, first, pill=True)

    def _block_rect(self, lane_rect: QRectF, block: Block) -> QRectF:
        left, right = self.x_of(block.start), self.x_of(block.end)
        inset = 0 if block.kind == OFF else 3
        return QRectF(left, lane_rect.top() + inset, max(1.0, right - left), lane_rect.height() - 2 * inset)

    def _paint_block(self, painter: QPainter, lane_rect: QRectF, block: Block) -> None:
        rect = self._block_rect(lane_rect, block)
        if block.kind == OFF:
            painter.fillRect(rect, QBrush(QColor(128, 128, 128, 70), Qt.BrushStyle.Dense6Pattern))
            painter.fillRect(rect, QColor(0, 0, 0, 40))
            return
        fill, ink = FILLS[block.kind]
        box = rect.adjusted(1, 0, -1, 0)
        if block.kind == HOLE:
            painter.fillRect(box, QColor(fill))
            painter.setPen(QPen(QColor(HOLE_OUTLINE), 3))
            painter.drawRect(box.adjusted(1.5, 1.5, -1.5, -1.5))
        else:
            painter.fillRect(box, QColor(fill))
            if block.kind == AWAY or block.on_leave:
                painter.fillRect(box, QBrush(QColor(255, 255, 255, 70 if block.on_leave else 90),
                                             Qt.BrushStyle.BDiagPattern))
            if block.kind == OVERRIDE:
                painter.setPen(QPen(QColor("#000000"), 2, Qt.PenStyle.DashLine))
                painter.drawRect(box.adjusted(1, 1, -1, -1))
            else:
                painter.setPen(QPen(QColor(0, 0, 0, 120), 1))
                painter.drawLine(box.topLeft(), box.bottomLeft())

    def _fits(self, box: QRectF, text: str) -> bool:
        return self._metrics(bold=True).horizontalAdvance(text) <= box.width() - 8

    def _paint_label(self, painter: QPainter, box: QRectF, block: Block, *, pill: bool) -> None:
        """The longest of the block's words that fits ``box``; on a pill of the block's colour
        where hatching or off-duty grey lies behind the words."""
        if box.width() < 12 or not block.label:
            return
        fill, ink = FILLS[block.kind]
        bold = block.kind in (HOLE, OVERRIDE, SCHEDULE, CALENDAR)
        base = 0.9 if block.kind == AWAY else 1.0
        room = int(box.width() - 8)
        choices = block.labels()
        fitted = None
        for text in choices:  # the longest words that fit, at full size, else a little smaller
            for size in (base, base * 0.85) if text != block.tiny else (base, base * 0.85, base * 0.7):
                font, metrics = self._font_and_metrics(bold, size)
                if metrics.horizontalAdvance(text) <= (room if text != block.tiny else box.width() - 3):
                    fitted = (text, font, metrics)
                    break
            if fitted:
                break
        if fitted is None:
            font, metrics = self._font_and_metrics(bold, base * 0.85)
            fitted = (metrics.elidedText(choices[-1], Qt.TextElideMode.ElideRight, room), font, metrics)
            if not fitted[0] or fitted[0] == "…":
                return
        text, font, metrics = fitted
        painter.setFont(font)
        if pill:
            width = metrics.horizontalAdvance(text) + 8
            painter.fillRect(QRectF(box.left() + 2, box.center().y() - 11, min(width, box.width() - 4), 22),
                             QColor(fill))
        painter.setPen(QColor(ink))
        align = Qt.AlignmentFlag.AlignVCenter | (Qt.AlignmentFlag.AlignLeft if room > 40 else Qt.AlignmentFlag.AlignHCenter)
        painter.drawText(box.adjusted(5 if room > 40 else 0, 0, -3 if room > 40 else 0, 0), align, text)

    def _paint_selection(self, painter: QPainter) -> None:
        if self.selection is None or self.selection[0] >= len(self.lanes):
            return
        index, start, end = self.selection
        rect = self.lane_rect(index)
        box = QRectF(self.x_of(start), rect.top() - 2, self.x_of(end) - self.x_of(start), rect.height() + 4)
        colour = QColor(SELECTION)
        colour.setAlpha(90)
        painter.fillRect(box, colour)
        painter.setPen(QPen(QColor(SELECTION), 2))
        painter.drawRect(box)

    def _paint_now(self, painter: QPainter) -> None:
        if self.now is None or not (self.scale.start <= self.now < self.scale.end):
            return
        x = self.x_of(self.now)
        painter.setPen(QPen(QColor(NOW_LINE), 2))
        painter.drawLine(QPointF(x, AXIS_HEIGHT - 16), QPointF(x, self._height))
        painter.setFont(self._font(bold=True, scale=0.85))
        painter.fillRect(QRectF(x - 20, AXIS_HEIGHT - 20, 40, 16), QColor(NOW_LINE))
        painter.setPen(QColor("#ffffff"))
        painter.drawText(QRectF(x - 20, AXIS_HEIGHT - 20, 40, 16), Qt.AlignmentFlag.AlignCenter, "now")

    def _paint_cursor(self, painter: QPainter, palette: QPalette) -> None:
        if not self.hasFocus() or self.cursor is None or self.current_lane() is None:
            return
        rect = self.lane_rect(self.lane_index)
        x = self.x_of(self.cursor)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Text), 3))
        painter.drawLine(QPointF(x, rect.top() - 4), QPointF(x, rect.bottom() + 4))
        painter.setPen(QPen(QColor(SELECTION), 2))
        painter.drawRect(rect.adjusted(-1, -1, 1, 1))

    # ------------------------------------------------------------ mouse

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.scale is None or event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        index = self.lane_at(event.position().y())
        if index is None:
            return
        self.lane_index = index
        x = max(float(LABEL_WIDTH), event.position().x())
        self.cursor = min(self.instant_at(x), self.scale.end - timedelta(microseconds=1))
        self.selection = None
        if self.lanes[index].kind == ROTATION and event.position().x() >= LABEL_WIDTH:
            self._drag = (index, self._snapped(self.instant_at(x)))
        self.update()
        self._focus_changed()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.scale is None:
            return
        if self._drag is not None:
            index, anchor = self._drag
            here = self._snapped(self.instant_at(max(float(LABEL_WIDTH), event.position().x())))
            start, end = min(anchor, here), max(anchor, here)
            self.selection = (index, start, end) if end > start else None
            self.update()
            return
        index = self.lane_at(event.position().y())
        if index is not None and event.position().x() >= LABEL_WIDTH:
            lane = self.lanes[index]
            self.block_focused.emit(lane, lane.block_at(self.instant_at(event.position().x())))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag is None or event.button() != Qt.MouseButton.LeftButton:
            return super().mouseReleaseEvent(event)
        self._drag = None
        if self.selection is not None:
            index, start, end = self.selection
            self.cursor = start
            self.override_wanted.emit(self.lanes[index].rotation, start, end)

    def leaveEvent(self, event) -> None:
        super().leaveEvent(event)
        self._focus_changed()

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and event.key() == Qt.Key.Key_Escape \
                and self.selection is not None:
            event.accept()  # Esc drops the selection before it closes the window
            return True
        if event.type() == QEvent.Type.ToolTip and self.scale is not None:
            pos = event.pos()
            index = self.lane_at(pos.y())
            block = None
            if index is not None and pos.x() >= LABEL_WIDTH:
                block = self.lanes[index].block_at(self.instant_at(pos.x()))
            if block is not None:
                QToolTip.showText(event.globalPos(), block.detail, self)
            elif index is not None:
                lane = self.lanes[index]
                QToolTip.showText(event.globalPos(), f"{lane.title} · {lane.subtitle}", self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    # ------------------------------------------------------------ keyboard

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.scale is None or not self.lanes:
            return super().keyPressEvent(event)
        key = event.key()
        mods = event.modifiers()
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        alt = bool(mods & Qt.KeyboardModifier.AltModifier)
        if alt:
            return super().keyPressEvent(event)  # Alt+Left/Right move the range (the window's)
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.lane_index = max(0, min(len(self.lanes) - 1, self.lane_index + (1 if key == Qt.Key.Key_Down else -1)))
            self.selection = None
            self._anchor = None
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home, Qt.Key.Key_End):
            self._move_cursor(key, ctrl, shift)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.request_override()
            return
        elif key == Qt.Key.Key_Delete:
            self.request_removal()
            return
        elif key == Qt.Key.Key_Escape and self.selection is not None:
            self.selection = None
            self._anchor = None
        else:
            return super().keyPressEvent(event)
        self.update()
        self._focus_changed()

    def _move_cursor(self, key, ctrl: bool, shift: bool) -> None:
        start_cursor = self.cursor or self.scale.start
        if key == Qt.Key.Key_Home:
            target = self.scale.start
        elif key == Qt.Key.Key_End:
            target = self.scale.end - self.step
        else:
            sign = 1 if key == Qt.Key.Key_Right else -1
            if ctrl:
                position = self.scale.position(start_cursor)
                target = self.scale.instant(position + sign)
            else:
                target = snap(start_cursor, self.scale.tz, 60) + sign * self.step
        target = min(max(target, self.scale.start), self.scale.end)
        lane = self.current_lane()
        if shift and lane is not None and lane.kind == ROTATION:
            if self.selection is None or self._anchor is None:
                self._anchor = start_cursor
            start, end = min(self._anchor, target), max(self._anchor, target)
            self.selection = (self.lane_index, start, end) if end > start else None
        else:
            self.selection = None
            self._anchor = None
        self.cursor = target if target < self.scale.end else self.scale.end - timedelta(minutes=1)

    def request_override(self) -> None:
        """Enter / O: an override over the selection, else over the block under the cursor
        (within the range shown), else over the hour at the cursor."""
        lane = self.current_lane()
        if lane is None or self.scale is None:
            return
        if self.selection is not None:
            index, start, end = self.selection
            self.override_wanted.emit(self.lanes[index].rotation, start, end)
            return
        block = self.current_block()
        if block is not None and block.kind != OFF:
            start, end = max(block.start, self.scale.start), min(block.end, self.scale.end)
        else:
            start = snap(self.cursor or self.scale.start, self.scale.tz, 60)
            end = start + self.step
        self.override_wanted.emit(lane.rotation, start, end)

    def request_removal(self) -> None:
        block = self.current_block()
        if block is not None and block.kind == OVERRIDE and block.override is not None:
            self.removal_wanted.emit(block)
        else:
            self.block_focused.emit(self.current_lane(), block)

    def focus_on(self, rotation: str, at: datetime, tech: str | None = None) -> None:
        """Put the keyboard cursor on a rotation's lane (or a person's leave lane) at ``at``."""
        for index, lane in enumerate(self.lanes):
            if lane.rotation == rotation and lane.tech == tech:
                self.lane_index = index
                self.cursor = at
                self.selection = None
                self.update()
                self._focus_changed()
                return

    def _focus_changed(self) -> None:
        lane = self.current_lane()
        self.block_focused.emit(lane, self.current_block())
        if lane is not None:
            rect = self.lane_rect(self.lane_index)
            self.cursor_moved.emit(int(rect.top()) - AXIS_HEIGHT, int(rect.bottom()) + GAP)

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.update()
