"""What the figures charts draw: per month, over the rows of a client and priority (or all).

Counts (calls, breaches, escalations, nobody to wake) add up exactly. A median or a 90th
percentile does not add up: where a month holds several rows (all clients, or all
priorities), the chart shows the slowest row's figure, and says so, rather than an average of
medians that no call ever had. No Qt here.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from dispatch_app.domain.localtime import zone
from dispatch_app.services.review import FigureRow, months_between

ALL = None


def months_of(start: datetime, end: datetime, zone_name: str) -> list[str]:
    """The ``YYYY-MM`` months (in ``zone_name``, the MSP's) that [start, end) touches: the months
    the service cuts the figures by (:func:`dispatch_app.services.review.months_between`)."""
    return [month for month, _, _ in months_between(start, end, zone(zone_name))]


@dataclass(frozen=True)
class Worst:
    value: float | None
    row: FigureRow | None = None


@dataclass
class MonthlySeries:
    months: list[str]
    calls: list[int] = field(default_factory=list)
    breaches: list[int] = field(default_factory=list)
    escalations: list[int] = field(default_factory=list)
    nobody_to_wake: list[int] = field(default_factory=list)
    ack_median: list[Worst] = field(default_factory=list)
    ack_p90: list[Worst] = field(default_factory=list)
    engage_median: list[Worst] = field(default_factory=list)
    engage_p90: list[Worst] = field(default_factory=list)
    single: bool = True
    """Every month holds at most one row: the time figures are exact, not the slowest row's."""


def _worst(rows: Sequence[FigureRow], attribute: str) -> Worst:
    best: Worst = Worst(None)
    for row in rows:
        value = getattr(row, attribute)
        if value is not None and (best.value is None or value > best.value):
            best = Worst(value, row)
    return best


def monthly(rows: Sequence[FigureRow], months: Sequence[str], *, client: str | None = ALL,
            priority: str | None = ALL) -> MonthlySeries:
    """The chart's series over ``months`` for one client and priority (``ALL``: every one)."""
    per_month: dict[str, list[FigureRow]] = {m: [] for m in months}
    for row in rows:
        if (client is None or row.client == client) and (priority is None or row.priority == priority):
            per_month.setdefault(row.month, []).append(row)
    ordered = sorted(per_month)
    out = MonthlySeries(ordered)
    for month in ordered:
        group = per_month[month]
        out.calls.append(sum(r.calls for r in group))
        out.breaches.append(sum(r.breaches for r in group))
        out.escalations.append(sum(r.escalations for r in group))
        out.nobody_to_wake.append(sum(r.nobody_to_wake for r in group))
        out.ack_median.append(_worst(group, "ack_median_minutes"))
        out.ack_p90.append(_worst(group, "ack_p90_minutes"))
        out.engage_median.append(_worst(group, "engage_median_minutes"))
        out.engage_p90.append(_worst(group, "engage_p90_minutes"))
        if len(group) > 1:
            out.single = False
    return out
