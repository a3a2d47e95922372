"""Handoff records to review: the list (newest first, reviewed or not), the chosen record as
the incoming dispatcher read it, and the manager's "Mark reviewed" with a comment."""
from __future__ import annotations

import html
from collections.abc import Mapping

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from dispatch_app.errors import DispatchError
from dispatch_app.reports.handoff_markdown import handoff_markdown
from dispatch_app.services import shifts
from dispatch_app.services.shifts import ShiftInfo
from dispatch_app.ui.context import Context
from dispatch_app.ui.models.table import KEY_ROLE
from dispatch_app.ui.review.models import ShiftsModel
from dispatch_app.ui.review.widgets import primary_button
from dispatch_app.ui.views.panes import list_view, pane_title, show_state, side_by_side, state_line

FILTERS = ("All handoffs", "Not reviewed", "Reviewed")
HOW_MANY = 200
"""The newest shifts listed; older ones are a CLI query away (``dispatch-app shifts``)."""


def shown(info: ShiftInfo, choice: str) -> bool:
    if choice == "Not reviewed":
        return info.issued_at is not None and not info.reviews
    if choice == "Reviewed":
        return bool(info.reviews)
    return True


class HandoffsTab(QWidget):
    """Signals:
        handoff_reviewed(int): a shift's handoff was marked reviewed here (its id).
        loaded(int): the list was read (how many shifts are listed).
    """

    handoff_reviewed = Signal(int)
    loaded = Signal(int)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._all: dict[int, ShiftInfo] = {}
        self._order: list[int] = []
        self._shown_id: int | None = None
        self._loading = False
        self._again = False
        self.names: Mapping[str, str] = {}

        self.filter = QComboBox()
        self.filter.addItems(FILTERS)
        self.filter.setAccessibleName("Which handoffs to list")
        filter_label = QLabel("&List:")
        filter_label.setBuddy(self.filter)
        self.filter.currentIndexChanged.connect(self._apply_filter)
        self.model = ShiftsModel(ctx.clock, self)
        self.table = list_view(self.model, "Shift handoff records", sortable=False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ShiftsModel.HANDED, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.summary = state_line("How many handoffs are listed")

        self.review_state = QLabel("")
        self.review_state.setWordWrap(True)
        self.review_state.setAccessibleName("Whether the chosen handoff was reviewed, and the comments")
        self.review_state.setTextFormat(Qt.TextFormat.RichText)
        self.record = QTextBrowser()
        self.record.setAccessibleName("The chosen handoff record")
        self.comment = QPlainTextEdit()
        self.comment.setPlaceholderText("Comment for the record (optional), e.g. "
                                        "“Good call to wake Dana at 02:10; Acme's callback was late.”")
        self.comment.setAccessibleName("Review comment")
        self.comment.setTabChangesFocus(True)
        self.comment.setFixedHeight(76)
        comment_label = QLabel("&Comment:")
        comment_label.setBuddy(self.comment)
        self.review_button = primary_button("Mark &reviewed")
        self.review_button.setToolTip("Record your review of this handoff, with the comment (Alt+R, or "
                                      "Ctrl+Enter in the comment)")
        self.review_button.setAccessibleName("Mark the chosen handoff reviewed")
        self.review_button.clicked.connect(self.mark_reviewed)
        self.comment.installEventFilter(self)
        self.status = state_line("What marking reviewed did")
        show_state(self.status, "Ctrl+Enter in the comment marks it reviewed.", role="muted")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 8, 0)
        top = QHBoxLayout()
        top.addWidget(pane_title("SHIFT HANDOFFS · NEWEST FIRST"))
        top.addStretch(1)
        top.addWidget(filter_label)
        top.addWidget(self.filter)
        left_layout.addLayout(top)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.summary)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        right_layout.addWidget(pane_title("THE RECORD"))
        right_layout.addWidget(self.review_state)
        right_layout.addWidget(self.record, 1)
        right_layout.addWidget(comment_label)
        right_layout.addWidget(self.comment)
        buttons = QHBoxLayout()
        buttons.addWidget(self.review_button)
        buttons.addWidget(self.status, 1)
        right_layout.addLayout(buttons)
        self.splitter = side_by_side(self, left, right, stretch=(2, 3), sizes=(780, 880))
        self._show_record(None)

    def eventFilter(self, watched, event) -> bool:
        """Ctrl+Enter in the comment marks reviewed (Enter alone is a new line)."""
        if (watched is self.comment and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.mark_reviewed()
            return True
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------ public

    def set_names(self, names: Mapping[str, str]) -> None:
        self.names = names
        self.model.names = names
        self.model.refresh_all()

    def reload(self) -> None:
        if self._loading:
            self._again = True
            return
        self._loading = True
        db = self._ctx.backend.db
        if not self._all:
            show_state(self.summary, "Reading the handoffs…", role="muted")
        self._ctx.tasks.run(lambda: shifts.list_shifts(db, limit=HOW_MANY), name="handoffs",
                            on_done=self._on_loaded, on_error=self._on_load_failed)

    def select(self, shift_id: int) -> bool:
        proxy = self.table.model()
        for row in range(proxy.rowCount()):
            if proxy.index(row, 0).data(KEY_ROLE) == shift_id:
                self.table.selectRow(row)
                return True
        return False

    def selected_id(self) -> int | None:
        index = self.table.currentIndex()
        return index.data(KEY_ROLE) if index.isValid() else None

    def mark_reviewed(self) -> None:
        shift_id = self._shown_id
        info = self._all.get(shift_id) if shift_id is not None else None
        if info is None:
            show_state(self.status, "Choose a handoff in the list first.", problem=True)
            return
        if info.issued_at is None:
            show_state(self.status, f"Shift #{shift_id} is still running: it can be reviewed once its record "
                       "is issued.", problem=True)
            return
        ctx = self._ctx
        db, actor, at = ctx.backend.db, ctx.actor_id, ctx.clock.now()
        comment = self.comment.toPlainText().strip() or None
        self.review_button.setEnabled(False)
        show_state(self.status, f"Recording your review of shift #{shift_id}…", role="muted")

        def work():
            changed = shifts.review(db, actor=actor, shift_id=shift_id, at=at, comment=comment)
            return changed, shifts.shift_info(db, shift_id)

        def done(result) -> None:
            changed, fresh = result
            self.review_button.setEnabled(True)
            self.comment.clear()
            self._all[fresh.id] = fresh
            self._apply_filter()
            if self._shown_id == fresh.id:
                self._show_review_state(fresh)
            show_state(self.status, f"✓ Shift #{fresh.id} marked reviewed.", role="match")
            ctx.events.shifts_changed.emit(changed)
            self.handoff_reviewed.emit(fresh.id)

        def failed(error: DispatchError) -> None:
            self.review_button.setEnabled(True)
            show_state(self.status, f"Not reviewed: {error}", problem=True)

        ctx.tasks.run(work, write=True, name="review handoff", on_done=done, on_error=failed)

    # ------------------------------------------------------------ loading

    def _on_loaded(self, infos: list[ShiftInfo]) -> None:
        self._loading = False
        self._all = {i.id: i for i in infos}
        self._order = [i.id for i in infos]
        self._apply_filter()
        if self.selected_id() is None and self.model.rowCount():
            self.table.selectRow(0)
        elif self._shown_id in self._all:
            self._show_review_state(self._all[self._shown_id])
        self.loaded.emit(len(infos))
        if self._again:
            self._again = False
            self.reload()

    def _on_load_failed(self, error: DispatchError) -> None:
        self._loading = False
        self._again = False
        show_state(self.summary, f"Could not read the handoffs: {error}", problem=True)

    def _apply_filter(self, *_args) -> None:
        choice = self.filter.currentText()
        rows = [self._all[i] for i in self._order if shown(self._all[i], choice)]
        self.model.set_rows(rows)
        waiting = sum(1 for i in self._all.values() if i.issued_at is not None and not i.reviews)
        listed = f"{len(rows)} listed" + (f" of the newest {len(self._all)}" if choice != FILTERS[0] else "")
        if not self._all:
            show_state(self.summary, "No shifts yet: handoff records appear here when dispatchers end their shifts.",
                       role="muted")
        elif waiting:
            show_state(self.summary, f"{listed} · ⚠ {waiting} not reviewed yet", role="")
        else:
            show_state(self.summary, f"{listed} · every issued handoff has been reviewed", role="match")

    # ------------------------------------------------------------ the record

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        shift_id = current.data(KEY_ROLE) if current.isValid() else None
        if shift_id is None or shift_id == self._shown_id:
            return
        self._shown_id = shift_id
        info = self._all.get(shift_id)
        self._show_record(info)
        if info is None:
            return
        self.record.setPlainText("Reading the record…")
        db, at = self._ctx.backend.db, self._ctx.clock.now()

        def done(markdown: str) -> None:
            if self._shown_id == shift_id:
                self.record.setMarkdown(markdown)

        def failed(error: DispatchError) -> None:
            if self._shown_id == shift_id:
                self.record.setPlainText(f"Could not build the record of shift #{shift_id}: {error}")

        self._ctx.tasks.run(lambda: handoff_markdown(shifts.handoff(db, at=at, shift_id=shift_id)),
                            name="handoff record", on_done=done, on_error=failed)

    def _show_record(self, info: ShiftInfo | None) -> None:
        if info is None:
            self.record.setPlainText("Choose a handoff in the list (Tab, then Up/Down).")
            self.review_state.setText("")
            self.review_button.setEnabled(False)
            self.comment.setEnabled(False)
            return
        self._show_review_state(info)

    def _show_review_state(self, info: ShiftInfo) -> None:
        issued = info.issued_at is not None
        self.review_button.setEnabled(issued)
        self.comment.setEnabled(issued)
        who = self.names.get(info.dispatcher, info.dispatcher)
        if not issued:
            text = (f"<b>Shift #{info.id}</b> of {html.escape(who, quote=False)} is still running: "
                    "its record is a draft and can be reviewed once the shift ends.")
            role = "muted"
        elif not info.reviews:
            text = f"<b>⚠ Not reviewed yet.</b> Shift #{info.id} of {html.escape(who, quote=False)}."
            role = "caution"
        else:
            lines = []
            for by, at, comment in info.reviews:
                name = html.escape(self.names.get(by, by), quote=False)
                line = f"✓ Reviewed by <b>{name}</b>, {self._ctx.clock.stamp(at)}"
                if comment:
                    line += f": “{html.escape(comment, quote=False)}”"
                lines.append(line)
            text = "<br>".join(lines)
            role = "match"
        show_state(self.review_state, text, role=role)
