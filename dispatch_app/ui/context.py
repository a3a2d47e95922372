"""What every console window needs from the application, in one value.

The dispatcher's main window builds it once; the lead tech's editor, the schedule and the
manager's review take it instead of reaching into the main window.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dispatch_app.services.people import Actor
from dispatch_app.ui.backend import Backend
from dispatch_app.ui.clock import ViewerClock
from dispatch_app.ui.events import AppEvents
from dispatch_app.ui.messages import MessageBridge
from dispatch_app.ui.tasks import TaskRunner


@dataclass(frozen=True)
class Context:
    backend: Backend
    """``backend.db`` is the database the services take."""
    tasks: TaskRunner
    """Every database call goes through ``tasks.run`` (``write=True`` for writes)."""
    events: AppEvents
    messages: MessageBridge
    clock: ViewerClock
    current_actor: Callable[[], Actor]
    """Who is signed in now (it changes when somebody else signs in)."""

    @property
    def actor(self) -> Actor:
        return self.current_actor()

    @property
    def actor_id(self) -> str | None:
        return self.current_actor().id
