"""The change counter: one row bumped by every write, read by the change feed."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dispatch_app.store.tables import ChangeRow


def record_change(session: Session, *, at: datetime | None = None) -> int:
    """Bump the counter inside the caller's transaction and answer its new value.

    Bumping first in a write also serialises concurrent writers on the one row (PostgreSQL
    row lock; SQLite takes its write lock), which the import relies on.
    """
    at = at or datetime.now(timezone.utc)
    session.execute(update(ChangeRow).where(ChangeRow.id == 1).values(counter=ChangeRow.counter + 1, changed_at=at))
    return current_change(session)


def current_change(session: Session) -> int:
    return session.execute(select(ChangeRow.counter).where(ChangeRow.id == 1)).scalar_one()
