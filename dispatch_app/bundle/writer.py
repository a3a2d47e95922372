"""Write an environment as a bundle (BUNDLE.md), the inverse of :mod:`.reader`.

Every value is written explicitly (defaults included, except empty texts and lists and
absent optional values), keys in the order :mod:`.shape` declares (BUNDLE.md's), so
``parse(write(env)) == env``.
Leave and override instants carry the offset of their owning zone (the MSP's, the
rotation's): exact and readable (``2026-12-20T00:00:00-06:00``). A rotation's start is its
naive local wall clock. iCalendar rotations are written back as files beside the bundle,
under their relative path. Files are replaced whole (written aside, then renamed).
"""
from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import yaml

from ..domain.localtime import to_local, zone
from ..files import write_file
from ..domain.model import PRIORITIES, Agreement, Client, EmergencyRule, Environment, Rotation, Runbook, System
from .reader import SUFFIXES, BundleError
from . import shape
from .shape import FORMAT, written


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml's emitter when present: faster
    """Block-style YAML that writes dates and instants unquoted, as BUNDLE.md shows them.

    The reader does not resolve YAML timestamps, so the text reads back as written.
    """


_Dumper.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
}


_LINE_BREAKS_YAML_FOLDS = ("\r", "\x85", "\u2028", "\u2029", "\ufeff")


def _str_presenter(dumper: yaml.SafeDumper, value: str):
    """Multi-line text as a literal block; text with unusual line breaks escaped, so it reads back exactly."""
    if any(ch in value for ch in _LINE_BREAKS_YAML_FOLDS):
        style: str | None = '"'
    elif "\n" in value and all(line == line.rstrip() for line in value.split("\n")):
        style = "|"
    else:
        style = None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_presenter)


def _local_instant(instant: datetime, tz: str) -> str:
    return instant.astimezone(zone(tz)).isoformat()


def _wall_clock(value: datetime) -> str:
    spec = "minutes" if value.second == 0 and value.microsecond == 0 else "auto"
    return value.isoformat(timespec=spec)


def _dates(days: tuple[date, ...]) -> list[str]:
    return [d.isoformat() for d in days]


def _runbook(runbook: Runbook) -> dict:
    return written(shape.RUNBOOK, {"id": runbook.id, "title": runbook.title, "level": runbook.level,
                                   "review_days": runbook.review_days, "body": runbook.body})


def _rule(rule: EmergencyRule) -> dict:
    return written(shape.RULE, {key: list(value) if (value := getattr(rule, key)) is not None else None
                                for key in shape.RULE.names})


def _agreement(agreement: Agreement) -> dict:
    return written(shape.AGREEMENT, {
        "plan": agreement.plan,
        "business_hours": agreement.business_hours,
        "coverage": {level: agreement.coverage[level] for level in sorted(agreement.coverage)},
        "response_minutes": {p: agreement.response_minutes[p] for p in PRIORITIES if p in agreement.response_minutes},
        "ack_minutes": {p: agreement.ack_minutes[p] for p in PRIORITIES if p in agreement.ack_minutes},
        "emergency": [_rule(rule) for rule in agreement.emergency],
        "notes": agreement.notes,
    })


def _system(system: System) -> dict:
    vendor = None
    if system.vendor is not None:
        vendor = written(shape.VENDOR, {key: getattr(system.vendor, key) for key in shape.VENDOR.names})
    return written(shape.SYSTEM, {
        "id": system.id, "name": system.name, "criticality": system.criticality, "fix_level": system.fix_level,
        "depends_on": list(system.depends_on),
        "experts": [written(shape.EXPERT, {"tech": e.tech, "role": e.role}) for e in system.experts],
        "vendor": vendor, "notes": system.notes, "runbooks": [_runbook(r) for r in system.runbooks],
    })


def _client(client: Client) -> dict:
    contacts = [written(shape.CONTACT, {"name": c.name, "phone": c.phone, "email": c.email, "role": c.role,
                                        "may_authorize": c.may_authorize}) for c in client.contacts]
    return written(shape.CLIENT, {
        "id": client.id, "name": client.name, "industry": client.industry, "timezone": client.timezone,
        "phones": list(client.phones), "holidays": _dates(client.holidays), "contacts": contacts,
        "agreement": _agreement(client.agreement), "systems": [_system(s) for s in client.systems],
        "runbooks": [_runbook(r) for r in client.runbooks],
    })


