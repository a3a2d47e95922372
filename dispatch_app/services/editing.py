"""Editing the environment one record at a time (issue 7): the lead tech's editor.

Records are named by ``kind`` (:data:`KINDS`) and ``key``: technicians, rotations and clients
by id; systems and runbooks by ``client/id``; overrides, which have no id, by the text of their
row number (see :func:`list_overrides`). Overrides are added and removed, not edited (an
override is its rotation, technician and span: a different one is a new override).

The one rule of validation: **the environment after the edit must be one the bundle importer
accepts**, and its messages are the importer's. The edited record is written as bundle data
(``bundle.writer``), set into a bundle fragment of the stored environment (MSP, staff,
rotations, overrides, and the record's client), and the fragment goes through the importer's
``Validator``. Problems inside the record are reported with the record's own field paths
(``level: 5 is out of range (1-3)``, ``unavailable[0].to: must be after from (...)``,
``experts[1].tech: no technician 'zed'``); problems the edit causes elsewhere (a deleted
technician still a rotation member) keep their path in the environment. ``value`` is a domain
value (a ``Technician``, ``Client``, ...) or, for a form that holds text, the record as the
bundle spells it (a mapping): both are checked the same way.

A client's ``systems`` and ``runbooks``, and a system's ``runbooks``, are records of their own:
saving a client or a system keeps the stored ones whatever the value holds.

Every save or delete, in one write transaction: bump the change counter (which serialises
writers), compare the stored version with ``expected_version`` (stale: :class:`StaleSave`,
nothing written, the caller keeps the user's text), validate, write with
``store.save_environment`` (which bumps the version of what changed only), append one row to
the record's history with the fields that changed. A save that changes nothing writes no
history and leaves the version alone. Roles: lead or admin, checked here.

For an editing form: :func:`get_record_data` answers the record as the bundle spells it (what a
form of text fields holds), and :func:`check_record` runs a save's checks, the validator
included, without writing (for checking as the user types).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from dispatch_app import store
from dispatch_app.bundle import secrets_check
from dispatch_app.bundle.validate import Validator
from dispatch_app.bundle.writer import environment_to_data
from dispatch_app.domain.localtime import format_utc
from dispatch_app.domain.model import Client, Environment, Override, Rotation, Runbook, System, Technician
from dispatch_app.errors import Conflict, DispatchError, NotFound
from dispatch_app.services import inputs, people
from dispatch_app.services.environment import _calendar
from dispatch_app.store import Database
from dispatch_app.store import edit_rows
from dispatch_app.store.edit_rows import RecordChange

__all__ = ["EDIT_ROLES", "KINDS", "Record", "RecordChange", "RecordData", "Saved", "StaleSave", "check_record",
           "delete_record", "get_record", "get_record_data", "history", "list_overrides", "runbook_secret_findings",
           "save_record"]

EDIT_ROLES = ("lead",)
KINDS = edit_rows.EDIT_KINDS
_TYPES = {"technicians": Technician, "rotations": Rotation, "overrides": Override, "clients": Client,
          "systems": System, "runbooks": Runbook}
_SINGULAR = {"technicians": "technician", "rotations": "rotation", "overrides": "override", "clients": "client",
             "systems": "system", "runbooks": "runbook"}


class Record(NamedTuple):
    """A record as the editor opens it: its value and the version a save must name."""

    value: Any
    version: int
    updated_by: str | None
    updated_at: datetime | None


@dataclass(frozen=True)
class Saved:
    """What a save or delete did. ``key`` names the record now (a new override's row number);
    ``changed`` is false when the value equalled the stored one; ``warnings`` are the import's
    warnings for the record (a runbook that looks like it holds a secret)."""

    kind: str
    key: str
    version: int
    changed: bool
    change: int | None
    warnings: tuple[str, ...] = ()
    diff: Mapping[str, Any] = dataclasses.field(default_factory=dict)


class StaleSave(Conflict):
    """Somebody saved the record after the editor opened it. Nothing was written."""

    def __init__(self, message: str, *, version: int | None, changed_by: str | None, changed_at: datetime | None):
        super().__init__(message)
        self.version = version
        self.changed_by = changed_by
        self.changed_at = changed_at


# ---------------------------------------------------------------- reading


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise DispatchError(f"unknown record kind {kind!r} (one of: {', '.join(KINDS)})")


def _check_key(kind: str, key: str) -> None:
    """An override's key is its row number: one beyond the id range names none (and would not fit
    the query)."""
    if kind == "overrides" and not (key.isascii() and key.isdigit() and len(key) <= 10
                                    and inputs.is_record_id(int(key))):
        raise NotFound(f"no override {key[:40]!r} (an override is named by its number)")


def _client_of(kind: str, key: str) -> str | None:
    if kind == "clients":
        return key
    if kind in ("systems", "runbooks"):
        return edit_rows.split_key(key)[0]
    return None


def _read(db: Database, kind: str, key: str):
    """The stamp of record ``kind``/``key``, the environment holding it (its client whole) and the
    record itself (None when the stamp outlived it), read in one snapshot; NotFound without a stamp."""
    _check_kind(kind)
    _check_key(kind, key)
    with db.session(read_only=True) as session:
        stamp = edit_rows.record_stamp(session, kind, key)
        if stamp is None:
            raise NotFound(f"no {_SINGULAR[kind]} {key!r}")
        client = _client_of(kind, key)
        env = store.load_environment(session, clients=[client] if client else [], calendar_factory=_calendar)
        override_keys = edit_rows.override_keys(session) if kind == "overrides" else []
    return stamp, env, _pick(env, kind, key, override_keys)


def get_record(db: Database, kind: str, key: str) -> Record:
    """The record ``kind``/``key`` with its version and last editor. Reading is open to anyone."""
    stamp, _, value = _read(db, kind, key)
    return Record(value, stamp.version, stamp.updated_by, stamp.updated_at)


@dataclass(frozen=True)
class RecordData:
    """A record as an editing form holds it: its fields as the bundle spells them (what
    :func:`save_record` and :func:`check_record` take back as a mapping), its version line,
    and what the form's pickers need. ``client`` is the record's client, whole (its systems
    and runbooks), for clients, systems and runbooks; ``under`` is the system a runbook sits
    under (None: client-wide); ``timezone`` is the zone the record's instants without an
    offset are read in (the MSP's for leave, the rotation's for an override)."""

    kind: str
    key: str
    data: dict[str, Any]
    version: int
    updated_by: str | None
    updated_by_name: str | None
    updated_at: datetime | None
    client: Client | None = None
    under: str | None = None
    timezone: str = "UTC"


def get_record_data(db: Database, kind: str, key: str) -> RecordData:
    """The record ``kind``/``key`` for an editing form (see :class:`RecordData`); open to anyone."""
    stamp, env, value = _read(db, kind, key)
    client_id = _client_of(kind, key)
    if value is None:
        raise NotFound(f"no {_SINGULAR[kind]} {key!r}")
    data = _record_data(env, kind, value)
    if kind == "systems":
        data.pop("runbooks", None)
    client = env.client(client_id) if client_id else None
    under = None
    if kind == "runbooks" and client is not None:
        under = next((s.id for s in client.systems if any(r.id == value.id for r in s.runbooks)), None)
    zone = env.msp.timezone
    if kind == "rotations":
        zone = value.timezone
    elif kind == "overrides":
        zone = next((r.timezone for r in env.rotations if r.id == value.rotation), zone)
    elif client is not None:
        zone = client.timezone
    editor = env.technician(stamp.updated_by) if stamp.updated_by else None
    return RecordData(kind, key, data, stamp.version, stamp.updated_by, editor.name if editor else None,
                      stamp.updated_at, client, under, zone)


def list_overrides(db: Database) -> list[tuple[str, Override, int]]:
    """Every override with its key and version, in listed order (the last listed wins)."""
    with db.session(read_only=True) as session:
        env = store.load_environment(session, clients=[])
        keys = edit_rows.override_keys(session)
        versions = {k: edit_rows.record_stamp(session, "overrides", k).version for k in keys}  # type: ignore[union-attr]
    return [(k, o, versions[k]) for k, o in zip(keys, env.overrides)]


def history(db: Database, kind: str, key: str) -> list[RecordChange]:
    """Every recorded change of one record, oldest first (deleted records keep theirs). A key
    that names no record now and never did is NotFound; a record with no change since its
    import has an empty history."""
    _check_kind(kind)
    _check_key(kind, key)
    with db.session() as session:
        changes = edit_rows.history(session, kind, key)
        if not changes and edit_rows.record_stamp(session, kind, key) is None:
            raise NotFound(f"no {_SINGULAR[kind]} {key!r}, and none was ever recorded")
        return changes


def _pick(env: Environment, kind: str, key: str, override_keys: list[str]) -> Any:
    if kind == "technicians":
        return env.technician(key)
    if kind == "rotations":
        return next((r for r in env.rotations if r.id == key), None)
    if kind == "overrides":
        return env.overrides[override_keys.index(key)] if key in override_keys else None
    client_id, record_id = edit_rows.split_key(key) if kind != "clients" else (key, "")
    client = env.client(client_id)
    if client is None or kind == "clients":
        return client
    if kind == "systems":
        return client.system(record_id)
    for runbook in (*client.runbooks, *(r for s in client.systems for r in s.runbooks)):
        if runbook.id == record_id:
            return runbook
    return None


# ---------------------------------------------------------------- writing


class _EditValidator(Validator):
    """The importer's validator on a fragment made from the database: an iCalendar rotation's
    calendar is the stored one (there is no file to read), or the one a saved ``Rotation``
    carries (``schedule.import_rotation_ical`` read and checked its file)."""

    def __init__(self, calendars: Mapping[str, Any]):
        super().__init__(Path("."))
        self.calendars = calendars

    def calendar(self, value, where, tz, technicians):
        if isinstance(value, str) and value in self.calendars:
            return self.calendars[value]
        self.problem(where, f"{value!r}: an iCalendar rotation is created by importing its file")
        return None


def save_record(db: Database, *, actor: str | None, kind: str, key: str | None, value: Any,
                expected_version: int | None, at: datetime, under: str | None = None) -> Saved:
    """Create or change one record; answers what was saved.

    Create: ``key`` None and ``expected_version`` None (systems and runbooks: ``key`` is
    ``client/new-id`` and ``expected_version`` None). Change: ``key`` and the version the
    editor opened. ``under`` puts a new runbook under that system of its client (None:
    client-wide), or moves an existing one there. Raises ``NotAllowed`` (not a lead or admin),
    :class:`StaleSave` (somebody saved first: nothing written) or ``DispatchError`` with one
    problem per field, in the importer's words."""
    _check_kind(kind)
    if key is None and kind in ("systems", "runbooks"):
        raise DispatchError(f"a new {_SINGULAR[kind]} needs its client: give key 'client/{_SINGULAR[kind]}-id'")
    return _write(db, actor=actor, kind=kind, key=key, value=value, expected_version=expected_version, at=at,
                  under=under, delete=False)


