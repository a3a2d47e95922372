"""Who is on call, and where coverage has holes; the schedule view; on-call as iCalendar.

``schedule_view`` answers, per rotation over a range, the exact holder segments, duty, holes and
leave (``domain/schedule.py``) with the overrides that touch the range and the keys and versions
the editing service needs to remove them. ``on_call_ical`` writes the holders' stretches as a
VCALENDAR for people's own calendars; ``import_rotation_ical`` creates a rotation from an .ics
file, or replaces an existing rotation's calendar, through the editing service (validated,
versioned, in the record's history; lead or admin).
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import icalendar

from dispatch_app import store
from dispatch_app.bundle.ical import IcalError, IcalSchedule
from dispatch_app.domain import schedule as schedule_rules
from dispatch_app.domain.localtime import is_zone
from dispatch_app.domain.model import OnCall, Override, Rotation, Technician
from dispatch_app.domain.schedule import Hole, LeaveSpan, RotationSchedule, Segment
from dispatch_app.errors import DispatchError, NotFound
from dispatch_app.files import write_file
from dispatch_app.services import editing, people
from dispatch_app.services.coverage import coverage_gaps, on_call  # noqa: F401 - part of this module's API
from dispatch_app.services.environment import _calendar, load_environment
from dispatch_app.store import Database, edit_rows

__all__ = ["OnCallCalendar", "OnCallEvent", "RotationView", "ScheduleView", "ScheduledOverride", "coverage_gaps",
           "import_rotation_ical", "on_call", "on_call_calendar", "on_call_events", "on_call_ical", "read_calendar_file",
           "schedule_view", "write_calendar"]

PRODID = "-//Dispatch Console//On call//EN"


# ---------------------------------------------------------------- the schedule view


@dataclass(frozen=True)
class ScheduledOverride:
    """An override as the view shows it: ``key`` and ``version`` are what
    ``editing.delete_record`` takes; ``position`` is its place in the listed order (later wins)."""

    key: str
    version: int
    position: int
    override: Override


@dataclass(frozen=True)
class RotationView:
    schedule: RotationSchedule
    overrides: tuple[ScheduledOverride, ...]
    """The rotation's overrides that touch the range, in listed order."""
    candidates: tuple[str, ...]
    """Who may take an override: members, then the other active technicians of the rotation's
    level or above, by name."""

    @property
    def rotation(self) -> Rotation:
        return self.schedule.rotation

    @property
    def segments(self) -> tuple[Segment, ...]:
        return self.schedule.segments

    @property
    def holes(self) -> tuple[Hole, ...]:
        return self.schedule.holes

    @property
    def leave(self) -> tuple[LeaveSpan, ...]:
        return self.schedule.leave

    def override_of(self, segment: Segment) -> ScheduledOverride | None:
        """The override holding ``segment`` (None for a scheduled or calendar segment)."""
        if segment.override is None:
            return None
        return next((o for o in self.overrides if o.position == segment.override), None)


@dataclass(frozen=True)
class ScheduleView:
    start: datetime
    end: datetime
    msp: str
    timezone: str
    """The MSP's time zone: where the view is drawn and override instants are typed."""
    rotations: tuple[RotationView, ...]
    technicians: Mapping[str, Technician] = field(default_factory=dict)
    catalogue: tuple[tuple[str, str], ...] = ()
    """(id, name) of every rotation, by name, also those not computed (a picker lists them)."""

    def name(self, tech_id: str | None) -> str:
        if tech_id is None:
            return "nobody"
        tech = self.technicians.get(tech_id)
        return tech.name if tech is not None else tech_id

    def rotation(self, rotation_id: str) -> RotationView | None:
        return next((r for r in self.rotations if r.rotation.id == rotation_id), None)


def _candidates(technicians: Iterable[Technician], rotation: Rotation) -> tuple[str, ...]:
    by_id = {t.id: t for t in technicians}
    members = [m for m in rotation.members if m in by_id and by_id[m].active]
    others = sorted((t for t in by_id.values() if t.active and t.level >= rotation.level and t.id not in members),
                    key=lambda t: (t.name.casefold(), t.id))
    return tuple(members) + tuple(t.id for t in others)


