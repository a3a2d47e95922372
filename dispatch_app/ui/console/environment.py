"""The client environment pane and the environment itself: reading it, following the client
the other panes name, importing and exporting bundles."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget

from dispatch_app.domain.model import Environment
from dispatch_app.errors import DispatchError, NotFound
from dispatch_app.services.people import ANONYMOUS, Actor
from dispatch_app.ui.backend import Backend
from dispatch_app.ui.care.stale_marks import StaleMarks
from dispatch_app.ui.console.desk import Desk
from dispatch_app.ui.context import Context
from dispatch_app.ui.events import AppEvents
from dispatch_app.ui.messages import MessageBridge
from dispatch_app.ui.tasks import TaskRunner
from dispatch_app.ui.views.environment_pane import EnvironmentPane


class EnvironmentController(QObject):
    """Owns the environment pane and the bundle dialogs.

    ``sign_in`` is called after a load asked for it (at start; after an import while nobody is
    signed in): app.py hands in the sign-in's ``ensure_signed_in``.
    """

    def __init__(self, *, pane: EnvironmentPane, window: QWidget, desk: Desk, context: Context, backend: Backend,
                 tasks: TaskRunner, events: AppEvents, messages: MessageBridge,
                 sign_in: Callable[[], None] = lambda: None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pane, self.window, self.desk, self.context = pane, window, desk, context
        self.backend, self.tasks, self.events, self.messages = backend, tasks, events, messages
        self.sign_in = sign_in
        self.bundle_dialog: QWidget | None = None
        self._call_view = None
        self.stale_marks = StaleMarks(context, pane, parent=self)
        pane.client_picked.connect(events.client_chosen)
        events.client_chosen.connect(self._on_client_chosen)
        events.system_chosen.connect(self._on_system_chosen)
        events.environment_loaded.connect(self._on_environment_loaded)
        events.technician_signed_in.connect(self._on_technician_signed_in)
        events.call_shown.connect(self._on_call_shown)
        events.changes_arrived.connect(self._on_changes_arrived)
        events.database_restored.connect(self._on_database_restored)
        events.minute_passed.connect(self._on_minute_passed)

    def start(self) -> None:
        """Load the environment, then make sure somebody is signed in."""
        self.reload_environment(then_sign_in=True)

    def reload_environment(self, *, then_sign_in: bool = False) -> None:
        def loaded(env: Environment) -> None:
            self.events.environment_loaded.emit(env)
            if then_sign_in:
                self.sign_in()

        def failed(error: DispatchError) -> None:
            if isinstance(error, NotFound):
                self.pane.show_empty_database()
                self.messages.warning("The database holds no environment yet: import a bundle "
                                      "(File → Import environment…, Ctrl+I), or start with --demo.")
            else:
                self.desk.failed(error)
        self.tasks.run(self.backend.load_environment, name="load environment", on_done=loaded, on_error=failed)

    def focus(self) -> None:
        self.pane.tabs.currentWidget().setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.pane.tabs.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def choose_client(self) -> None:
        self.pane.focus_picker()

    def import_environment(self) -> None:
        from dispatch_app.ui.dialogs.bundle_dialog import BundleImportDialog

        dialog = self.bundle_dialog = BundleImportDialog(self.context, self.window)
        dialog.imported.connect(lambda _report: self.reload_environment(then_sign_in=self.desk.actor is ANONYMOUS))
        dialog.open()

    def export_environment(self) -> None:
        from dispatch_app.ui.dialogs.bundle_dialog import BundleExportDialog

        self.bundle_dialog = BundleExportDialog(self.context, self.window)
        self.bundle_dialog.open()

    # ------------------------------------------------------------ events

    def _show_call_client(self) -> None:
        """The pane shows the client of the call in the call pane, and only that one: an
        unmatched call shows no client's documentation at all."""
        view = self._call_view
        if view is None:
            return
        if view.call.client:
            self.events.client_chosen.emit(view.call.client)
        else:
            self.pane.show_unmatched(view.call.id)

    def _on_call_shown(self, view) -> None:
        self._call_view = view
        self._show_call_client()

    def _on_environment_loaded(self, env: Environment) -> None:
        self.pane.set_environment(env)
        if self._call_view is not None:
            self._show_call_client()
        elif self.pane.client is None and env.clients:
            self.events.client_chosen.emit(sorted(env.clients, key=lambda c: c.name.casefold())[0].id)

    def _on_client_chosen(self, client_id: str) -> None:
        self.pane.show_client(client_id)

    def _on_system_chosen(self, system_id: str) -> None:
        self.pane.select_system(system_id)

    def _on_technician_signed_in(self, actor: Actor) -> None:
        self.pane.set_viewer_level(actor.level)

    def _on_minute_passed(self, now) -> None:
        self.pane.refresh_times()

    def _on_changes_arrived(self, changes) -> None:
        if changes.reset or changes.environment_changed:
            self.reload_environment()

    def _on_database_restored(self) -> None:
        self.reload_environment()
