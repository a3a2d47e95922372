"""Alembic migrations of the store; run by :class:`dispatch_app.store.database.Database`."""