def schedule_view(db: Database, *, start: datetime, end: datetime,
                  rotations: Iterable[str] | None = None) -> ScheduleView:
    """Every rotation (or those named) over [start, end): segments, duty, holes, leave and the
    overrides touching the range. Reading is open to anyone."""
    if end <= start:
        raise DispatchError("the end of the range must be after its start")
    wanted = None if rotations is None else set(rotations)
    with db.session(read_only=True) as session:
        env = store.load_environment(session, clients=[], calendar_factory=_calendar)
        keys = edit_rows.override_keys(session)
        touching = [i for i, o in enumerate(env.overrides) if o.start < end and o.end > start
                    and (wanted is None or o.rotation in wanted)]
        versions = {i: edit_rows.record_stamp(session, "overrides", keys[i]) for i in touching}
    views = []
    ordered = sorted(env.rotations, key=lambda r: (r.name.casefold(), r.id))
    for rotation in ordered:
        if wanted is not None and rotation.id not in wanted:
            continue
        schedule = schedule_rules.rotation_schedule(env, rotation, start, end)
        overrides = tuple(ScheduledOverride(keys[i], versions[i].version if versions[i] else 0, i, env.overrides[i])
                          for i in touching if env.overrides[i].rotation == rotation.id)
        views.append(RotationView(schedule, overrides, _candidates(env.technicians, rotation)))
    if wanted is not None:
        unknown = sorted(wanted - {r.rotation.id for r in views})
        if unknown:
            raise NotFound(f"no rotation {unknown[0]!r}")
    return ScheduleView(start, end, env.msp.name, env.msp.timezone, tuple(views),
                        {t.id: t for t in env.technicians}, tuple((r.id, r.name) for r in ordered))


# ---------------------------------------------------------------- on call as iCalendar


@dataclass(frozen=True)
class OnCallEvent:
    """One stretch a technician holds a rotation, not clipped to the range asked (an event is
    the same whichever range it was exported with); ``uid`` is stable per rotation, start, tech."""

    rotation: str
    rotation_name: str
    level: int
    tech: str
    tech_name: str
    email: str | None
    start: datetime
    end: datetime

    @property
    def uid(self) -> str:
        return f"{self.rotation}-{self.start.strftime('%Y%m%dT%H%M%SZ')}-{self.tech}@dispatch-console"


def on_call_events(db: Database, *, start: datetime, end: datetime, tech: str | None = None) -> list[OnCallEvent]:
    """Every holder stretch overlapping [start, end) (only ``tech``'s when given), by start, rotation."""
    if end <= start:
        raise DispatchError("--to must be after --from")
    env = load_environment(db, clients=[])
    if tech is not None and env.technician(tech) is None:
        raise NotFound(f"--tech: no technician {tech!r}")
    out = []
    for rotation in env.rotations:
        for a, b, holder in schedule_rules.holder_stretches(env, rotation, start, end):
            if tech is not None and holder != tech:
                continue
            person = env.technician(holder)
            out.append(OnCallEvent(rotation.id, rotation.name, rotation.level, holder,
                                   person.name if person else holder, person.email if person else None, a, b))
    out.sort(key=lambda e: (e.start, e.rotation, e.tech))
    return out


