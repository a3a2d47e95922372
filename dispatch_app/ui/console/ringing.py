"""The ringing phone on the console: the banner over the queue, the environment pane on the
caller's client, and one key to take the call (the intake form filled with the ring)."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication

from dispatch_app.domain.ringing import banner_text
from dispatch_app.errors import DispatchError
from dispatch_app.ui.backend import Backend
from dispatch_app.ui.clock import ViewerClock
from dispatch_app.ui.console.desk import Desk
from dispatch_app.ui.events import AppEvents
from dispatch_app.ui.messages import MessageBridge
from dispatch_app.ui.tasks import TaskRunner
from dispatch_app.ui.views.ringing_banner import RingingBanner


class Ringing(QObject):
    """Owns the ringing banner. Rings arrive through the change feed (any workstation's, a
    phone system's, this console's own ``dispatch-app ringing``). ``take_call`` (app.py hands in
    the call work's) opens the intake form filled from a ring.

    Signals:
        ring_shown(object): a ring was put on the banner (the domain Ringing).
    """

    ring_shown = Signal(object)

    def __init__(self, *, banner: RingingBanner, desk: Desk, backend: Backend, tasks: TaskRunner, events: AppEvents,
                 messages: MessageBridge, clock: ViewerClock, take_call: Callable[[object], None] = lambda r: None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.banner, self.desk, self.backend, self.tasks = banner, desk, backend, tasks
        self.events, self.messages, self.clock, self.take_call = events, messages, clock, take_call
        self._dismissed: set[int] = set()
        banner.take_requested.connect(self._take)
        banner.dismiss_requested.connect(self._dismiss)
        events.changes_arrived.connect(self._on_changes_arrived)

    # ------------------------------------------------------------ commands

    def take_ringing(self) -> None:
        newest = self.banner.newest()
        if newest is None:
            self.messages.info("No phone is ringing.")
            return
        self._take(newest)

    def dismiss_ringing(self) -> None:
        newest = self.banner.newest()
        if newest is not None:
            self._dismiss(newest)

    def ring(self, phone: str, *, line: str | None = None, name: str | None = None, call_id: str | None = None,
             then: Callable[[object], None] | None = None, failed: Callable[[DispatchError], None] | None = None) -> None:
        """Keep a ring handed to this console (the local socket, a URL): the feed shows it."""
        at = self.clock.now()
        self.tasks.run(lambda: self.backend.record_ring(phone=phone, at=at, line=line, name=name, call_id=call_id),
                       write=True, name="ring", on_done=then or (lambda answer: None),
                       on_error=failed or self.desk.failed)

    # ------------------------------------------------------------ rings arriving

    def _on_changes_arrived(self, changes) -> None:
        ids = [i for i in getattr(changes, "ring_ids", ()) if i not in self._dismissed and not self.banner.shows(i)]
        if ids:
            env = self.desk.env
            self.tasks.run(lambda: self.backend.rings(ids, at=self.clock.now(), env=env), name="rings",
                           on_done=self._show, on_error=self.desk.failed)
        if changes.call_ids and self.banner.rows:
            shown = [r.ringing.ring for r in self.banner.rows]
            self.tasks.run(lambda: self.backend.rings_answered(shown), name="rings answered",
                           on_done=lambda taken: [self.banner.remove(i) for i in taken])

    def _show(self, shown) -> None:
        for ringing in reversed(shown):  # oldest first onto the banner: the newest ends on top
            if ringing.ring in self._dismissed or self.banner.shows(ringing.ring):
                continue
            self.banner.add(ringing, banner_text(ringing, self.clock.now()))
            self.ring_shown.emit(ringing)
        newest = self.banner.newest()
        if newest is not None and newest.client:
            self.events.client_chosen.emit(newest.client)
        if QApplication.activeModalWidget() is None:  # never out of a form being typed
            self.banner.setFocus(Qt.FocusReason.OtherFocusReason)

    def _take(self, ringing) -> None:
        self.banner.remove(ringing.ring)
        self.take_call(ringing)

    def _dismiss(self, ringing) -> None:
        self._dismissed.add(ringing.ring)
        self.banner.remove(ringing.ring)
