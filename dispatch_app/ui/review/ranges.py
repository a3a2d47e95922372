"""Ranges of time the manager picks: presets ("next 7 days", "last 12 months") or from/to typed
in the viewer's time zone."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from PySide6.QtCore import QDate, QDateTime, QTime, QTimeZone, Signal
from PySide6.QtWidgets import QComboBox, QDateTimeEdit, QHBoxLayout, QLabel, QWidget

from dispatch_app.domain.localtime import resolve, zone
from dispatch_app.ui.clock import ViewerClock

Range = tuple[datetime, datetime]


@dataclass(frozen=True)
class Preset:
    label: str
    compute: Callable[[datetime, str], Range]
    """(now, zone name) -> [start, end)."""


def _hour(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def _month_start(now: datetime, zone_name: str, months_back: int) -> datetime:
    local = now.astimezone(zone(zone_name))
    year, month = local.year, local.month - months_back
    while month < 1:
        year, month = year - 1, month + 12
    return resolve(datetime(year, month, 1), zone_name)


NEXT_7_DAYS = Preset("Next 7 days", lambda now, z: (_hour(now), _hour(now) + timedelta(days=7)))
NEXT_30_DAYS = Preset("Next 30 days", lambda now, z: (_hour(now), _hour(now) + timedelta(days=30)))
LAST_30_DAYS = Preset("Last 30 days", lambda now, z: (now - timedelta(days=30), now))
LAST_12_MONTHS = Preset("Last 12 months", lambda now, z: (_month_start(now, z, 11), now))
"""The eleven whole months before this one, and this one so far."""
LAST_3_MONTHS = Preset("Last 3 months", lambda now, z: (_month_start(now, z, 2), now))
CUSTOM = "Custom range"


LITERAL = QTimeZone(QTimeZone.Initialization.UTC)
"""The edits hold wall-clock fields in UTC so Qt never moves them across this computer's DST
changes; :func:`from_edit` reads them in the zone they mean."""


def to_edit(instant: datetime, zone_name: str) -> QDateTime:
    """The wall-clock fields of ``instant`` in ``zone_name``, as a QDateTime read literally."""
    local = instant.astimezone(zone(zone_name))
    return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute), LITERAL)


def from_edit(value: QDateTime, zone_name: str) -> datetime:
    """The instant of the wall-clock fields typed, read in ``zone_name`` (DOMAIN.md's DST rules)."""
    d, t = value.date(), value.time()
    return resolve(datetime(d.year(), d.month(), d.day(), t.hour(), t.minute()), zone_name)


def instant_edit(name: str) -> QDateTimeEdit:
    edit = QDateTimeEdit()
    edit.setTimeZone(LITERAL)
    edit.setDisplayFormat("ddd yyyy-MM-dd HH:mm")
    edit.setCalendarPopup(True)
    edit.setAccessibleName(name)
    return edit


class RangePicker(QWidget):
    """A preset or a custom from/to; ``range()`` answers UTC instants.

    Signals:
        range_changed(object, object): a preset was chosen, or a custom end was edited and
            left (Enter or Tab), with the new (start, end).
    """

    range_changed = Signal(object, object)

    def __init__(self, clock: ViewerClock, presets: Sequence[Preset], *, zone_name: str | None = None,
                 mnemonic: str = "&Range", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._presets = list(presets)
        self.zone_name = zone_name or clock.zone_name
        self._custom: Range | None = None
        self._quiet = False
        self._edited = False
        self.preset = QComboBox()
        self.preset.addItems([p.label for p in self._presets] + [CUSTOM])
        self.preset.setAccessibleName("Range")
        self.preset.setToolTip("A preset range, or Custom to type from and to")
        self.start_edit = instant_edit("From")
        self.end_edit = instant_edit("To (not included)")
        zone_hint = f"in your time ({clock.zone_name})"
        self.start_edit.setToolTip(f"From, {zone_hint}")
        self.end_edit.setToolTip(f"To (not included), {zone_hint}")
        label = QLabel(f"{mnemonic}:")
        label.setBuddy(self.preset)
        start_label = QLabel("fr&om")
        start_label.setBuddy(self.start_edit)
        end_label = QLabel("&to")
        end_label.setBuddy(self.end_edit)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(self.preset)
        layout.addSpacing(8)
        layout.addWidget(start_label)
        layout.addWidget(self.start_edit)
        layout.addWidget(end_label)
        layout.addWidget(self.end_edit)
        self.preset.currentIndexChanged.connect(self._on_preset_chosen)
        for edit in (self.start_edit, self.end_edit):
            edit.dateTimeChanged.connect(self._on_edited)
            edit.editingFinished.connect(self._on_edit_finished)
        self._on_preset_chosen(0)

    # ------------------------------------------------------------ public

    def range(self) -> Range:
        index = self.preset.currentIndex()
        if index < len(self._presets):
            return self._presets[index].compute(self._clock.now(), self.zone_name)
        if self._custom is not None:
            return self._custom
        return (from_edit(self.start_edit.dateTime(), self._clock.zone_name),
                from_edit(self.end_edit.dateTime(), self._clock.zone_name))

    def choose(self, label: str) -> None:
        found = self.preset.findText(label)
        if found < 0:
            raise ValueError(f"no preset {label!r}")
        self.preset.setCurrentIndex(found)

    def set_zone(self, zone_name: str) -> None:
        """The zone presets count days and months in (the figures' months are the MSP's)."""
        self.zone_name = zone_name
        index = self.preset.currentIndex()
        if index < len(self._presets):
            self._quiet = True
            try:
                self._show(*self._presets[index].compute(self._clock.now(), zone_name))
            finally:
                self._quiet = False

    def set_range(self, start: datetime, end: datetime) -> None:
        """Show a custom range (kept exact, to the second, until it is edited)."""
        self._quiet = True
        try:
            self.preset.setCurrentIndex(len(self._presets))
            self._show(start, end)
        finally:
            self._quiet = False
        self._custom = (start, end)

    # ------------------------------------------------------------ events

    def _show(self, start: datetime, end: datetime) -> None:
        self.start_edit.setDateTime(to_edit(start, self._clock.zone_name))
        self.end_edit.setDateTime(to_edit(end, self._clock.zone_name))

    def _on_preset_chosen(self, index: int) -> None:
        if index < len(self._presets):
            start, end = self._presets[index].compute(self._clock.now(), self.zone_name)
            self._quiet = True
            try:
                self._show(start, end)
            finally:
                self._quiet = False
            self.range_changed.emit(start, end)

    def _on_edited(self, _value) -> None:
        """Typing in from/to makes the range custom; it is announced when the field is left."""
        if self._quiet:
            return
        self._custom = None
        self._edited = True
        if self.preset.currentIndex() != len(self._presets):
            self._quiet = True
            try:
                self.preset.setCurrentIndex(len(self._presets))
            finally:
                self._quiet = False

    def _on_edit_finished(self) -> None:
        if self._edited:
            self._edited = False
            start, end = self.range()
            self.range_changed.emit(start, end)
