"""What every controller of the console reads: the environment, who is signed in, whether the
database answers, and the one way to report a failed task."""
from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import QObject

from dispatch_app.domain.model import Environment
from dispatch_app.errors import DispatchError
from dispatch_app.services.people import ANONYMOUS, Actor
from dispatch_app.ui.events import AppEvents
from dispatch_app.ui.messages import MessageBridge
from dispatch_app.ui.tasks import is_database_problem


class WorkstationSettings(Protocol):
    """What the console needs of ``dispatch_app.settings.Settings`` (handed in by app.py)."""

    def get(self, key: str) -> Any: ...

    def set(self, key: str, value: Any) -> None: ...


class Desk(QObject):
    """Built before the controllers, so its slots run first: when a controller hears that the
    environment loaded or somebody signed in, ``env`` and ``actor`` already say so."""

    def __init__(self, events: AppEvents, messages: MessageBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.events, self.messages = events, messages
        self.env: Environment | None = None
        self.actor: Actor = ANONYMOUS
        self.database_ok = True
        events.environment_loaded.connect(self._on_environment_loaded)
        events.technician_signed_in.connect(self._on_technician_signed_in)

    def _on_environment_loaded(self, env: Environment) -> None:
        self.env = env

    def _on_technician_signed_in(self, actor: Actor) -> None:
        self.actor = actor

    def failed(self, error: DispatchError) -> None:
        """A task's error: the database away raises the banner, anything else is a message."""
        if is_database_problem(error):
            self.events.database_lost.emit(str(error))
        else:
            self.messages.error("; ".join(error.problems))

    def tech_name(self, tech: str | None) -> str:
        found = self.env.technician(tech) if self.env and tech else None
        return found.name if found else (tech or "anonymous")
