"""Validate bundle data (BUNDLE.md) and build the domain :class:`Environment` from it.

:class:`Validator` walks the data once and collects every problem as ``"path: message"``
(the path in the file, e.g. ``clients[2].systems[0].experts[1].tech``) instead of stopping at
the first; the reader raises them together.

Which keys each record allows and requires, what each plain value must be and what an absent
one means are declared once in :mod:`.shape`; :meth:`Validator.fields` reads a record's plain
values from that declaration. What a table cannot say is written out here, in the record's own
method: references between records, ``ical`` instead of ``start``/``length``/``members``,
``from`` before ``to``, instants read in the owning record's time zone, coverage rules.

An agreement's missing levels and priorities are filled with the defaults of DOMAIN.md, so
the model always holds all four. A key given as ``null`` counts as absent.

Uniqueness: technician, rotation and client ids across the bundle; system ids within their
client; runbook ids within their client, client-wide and system runbooks together (a
runbook is found by client and id).

Dates and instants are read from text (or from ``date``/``datetime`` values, for data built
in Python) by :mod:`dispatch_app.domain.localtime` with the DST rules of DOMAIN.md.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Sequence

from ..domain import windows
from ..domain.localtime import (FIRST_YEAR, LAST_YEAR, UTC, BadInstant, InstantOutOfRange, check_in_range,
                                is_zone, parse_local_or_instant, resolve, to_local)
from ..domain.model import (
    DEFAULT_ACK_MINUTES,
    DEFAULT_COVERAGE,
    DEFAULT_EMERGENCY,
    DEFAULT_RESPONSE_MINUTES,
    LEVELS,
    PRIORITIES,
    Agreement,
    Client,
    Contact,
    EmergencyRule,
    Environment,
    Expert,
    Length,
    Msp,
    Override,
    Rotation,
    Runbook,
    System,
    Technician,
    Unavailability,
    Vendor,
)
from . import shape
from .ical import IcalError, IcalSchedule
from .secrets_check import secret_warning
from .shape import COVERAGE_WORDS, FORMAT, Key, Record

_SLUG = re.compile(shape.SLUG)
_LENGTH = re.compile(shape.LENGTH)
_DATE = re.compile(shape.DATE)
_MISSING = object()


# ---------------------------------------------------------------- validation


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _scalar_text(value: object) -> str | None:
    """Free text: strings as they are, numbers as written (``contract: 4471``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return None


def _fallback(key: Key) -> object:
    """What an absent key means, as the validator builds values (lists become tuples)."""
    if key.default is shape._ABSENT:
        return None
    return tuple(key.default) if isinstance(key.default, list) else key.default


_plain: dict[str, tuple] = {}


def _plain_keys(record: Record) -> tuple:
    """The keys of ``record`` that :meth:`Validator.fields` reads, each with its reader."""
    if record.name not in _plain:
        found = []
        for key in record.keys:
            kind = type(key.kind.item) if isinstance(key.kind, shape.ListOf) else type(key.kind)
            read = (_LIST_READERS if isinstance(key.kind, shape.ListOf) else _READERS).get(kind)
            if read is not None:
                found.append((key.name, key, read, _fallback(key)))
        _plain[record.name] = tuple(found)
    return _plain[record.name]


class Validator:
    """One pass over bundle data, collecting problems and warnings instead of stopping.

    ``bundle(data)`` returns the environment (None when even its frame is unreadable); it is
    only meaningful when ``problems`` is empty.
    """

    def __init__(self, base_dir: Path):
        self.base_dir = base_dir
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.tech_ids: set[str] = set()
        self.rotation_zones: dict[str, str | None] = {}

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}" if path else message)

    # ------------------------------------------------------------ generic shapes

    def mapping(self, value: object, path: str, allowed: Sequence[str], required: Sequence[str] = ()) -> dict | None:
        """The mapping at ``path`` with ``None`` values dropped; unknown and missing keys reported."""
        if not isinstance(value, dict):
            self.problem(path, f"expected a mapping, got {_kind(value)}")
            return None
        out = {}
        for key, item in value.items():
            name = str(key)
            if name not in allowed:
                hint = difflib.get_close_matches(name, allowed, n=1)
                suffix = f"; did you mean {hint[0]!r}?" if hint else f" (allowed: {', '.join(allowed)})"
                self.problem(_join(path, name), f"unknown key{suffix}")
                continue
            if item is not None:
                out[name] = item
        for key in required:
            if key not in out:
                self.problem(_join(path, key), "missing (required)")
        return out

    def record(self, value: object, path: str, record: Record) -> dict | None:
        """The mapping at ``path`` checked against the keys :mod:`.shape` declares for ``record``."""
        return self.mapping(value, path, record.names, record.required)

    def fields(self, m: dict, record: Record, path: str) -> dict[str, object]:
        """Every plain value of ``record`` (the kinds :data:`_READERS` names), checked in declared
        order; an absent or unreadable one is its default. Records, references, instants and the
        like are read by the record's own method."""
        out = {}
        for name, key, read, fallback in _plain_keys(record):
            out[name] = read(self, m, key, path) if name in m else fallback
        return out

    def items(self, value: object, path: str) -> list[tuple[str, object]]:
        """The entries of a list with their paths; absent means empty."""
        if value is _MISSING or value is None:
            return []
        if not isinstance(value, (list, tuple)):
            self.problem(path, f"expected a list, got {_kind(value)}")
            return []
        return [(f"{path}[{i}]", item) for i, item in enumerate(value)]

    # Each reader below takes a present key of :mod:`.shape` (see :data:`_READERS`).

    def text(self, m: dict, key: Key, path: str) -> str | None:
        value = _scalar_text(m[key.name])
        where = _join(path, key.name)
        if value is None:
            self.problem(where, f"expected text, got {_kind(m[key.name])}")
            return _fallback(key)
        if key.kind.not_empty and not value.strip():
            self.problem(where, "must not be empty")
        return value

    def text_list(self, m: dict, key: Key, path: str) -> tuple[str, ...]:
        out = []
        for where, item in self.items(m[key.name], _join(path, key.name)):
            value = _scalar_text(item)
            if value is None:
                self.problem(where, f"expected text, got {_kind(item)}")
            elif not value.strip():
                self.problem(where, "must not be empty")
            else:
                out.append(value)
        return tuple(out)

    def slug(self, m: dict, key: Key, path: str) -> str | None:
        value = m[key.name]
        where = _join(path, key.name)
        if not isinstance(value, str) or not _SLUG.match(value):
            shown = repr(value) if isinstance(value, str) else _kind(value)
            self.problem(
                where, f"{shown} is not a valid id (lowercase letters, digits and '-', starting with a letter or digit)"
            )
            return value if isinstance(value, str) else None
        return value

    def whole(self, m: dict, key: Key, path: str) -> int | None:
        return self.integer(m[key.name], _join(path, key.name), key.kind.allowed, _fallback(key))

    def integer(self, value: object, where: str, allowed: Sequence[int] | None, default: int | None) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(where, f"expected a whole number, got {_kind(value)}")
            return default
        if allowed is not None and value not in allowed:
            self.problem(where, f"{value} is out of range ({min(allowed)}-{max(allowed)})")
        elif allowed is None and value <= 0:
            self.problem(where, f"{value} must be a positive whole number")
        return value

    def boolean(self, m: dict, key: Key, path: str) -> bool:
        value = m[key.name]
        if not isinstance(value, bool):
            self.problem(_join(path, key.name), f"expected true or false, got {_kind(value)}")
            return _fallback(key)  # type: ignore[return-value]
        return value

    def one_of(self, m: dict, key: Key, path: str) -> str | None:
        found = self.choice(m[key.name], _join(path, key.name), key.kind.values, key.kind.what)
        return _fallback(key) if found is None else found  # type: ignore[return-value]

    def choice(self, value: object, where: str, allowed: Sequence[str], what: str) -> str | None:
        if not isinstance(value, str) or value not in allowed:
            shown = repr(value) if isinstance(value, str) else _kind(value)
            self.problem(where, f"unknown {what} {shown} (one of: {', '.join(allowed)})")
            return None
        return value

    def choices(self, m: dict, key: Key, path: str) -> tuple[str, ...]:
        out = []
        for where, item in self.items(m[key.name], _join(path, key.name)):
            value = self.choice(item, where, key.kind.item.values, key.kind.item.what)
            if value is not None:
                out.append(value)
        return tuple(out)

    def timezone(self, m: dict, key: Key, path: str) -> str | None:
        value = m[key.name]
        where = _join(path, key.name)
        if not isinstance(value, str) or not is_zone(value):
            shown = repr(value) if isinstance(value, str) else _kind(value)
            self.problem(where, f"{shown} is not an IANA time zone (for example America/Chicago)")
            return None
        return value

    def window_key(self, m: dict, key: Key, path: str) -> str | None:
        return self.window(m[key.name], _join(path, key.name)) or _fallback(key)  # type: ignore[return-value]

    def window(self, value: object, where: str) -> str | None:
        if not isinstance(value, str):
            self.problem(where, f"expected a window expression, got {_kind(value)}")
            return None
        try:
            windows.parse(value)
        except windows.BadWindow as exc:
            self.problem(where, f"bad window expression: {exc}")
            return None
        return value

    def dates(self, m: dict, key: Key, path: str) -> tuple[date, ...]:
        out = []
        for where, item in self.items(m[key.name], _join(path, key.name)):
            if isinstance(item, datetime):
                self.problem(where, f"expected a date (YYYY-MM-DD), got an instant {item.isoformat()}")
            elif isinstance(item, date):
                out.append(item)
            elif isinstance(item, str) and _DATE.match(item.strip()):
                try:
                    out.append(date.fromisoformat(item.strip()))
                except ValueError:
                    self.problem(where, f"{item!r} is not a date (YYYY-MM-DD)")
            else:
                shown = repr(item) if isinstance(item, str) else _kind(item)
                self.problem(where, f"{shown} is not a date (YYYY-MM-DD)")
            if out and not FIRST_YEAR <= out[-1].year <= LAST_YEAR:
                day = out.pop()
                self.problem(where, f"{day.isoformat()}: {day.year:04d} is outside the years {FIRST_YEAR} to "
                                    f"{LAST_YEAR} this program accepts")
        return tuple(out)

    def local_or_instant(self, m: dict, key: str, path: str) -> datetime | None:
        """A datetime as written: aware with an offset, naive (wall clock) without."""
        if key not in m:
            return None
        value = m[key]
        where = _join(path, key)
        if isinstance(value, date) and not isinstance(value, datetime):
            value = datetime.combine(value, time())
        if isinstance(value, datetime):  # YAML reads unquoted timestamps itself
            try:
                return check_in_range(value)
            except InstantOutOfRange as error:
                self.problem(where, str(error))
                return None
        if not isinstance(value, str):
            self.problem(where, f"expected an ISO 8601 instant, got {_kind(value)}")
            return None
        try:
            return parse_local_or_instant(value)
        except InstantOutOfRange as error:
            self.problem(where, f"{value!r}: {error}")
            return None
        except BadInstant:
            self.problem(where, f"{value!r} is not an ISO 8601 instant (for example 2026-11-27T18:00 or 2026-11-27T18:00:00-06:00)")
            return None

    def instant(self, m: dict, key: str, path: str, tz: str | None) -> datetime | None:
        """An exact instant (UTC); without an offset it is read in ``tz``."""
        value = self.local_or_instant(m, key, path)
        if value is None:
            return None
        if value.tzinfo is not None:
            return value.astimezone(UTC)
        if tz is None:
            return None  # the owning time zone is wrong; that is reported already
        return resolve(value, tz)

    def span(self, m: dict, path: str, tz: str | None) -> tuple[datetime | None, datetime | None]:
        start = self.instant(m, "from", path, tz)
        end = self.instant(m, "to", path, tz)
        if start is not None and end is not None and not start < end:
            self.problem(_join(path, "to"), f"must be after from ({m['from']} .. {m['to']})")
        return start, end

    def minutes(self, m: dict, key: str, path: str, defaults: dict[str, int]) -> dict[str, int]:
        out = dict(defaults)
        if key not in m:
            return out
        where = _join(path, key)
        given = self.mapping(m[key], where, PRIORITIES)
        for priority, value in (given or {}).items():
            number = self.integer(value, _join(where, priority), None, None)
            if number is not None and number > 0:
                out[priority] = number
        return out

    def unique(self, seen: dict[str, str], value: str | None, where: str, what: str) -> None:
        if value is None:
            return
        if value in seen:
            self.problem(where, f"duplicate {what} id {value!r} (also at {seen[value]})")
        else:
            seen[value] = where

    # ------------------------------------------------------------ the bundle

    def bundle(self, data: object) -> Environment | None:
        if not isinstance(data, dict):
            self.problem("", f"a bundle is a mapping with format: {FORMAT}, got {_kind(data)}")
            return None
        fmt = data.get("format", _MISSING)
        if fmt is _MISSING or fmt is None:
            self.problem("format", f"missing; this program reads {FORMAT!r} bundles")
            return None
        if fmt != FORMAT:
            self.problem("format", f"{fmt!r} is not supported; this program reads {FORMAT!r} bundles")
            return None
        top = self.record(data, "", shape.BUNDLE)
        if top is None:
            return None
        msp = self.msp(top.get("msp"), "msp") if "msp" in top else None
        msp_zone = msp.timezone if msp is not None else None

        tech_seen: dict[str, str] = {}
        technicians = self.each(top, "technicians", "", self.technician, msp_zone, tech_seen)
        self.tech_ids = set(tech_seen)
        rotations = self.each(top, "rotations", "", self.rotation, msp_zone, {}, technicians)
        overrides = self.each(top, "overrides", "", self.override, msp_zone)
        clients = self.each(top, "clients", "", self.client, {})
        if msp is None:
            return None
        return Environment(
            msp=msp,
            technicians=technicians,
            rotations=rotations,
            overrides=overrides,
            clients=clients,
        )

    def each(self, m: dict, key: str, path: str, read, *context) -> tuple:
        """The records listed under ``key``, each read by ``read(item, its path, *context)``;
        those that cannot be read at all are left out (their problems are reported)."""
        out = []
        for where, item in self.items(m.get(key), _join(path, key)):
            value = read(item, where, *context)
            if value is not None:
                out.append(value)
        return tuple(out)

    def msp(self, value: object, path: str) -> Msp | None:
        m = self.record(value, path, shape.MSP)
        if m is None:
            return None
        f = self.fields(m, shape.MSP, path)
        tz = f["timezone"]
        msp = Msp(name=f["name"] or "", timezone=tz or "", holidays=f["holidays"])
        return msp if tz else None

    def technician(self, value: object, path: str, msp_zone: str | None, seen: dict[str, str]) -> Technician | None:
        m = self.record(value, path, shape.TECHNICIAN)
        if m is None:
            return None
        f = self.fields(m, shape.TECHNICIAN, path)
        self.unique(seen, f["id"], _join(path, "id"), "technician")
        return Technician(
            id=f["id"] or "",
            name=f["name"] or "",
            level=f["level"] or 0,
            phones=f["phones"],
            email=f["email"],
            roles=f["roles"],
            unavailable=self.each(m, "unavailable", path, self.leave, msp_zone),
            active=f["active"],
        )

    def leave(self, value: object, path: str, msp_zone: str | None) -> Unavailability | None:
        m = self.record(value, path, shape.SPAN)
        if m is None:
            return None
        start, end = self.span(m, path, msp_zone)
        return Unavailability(start=start, end=end, reason=self.fields(m, shape.SPAN, path)["reason"])  # type: ignore[arg-type]

    def rotation(
        self, value: object, path: str, msp_zone: str | None, seen: dict[str, str], technicians: Sequence[Technician]
    ) -> Rotation | None:
        m = self.record(value, path, shape.ROTATION)
        if m is None:
            return None
        f = self.fields(m, shape.ROTATION, path)
        rotation_id = f["id"]
        self.unique(seen, rotation_id, _join(path, "id"), "rotation")
        tz = f["timezone"] if "timezone" in m else msp_zone
        if rotation_id is not None:
            self.rotation_zones.setdefault(rotation_id, tz)
        rotation = Rotation(id=rotation_id or "", name=f["name"] or "", level=f["level"] or 0, timezone=tz or "",
                            active=f["active"])
        if "ical" in m:
            for key in ("start", "length", "members"):
                if key in m:
                    self.problem(_join(path, key), "not allowed with ical (the calendar gives the schedule)")
            calendar = self.calendar(m["ical"], _join(path, "ical"), tz, technicians)
            return replace(rotation, calendar=calendar)
        start = None
        if "start" not in m:
            self.problem(_join(path, "start"), "missing (required unless ical is given)")
        else:
            start = self.local_or_instant(m, "start", path)
            if start is not None and start.tzinfo is not None and tz:
                start = to_local(start, tz)
        length = None
        if "length" not in m:
            self.problem(_join(path, "length"), "missing (required unless ical is given)")
        else:
            length = self.length(m["length"], _join(path, "length"))
        members = []
        member_path = _join(path, "members")
        for where, item in self.items(m.get("members"), member_path):
            if not isinstance(item, str):
                self.problem(where, f"expected a technician id, got {_kind(item)}")
            elif item not in self.tech_ids:
                self.problem(where, f"no technician {item!r}")
            else:
                members.append(item)
        if m.get("members", []) == []:
            self.problem(member_path, "a rotation needs at least one member (or an ical file)")
        return replace(rotation, start=start, length=length, members=tuple(members))

    def length(self, value: object, where: str) -> Length | None:
        match = _LENGTH.match(value) if isinstance(value, str) else None
        if not match or int(match[1]) <= 0:
            shown = repr(value) if isinstance(value, str) else _kind(value)
            self.problem(where, f"{shown} is not a length (a positive whole number of d, w or h, like 1w or 12h)")
            return None
        return Length(int(match[1]), match[2])

    def calendar(self, value: object, where: str, tz: str | None, technicians: Sequence[Technician]) -> IcalSchedule | None:
        if not isinstance(value, str) or not value.strip():
            self.problem(where, f"expected the path of an iCalendar file, got {_kind(value)}")
            return None
        file = self.inside(value, where)
        if file is None:
            return None
        try:
            if not file.is_file():
                self.problem(where, f"cannot read {value!r}: it is not a regular file" if file.exists()
                             else f"cannot read {value!r}: no such file (looked for {self.base_dir / value})")
                return None
            content = file.read_bytes().decode("utf-8-sig")
        except OSError as exc:
            self.problem(where, f"cannot read {value!r}: {exc.strerror or exc}")
            return None
        except UnicodeDecodeError:
            self.problem(where, f"cannot read {value!r}: it is not UTF-8 text")
            return None
        if tz is None:
            return None
        try:
            return IcalSchedule.from_text(value, content, technicians, tz)
        except IcalError as exc:
            for line in exc.problems or [str(exc)]:
                self.problem(where, f"{value}: {line}")
            return None

    def inside(self, value: str, where: str) -> Path | None:
        """The file a bundle path names, when it stays inside the bundle's folder: relative, without
        ``..``, and not leading out through a symbolic link (export writes the file back there)."""
        if PurePosixPath(value).is_absolute() or PureWindowsPath(value).is_absolute() or PureWindowsPath(value).drive:
            self.problem(where, f"{value!r} must be a path relative to the bundle file")
            return None
        if ".." in PurePosixPath(value).parts or ".." in PureWindowsPath(value).parts:
            self.problem(where, f"{value!r} climbs out of the bundle's folder ('..'); keep the file in that folder or below it")
            return None
        file = self.base_dir / value
        try:
            folder = self.base_dir.resolve()
            leads_out = not file.resolve().is_relative_to(folder)
        except (OSError, RuntimeError):  # a loop of links
            leads_out = True
        if leads_out:
            self.problem(where, f"{value!r} leads out of the bundle's folder through a symbolic link; "
                                "keep the file itself in that folder or below it")
            return None
        return file

    def override(self, value: object, path: str, msp_zone: str | None) -> Override | None:
        m = self.record(value, path, shape.OVERRIDE)
        if m is None:
            return None
        rotation_id = m.get("rotation")
        tz: str | None = msp_zone
        if "rotation" in m:
            if not isinstance(rotation_id, str) or rotation_id not in self.rotation_zones:
                self.problem(_join(path, "rotation"), f"no rotation {rotation_id!r}")
            else:
                tz = self.rotation_zones[rotation_id]
        tech = m.get("tech")
        if "tech" in m and (not isinstance(tech, str) or tech not in self.tech_ids):
            self.problem(_join(path, "tech"), f"no technician {tech!r}")
        start, end = self.span(m, path, tz)
        return Override(
            rotation=rotation_id if isinstance(rotation_id, str) else "",
            tech=tech if isinstance(tech, str) else "",
            start=start,  # type: ignore[arg-type]
            end=end,  # type: ignore[arg-type]
            reason=self.fields(m, shape.OVERRIDE, path)["reason"],
        )

    def client(self, value: object, path: str, seen: dict[str, str]) -> Client | None:
        m = self.record(value, path, shape.CLIENT)
        if m is None:
            return None
        f = self.fields(m, shape.CLIENT, path)
        client_id = f["id"]
        self.unique(seen, client_id, _join(path, "id"), "client")
        contacts = self.each(m, "contacts", path, self.contact)

        # System ids first, so depends_on and emergency rules may name any system of the client.
        raw_systems = self.items(m.get("systems"), _join(path, "systems"))
        system_ids = {item["id"] for _, item in raw_systems if isinstance(item, dict) and isinstance(item.get("id"), str)}
        agreement = Agreement()
        if "agreement" in m:
            agreement = self.agreement(m["agreement"], _join(path, "agreement"), system_ids, client_id) or agreement
        seen_systems: dict[str, str] = {}
        runbook_ids: dict[str, str] = {}
        systems = []
        for where, item in raw_systems:
            system = self.system(item, where, system_ids, client_id, seen_systems, runbook_ids)
            if system is not None:
                systems.append(system)
        return Client(
            id=client_id or "",
            name=f["name"] or "",
            timezone=f["timezone"] or "",
            industry=f["industry"],
            phones=f["phones"],
            holidays=f["holidays"],
            contacts=contacts,
            agreement=agreement,
            systems=tuple(systems),
            runbooks=self.each(m, "runbooks", path, self.runbook, runbook_ids),
        )

    def contact(self, value: object, path: str) -> Contact | None:
        m = self.record(value, path, shape.CONTACT)
        if m is None:
            return None
        f = self.fields(m, shape.CONTACT, path)
        return Contact(name=f["name"] or "", phone=f["phone"], email=f["email"], role=f["role"],
                       may_authorize=f["may_authorize"])

    def agreement(self, value: object, path: str, system_ids: set[str], client_id: str | None) -> Agreement | None:
        m = self.record(value, path, shape.AGREEMENT)
        if m is None:
            return None
        f = self.fields(m, shape.AGREEMENT, path)
        coverage = dict(DEFAULT_COVERAGE)
        if "coverage" in m:
            coverage_path = _join(path, "coverage")
            if not isinstance(m["coverage"], dict):
                self.problem(coverage_path, f"expected a mapping of levels 1-4, got {_kind(m['coverage'])}")
            else:
                for key, rule in m["coverage"].items():
                    level = self.coverage_level(key, coverage_path)
                    if level is None:
                        continue
                    where = f"{coverage_path}.{key}"
                    if rule is None:
                        continue
                    if isinstance(rule, str) and rule in COVERAGE_WORDS:
                        coverage[level] = rule
                    elif isinstance(rule, str) and not any(ch.isdigit() for ch in rule):
                        self.problem(
                            where,
                            f"unknown coverage rule {rule!r} (always, business, emergency, never"
                            " or a window expression like 'mon-fri 08:00-17:00')",
                        )
                    elif isinstance(rule, str):
                        if self.window(rule, where) is not None:
                            coverage[level] = rule
                    else:
                        self.problem(where, f"expected always, business, emergency, never or a window expression, got {_kind(rule)}")
        emergency = DEFAULT_EMERGENCY
        if "emergency" in m:
            emergency = self.each(m, "emergency", path, self.emergency_rule, system_ids, client_id)
        return Agreement(
            plan=f["plan"],
            business_hours=f["business_hours"],
            coverage=coverage,
            response_minutes=self.minutes(m, "response_minutes", path, DEFAULT_RESPONSE_MINUTES),
            ack_minutes=self.minutes(m, "ack_minutes", path, DEFAULT_ACK_MINUTES),
            emergency=emergency,
            notes=f["notes"],
        )

    def coverage_level(self, key: object, path: str) -> int | None:
        """Coverage keys: 1..4 as numbers (YAML) or the strings "1".."4" (JSON)."""
        level: int | None = None
        if isinstance(key, int) and not isinstance(key, bool):
            level = key
        elif isinstance(key, str) and key.strip().isdigit():
            level = int(key)
        if level not in LEVELS:
            self.problem(f"{path}.{key}", "unknown level (coverage keys are the levels 1, 2, 3, 4)")
            return None
        return level

    def emergency_rule(self, value: object, path: str, system_ids: set[str], client_id: str | None) -> EmergencyRule | None:
        m = self.record(value, path, shape.RULE)
        if m is None:
            return None
        systems = None
        if "systems" in m:
            systems = tuple(self.references(m, "systems", path, system_ids, client_id))
        f = self.fields(m, shape.RULE, path)
        return EmergencyRule(systems=systems, criticality=f["criticality"], impact=f["impact"], keywords=f["keywords"])

    def references(self, m: dict, key: str, path: str, system_ids: set[str], client_id: str | None) -> list[str]:
        """The systems listed under ``key`` that the client has; each other one is a problem."""
        out = []
        for where, item in self.items(m.get(key), _join(path, key)):
            if not isinstance(item, str) or item not in system_ids:
                self.problem(where, f"no system {item!r} in client {client_id!r}")
            else:
                out.append(item)
        return out

    def system(
        self,
        value: object,
        path: str,
        system_ids: set[str],
        client_id: str | None,
        seen: dict[str, str],
        runbook_ids: dict[str, str],
    ) -> System | None:
        m = self.record(value, path, shape.SYSTEM)
        if m is None:
            return None
        f = self.fields(m, shape.SYSTEM, path)
        system_id = f["id"]
        self.unique(seen, system_id, _join(path, "id"), "system")
        depends_on = self.references(m, "depends_on", path, system_ids, client_id)
        vendor = None
        if "vendor" in m:
            v = self.record(m["vendor"], _join(path, "vendor"), shape.VENDOR)
            if v is not None:
                vendor = Vendor(**self.fields(v, shape.VENDOR, _join(path, "vendor")))
        return System(
            id=system_id or "",
            name=f["name"] or "",
            criticality=f["criticality"],
            fix_level=f["fix_level"] or 2,
            depends_on=tuple(depends_on),
            experts=self.each(m, "experts", path, self.expert),
            vendor=vendor,
            notes=f["notes"],
            runbooks=self.each(m, "runbooks", path, self.runbook, runbook_ids),
        )

    def expert(self, value: object, path: str) -> Expert | None:
        m = self.record(value, path, shape.EXPERT)
        if m is None:
            return None
        tech = m.get("tech")
        if "tech" in m and (not isinstance(tech, str) or tech not in self.tech_ids):
            self.problem(_join(path, "tech"), f"no technician {tech!r}")
        role = self.fields(m, shape.EXPERT, path)["role"]
        return Expert(tech=tech if isinstance(tech, str) else "", role=role or "")

    def runbook(self, value: object, path: str, seen: dict[str, str]) -> Runbook | None:
        m = self.record(value, path, shape.RUNBOOK)
        if m is None:
            return None
        f = self.fields(m, shape.RUNBOOK, path)
        self.unique(seen, f["id"], _join(path, "id"), "runbook")
        for key in ("title", "body"):
            warning = secret_warning(_join(path, key), f[key] or "")
            if warning:
                self.warnings.append(warning)
        return Runbook(id=f["id"] or "", title=f["title"] or "", level=f["level"] or 0, body=f["body"],
                       review_days=f["review_days"])


# the plain kinds of :mod:`.shape`, and those of lists, with the method that reads them
_READERS = {
    shape.Text: Validator.text, shape.Id: Validator.slug, shape.Whole: Validator.whole, shape.Flag: Validator.boolean,
    shape.Choice: Validator.one_of, shape.Zone: Validator.timezone, shape.Window: Validator.window_key,
}
_LIST_READERS = {shape.Text: Validator.text_list, shape.Day: Validator.dates, shape.Choice: Validator.choices}
