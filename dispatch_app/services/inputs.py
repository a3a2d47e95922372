"""What a typed or sent value may be, in one place for every front end (docs/decisions.md,
"Input limits"): the field lengths of a call (the intake's and the command line's ``call add``),
the range of a record id, and the database URLs the program opens.

Standard library only and nothing else of the project but the errors, so the command line can
check its arguments before it loads the database layer.
"""
from __future__ import annotations

import re

from dispatch_app.errors import DispatchError

SUMMARY_MAX = 2000
"""Longest summary of a call."""
TEXT_MAX = 255
"""Longest client, system, caller name, caller phone or external id of a call."""
SOURCE_MAX = 100
"""Longest source of a call."""
NOTE_MAX = 4000
"""Longest note, reason (``--why``) or comment."""
ID_MIN, ID_MAX = 1, 2**31 - 1
"""Record ids (calls, shifts, overrides): the range of the ``Integer`` id columns, 32 bits on
PostgreSQL; SQLite is held to the same range so both databases answer alike."""
DATABASE_SCHEMES = ("sqlite", "sqlite+pysqlite", "postgresql", "postgresql+psycopg")
"""The schemes of a database URL that the program can open."""

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")


def clean_text(value: str, where: str) -> str:
    """``value`` when a database can hold it: no NUL, no lone surrogate (bytes that were not UTF-8)."""
    if "\x00" in value:
        raise DispatchError(f"{where}: contains a NUL character; remove it")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise DispatchError(f"{where}: is not valid UTF-8 text; give it in UTF-8") from None
    return value


def optional_text(value: str | None, where: str, maximum: int = TEXT_MAX) -> str | None:
    """``value`` stripped and checked (:func:`clean_text`, at most ``maximum`` characters); None when empty."""
    if value is None:
        return None
    text = clean_text(value, where).strip()
    if len(text) > maximum:
        raise DispatchError(f"{where}: {len(text)} characters, at most {maximum}")
    return text or None


def required_text(value: str | None, where: str, maximum: int) -> str:
    """``value`` stripped and checked; 1 to ``maximum`` characters."""
    text = optional_text(value, where, maximum)
    if text is None:
        raise DispatchError(f"{where}: must not be empty")
    return text


def is_record_id(value: int) -> bool:
    return ID_MIN <= value <= ID_MAX


def check_record_id(value: int, where: str) -> int:
    """``value`` when it can be a record id (ID_MIN..ID_MAX); a number beyond names nothing."""
    if not is_record_id(value):
        raise DispatchError(f"{where}: {value} is not a record id (a whole number from {ID_MIN} to {ID_MAX})")
    return value


def check_database_url(url: str) -> str:
    """``url`` when it names a database the program can open; the message never repeats the
    URL, which may hold a password."""
    if not url.strip():
        raise DispatchError("database URL: empty; give one such as sqlite:///PATH/dispatch.db or "
                            "postgresql+psycopg://USER@HOST/DBNAME, or leave it out for the local file")
    clean_text(url, "database URL")
    found = _SCHEME.match(url)
    if found is None:
        raise DispatchError("database URL: not a URL (SCHEME://...); give one such as sqlite:///PATH/dispatch.db "
                            "or postgresql+psycopg://USER@HOST/DBNAME")
    scheme = found.group(1)
    if scheme not in DATABASE_SCHEMES:
        raise DispatchError(f"database URL: the scheme {scheme[:40]!r} is not one this program opens; "
                            f"use {', '.join(s + '://' for s in DATABASE_SCHEMES)}")
    return url
