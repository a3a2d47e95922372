"""The console's door to the services: the database bound in, nothing decided here.

Every method is blocking and meant to run on a worker through :mod:`dispatch_app.ui.tasks`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dispatch_app.domain.model import Environment, Triage
from dispatch_app.reports.handoff_markdown import handoff_markdown
from dispatch_app.services import calls, environment, people, ringing, shifts, triage
from dispatch_app.services.database import open_database


class Backend:
    def __init__(self, db) -> None:
        self.db = db
        self.calls = calls
        self.shifts = shifts

    @classmethod
    def open(cls, url: str | None) -> "Backend":
        return cls(open_database(url))

    @property
    def display_url(self) -> str:
        return getattr(self.db, "display_url", str(self.db))

    # ------------------------------------------------------------ environment and people

    def load_environment(self) -> Environment:
        return environment.load_environment(self.db)

    def is_empty(self) -> bool:
        return self.db.is_empty()

    def actor(self, tech_id: str | None) -> people.Actor:
        return people.actor(self.db, tech_id)

    def import_bundle(self, path, *, actor: str | None, at: datetime, replace: bool = False, strict: bool = False,
                      dry_run: bool = False) -> environment.ImportReport:
        return environment.import_bundle(self.db, path, actor=actor, replace=replace, strict=strict,
                                         dry_run=dry_run, at=at)

    def export_bundle(self, path, *, actor: str | None):
        """The files written (the bundle and its iCalendar files beside it)."""
        return environment.export_bundle(self.db, path, actor=actor)

    def ping(self) -> bool:
        """A cheap read that fails when the database cannot be reached."""
        self.db.is_empty()
        return True

    # ------------------------------------------------------------ calls

    def what_if(self, *, client: str, system: str | None, impact: str | None, summary: str,
                at: datetime, as_tech: str | None) -> Triage:
        return triage.what_if(self.db, client=client, system=system, impact=impact, summary=summary,
                              at=at, as_tech=as_tech)

    def find_caller(self, phone: str):
        return self.calls.find_caller(self.db, phone)

    def record_call(self, **fields):
        return self.calls.record_call(self.db, **fields)

    def queue(self, *, at: datetime):
        return self.calls.queue(self.db, at=at, open_only=True)

    def call_view(self, call_id: int, *, at: datetime, as_tech: str | None):
        return self.calls.call_view(self.db, call_id, at=at, as_tech=as_tech)

    def record_attempt(self, **fields):
        return self.calls.record_attempt(self.db, **fields)

    def add_note(self, **fields):
        return self.calls.add_note(self.db, **fields)

    def resolve(self, **fields):
        return self.calls.resolve(self.db, **fields)

    def queue_rows(self, call_ids, *, at: datetime):
        """``(open rows, ids closed or gone)`` for the calls the change feed named."""
        return self.calls.queue_rows(self.db, list(call_ids), at=at)

    def queue_order(self, row):
        return self.calls.queue_order(row)

    def override_priority(self, **fields):
        return self.calls.override_priority(self.db, **fields)

    def authorize(self, **fields):
        return self.calls.authorize(self.db, **fields)

    def assign_client(self, **fields):
        return self.calls.assign_client(self.db, **fields)

    # ------------------------------------------------------------ the ringing phone

    def rings(self, ring_ids, *, at: datetime, env: Environment | None = None):
        """The rings named that no call took yet, newest first (domain Ringing values)."""
        return ringing.rings(self.db, ring_ids, at=at, env=env)

    def rings_answered(self, ring_ids) -> set[int]:
        return ringing.answered(self.db, ring_ids)

    def record_ring(self, **fields):
        return ringing.record_ring(self.db, source="console", field="--phone", **fields)

    # ------------------------------------------------------------ the shift

    @property
    def has_shifts(self) -> bool:
        return self.shifts is not None

    def shift_state(self, tech: str | None, *, at: datetime) -> "ShiftState":
        """The actor's running shift (or None) and the handoff waiting for somebody else to
        acknowledge it (the newest issued and unacknowledged record not theirs), with its Markdown."""
        recent = self.shifts.list_shifts(self.db, limit=50)
        running = next((s for s in recent if s.end is None and s.dispatcher == tech), None)
        waiting = next((s for s in recent if s.end is not None and s.issued_at is not None
                        and s.acknowledged_by is None and s.dispatcher != tech), None)
        markdown = None
        if waiting is not None:
            markdown = handoff_markdown(self.shifts.handoff(self.db, at=at, shift_id=waiting.id))
        return ShiftState(running, waiting, markdown)

    def handoff_record(self, shift_id: int, *, at: datetime) -> str:
        """A shift's handoff record as Markdown."""
        return handoff_markdown(self.shifts.handoff(self.db, at=at, shift_id=shift_id))

    def start_shift(self, **fields):
        return self.shifts.start_shift(self.db, **fields)

    def end_shift(self, **fields):
        return self.shifts.end_shift(self.db, **fields)

    def add_shift_note(self, **fields):
        return self.shifts.add_shift_note(self.db, **fields)

    def acknowledge_handoff(self, **fields):
        return self.shifts.acknowledge(self.db, **fields)


@dataclass(frozen=True)
class ShiftState:
    running: object | None
    """The signed-in dispatcher's running shift (a ShiftInfo), or None."""
    waiting: object | None
    """The newest handoff issued by somebody else and not yet acknowledged (a ShiftInfo)."""
    waiting_markdown: str | None
