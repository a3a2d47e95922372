"""Write an environment as a bundle (BUNDLE.md), the inverse of :mod:`.reader`.

Every value is written explicitly (defaults included, except empty texts and lists and
absent optional values), keys in the order of BUNDLE.md, so ``parse(write(env)) == env``.
Leave and override instants carry the offset of their owning zone (the MSP's, the
rotation's): exact and readable (``2026-12-20T00:00:00-06:00``). A rotation's start is its
naive local wall clock. iCalendar rotations are written back as files beside the bundle,
under their relative path. Files are replaced whole (written aside, then renamed).
"""
from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from ..domain.localtime import to_local, zone
from ..files import write_file
from ..domain.model import PRIORITIES, Agreement, Client, EmergencyRule, Environment, Rotation, Runbook, System
from .reader import SUFFIXES, BundleError
from .validate import FORMAT


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


def _put(out: dict, key: str, value: Any) -> None:
    """Set ``key`` unless the value is absent or empty (the reader's default then)."""
    if value is None or value == "" or value == () or value == []:
        return
    out[key] = value


def _dates(days: tuple[date, ...]) -> list[str]:
    return [d.isoformat() for d in days]


def _runbook(runbook: Runbook) -> dict:
    out: dict = {"id": runbook.id, "title": runbook.title, "level": runbook.level}
    _put(out, "review_days", runbook.review_days)
    _put(out, "body", runbook.body)
    return out


def _rule(rule: EmergencyRule) -> dict:
    out: dict = {}
    for key in ("systems", "criticality", "impact", "keywords"):
        value = getattr(rule, key)
        if value is not None:
            out[key] = list(value)
    return out


def _agreement(agreement: Agreement) -> dict:
    out: dict = {}
    _put(out, "plan", agreement.plan)
    out["business_hours"] = agreement.business_hours
    out["coverage"] = {level: agreement.coverage[level] for level in sorted(agreement.coverage)}
    out["response_minutes"] = {p: agreement.response_minutes[p] for p in PRIORITIES if p in agreement.response_minutes}
    out["ack_minutes"] = {p: agreement.ack_minutes[p] for p in PRIORITIES if p in agreement.ack_minutes}
    out["emergency"] = [_rule(rule) for rule in agreement.emergency]
    _put(out, "notes", agreement.notes)
    return out


def _system(system: System) -> dict:
    out: dict = {"id": system.id, "name": system.name, "criticality": system.criticality, "fix_level": system.fix_level}
    _put(out, "depends_on", list(system.depends_on))
    _put(out, "experts", [{"tech": e.tech, "role": e.role} for e in system.experts])
    if system.vendor is not None:
        vendor: dict = {}
        for key in ("name", "phone", "hours", "contract"):
            _put(vendor, key, getattr(system.vendor, key))
        out["vendor"] = vendor
    _put(out, "notes", system.notes)
    _put(out, "runbooks", [_runbook(r) for r in system.runbooks])
    return out


def _client(client: Client) -> dict:
    out: dict = {"id": client.id, "name": client.name, "industry": client.industry, "timezone": client.timezone}
    _put(out, "phones", list(client.phones))
    _put(out, "holidays", _dates(client.holidays))
    contacts = []
    for contact in client.contacts:
        entry: dict = {"name": contact.name}
        for key in ("phone", "email", "role"):
            _put(entry, key, getattr(contact, key))
        entry["may_authorize"] = contact.may_authorize
        contacts.append(entry)
    _put(out, "contacts", contacts)
    out["agreement"] = _agreement(client.agreement)
    _put(out, "systems", [_system(s) for s in client.systems])
    _put(out, "runbooks", [_runbook(r) for r in client.runbooks])
    return out


def _rotation(rotation: Rotation) -> dict:
    out: dict = {"id": rotation.id, "name": rotation.name, "level": rotation.level, "timezone": rotation.timezone}
    if rotation.calendar is not None:
        _put(out, "active", rotation.active)
        out["ical"] = rotation.calendar.source
        return out
    if rotation.start is not None:
        start = rotation.start
        if start.tzinfo is not None:
            start = to_local(start, rotation.timezone)
        out["start"] = _wall_clock(start)
    if rotation.length is not None:
        out["length"] = str(rotation.length)
    _put(out, "active", rotation.active)
    out["members"] = list(rotation.members)
    return out


def environment_to_data(env: Environment) -> dict:
    """The bundle structure of ``env`` (coverage keys as numbers; JSON writes them as text)."""
    msp: dict = {"name": env.msp.name, "timezone": env.msp.timezone}
    _put(msp, "holidays", _dates(env.msp.holidays))
    technicians = []
    for tech in env.technicians:
        entry: dict = {"id": tech.id, "name": tech.name, "level": tech.level}
        _put(entry, "phones", list(tech.phones))
        _put(entry, "email", tech.email)
        entry["roles"] = list(tech.roles)
        leave = []
        for span in tech.unavailable:
            item = {"from": _local_instant(span.start, env.msp.timezone), "to": _local_instant(span.end, env.msp.timezone)}
            _put(item, "reason", span.reason)
            leave.append(item)
        _put(entry, "unavailable", leave)
        if not tech.active:
            entry["active"] = False
        technicians.append(entry)
    zones = {r.id: r.timezone for r in env.rotations}
    overrides = []
    for override in env.overrides:
        tz = zones.get(override.rotation, env.msp.timezone)
        item = {
            "rotation": override.rotation,
            "tech": override.tech,
            "from": _local_instant(override.start, tz),
            "to": _local_instant(override.end, tz),
        }
        _put(item, "reason", override.reason)
        overrides.append(item)
    return {
        "format": FORMAT,
        "msp": msp,
        "technicians": technicians,
        "rotations": [_rotation(r) for r in env.rotations],
        "overrides": overrides,
        "clients": [_client(c) for c in env.clients],
    }


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
        return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
    raise BundleError([f"unknown bundle format {suffix or '(no extension)'!r}; use .json, .yaml or .yml"])


def _replace_file(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_file(path, text)


def write_bundle(env: Environment, path: Path) -> list[Path]:
    """Write ``env`` to ``path`` (format by extension) and its iCalendar files beside it.

    Returns the files written, the bundle last.
    """
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise BundleError([f"{path}: unknown bundle format {path.suffix or '(no extension)'!r}; use .json, .yaml or .yml"])
    text = bundle_text(env, path.suffix)
    written: list[Path] = []
    try:
        for rotation in env.rotations:
            if rotation.calendar is not None:
                if Path(rotation.calendar.source).is_absolute():
                    raise BundleError([f"rotation {rotation.id}: its calendar {rotation.calendar.source!r} is not a relative path"])
                target = path.parent / rotation.calendar.source
                _replace_file(target, rotation.calendar.content)
                written.append(target)
        _replace_file(path, text)
    except OSError as exc:
        where = exc.filename or path
        raise BundleError([f"{where}: cannot write: {exc.strerror or exc}"]) from None
    written.append(path)
    return written