def _rotation(rotation: Rotation) -> dict:
    values: dict = {"id": rotation.id, "name": rotation.name, "level": rotation.level, "timezone": rotation.timezone,
                    "active": rotation.active}
    if rotation.calendar is not None:
        values["ical"] = rotation.calendar.source
        return written(shape.ROTATION, values)
    if rotation.start is not None:
        start = rotation.start
        if start.tzinfo is not None:
            start = to_local(start, rotation.timezone)
        values["start"] = _wall_clock(start)
    if rotation.length is not None:
        values["length"] = str(rotation.length)
    values["members"] = list(rotation.members)
    return written(shape.ROTATION, values)


def _span(record: shape.Record, values: dict, start: datetime, end: datetime, tz: str) -> dict:
    return written(record, {**values, "from": _local_instant(start, tz), "to": _local_instant(end, tz)})


def environment_to_data(env: Environment) -> dict:
    """The bundle structure of ``env`` (coverage keys as numbers; JSON writes them as text).
    Each record's keys come in the order :mod:`.shape` declares them."""
    msp_zone = env.msp.timezone
    technicians = [
        written(shape.TECHNICIAN, {
            "id": tech.id, "name": tech.name, "level": tech.level, "phones": list(tech.phones), "email": tech.email,
            "roles": list(tech.roles),
            "unavailable": [_span(shape.SPAN, {"reason": span.reason}, span.start, span.end, msp_zone)
                            for span in tech.unavailable],
            "active": None if tech.active else False,
        })
        for tech in env.technicians
    ]
    zones = {r.id: r.timezone for r in env.rotations}
    overrides = [
        _span(shape.OVERRIDE, {"rotation": o.rotation, "tech": o.tech, "reason": o.reason}, o.start, o.end,
              zones.get(o.rotation, msp_zone))
        for o in env.overrides
    ]
    return written(shape.BUNDLE, {
        "format": FORMAT,
        "msp": written(shape.MSP, {"name": env.msp.name, "timezone": msp_zone, "holidays": _dates(env.msp.holidays)}),
        "technicians": technicians,
        "rotations": [_rotation(r) for r in env.rotations],
        "overrides": overrides,
        "clients": [_client(c) for c in env.clients],
    })


def _json_ready(data: Any) -> Any:
    if isinstance(data, dict):
        return {str(k): _json_ready(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_json_ready(v) for v in data]
    return data


def bundle_text(env: Environment, suffix: str) -> str:
    """The bundle of ``env`` as JSON (``.json``) or YAML (``.yaml``, ``.yml``) text."""
    data = environment_to_data(env)
    suffix = suffix.lower()
    if suffix == ".json":
        return json.dumps(_json_ready(data), indent=2, ensure_ascii=False) + "\n"
    if suffix in (".yaml", ".yml"):
        return shape.MODELINE + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                                          default_flow_style=False, width=100)
    raise BundleError([f"unknown bundle format {suffix or '(no extension)'!r}; use .json, .yaml or .yml"])


def _replace_file(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_file(path, text)


def _calendar_target(folder: Path, rotation: Rotation) -> Path:
    """Where a rotation's calendar goes: under its relative path in the bundle's folder, which it may
    not leave (no absolute path, no '..', no symbolic link leading out), as at import."""
    source = rotation.calendar.source  # type: ignore[union-attr]
    where = f"rotation {rotation.id}: its calendar {source!r}"
    if PurePosixPath(source).is_absolute() or PureWindowsPath(source).is_absolute() or PureWindowsPath(source).drive:
        raise BundleError([f"{where} is not a relative path"])
    target = folder / source
    parts = set(PurePosixPath(source).parts) | set(PureWindowsPath(source).parts)
    if ".." in parts or not target.resolve().is_relative_to(folder.resolve()):
        raise BundleError([f"{where} would be written outside the bundle's folder; import it again from inside the folder"])
    return target


def write_bundle(env: Environment, path: Path) -> list[Path]:
    """Write ``env`` to ``path`` (format by extension) and its iCalendar files beside it.

    Returns the files written, the bundle last.
    """
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise BundleError([f"{path}: unknown bundle format {path.suffix or '(no extension)'!r}; use .json, .yaml or .yml"])
    text = bundle_text(env, path.suffix)
    calendars = [(_calendar_target(path.parent, r), r.calendar.content) for r in env.rotations if r.calendar is not None]
    written: list[Path] = []
    try:
        for target, content in calendars:
            _replace_file(target, content)
            written.append(target)
        _replace_file(path, text)
    except OSError as exc:
        where = exc.filename or path
        raise BundleError([f"{where}: cannot write: {exc.strerror or exc}"]) from None
    written.append(path)
    return written
