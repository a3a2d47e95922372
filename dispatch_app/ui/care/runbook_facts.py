"""What the care window lists, as plain values built off the UI thread (no Qt here).

The detector is the importer's (``editing.runbook_secret_findings``); it is run line by line
here only to say *where* a runbook looks like it holds a secret.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from dispatch_app.domain.model import Client, Environment, Runbook, System
from dispatch_app.services import calls, environment, review
from dispatch_app.services.database import Database
from dispatch_app.services.editing import runbook_secret_findings
from dispatch_app.services.review import StaleRunbook


@dataclass(frozen=True)
class RunbookPlace:
    """A runbook with where it lives: its client, and its system (None: client-wide)."""

    client: Client
    system: System | None
    runbook: Runbook

    @property
    def key(self) -> str:
        return f"{self.client.id}/{self.runbook.id}"


@dataclass(frozen=True)
class StaleRow:
    key: str
    client_name: str
    title: str
    system_name: str
    review_days: int
    last_reviewed: datetime | None
    due: datetime | None
    overdue_days: int | None
    """Whole days past the due date; None when the runbook was never stamped."""


@dataclass(frozen=True)
class SecretLine:
    key: str
    title: str
    line: int | None
    """1-based; None when only the whole text together looks like a secret."""
    finding: str

    @property
    def sentence(self) -> str:
        where = f"line {self.line}" if self.line is not None else "its text"
        return f"{self.key}: {where} looks like {self.finding}"


def runbook_places(env: Environment) -> dict[str, RunbookPlace]:
    """Every runbook of every client, by ``client/runbook``."""
    out: dict[str, RunbookPlace] = {}
    for client in env.clients:
        for runbook in client.runbooks:
            out[f"{client.id}/{runbook.id}"] = RunbookPlace(client, None, runbook)
        for system in client.systems:
            for runbook in system.runbooks:
                out[f"{client.id}/{runbook.id}"] = RunbookPlace(client, system, runbook)
    return out


def stale_rows(stale: list[StaleRunbook], places: dict[str, RunbookPlace], at: datetime) -> list[StaleRow]:
    rows = []
    for s in stale:
        key = f"{s.client}/{s.runbook}"
        place = places.get(key)
        overdue = None if s.due is None else max(0, (at - s.due) // timedelta(days=1))
        rows.append(StaleRow(
            key=key, client_name=place.client.name if place else s.client,
            title=place.runbook.title if place else s.runbook,
            system_name=place.system.name if place and place.system else "client-wide",
            review_days=s.review_days, last_reviewed=s.last_reviewed, due=s.due, overdue_days=overdue))
    return rows


def secret_lines(places: dict[str, RunbookPlace]) -> list[SecretLine]:
    """Every line of a runbook's text (and every title) that looks like it holds a
    credential, in ``client/runbook`` order."""
    out: list[SecretLine] = []
    for key, place in sorted(places.items()):
        runbook = place.runbook
        found_here: list[SecretLine] = []
        for number, line in enumerate(runbook.body.splitlines(), start=1):
            for finding in runbook_secret_findings(line):
                found_here.append(SecretLine(key, runbook.title, number, finding))
        for finding in runbook_secret_findings(runbook.title):
            found_here.append(SecretLine(key, runbook.title, None, f"{finding} (in the title)"))
        if not found_here:  # a secret spread over lines (a key block) shows only in the whole text
            found_here = [SecretLine(key, runbook.title, None, finding)
                          for finding in runbook_secret_findings(runbook.body)]
        out.extend(found_here)
    return out


@dataclass(frozen=True)
class RequestRow:
    """A runbook-change request as the lead reads it: the call it came from, names resolved."""

    call_id: int
    client_name: str
    system_name: str
    summary: str
    resolved_by: str
    resolved_at: datetime | None
    asked: str
    """What the resolver wrote when resolving: what should change."""
    state: str  # open | closed

    @property
    def id(self) -> int:
        return self.call_id


def request_rows(requests, env: Environment) -> list[RequestRow]:
    """The services' ``RunbookRequest`` values with client, system and people named."""
    rows = []
    for r in requests:
        call = r.call
        client = env.client(call.client) if call.client else None
        system = client.system(call.system) if client and call.system else None
        tech = env.technician(r.resolved_by) if r.resolved_by else None
        rows.append(RequestRow(
            call_id=call.id,
            client_name=client.name if client else (call.client or "unknown caller"),
            system_name=system.name if system else (call.system or "—"),
            summary=call.summary, resolved_by=tech.name if tech else (r.resolved_by or "—"),
            resolved_at=r.resolved_at, asked=r.note, state=r.state))
    return rows


@dataclass(frozen=True)
class StaleState:
    """One read of what the stale tab shows."""

    stale: list[StaleRow]
    secrets: list[SecretLine]
    places: dict[str, RunbookPlace]


def read_stale_state(db: Database, at: datetime) -> StaleState:
    """Stale runbooks (``review.stale_runbooks``, open to all) and secret-looking lines, with
    every runbook's text for the preview. Runs on a worker thread."""
    stale = review.stale_runbooks(db, at=at)
    places = runbook_places(environment.load_environment(db))
    return StaleState(stale_rows(stale, places, at), secret_lines(places), places)


@dataclass(frozen=True)
class RequestsState:
    rows: list[RequestRow]
    env: Environment


def read_requests(db: Database, actor: str | None, include_closed: bool) -> RequestsState:
    """``calls.runbook_change_requests`` (lead or admin: a dispatcher is refused) with names.
    Runs on a worker thread."""
    requests = calls.runbook_change_requests(db, actor=actor, include_closed=include_closed)
    env = environment.load_environment(db, clients=sorted({r.call.client for r in requests if r.call.client}))
    return RequestsState(request_rows(requests, env), env)
