"""The lists under the schedule: the overrides and the holes of the range shown."""
from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime

from dispatch_app.domain.schedule import HOLE_NOBODY
from dispatch_app.services.schedule import ScheduledOverride, ScheduleView
from dispatch_app.ui.clock import span
from dispatch_app.ui.models.table import Column, RowsModel
from dispatch_app.ui.schedule.lanes import Stamps


@dataclass(frozen=True)
class OverrideRow:
    rotation: str
    rotation_name: str
    who: str
    start: datetime
    end: datetime
    reason: str
    scheduled: ScheduledOverride


@dataclass(frozen=True)
class HoleRow:
    rotation: str
    rotation_name: str
    start: datetime
    end: datetime
    why: str
    tech: str | None


def override_rows(view: ScheduleView, only: str | None = None) -> list[OverrideRow]:
    rows = []
    for rotation in view.rotations:
        if only is not None and rotation.rotation.id != only:
            continue
        for item in rotation.overrides:
            o = item.override
            rows.append(OverrideRow(rotation.rotation.id, rotation.rotation.name, view.name(o.tech), o.start, o.end,
                                    o.reason, item))
    return sorted(rows, key=lambda r: (r.start, r.rotation_name))


def hole_rows(view: ScheduleView, only: str | None = None) -> list[HoleRow]:
    rows = []
    for rotation in view.rotations:
        if only is not None and rotation.rotation.id != only:
            continue
        for hole in rotation.holes:
            why = "NOBODY holds it" if hole.reason == HOLE_NOBODY else f"NOBODY: {view.name(hole.tech)} on leave"
            rows.append(HoleRow(rotation.rotation.id, rotation.rotation.name, hole.start, hole.end, why, hole.tech))
    return sorted(rows, key=lambda r: (r.start, r.rotation_name))


class OverridesModel(RowsModel[OverrideRow]):
    """The overrides touching the range; the last listed wins where they overlap."""

    def __init__(self, tz: str = "UTC", parent=None) -> None:
        super().__init__(parent)
        self.set_zone(tz)

    def set_zone(self, tz: str) -> None:
        stamps = Stamps(tz)
        self.columns = (
            Column("From", lambda r: stamps.at(r.start), sort=lambda r: r.start.timestamp()),
            Column("To", lambda r: stamps.at(r.end), sort=lambda r: r.end.timestamp()),
            Column("Who", lambda r: r.who, emphasis=True),
            Column("Rotation", lambda r: r.rotation_name),
            Column("Reason", lambda r: r.reason or "—", tooltip=lambda r: f"override #{r.scheduled.key}"),
        )

    def key(self, row: OverrideRow) -> Hashable:
        return row.scheduled.key


class HolesModel(RowsModel[HoleRow]):
    """Spans of duty nobody available holds."""

    def __init__(self, tz: str = "UTC", parent=None) -> None:
        super().__init__(parent)
        self.set_zone(tz)

    def set_zone(self, tz: str) -> None:
        stamps = Stamps(tz)
        self.columns = (
            Column("From", lambda r: stamps.at(r.start), sort=lambda r: r.start.timestamp()),
            Column("To", lambda r: stamps.at(r.end), sort=lambda r: r.end.timestamp()),
            Column("Length", lambda r: span((r.end - r.start).total_seconds() / 60),
                   sort=lambda r: (r.end - r.start).total_seconds()),
            Column("Rotation", lambda r: r.rotation_name),
            Column("Hole", lambda r: "⚠ " + r.why, emphasis=True),
        )

    def key(self, row: HoleRow) -> Hashable:
        return (row.rotation, row.start, row.tech)

    def tint(self, row: HoleRow) -> tuple[str, str] | None:
        return ("#5c0010", "#ffffff")