def events_to_ical(events: Iterable[OnCallEvent], *, msp: str, stamp: datetime, who: str | None = None) -> str:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"On call · {msp}" + (f" · {who}" if who else ""))
    for e in events:
        event = icalendar.Event()
        event.add("uid", e.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", e.start)
        event.add("dtend", e.end)
        event.add("summary", f"On call: {e.rotation_name}")
        event.add("description", f"{e.tech_name} ({e.tech}) holds {e.rotation_name}, level {e.level}, for {msp}.")
        if e.email:
            attendee = icalendar.vCalAddress(f"mailto:{e.email}")
            attendee.params["cn"] = icalendar.vText(e.tech_name)
            event.add("attendee", attendee)
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


@dataclass(frozen=True)
class OnCallCalendar:
    events: tuple[OnCallEvent, ...]
    text: str
    """The VCALENDAR."""


def on_call_calendar(db: Database, *, start: datetime, end: datetime, tech: str | None = None,
                     at: datetime | None = None) -> OnCallCalendar:
    """On call over [start, end) as a VCALENDAR: one VEVENT per holder stretch (only ``tech``'s
    when given), SUMMARY "On call: <rotation name>", DTSTART/DTEND in UTC, the holder as ATTENDEE
    (so the file imports back as an iCalendar rotation). ``at`` is the DTSTAMP (default ``start``)."""
    events = on_call_events(db, start=start, end=end, tech=tech)
    with db.session() as session:
        msp = store.load_msp(session)
    who = None
    if tech is not None:
        who = next((e.tech_name for e in events), None) or tech
    text = events_to_ical(events, msp=msp.name if msp else "Dispatch Console", stamp=at or start, who=who)
    return OnCallCalendar(tuple(events), text)


def on_call_ical(db: Database, *, start: datetime, end: datetime, tech: str | None = None,
                 at: datetime | None = None) -> str:
    """The text of :func:`on_call_calendar`."""
    return on_call_calendar(db, start=start, end=end, tech=tech, at=at).text


def write_calendar(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` whole or not at all (:func:`dispatch_app.files.write_file`)."""
    return write_file(path, text)


# ---------------------------------------------------------------- a rotation from an iCalendar file


def read_calendar_file(path: str | Path) -> str:
    """The text of an .ics file, or a DispatchError saying why it cannot be read."""
    file = Path(path)
    try:
        return file.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise DispatchError(f"cannot read {str(file)!r}: no such file") from None
    except IsADirectoryError:
        raise DispatchError(f"cannot read {str(file)!r}: it is a folder, not an .ics file") from None
    except OSError as error:
        raise DispatchError(f"cannot read {str(file)!r}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise DispatchError(f"cannot read {str(file)!r}: it is not UTF-8 text") from None


def calendar_source(rotation: str, content: str) -> str:
    """Where the calendar is written beside an exported bundle: named by rotation and content,
    so a new file is a change the record's history shows."""
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()[:8]
    return f"schedules/{rotation}-{digest}.ics"


def import_rotation_ical(db: Database, *, actor: str | None, rotation: str, content: str, at: datetime,
                         name: str | None = None, level: int | None = None, timezone: str | None = None,
                         active: str | None = None, expected_version: int | None = None) -> editing.Saved:
    """Create rotation ``rotation`` from iCalendar text, or replace an existing rotation's
    schedule with it (``expected_version``: the version the user saw). A replaced rotation keeps
    its name, level, time zone and active window unless given; its members, start and length
    go (the calendar gives the schedule). Every event must name a technician (DOMAIN.md); every
    problem is reported. Lead or admin."""
    people.require_role(people.actor(db, actor), *editing.EDIT_ROLES, action="importing a rotation's calendar")
    env = load_environment(db, clients=[])
    existing = next((r for r in env.rotations if r.id == rotation), None)
    problems = []
    if existing is None:
        if not (name or "").strip():
            problems.append("name: missing (a new rotation needs a name)")
        if level is None:
            problems.append("level: missing (a new rotation needs a level, 1-3)")
    elif expected_version is None:
        problems.append(f"rotation {rotation!r} exists: say which version you replace (expected_version)")
    zone = timezone or (existing.timezone if existing else env.msp.timezone)
    if not is_zone(zone):
        problems.append(f"timezone: {zone!r} is not an IANA time zone")
    if problems:
        raise DispatchError(f"the rotation {rotation!r} was not imported: " + "; ".join(problems), problems)
    source = calendar_source(rotation, content)
    try:
        calendar = IcalSchedule.from_text(source, content, env.technicians, zone)
    except IcalError as error:
        lines = [f"ical: {p}" for p in error.problems]
        raise DispatchError(f"the rotation {rotation!r} was not imported: " + "; ".join(lines), lines) from None
    value = Rotation(
        id=rotation,
        name=(name or "").strip() or existing.name,  # type: ignore[union-attr]
        level=level if level is not None else existing.level,  # type: ignore[union-attr]
        timezone=zone,
        active=(active if active is not None else (existing.active if existing else None)) or None,
        calendar=calendar,
    )
    return editing.save_record(db, actor=actor, kind="rotations", key=rotation if existing else None, value=value,
                               expected_version=expected_version, at=at)


def rotation_version(db: Database, rotation: str) -> int:
    """The version a replacement must name (``editing.get_record``'s)."""
    return editing.get_record(db, "rotations", rotation).version
