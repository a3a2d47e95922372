"""The bundle's shape (BUNDLE.md), declared once: every record, its keys in the order they are
written, what each key holds, which are required and what an absent key means.

Three things are derived from this table and from nothing else:

- the checks of :mod:`.validate` (allowed and required keys, and each plain value read by its
  kind: text, id, whole number, choice, time zone, window, date, ...); what a table cannot say
  (references between records, ``ical`` excluding ``start``/``length``/``members``, ``from``
  before ``to``) stays written out there, beside the record that needs it;
- the key order of :mod:`.writer` (:func:`written`);
- the JSON Schema of the format (:func:`json_schema`), which ``dispatch-app schema`` prints and
  ``resources/schema/dispatch-bundle-1.schema.json`` keeps, for editors' completion and checks.
  The importer stays the authority: the schema never refuses what the importer reads, and it
  cannot see references, time zone names or window expressions.

A key given as ``null`` counts as absent, so an optional key accepts null in the schema.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..domain.model import (
    CRITICALITIES,
    DEFAULT_ACK_MINUTES,
    DEFAULT_BUSINESS_HOURS,
    DEFAULT_COVERAGE,
    DEFAULT_RESPONSE_MINUTES,
    EXPERT_ROLES,
    IMPACTS,
    INDUSTRIES,
    LEVELS,
    PRIORITIES,
    ROLES,
    TECH_LEVELS,
)

FORMAT = "dispatch-bundle/1"
SCHEMA_FILE = "dispatch-bundle-1.schema.json"
COVERAGE_WORDS = ("always", "business", "emergency", "never")
SLUG = r"^[a-z0-9][a-z0-9-]*$"
LENGTH = r"^(\d+)([dwh])$"
DATE = r"^\d{4}-\d{2}-\d{2}$"
ID_HELP = "lowercase letters, digits and '-', starting with a letter or digit"

_ABSENT: Any = object()


# ---------------------------------------------------------------- what a key holds


class Kind(ABC):
    """What one key holds; ``schema()`` is its JSON Schema (without null)."""

    @abstractmethod
    def schema(self) -> dict:
        """The JSON Schema of what this key holds."""


@dataclass(frozen=True)
class Text(Kind):
    """Free text; numbers are read as written (``contract: 4471``)."""

    not_empty: bool = False

    def schema(self) -> dict:
        out: dict = {"type": ["string", "number"]}
        if self.not_empty:
            out["pattern"] = r"\S"
        return out


@dataclass(frozen=True)
class Id(Kind):
    """A record's own id (a slug)."""

    def schema(self) -> dict:
        return {"type": "string", "pattern": SLUG, "description": f"an id: {ID_HELP}"}


@dataclass(frozen=True)
class Reference(Kind):
    """The id of another record (``technician``, ``rotation``, ``system``), checked by the importer."""

    of: str

    def schema(self) -> dict:
        return {"type": "string", "description": f"the id of a {self.of} of this bundle"}


@dataclass(frozen=True)
class Whole(Kind):
    """A whole number: one of ``allowed`` (a range), or any positive one when None."""

    allowed: tuple[int, ...] | None = None

    def schema(self) -> dict:
        if self.allowed is None:
            return {"type": "integer", "minimum": 1}
        return {"type": "integer", "minimum": min(self.allowed), "maximum": max(self.allowed)}


@dataclass(frozen=True)
class Flag(Kind):
    def schema(self) -> dict:
        return {"type": "boolean"}


@dataclass(frozen=True)
class Choice(Kind):
    """One of ``values``; ``what`` names it in the importer's message (``unknown industry 'x'``)."""

    values: tuple[str, ...]
    what: str

    def schema(self) -> dict:
        return {"enum": list(self.values)}


@dataclass(frozen=True)
class Zone(Kind):
    def schema(self) -> dict:
        return {"type": "string", "description": "an IANA time zone, for example America/Chicago"}


@dataclass(frozen=True)
class Window(Kind):
    def schema(self) -> dict:
        return {"type": "string", "description": "a window expression, for example 'mon-fri 08:00-17:00'"}