def delete_record(db: Database, *, actor: str | None, kind: str, key: str, expected_version: int,
                  at: datetime) -> Saved:
    """Remove a record. Refused with the importer's messages when something still names it
    (a rotation's member, an expert, an override, a dependency); a technician named by past
    calls is marked inactive instead, as a ``--replace`` import does."""
    _check_kind(kind)
    return _write(db, actor=actor, kind=kind, key=key, value=None, expected_version=expected_version, at=at,
                  under=None, delete=True)


def _label(kind: str, key: str) -> str:
    return f"{_SINGULAR[kind]} {key!r}"


def _stale(kind: str, key: str, stamp: edit_rows.Stamp | None, deleted: RecordChange | None) -> StaleSave:
    if stamp is None:
        who = deleted.actor if deleted else None
        when = deleted.at if deleted else None
        what = f"was deleted by {who or 'somebody not signed in'} at {format_utc(when)}" if deleted else "no longer exists"
        return StaleSave(f"{_label(kind, key)} {what}; your text is kept — save it as a new record",
                         version=None, changed_by=who, changed_at=when)
    who = stamp.updated_by or "an import without a signed-in user"
    return StaleSave(f"{_label(kind, key)} was changed by {who} at {format_utc(stamp.updated_at)}; "
                     "your text is kept — merge and save again",
                     version=stamp.version, changed_by=stamp.updated_by, changed_at=stamp.updated_at)


