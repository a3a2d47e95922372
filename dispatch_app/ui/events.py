"""The one object that carries "something happened" from the services to the views.

Each view connects to the signals it cares about and decides itself what to refresh. The
change feed from other workstations arrives through the same signals.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal


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
