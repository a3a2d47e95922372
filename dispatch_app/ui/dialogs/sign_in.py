"""Who is at this desk: a technician of the environment, remembered per workstation."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dispatch_app.domain.model import Technician
from dispatch_app.ui.models.environment import TechniciansModel
from dispatch_app.ui.models.table import VALUE_ROLE, sorting_proxy
from dispatch_app.ui.views.tables import read_only


class SignInDialog(QDialog):
    """Type to filter, arrows to move, Enter to sign in."""

    def __init__(self, technicians: list[Technician], current: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Who is at this desk?")
        self.model = TechniciansModel(self)
        self.model.set_rows(sorted((t for t in technicians if t.active), key=lambda t: t.name.casefold()))
        self.proxy: QSortFilterProxyModel = sorting_proxy(self.model, self)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("type your name")
        self.filter.setAccessibleName("Filter technicians")
        self.filter.textChanged.connect(self._on_filter_changed)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        read_only(self.table)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.resizeColumnsToContents()
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.setAccessibleName("Technicians")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign in  (Enter)")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        explain = QLabel("Your level and expertise decide each verdict, and your roles what the console "
                         "lets you do. This workstation remembers you (File → Switch user, Ctrl+Shift+U).")
        explain.setWordWrap(True)
        explain.setProperty("role", "muted")
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(640, 420)
        row = self.model.row_of(current) if current else None
        self._select(self.proxy.mapFromSource(self.model.index(row, 0)).row() if row is not None else 0)
        self.filter.installEventFilter(self)
        self.filter.setFocus()

    @property
    def chosen(self) -> Technician | None:
        index = self.table.currentIndex()
        return index.data(VALUE_ROLE) if index.isValid() else None

    def _select(self, row: int) -> None:
        if self.proxy.rowCount() == 0:
            self.table.clearSelection()
            self.ok_button.setEnabled(False)
            return
        self.ok_button.setEnabled(True)
        self.table.selectRow(max(0, min(row, self.proxy.rowCount() - 1)))

    def _on_filter_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self._select(0)

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        self.accept()

    def eventFilter(self, watched, event) -> bool:  # arrows in the filter move the selection
        from PySide6.QtCore import QEvent

        if watched is self.filter and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                current = self.table.currentIndex().row()
                self._select(current + (1 if key == Qt.Key.Key_Down else -1))
                return True
        return super().eventFilter(watched, event)

    def accept(self) -> None:
        if self.chosen is not None:
            super().accept()