@dataclass(frozen=True)
class Day(Kind):
    def schema(self) -> dict:
        return {"type": "string", "pattern": r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*$", "description": "a date, YYYY-MM-DD"}


@dataclass(frozen=True)
class Instant(Kind):
    """ISO 8601; without an offset, local to the owning record's time zone."""

    def schema(self) -> dict:
        return {"type": "string", "pattern": r"^\s*[0-9]{4}",
                "description": "an ISO 8601 instant: 2026-11-27T18:00 (local) or 2026-11-27T18:00:00-06:00"}


@dataclass(frozen=True)
class Length(Kind):
    def schema(self) -> dict:
        return {"type": "string", "pattern": r"^0*[1-9][0-9]*[dwh]$",
                "description": "a positive whole number of d, w or h, like 1w or 12h"}


@dataclass(frozen=True)
class CalendarFile(Kind):
    """An iCalendar file's path, relative to the bundle's folder and inside it."""

    def schema(self) -> dict:
        return {"type": "string", "pattern": r"^(?![/\\])(?![A-Za-z]:)(?!(.*[/\\])?\.\.([/\\]|$)).*\S",
                "description": "an iCalendar file, relative to the bundle's folder and inside it"}


@dataclass(frozen=True)
class ListOf(Kind):
    item: Kind

    def schema(self) -> dict:
        return {"type": "array", "items": self.item.schema()}


@dataclass(frozen=True)
class PerPriority(Kind):
    """Minutes keyed ``P1``..``P4``, positive whole numbers; a priority left out keeps its default."""

    def schema(self) -> dict:
        minutes = {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}]}
        return {"type": "object", "properties": {p: minutes for p in PRIORITIES}, "additionalProperties": False}


@dataclass(frozen=True)
class Coverage(Kind):
    """Levels 1..4 (numbers in YAML, the strings "1".."4" in JSON) to a rule: a word or a window."""

    def schema(self) -> dict:
        rule = {"anyOf": [{"enum": list(COVERAGE_WORDS)}, {"type": "string", "pattern": "[0-9]"}, {"type": "null"}],
                "description": "always, business, emergency, never or a window expression"}
        return {"type": "object", "propertyNames": {"pattern": r"^\s*0*[1-4]\s*$"}, "additionalProperties": rule}


@dataclass(frozen=True)
class Exactly(Kind):
    value: str

    def schema(self) -> dict:
        return {"const": self.value}


@dataclass(frozen=True)
class Key:
    """One key of a record. ``default`` is what an absent key means (in the bundle's own terms),
    when that is a value; it is what the schema shows and tells the writer which empty values
    must still be written."""

    name: str
    kind: Kind
    required: bool = False
    default: Any = _ABSENT
    help: str = ""
    written_empty: bool = False  # written even when empty (an empty list says what absence does not)

    @property
    def empty_by_default(self) -> bool:
        return not self.written_empty and (self.default is _ABSENT or self.default in ("", [], None))


@dataclass(frozen=True)
class Record(Kind):
    """A mapping with the keys listed, in the order they are written."""

    name: str
    keys: tuple[Key, ...]
    extra: dict = field(default_factory=dict, compare=False, hash=False)  # schema rules between keys

    @cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(key.name for key in self.keys)

    @cached_property
    def required(self) -> tuple[str, ...]:
        return tuple(key.name for key in self.keys if key.required)

    def key(self, name: str) -> Key:
        for key in self.keys:
            if key.name == name:
                return key
        raise KeyError(name)

    def schema(self) -> dict:
        return {"$ref": f"#/definitions/{self.name}"}

    def definition(self) -> dict:
        properties = {}
        for key in self.keys:
            value = key.kind.schema()
            if not key.required:
                value = {"anyOf": [value, {"type": "null"}]}
            if key.help:
                value["description"] = key.help
            if key.default is not _ABSENT:
                value["default"] = key.default
            properties[key.name] = value
        out: dict = {"type": "object", "properties": properties, "additionalProperties": False}
        if self.required:
            out["required"] = list(self.required)
        out.update(self.extra)
        return out


