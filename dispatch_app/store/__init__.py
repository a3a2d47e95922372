"""Storage: SQLAlchemy tables, the engine (SQLite WAL or PostgreSQL), Alembic migrations.

Only domain values leave this package; ORM rows stay inside.

The names below load their module on first use (PEP 562): a quick read (``store/reads.py``
through ``Database.reading``) does not pay for the ORM and the mapped tables.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "current_change": "changes",
    "record_change": "changes",
    "Database": "database",
    "default_url": "database",
    "is_empty": "database",
    "CalendarFactory": "environment_rows",
    "KindCounts": "environment_rows",
    "SaveSummary": "environment_rows",
    "load_environment": "environment_rows",
    "load_msp": "environment_rows",
    "load_technician": "environment_rows",
    "save_environment": "environment_rows",
    "technician_is_referenced": "environment_rows",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
