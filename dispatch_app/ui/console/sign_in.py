"""Who works at this workstation: the sign-in at start, switching user, the status bar's line."""
from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QWidget

from dispatch_app.services.people import ANONYMOUS, Actor
from dispatch_app.ui.backend import Backend
from dispatch_app.ui.console.desk import Desk, WorkstationSettings
from dispatch_app.ui.dialogs.sign_in import SignInDialog
from dispatch_app.ui.events import AppEvents
from dispatch_app.ui.messages import MessageBridge
from dispatch_app.ui.tasks import TaskRunner
from dispatch_app.ui.wording import LEVEL_NAMES


class SignIn(QObject):
    """Owns the sign-in dialog and the status bar's "Signed in" label."""

    def __init__(self, *, label: QLabel, window: QWidget, desk: Desk, backend: Backend, tasks: TaskRunner,
                 events: AppEvents, messages: MessageBridge, settings: WorkstationSettings,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.label, self.window, self.desk, self.backend = label, window, desk, backend
        self.tasks, self.events, self.messages, self.settings = tasks, events, messages, settings
        self.dialog: SignInDialog | None = None
        events.technician_signed_in.connect(self._on_technician_signed_in)

    def ensure_signed_in(self) -> None:
        remembered = self.settings.get("signed_in_technician") or None
        env = self.desk.env
        if env is None:
            return
        if remembered and env.technician(remembered) is not None and env.technician(remembered).active:
            self._sign_in(remembered)
        elif env.technicians:
            self.switch_user()
        else:
            self.events.technician_signed_in.emit(ANONYMOUS)

    def switch_user(self) -> None:
        env = self.desk.env
        if env is None or not env.technicians:
            self.messages.warning("No technicians in the environment yet: import a bundle first.")
            return
        dialog = SignInDialog(list(env.technicians), self.desk.actor.id, self.window)
        dialog.setObjectName("sign_in")
        self.dialog = dialog
        dialog.finished.connect(self._on_sign_in_finished)
        dialog.open()

    def _on_sign_in_finished(self, result: int) -> None:
        dialog = self.dialog
        if result and dialog.chosen is not None:
            self._sign_in(dialog.chosen.id)
        elif self.desk.actor is ANONYMOUS:
            self.messages.info("Not signed in: you act as the anonymous level-1 dispatcher (Ctrl+Shift+U to sign in).")
            self.events.technician_signed_in.emit(ANONYMOUS)

    def _sign_in(self, tech_id: str) -> None:
        def signed(actor: Actor) -> None:
            self.settings.set("signed_in_technician", tech_id)
            self.events.technician_signed_in.emit(actor)
        self.tasks.run(lambda: self.backend.actor(tech_id), name="sign in", on_done=signed)

    def _on_technician_signed_in(self, actor: Actor) -> None:
        if actor.tech is None:
            self.label.setText("Not signed in (anonymous L1)")
        else:
            roles = ", ".join(actor.roles) or "no role"
            self.label.setText(f"Signed in: {actor.tech.name} · L{actor.level} {LEVEL_NAMES[actor.level]} · {roles}")
        self.label.setToolTip("Switch user: Ctrl+Shift+U")
