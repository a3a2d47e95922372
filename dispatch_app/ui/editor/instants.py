"""Instants as the editor shows them: the bundle's text read in its owning zone.

Leave and overrides are stored with an offset (``2026-12-20T00:00:00-06:00``); the form shows
the wall clock of the zone they are read in (``2026-12-20 00:00``), and keeps the stored text
unless the user types a new one (a typed time without an offset is read in that zone, as the
importer reads it).
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def wall_clock(text: object, zone: str) -> str:
    """``2026-12-20 00:00`` in ``zone`` for an instant with an offset; other text as it is."""
    if not isinstance(text, str) or not text:
        return "" if text is None else str(text)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return text
    if value.tzinfo is None:
        return value.strftime("%a %Y-%m-%d %H:%M")
    try:
        local = value.astimezone(ZoneInfo(zone))
    except (KeyError, ValueError):
        return text
    return local.strftime("%a %Y-%m-%d %H:%M")
