"""Opening the database, for the front ends (which never import the store themselves)."""
from __future__ import annotations

from sqlalchemy import exc as sa_exc

from dispatch_app.errors import DispatchError
from dispatch_app.services.inputs import DATABASE_SCHEMES, check_database_url
from dispatch_app.store.database import Database


def open_database(url: str | None) -> Database:
    """The database at ``url`` (an SQLAlchemy URL), or the workstation's SQLite file. A URL
    of a scheme the program cannot open, or one SQLAlchemy cannot read, is a DispatchError."""
    if url is None:
        return Database(None)
    check_database_url(url)
    try:
        return Database(url)
    except sa_exc.ArgumentError:
        raise DispatchError("database URL: cannot be read; give one such as sqlite:///PATH/dispatch.db or "
                            f"postgresql+psycopg://USER@HOST/DBNAME ({', '.join(DATABASE_SCHEMES)})") from None
