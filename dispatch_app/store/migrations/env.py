"""Alembic environment.

At run time :class:`dispatch_app.store.database.Database` passes its open connection in
``config.attributes["connection"]``. For development (``alembic -c
dispatch_app/store/migrations/alembic.ini -x db=URL revision --autogenerate -m ...``) the URL
comes from ``-x db=URL``.
"""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from dispatch_app.store.tables import Base

target_metadata = Base.metadata


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _development_url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("db")
    if not url:
        raise SystemExit("pass the database with -x db=URL")
    return url


if context.is_offline_mode():
    context.configure(url=_development_url(), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    shared = context.config.attributes.get("connection")
    if shared is not None:
        _configure(shared)
    else:
        engine = create_engine(_development_url(), poolclass=pool.NullPool)
        with engine.connect() as connection:
            _configure(connection)
