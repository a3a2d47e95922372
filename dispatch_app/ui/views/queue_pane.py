"""The queue: every open call, most urgent first, updated in place (never reset)."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from dispatch_app.ui.clock import ViewerClock
from dispatch_app.ui.models.calls import QueueModel
from dispatch_app.ui.models.table import KEY_ROLE, sorting_proxy
from dispatch_app.ui.views.tables import read_only


class QueuePane(QWidget):
    """Signals:
        call_selected(int): the current row moved to this call.
        counts_shown(int, int): the counts over the list changed (P1 calls, late calls).
    """

    call_selected = Signal(int)
    counts_shown = Signal(int, int)

    def __init__(self, clock: ViewerClock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("QUEUE: OPEN CALLS, MOST URGENT FIRST")
        title.setProperty("role", "pane-title")
        self.count = QLabel("")
        self.count.setProperty("role", "heading")
        self.model = QueueModel(clock, self)
        self.proxy = sorting_proxy(self.model, self)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Queue of open calls")
        read_only(self.table)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(False)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Fit the columns to the rows on screen, not to a thousand of them: with 10,000 calls
        # every change would otherwise cost the event loop tens of thousands of data() calls.
        header.setResizeContentsPrecision(0)
        for column, width in ((2, 140), (5, 110)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.empty = QLabel("No open calls.\n\nTake a call: Ctrl+N")
        self.empty.setProperty("role", "muted")
        self.waiting = QLabel("")
        self.waiting.setProperty("role", "muted")
        self.waiting.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(title)
        layout.addWidget(self.count)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.waiting)
        self.set_rows([])

    def set_rows(self, rows) -> None:
        self.model.set_rows(rows)
        self._show_counts()

    def apply_changes(self, rows, gone, order) -> list:
        """Changed rows from the feed: update, move or insert each by id, drop the closed ones.
        Answers the rows inserted."""
        self.model.remove_keys(gone)
        inserted = self.model.upsert(rows, order)
        self._show_counts()
        return inserted

    def _show_counts(self) -> None:
        rows = self.model.rowCount()
        p1, late = self.model.p1_count, self.model.late_count
        parts = [f"{rows} open"]
        if p1:
            parts.append(f"‼ {p1} P1")
        if late:
            parts.append(f"⚠ {late} late")
        self.count.setText(" · ".join(parts) if rows else "")
        self.counts_shown.emit(p1, late)
        self.empty.setVisible(not rows)
        if rows and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def selected_call(self) -> int | None:
        index = self.table.currentIndex()
        return index.data(KEY_ROLE) if index.isValid() else None

    def select_call(self, call_id: int) -> None:
        row = self.model.row_of(call_id)
        if row is not None:
            self.table.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())

    def focus_list(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.table.currentIndex().isValid() and self.proxy.rowCount():
            self.table.selectRow(0)

    def _on_current_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if current.isValid():
            self.call_selected.emit(current.data(KEY_ROLE))
