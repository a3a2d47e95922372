"""What the schedule draws, as plain values: one lane per rotation and one per person's leave,
each a list of blocks with the words shown on them and the details line for them.

Built from the service's ``ScheduleView``; the timeline paints these and tests read them.
Colour is never the only signal: every kind of block carries its own words (``override:``,
``ON LEAVE``, ``NOBODY``, ``leave:``), and the details line says it all again.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from dispatch_app.domain import windows
from dispatch_app.domain.schedule import HOLE_NOBODY
from dispatch_app.services.schedule import RotationView, ScheduledOverride, ScheduleView
from dispatch_app.ui.clock import span

ROTATION = "rotation"
LEAVE = "leave"

# block kinds, drawn in this order (later on top)
OFF = "off"  # outside the rotation's duty (active window, before its start, between calendar events)
SCHEDULE = "schedule"
CALENDAR = "ical"
OVERRIDE = "override"
AWAY = "away"  # the technician's leave, on their own lane
HOLE = "hole"
SOURCE_KINDS = {"schedule": SCHEDULE, "ical": CALENDAR, "override": OVERRIDE}


@dataclass(frozen=True)
class Block:
    kind: str
    start: datetime
    end: datetime
    label: str
    """The words drawn on the block (elided to fit)."""
    detail: str
    """The details line and the tooltip."""
    tech: str | None = None
    on_leave: bool = False
    override: ScheduledOverride | None = None
    short: str = ""
    """Drawn when the label does not fit (a first name, NOBODY)."""
    tiny: str = ""
    """Drawn when the short one does not fit either (initials)."""

    def labels(self) -> tuple[str, ...]:
        """The words to draw, longest first: the first that fits is drawn."""
        return tuple(dict.fromkeys(t for t in (self.label, self.short, self.tiny) if t))


def first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


def initials(name: str) -> str:
    return "".join(part[0] for part in name.split()[:2]).upper() or name[:2]


@dataclass(frozen=True)
class Lane:
    kind: str
    rotation: str
    title: str
    subtitle: str
    blocks: tuple[Block, ...]
    tech: str | None = None

    def blocks_of(self, *kinds: str) -> list[Block]:
        return [b for b in self.blocks if b.kind in kinds]

    def block_at(self, at: datetime, *, kinds: tuple[str, ...] | None = None) -> Block | None:
        """The topmost block covering ``at`` (a hole over its holder, a holder over the grey)."""
        for block in reversed(self.blocks):
            if block.start <= at < block.end and (kinds is None or block.kind in kinds):
                return block
        return None


class Stamps:
    """Instants as the schedule writes them: in the view's zone, with its abbreviation."""

    def __init__(self, tz: str) -> None:
        self.zone = ZoneInfo(tz)

    def at(self, instant: datetime) -> str:
        return instant.astimezone(self.zone).strftime("%a %d %b %H:%M")

    def span(self, start: datetime, end: datetime) -> str:
        a, b = start.astimezone(self.zone), end.astimezone(self.zone)
        last = b.strftime("%H:%M") if a.date() == b.date() else b.strftime("%a %d %b %H:%M")
        return f"{a.strftime('%a %d %b %H:%M')} → {last} {b.tzname()} ({span((end - start).total_seconds() / 60)})"


def _subtract(whole: list[tuple[datetime, datetime]], minus: tuple[tuple[datetime, datetime], ...]):
    return windows.subtract(whole, list(minus))


