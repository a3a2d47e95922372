"""Validate bundle data (BUNDLE.md) and build the domain :class:`Environment` from it.

:class:`Validator` walks the data once and collects every problem as ``"path: message"``
(the path in the file, e.g. ``clients[2].systems[0].experts[1].tech``) instead of stopping at
the first; the reader raises them together.

Required keys (everything else is optional, with the default shown in DOMAIN.md or the model):

- top level: ``format`` (exactly ``dispatch-bundle/1``) and ``msp``; ``technicians``,
  ``rotations``, ``overrides``, ``clients`` default to empty lists;
- ``msp``: ``name``, ``timezone``;
- technician: ``id``, ``name``, ``level``; ``roles`` default ``[dispatcher]``; the extra key
  ``active`` (default true) keeps the inactive mark of a technician across export/import;
- unavailable entry and override: ``from``, ``to`` (override also ``rotation``, ``tech``);
- rotation: ``id``, ``name``, ``level`` (1-3, like a technician's); without ``ical`` also
  ``start``, ``length`` and at least one member; with ``ical`` none of those three;
  ``timezone`` defaults to the MSP's;
- client: ``id``, ``name``, ``timezone``; ``industry`` defaults to ``other``;
- contact: ``name``; system: ``id``, ``name`` (``criticality`` normal, ``fix_level`` 2);
  expert: ``tech``, ``role``; runbook: ``id``, ``title``, ``level``.

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
    CRITICALITIES,
    DEFAULT_ACK_MINUTES,
    DEFAULT_COVERAGE,
    DEFAULT_EMERGENCY,
    DEFAULT_RESPONSE_MINUTES,
    EXPERT_ROLES,
    IMPACTS,
    INDUSTRIES,
    LEVELS,
    PRIORITIES,
    ROLES,
    TECH_LEVELS,
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
from .ical import IcalError, IcalSchedule
from .secrets_check import secret_warning

FORMAT = "dispatch-bundle/1"
COVERAGE_WORDS = ("always", "business", "emergency", "never")

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_LENGTH = re.compile(r"^(\d+)([dwh])$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MISSING = object()

_TOP_KEYS = ("format", "msp", "technicians", "rotations", "overrides", "clients")
_MSP_KEYS = ("name", "timezone", "holidays")
_TECH_KEYS = ("id", "name", "level", "phones", "email", "roles", "unavailable", "active")
_SPAN_KEYS = ("from", "to", "reason")
_ROTATION_KEYS = ("id", "name", "level", "timezone", "start", "length", "active", "members", "ical")
_OVERRIDE_KEYS = ("rotation", "tech", "from", "to", "reason")
_CLIENT_KEYS = (
    "id", "name", "industry", "timezone", "phones", "holidays", "contacts", "agreement", "systems", "runbooks",
)
_CONTACT_KEYS = ("name", "phone", "email", "role", "may_authorize")
_AGREEMENT_KEYS = ("plan", "business_hours", "coverage", "response_minutes", "ack_minutes", "emergency", "notes")
_RULE_KEYS = ("systems", "criticality", "impact", "keywords")
_SYSTEM_KEYS = (
    "id", "name", "criticality", "fix_level", "depends_on", "experts", "vendor", "notes", "runbooks",
)
_EXPERT_KEYS = ("tech", "role")
_VENDOR_KEYS = ("name", "phone", "hours", "contract")
_RUNBOOK_KEYS = ("id", "title", "level", "review_days", "body")


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

    def items(self, value: object, path: str) -> list[tuple[str, object]]:
        """The entries of a list with their paths; absent means empty."""
        if value is _MISSING or value is None:
            return []
        if not isinstance(value, (list, tuple)):
            self.problem(path, f"expected a list, got {_kind(value)}")
            return []
        return [(f"{path}[{i}]", item) for i, item in enumerate(value)]

    def text(self, m: dict, key: str, path: str, *, required: bool = False, default: str | None = None) -> str | None:
        if key not in m:
            return default
        value = _scalar_text(m[key])
        where = _join(path, key)
        if value is None:
            self.problem(where, f"expected text, got {_kind(m[key])}")
            return default
        if required and not value.strip():
            self.problem(where, "must not be empty")
        return value

    def text_list(self, m: dict, key: str, path: str) -> tuple[str, ...]:
        out = []
        for where, item in self.items(m.get(key), _join(path, key)):
            value = _scalar_text(item)
            if value is None:
                self.problem(where, f"expected text, got {_kind(item)}")
            elif not value.strip():
                self.problem(where, "must not be empty")
            else:
                out.append(value)
        return tuple(out)

    def slug(self, m: dict, key: str, path: str) -> str | None:
        if key not in m:
            return None
        value = m[key]
        where = _join(path, key)
        if not isinstance(value, str) or not _SLUG.match(value):
            shown = repr(value) if isinstance(value, str) else _kind(value)
            self.problem(
                where, f"{shown} is not a valid id (lowercase letters, digits and '-', starting with a letter or digit)"
            )
            return value if isinstance(value, str) else None
        return value

    def integer(
        self, m: dict, key: str, path: str, allowed: Sequence[int] | None = None, *, default: int | None = None
    ) -> int | None:
        if key not in m:
            return default
        value = m[key]
        where = _join(path, key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(where, f"expected a whole number, got {_kind(value)}")
            return default
        if allowed is not None and value not in allowed:
            self.problem(where, f"{value} is out of range ({min(allowed)}-{max(allowed)})")
        elif allowed is None and value <= 0:
            self.problem(where, f"{value} must be a positive whole number")
        return value

    def boolean(self, m: dict, key: str, path: str, default: bool) -> bool:
        if key not in m:
            return default
        value = m[key]
        if not isinstance(value, bool):
            self.problem(_join(path, key), f"expected true or false, got {_kind(value)}")
            return default
        return value

    def choice(self, value: object, where: str, allowed: Sequence[str], what: str) -> str | None:
        if not isinstance(value, str) or value not in allowed:
            shown = repr(value) if isinstance(value, str) else _kind(value)
            self.problem(where, f"unknown {what} {shown} (one of: {', '.join(allowed)})")
            return None
        return value

    def choices(self, m: dict, key: str, path: str, allowed: Sequence[str], what: str) -> tuple[str, ...]:
        out = []
        for where, item in self.items(m.get(key), _join(path, key)):
            value = self.choice(item, where, allowed, what)
            if value is not None:
                out.append(value)
        return tuple(out)

    def timezone(self, m: dict, key: str, path: str, default: str | None = None) -> str | None:
        if key not in m:
            return default
        value = m[key]
        where = _join(path, key)
        if not isinstance(value, str) or not is_zone(value):
            shown = repr(value) if isinstance(value, str) else _kind(value)
            self.problem(where, f"{shown} is not an IANA time zone (for example America/Chicago)")
            return None
        return value

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

    def dates(self, m: dict, key: str, path: str) -> tuple[date, ...]:
        out = []
        for where, item in self.items(m.get(key), _join(path, key)):
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
            number = self.integer(given, priority, where)
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
        top = self.mapping(data, "", _TOP_KEYS, ("format", "msp"))
        if top is None:
            return None
        msp = self.msp(top.get("msp"), "msp") if "msp" in top else None
        msp_zone = msp.timezone if msp is not None else None

        technicians = []
        tech_seen: dict[str, str] = {}
        for where, item in self.items(top.get("technicians"), "technicians"):
            technician = self.technician(item, where, msp_zone, tech_seen)
            if technician is not None:
                technicians.append(technician)
        self.tech_ids = set(tech_seen)

        rotations = []
        rotation_seen: dict[str, str] = {}
        for where, item in self.items(top.get("rotations"), "rotations"):
            rotation = self.rotation(item, where, msp_zone, rotation_seen, technicians)
            if rotation is not None:
                rotations.append(rotation)

        overrides = []
        for where, item in self.items(top.get("overrides"), "overrides"):
            override = self.override(item, where, msp_zone)
            if override is not None:
                overrides.append(override)

        clients = []
        client_seen: dict[str, str] = {}
        for where, item in self.items(top.get("clients"), "clients"):
            client = self.client(item, where, client_seen)
            if client is not None:
                clients.append(client)

        if msp is None:
            return None
        return Environment(
            msp=msp,
            technicians=tuple(technicians),
            rotations=tuple(rotations),
            overrides=tuple(overrides),
            clients=tuple(clients),
        )

    def msp(self, value: object, path: str) -> Msp | None:
        m = self.mapping(value, path, _MSP_KEYS, ("name", "timezone"))
        if m is None:
            return None
        tz = self.timezone(m, "timezone", path)
        msp = Msp(
            name=self.text(m, "name", path, required=True) or "",
            timezone=tz or "",
            holidays=self.dates(m, "holidays", path),
        )
        return msp if tz else None

    def technician(self, value: object, path: str, msp_zone: str | None, seen: dict[str, str]) -> Technician | None:
        m = self.mapping(value, path, _TECH_KEYS, ("id", "name", "level"))
        if m is None:
            return None
        tech_id = self.slug(m, "id", path)
        self.unique(seen, tech_id, _join(path, "id"), "technician")
        name = self.text(m, "name", path, required=True) or ""
        level = self.integer(m, "level", path, TECH_LEVELS) or 0
        phones = self.text_list(m, "phones", path)
        email = self.text(m, "email", path)
        roles = self.choices(m, "roles", path, ROLES, "role") if "roles" in m else ("dispatcher",)
        leave = []
        for where, item in self.items(m.get("unavailable"), _join(path, "unavailable")):
            span = self.mapping(item, where, _SPAN_KEYS, ("from", "to"))
            if span is None:
                continue
            start, end = self.span(span, where, msp_zone)
            reason = self.text(span, "reason", where, default="") or ""
            leave.append(Unavailability(start=start, end=end, reason=reason))  # type: ignore[arg-type]
        return Technician(
            id=tech_id or "",
            name=name,
            level=level,
            phones=phones,
            email=email,
            roles=roles,
            unavailable=tuple(leave),
            active=self.boolean(m, "active", path, True),
        )

    def rotation(
        self, value: object, path: str, msp_zone: str | None, seen: dict[str, str], technicians: Sequence[Technician]
    ) -> Rotation | None:
        m = self.mapping(value, path, _ROTATION_KEYS, ("id", "name", "level"))
        if m is None:
            return None
        rotation_id = self.slug(m, "id", path)
        self.unique(seen, rotation_id, _join(path, "id"), "rotation")
        name = self.text(m, "name", path, required=True) or ""
        level = self.integer(m, "level", path, TECH_LEVELS) or 0
        tz = self.timezone(m, "timezone", path, default=msp_zone)
        if rotation_id is not None:
            self.rotation_zones.setdefault(rotation_id, tz)
        rotation = Rotation(id=rotation_id or "", name=name, level=level, timezone=tz or "")
        if "ical" in m:
            for key in ("start", "length", "members"):
                if key in m:
                    self.problem(_join(path, key), "not allowed with ical (the calendar gives the schedule)")
            active = self.window(m["active"], _join(path, "active")) if "active" in m else None
            calendar = self.calendar(m["ical"], _join(path, "ical"), tz, technicians)
            return replace(rotation, active=active, calendar=calendar)
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
        active = self.window(m["active"], _join(path, "active")) if "active" in m else None
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
        return replace(rotation, start=start, length=length, active=active, members=tuple(members))

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
        if PurePosixPath(value).is_absolute() or PureWindowsPath(value).is_absolute():
            self.problem(where, f"{value!r} must be a path relative to the bundle file")
            return None
        file = self.base_dir / value
        try:
            content = file.read_bytes().decode("utf-8-sig")
        except FileNotFoundError:
            self.problem(where, f"cannot read {value!r}: no such file (looked for {file})")
            return None
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

    def override(self, value: object, path: str, msp_zone: str | None) -> Override | None:
        m = self.mapping(value, path, _OVERRIDE_KEYS, ("rotation", "tech", "from", "to"))
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
            reason=self.text(m, "reason", path, default="") or "",
        )

    def client(self, value: object, path: str, seen: dict[str, str]) -> Client | None:
        m = self.mapping(value, path, _CLIENT_KEYS, ("id", "name", "timezone"))
        if m is None:
            return None
        client_id = self.slug(m, "id", path)
        self.unique(seen, client_id, _join(path, "id"), "client")
        name = self.text(m, "name", path, required=True) or ""
        industry = "other"
        if "industry" in m:
            industry = self.choice(m["industry"], _join(path, "industry"), INDUSTRIES, "industry") or "other"
        tz = self.timezone(m, "timezone", path) or ""
        phones = self.text_list(m, "phones", path)
        holidays = self.dates(m, "holidays", path)
        contacts = []
        for where, item in self.items(m.get("contacts"), _join(path, "contacts")):
            contact = self.contact(item, where)
            if contact is not None:
                contacts.append(contact)

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
        runbooks = self.runbooks(m, path, runbook_ids)
        return Client(
            id=client_id or "",
            name=name,
            timezone=tz,
            industry=industry,
            phones=phones,
            holidays=holidays,
            contacts=tuple(contacts),
            agreement=agreement,
            systems=tuple(systems),
            runbooks=runbooks,
        )

    def contact(self, value: object, path: str) -> Contact | None:
        m = self.mapping(value, path, _CONTACT_KEYS, ("name",))
        if m is None:
            return None
        return Contact(
            name=self.text(m, "name", path, required=True) or "",
            phone=self.text(m, "phone", path),
            email=self.text(m, "email", path),
            role=self.text(m, "role", path),
            may_authorize=self.boolean(m, "may_authorize", path, False),
        )

    def agreement(self, value: object, path: str, system_ids: set[str], client_id: str | None) -> Agreement | None:
        m = self.mapping(value, path, _AGREEMENT_KEYS)
        if m is None:
            return None
        plan = self.text(m, "plan", path, default="") or ""
        business_hours = Agreement().business_hours
        if "business_hours" in m:
            business_hours = self.window(m["business_hours"], _join(path, "business_hours")) or business_hours
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
            rules = []
            for where, item in self.items(m["emergency"], _join(path, "emergency")):
                rule = self.emergency_rule(item, where, system_ids, client_id)
                if rule is not None:
                    rules.append(rule)
            emergency = tuple(rules)
        return Agreement(
            plan=plan,
            business_hours=business_hours,
            coverage=coverage,
            response_minutes=self.minutes(m, "response_minutes", path, DEFAULT_RESPONSE_MINUTES),
            ack_minutes=self.minutes(m, "ack_minutes", path, DEFAULT_ACK_MINUTES),
            emergency=emergency,
            notes=self.text(m, "notes", path, default="") or "",
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
        m = self.mapping(value, path, _RULE_KEYS)
        if m is None:
            return None
        systems = None
        if "systems" in m:
            systems = []
            for where, item in self.items(m["systems"], _join(path, "systems")):
                if not isinstance(item, str) or item not in system_ids:
                    self.problem(where, f"no system {item!r} in client {client_id!r}")
                else:
                    systems.append(item)
            systems = tuple(systems)
        return EmergencyRule(
            systems=systems,
            criticality=self.choices(m, "criticality", path, CRITICALITIES, "criticality") if "criticality" in m else None,
            impact=self.choices(m, "impact", path, IMPACTS, "impact") if "impact" in m else None,
            keywords=self.text_list(m, "keywords", path) if "keywords" in m else None,
        )

    def system(
        self,
        value: object,
        path: str,
        system_ids: set[str],
        client_id: str | None,
        seen: dict[str, str],
        runbook_ids: dict[str, str],
    ) -> System | None:
        m = self.mapping(value, path, _SYSTEM_KEYS, ("id", "name"))
        if m is None:
            return None
        system_id = self.slug(m, "id", path)
        self.unique(seen, system_id, _join(path, "id"), "system")
        name = self.text(m, "name", path, required=True) or ""
        criticality = "normal"
        if "criticality" in m:
            criticality = self.choice(m["criticality"], _join(path, "criticality"), CRITICALITIES, "criticality") or "normal"
        fix_level = self.integer(m, "fix_level", path, LEVELS, default=2) or 2
        depends_on = []
        for where, item in self.items(m.get("depends_on"), _join(path, "depends_on")):
            if not isinstance(item, str) or item not in system_ids:
                self.problem(where, f"no system {item!r} in client {client_id!r}")
            else:
                depends_on.append(item)
        experts = []
        for where, item in self.items(m.get("experts"), _join(path, "experts")):
            expert = self.mapping(item, where, _EXPERT_KEYS, ("tech", "role"))
            if expert is None:
                continue
            tech = expert.get("tech")
            if "tech" in expert and (not isinstance(tech, str) or tech not in self.tech_ids):
                self.problem(_join(where, "tech"), f"no technician {tech!r}")
            role = self.choice(expert["role"], _join(where, "role"), EXPERT_ROLES, "expert role") if "role" in expert else None
            experts.append(Expert(tech=tech if isinstance(tech, str) else "", role=role or ""))
        vendor = None
        if "vendor" in m:
            v = self.mapping(m["vendor"], _join(path, "vendor"), _VENDOR_KEYS)
            if v is not None:
                where = _join(path, "vendor")
                vendor = Vendor(*(self.text(v, key, where) for key in _VENDOR_KEYS))
        return System(
            id=system_id or "",
            name=name,
            criticality=criticality,
            fix_level=fix_level,
            depends_on=tuple(depends_on),
            experts=tuple(experts),
            vendor=vendor,
            notes=self.text(m, "notes", path, default="") or "",
            runbooks=self.runbooks(m, path, runbook_ids),
        )

    def runbooks(self, owner: dict, path: str, seen: dict[str, str]) -> tuple[Runbook, ...]:
        out = []
        for where, item in self.items(owner.get("runbooks"), _join(path, "runbooks")):
            m = self.mapping(item, where, _RUNBOOK_KEYS, ("id", "title", "level"))
            if m is None:
                continue
            runbook_id = self.slug(m, "id", where)
            self.unique(seen, runbook_id, _join(where, "id"), "runbook")
            title = self.text(m, "title", where, required=True) or ""
            level = self.integer(m, "level", where, LEVELS) or 0
            review_days = self.integer(m, "review_days", where)
            body = self.text(m, "body", where, default="") or ""
            for key, text in (("title", title), ("body", body)):
                warning = secret_warning(_join(where, key), text)
                if warning:
                    self.warnings.append(warning)
            out.append(
                Runbook(
                    id=runbook_id or "",
                    title=title,
                    level=level,
                    body=body,
                    review_days=review_days,
                )
            )
        return tuple(out)
