"""The queue: its whole read at start and after the database's return, the rows the change feed
names read again, and the P1 calls that appear while the console is open."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from dispatch_app.errors import DispatchError
from dispatch_app.ui.backend import Backend
from dispatch_app.ui.clock import ViewerClock
from dispatch_app.ui.console.desk import Desk
from dispatch_app.ui.events import AppEvents, FeedRelay, Subscribe
from dispatch_app.ui.messages import MessageBridge
from dispatch_app.ui.tasks import TaskRunner
from dispatch_app.ui.views.queue_pane import QueuePane


class Queue(QObject):
    """Owns the queue pane.

    Signals:
        queue_loaded(): a whole read of the queue was applied (at start, after a reset or
            the database's return); the queue model holds its rows.
    """

    queue_loaded = Signal()

    def __init__(self, *, pane: QueuePane, desk: Desk, backend: Backend, tasks: TaskRunner, events: AppEvents,
                 messages: MessageBridge, clock: ViewerClock, subscribe: Subscribe | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pane, self.desk, self.backend, self.tasks = pane, desk, backend, tasks
        self.events, self.messages, self.clock = events, messages, clock
        self._subscribe = subscribe
        self.subscription: Any = None
        self._relay = FeedRelay(events, self)
        self._p1_seen: set[int] = set()
        self.loaded = False
        self._busy = False
        self._again = False
        self._subscribing = False
        pane.call_selected.connect(events.call_selected)
        events.environment_loaded.connect(self._on_environment_loaded)
        events.call_recorded.connect(self._on_call_recorded)
        events.calls_changed.connect(self._on_calls_changed)
        events.changes_arrived.connect(self._on_changes_arrived)
        events.database_restored.connect(self._on_database_restored)
        events.minute_passed.connect(self._on_minute_passed)
        events.call_wanted.connect(self._on_call_wanted)

    def start(self) -> None:
        """Follow the change feed (subscribed before the queue is first read, so no write falls
        between the two); without a feed, read the queue once."""
        if self._subscribe is None:
            self.refresh_queue()
            return
        self._follow_changes()

    def focus(self) -> None:
        self.pane.focus_list()

    def stop(self) -> None:
        self._subscribe = None
        subscription, self.subscription = self.subscription, None
        if subscription is not None:
            subscription.stop()

    def _follow_changes(self) -> None:
        """Subscribe to the change feed, then read the whole queue. The first look at the
        feed reads the database: when it cannot be reached, the banner says so and the
        subscription is made again once the database answers (``_on_database_restored``)."""
        if self._subscribe is None or self.subscription is not None or self._subscribing:
            return
        self._subscribing = True

        def subscribed(handle) -> None:
            self._subscribing = False
            if self._subscribe is None:  # closed meanwhile
                handle.stop()
                return
            self.subscription = handle
            self.refresh_queue()

        def failed(error: DispatchError) -> None:
            self._subscribing = False
            self.desk.failed(error)
        subscribe = self._subscribe
        self.tasks.run(lambda: subscribe(self._relay.receive, self._relay.fail), name="follow changes",
                       on_done=subscribed, on_error=failed)

    def refresh_queue(self) -> None:
        """Read the whole queue (at start, after a reset or the database's return) and apply it
        keyed by id; between those, the change feed names the calls to read again."""
        if not self.desk.database_ok:
            return
        if self._busy:
            self._again = True
            return
        self._busy = True

        def done(rows) -> None:
            self._busy = False
            self._apply(rows, [], whole=True)
            if self._again:
                self._again = False
                self.refresh_queue()

        def failed(error: DispatchError) -> None:
            self._busy = False
            self.desk.failed(error)
        self.tasks.run(lambda: self.backend.queue(at=self.clock.now()), name="queue", on_done=done, on_error=failed)

    def refresh_calls(self, call_ids, then=None) -> None:
        """Read these calls again and update, insert or remove their rows (never a reset);
        ``calls_read`` then tells the call pane's owner which calls were read."""
        ids = list(call_ids)
        if not ids:
            return

        def done(result) -> None:
            rows, gone = result
            self._apply(rows, gone, whole=False)
            self.events.calls_read.emit(ids)
            if then is not None:
                then()
        self.tasks.run(lambda: self.backend.queue_rows(ids, at=self.clock.now()), name="calls", on_done=done)

    def _apply(self, rows, gone, *, whole: bool) -> None:
        if whole:
            self.pane.set_rows(rows)
        else:
            self.pane.apply_changes(rows, gone, self.backend.queue_order)
        fresh_p1 = [r for r in rows if r.priority == "P1" and not r.unmatched and r.id not in self._p1_seen]
        first_load = not self.loaded
        self.loaded = True
        for row in fresh_p1:
            self._p1_seen.add(row.id)
            if not first_load:
                self.events.p1_arrived.emit(row)
        if whole:
            self.queue_loaded.emit()

    def _on_environment_loaded(self, env) -> None:
        self.pane.model.set_environment(env)

    def _on_minute_passed(self, now) -> None:
        self.pane.model.refresh_all()

    def _on_call_wanted(self, call_id: int) -> None:
        self.pane.select_call(call_id)

    def _on_call_recorded(self, recorded) -> None:
        self.messages.info(f"Call #{recorded.call.id} saved.")
        self._p1_seen.add(recorded.call.id)  # taken here: no alarm for the dispatcher who typed it

        def select() -> None:
            self.pane.select_call(recorded.call.id)
            self.events.call_opened.emit(recorded.call.id)
        self.refresh_calls([recorded.call.id], then=select)

    def _on_calls_changed(self, change) -> None:
        self.refresh_calls([change.call_id])

    def _on_changes_arrived(self, changes) -> None:
        """The change feed (any writer, this workstation included) on the main thread."""
        if changes.reset:
            self.refresh_queue()
        elif changes.call_ids:
            self.refresh_calls(changes.call_ids)

    def _on_database_restored(self) -> None:
        if self._subscribe is not None and self.subscription is None:
            self._follow_changes()  # it failed at start: subscribe, then read the queue
        else:
            self.refresh_queue()
