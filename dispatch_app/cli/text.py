"""Text for people: instants in the viewer's zone, with a second zone beside when it differs;
text from outside with its control characters made visible (:func:`shown`)."""
from __future__ import annotations

import sys
from datetime import datetime

from dispatch_app.domain.localtime import zone
from dispatch_app.domain.text import escaped, escaped_keeping_lines


def shown(text: object) -> str:
    """``text`` for a terminal: newlines, ANSI escapes, other C0/C1 controls and bidi overrides
    written as visible escapes (``\\n``, ``\\x1b``, ``\\u202e``), so a line printed is one line and
    nothing in it acts on the terminal. JSON output keeps the exact text."""
    return escaped("" if text is None else str(text))

_FORMAT = "%a %d %b %Y %H:%M %Z"


def when(instant: datetime | None, other_tz: str | None = None) -> str:
    """``instant`` in the viewer's local time, and in ``other_tz`` beside it if different."""
    if instant is None:
        return "-"
    mine = instant.astimezone()
    text = mine.strftime(_FORMAT)
    if other_tz:
        theirs = instant.astimezone(zone(other_tz))
        if theirs.utcoffset() != mine.utcoffset() or theirs.tzname() != mine.tzname():
            text += f" (client: {theirs.strftime(_FORMAT)})"
    return text


def write_document(content: str) -> None:
    """A document (Markdown, CSV, iCalendar) on standard output: exact when it goes to a pipe or a
    file, its control characters made visible when it goes to a terminal."""
    stream = sys.stdout
    stream.write(escaped_keeping_lines(content) if stream.isatty() else content)
