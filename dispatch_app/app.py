"""The composition root: builds every object of the console and hands each its dependencies.

``dispatch-app`` without a subcommand calls :func:`run_console`. Nothing here parses the
command line; nothing elsewhere builds these objects or looks them up globally.
"""
from __future__ import annotations

import gc
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_log_path

from dispatch_app import logs
from dispatch_app.resources import resources_dir

APP_NAME = "dispatch-app"
log = logging.getLogger("dispatch_app")


def log_file() -> Path | None:
    """Set up logging to the user log directory; answers the file (None when it cannot be written).

    The file is private and holds no password (:mod:`dispatch_app.logs`)."""
    handler: logging.Handler
    try:
        handler, path = logs.file_handler(user_log_path(APP_NAME) / "dispatch-app.log")
    except OSError:
        handler, path = logging.StreamHandler(sys.stderr), None
        handler.setFormatter(logs.RedactingFormatter(logs.FORMAT))
    root = logging.getLogger("dispatch_app")
    if not any(isinstance(h, type(handler)) for h in root.handlers):
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def application_icon(resources: Path):
    from PySide6.QtGui import QIcon

    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        png = resources / "icons" / f"dispatch-app-{size}.png"
        if png.exists():
            icon.addFile(str(png))
    return icon


@dataclass
class Console:
    """Everything :func:`build_console` made (tests drive these)."""

    window: object
    backend: object
    tasks: object
    events: object
    messages: object
    settings: object
    clock: object
    feed: object = None
    queue: object = None
    call_work: object = None
    environment: object = None
    sign_in: object = None
    shift: object = None
    database_health: object = None
    intake_host: object = None
    p1_alert: object = None
    windows: object = None
    appearance: object = None
    ringing: object = None
    console_link: object = None


class _Subscription:
    """What the queue holds while it follows the feed; ``stop()`` ends the thread at once."""

    def __init__(self, feed, following) -> None:
        self.feed, self.following = feed, following

    def stop(self) -> None:
        self.feed.close()  # wakes the waiting thread now, not at its next one-second look
        self.following.stop()


def build_console(db_url: str | None, *, settings, clock=None, resources: Path | None = None,
                  apply_theme=None, demo: bool = False, follow_changes: bool = True,
                  settle_heap: bool = False, link_address: str | None = None) -> Console:
    """The window and its collaborators, not yet shown (the QApplication must exist).
    ``settle_heap``: tune the garbage collector once the first environment is in, as the
    console's own process does (:func:`_settle_heap_once`; tests keep Python's defaults).
    ``link_address``: the local socket other programs reach this console on (None: none)."""
    from dispatch_app.feed import Feed
    from dispatch_app.ui.alerts import Notifier
    from dispatch_app.ui.backend import Backend
    from dispatch_app.ui.clock import ViewerClock, system_now
    from dispatch_app.ui.events import AppEvents
    from dispatch_app.ui.messages import MessageBridge
    from dispatch_app.ui.tasks import TaskRunner

    resources = resources or resources_dir()
    viewer = ViewerClock(clock or system_now, settings.get("viewer_timezone"))
    backend = Backend.open(db_url or settings.get("database_url") or None)
    events = AppEvents()
    messages = MessageBridge()
    tasks = TaskRunner()
    feed = Feed(backend.db) if follow_changes else None

    def subscribe(on_changes, on_error):  # called on a worker: the first look reads the database
        following = feed.follow(lambda token, changes: on_changes(changes), on_error=on_error)
        return _Subscription(feed, following)

    def make_intake_server(host: str, port: int):
        from dispatch_app.intake.server import IntakeServer  # only when the intake is started here

        return IntakeServer(backend.db, host=host, port=port)

    icon = application_icon(resources)
    sound = resources / "sounds" / "new-p1.wav"
    window, controllers = _console_window(
        backend=backend, tasks=tasks, events=events, messages=messages, settings=settings, clock=viewer,
        apply_theme=apply_theme, icon=icon, demo=demo, subscribe=subscribe if feed is not None else None,
        make_intake_server=make_intake_server, notifier=Notifier(icon, sound), link_address=link_address)
    if settle_heap:
        window.environment_loaded.connect(_settle_heap_once)
    return Console(window, backend, tasks, events, messages, settings, viewer, feed, **controllers)


