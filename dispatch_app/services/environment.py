"""The environment as a use case: import and export a bundle, load a snapshot.

Roles: importing needs ``lead`` (or ``admin``), except into an empty database, which is how a
new installation starts. Reading (loading, exporting) is allowed to anyone, the anonymous
dispatcher included: the environment is what every dispatcher works from, and a bundle holds
no secrets (BUNDLE.md).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from typing import TYPE_CHECKING

from dispatch_app import store  # its names load on first use (see dispatch_app.store)
from dispatch_app import bundle  # its parsers load on first use (see dispatch_app.bundle)
from dispatch_app.domain.model import CalendarSchedule, Environment, Technician
from dispatch_app.errors import NotFound
from dispatch_app.services import people
from dispatch_app.store import reads
from dispatch_app.store.database import Database

if TYPE_CHECKING:
    from dispatch_app.store import KindCounts

__all__ = ["ImportReport", "export_bundle", "import_bundle", "load_environment", "msp_timezone"]

IMPORT_ROLES = ("lead",)


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, with ``dry_run``, would do), per kind of record."""

    path: str
    counts: Mapping[str, KindCounts]
    warnings: tuple[str, ...]
    dry_run: bool
    replace: bool

    @property
    def changed(self) -> bool:
        return any(c.changed for c in self.counts.values())

    def as_json(self) -> dict:
        return {
            "file": self.path,
            "dry_run": self.dry_run,
            "replace": self.replace,
            "changed": self.changed,
            "counts": {
                kind: {"added": c.added, "updated": c.updated, "removed": c.removed,
                       "deactivated": c.deactivated, "unchanged": c.unchanged}
                for kind, c in self.counts.items()
            },
            "warnings": list(self.warnings),
        }

    def describe(self) -> str:
        """Lines for people: what changed per kind, then the warnings."""
        head = f"Checked {self.path}: nothing was written (dry run)" if self.dry_run else f"Imported {self.path}"
        lines = [head + ("" if self.changed else "; the database already held all of it")]
        verb = "would be " if self.dry_run else ""
        for kind, c in self.counts.items():
            parts = [f"{n} {verb}{what}" for n, what in (
                (c.added, "added"), (c.updated, "updated"), (c.removed, "removed"),
                (c.deactivated, "deactivated (named by calls)"),
            ) if n]
            if parts:
                lines.append(f"  {kind}: {', '.join(parts)}")
        lines.extend(f"warning: {w}" for w in self.warnings)
        return "\n".join(lines)


class _DryRun(Exception):
    """Unwinds the dry run's transaction, carrying what it would have done."""

    def __init__(self, summary: store.SaveSummary):
        self.summary = summary


def import_bundle(
    db: Database,
    path: str | Path,
    *,
    actor: str | None,
    replace: bool = False,
    strict: bool = False,
    dry_run: bool = False,
    at: datetime | None = None,
) -> ImportReport:
    """Load the bundle at ``path`` into the database, all or nothing (BUNDLE.md).

    Needs the lead or admin role unless the database is empty. A bundle with problems raises
    ``BundleError`` (every problem, with its path) before the database is touched. With
    ``dry_run`` everything is checked, the database's own constraints included, in a
    transaction that is then rolled back. ``at`` (default now) stamps the changed records.
    """
    at = at or datetime.now(timezone.utc)
    with db.session(read_only=True) as session:
        first_installation = store.is_empty(session)
        if not first_installation:
            _require_import_role(session, actor)
    loaded = bundle.read_bundle(Path(path), strict=strict)
    try:
        with db.session(write=True) as session:
            if not dry_run:
                # First, so that concurrent imports queue here (see record_change).
                store.record_change(session, at=at)
            if first_installation and not store.is_empty(session):
                _require_import_role(session, actor)  # somebody else got there first
            summary = store.save_environment(session, loaded.environment, replace=replace, actor=actor, at=at)
            if dry_run:
                raise _DryRun(summary)
    except _DryRun as finished:
        summary = finished.summary
    return ImportReport(
        path=str(path), counts=dict(summary.counts), warnings=tuple(loaded.warnings),
        dry_run=dry_run, replace=replace,
    )


def _require_import_role(session, actor: str | None) -> None:
    people.require_role(people.actor(session, actor), *IMPORT_ROLES, action="importing a bundle")


def export_bundle(db: Database, path: str | Path, *, actor: str | None) -> list[Path]:
    """Write the environment as a bundle (and its iCalendar files beside it).

    Allowed to anyone; ``actor`` is checked only to exist. Returns the files written.
    """
    people.actor(db, actor)
    return bundle.write_bundle(load_environment(db), Path(path))


def load_environment(db: Database, *, clients: Sequence[str] | None = None) -> Environment:
    """A consistent snapshot: all staff, rotations and overrides, and the named clients (None: all).
    Read on SQLAlchemy Core (``store/reads.py``), so a quick command does not load the ORM."""
    with db.reading() as connection:
        return reads.load_environment(connection, clients=clients, calendar_factory=_calendar)


def msp_timezone(db: Database) -> str:
    """The MSP's time zone (where local instants given without an offset are read)."""
    with db.reading() as connection:
        msp = reads.load_msp(connection)
    if msp is None:
        raise NotFound("the database holds no environment yet: import a bundle first")
    return msp.timezone


def _calendar(source: str, content: str, technicians: Sequence[Technician], tz: str) -> CalendarSchedule:
    """An iCalendar rotation rebuilt from its stored text.

    Parsing and checking a calendar costs far more than loading the rest, so the result is
    kept for the same text, zone and technicians (matching attendees depends on them).
    """
    return _parsed_calendar(source, content, tz, tuple(technicians))


@lru_cache(maxsize=32)
def _parsed_calendar(source: str, content: str, tz: str, technicians: tuple[Technician, ...]) -> CalendarSchedule:
    return bundle.calendar_from_text(source, content, technicians, tz)