def _new_key(kind: str, key: str | None, value: Any) -> str:
    record_id = value.get("id") if isinstance(value, Mapping) else getattr(value, "id", None)
    if kind in ("systems", "runbooks"):
        client, _ = edit_rows.split_key(key or "")
        return f"{client}/{record_id}"
    return str(record_id)


def _write(db: Database, *, actor: str | None, kind: str, key: str | None, value: Any,
           expected_version: int | None, at: datetime, under: str | None, delete: bool) -> Saved:
    _check_value(kind, value, delete)
    with db.session(write=True) as session:
        who = people.actor(session, actor)
        people.require_role(who, *EDIT_ROLES, action=f"editing {kind}")
        change = store.record_change(session, at=at)  # first: concurrent editors queue here
        key, creating = _resolve(session, kind, key, value, expected_version, delete)

        if not creating:
            stamp = edit_rows.record_stamp(session, kind, key)  # type: ignore[arg-type]
            if stamp is None or stamp.version != expected_version:
                if expected_version is None and stamp is not None:
                    raise DispatchError(f"{_label(kind, key)}: say which version you opened (expected_version)")
                past = edit_rows.history(session, kind, key) if stamp is None else []  # type: ignore[arg-type]
                deleted = next((c for c in reversed(past) if c.action == "deleted"), None)
                raise _stale(kind, key, stamp, deleted)  # type: ignore[arg-type]

        env, new_env, before_value, after_value, warnings = _validated(
            session, kind, key, value, creating=creating, under=under, delete=delete, every_client=True)

        store.save_environment(session, new_env, replace=True, actor=who.id, at=at)
        if kind == "overrides" and creating:
            key = str(edit_rows.max_override_pk(session))
        stamp = edit_rows.record_stamp(session, kind, key)  # type: ignore[arg-type]
        before = _record_data(env, kind, before_value)
        after = _record_data(new_env, kind, after_value)
        diff = _diff(before, after)
        if kind == "runbooks" and not delete and diff:
            edit_rows.set_reviewed(session, key, at)  # type: ignore[arg-type]
        if not diff:
            return Saved(kind, key, stamp.version if stamp else 0, False, change, warnings)  # type: ignore[arg-type]
        action = "deleted" if delete else "created" if before_value is None else "updated"
        version = stamp.version if stamp is not None else (expected_version or 0)
        if delete and stamp is not None:
            action = "deactivated"  # a technician named by past calls is kept, inactive
        edit_rows.append_change(session, RecordChange(kind, key, action, version, who.id, at, diff))  # type: ignore[arg-type]
    return Saved(kind, key, version, True, change, warnings, diff)  # type: ignore[arg-type]


