"""A table model over domain values, with its columns declared once.

Rows are domain values (frozen dataclasses) identified by a key. :meth:`RowsModel.set_rows`
turns a new list into removals, ``dataChanged`` and insertions, keyed by id: a live list is
never reset, so selection and scroll position survive updates. Sorting is left to a
:class:`QSortFilterProxyModel` reading :data:`SORT_ROLE` (native values, not display text).
"""
from __future__ import annotations

import bisect
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QSortFilterProxyModel
from PySide6.QtGui import QColor, QFont

from dispatch_app.ui.wording import one_line, tooltip_text

T = TypeVar("T")

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
VALUE_ROLE = Qt.ItemDataRole.UserRole + 2  # the row's domain value
KEY_ROLE = Qt.ItemDataRole.UserRole + 3  # the row's id

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[T]):
    header: str
    display: Callable[[T], str]
    sort: Callable[[T], Any] | None = None
    tooltip: Callable[[T], str] | None = None
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    emphasis: bool = False
    """Shown bold and larger (what a tired eye must find: a phone, a name to call)."""


class RowsModel(QAbstractTableModel, Generic[T]):
    """Rows of domain values under declared columns; subclasses set ``columns`` and ``key``."""

    columns: Sequence[Column] = ()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[T] = []
        self._keys: list[Hashable] = []
        self._positions: dict[Hashable, int] | None = {}
        self._emphasis_font: QFont | None = None

    # ------------------------------------------------------------ subclass points

    def key(self, row: T) -> Hashable:
        return getattr(row, "id")

    def tint(self, row: T) -> tuple[str, str] | None:
        """(background, text) colours for a row that must stand out; never the only signal."""
        return None

    # ------------------------------------------------------------ Qt

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < len(self.columns):
                return self.columns[section].header
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)) or not (0 <= index.column() < len(self.columns)):
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = column.display(row)
            return one_line(value) if isinstance(value, str) else value  # text from outside: one line, no controls
        if role == SORT_ROLE:
            return (column.sort or column.display)(row)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            tip = column.tooltip(row)
            return tooltip_text(tip) if isinstance(tip, str) and tip else tip or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align)
        if role == Qt.ItemDataRole.FontRole and column.emphasis:
            if self._emphasis_font is None:
                self._emphasis_font = QFont()
                self._emphasis_font.setBold(True)
                if self._emphasis_font.pixelSize() > 0:
                    self._emphasis_font.setPixelSize(round(self._emphasis_font.pixelSize() * 1.25))
                elif self._emphasis_font.pointSizeF() > 0:  # no size before a QApplication font is set
                    self._emphasis_font.setPointSizeF(self._emphasis_font.pointSizeF() * 1.25)
            return self._emphasis_font
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            tint = self.tint(row)
            if tint is not None:
                return QColor(tint[0] if role == Qt.ItemDataRole.BackgroundRole else tint[1])
            return None
        if role == VALUE_ROLE:
            return row
        if role == KEY_ROLE:
            return self.key(row)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # ------------------------------------------------------------ rows
    #
    # ``_keys`` runs parallel to ``_rows``; ``_positions`` (key -> row number) is rebuilt on
    # demand after rows were inserted, removed or moved. Rebuilding it is one C-level pass
    # (well under a millisecond for 10,000 rows); finding a row never scans in Python.

    @property
    def rows(self) -> tuple[T, ...]:
        return tuple(self._rows)

    def row_of(self, key: Hashable) -> int | None:
        if self._positions is None:
            self._positions = dict(zip(self._keys, range(len(self._keys))))
        return self._positions.get(key)

    def value(self, row: int) -> T:
        return self._rows[row]

    def _tally(self, row: T, sign: int) -> None:
        """A row entered (+1) or left (-1) the model: subclasses keep running counts here
        instead of walking every row after each change."""

    def _changed(self, first: int, last: int) -> None:
        self.dataChanged.emit(self.index(first, 0), self.index(last, len(self.columns) - 1))

    def _replace(self, number: int, value: T) -> None:
        self._tally(self._rows[number], -1)
        self._rows[number] = value
        self._tally(value, +1)

    def _insert(self, number: int, values: Sequence[T], keys: Sequence[Hashable]) -> None:
        self.beginInsertRows(QModelIndex(), number, number + len(values) - 1)
        self._rows[number:number] = values
        self._keys[number:number] = keys
        self._positions = None
        for value in values:
            self._tally(value, +1)
        self.endInsertRows()

    def _remove(self, first: int, last: int) -> None:
        self.beginRemoveRows(QModelIndex(), first, last)
        for value in self._rows[first:last + 1]:
            self._tally(value, -1)
        del self._rows[first:last + 1]
        del self._keys[first:last + 1]
        self._positions = None
        self.endRemoveRows()

    def _move(self, found: int, target: int) -> None:
        """Move row ``found`` so that it ends up at ``target``."""
        self.beginMoveRows(QModelIndex(), found, found, QModelIndex(), target + 1 if target > found else target)
        self._rows.insert(target, self._rows.pop(found))
        self._keys.insert(target, self._keys.pop(found))
        self._positions = None
        self.endMoveRows()

    def set_rows(self, rows: Sequence[T]) -> None:
        """Make the model hold ``rows`` (in that order) by removing, updating and inserting
        rows keyed by id: never a reset. Rows that stay keep their place relative to each
        other; new rows are inserted where the new order puts them, consecutive ones at once."""
        wanted = list(rows)
        if wanted == self._rows:
            return  # the same rows again (one comparison in C, where keying them is a Python call each)
        wanted_keys = [self.key(r) for r in wanted]
        keep = set(wanted_keys)
        # 1. removals, from the bottom up, in contiguous runs
        number = len(self._keys) - 1
        while number >= 0:
            if self._keys[number] in keep:
                number -= 1
                continue
            last = number
            while number >= 0 and self._keys[number] not in keep:
                number -= 1
            self._remove(number + 1, last)
        # 2. walk the wanted order: insert runs of missing rows, move misplaced ones, update
        #    changed ones (one dataChanged per run of changed rows)
        present = set(self._keys)
        changed_from: int | None = None
        target = 0
        while target < len(wanted):
            key = wanted_keys[target]
            if key not in present:
                end = target + 1
                while end < len(wanted) and wanted_keys[end] not in present:
                    end += 1
                if changed_from is not None:
                    self._changed(changed_from, target - 1)
                    changed_from = None
                self._insert(target, wanted[target:end], wanted_keys[target:end])
                target = end
                continue
            if self._keys[target] != key:
                if changed_from is not None:
                    self._changed(changed_from, target - 1)
                    changed_from = None
                self._move(self._keys.index(key, target), target)
            if self._rows[target] != wanted[target]:
                self._replace(target, wanted[target])
                if changed_from is None:
                    changed_from = target
            elif changed_from is not None:
                self._changed(changed_from, target - 1)
                changed_from = None
            target += 1
        if changed_from is not None:
            self._changed(changed_from, len(self._rows) - 1)

    def upsert(self, rows: Sequence[T], order: Callable[[T], Any]) -> list[T]:
        """Apply changed rows to a list kept in ``order``: a known id is updated in place
        (``dataChanged``) or moved where its new key puts it; an unknown one is inserted there.
        Never a reset. Answers the rows that were inserted. Each row costs a binary search,
        not a pass over the list."""
        inserted: list[T] = []
        for value in rows:
            key = self.key(value)
            found = self.row_of(key)
            wanted = order(value)
            if found is None:
                target = bisect.bisect_right(self._rows, wanted, key=order)
                self._insert(target, [value], [key])
                inserted.append(value)
                continue
            # where it goes among the other rows (the list without it is in order)
            target = bisect.bisect_right(self._rows, wanted, 0, found, key=order)
            if target == found:
                target = bisect.bisect_right(self._rows, wanted, found + 1, len(self._rows), key=order) - 1
            if target != found:
                self._move(found, target)
            if self._rows[target] != value:
                self._replace(target, value)
                self._changed(target, target)
        return inserted

    def remove_keys(self, keys: Sequence[Hashable]) -> None:
        """Remove the rows with these ids (those present)."""
        for key in keys:
            found = self.row_of(key)
            if found is not None:
                self._remove(found, found)

    def refresh_all(self) -> None:
        """Tell views every cell may read differently (a clock-dependent column moved on)."""
        if self._rows:
            self._changed(0, len(self._rows) - 1)


def sorting_proxy(model: RowsModel, parent=None) -> QSortFilterProxyModel:
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setFilterKeyColumn(-1)
    return proxy