# ---------------------------------------------------------------- the records

TEXT = Text()
NAME = Text(not_empty=True)
TEXTS = ListOf(Text(not_empty=True))
DAYS = ListOf(Day())

SPAN = Record("unavailable", (
    Key("from", Instant(), required=True),
    Key("to", Instant(), required=True, help="after from"),
    Key("reason", TEXT, default=""),
))

MSP = Record("msp", (
    Key("name", NAME, required=True),
    Key("timezone", Zone(), required=True, help="the staff's time zone; the default of rotations"),
    Key("holidays", DAYS, default=[], help="dates, MSP-wide"),
))

TECHNICIAN = Record("technician", (
    Key("id", Id(), required=True),
    Key("name", NAME, required=True),
    Key("level", Whole(TECH_LEVELS), required=True, help="1 answer, 2 remote, 3 on-site"),
    Key("phones", TEXTS, default=[]),
    Key("email", TEXT),
    Key("roles", ListOf(Choice(ROLES, "role")), default=["dispatcher"]),
    Key("unavailable", ListOf(SPAN), default=[], help="leave; instants without an offset are in the MSP's time zone"),
    Key("active", Flag(), default=True, help="false keeps a technician that past calls name, inactive"),
))

ROTATION = Record("rotation", (
    Key("id", Id(), required=True),
    Key("name", NAME, required=True),
    Key("level", Whole(TECH_LEVELS), required=True),
    Key("timezone", Zone(), help="default: msp.timezone"),
    Key("start", Instant(), help="local to timezone; required unless ical is given"),
    Key("length", Length(), help="Nd, Nw or Nh; required unless ical is given"),
    Key("active", Window(), help="when the rotation is on call; always when absent"),
    Key("members", ListOf(Reference("technician")), help="at least one, unless ical is given"),
    Key("ical", CalendarFile(), help="relative to the bundle file; replaces start, length and members"),
), extra={
    "if": {"required": ["ical"], "properties": {"ical": {"not": {"type": "null"}}}},
    "then": {"properties": {name: {"type": "null"} for name in ("start", "length", "members")}},
    "else": {"required": ["start", "length", "members"], "properties": {"members": {"minItems": 1}}},
})

OVERRIDE = Record("override", (
    Key("rotation", Reference("rotation"), required=True),
    Key("tech", Reference("technician"), required=True),
    Key("from", Instant(), required=True, help="without an offset: in the rotation's time zone"),
    Key("to", Instant(), required=True, help="after from"),
    Key("reason", TEXT, default=""),
))

CONTACT = Record("contact", (
    Key("name", NAME, required=True),
    Key("phone", TEXT),
    Key("email", TEXT),
    Key("role", TEXT),
    Key("may_authorize", Flag(), default=False),
))

_ANY = "absent: any; every condition given must hold"
RULE = Record("emergency_rule", (
    Key("systems", ListOf(Reference("system")), help=_ANY, written_empty=True),
    Key("criticality", ListOf(Choice(CRITICALITIES, "criticality")), help=_ANY, written_empty=True),
    Key("impact", ListOf(Choice(IMPACTS, "impact")), help=_ANY, written_empty=True),
    Key("keywords", TEXTS, help=_ANY, written_empty=True),
))

AGREEMENT = Record("agreement", (
    Key("plan", TEXT, default="", help="free text shown to the dispatcher"),
    Key("business_hours", Window(), default=DEFAULT_BUSINESS_HOURS),
    Key("coverage", Coverage(), default={str(level): rule for level, rule in DEFAULT_COVERAGE.items()}),
    Key("response_minutes", PerPriority(), default=dict(DEFAULT_RESPONSE_MINUTES)),
    Key("ack_minutes", PerPriority(), default=dict(DEFAULT_ACK_MINUTES)),
    Key("emergency", ListOf(RULE), default=[{"criticality": ["critical"], "impact": ["down"]}]),
    Key("notes", TEXT, default=""),
))

EXPERT = Record("expert", (
    Key("tech", Reference("technician"), required=True),
    Key("role", Choice(EXPERT_ROLES, "expert role"), required=True),
))

