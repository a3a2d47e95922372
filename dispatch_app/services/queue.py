"""The queue: open (or all) calls, most urgent first, as the queue shows them.

Read on SQLAlchemy Core (``store/reads.py``), apart from the rest of :mod:`.calls`, so that
``dispatch-app calls`` loads neither the ORM nor the writes' machinery (phone numbers, hash
chains). Anyone may read the queue, the anonymous dispatcher included.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dispatch_app.domain.timeline import OPEN_STATUSES
from dispatch_app.store import reads
from dispatch_app.store.database import Database

__all__ = ["QueueRow", "queue", "queue_order", "queue_row"]


@dataclass(frozen=True)
class QueueRow:
    id: int
    client: str | None
    system: str | None
    summary: str
    priority: str | None
    status: str
    received_at: datetime
    response_due: datetime | None
    unmatched: bool
    overdue: bool
    """Open, and its response due has passed at the instant asked."""


def queue(db: Database, *, at: datetime, open_only: bool = False, limit: int | None = None) -> list[QueueRow]:
    """Calls most urgent first: unmatched, then priority, then response due, then received."""
    with db.reading() as connection:
        calls = reads.queue(connection, open_only=open_only, limit=limit)
    return [queue_row(c, at) for c in calls]


def queue_row(c, at: datetime) -> QueueRow:
    """The row of call ``c`` (a domain ``Call`` or a ``reads.QueuedCall``) at ``at``."""
    return QueueRow(id=c.id, client=c.client, system=c.system, summary=c.summary, priority=c.priority,
                    status=c.status, received_at=c.received_at, response_due=c.response_due, unmatched=c.unmatched,
                    overdue=c.status in OPEN_STATUSES and c.response_due is not None and c.response_due <= at)


def queue_order(row: QueueRow) -> tuple:
    """The queue's order as a sort key, for a view placing one changed row. The store sorts the
    same way in SQL (``reads.queue``, which must also honour ``limit``); a test holds the two
    together."""
    return (not row.unmatched, row.priority is None, row.priority or "", row.response_due is None,
            row.response_due.timestamp() if row.response_due else 0.0, row.received_at.timestamp(), row.id)
