"""Opening the database, for the front ends (which never import the store themselves)."""
from __future__ import annotations

from dispatch_app.store.database import Database


def open_database(url: str | None) -> Database:
    """The database at ``url`` (an SQLAlchemy URL), or the workstation's SQLite file."""
    return Database(url)
