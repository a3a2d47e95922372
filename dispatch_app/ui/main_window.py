"""The console's window: queue | call | client environment, a status bar, a banner.

It wires the panes to the services through the task runner and the one AppEvents object;
it decides nothing about calls itself.
"""
from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from typing import Any, Protocol
from datetime import datetime

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QInputDialog,
    QMessageBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from dispatch_app.domain.model import Environment
from dispatch_app.errors import DispatchError, NotFound
from dispatch_app.services.people import ANONYMOUS, Actor
from dispatch_app.ui.alerts import Notifier, P1Banner
from dispatch_app.ui.backend import Backend, ShiftState
from dispatch_app.ui.care.stale_marks import StaleMarks
from dispatch_app.ui.clock import ViewerClock
from dispatch_app.ui.context import Context
from dispatch_app.ui.dialogs.call_actions import AssignDialog, AuthorizeDialog, PriorityDialog
from dispatch_app.ui.dialogs.command_palette import CommandPalette, shortcut_text
from dispatch_app.ui.dialogs.handoff import HandoffDialog
from dispatch_app.ui.dialogs.intake_settings import IntakeHost, IntakeSettingsDialog
from dispatch_app.ui.dialogs.intake_dialog import Draft, IntakeDialog
from dispatch_app.ui.dialogs.sign_in import SignInDialog
from dispatch_app.ui.events import AppEvents, FeedRelay, Subscribe
from dispatch_app.ui.messages import Level, Message, MessageBridge
from dispatch_app.ui.tasks import TaskRunner, is_database_problem
from dispatch_app.ui.views.call_pane import CallPane
from dispatch_app.ui.views.environment_pane import EnvironmentPane
from dispatch_app.ui.views.queue_pane import QueuePane
from dispatch_app.ui.wording import LEVEL_NAMES

log = logging.getLogger(__name__)
RETRY_SECONDS = (2, 4, 8, 15, 30)


class WorkstationSettings(Protocol):
    """What the window needs of ``dispatch_app.settings.Settings`` (handed in by app.py)."""

    def get(self, key: str) -> Any: ...

    def set(self, key: str, value: Any) -> None: ...


def _encode(data: QByteArray) -> str:
    return base64.b64encode(bytes(data.data())).decode("ascii")


def _decode(text: str) -> QByteArray:
    try:
        return QByteArray(base64.b64decode(text.encode("ascii")))
    except ValueError:
        return QByteArray()


