"""The one kind of error a user can fix.

A :class:`DispatchError` carries a message that says what is wrong and what to do. The
front ends show it as it is (the CLI: one stderr line per problem, exit 2; the intake: a
4xx/503 with ``{"error": ...}``; the console: a message in the window). Anything else that
escapes is a bug.
"""
from __future__ import annotations


class DispatchError(Exception):
    """A problem the user can fix. ``problems`` holds one line per problem found."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = list(problems) if problems else [message]


class NotAllowed(DispatchError):
    """The acting user lacks the role an action needs."""


class NotFound(DispatchError):
    """An id that names nothing."""


class Conflict(DispatchError):
    """A stale save: somebody else changed the record first."""