def rotation_lanes(view: ScheduleView, rotation: RotationView, stamps: Stamps) -> list[Lane]:
    rot = rotation.rotation
    name = rot.name
    blocks: list[Block] = []
    for a, b in _subtract([(view.start, view.end)], rotation.schedule.duty):
        if rot.active and not windows.contains(rot.active, rot.timezone, a):
            why = f"outside the active window ({rot.active}): nobody is on call"
        elif rot.calendar is not None:
            why = "no calendar event: nobody is on call"
        else:
            why = "before the rotation starts: nobody is on call"
        blocks.append(Block(OFF, a, b, "", f"{name} · {stamps.span(a, b)} · {why}"))
    for segment in rotation.segments:
        if segment.tech is None:
            continue
        person = view.name(segment.tech)
        kind = SOURCE_KINDS.get(segment.source or "", SCHEDULE)
        override = rotation.override_of(segment)
        if kind == OVERRIDE and override is not None:
            reason = override.override.reason or "no reason given"
            label = f"{person} · override: {reason}"
            how = f"by override ({reason}) · Delete removes it"
        elif kind == CALENDAR:
            label, how = f"{person} (calendar)", "from the iCalendar file"
        else:
            label, how = person, "by schedule"
        away = segment.available is False
        if away:
            label += " — ON LEAVE"
            how += " · ON LEAVE: the rotation has a hole"
        short = first_name(person) + (" · override" if kind == OVERRIDE else "") + (" · LEAVE" if away else "")
        tiny = ("⇄ " if kind == OVERRIDE else "") + initials(person)
        blocks.append(Block(kind, segment.start, segment.end, label,
                            f"{name} · {person} {how} · {stamps.span(segment.start, segment.end)}",
                            segment.tech, away, override, short, tiny))
    for hole in rotation.holes:
        if hole.reason == HOLE_NOBODY:
            label, why = "NOBODY", "nobody holds it"
        else:
            label, why = f"NOBODY · {view.name(hole.tech)} on leave", f"{view.name(hole.tech)} holds it but is on leave"
        blocks.append(Block(HOLE, hole.start, hole.end, label,
                            f"HOLE in {name}: {why} · {stamps.span(hole.start, hole.end)}", hole.tech,
                            short="NOBODY", tiny="!"))
    order = {OFF: 0, SCHEDULE: 1, CALENDAR: 1, OVERRIDE: 1, HOLE: 2}
    blocks.sort(key=lambda b: (order[b.kind], b.start))
    how_long = f"every {rot.length}" if rot.length is not None else "from a calendar" if rot.calendar else ""
    zone = rot.timezone if rot.timezone != view.timezone else ""  # the header names the view's zone
    subtitle = " · ".join(p for p in (f"level {rot.level}", how_long, zone) if p)
    lanes = [Lane(ROTATION, rot.id, name, subtitle, tuple(blocks))]
    members = set(rot.members)
    for tech in rotation.schedule.people:
        spans = [leave for leave in rotation.leave if leave.tech == tech]
        if not spans:
            continue
        person = view.name(tech)
        role = "member" if tech in members else "holds an override" if rot.calendar is None else "in the calendar"
        lane_blocks = tuple(
            Block(AWAY, s.start, s.end, f"leave: {s.reason}" if s.reason else "leave",
                  f"{person} on leave{': ' + s.reason if s.reason else ''} · {stamps.span(s.start, s.end)}", tech,
                  short="leave")
            for s in spans)
        lanes.append(Lane(LEAVE, rot.id, f"{person}", f"leave · {role}", lane_blocks, tech))
    return lanes


def label_runs(blocks: tuple[Block, ...] | list[Block]) -> list[tuple[Block, ...]]:
    """Blocks that share one label: consecutive holder blocks of the same person, source and
    override (off-duty time between them), so a month shows "Alex Kim" once across a week of
    nights. A holder on leave under a hole is left out (the hole's words say it); holes and
    leave are labelled on their own."""
    holes = [b for b in blocks if b.kind == HOLE]
    runs: list[list[Block]] = []
    last_key = None
    for block in sorted((b for b in blocks if b.kind in (SCHEDULE, CALENDAR, OVERRIDE)), key=lambda b: b.start):
        if block.on_leave and any(h.start <= block.start and block.end <= h.end for h in holes):
            last_key = None
            continue
        key = (block.kind, block.tech, block.override.key if block.override else None, block.on_leave)
        if runs and key == last_key:
            runs[-1].append(block)
        else:
            runs.append([block])
        last_key = key
    runs.extend([b] for b in blocks if b.kind in (HOLE, AWAY))
    return [tuple(run) for run in runs]


def build_lanes(view: ScheduleView, only: str | None = None) -> list[Lane]:
    """Every rotation's lane (or only one rotation's), each followed by its people's leave."""
    stamps = Stamps(view.timezone)
    lanes: list[Lane] = []
    for rotation in view.rotations:
        if only is None or rotation.rotation.id == only:
            lanes.extend(rotation_lanes(view, rotation, stamps))
    return lanes