VENDOR = Record("vendor", (
    Key("name", TEXT),
    Key("phone", TEXT),
    Key("hours", TEXT),
    Key("contract", TEXT),
))

RUNBOOK = Record("runbook", (
    Key("id", Id(), required=True, help="unique within the client, system runbooks included"),
    Key("title", NAME, required=True),
    Key("level", Whole(LEVELS), required=True),
    Key("review_days", Whole(), help="stale after this many days without review"),
    Key("body", TEXT, default="", help="Markdown; names where a secret is kept, never the secret"),
))

SYSTEM = Record("system", (
    Key("id", Id(), required=True, help="unique within the client"),
    Key("name", NAME, required=True),
    Key("criticality", Choice(CRITICALITIES, "criticality"), default="normal"),
    Key("fix_level", Whole(LEVELS), default=2),
    Key("depends_on", ListOf(Reference("system")), default=[], help="ids of systems of the same client"),
    Key("experts", ListOf(EXPERT), default=[]),
    Key("vendor", VENDOR),
    Key("notes", TEXT, default=""),
    Key("runbooks", ListOf(RUNBOOK), default=[]),
))

CLIENT = Record("client", (
    Key("id", Id(), required=True),
    Key("name", NAME, required=True),
    Key("industry", Choice(INDUSTRIES, "industry"), default="other"),
    Key("timezone", Zone(), required=True),
    Key("phones", TEXTS, default=[], help="caller-ID match; any format, compared as E.164"),
    Key("holidays", DAYS, default=[]),
    Key("contacts", ListOf(CONTACT), default=[]),
    Key("agreement", AGREEMENT),
    Key("systems", ListOf(SYSTEM), default=[]),
    Key("runbooks", ListOf(RUNBOOK), default=[], help="client-wide runbooks, not tied to one system"),
))

BUNDLE = Record("bundle", (
    Key("format", Exactly(FORMAT), required=True),
    Key("msp", MSP, required=True),
    Key("technicians", ListOf(TECHNICIAN), default=[], written_empty=True),
    Key("rotations", ListOf(ROTATION), default=[], written_empty=True),
    Key("overrides", ListOf(OVERRIDE), default=[], written_empty=True),
    Key("clients", ListOf(CLIENT), default=[], written_empty=True),
))

RECORDS = (BUNDLE, MSP, TECHNICIAN, SPAN, ROTATION, OVERRIDE, CLIENT, CONTACT, AGREEMENT, RULE, SYSTEM, EXPERT,
           VENDOR, RUNBOOK)


# ---------------------------------------------------------------- derived


def written(record: Record, values: dict) -> dict:
    """``values`` as the writer puts them in a bundle: the record's keys in their declared order,
    absent values (None) left out, and empty texts and lists left out where absent means the same."""
    out = {}
    for key in record.keys:
        value = values.pop(key.name, None)
        if value is None or (key.empty_by_default and (value == "" or value == [] or value == ())):
            continue
        out[key.name] = value
    if values:
        raise ValueError(f"the writer gave {record.name} keys the bundle's shape does not declare: {sorted(values)}")
    return out


def json_schema() -> dict:
    """The JSON Schema (draft-07, which editors read) of a ``dispatch-bundle/1`` file."""
    schema: dict = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "Dispatch Console environment bundle",
        "description": (f"An MSP's whole environment, format {FORMAT} (BUNDLE.md). `dispatch-app import` is the "
                        "authority: it also checks references between records, time zone names and window "
                        "expressions, which this schema does not."),
    }
    schema.update(BUNDLE.definition())
    schema["definitions"] = {record.name: record.definition() for record in RECORDS if record is not BUNDLE}
    return schema


def schema_text() -> str:
    """The JSON Schema as the kept file holds it (``resources/schema/``): indented, one final newline."""
    import json

    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


MODELINE = f"# yaml-language-server: $schema={SCHEMA_FILE}\n"
"""The first line of an exported YAML bundle: editors with the YAML language server read the
schema from the file of that name beside the bundle (``dispatch-app schema -o``)."""
