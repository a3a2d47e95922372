"""What the change feed reads: the counters on the ``changes`` row and the calls stamped after
a change number (migration 0003 keeps both, with triggers)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch_app.store.tables import CallRow, ChangeRow, RingRow

CHANNEL = "dispatch_changes"
"""The PostgreSQL NOTIFY channel a bump of the counter speaks on (payload: the new counter)."""


@dataclass(frozen=True)
class FeedState:
    counter: int
    environment_seq: int
    """The change number of the last write to any environment table."""
    shifts_seq: int
    """The change number of the last write to shifts or handoff records."""


def feed_state(session: Session) -> FeedState:
    row = session.execute(select(ChangeRow.counter, ChangeRow.environment_seq, ChangeRow.shifts_seq)
                          .where(ChangeRow.id == 1)).one()
    return FeedState(int(row.counter), int(row.environment_seq), int(row.shifts_seq))


def current_counter(session: Session) -> int:
    """The cheap question a poller asks."""
    return int(session.execute(select(ChangeRow.counter).where(ChangeRow.id == 1)).scalar_one())


def calls_changed(session: Session, after: int, upto: int) -> list[int]:
    """Ids of the calls written by a change numbered in (``after``, ``upto``], in id order."""
    statement = (select(CallRow.id).where(CallRow.changed_seq > after, CallRow.changed_seq <= upto)
                 .order_by(CallRow.id))
    return [int(i) for i in session.execute(statement).scalars()]


def rings_changed(session: Session, after: int, upto: int) -> list[int]:
    """Ids of the rings written by a change numbered in (``after``, ``upto``], in id order."""
    statement = (select(RingRow.id).where(RingRow.changed_seq > after, RingRow.changed_seq <= upto)
                 .order_by(RingRow.id))
    return [int(i) for i in session.execute(statement).scalars()]


def listen_statement() -> str:
    return f"LISTEN {CHANNEL}"


__all__ = ["CHANNEL", "FeedState", "calls_changed", "current_counter", "feed_state", "listen_statement", "rings_changed"]