class DatabaseBanner(QFrame):
    """"Database unreachable, retrying": shown while the database is away."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.text = QLabel("")
        self.text.setWordWrap(True)
        self.retry_button = QPushButton("Retry now")
        layout = QHBoxLayout(self)
        layout.addWidget(QLabel("⚠"))
        layout.addWidget(self.text, 1)
        layout.addWidget(self.retry_button)
        self.hide()


class MainWindow(QMainWindow):
    """Signals:
        queue_loaded(): a whole read of the queue was applied (at start, after a reset or
            the database's return); the queue model holds its rows.
        environment_loaded(object): an environment read was applied (the Environment).
    """

    queue_loaded = Signal()
    environment_loaded = Signal(object)

    def __init__(self, *, backend: Backend, tasks: TaskRunner, events: AppEvents, messages: MessageBridge,
                 settings: WorkstationSettings, clock: ViewerClock, apply_theme: Callable[[str, float], None] | None = None,
                 icon: QIcon | None = None, demo: bool = False, subscribe: Subscribe | None = None,
                 make_intake_server: Callable[[str, int], Any] | None = None, notifier: Notifier | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._subscribe = subscribe
        self._subscription: Any = None
        self._relay = FeedRelay(events, self)
        self.intake_host = IntakeHost(make_intake_server)
        self.notifier = notifier
        self.shift_state: ShiftState | None = None
        self._p1_seen: set[int] = set()
        self._queue_loaded = False
        self._call_again = False
        self.backend, self.tasks, self.events, self.messages = backend, tasks, events, messages
        self.settings, self.clock = settings, clock
        self._apply_theme = apply_theme or (lambda name, scale: None)
        self.env: Environment | None = None
        self.actor: Actor = ANONYMOUS
        self.draft = Draft()
        self._intake: IntakeDialog | None = None
        self._retry_step = 0
        self._last_minute: datetime | None = None
        self._database_ok = True
        self._lost_reason = ""
        self._demo = demo
        self._windows: dict[str, QWidget] = {}
        self.bundle_dialog: QWidget | None = None

        self.setWindowTitle("Dispatch Console" + (" — DEMO" if demo else ""))
        if icon is not None:
            self.setWindowIcon(icon)

        self.queue_pane = QueuePane(clock)
        self.call_pane = CallPane(clock)
        self.environment_pane = EnvironmentPane(clock)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.queue_pane)
        self.splitter.addWidget(self.call_pane)
        self.splitter.addWidget(self.environment_pane)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setSizes([560, 600, 560])

        self.banner = DatabaseBanner()
        self.banner.retry_button.clicked.connect(self._retry_database)
        self.p1_banner = P1Banner()
        self.p1_banner.open_button.clicked.connect(self.open_p1)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(self.p1_banner)
        column.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.clock_label = QLabel("")
        self.clock_label.setAccessibleName("Your time")
        self.user_label = QLabel("")
        self.database_label = QLabel("")
        self.busy_label = QLabel("")
        self.shift_label = QLabel("")
        self.shift_label.setAccessibleName("Your shift")
        self.intake_label = QLabel("")
        bar = self.statusBar()
        bar.addWidget(self.busy_label, 1)
        bar.addPermanentWidget(self.shift_label)
        bar.addPermanentWidget(self.intake_label)
        bar.addPermanentWidget(self.user_label)
        bar.addPermanentWidget(self.database_label)
        bar.addPermanentWidget(self.clock_label)

        self._build_actions()
        self._restore_layout()

        self.stale_marks = StaleMarks(self.context(), self.environment_pane, parent=self)
        self.environment_pane.client_picked.connect(self.events.client_chosen)
        self.events.client_chosen.connect(self._on_client_chosen)
        self.events.environment_loaded.connect(self._on_environment_loaded)
        self.events.technician_signed_in.connect(self._on_technician_signed_in)
        self.events.database_lost.connect(self._on_database_lost)
        self.events.database_restored.connect(self._on_database_restored)
        self.events.minute_passed.connect(self._on_minute_passed)
        self.tasks.task_failed.connect(self._on_task_failed)
        self.tasks.task_started.connect(self._on_task_started)
        self.tasks.task_finished.connect(self._on_task_finished)
        self.messages.message_posted.connect(self._on_message_posted)
        self.queue_pane.call_selected.connect(self._on_call_selected)
        self.call_pane.outcome_requested.connect(self._on_outcome_requested)
        self.events.call_recorded.connect(self._on_call_recorded)
        self.events.calls_changed.connect(self._on_calls_changed)
        self.events.changes_arrived.connect(self._on_changes_arrived)
        self.events.feed_failed.connect(self._on_task_failed)
        self.events.shifts_changed.connect(self._on_shifts_changed)
        self.events.p1_arrived.connect(self._on_p1_arrived)
        self._queue_busy = False
        self._queue_again = False
        self._call_busy = False
        self._subscribing = False

        self._retry_timer = QTimer(self, singleShot=True)
        self._retry_timer.timeout.connect(self._retry_database)
        self._countdown = QTimer(self, interval=1000)
        self._countdown.timeout.connect(self._update_banner_countdown)
        self._ticker = QTimer(self, interval=1000)
        self._ticker.timeout.connect(self._tick)
        self._ticker.start()
        self._tick()
        self._show_database_state()
        self.messages.attach()

    # ------------------------------------------------------------ start

    def start(self) -> None:
        """Load the environment, then make sure somebody is signed in; follow the change feed
        (subscribed before the queue is first read, so no write falls between the two)."""
        self.reload_environment(then_sign_in=True)
        if self._subscribe is None:
            self.refresh_queue()
            return
        self._follow_changes()

    def _follow_changes(self) -> None:
        """Subscribe to the change feed, then read the whole queue. The first look at the
        feed reads the database: when it cannot be reached, the banner says so and the
        subscription is made again once the database answers (``_on_database_restored``)."""
        if self._subscribe is None or self._subscription is not None or self._subscribing:
            return
        self._subscribing = True

        def subscribed(handle) -> None:
            self._subscribing = False
            if self._subscribe is None:  # closed meanwhile
                handle.stop()
                return
            self._subscription = handle
            self.refresh_queue()

        def failed(error: DispatchError) -> None:
            self._subscribing = False
            self._on_task_failed(error)
        subscribe = self._subscribe
        self.tasks.run(lambda: subscribe(self._relay.receive, self._relay.fail), name="follow changes",
                       on_done=subscribed, on_error=failed)

    def reload_environment(self, *, then_sign_in: bool = False) -> None:
        def loaded(env: Environment) -> None:
            self.events.environment_loaded.emit(env)
            if then_sign_in:
                self.ensure_signed_in()
        def failed(error: DispatchError) -> None:
            if isinstance(error, NotFound):
                self.environment_pane.show_empty_database()
                self.messages.warning("The database holds no environment yet: import a bundle "
                                      "(File → Import environment…, Ctrl+I), or start with --demo.")
            else:
                self._on_task_failed(error)
        self.tasks.run(self.backend.load_environment, name="load environment", on_done=loaded, on_error=failed)

    def ensure_signed_in(self) -> None:
        remembered = self.settings.get("signed_in_technician") or None
        env = self.env
        if env is None:
            return
        if remembered and env.technician(remembered) is not None and env.technician(remembered).active:
            self._sign_in(remembered)
        elif env.technicians:
            self.switch_user()
        else:
            self.events.technician_signed_in.emit(ANONYMOUS)

    def switch_user(self) -> None:
        if self.env is None or not self.env.technicians:
            self.messages.warning("No technicians in the environment yet: import a bundle first.")
            return
        dialog = SignInDialog(list(self.env.technicians), self.actor.id, self)
        dialog.setObjectName("sign_in")
        self.sign_in_dialog = dialog
        dialog.finished.connect(self._on_sign_in_finished)
        dialog.open()

    def _on_sign_in_finished(self, result: int) -> None:
        dialog = self.sign_in_dialog
        if result and dialog.chosen is not None:
            self._sign_in(dialog.chosen.id)
        elif self.actor is ANONYMOUS:
            self.messages.info("Not signed in: you act as the anonymous level-1 dispatcher (Ctrl+Shift+U to sign in).")
            self.events.technician_signed_in.emit(ANONYMOUS)

    def _sign_in(self, tech_id: str) -> None:
        def signed(actor: Actor) -> None:
            self.settings.set("signed_in_technician", tech_id)
            self.events.technician_signed_in.emit(actor)
        self.tasks.run(lambda: self.backend.actor(tech_id), name="sign in", on_done=signed)

    # ------------------------------------------------------------ actions

    def _action(self, text: str, shortcuts: list[str] | str, slot, tip: str, menu=None) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(s) for s in ([shortcuts] if isinstance(shortcuts, str) else shortcuts)])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        keys = shortcut_text(action)
        action.setToolTip(f"{tip} ({keys})" if keys else tip)
        action.setStatusTip(tip)
        action.triggered.connect(lambda checked=False: slot())
        self.addAction(action)
        if menu is not None:
            menu.addAction(action)
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.new_call_action = self._action("&New call…", "Ctrl+N", self.new_call,
                                            "Take a call: find the caller, see the verdict, save", file_menu)
        self.reload_action = self._action("&Reload environment", "F5", self.reload_environment,
                                          "Read the environment again from the database", file_menu)
        file_menu.addSeparator()
        self.switch_user_action = self._action("&Switch user…", "Ctrl+Shift+U", self.switch_user,
                                               "Sign in as another technician on this workstation", file_menu)
        file_menu.addSeparator()
        self.quit_action = self._action("&Quit", "Ctrl+Q", self.close, "Close the console", file_menu)

        view = bar.addMenu("&View")
        self.focus_queue_action = self._action("Go to &queue", "Ctrl+1", self.focus_queue, "Move to the queue", view)
        self.focus_call_action = self._action("Go to &call", "Ctrl+2", self.focus_call, "Move to the call", view)
        self.focus_client_action = self._action("Go to c&lient environment", "Ctrl+3", self.focus_client,
                                                "Move to the client's environment", view)
        self.choose_client_action = self._action("C&hoose client…", "Ctrl+L", self.environment_pane.focus_picker,
                                                 "Pick the client whose environment to show", view)
        view.addSeparator()
        self.theme_action = self._action("Switch &theme (dark / light)", "Ctrl+Shift+T", self.toggle_theme,
                                         "Dark for the night desk, light for daylight", view)
        self.larger_action = self._action("&Larger text", ["Ctrl++", "Ctrl+="], lambda: self.scale_text(1.1),
                                          "Make all text larger", view)
        self.smaller_action = self._action("&Smaller text", "Ctrl+-", lambda: self.scale_text(1 / 1.1),
                                           "Make all text smaller", view)
        self.reset_text_action = self._action("&Normal text size", "Ctrl+0", lambda: self.scale_text(None),
                                              "Back to the normal text size", view)

        call_menu = bar.addMenu("&Call")
        self.outcome_actions = {}
        for outcome, key, tip in (("acked", "A", "They acknowledged: they take the call"),
                                  ("no-answer", "N", "No answer: the wait starts"),
                                  ("voicemail", "V", "Left a voicemail: the wait starts"),
                                  ("declined", "D", "Declined: call the next person")):
            action = self._action(f"Log {outcome.replace('-', ' ')}", key,
                                  lambda outcome=outcome: self.call_pane.request_outcome(outcome), tip, call_menu)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.removeAction(action)
            self.call_pane.addAction(action)
            self.outcome_actions[outcome] = action
        call_menu.addSeparator()
        self.note_action = self._action("Add &note…", "Ctrl+Shift+N", self.add_note,
                                        "Write a note on the selected call's timeline", call_menu)
        self.resolve_action = self._action("&Resolve…", "Ctrl+R", self.resolve_call,
                                           "Resolve the selected call with a note", call_menu)
        call_menu.addSeparator()
        self.priority_action = self._action("Override &priority…", "Ctrl+Shift+P", self.override_priority,
                                            "Set the selected call's priority yourself, with why", call_menu)
        self.authorize_action = self._action("A&uthorized by the client…", "Ctrl+Shift+A", self.authorize_call,
                                             "A client authorizer approved billable work: a deferred call "
                                             "is escalated", call_menu)
        self.assign_action = self._action("Assign to a &client…", "Ctrl+Shift+C", self.assign_call,
                                          "Give an unmatched call its client (and system)", call_menu)
        call_menu.addSeparator()
        self.open_p1_action = self._action("&Go to the new P1", "Ctrl+G", self.open_p1,
                                           "Open the call the P1 banner announces", call_menu)

        environment_menu = bar.addMenu("&Environment")
        self.editor_action = self._action("&Edit environment…", "Ctrl+E", self.open_editor,
                                          "The lead's editor: clients, agreements, systems, runbooks, technicians, "
                                          "rotations, overrides and leave, with each record's history",
                                          environment_menu)
        self.schedules_action = self._action("S&chedules…", "Ctrl+Shift+O", self.open_schedules,
                                             "Who is on call, a week or a month at a time: overrides, leave, holes; "
                                             "iCalendar in and out", environment_menu)
        self.runbook_care_action = self._action("&Runbook care…", "Ctrl+Shift+B", self.open_runbook_care,
                                                "Stale runbooks to review, and the changes resolved calls asked for",
                                                environment_menu)
        environment_menu.addSeparator()
        self.import_action = self._action("&Import environment…", "Ctrl+I", self.import_environment,
                                          "Load an environment bundle: a dry run first, every problem with its path "
                                          "(needs the lead role, except into an empty database)", environment_menu)
        self.export_action = self._action("E&xport environment…", "Ctrl+Shift+X", self.export_environment,
                                          "Write the environment as a bundle", environment_menu)
        review_menu = bar.addMenu("Re&view")
        self.review_action = self._action("&Manager's review…", "Ctrl+Shift+R", self.open_review,
                                          "Handoffs to review, coverage gaps, knowledge risk, what-if for leave and "
                                          "swaps, response figures", review_menu)

        shift_menu = bar.addMenu("&Shift")
        self.start_shift_action = self._action("&Start my shift", "Ctrl+Shift+S", self.start_shift,
                                               "Start your shift: its handoff collects your notes", shift_menu)
        self.shift_note_action = self._action("Shift &note…", "Ctrl+Shift+M", self.add_shift_note,
                                              "A note for the next dispatcher, in your handoff", shift_menu)
        self.end_shift_action = self._action("&End my shift…", "Ctrl+Shift+E", self.end_shift,
                                             "End your shift and issue its handoff record", shift_menu)
        shift_menu.addSeparator()
        self.handoff_action = self._action("&Handoff record…", "Ctrl+Shift+H", self.show_handoff,
                                           "Read the last handoff and acknowledge it", shift_menu)

        settings_menu = bar.addMenu("Se&ttings")
        self.intake_settings_action = self._action("&Intake (calls by HTTP)…", "Ctrl+Shift+I", self.intake_settings,
                                                   "Start or stop the HTTP intake here; its port and token",
                                                   settings_menu)

        help_menu = bar.addMenu("&Help")
        self.palette_action = self._action("&Command palette…", "Ctrl+K", self.command_palette,
                                           "Find and run any action by name", help_menu)
        self.shortcuts_action = self._action("&Keyboard shortcuts", ["F1", "Ctrl+/"], self.shortcut_sheet,
                                             "Every action and its shortcut", help_menu)

    def all_actions(self) -> list[QAction]:
        return [a for a in (*self.actions(), *self.call_pane.actions()) if a.text()]

    def command_palette(self) -> None:
        self.palette = CommandPalette(self.all_actions(), parent=self)
        self.palette.open()

    def shortcut_sheet(self) -> None:
        self.palette = CommandPalette(self.all_actions(), sheet=True, parent=self)
        self.palette.open()

    def focus_queue(self) -> None:
        self.queue_pane.focus_list()

    def focus_call(self) -> None:
        self.call_pane.scroll.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_client(self) -> None:
        self.environment_pane.tabs.currentWidget().setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.environment_pane.tabs.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def toggle_theme(self) -> None:
        name = "light" if self.settings.get("theme") == "dark" else "dark"
        self.settings.set("theme", name)
        self._apply_theme(name, self.settings.get("font_scale"))
        self.events.theme_changed.emit(name)

    def scale_text(self, factor: float | None) -> None:
        scale = 1.0 if factor is None else max(0.7, min(2.0, self.settings.get("font_scale") * factor))
        self.settings.set("font_scale", round(scale, 2))
        self._apply_theme(self.settings.get("theme"), scale)

    # ------------------------------------------------------------ taking a call

    def new_call(self) -> None:
        if self.env is None:
            self.messages.warning("The environment is not loaded yet.")
            return
        if self._intake is not None and self._intake.isVisible():
            self._intake.raise_()
            self._intake.activateWindow()
            return
        dialog = IntakeDialog(backend=self.backend, tasks=self.tasks, clock=self.clock, env=self.env,
                              as_tech=self.actor.id, draft=self.draft, parent=self)
        self._intake = dialog
        dialog.call_saved.connect(self.events.call_recorded)
        dialog.verdict_shown.connect(self._on_intake_verdict_shown)
        dialog.finished.connect(self._on_intake_finished)
        dialog.open()

    def _on_intake_verdict_shown(self, triage) -> None:
        self.events.client_chosen.emit(triage.client)
        if triage.system:
            self.environment_pane.select_system(triage.system)

    def _on_intake_finished(self, result: int) -> None:
        if self._intake is not None:
            self.draft = self._intake.draft
        self._intake = None
        self._show_call_client()  # the intake showed its caller's client: back to the call's
        self.activateWindow()

    # ------------------------------------------------------------ the lead's and the manager's windows

    def _show_window(self, name: str, make: Callable[[], QWidget]) -> QWidget:
        """One window of each kind, made on first use and brought to the front after."""
        window = self._windows.get(name)
        if window is None:
            window = self._windows[name] = make()
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def open_editor(self) -> QWidget:
        def make() -> QWidget:
            from dispatch_app.ui.editor import EditorWindow

            editor = EditorWindow(self.context(), self)
            editor.environment_changed.connect(lambda _saved: self.reload_environment())
            editor.what_if_requested.connect(self.what_if_leave)
            return editor
        return self._show_window("editor", make)

    def open_schedules(self) -> QWidget:
        from dispatch_app.ui.schedule import ScheduleWindow

        return self._show_window("schedules", lambda: ScheduleWindow(self.context(), self))

    def open_runbook_care(self) -> QWidget:
        from dispatch_app.ui.care import RunbookCareWindow

        return self._show_window("runbook_care", lambda: RunbookCareWindow(self.context(), self))

    def open_review(self) -> QWidget:
        from dispatch_app.ui.review import ReviewWindow

        return self._show_window("review", lambda: ReviewWindow(self.context(), self))

    def what_if_leave(self, tech: str, start, end) -> QWidget:
        """The manager's what-if on leave of ``tech`` over [start, end), checked at once."""
        review = self.open_review()
        review.try_leave(tech, start, end)  # type: ignore[attr-defined]
        return review

    def import_environment(self) -> None:
        from dispatch_app.ui.dialogs.bundle_dialog import BundleImportDialog

        dialog = self.bundle_dialog = BundleImportDialog(self.context(), self)
        dialog.imported.connect(lambda _report: self.reload_environment(then_sign_in=self.actor is ANONYMOUS))
        dialog.open()

    def export_environment(self) -> None:
        from dispatch_app.ui.dialogs.bundle_dialog import BundleExportDialog

        self.bundle_dialog = BundleExportDialog(self.context(), self)
        self.bundle_dialog.open()

    # ------------------------------------------------------------ calls

    def refresh_queue(self) -> None:
        """Read the whole queue (at start, after a reset or the database's return) and apply it
        keyed by id; between those, the change feed names the calls to read again."""
        if not self._database_ok:
            return
        if self._queue_busy:
            self._queue_again = True
            return
        self._queue_busy = True

        def done(rows) -> None:
            self._queue_busy = False
            self._apply_queue(rows, [], whole=True)
            if self._queue_again:
                self._queue_again = False
                self.refresh_queue()

        def failed(error: DispatchError) -> None:
            self._queue_busy = False
            self._on_task_failed(error)
        self.tasks.run(lambda: self.backend.queue(at=self.clock.now()), name="queue", on_done=done, on_error=failed)

    def refresh_calls(self, call_ids, then=None) -> None:
        """Read these calls again and update, insert or remove their rows (never a reset);
        the open call refreshes when it is one of them."""
        ids = list(call_ids)
        if not ids:
            return

        def done(result) -> None:
            rows, gone = result
            self._apply_queue(rows, gone, whole=False)
            if self.call_pane.call_id in ids:
                self.show_call(self.call_pane.call_id)
            if then is not None:
                then()
        self.tasks.run(lambda: self.backend.queue_rows(ids, at=self.clock.now()), name="calls", on_done=done)

    def _apply_queue(self, rows, gone, *, whole: bool) -> None:
        if whole:
            self.queue_pane.set_rows(rows)
        else:
            self.queue_pane.apply_changes(rows, gone, self.backend.queue_order)
        fresh_p1 = [r for r in rows if r.priority == "P1" and not r.unmatched and r.id not in self._p1_seen]
        first_load = not self._queue_loaded
        self._queue_loaded = True
        for row in fresh_p1:
            self._p1_seen.add(row.id)
            if not first_load:
                self.events.p1_arrived.emit(row)
        if whole:
            self.queue_loaded.emit()

    def show_call(self, call_id: int) -> None:
        if self._call_busy:
            self._call_again = True
            return
        self._call_busy = True

        def done(view) -> None:
            self._call_busy = False
            again, self._call_again = self._call_again, False
            wanted = self.queue_pane.selected_call()
            if wanted is None or wanted == view.call.id:  # not a call the dispatcher has left meanwhile
                self.call_pane.show_call(view)
                self._show_call_client()
            if again:
                self.show_call(wanted if wanted is not None else view.call.id)

        def failed(error: DispatchError) -> None:
            self._call_busy = False
            self._call_again = False
            self._on_task_failed(error)
        self.tasks.run(lambda: self.backend.call_view(call_id, at=self.clock.now(), as_tech=self.actor.id),
                       name="call", on_done=done, on_error=failed)

    def _show_call_client(self) -> None:
        """The environment pane shows the client of the call in the call pane, and only
        that one: an unmatched call shows no client's documentation at all."""
        view = self.call_pane._view
        if view is None:
            return
        if view.call.client:
            self.events.client_chosen.emit(view.call.client)
        else:
            self.environment_pane.show_unmatched(view.call.id)

    def _on_call_selected(self, call_id: int) -> None:
        if call_id != self.call_pane.call_id:
            self._call_busy = False
            self.show_call(call_id)

    def _on_call_recorded(self, recorded) -> None:
        self.messages.info(f"Call #{recorded.call.id} saved.")
        self._p1_seen.add(recorded.call.id)  # taken here: no alarm for the dispatcher who typed it

        def select() -> None:
            self.queue_pane.select_call(recorded.call.id)
            self._call_busy = False
            self.show_call(recorded.call.id)
        self.refresh_calls([recorded.call.id], then=select)

    def _on_calls_changed(self, change) -> None:
        self.refresh_calls([change.call_id])

    def _on_changes_arrived(self, changes) -> None:
        """The change feed (any writer, this workstation included) on the main thread."""
        if changes.reset:
            self.refresh_queue()
            self.reload_environment()
        elif changes.call_ids:
            self.refresh_calls(changes.call_ids)
        if changes.environment_changed and not changes.reset:
            self.reload_environment()
        if changes.shifts_changed or changes.reset:
            self.refresh_shift()

    # ------------------------------------------------------------ a new P1

    def _on_p1_arrived(self, row) -> None:
        client = self.env.client(row.client) if self.env and row.client else None
        name = client.name if client else (row.client or "unknown caller")
        text = f"NEW P1 · #{row.id} · {name} · “{row.summary}”"
        self.p1_banner.raise_for(row.id, text)
        if self.notifier is not None and self.settings.get("notify_new_p1"):
            self.notifier.notify("New P1: " + name, row.summary)

    def open_p1(self) -> None:
        call_id = self.p1_banner.call_id
        if call_id is None:
            self.messages.info("No new P1 waiting.")
            return
        self.p1_banner.dismiss()
        self.queue_pane.select_call(call_id)
        self.focus_call()

    # ------------------------------------------------------------ call actions

    def _selected_view(self):
        view = self.call_pane._view
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
        dialog = PriorityDialog(view.call.id, view.call.priority, self)
        self.call_dialog = dialog
        call_id = view.call.id

        def accepted() -> None:
            priority, why = dialog.priority.currentText(), dialog.why.text().strip()
            self._write("priority", lambda: self.backend.override_priority(
                actor=self.actor.id, call_id=call_id, priority=priority, why=why, at=self.clock.now()),
                f"Call #{call_id} is now {priority}.")
        dialog.accepted.connect(accepted)
        dialog.open()

    def authorize_call(self) -> None:
        view = self._selected_view()
        if view is None:
            return
        client = self.env.client(view.call.client) if self.env and view.call.client else None
        if client is None:
            self.messages.warning(f"Call #{view.call.id} has no client yet: assign one first (Ctrl+Shift+C).")
            return
        dialog = AuthorizeDialog(view.call.id, client, self)
        self.call_dialog = dialog
        call_id = view.call.id

        def accepted() -> None:
            contact, note = dialog.contact.currentData(), dialog.note.text().strip() or None
            self._write("authorize", lambda: self.backend.authorize(
                actor=self.actor.id, call_id=call_id, contact=contact, note=note, at=self.clock.now()),
                f"Call #{call_id}: authorized by {contact}.")
        dialog.accepted.connect(accepted)
        dialog.open()

    def assign_call(self) -> None:
        view = self._selected_view()
        if view is None or self.env is None:
            return
        if view.call.client is not None:
            self.messages.warning(f"Call #{view.call.id} already belongs to a client.")
            return
        dialog = AssignDialog(view.call.id, self.env, self)
        self.call_dialog = dialog
        call_id = view.call.id

        def accepted() -> None:
            client, system = dialog.client.currentData(), dialog.system.currentData()
            self._write("assign", lambda: self.backend.assign_client(
                actor=self.actor.id, call_id=call_id, client=client, system=system, at=self.clock.now()),
                f"Call #{call_id} assigned to {dialog.client.currentText()}.")
        dialog.accepted.connect(accepted)
        dialog.open()

    # ------------------------------------------------------------ the shift

    def refresh_shift(self) -> None:
        if not self.backend.has_shifts or not self._database_ok:
            return
        tech = self.actor.id

        def done(state: ShiftState) -> None:
            announce = (state.waiting is not None and (self.shift_state is None or self.shift_state.waiting is None
                                                       or self.shift_state.waiting.id != state.waiting.id))
            self.shift_state = state
            self._show_shift(state)
            if announce and tech is not None:
                who = self._tech_name(state.waiting.dispatcher)
                self.messages.info(f"{who}'s handoff waits for your acknowledgement: Ctrl+Shift+H.")
        self.tasks.run(lambda: self.backend.shift_state(tech, at=self.clock.now()), name="shift", on_done=done)

    def _tech_name(self, tech: str | None) -> str:
        found = self.env.technician(tech) if self.env and tech else None
        return found.name if found else (tech or "anonymous")

    def _show_shift(self, state: ShiftState) -> None:
        parts = []
        if state.running is not None:
            parts.append(f"◷ Shift since {self.clock.time(state.running.start)}")
        elif self.actor.id is not None:
            parts.append("No shift (Ctrl+Shift+S)")
        if state.waiting is not None:
            parts.append(f"✉ handoff from {self._tech_name(state.waiting.dispatcher)} to acknowledge")
        self.shift_label.setText(" · ".join(parts))
        self.shift_label.setToolTip("Shift menu: start Ctrl+Shift+S, note Ctrl+Shift+M, end Ctrl+Shift+E, "
                                    "handoff Ctrl+Shift+H")

    def _on_shifts_changed(self, change) -> None:
        self.refresh_shift()

    def _shift_write(self, name: str, work, done_text: str) -> None:
        def done(change) -> None:
            self.messages.info(done_text)
            self.events.shifts_changed.emit(change)
        self.tasks.run(work, write=True, name=name, on_done=done)

    def start_shift(self) -> None:
        self._shift_write("start shift", lambda: self.backend.start_shift(actor=self.actor.id, at=self.clock.now()),
                          "Shift started: notes for the handoff with Ctrl+Shift+M.")

    def add_shift_note(self) -> None:
        text, ok = QInputDialog.getMultiLineText(self, "Shift note", "A note for the next dispatcher:")
        if ok and text.strip():
            self._shift_write("shift note", lambda: self.backend.add_shift_note(
                actor=self.actor.id, text=text, at=self.clock.now()), "Shift note added to your handoff.")

    def end_shift(self) -> None:
        answer = QMessageBox.question(self, "End your shift",
                                      "End your shift now and issue its handoff record? It cannot be edited after.",
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes:
            self.end_shift_now()

    def end_shift_now(self) -> None:
        self._shift_write("end shift", lambda: self.backend.end_shift(actor=self.actor.id, at=self.clock.now()),
                          "Shift ended: its handoff record is issued for the next dispatcher.")

    def show_handoff(self) -> None:
        """The handoff waiting for this dispatcher; else their own running shift's draft."""
        if not self.backend.has_shifts:
            return
        tech = self.actor.id

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
            self.shift_state = state
            self._show_shift(state)
            if shift is None:
                self.messages.info("No handoff waiting, and no shift of yours running (Ctrl+Shift+S starts one).")
                return
            waiting = shift.end is not None
            why = "" if waiting else "Your running shift, as of now: ending it (Ctrl+Shift+E) issues this record."
            if waiting and tech is None:
                why = "Sign in (Ctrl+Shift+U) to acknowledge it."
            dialog = HandoffDialog(shift.id, markdown, can_acknowledge=waiting and tech is not None, why_not=why,
                                   notes=shift.notes, parent=self)
            self.handoff_dialog = dialog
            dialog.acknowledged.connect(self._on_handoff_acknowledged)
            dialog.open()
        self.tasks.run(read, name="handoff", on_done=done)

    def _on_handoff_acknowledged(self, shift_id: int, comment: str) -> None:
        self._shift_write("acknowledge", lambda: self.backend.acknowledge_handoff(
            actor=self.actor.id, shift_id=shift_id, at=self.clock.now(), comment=comment or None),
            f"Handoff of shift {shift_id} acknowledged.")

    # ------------------------------------------------------------ intake

    def intake_settings(self) -> None:
        dialog = IntakeSettingsDialog(self.intake_host, self.tasks, self.settings.get("intake_port"), self)
        self.intake_dialog = dialog
        dialog.server_started.connect(self._on_intake_server_started)
        dialog.server_stopped.connect(self._show_intake_state)
        dialog.open()

    def _on_intake_server_started(self, port: int) -> None:
        if self.intake_dialog.requested_port:
            self.settings.set("intake_port", port)
        self._show_intake_state()

    def _show_intake_state(self) -> None:
        if self.intake_host.running:
            self.intake_label.setText(f"Intake :{self.intake_host.server.port}")
            self.intake_label.setToolTip("The HTTP intake runs in this console (Ctrl+Shift+I)")
        else:
            self.intake_label.setText("")

    def _write(self, name: str, work, done_text: str) -> None:
        def done(change) -> None:
            self.messages.info(done_text)
            self.events.calls_changed.emit(change)
        self.tasks.run(work, write=True, name=name, on_done=done)

    def _on_outcome_requested(self, call_id: int, tech: str, outcome: str) -> None:
        name = self.env.technician(tech).name if self.env and self.env.technician(tech) else tech
        self._write("attempt", lambda: self.backend.record_attempt(
            call_id=call_id, actor=self.actor.id, tech=tech, outcome=outcome, at=self.clock.now()),
            f"Logged: {name} {outcome.replace('-', ' ')}.")

    def add_note(self) -> None:
        call_id = self.call_pane.call_id
        if call_id is None:
            self.messages.warning("Select a call first (Ctrl+1).")
            return
        text, ok = QInputDialog.getMultiLineText(self, f"Note on call #{call_id}", "Note:")
        if ok and text.strip():
            self._write("note", lambda: self.backend.add_note(call_id=call_id, actor=self.actor.id, text=text,
                                                              at=self.clock.now()), "Note added.")

    def resolve_call(self) -> None:
        call_id = self.call_pane.call_id
        if call_id is None:
            self.messages.warning("Select a call first (Ctrl+1).")
            return
        note, ok = QInputDialog.getMultiLineText(self, f"Resolve call #{call_id}", "What fixed it?")
        if not ok or not note.strip():
            return
        answer = QMessageBox.question(
            self, "Runbook", "Should a runbook change, so that level 1 can fix this next time?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Cancel:
            return
        change = answer == QMessageBox.StandardButton.Yes
        self._write("resolve", lambda: self.backend.resolve(call_id=call_id, actor=self.actor.id, note=note,
                                                            at=self.clock.now(), runbook_change=change),
                    f"Call #{call_id} resolved.")

    # ------------------------------------------------------------ events

    def _on_environment_loaded(self, env: Environment) -> None:
        self.env = env
        self.environment_pane.set_environment(env)
        self.call_pane.set_environment(env)
        self.queue_pane.model.set_environment(env)
        if self.call_pane._view is not None:
            self._show_call_client()
        elif self.environment_pane.client is None and env.clients:
            self.events.client_chosen.emit(sorted(env.clients, key=lambda c: c.name.casefold())[0].id)
        self.environment_loaded.emit(env)

    def _on_client_chosen(self, client_id: str) -> None:
        self.environment_pane.show_client(client_id)

    def _on_technician_signed_in(self, actor: Actor) -> None:
        self.actor = actor
        self.environment_pane.set_viewer_level(actor.level)
        if actor.tech is None:
            self.user_label.setText("Not signed in (anonymous L1)")
        else:
            roles = ", ".join(actor.roles) or "no role"
            self.user_label.setText(f"Signed in: {actor.tech.name} · L{actor.level} {LEVEL_NAMES[actor.level]} · {roles}")
        self.user_label.setToolTip("Switch user: Ctrl+Shift+U")
        self.refresh_shift()

    def _on_message_posted(self, message: Message) -> None:
        prefix = {Level.INFO: "", Level.WARNING: "⚠ ", Level.ERROR: "✖ "}[message.level]
        self.statusBar().showMessage(prefix + message.text, 15000 if message.level is not Level.INFO else 8000)

    def _on_task_started(self, name: str) -> None:
        self.busy_label.setText("saving…" if self.tasks.pending_writes else "")

    def _on_task_finished(self, name: str) -> None:
        self.busy_label.setText("saving…" if self.tasks.pending_writes else "")

    def _on_task_failed(self, error: DispatchError) -> None:
        if is_database_problem(error):
            self.events.database_lost.emit(str(error))
        else:
            self.messages.error("; ".join(error.problems))

    # ------------------------------------------------------------ the database going away

    def _on_database_lost(self, reason: str) -> None:
        if self._database_ok:
            self._retry_step = 0
            log.warning("database lost: %s", reason)
        self._database_ok = False
        self._lost_reason = reason
        self._show_database_state()
        self._schedule_retry()

    def _schedule_retry(self) -> None:
        seconds = RETRY_SECONDS[min(self._retry_step, len(RETRY_SECONDS) - 1)]
        self._retry_step += 1
        self._retry_timer.start(seconds * 1000)
        self._countdown.start()
        self._update_banner_countdown()

    def _update_banner_countdown(self) -> None:
        left = max(0, self._retry_timer.remainingTime() // 1000) if self._retry_timer.isActive() else 0
        when = f"retrying in {left} s" if self._retry_timer.isActive() else "retrying now…"
        self.banner.text.setText(f"Database unreachable, {when}. Nothing you typed is lost; you can keep "
                                 f"reading and typing.  ({self._lost_reason})")

    def _retry_database(self) -> None:
        self._retry_timer.stop()
        self._update_banner_countdown()
        self.tasks.run(self.backend.ping, name="reconnect",
                       on_done=lambda ok: self.events.database_restored.emit(),
                       on_error=lambda error: self._on_database_lost(str(error)))

    def _on_database_restored(self) -> None:
        self._database_ok = True
        self._retry_timer.stop()
        self._countdown.stop()
        self._show_database_state()
        self.messages.info("The database answers again.")
        self.reload_environment()
        if self._subscribe is not None and self._subscription is None:
            self._follow_changes()  # it failed at start: subscribe, then read the queue
        else:
            self.refresh_queue()
        self.refresh_shift()

    def _show_database_state(self) -> None:
        self.banner.setVisible(not self._database_ok)
        state = "✔ connected" if self._database_ok else "✖ unreachable"
        demo = "DEMO · " if self._demo else ""
        self.database_label.setText(f"{demo}DB {state}")
        self.database_label.setToolTip(self.backend.display_url)

    # ------------------------------------------------------------ time

    def _tick(self) -> None:
        now = self.clock.now()
        self.clock_label.setText(f"Your time: {self.clock.local(now).strftime('%a %d %b %H:%M:%S')} {self.clock.zone_name}")
        minute = now.replace(second=0, microsecond=0)
        if minute != self._last_minute:
            first = self._last_minute is None
            self._last_minute = minute
            if not first:
                self.events.minute_passed.emit(now)

    def _on_minute_passed(self, now: datetime) -> None:
        self.environment_pane.refresh_times()
        self.call_pane.refresh_times()
        self.queue_pane.model.refresh_all()

    # ------------------------------------------------------------ layout

    def _restore_layout(self) -> None:
        geometry = self.settings.get("window_geometry")
        if geometry:
            self.restoreGeometry(_decode(geometry))
        else:
            self.resize(1600, 960)
        state = self.settings.get("window_state")
        if state:
            self.restoreState(_decode(state))
        self._splitters_restored = False

    def _restore_splitters(self) -> None:
        """After the first show: a splitter restored before it has its real width rescales the
        saved sizes, so the panes would not come back where the dispatcher left them."""
        self._splitters_restored = True
        splitter = self.settings.get("main_splitter")
        if splitter:
            self.splitter.restoreState(_decode(splitter))
        systems = self.settings.get("environment_splitter")
        if systems:
            self.environment_pane.systems_splitter.restoreState(_decode(systems))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._splitters_restored:
            self._restore_splitters()

    def context(self) -> Context:
        """What the editor, schedule and review windows need, the signed-in actor read live."""
        return Context(self.backend, self.tasks, self.events, self.messages, self.clock, lambda: self.actor)

    def stop_timers(self) -> None:
        for timer in (self._ticker, self._retry_timer, self._countdown):
            timer.stop()
        self.p1_banner.dismiss()
        self._subscribe = None
        subscription, self._subscription = self._subscription, None
        if subscription is not None:
            subscription.stop()
        if self.intake_host.running:
            self.intake_host.stop()
        if self._intake is not None:
            self._intake.stop_timers()

    def save_layout(self) -> None:
        if not self._splitters_restored:
            return
        self.settings.set("window_geometry", _encode(self.saveGeometry()))
        self.settings.set("window_state", _encode(self.saveState()))
        self.settings.set("main_splitter", _encode(self.splitter.saveState()))
        self.settings.set("environment_splitter", _encode(self.environment_pane.systems_splitter.saveState()))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.stop_timers()
        super().closeEvent(event)