def _console_window(*, backend, tasks, events, messages, settings, clock, apply_theme, icon, demo, subscribe,
                    make_intake_server, notifier, link_address=None):
    """The main window, a shell, and the controllers it hosts, each built on the widgets it owns.

    The desk comes first and the database's health second: their slots run before the others',
    so a controller hearing an event reads the environment, the actor and the database's state
    as they are now. The environment starts before the queue (it signs somebody in)."""
    from dispatch_app.ui.console.appearance import Appearance
    from dispatch_app.ui.console.call_work import CallWork
    from dispatch_app.ui.console.console_link import ConsoleLink
    from dispatch_app.ui.console.command_table import MAIN_COMMANDS
    from dispatch_app.ui.console.database_health import DatabaseHealth
    from dispatch_app.ui.console.desk import Desk
    from dispatch_app.ui.console.environment import EnvironmentController
    from dispatch_app.ui.console.intake_host import IntakeHosting
    from dispatch_app.ui.console.p1_alert import P1Alert
    from dispatch_app.ui.console.queue import Queue
    from dispatch_app.ui.console.ringing import Ringing
    from dispatch_app.ui.console.shift import Shift
    from dispatch_app.ui.console.sign_in import SignIn
    from dispatch_app.ui.console.windows import OtherWindows
    from dispatch_app.ui.context import Context
    from dispatch_app.ui.main_window import MainWindow
    from dispatch_app.ui.single_instance import InstanceServer

    desk = Desk(events, messages)
    context = Context(backend, tasks, events, messages, clock, lambda: desk.actor)
    window = MainWindow(desk=desk, context=context, tasks=tasks, events=events, messages=messages,
                        settings=settings, clock=clock, icon=icon, demo=demo)
    desk.setParent(window)
    common = dict(desk=desk, backend=backend, tasks=tasks, events=events, messages=messages, parent=window)
    database_health = DatabaseHealth(banner=window.banner, label=window.database_label, demo=demo, **common)
    sign_in = SignIn(label=window.user_label, window=window, settings=settings, **common)
    environment = EnvironmentController(pane=window.environment_pane, window=window, context=context,
                                        sign_in=sign_in.ensure_signed_in, **common)
    queue = Queue(pane=window.queue_pane, clock=clock, subscribe=subscribe, **common)
    call_work = CallWork(pane=window.call_pane, window=window, clock=clock, **common)
    ringing = Ringing(banner=window.ringing_banner, clock=clock, take_call=call_work.take_ring, **common)
    ringing.ring_shown.connect(lambda _ring: window.panes.show("queue"))  # the banner is over the queue: in sight
    server = InstanceServer(link_address, window) if link_address else None
    console_link = ConsoleLink(window=window, server=server, ring=ringing.ring, parent=window)
    shift = Shift(label=window.shift_label, window=window, clock=clock, **common)
    p1_alert = P1Alert(banner=window.p1_banner, desk=desk, events=events, messages=messages, settings=settings,
                       notifier=notifier, focus_call=lambda: window.go_to("call"), parent=window)
    intake_host = IntakeHosting(label=window.intake_label, window=window, tasks=tasks, settings=settings,
                                make_intake_server=make_intake_server, parent=window)
    windows = OtherWindows(window=window, context=context, reload_environment=environment.reload_environment,
                           parent=window)
    appearance = Appearance(settings=settings, events=events, apply_theme=apply_theme, window=window,
                            parent=window)
    controllers = dict(database_health=database_health, sign_in=sign_in, environment=environment, queue=queue,
                       call_work=call_work, shift=shift, p1_alert=p1_alert, intake_host=intake_host,
                       windows=windows, appearance=appearance, ringing=ringing, console_link=console_link)
    window.host(controllers, MAIN_COMMANDS)
    return window, controllers


_heap_settled = False


def _settle_heap_once(_env=None) -> None:
    """Once the console holds its long-lived objects (widgets, the first environment), keep the
    garbage collector's passes off them: they move out of its full passes (``gc.freeze``) and
    a young pass waits for 50,000 new objects rather than 700. A large MSP's heap otherwise
    makes a read of tens of thousands of rows (a year of figures) pay for a full pass over
    the whole heap nearly every time. Cyclic garbage is still collected, a little later."""
    global _heap_settled
    if not _heap_settled:
        _heap_settled = True
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, *gc.get_threshold()[1:])


def run_console(db_url: str | None = None, demo: bool = False, *, clock=None, ring=None) -> int:
    """Open the console (the CLI's default command); answers the exit status. When a console
    already runs for this user and database, raise it instead (and hand it ``ring``, a
    RingRequest from a ``dispatch-app:`` URL)."""
    from dispatch_app.services import console_link

    db_url = db_url or os.environ.get("DISPATCH_DB") or None
    link = None if demo else db_url
    if not demo and console_link.send(link, {"command": "raise"}) is not None:
        if ring is not None:
            console_link.ring(link, ring)
        log.info("a console already runs for this database: raised it")
        return 0

    from PySide6.QtWidgets import QApplication

    from dispatch_app import settings as workstation
    from dispatch_app.ui import crash, theme
    from dispatch_app.ui.clock import system_now

    path = log_file()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Dispatch Console")
    app.setApplicationDisplayName("Dispatch Console")
    app.setOrganizationName("dispatch-app")
    app.setDesktopFileName(APP_NAME)
    crash.install(path)
    resources = resources_dir()
    app.setWindowIcon(application_icon(resources))
    settings = workstation.Settings(workstation.default_path(demo=demo))

    def apply_theme(name: str, scale: float) -> None:
        theme.apply(app, resources, name, scale)

    apply_theme(settings.get("theme"), settings.get("font_scale"))
    if demo:
        from dispatch_app.demo import build_demo_database

        db_url = build_demo_database(resources, (clock or system_now)())
    console = build_console(db_url, settings=settings, clock=clock, resources=resources, settle_heap=True,
                            apply_theme=apply_theme, demo=demo,
                            link_address=None if demo else console_link.address(link))
    console.window.show()
    console.window.start()
    if ring is not None:
        console.ringing.ring(ring.phone, line=ring.line, name=ring.name, call_id=ring.call_id)
    log.info("console started on %s", console.backend.display_url)
    try:
        return app.exec()
    finally:
        console.tasks.shutdown()
        console.backend.db.dispose()
