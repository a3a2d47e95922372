"""Work off the UI thread: run this, then call that on the main thread.

Reads run on a small pool; writes go through one serialised worker, so two writes from this
workstation never race each other. Worker code never touches a widget: the callbacks run on
the main thread, delivered through a queued signal.

A :class:`DispatchError` goes to the task's ``on_error`` (or, without one, to
:attr:`TaskRunner.task_failed`); anything else is a bug and goes to ``sys.excepthook`` on the
main thread, which opens the crash dialog.
"""
from __future__ import annotations

import itertools
import logging
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from dispatch_app.errors import Conflict, DispatchError, NotAllowed, NotFound

log = logging.getLogger(__name__)


@dataclass
class Task:
    """A handle on submitted work; ``cancel()`` drops its result (the work itself finishes)."""

    id: int
    name: str
    write: bool
    on_done: Callable[[Any], None] | None = None
    on_error: Callable[[DispatchError], None] | None = None
    cancelled: bool = field(default=False)

    def cancel(self) -> None:
        self.cancelled = True


def is_database_problem(error: BaseException) -> bool:
    """Whether a DispatchError says the database is unreachable, busy or unwritable
    (as opposed to bad input or a refused role): the console then shows its banner and retries."""
    if not isinstance(error, DispatchError) or isinstance(error, (NotAllowed, NotFound, Conflict)):
        return False
    cause = error.__cause__
    if cause is not None and type(cause).__module__.split(".")[0] in ("sqlalchemy", "sqlite3", "psycopg"):
        return True
    text = str(error).lower()
    return any(p in text for p in ("cannot open the database", "cannot read the database",
                                   "lost the connection to the database",
                                   "cannot write to the database", "is busy (another program"))


class TaskRunner(QObject):
    """Signals:
        task_started(str): a task began (its name), for the busy indicator.
        task_finished(str): a task ended, with a result or an error.
        task_failed(object): a DispatchError no ``on_error`` took.
    """

    task_started = Signal(str)
    task_finished = Signal(str)
    task_failed = Signal(object)
    _delivered = Signal(object, object, object)  # task, result, error (crosses threads)

    def __init__(self, parent: QObject | None = None, *, readers: int = 3) -> None:
        super().__init__(parent)
        self._reads = ThreadPoolExecutor(max_workers=readers, thread_name_prefix="dispatch-read")
        self._writes = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dispatch-write")
        self._ids = itertools.count(1)
        self._pending: set[int] = set()
        self._pending_writes: set[int] = set()
        self._closed = False
        self._delivered.connect(self._on_delivered)

    @property
    def pending(self) -> int:
        return len(self._pending)

    @property
    def pending_writes(self) -> int:
        return len(self._pending_writes)

    def run(self, work: Callable[[], Any], *, on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[DispatchError], None] | None = None, write: bool = False,
            name: str = "") -> Task:
        """Run ``work()`` on a worker thread; then ``on_done(result)`` or ``on_error(error)``
        on the main thread. ``write=True`` queues it behind every earlier write."""
        task = Task(next(self._ids), name or getattr(work, "__name__", "task"), write, on_done, on_error)
        if self._closed:  # the console is closing: late timers ask for nothing
            task.cancel()
            return task
        self._pending.add(task.id)
        if write:
            self._pending_writes.add(task.id)
        self.task_started.emit(task.name)
        pool = self._writes if write else self._reads
        pool.submit(self._work, task, work)
        return task

    def shutdown(self) -> None:
        self._closed = True
        self._reads.shutdown(wait=True, cancel_futures=True)
        self._writes.shutdown(wait=True, cancel_futures=True)

    def _work(self, task: Task, work: Callable[[], Any]) -> None:  # on a worker thread
        try:
            result = work()
        except BaseException as error:  # delivered to the main thread, never lost
            self._delivered.emit(task, None, error)
        else:
            self._delivered.emit(task, result, None)

    @Slot(object, object, object)
    def _on_delivered(self, task: Task, result: Any, error: BaseException | None) -> None:
        self._pending.discard(task.id)
        self._pending_writes.discard(task.id)
        try:
            if task.cancelled:
                if error is not None and not isinstance(error, DispatchError):
                    log.error("cancelled task %s failed", task.name, exc_info=error)
                return
            try:
                if error is None:
                    if task.on_done is not None:
                        task.on_done(result)
                elif isinstance(error, DispatchError):
                    if task.on_error is not None:
                        task.on_error(error)
                    else:
                        self.task_failed.emit(error)
                else:
                    sys.excepthook(type(error), error, error.__traceback__)
            except RuntimeError as gone:
                if "already deleted" not in str(gone):
                    raise
                # The window that asked was closed while the work ran: nobody is left to tell.
                log.debug("task %s finished after its window was closed", task.name)
        finally:
            self.task_finished.emit(task.name)
