"""The console's sense of "now" and of the viewer's time zone.

"Now" is injectable (a callable returning an aware UTC datetime) so that tests and the demo
can pin the instant; the domain never reads the clock itself.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Now = Callable[[], datetime]


def system_now() -> datetime:
    return datetime.now(timezone.utc)


def fixed(instant: datetime) -> Now:
    """A clock that always answers ``instant`` (tests, screenshots)."""
    return lambda: instant


def viewer_zone(name: str = "") -> tuple[tzinfo, str]:
    """The zone times are shown in, with its name: ``name`` when given, else this computer's
    (``$TZ``, then the /etc/localtime link), else UTC."""
    for candidate in (name, os.environ.get("TZ", "").lstrip(":"), _etc_localtime()):
        if candidate:
            try:
                return ZoneInfo(candidate), candidate
            except (ZoneInfoNotFoundError, ValueError, OSError):
                continue
    return timezone.utc, "UTC"


def _etc_localtime() -> str:
    try:
        target = str(Path("/etc/localtime").resolve())
    except OSError:
        return ""
    marker = "zoneinfo/"
    return target.split(marker, 1)[1] if marker in target else ""


class ViewerClock:
    """Now, and how instants read for the person at this desk (and for a client)."""

    def __init__(self, now: Now = system_now, zone_name: str = "") -> None:
        self.now = now
        self.zone, self.zone_name = viewer_zone(zone_name)

    def local(self, instant: datetime) -> datetime:
        return instant.astimezone(self.zone)

    def time(self, instant: datetime) -> str:
        """``Sat 05:00`` (the viewer's zone)."""
        return self.local(instant).strftime("%a %H:%M")

    def stamp(self, instant: datetime) -> str:
        """``Sat 28 Nov 05:00``."""
        return self.local(instant).strftime("%a %d %b %H:%M")

    def with_client(self, instant: datetime, client_zone: str | None, *, full: bool = True) -> str:
        """The viewer's time, and the client's beside it when their clocks read differently:
        ``Sat 28 Nov 05:00 (client: Fri 23:00)``."""
        text = self.stamp(instant) if full else self.time(instant)
        if client_zone:
            theirs = instant.astimezone(ZoneInfo(client_zone))
            mine = self.local(instant)
            if theirs.replace(tzinfo=None) != mine.replace(tzinfo=None):
                text += f" (client: {theirs.strftime('%a %H:%M')})"
        return text

    def client_now(self, client_zone: str) -> str:
        return self.now().astimezone(ZoneInfo(client_zone)).strftime("%a %d %b %H:%M")


def span(minutes: float) -> str:
    """A duration people read: ``45 min``, ``3 h 05 min``, ``2 days 4 h``."""
    minutes = int(round(minutes))
    sign = "-" if minutes < 0 else ""
    minutes = abs(minutes)
    if minutes < 60:
        return f"{sign}{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 24:
        return f"{sign}{hours} h {rest:02d} min"
    days, hours = divmod(hours, 24)
    return f"{sign}{days} day{'s' if days != 1 else ''} {hours} h"