def check_record(db: Database, *, kind: str, key: str | None, value: Any, expected_version: int | None = None,
                 under: str | None = None) -> list[str]:
    """The problems a save of ``value`` would be refused with, in the importer's words (empty:
    it would be accepted), for checking a form as the user types. The same checks as
    :func:`save_record` (key, id, the importer's validator) except two that depend on the
    moment of saving: the role and the version. Nothing is written; reading is open to anyone."""
    _check_kind(kind)
    if key is None and kind in ("systems", "runbooks"):
        return [f"a new {_SINGULAR[kind]} needs its client: give key 'client/{_SINGULAR[kind]}-id'"]
    try:
        _check_value(kind, value, False)
        with db.session(read_only=True) as session:
            key, creating = _resolve(session, kind, key, value, expected_version, False)
            if not creating and edit_rows.record_stamp(session, kind, key) is None:  # type: ignore[arg-type]
                creating = True  # deleted meanwhile: a save offers to make it again
            _validated(session, kind, key, value, creating=creating, under=under, delete=False, every_client=False)
    except DispatchError as error:
        return list(error.problems)
    return []


def _check_value(kind: str, value: Any, delete: bool) -> None:
    if not delete and not isinstance(value, (_TYPES[kind], Mapping)):
        raise DispatchError(f"a {_SINGULAR[kind]} is saved from a {_TYPES[kind].__name__} or its bundle mapping, "
                            f"got {type(value).__name__}")


