"""The call pane and the work on a call: taking a new one, the escalation's outcomes, notes,
resolving, the priority override, the client's authorization and assigning a client."""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from dispatch_app.errors import DispatchError
from dispatch_app.ui.backend import Backend
from dispatch_app.ui.clock import ViewerClock
from dispatch_app.ui.console.desk import Desk
from dispatch_app.ui.dialogs.call_actions import AssignDialog, AuthorizeDialog, PriorityDialog
from dispatch_app.ui.dialogs.intake_dialog import Draft, IntakeDialog
from dispatch_app.ui.events import AppEvents
from dispatch_app.ui.messages import MessageBridge
from dispatch_app.ui.tasks import TaskRunner
from dispatch_app.ui.views.call_pane import CallPane


class CallWork(QObject):
    """Owns the call pane, the intake dialog and the call actions' dialogs.

    It shows the call the queue selected (``call_selected``) or opened (``call_opened``), reads
    it again when the queue read it (``calls_read``), and says which call it shows
    (``call_shown``) for the environment pane to follow.
    """

    def __init__(self, *, pane: CallPane, window: QWidget, desk: Desk, backend: Backend, tasks: TaskRunner,
                 events: AppEvents, messages: MessageBridge, clock: ViewerClock,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pane, self.window, self.desk, self.backend = pane, window, desk, backend
        self.tasks, self.events, self.messages, self.clock = tasks, events, messages, clock
        self.draft = Draft()
        self._held: Draft | None = None
        self.intake: IntakeDialog | None = None
        self.call_dialog: QWidget | None = None
        self._busy = False
        self._again = False
        self._wanted: int | None = None
        pane.outcome_requested.connect(self._on_outcome_requested)
        events.environment_loaded.connect(self._on_environment_loaded)
        events.call_selected.connect(self._on_call_selected)
        events.call_opened.connect(self._on_call_opened)
        events.calls_read.connect(self._on_calls_read)
        events.minute_passed.connect(self._on_minute_passed)

    def selected(self):
        """The call shown (a services CallView), or None."""
        return self.pane._view

    def focus(self) -> None:
        self.pane.scroll.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def stop(self) -> None:
        if self.intake is not None:
            self.intake.stop_timers()

    # ------------------------------------------------------------ showing the call

    def show_call(self, call_id: int) -> None:
        if self._busy:
            self._again = True
            return
        self._busy = True

        def done(view) -> None:
            self._busy = False
            again, self._again = self._again, False
            wanted = self._wanted
            if wanted is None or wanted == view.call.id:  # not a call the dispatcher has left meanwhile
                self.pane.show_call(view)
                self.events.call_shown.emit(view)
            if again:
                self.show_call(wanted if wanted is not None else view.call.id)

        def failed(error: DispatchError) -> None:
            self._busy = False
            self._again = False
            self.desk.failed(error)
        self.tasks.run(lambda: self.backend.call_view(call_id, at=self.clock.now(), as_tech=self.desk.actor.id),
                       name="call", on_done=done, on_error=failed)

    def _on_call_selected(self, call_id: int) -> None:
        self._wanted = call_id
        if call_id != self.pane.call_id:
            self._busy = False
            self.show_call(call_id)

    def _on_call_opened(self, call_id: int) -> None:
        self._wanted = call_id
        self._busy = False
        self.show_call(call_id)

    def _on_calls_read(self, call_ids) -> None:
        if self.pane.call_id in call_ids:
            self.show_call(self.pane.call_id)

    def _on_environment_loaded(self, env) -> None:
        self.pane.set_environment(env)

    def _on_minute_passed(self, now) -> None:
        self.pane.refresh_times()

    # ------------------------------------------------------------ taking a call

    def new_call(self) -> None:
        if self.desk.env is None:
            self.messages.warning("The environment is not loaded yet.")
            return
        if self.intake is not None and self.intake.isVisible():
            self.intake.raise_()
            self.intake.activateWindow()
            return
        dialog = IntakeDialog(backend=self.backend, tasks=self.tasks, clock=self.clock, env=self.desk.env,
                              as_tech=self.desk.actor.id, draft=self.draft, parent=self.window)
        self.intake = dialog
        dialog.call_saved.connect(self.events.call_recorded)
        dialog.verdict_shown.connect(self._on_intake_verdict_shown)
        dialog.finished.connect(self._on_intake_finished)
        dialog.open()

    def take_ring(self, ringing) -> None:
        """The intake form filled from a ringing phone: caller, client, contact; the call keeps
        the ring's instant and call id. What was being typed before waits for the next Ctrl+N."""
        if self.intake is not None and self.intake.isVisible():
            self.intake.reject()
        if not self.draft.empty and self.draft.external_id is None:
            self._held = self.draft
        self.draft = Draft(phone=ringing.phone, client=ringing.client, caller_name=ringing.caller,
                           received_at=ringing.rang_at or ringing.at, external_id=ringing.external_id)
        self.new_call()

    def _on_intake_verdict_shown(self, triage) -> None:
        self.events.client_chosen.emit(triage.client)
        if triage.system:
            self.events.system_chosen.emit(triage.system)

    def _on_intake_finished(self, result: int) -> None:
        if self.intake is not None:
            self.draft = self.intake.draft
            held = self._held
            if held is not None and result == 1:  # the ring's call is saved: back to what was typed
                self.draft, self._held = held, None
        self.intake = None
        if self.pane._view is not None:  # the intake showed its caller's client: back to the call's
            self.events.call_shown.emit(self.pane._view)
        self.window.activateWindow()

    # ------------------------------------------------------------ the work on the call shown

    def _write(self, name: str, work, done_text: str) -> None:
        def done(change) -> None:
            self.messages.info(done_text)
            self.events.calls_changed.emit(change)
        self.tasks.run(work, write=True, name=name, on_done=done)

    def log_outcome(self, outcome: str) -> None:
        self.pane.request_outcome(outcome)

    def _on_outcome_requested(self, call_id: int, tech: str, outcome: str) -> None:
        self._write("attempt", lambda: self.backend.record_attempt(
            call_id=call_id, actor=self.desk.actor.id, tech=tech, outcome=outcome, at=self.clock.now()),
            f"Logged: {self.desk.tech_name(tech)} {outcome.replace('-', ' ')}.")

    def add_note(self) -> None:
        call_id = self.pane.call_id
        if call_id is None:
            self.messages.warning("Select a call first (Ctrl+1).")
            return
        text, ok = QInputDialog.getMultiLineText(self.window, f"Note on call #{call_id}", "Note:")
        if ok and text.strip():
            self._write("note", lambda: self.backend.add_note(call_id=call_id, actor=self.desk.actor.id, text=text,
                                                              at=self.clock.now()), "Note added.")

    def resolve_call(self) -> None:
        call_id = self.pane.call_id
        if call_id is None:
            self.messages.warning("Select a call first (Ctrl+1).")
            return
        note, ok = QInputDialog.getMultiLineText(self.window, f"Resolve call #{call_id}", "What fixed it?")
        if not ok or not note.strip():
            return
        answer = QMessageBox.question(
            self.window, "Runbook", "Should a runbook change, so that level 1 can fix this next time?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Cancel:
            return
        change = answer == QMessageBox.StandardButton.Yes
        self._write("resolve", lambda: self.backend.resolve(call_id=call_id, actor=self.desk.actor.id, note=note,
                                                            at=self.clock.now(), runbook_change=change),
                    f"Call #{call_id} resolved.")

    def _selected_view(self):
        view = self.pane._view
        if view is None:
            self.messages.warning("Select a call first (Ctrl+1).")
        return view

    def override_priority(self) -> None:
        view = self._selected_view()
        if view is None:
            return
        if view.call.client is None:
            self.messages.warning(f"Call #{view.call.id} has no client yet: assign one first (Ctrl+Shift+C).")
            return
        dialog = PriorityDialog(view.call.id, view.call.priority, self.window)
        self.call_dialog = dialog
        call_id = view.call.id

        def accepted() -> None:
            priority, why = dialog.priority.currentText(), dialog.why.text().strip()
            self._write("priority", lambda: self.backend.override_priority(
                actor=self.desk.actor.id, call_id=call_id, priority=priority, why=why, at=self.clock.now()),
                f"Call #{call_id} is now {priority}.")
        dialog.accepted.connect(accepted)
        dialog.open()

    def authorize_call(self) -> None:
        view = self._selected_view()
        if view is None:
            return
        env = self.desk.env
        client = env.client(view.call.client) if env and view.call.client else None
        if client is None:
            self.messages.warning(f"Call #{view.call.id} has no client yet: assign one first (Ctrl+Shift+C).")
            return
        dialog = AuthorizeDialog(view.call.id, client, self.window)
        self.call_dialog = dialog
        call_id = view.call.id

        def accepted() -> None:
            contact, note = dialog.contact.currentData(), dialog.note.text().strip() or None
            self._write("authorize", lambda: self.backend.authorize(
                actor=self.desk.actor.id, call_id=call_id, contact=contact, note=note, at=self.clock.now()),
                f"Call #{call_id}: authorized by {contact}.")
        dialog.accepted.connect(accepted)
        dialog.open()

    def assign_call(self) -> None:
        view = self._selected_view()
        if view is None or self.desk.env is None:
            return
        if view.call.client is not None:
            self.messages.warning(f"Call #{view.call.id} already belongs to a client.")
            return
        dialog = AssignDialog(view.call.id, self.desk.env, self.window)
        self.call_dialog = dialog
        call_id = view.call.id

        def accepted() -> None:
            client, system = dialog.client.currentData(), dialog.system.currentData()
            self._write("assign", lambda: self.backend.assign_client(
                actor=self.desk.actor.id, call_id=call_id, client=client, system=system, at=self.clock.now()),
                f"Call #{call_id} assigned to {dialog.client.currentText()}.")
        dialog.accepted.connect(accepted)
        dialog.open()
