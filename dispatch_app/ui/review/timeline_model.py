"""What the review's timeline draws: rows of marked spans over a range. No Qt here.

The coverage-gaps tab and the what-if tab both turn gaps into a :class:`Timeline`; the widget in
``timeline.py`` only draws one. A span's ``kind`` names its look there (and in the legend), its
``label`` is the text drawn on it, so colour is never the only signal.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from dispatch_app.domain.gaps import NO_EXPERT, NOBODY_ELIGIBLE
from dispatch_app.domain.model import Environment, Gap

EXISTING = "already a gap"
"""A what-if's gap that is there with or without the change."""
CLOSED = "closed by the change"
"""A what-if's gap that the change would close (an override can)."""
CHANGE = "the change"
"""The leave or override a what-if tries."""

SHORT = {NOBODY_ELIGIBLE: "NOBODY", NO_EXPERT: "NO EXPERT", EXISTING: "already", CLOSED: "closed",
         CHANGE: "change"}
"""What a span says when its full label does not fit."""


@dataclass(frozen=True)
class Span:
    start: datetime
    end: datetime
    kind: str
    label: str
    detail: str = ""
    """The tooltip: the span in words, exact."""
    key: Hashable = None
    """Links the span to its line in a table (the gap)."""


@dataclass(frozen=True)
class Row:
    key: Hashable
    label: str
    detail: str = ""
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Timeline:
    start: datetime
    end: datetime
    rows: tuple[Row, ...] = ()
    quiet: str = "covered throughout"
    """Written across a row with no span."""
    kinds: tuple[str, ...] = field(default=(NOBODY_ELIGIBLE, NO_EXPERT))
    """The kinds the legend lists, in order."""

    def spans(self) -> list[tuple[int, Span]]:
        """Every span with its row number, row by row, each row's by start."""
        return [(number, span) for number, row in enumerate(self.rows)
                for span in sorted(row.spans, key=lambda s: (s.start, s.end))]


@dataclass(frozen=True)
class Place:
    """A client's critical system, as a row names it."""

    client: str
    system: str
    client_name: str
    system_name: str
    timezone: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.client, self.system)


def critical_places(env: Environment | None, client: str | None = None) -> list[Place]:
    """Every critical system (of ``client`` only when given), by client id then system id, as
    ``coverage_gaps`` orders its answer."""
    if env is None:
        return []
    out = []
    for c in sorted(env.clients, key=lambda c: c.id):
        if client is not None and c.id != client:
            continue
        for s in sorted(c.systems, key=lambda s: s.id):
            if s.criticality == "critical":
                out.append(Place(c.id, s.id, c.name, s.name, c.timezone))
    return out


def gap_key(gap: Gap) -> tuple:
    return (gap.client, gap.system, gap.start, gap.end, gap.reason)


def gap_timeline(start: datetime, end: datetime, gaps: Sequence[Gap], places: Iterable[Place], *,
                 describe, existing: Sequence[Gap] = (), closed: Sequence[Gap] = (),
                 change: Span | None = None, change_label: str = "") -> Timeline:
    """One row per place (and per client/system a gap names that ``places`` does not), the gaps
    on it labelled with their reason. For a what-if, ``gaps`` are the new ones, ``existing``
    those there with or without the change and ``closed`` those it would close, drawn under the
    new ones; ``change`` gets a row of its own on top. ``describe(gap)`` is the tooltip text
    (the window knows the viewer's zone)."""
    rows: dict[tuple[str, str], list[Span]] = {}
    names: dict[tuple[str, str], Place] = {}
    for place in places:
        rows[place.key] = []
        names[place.key] = place
    for gap in existing:
        rows.setdefault((gap.client, gap.system), []).append(
            Span(gap.start, gap.end, EXISTING, f"already a gap: {gap.reason}", describe(gap)))
    for gap in closed:
        rows.setdefault((gap.client, gap.system), []).append(
            Span(gap.start, gap.end, CLOSED, f"closed: {gap.reason}", describe(gap)))
    prefix = "NEW: " if existing or closed or change is not None else ""
    for gap in gaps:
        rows.setdefault((gap.client, gap.system), []).append(
            Span(gap.start, gap.end, gap.reason, prefix + gap.reason, describe(gap), gap_key(gap)))
    out = []
    if change is not None:
        out.append(Row("change", change_label or "The change", "what is tried, nothing saved", (change,)))
    for key in sorted(rows):
        place = names.get(key)
        label = f"{key[0]} / {key[1]}"
        detail = f"{place.system_name} · {place.client_name}" if place is not None else ""
        out.append(Row(key, label, detail, tuple(rows[key])))
    kinds = (NOBODY_ELIGIBLE, NO_EXPERT) + ((EXISTING,) if existing else ()) + ((CLOSED,) if closed else ()) \
        + ((CHANGE,) if change is not None else ())
    return Timeline(start, end, tuple(out), kinds=kinds)
