"""The dispatcher's shift: starting, notes, ending with its handoff record, and the handoff
waiting for this dispatcher to acknowledge."""
from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog, QLabel, QMessageBox, QWidget

from dispatch_app.ui.backend import Backend, ShiftState
from dispatch_app.ui.clock import ViewerClock
from dispatch_app.ui.console.desk import Desk
from dispatch_app.ui.dialogs.handoff import HandoffDialog
from dispatch_app.ui.events import AppEvents
from dispatch_app.ui.messages import MessageBridge
from dispatch_app.ui.tasks import TaskRunner


class Shift(QObject):
    """Owns the status bar's shift label and the handoff dialog."""

    def __init__(self, *, label: QLabel, window: QWidget, desk: Desk, backend: Backend, tasks: TaskRunner,
                 events: AppEvents, messages: MessageBridge, clock: ViewerClock,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.label, self.window, self.desk, self.backend = label, window, desk, backend
        self.tasks, self.events, self.messages, self.clock = tasks, events, messages, clock
        self.state: ShiftState | None = None
        self.handoff_dialog: HandoffDialog | None = None
        events.technician_signed_in.connect(self._on_technician_signed_in)
        events.shifts_changed.connect(self._on_shifts_changed)
        events.changes_arrived.connect(self._on_changes_arrived)
        events.database_restored.connect(self.refresh_shift)

    def refresh_shift(self) -> None:
        if not self.backend.has_shifts or not self.desk.database_ok:
            return
        tech = self.desk.actor.id

        def done(state: ShiftState) -> None:
            announce = (state.waiting is not None and (self.state is None or self.state.waiting is None
                                                       or self.state.waiting.id != state.waiting.id))
            self.state = state
            self._show(state)
            if announce and tech is not None:
                who = self.desk.tech_name(state.waiting.dispatcher)
                self.messages.info(f"{who}'s handoff waits for your acknowledgement: Ctrl+Shift+H.")
        self.tasks.run(lambda: self.backend.shift_state(tech, at=self.clock.now()), name="shift", on_done=done)

    def _show(self, state: ShiftState) -> None:
        parts = []
        if state.running is not None:
            parts.append(f"◷ Shift since {self.clock.time(state.running.start)}")
        elif self.desk.actor.id is not None:
            parts.append("No shift (Ctrl+Shift+S)")
        if state.waiting is not None:
            parts.append(f"✉ handoff from {self.desk.tech_name(state.waiting.dispatcher)} to acknowledge")
        self.label.setText(" · ".join(parts))
        self.label.setToolTip("Shift menu: start Ctrl+Shift+S, note Ctrl+Shift+M, end Ctrl+Shift+E, "
                              "handoff Ctrl+Shift+H")

    def _on_technician_signed_in(self, actor) -> None:
        self.refresh_shift()

    def _on_shifts_changed(self, change) -> None:
        self.refresh_shift()

    def _on_changes_arrived(self, changes) -> None:
        if changes.shifts_changed or changes.reset:
            self.refresh_shift()

    def write(self, name: str, work, done_text: str) -> None:
        def done(change) -> None:
            self.messages.info(done_text)
            self.events.shifts_changed.emit(change)
        self.tasks.run(work, write=True, name=name, on_done=done)

    def start_shift(self) -> None:
        self.write("start shift", lambda: self.backend.start_shift(actor=self.desk.actor.id, at=self.clock.now()),
                   "Shift started: notes for the handoff with Ctrl+Shift+M.")

    def add_shift_note(self) -> None:
        text, ok = QInputDialog.getMultiLineText(self.window, "Shift note", "A note for the next dispatcher:")
        if ok and text.strip():
            self.write("shift note", lambda: self.backend.add_shift_note(
                actor=self.desk.actor.id, text=text, at=self.clock.now()), "Shift note added to your handoff.")

    def end_shift(self) -> None:
        answer = QMessageBox.question(self.window, "End your shift",
                                      "End your shift now and issue its handoff record? It cannot be edited after.",
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes:
            self.end_shift_now()

    def end_shift_now(self) -> None:
        self.write("end shift", lambda: self.backend.end_shift(actor=self.desk.actor.id, at=self.clock.now()),
                   "Shift ended: its handoff record is issued for the next dispatcher.")

    def show_handoff(self) -> None:
        """The handoff waiting for this dispatcher; else their own running shift's draft."""
        if not self.backend.has_shifts:
            return
        tech = self.desk.actor.id

        def read():
            state = self.backend.shift_state(tech, at=self.clock.now())
            if state.waiting is not None:
                return state, state.waiting, state.waiting_markdown
            shown = state.running
            if shown is None:
                return state, None, None
            return state, shown, self.backend.handoff_record(shown.id, at=self.clock.now())

        def done(result) -> None:
            state, shift, markdown = result
            self.state = state
            self._show(state)
            if shift is None:
                self.messages.info("No handoff waiting, and no shift of yours running (Ctrl+Shift+S starts one).")
                return
            waiting = shift.end is not None
            why = "" if waiting else "Your running shift, as of now: ending it (Ctrl+Shift+E) issues this record."
            if waiting and tech is None:
                why = "Sign in (Ctrl+Shift+U) to acknowledge it."
            dialog = HandoffDialog(shift.id, markdown, can_acknowledge=waiting and tech is not None, why_not=why,
                                   notes=shift.notes, parent=self.window)
            self.handoff_dialog = dialog
            dialog.acknowledged.connect(self._on_handoff_acknowledged)
            dialog.open()
        self.tasks.run(read, name="handoff", on_done=done)

    def _on_handoff_acknowledged(self, shift_id: int, comment: str) -> None:
        self.write("acknowledge", lambda: self.backend.acknowledge_handoff(
            actor=self.desk.actor.id, shift_id=shift_id, at=self.clock.now(), comment=comment or None),
            f"Handoff of shift {shift_id} acknowledged.")