def _resolve(session, kind: str, key: str | None, value: Any, expected_version: int | None,
             delete: bool) -> tuple[str | None, bool]:
    """The record's key (a new one named from its id) and whether the save creates it; a
    changed id or an edited override is refused."""
    creating = False
    if kind == "overrides" and key is None:
        creating = True
    elif kind in ("systems", "runbooks") and not delete:
        stamp = edit_rows.record_stamp(session, kind, key)  # type: ignore[arg-type]
        given = _new_key(kind, key, value)
        creating = stamp is None and expected_version is None
        if not creating and given != key:
            raise DispatchError(f"id: cannot be changed ({key!r}); add a new {_SINGULAR[kind]} and delete this one")
    elif key is None:
        creating = True  # a duplicate id is reported by the validator, with the importer's message
        key = _new_key(kind, key, value)
    elif not delete and _new_key(kind, key, value) != key and kind != "overrides":
        raise DispatchError(f"id: cannot be changed ({key!r}); add a new {_SINGULAR[kind]} and delete this one")
    if kind == "overrides" and not creating and not delete:
        raise DispatchError("an override is not edited: remove it and add the one you want")
    return key, creating


def _validated(session, kind: str, key: str | None, value: Any, *, creating: bool, under: str | None, delete: bool,
               every_client: bool) -> tuple[Environment, Environment, Any, Any, tuple[str, ...]]:
    """The edit applied to the stored environment through the importer's validator: the
    environment before and after, the record before and after, and the import's warnings.
    Raises DispatchError with the problems. ``every_client`` False reads only the record's
    client (enough to check; a write needs them all)."""
    client = _client_of(kind, key or "") if kind != "clients" else (
        key or (value.get("id") if isinstance(value, Mapping) else getattr(value, "id", None)))
    wanted = None if every_client or (kind == "technicians" and delete) else ([client] if client else [])
    env = store.load_environment(session, clients=wanted, calendar_factory=_calendar)
    override_keys = edit_rows.override_keys(session)
    before_value = None if creating else _pick(env, kind, key, override_keys)  # type: ignore[arg-type]
    edit = _Edit(env, kind, key, value, before_value, under, delete, override_keys)
    new_env, after_value, warnings = edit.apply()
    return env, new_env, before_value, after_value, warnings


# ---------------------------------------------------------------- the edit as bundle data


