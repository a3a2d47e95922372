"""The environment bundle (BUNDLE.md): read and validate, write back.

``read_bundle``/``parse_bundle`` give a :class:`LoadedBundle` or raise :class:`BundleError`
listing every problem with its path in the file; ``write_bundle`` is their inverse.

The names below load their module on first use (PEP 562), so that a quick command that
only reads the database does not pay for the YAML and iCalendar parsers.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "FORMAT": "validate",
    "BundleError": "reader",
    "LoadedBundle": "reader",
    "load_text": "reader",
    "parse_bundle": "reader",
    "read_bundle": "reader",
    "secret_findings": "secrets_check",
    "bundle_text": "writer",
    "environment_to_data": "writer",
    "write_bundle": "writer",
}

__all__ = sorted([*_EXPORTS, "calendar_from_text"])


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def calendar_from_text(source: str, content: str, technicians, tz: str | None):
    """A rotation's calendar rebuilt from the iCalendar text kept in the database."""
    from .ical import IcalSchedule

    return IcalSchedule.from_text(source, content, technicians, tz)
