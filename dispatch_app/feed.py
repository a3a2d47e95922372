"""The change feed: what changed since a listener last looked, whoever wrote it, on any machine.

One mechanism, two ways of waking up:

- the question is always the same catch-up query: "what did writes numbered after my token
  touch?" (the change counter, with what triggers stamp: ``calls.changed_seq``,
  ``changes.environment_seq``, ``changes.shifts_seq``; migration 0003; ``rings.changed_seq``, 0009);
- on SQLite the feed polls the counter (one tiny query every ``poll_interval``, 250 ms);
- on PostgreSQL it LISTENs on ``dispatch_changes`` (every bump NOTIFYs at commit) and asks the
  same query when woken. LISTEN is set up before the counter is read, and a lost listening
  connection is reconnected and followed by the catch-up query, so nothing is missed across
  a reconnect; while it cannot listen it polls.

A token is a change number (an int). ``Feed(db).current()`` is "now"; ``changes_since(token)``
answers ``(new_token, ChangeSet)``; ``wait(token, timeout)`` blocks until something changed
after ``token`` (or the timeout) and answers the same; ``follow(callback)`` runs ``wait`` in a
daemon thread and calls ``callback(token, changes)`` from that thread for each non-empty set.

No Qt here: the console hands what arrives to its own thread.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import exc as sa_exc

from dispatch_app.errors import DispatchError
from dispatch_app.store import Database
from dispatch_app.store import feed_rows

log = logging.getLogger(__name__)

POLL_INTERVAL = 0.25
"""Seconds between two looks at the counter when there is no LISTEN (SQLite, or PostgreSQL
while its listening connection is down)."""


@dataclass(frozen=True)
class ChangeSet:
    """What changed between two tokens.

    ``call_ids``: calls recorded or changed (a new event on the timeline changes its call), in
    id order. ``environment_changed``: technicians, clients, systems, rotations, runbooks...
    ``shifts_changed``: shifts or handoff records. ``reset``: the database is not the one the
    token came from (its counter is behind the token): reload everything.
    """

    call_ids: tuple[int, ...] = ()
    environment_changed: bool = False
    shifts_changed: bool = False
    reset: bool = False
    ring_ids: tuple[int, ...] = ()
    """Rings kept (the phone rang: migration 0009), in id order."""

    def __bool__(self) -> bool:
        return (bool(self.call_ids) or self.environment_changed or self.shifts_changed or self.reset
                or bool(self.ring_ids))


NOTHING = ChangeSet()


class Feed:
    """The change feed of one database. ``changes_since`` and ``current`` may be called from
    any thread; one thread at a time calls ``wait`` (``follow`` runs that thread for you)."""

    def __init__(self, db: Database, *, poll_interval: float = POLL_INTERVAL) -> None:
        self.db = db
        self.poll_interval = poll_interval
        self._listener = _Listener(db) if db.dialect == "postgresql" else None
        self._closed = threading.Event()

    # ------------------------------------------------------------ questions

    def current(self) -> int:
        """The token of now: later writes are what ``wait`` reports. Database trouble
        raises :class:`DispatchError` (the console's banner), as in ``changes_since``."""
        try:
            with self.db.session() as session:
                return feed_rows.current_counter(session)
        except (sa_exc.OperationalError, sa_exc.InterfaceError) as error:
            raise self._unreachable(error) from error

    def _unreachable(self, error: Exception) -> DispatchError:
        return DispatchError(f"the change feed cannot read the database {self.db.display_url}: "
                             f"{type(getattr(error, 'orig', None) or error).__name__}. Check that it is reachable.")

    def changes_since(self, token: int) -> tuple[int, ChangeSet]:
        """``(new_token, what changed after token up to new_token)``; one cheap query when
        nothing changed, three in one snapshot when something did."""
        try:
            with self.db.session(read_only=True) as session:
                counter = feed_rows.current_counter(session)
                if counter == token:
                    return token, NOTHING
                if counter < token:
                    return counter, ChangeSet(environment_changed=True, shifts_changed=True, reset=True)
                state = feed_rows.feed_state(session)
                ids = feed_rows.calls_changed(session, token, state.counter)
                rings = feed_rows.rings_changed(session, token, state.counter)
        except (sa_exc.OperationalError, sa_exc.InterfaceError) as error:
            raise self._unreachable(error) from error  # the cause tells the console it is the database
        return state.counter, ChangeSet(tuple(ids), state.environment_seq > token, state.shifts_seq > token,
                                        ring_ids=tuple(rings))

    def wait(self, token: int, timeout: float) -> tuple[int, ChangeSet]:
        """Block until something changed after ``token`` or ``timeout`` seconds passed (then
        ``(token, NOTHING)``). Database trouble raises :class:`DispatchError`."""
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            listening = self._listener is not None and self._listener.ensure()
            new_token, changes = self.changes_since(token)  # after LISTEN: a bump now still wakes us
            if changes or new_token != token:
                return new_token, changes
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._closed.is_set():
                return token, NOTHING
            if listening:
                self._listener.wait(remaining)  # type: ignore[union-attr]
            else:
                self._closed.wait(min(self.poll_interval, remaining))

    def follow(self, callback: Callable[[int, ChangeSet], None], *, start: int | None = None,
               on_error: Callable[[DispatchError], None] | None = None) -> "Following":
        """Call ``callback(token, changes)`` from a daemon thread for every change after
        ``start`` (default: now). ``on_error`` hears database trouble (it keeps trying)."""
        following = Following(self, callback, self.current() if start is None else start, on_error)
        following.start()
        return following

    def close(self) -> None:
        self._closed.set()
        if self._listener is not None:
            self._listener.close()


class Following:
    """A thread running :meth:`Feed.wait` in a loop; ``stop()`` ends it within a second."""

    def __init__(self, feed: Feed, callback: Callable[[int, ChangeSet], None], token: int,
                 on_error: Callable[[DispatchError], None] | None) -> None:
        self.feed, self.callback, self.token, self.on_error = feed, callback, token, on_error
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="dispatch-feed", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                token, changes = self.feed.wait(self.token, timeout=1.0)
            except DispatchError as error:
                if self.on_error is not None:
                    self.on_error(error)
                self._stop.wait(1.0)
                continue
            except Exception:  # a bug: keep the console's feed alive, leave a trace
                log.exception("change feed failed; retrying")
                self._stop.wait(1.0)
                continue
            if changes:
                self.callback(token, changes)
            self.token = token


class _Listener:
    """A dedicated PostgreSQL connection (outside the pool) that LISTENs."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._connection = None  # the SQLAlchemy Connection, detached from the pool
        self._raw = None  # its psycopg connection
        self._retry_at = 0.0
        self._lock = threading.Lock()

    def ensure(self) -> bool:
        """True when listening (connecting when needed; after a failure, not before a second)."""
        with self._lock:
            if self._raw is not None and not self._raw.closed:
                return True
            self._drop()
            if time.monotonic() < self._retry_at:
                return False
            try:
                connection = self.db.engine.connect()
                raw = connection.connection.driver_connection
                connection.detach()  # LISTEN belongs to this connection only: never back in the pool
                raw.rollback()  # the pool's ping may have opened a transaction
                raw.autocommit = True
                raw.execute(feed_rows.listen_statement())
            except Exception as error:  # noqa: BLE001 - any failure means "poll for now"
                log.info("change feed: cannot LISTEN (%s: %s); polling until it can", type(error).__name__, error)
                self._retry_at = time.monotonic() + 1.0
                try:
                    connection.close()  # type: ignore[possibly-undefined]
                except Exception:  # noqa: BLE001
                    pass
                return False
            self._connection, self._raw = connection, raw
            return True

    def wait(self, timeout: float) -> None:
        """Return on a notification, after ``timeout``, or when the connection is lost."""
        raw = self._raw
        if raw is None:
            return
        try:
            for _ in raw.notifies(timeout=timeout, stop_after=1):
                break
        except Exception as error:  # noqa: BLE001 - a lost connection: reconnect on the next look
            log.info("change feed: listening connection lost (%s); reconnecting", type(error).__name__)
            with self._lock:
                self._drop()

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        if self._connection is not None:
            try:
                self._connection.invalidate()  # closes it without the pool's reset (it may be broken)
            except Exception:  # noqa: BLE001 - already broken
                pass
        self._connection = self._raw = None
