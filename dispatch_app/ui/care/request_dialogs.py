"""The two small dialogs of the change requests: a call's timeline to read, and the note that
closes a request."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dispatch_app.errors import DispatchError
from dispatch_app.services import calls
from dispatch_app.ui.context import Context
from dispatch_app.ui.models.calls import STATUS_WORDS, TimelineModel
from dispatch_app.ui.views.panes import show_state
from dispatch_app.ui.views.tables import read_only
from dispatch_app.ui.wording import one_line


class CallTimelineDialog(QDialog):
    """A resolved call and its timeline, read-only (``calls.call_view``)."""

    def __init__(self, ctx: Context, call_id: int, name_of: Callable[[str | None], str],
                 client_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.call_id = call_id
        self.setWindowTitle(f"Call #{call_id} · {client_name}")
        self.resize(1100, 560)
        self.headline = QLabel(f"#{call_id} · {client_name}")
        self.headline.setProperty("role", "heading")
        self.subline = QLabel("Reading the call…")
        self.subline.setWordWrap(True)
        self.subline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = TimelineModel(ctx.clock, self)
        self.model.set_names(name_of)
        self.timeline = QTableView()
        self.timeline.setModel(self.model)
        read_only(self.timeline, single=False)
        self.timeline.setAlternatingRowColors(True)
        self.timeline.setWordWrap(True)
        self.timeline.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.timeline.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.timeline.setAccessibleName(f"Timeline of call {call_id}")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.subline)
        title = QLabel("TIMELINE (READ-ONLY)")
        title.setProperty("role", "pane-title")
        layout.addWidget(title)
        layout.addWidget(self.timeline, 1)
        layout.addWidget(buttons)
        self.timeline.setFocus()
        db, at, actor = ctx.backend.db, ctx.clock.now(), ctx.actor_id
        self._clock = ctx.clock
        self._task = ctx.tasks.run(lambda: calls.call_view(db, call_id, at=at, as_tech=actor), name="call timeline",
                                   on_done=self._on_loaded, on_error=self._on_failed)

    def _on_loaded(self, view) -> None:
        call = view.call
        self.subline.setText(f"“{one_line(call.summary)}”\n{STATUS_WORDS.get(call.status, call.status)} · "
                             f"priority {call.priority or '—'} · received {self._clock.stamp(call.received_at)}")
        self.model.set_rows(list(view.events))
        self.timeline.resizeRowsToContents()

    def _on_failed(self, error: DispatchError) -> None:
        show_state(self.subline, f"⚠ Cannot read call #{self.call_id}: {error}", problem=True)

    def done(self, result: int) -> None:
        self._task.cancel()
        super().done(result)


class CloseRequestDialog(QDialog):
    """The note that closes a runbook-change request: what was changed, or why nothing is."""

    def __init__(self, title: str, intro: str, placeholder: str, ok_text: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(640)
        intro_label = QLabel(intro)
        intro_label.setWordWrap(True)
        label = QLabel("&Note:")
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText(placeholder)
        self.note_edit.setAccessibleName("Note")
        label.setBuddy(self.note_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = QPushButton(ok_text)
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.note_edit.textChanged.connect(self._on_text_changed)
        self.note_edit.returnPressed.connect(self.accept)
        self._on_text_changed("")
        layout = QVBoxLayout(self)
        layout.addWidget(intro_label)
        layout.addWidget(label)
        layout.addWidget(self.note_edit)
        layout.addWidget(self.buttons)
        self.note_edit.setFocus()

    @property
    def note(self) -> str:
        return self.note_edit.text().strip()

    def _on_text_changed(self, text: str) -> None:
        self.ok_button.setEnabled(bool(text.strip()))

    def accept(self) -> None:
        if self.note:
            super().accept()
