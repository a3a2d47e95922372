"""What every list of the console shares."""
from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QTableView


def read_only(view: QTableView, *, single: bool = True) -> QTableView:
    """Rows picked whole (one at a time unless ``single`` is false), never edited in place,
    no row numbers."""
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single:
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().hide()
    return view
