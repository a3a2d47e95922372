"""Storage: SQLAlchemy tables, the engine (SQLite WAL or PostgreSQL), Alembic migrations.

Only domain values leave this package; ORM rows stay inside.
"""
from dispatch_app.store.changes import current_change, record_change
from dispatch_app.store.database import Database, default_url, is_empty
from dispatch_app.store.environment_rows import (
    CalendarFactory,
    KindCounts,
    SaveSummary,
    load_environment,
    load_msp,
    load_technician,
    save_environment,
    technician_is_referenced,
)

__all__ = [
    "CalendarFactory",
    "Database",
    "KindCounts",
    "SaveSummary",
    "current_change",
    "default_url",
    "is_empty",
    "load_environment",
    "load_msp",
    "load_technician",
    "record_change",
    "save_environment",
    "technician_is_referenced",
]
