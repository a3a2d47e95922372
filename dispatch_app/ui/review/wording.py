"""How the review words instants, lengths and gaps for the person reading it."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from dispatch_app.domain.localtime import format_utc, zone
from dispatch_app.domain.model import Gap
from dispatch_app.ui.clock import ViewerClock, span


def in_zone(instant: datetime, zone_name: str) -> str:
    """``Thu 24 Dec 18:00 EST``."""
    local = instant.astimezone(zone(zone_name))
    return f"{local.strftime('%a %d %b %H:%M')} {local.tzname()}"


def short(clock: ViewerClock, instant: datetime) -> str:
    """``Dec 24 18:00``, the viewer's time."""
    return clock.local(instant).strftime("%b %d %H:%M")


def length(start: datetime, end: datetime) -> str:
    return span((end - start).total_seconds() / 60)


def stretch(clock: ViewerClock, start: datetime, end: datetime) -> str:
    """``Dec 24 18:00–Dec 26 08:00`` (the viewer's time)."""
    return f"{short(clock, start)}–{short(clock, end)}"


def describe_gap(clock: ViewerClock, gap: Gap, client_zone: str | None) -> str:
    """A gap in words, exact, for a tooltip."""
    lines = [f"{gap.client}/{gap.system}: {gap.reason}",
             f"{clock.stamp(gap.start)} – {clock.stamp(gap.end)} your time ({clock.zone_name}), "
             f"{length(gap.start, gap.end)}"]
    if client_zone and client_zone != clock.zone_name:
        lines.append(f"{in_zone(gap.start, client_zone)} – {in_zone(gap.end, client_zone)} the client's time")
    lines.append(f"{format_utc(gap.start)} – {format_utc(gap.end)}")
    return "\n".join(lines)


def verdict(clock: ViewerClock, gaps: Sequence[Gap], *, shown: int = 4) -> str:
    """"Approving this opens 2 gaps: acme/erp-plc Dec 24 18:00–Dec 26 08:00 (no expert
    available); …" or "Approving this opens no gaps"."""
    if not gaps:
        return "✓ Approving this opens no gaps in qualified coverage."
    listed = [f"{g.client}/{g.system} {stretch(clock, g.start, g.end)} ({g.reason})" for g in gaps[:shown]]
    more = len(gaps) - shown
    tail = f"; and {more} more, listed below" if more > 0 else ""
    noun = "gap" if len(gaps) == 1 else "gaps"
    return f"⚠ Approving this opens {len(gaps)} {noun}: " + "; ".join(listed) + tail + "."


def names_of(ids: Sequence[str], names: Mapping[str, str]) -> str:
    return ", ".join(names.get(i, i) for i in ids)
