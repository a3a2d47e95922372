"""What the editor lists and picks from: every record's name, read once per change.

Built on a worker (:func:`load_outline`); the navigator draws it and the forms' pickers
(technicians, rotations) read it.
"""
from __future__ import annotations

from dataclasses import dataclass

from dispatch_app.domain.model import (
    DEFAULT_ACK_MINUTES,
    DEFAULT_BUSINESS_HOURS,
    DEFAULT_COVERAGE,
    DEFAULT_EMERGENCY,
    DEFAULT_RESPONSE_MINUTES,
    Client,
    Override,
    Rotation,
    Technician,
)
from dispatch_app.services import editing, environment

SINGULAR = {"technicians": "technician", "rotations": "rotation", "overrides": "override", "clients": "client",
            "systems": "system", "runbooks": "runbook"}


@dataclass(frozen=True)
class Outline:
    msp_timezone: str
    technicians: tuple[Technician, ...]
    rotations: tuple[Rotation, ...]
    clients: tuple[Client, ...]
    overrides: tuple[tuple[str, Override, int], ...]

    def tech_name(self, tech_id: str | None) -> str:
        for tech in self.technicians:
            if tech.id == tech_id:
                return tech.name
        return tech_id or ""

    def tech_choices(self) -> list[tuple[str, str]]:
        return [(t.id, f"{t.name} ({t.id})" + ("" if t.active else " · inactive"))
                for t in sorted(self.technicians, key=lambda t: t.name.casefold())]

    def rotation_choices(self) -> list[tuple[str, str]]:
        return [(r.id, f"{r.name} ({r.id})") for r in self.rotations]

    def rotation(self, rotation_id: str) -> Rotation | None:
        return next((r for r in self.rotations if r.id == rotation_id), None)

    def client(self, client_id: str | None) -> Client | None:
        return next((c for c in self.clients if c.id == client_id), None)


def load_outline(db) -> Outline:
    """On a worker: the environment's names and the overrides with their keys."""
    env = environment.load_environment(db)
    return Outline(env.msp.timezone, env.technicians, env.rotations, env.clients, tuple(editing.list_overrides(db)))


@dataclass(frozen=True)
class NewRecord:
    """Where a new record goes: its kind, and for systems and runbooks its client (and the
    system a runbook goes under)."""

    kind: str
    client: Client | None = None
    under: str | None = None


def template(new: NewRecord, outline: Outline) -> dict:
    """A new record's fields as the bundle spells them, with the defaults of BUNDLE.md/DOMAIN.md."""
    if new.kind == "technicians":
        return {"id": "", "name": "", "level": 1, "roles": ["dispatcher"]}
    if new.kind == "rotations":
        return {"id": "", "name": "", "level": 2, "timezone": outline.msp_timezone, "start": "", "length": "1w",
                "members": []}
    if new.kind == "overrides":
        rotation = outline.rotations[0].id if outline.rotations else ""
        return {"rotation": rotation, "tech": "", "from": "", "to": "", "reason": ""}
    if new.kind == "clients":
        return {"id": "", "name": "", "industry": "other", "timezone": outline.msp_timezone, "agreement": {
            "business_hours": DEFAULT_BUSINESS_HOURS, "coverage": dict(DEFAULT_COVERAGE),
            "response_minutes": dict(DEFAULT_RESPONSE_MINUTES), "ack_minutes": dict(DEFAULT_ACK_MINUTES),
            "emergency": [{k: list(v) for k, v in vars(rule).items() if v is not None} for rule in DEFAULT_EMERGENCY],
        }}
    if new.kind == "systems":
        return {"id": "", "name": "", "criticality": "normal", "fix_level": 2}
    return {"id": "", "title": "", "level": 1, "body": ""}
