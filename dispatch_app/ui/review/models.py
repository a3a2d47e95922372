"""The review's lists: handoff records, gaps, knowledge risk, response figures."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Qt

from dispatch_app.domain.gaps import NOBODY_ELIGIBLE
from dispatch_app.domain.model import Gap
from dispatch_app.services.review import FigureRow
from dispatch_app.services.shifts import ShiftInfo
from dispatch_app.ui.clock import ViewerClock
from dispatch_app.ui.models.table import Column, RowsModel
from dispatch_app.ui.review.timeline_model import gap_key
from dispatch_app.ui.review.wording import in_zone, length

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTRE = Qt.AlignmentFlag.AlignCenter | Qt.AlignmentFlag.AlignVCenter


# ---------------------------------------------------------------- handoffs


def review_state(info: ShiftInfo, names: Mapping[str, str]) -> str:
    if info.issued_at is None:
        return "running: no record yet" if info.end is None else "not issued"
    if not info.reviews:
        return "⚠ not reviewed"
    by = list(dict.fromkeys(names.get(b, b) for b, _, _ in info.reviews))
    return f"✓ reviewed by {', '.join(by)}" + (f" ({len(info.reviews)}×)" if len(info.reviews) > 1 else "")


class ShiftsModel(RowsModel[ShiftInfo]):
    """Shifts with their handoff state, newest first (the service's order)."""

    SHIFT, REVIEW, DISPATCHER, START, END, HANDED = range(6)

    def __init__(self, clock: ViewerClock, parent=None) -> None:
        super().__init__(parent)
        self.names: Mapping[str, str] = {}
        stamp = clock.stamp
        self.columns = (
            Column("Shift", lambda s: f"#{s.id}", sort=lambda s: s.id, align=RIGHT),
            Column("Review", lambda s: review_state(s, self.names), emphasis=True),
            Column("Dispatcher", lambda s: self.names.get(s.dispatcher, s.dispatcher)),
            Column("From", lambda s: stamp(s.start), sort=lambda s: s.start.timestamp()),
            Column("To", lambda s: stamp(s.end) if s.end else "running", sort=lambda s: s.end.timestamp() if s.end else 0),
            Column("Taken over by", lambda s: (self.names.get(s.acknowledged_by, s.acknowledged_by)
                                               if s.acknowledged_by else "not acknowledged" if s.issued_at else "—")),
        )

    def tint(self, row: ShiftInfo):
        if row.issued_at is not None and not row.reviews:
            return ("#4a3b1a", "#ffe6a8")
        return None


# ---------------------------------------------------------------- gaps


class GapsModel(RowsModel[Gap]):
    """Gaps in the order ``coverage_gaps`` answers them (client, system, from)."""

    CLIENT, SYSTEM, START, END, CLIENT_TIME, LENGTH, REASON = range(7)

    def __init__(self, clock: ViewerClock, parent=None) -> None:
        super().__init__(parent)
        self.zones: Mapping[str, str] = {}
        self.client_names: Mapping[str, str] = {}
        self.system_names: Mapping[tuple[str, str], str] = {}
        self.columns = (
            Column("Client", lambda g: g.client, tooltip=lambda g: self.client_names.get(g.client, "")),
            Column("System", lambda g: g.system, tooltip=lambda g: self.system_names.get((g.client, g.system), "")),
            Column("From (your time)", lambda g: clock.stamp(g.start), sort=lambda g: g.start.timestamp()),
            Column("To (your time)", lambda g: clock.stamp(g.end), sort=lambda g: g.end.timestamp()),
            Column("Client's time", self._client_time, sort=lambda g: g.start.timestamp()),
            Column("Length", lambda g: length(g.start, g.end), sort=lambda g: (g.end - g.start).total_seconds(),
                   align=RIGHT),
            Column("Reason", lambda g: g.reason, emphasis=True),
        )

    def key(self, row: Gap):
        return gap_key(row)

    def _client_time(self, gap: Gap) -> str:
        tz = self.zones.get(gap.client)
        if tz is None:
            return ""
        return f"{in_zone(gap.start, tz)} – {in_zone(gap.end, tz)}"

    def tint(self, row: Gap):
        return ("#5c1a16", "#ffffff") if row.reason == NOBODY_ELIGIBLE else ("#4a3b1a", "#ffe6a8")


# ---------------------------------------------------------------- knowledge risk


@dataclass(frozen=True)
class KnowledgeLine:
    client: str
    client_name: str
    system: str
    system_name: str
    criticality: str
    experts: int
    expert_names: str
    at_risk: bool


CRITICALITY_ORDER = {"critical": 0, "high": 1, "normal": 2, "low": 3}


def knowledge_order(line: KnowledgeLine) -> tuple:
    """At risk first, then by criticality, fewest experts, client, system."""
    return (not line.at_risk, CRITICALITY_ORDER.get(line.criticality, 9), line.experts, line.client, line.system)


class KnowledgeModel(RowsModel[KnowledgeLine]):
    RISK, CLIENT, SYSTEM, CRITICALITY, EXPERTS, WHO = range(6)

    columns = (
        Column("Risk", lambda k: "⚠ AT RISK: fewer than two experts" if k.at_risk
               else "✓ two or more experts" if k.criticality == "critical" else "",
               sort=lambda k: "|".join(map(str, knowledge_order(k))), emphasis=True),
        Column("Client", lambda k: k.client_name, tooltip=lambda k: k.client),
        Column("System", lambda k: k.system_name, tooltip=lambda k: f"{k.client}/{k.system}"),
        Column("Criticality", lambda k: k.criticality, sort=lambda k: CRITICALITY_ORDER.get(k.criticality, 9)),
        Column("Experts", lambda k: str(k.experts), sort=lambda k: k.experts, align=RIGHT),
        Column("Who knows it", lambda k: k.expert_names or "nobody"),
    )

    def key(self, row: KnowledgeLine):
        return (row.client, row.system)

    def tint(self, row: KnowledgeLine):
        return ("#5c1a16", "#ffffff") if row.at_risk else None


# ---------------------------------------------------------------- response figures


def _minutes(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _number(value: float | None) -> float:
    return -1.0 if value is None else float(value)


def month_label(month: str) -> str:
    """``2026-11`` → ``Nov 2026``."""
    return datetime.strptime(month, "%Y-%m").strftime("%b %Y")


class FiguresModel(RowsModel[FigureRow]):
    """One row per client, priority and month. The client, priority and month columns sort by
    the three together, so sorting by one of them groups by it."""

    CLIENT, PRIORITY, MONTH, CALLS, ACKED, ACK_MEDIAN, ACK_P90, ENGAGED, ENGAGE_MEDIAN, ENGAGE_P90, BREACHES, \
        ESCALATIONS, NOBODY = range(13)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.client_names: Mapping[str, str] = {}
        numeric: Callable[[str], Column] = lambda header, attr: Column(  # noqa: E731
            header, lambda r: str(getattr(r, attr)), sort=lambda r: getattr(r, attr), align=RIGHT)
        minutes: Callable[[str], Column] = lambda header, attr: Column(  # noqa: E731
            header, lambda r: _minutes(getattr(r, attr)), sort=lambda r: _number(getattr(r, attr)), align=RIGHT)
        self.columns = (
            Column("Client", lambda r: r.client, sort=lambda r: f"{r.client}|{r.priority}|{r.month}",
                   tooltip=lambda r: self.client_names.get(r.client, "")),
            Column("Priority", lambda r: r.priority, sort=lambda r: f"{r.priority}|{r.client}|{r.month}", align=CENTRE),
            Column("Month", lambda r: month_label(r.month), sort=lambda r: f"{r.month}|{r.client}|{r.priority}"),
            numeric("Calls", "calls"),
            numeric("Acked", "acked"),
            minutes("Ack median\n(min)", "ack_median_minutes"),
            minutes("Ack p90\n(min)", "ack_p90_minutes"),
            numeric("Engaged", "engaged"),
            minutes("Engage\nmedian (min)", "engage_median_minutes"),
            minutes("Engage\np90 (min)", "engage_p90_minutes"),
            Column("Breaches", lambda r: f"⚠ {r.breaches}" if r.breaches else "0", sort=lambda r: r.breaches,
                   align=RIGHT, tooltip=lambda r: "calls first responded to after their response due, or not at all"),
            numeric("Escalations", "escalations"),
            Column("Nobody\nto wake", lambda r: f"⚠ {r.nobody_to_wake}" if r.nobody_to_wake else "0",
                   sort=lambda r: r.nobody_to_wake, align=RIGHT,
                   tooltip=lambda r: "escalations whose wake list was empty"),
        )

    def key(self, row: FigureRow):
        return (row.client, row.priority, row.month)

    def tint(self, row: FigureRow):
        return ("#5c1a16", "#ffffff") if row.breaches or row.nobody_to_wake else None
