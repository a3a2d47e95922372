"""The one object that carries "something happened" from the services to the views.

Each view connects to the signals it cares about and decides itself what to refresh. The
change feed from other workstations arrives through the same signals.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal


class AppEvents(QObject):
    """Application-wide events, all named in the past tense.

    Signals:
        environment_loaded(Environment): a fresh snapshot of the environment was read.
        technician_signed_in(Actor): the workstation's user changed (or was first chosen).
        client_chosen(str): a client id the panes should show (from the queue, intake, picker).
        call_recorded(object): a call was saved (the services' RecordedCall).
        calls_changed(object): calls changed (ids), here or on another workstation.
        database_lost(str): the database could not be reached; the message says why.
        database_restored(): the database answers again after a loss.
        theme_changed(str): the theme was switched ("dark" or "light").
        minute_passed(datetime): the console's clock crossed a minute (countdowns, "now" columns).
        changes_arrived(ChangeSet): the change feed saw writes (any workstation's, this one's too).
        feed_failed(DispatchError): the change feed cannot read the database (it keeps trying).
        shifts_changed(object): a shift or handoff record changed here (the services' value).
        p1_arrived(QueueRow): a P1 call appeared in the queue while the console was open.
        call_selected(int): the dispatcher selected a call in the queue.
        call_wanted(int): a call should be selected in the queue (the P1 banner's).
        call_opened(int): a call should be shown now, even while another read is under way
            (the call just saved here).
        calls_read(list): the queue read these calls again (the call shown may be one).
        call_shown(CallView): the call pane shows this call (the environment pane follows).
        system_chosen(str): a system id the environment pane should show (the intake's).
    """

    environment_loaded = Signal(object)
    technician_signed_in = Signal(object)
    client_chosen = Signal(str)
    call_recorded = Signal(object)
    calls_changed = Signal(object)
    database_lost = Signal(str)
    database_restored = Signal()
    theme_changed = Signal(str)
    minute_passed = Signal(object)
    changes_arrived = Signal(object)
    feed_failed = Signal(object)
    shifts_changed = Signal(object)
    p1_arrived = Signal(object)
    call_selected = Signal(int)
    call_wanted = Signal(int)
    call_opened = Signal(int)
    calls_read = Signal(object)
    call_shown = Signal(object)
    system_chosen = Signal(str)


Subscribe = Callable[[Callable[[Any], None], Callable[[Any], None]], Any]
"""``subscribe(on_changes, on_error) -> handle with stop()``: what app.py hands the window so it
hears the change feed (both callbacks are called from the feed's own thread)."""


class FeedRelay(QObject):
    """Carries the change feed from its thread onto the main thread, into :class:`AppEvents`.

    ``receive`` and ``fail`` are called from the feed thread; they only emit a signal, which a
    queued connection delivers on the main thread. Nothing here reads the database.
    """

    _received = Signal(object)
    _failed = Signal(object)

    def __init__(self, events: AppEvents, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._received.connect(events.changes_arrived, Qt.ConnectionType.QueuedConnection)
        self._failed.connect(events.feed_failed, Qt.ConnectionType.QueuedConnection)

    def receive(self, changes: Any) -> None:  # on the feed thread
        try:
            self._received.emit(changes)
        except RuntimeError:  # the window is gone while the feed stops
            pass

    def fail(self, error: Any) -> None:  # on the feed thread
        try:
            self._failed.emit(error)
        except RuntimeError:
            pass
