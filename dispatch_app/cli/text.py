"""Text for people: instants in the viewer's zone, with a second zone beside when it differs."""
from __future__ import annotations

from datetime import datetime

from dispatch_app.domain.localtime import zone

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
