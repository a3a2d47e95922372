"""The console's window: queue | call | client environment, a status bar, the banners.

A shell: it lays out the panes, keeps their layout, shows the status bar's messages and the
clock, and hosts the controllers app.py built on its widgets (:mod:`dispatch_app.ui.console`).
Its menus, shortcuts, palette and shortcut sheet come from one command table. It decides
nothing about calls, shifts, sign-in or the database itself.
"""
from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from datetime import datetime

from PySide6.QtCore import QByteArray, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QVBoxLayout, QWidget

from dispatch_app.domain.model import Environment
from dispatch_app.services.people import Actor
from dispatch_app.ui.alerts import DatabaseBanner, P1Banner
from dispatch_app.ui.clock import ViewerClock
from dispatch_app.ui.commands import Command, CommandTable
from dispatch_app.ui.console.desk import Desk, WorkstationSettings
from dispatch_app.ui.context import Context
from dispatch_app.ui.dialogs.command_palette import CommandPalette
from dispatch_app.ui.events import AppEvents
from dispatch_app.ui.messages import Level, Message, MessageBridge
from dispatch_app.ui.tasks import TaskRunner
from dispatch_app.ui.views.call_pane import CallPane
from dispatch_app.ui.views.environment_pane import EnvironmentPane
from dispatch_app.ui.views.queue_pane import QueuePane
from dispatch_app.ui.views.ringing_banner import RingingBanner


def _encode(data: QByteArray) -> str:
    return base64.b64encode(bytes(data.data())).decode("ascii")


def _decode(text: str) -> QByteArray:
    try:
        return QByteArray(base64.b64decode(text.encode("ascii")))
    except ValueError:
        return QByteArray()


class MainWindow(QMainWindow):
    """Signals:
        queue_loaded(): a whole read of the queue was applied (at start, after a reset or
            the database's return); the queue model holds its rows.
        environment_loaded(object): an environment read was applied (the Environment).
    """

    queue_loaded = Signal()
    environment_loaded = Signal(object)

    def __init__(self, *, desk: Desk, context: Context, tasks: TaskRunner, events: AppEvents,
                 messages: MessageBridge, settings: WorkstationSettings, clock: ViewerClock,
                 icon: QIcon | None = None, demo: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self._context, self.tasks, self.events, self.messages = desk, context, tasks, events, messages
        self.backend = context.backend
        self.settings, self.clock = settings, clock
        self.controllers: dict[str, QObject] = {}
        self.commands: CommandTable | None = None
        self.palette: CommandPalette | None = None
        self._last_minute: datetime | None = None

        self.setWindowTitle("Dispatch Console" + (" — DEMO" if demo else ""))
        if icon is not None:
            self.setWindowIcon(icon)

        self.queue_pane = QueuePane(clock)
        self.ringing_banner = RingingBanner()
        self.queue_pane.layout().insertWidget(0, self.ringing_banner)  # over the queue, in its pane
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
        self.p1_banner = P1Banner()
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

        self._restore_layout()
        self.events.environment_loaded.connect(self.environment_loaded)
        self.events.technician_signed_in.connect(self._on_technician_signed_in)
        self.tasks.task_started.connect(self._on_task_started)
        self.tasks.task_finished.connect(self._on_task_finished)
        self.messages.message_posted.connect(self._on_message_posted)

        self._ticker = QTimer(self, interval=1000)
        self._ticker.timeout.connect(self._tick)
        self._ticker.start()
        self._tick()
        self.messages.attach()

    # ------------------------------------------------------------ hosting

    def host(self, controllers: Mapping[str, QObject], commands: Sequence[Command]) -> None:
        """Take the controllers app.py built on this window's widgets and draw the menus,
        shortcuts and tooltips from ``commands`` (their handlers name these controllers)."""
        self.controllers = dict(controllers)
        queue = self.controllers.get("queue")
        if queue is not None and hasattr(queue, "queue_loaded"):
            queue.queue_loaded.connect(self.queue_loaded)
        call_work = self.controllers.get("call_work")
        self.commands = CommandTable(
            self, commands, {"shell": self, **self.controllers}, scopes={"call_pane": self.call_pane},
            selected_call=getattr(call_work, "selected", None), warn=self.messages.warning)
        self.commands.fill_menus(self.menuBar())
        self.commands.set_actor(self.desk.actor)

    def start(self) -> None:
        """Start every controller that has something to do at start, in the order hosted (the
        environment, and with it the sign-in, before the queue)."""
        for controller in self.controllers.values():
            start = getattr(controller, "start", None)
            if start is not None:
                start()

    @property
    def env(self) -> Environment | None:
        return self.desk.env

    @property
    def actor(self) -> Actor:
        return self.desk.actor

    def context(self) -> Context:
        """What the editor, schedule and review windows need, the signed-in actor read live."""
        return self._context

    def action(self, name: str) -> QAction:
        """The QAction of the command ``name`` (see :mod:`dispatch_app.ui.console.command_table`)."""
        assert self.commands is not None
        return self.commands.action(name)

    def all_actions(self) -> list[QAction]:
        return self.commands.actions() if self.commands is not None else []

    def command_palette(self) -> None:
        self.palette = CommandPalette(self.commands.rows(), parent=self)
        self.palette.open()

    def shortcut_sheet(self) -> None:
        self.palette = CommandPalette(self.commands.rows(), sheet=True, parent=self)
        self.palette.open()

    # ------------------------------------------------------------ the status bar

    def _on_technician_signed_in(self, actor: Actor) -> None:
        if self.commands is not None:
            self.commands.set_actor(actor)

    def _on_message_posted(self, message: Message) -> None:
        prefix = {Level.INFO: "", Level.WARNING: "⚠ ", Level.ERROR: "✖ "}[message.level]
        self.statusBar().showMessage(prefix + message.text, 15000 if message.level is not Level.INFO else 8000)

    def _on_task_started(self, name: str) -> None:
        self.busy_label.setText("saving…" if self.tasks.pending_writes else "")

    def _on_task_finished(self, name: str) -> None:
        self.busy_label.setText("saving…" if self.tasks.pending_writes else "")

    def _tick(self) -> None:
        now = self.clock.now()
        self.clock_label.setText(f"Your time: {self.clock.local(now).strftime('%a %d %b %H:%M:%S')} {self.clock.zone_name}")
        minute = now.replace(second=0, microsecond=0)
        if minute != self._last_minute:
            first = self._last_minute is None
            self._last_minute = minute
            if not first:
                self.events.minute_passed.emit(now)

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

    def stop_timers(self) -> None:
        self._ticker.stop()
        for controller in self.controllers.values():
            stop = getattr(controller, "stop", None)
            if stop is not None:
                stop()

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
