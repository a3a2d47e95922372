"""Who is acting, and what their roles let them do.

Every write checks the actor's roles here, below the front ends, so the console, the CLI
and the intake can never disagree. ``admin`` passes every check. Without a named technician
the actor is the anonymous level-1 dispatcher, whose only role is ``dispatcher``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dispatch_app import store
from dispatch_app.domain.model import Technician
from dispatch_app.errors import NotAllowed, NotFound
from dispatch_app.store import reads
from dispatch_app.store.database import Database

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ADMIN = "admin"


@dataclass(frozen=True)
class Actor:
    """The acting user: a technician, or (``tech`` None) the anonymous dispatcher."""

    tech: Technician | None
    roles: tuple[str, ...]

    @property
    def id(self) -> str | None:
        return self.tech.id if self.tech is not None else None

    @property
    def level(self) -> int:
        return self.tech.level if self.tech is not None else 1

    @property
    def label(self) -> str:
        """How a message names the actor."""
        return f"'{self.tech.id}'" if self.tech is not None else "the anonymous dispatcher"

    def has_role(self, *roles: str) -> bool:
        """True when the actor holds one of ``roles`` or is an admin."""
        return ADMIN in self.roles or any(role in self.roles for role in roles)


ANONYMOUS = Actor(tech=None, roles=("dispatcher",))


def actor(source: Database | Session, tech_id: str | None) -> Actor:
    """The actor for ``tech_id`` (None: the anonymous dispatcher).

    Raises NotFound for an id that names no technician, and NotAllowed for a technician
    marked inactive (removed from the environment but kept for the calls that name them).
    """
    if tech_id is None:
        return ANONYMOUS
    if isinstance(source, Database):
        with source.reading() as connection:
            found = reads.load_technicians(connection, tech_id)
        tech = found[0] if found else None
    else:
        tech = store.load_technician(source, tech_id)
    if tech is None:
        raise NotFound(f"no technician '{tech_id}'")
    if not tech.active:
        raise NotAllowed(f"technician '{tech_id}' is inactive (no longer in the environment)")
    return Actor(tech=tech, roles=tuple(tech.roles))


def require_role(actor: Actor, *roles: str, action: str = "this") -> None:
    """Raise NotAllowed unless ``actor`` holds one of ``roles`` (or is an admin).

    The message names what was refused, the roles that would do, and what the actor has:
    "importing a bundle needs the lead or admin role; 'jordan' has dispatcher".
    """
    if actor.has_role(*roles):
        return
    wanted = list(dict.fromkeys((*roles, ADMIN)))
    needed = ", ".join(wanted[:-1]) + f" or {wanted[-1]}" if len(wanted) > 1 else wanted[0]
    held = ", ".join(actor.roles) if actor.roles else "no role"
    raise NotAllowed(f"{action} needs the {needed} role; {actor.label} has {held}")