def _record_data(env: Environment, kind: str, value: Any) -> dict[str, Any]:
    """The record as the bundle spells it (the writer's form); {} for no record."""
    if value is None:
        return {}
    if kind == "technicians":
        return environment_to_data(Environment(msp=env.msp, technicians=(value,)))["technicians"][0]
    if kind == "rotations":
        return environment_to_data(Environment(msp=env.msp, rotations=(value,)))["rotations"][0]
    if kind == "overrides":
        return environment_to_data(Environment(msp=env.msp, rotations=env.rotations, overrides=(value,)))["overrides"][0]
    if kind == "clients":
        data = environment_to_data(Environment(msp=env.msp, clients=(value,)))["clients"][0]
        data.pop("systems", None)
        data.pop("runbooks", None)
        return data
    if kind == "systems":
        client = Client(id="c", name="c", timezone=env.msp.timezone, systems=(value,))
        data = environment_to_data(Environment(msp=env.msp, clients=(client,)))["clients"][0]["systems"][0]
        data.pop("runbooks", None)
        return data
    client = Client(id="c", name="c", timezone=env.msp.timezone, runbooks=(value,))
    return environment_to_data(Environment(msp=env.msp, clients=(client,)))["clients"][0]["runbooks"][0]


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def _diff(before: Mapping[str, Any], after: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"field.path": [before, after]}`` of what differs; mappings are walked, lists compared whole."""
    out: dict[str, Any] = {}
    for name in dict.fromkeys([*before, *after]):
        a, b = before.get(name), after.get(name)
        path = f"{prefix}{name}"
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            out.update(_diff(a, b, path + "."))
        elif a != b:
            out[path] = [_json_safe(a), _json_safe(b)]
    return out


class _Edit:
    """One edit applied to the stored environment through the importer's validator."""

    def __init__(self, env: Environment, kind: str, key: str | None, value: Any, before: Any, under: str | None,
                 delete: bool, override_keys: list[str]):
        self.env, self.kind, self.key, self.value = env, kind, key, value
        self.before, self.under, self.delete, self.override_keys = before, under, delete, override_keys
        self.client_id = _client_of(kind, key or "") if kind != "clients" else (
            key or (value.get("id") if isinstance(value, Mapping) else value.id))

    def apply(self) -> tuple[Environment, Any, tuple[str, ...]]:
        env, kind = self.env, self.kind
        client = env.client(self.client_id) if self.client_id else None
        if kind in ("systems", "runbooks") and client is None:
            raise NotFound(f"no client {self.client_id!r}")
        whole_staff_check = kind == "technicians" and self.delete
        fragment = dataclasses.replace(
            env, clients=env.clients if whole_staff_check else ((client,) if client is not None else ()))
        data = environment_to_data(fragment)
        path = self._place(data, client)
        calendars = {r.calendar.source: r.calendar for r in env.rotations if r.calendar is not None}
        if kind == "rotations" and isinstance(self.value, Rotation) and self.value.calendar is not None:
            calendars[self.value.calendar.source] = self.value.calendar  # a file read and checked by the caller
        validator = _EditValidator(calendars)
        checked = validator.bundle(data)
        problems = [_relative(p, path, self.client_id) for p in validator.problems]
        if problems or checked is None:
            what = f"the new {_SINGULAR[kind]}" if kind == "overrides" and self.before is None else \
                _label(kind, self.key or _new_key(kind, self.key, self.value))
            problems = problems or ["the environment could not be read back"]
            raise DispatchError(f"{what} was not saved: " + "; ".join(problems), problems)
        warnings = tuple(_relative(w, path, self.client_id) for w in validator.warnings
                         if path and (w.startswith(path + ".") or w.startswith(path + ":")))
        return self._merge(checked), self._after(checked, path), warnings

    # -- where the record sits in the fragment's data

    def _record(self, client_data: dict | None) -> dict:
        """The record's bundle data: the value written as the bundle spells it, or the mapping given."""
        if isinstance(self.value, Mapping):
            data = dict(self.value)
        else:
            data = _record_data(self.env, self.kind, self.value)
        if self.kind == "clients" and client_data is not None:  # systems and runbooks are records of their own
            for part in ("systems", "runbooks"):
                data.pop(part, None)
                if part in client_data:
                    data[part] = client_data[part]
        return data

    def _place(self, data: dict, client: Client | None) -> str | None:
        kind = self.kind
        if kind in ("technicians", "rotations"):
            items = data[kind]
            index = next((i for i, item in enumerate(items) if item["id"] == self.key), None) if self.before else None
            return self._put(items, index, kind, None)
        if kind == "overrides":
            items = data["overrides"]
            index = self.override_keys.index(self.key) if self.before is not None else None
            return self._put(items, index, "overrides", None)
        if kind == "clients":
            items = data["clients"]
            index = 0 if client is not None and self.before is not None else None
            return self._put(items, index, "clients", items[index] if index is not None else None)
        client_data = data["clients"][0]
        _, record_id = edit_rows.split_key(self.key or "")
        if kind == "systems":
            items = client_data.setdefault("systems", [])
            index = next((i for i, s in enumerate(items) if s["id"] == record_id), None) if self.before else None
            if index is not None and not self.delete:
                record = self._record(None)
                record.pop("runbooks", None)
                if "runbooks" in items[index]:
                    record["runbooks"] = items[index]["runbooks"]
                items[index] = record
                return f"clients[0].systems[{index}]"
            return self._put(items, index, "clients[0].systems", None)
        # runbooks: client-wide or under one system
        owners = [("clients[0]", client_data)] + [
            (f"clients[0].systems[{i}]", s) for i, s in enumerate(client_data.get("systems", []))]
        if self.before is not None:
            for where, owner in owners:
                for i, r in enumerate(owner.get("runbooks", [])):
                    if r["id"] == record_id:
                        if self.under is not None and not self.delete:  # moved to another system
                            del owner["runbooks"][i]
                            if not owner["runbooks"]:
                                owner.pop("runbooks")
                            break
                        return self._put(owner.setdefault("runbooks", []), i, f"{where}.runbooks", None)
        target = ("clients[0]", client_data)
        if self.under is not None:
            found = [(w, s) for w, s in owners[1:] if s["id"] == self.under]
            if not found:
                raise DispatchError(f"system: no system {self.under!r} in client {self.client_id!r}")
            target = found[0]
        return self._put(target[1].setdefault("runbooks", []), None, f"{target[0]}.runbooks", None)

    def _put(self, items: list, index: int | None, path: str, client_data: dict | None) -> str | None:
        if self.delete:
            if index is not None:
                del items[index]
            return None
        record = self._record(client_data)
        if index is None:
            items.append(record)
            index = len(items) - 1
        else:
            items[index] = record
        return f"{path}[{index}]"

    # -- the checked result back into the whole environment

    def _merge(self, checked: Environment) -> Environment:
        env = self.env
        if self.kind in ("technicians", "rotations", "overrides"):
            merged = dataclasses.replace(env, technicians=checked.technicians, rotations=checked.rotations,
                                         overrides=checked.overrides)
            if self.kind == "technicians" and self.delete:
                merged = dataclasses.replace(merged, clients=checked.clients)
            return merged
        clients = list(env.clients)
        index = next((i for i, c in enumerate(clients) if c.id == self.client_id), None)
        if self.kind == "clients" and self.delete:
            del clients[index]  # type: ignore[arg-type]
        elif index is None:
            clients.append(checked.clients[0])
        else:
            clients[index] = checked.clients[0]
        return dataclasses.replace(env, clients=tuple(clients))

    def _after(self, checked: Environment, path: str | None) -> Any:
        if self.delete or path is None:
            return None
        if self.kind == "overrides":
            return checked.overrides[-1]
        parts = path.replace("]", "").split(".")
        node: Any = checked
        for part in parts:
            name, _, index = part.partition("[")
            node = getattr(node, name)[int(index)]
        return node


def _relative(line: str, path: str | None, client_id: str | None) -> str:
    """A validator line with the record's own path dropped, or the fragment's client named."""
    if path and line.startswith(path + "."):
        return line[len(path) + 1:]
    if path and line.startswith(path + ":"):
        return line[len(path) + 2:]
    if client_id and line.startswith("clients[0]"):
        return f"clients[{client_id}]" + line[len("clients[0]"):]
    return line


def runbook_secret_findings(text: str) -> list[str]:
    """What in a runbook's text looks like a credential (the importer's detector), for a live check."""
    return secrets_check.secret_findings(text)
