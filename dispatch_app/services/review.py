"""The manager's review (issue 7): response figures, what-if for leave and overrides, bus factor,
and runbooks that stay true.

Roles: response figures need manager (or admin); what-ifs and the bus factor need manager or
lead (a lead approves leave and swaps); stale runbooks are open to everyone (a dispatcher is
shown that a runbook is stale) and marking one reviewed needs lead (or admin).

Response figures, per client, priority and month (the month of ``received`` in the MSP's time
zone), over the calls received in [start, end):

- ``calls``: how many;
- ``ack``: minutes from received to the call's first acknowledged contact attempt (calls
  with no ack are left out), median and 90th percentile (nearest rank);
- ``engage``: minutes from received to the first response: an acked attempt, the call set to
  handling, engaged or resolved, or its resolution (the "responded" of the handoff record, so
  a call the dispatcher handles is engaged at once);
- ``breaches``: calls with a response due that were first responded to after it, or not at
  all while it passed before ``at`` (default ``end``);
- ``escalations``: calls whose verdict at recording was escalate; ``nobody_to_wake``: those
  of them whose wake list was empty. The size of the wake list is kept on the call when it is
  recorded; for calls recorded before it was kept, the list is recomputed at the escalation's
  instant, for the dispatcher who took the call, on the environment as it is now.

Every figure comes from marks kept on the call row as its events are written (migration
0005), summed per client, priority and month into cells kept beside the calls
(``store.figure_cells``, brought up to date from the calls changed since the last read): a
year of a large MSP is a read of its cells, not a walk over timelines.
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from operator import itemgetter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

from dispatch_app import store
from dispatch_app.domain import gaps as gap_rules
from dispatch_app.domain import oncall as oncall_rules
from dispatch_app.domain import triage as triage_rules
from dispatch_app.domain.localtime import format_utc, zone
from dispatch_app.domain.model import (
    NO_SYSTEM_REQUIRED_LEVEL,
    Dispatcher,
    Environment,
    Gap,
    Override,
    Unavailability,
)
from dispatch_app.errors import DispatchError, NotFound
from dispatch_app.services import people
from dispatch_app.services.environment import _calendar, load_environment
from dispatch_app.store import Database
from dispatch_app.store import edit_rows, figure_cells, review_rows

__all__ = ["FigureRow", "StaleRunbook", "WhatIf", "bus_factor_report", "figures_csv", "mark_reviewed",
           "response_figures", "stale_runbooks", "what_if_leave", "what_if_override"]

FIGURE_ROLES = ("manager",)
PLANNING_ROLES = ("manager", "lead")
REVIEW_ROLES = ("lead",)


# ---------------------------------------------------------------- response figures


class FigureRow(NamedTuple):
    client: str
    priority: str
    month: str  # YYYY-MM in the MSP's time zone
    calls: int
    acked: int
    ack_median_minutes: float | None
    ack_p90_minutes: float | None
    engaged: int
    engage_median_minutes: float | None
    engage_p90_minutes: float | None
    breaches: int
    escalations: int
    nobody_to_wake: int


FIGURE_COLUMNS = FigureRow._fields
UNMATCHED, NO_PRIORITY = "(unmatched)", "-"


def months_between(start: datetime, end: datetime, tz) -> list[review_rows.Month]:
    """The calendar months of ``tz`` that [start, end) touches, each clipped to the range, as
    (``YYYY-MM``, UTC start, UTC end)."""
    out = []
    cursor = start
    while cursor < end:
        local = cursor.astimezone(tz)
        year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
        following = datetime(year, month, 1, tzinfo=tz).astimezone(timezone.utc)
        out.append((local.strftime("%Y-%m"), cursor, min(following, end)))
        cursor = following
    return out


def response_figures(db: Database, *, actor: str | None, start: datetime, end: datetime,
                     at: datetime | None = None, nobody_to_wake: bool = True) -> list[FigureRow]:
    """Rows per client, priority and month, sorted so; see the module's docstring for each
    figure. ``nobody_to_wake`` False skips recomputing the wake lists of calls recorded before
    their size was kept (those then count 0).

    Months the range holds whole (or whose clipped part holds no call) are read from the
    kept cells (``store.figure_cells``), folded up to date first; a month the range cuts
    through is computed from the calls."""
    if end <= start:
        raise DispatchError("--to must be after --from")
    at = at or end
    with db.session(write=True) as session:
        people.require_role(people.actor(session, actor), *FIGURE_ROLES, action="reading response figures")
        tz_name = store.load_msp(session).timezone  # type: ignore[union-attr]
        figure_cells.fold(session, tz_name)
    tz = zone(tz_name)
    with db.session(read_only=True) as session:
        months = months_between(start.astimezone(timezone.utc), end.astimezone(timezone.utc), tz)
        cut = review_rows.months_cut(session, months, [figure_cells.month_bounds(m[0], tz) for m in months])
        kept = [m[0] for m in months if m not in cut]
        figures = _rows_from_cells(session, kept, tz, at)
        computed, unknown_wake = _rows_from_calls(session, cut, tz, at)
        if computed:
            figures = sorted(figures + computed, key=itemgetter(0, 1, 2))
        unknown = [] if not nobody_to_wake or not (unknown_wake or figure_cells.any_unknown_wake(session, kept)) \
            else review_rows.escalations_without_wake_count(session, months)
        env = store.load_environment(session, calendar_factory=_calendar) if unknown else None
    if env is not None:
        recomputed: dict[tuple, int] = defaultdict(int)
        empty = _NobodyToWake(env)
        for call in unknown:
            label = next(m for m, a, b in months if a <= call.received_at < b)
            recomputed[(call.client or UNMATCHED, call.priority or NO_PRIORITY, label)] += empty(call)
        figures = [r._replace(nobody_to_wake=r.nobody_to_wake + recomputed[r[:3]]) if r[:3] in recomputed else r
                   for r in figures]
    return figures


def _rows_from_cells(session, months: list[str], tz, at: datetime) -> list[FigureRow]:
    """The rows of the kept cells of ``months``, by client, priority and month."""
    rows = list(map(FigureRow._make, figure_cells.read(session, months, at, unmatched=UNMATCHED,
                                                        no_priority=NO_PRIORITY)))
    unsettled = figure_cells.unsettled(session, months, at)
    if unsettled:  # some unanswered calls are not yet due at ``at``: count those that are
        where = {(client or UNMATCHED, priority or NO_PRIORITY, month): (client, priority, month)
                 for client, priority, month in unsettled}
        rows = [r._replace(breaches=r.breaches + figure_cells.awaiting_breached(session, where[r[:3]], tz, at))
                if r[:3] in where else r for r in rows]
    return rows


def _rows_from_calls(session, months: list[review_rows.Month], tz, at: datetime) -> tuple[list[FigureRow], bool]:
    """The rows of the calls received in ``months`` (clipped months), and whether any of their
    escalations has a wake list of unknown size."""
    cells = figure_cells.between(session, months, tz, at)
    return [FigureRow(c.client_id or UNMATCHED, c.priority or NO_PRIORITY, c.month, c.calls, c.acked, c.ack_median,
                      c.ack_p90, c.engaged, c.engage_median, c.engage_p90, c.late + c.awaiting, c.escalations,
                      c.nobody_to_wake) for c in cells], any(c.unknown_wake for c in cells)


class _NobodyToWake:
    """Whether the wake list of an escalated call was empty, recomputed at its escalation for
    the dispatcher who took it, on the environment as it is now (see the module's docstring)."""

    def __init__(self, env: Environment):
        self.env = env
        self._holders: dict[datetime, list] = {}

    def __call__(self, call: review_rows.EscalatedCall) -> bool:
        env = self.env
        client = env.client(call.client) if call.client else None
        if client is None:
            return False
        system = client.system(call.system)
        level = system.fix_level if system is not None else NO_SYSTEM_REQUIRED_LEVEL
        tech = env.technician(call.taken_by) if call.taken_by else None
        dispatcher = Dispatcher(tech=tech.id, level=tech.level) if tech is not None else Dispatcher.anonymous()
        at = call.escalated_at
        holders = self._holders.get(at)  # type: ignore[arg-type]
        if holders is None:
            holders = self._holders[at] = oncall_rules.on_call_all(env, at)  # type: ignore[index]
        wake, _ = triage_rules.wake_list(env, client, system, level, call.priority or "P3", at, dispatcher,  # type: ignore[arg-type]
                                         holders=holders)
        return not wake


def figures_csv(rows: list[FigureRow]) -> str:
    """The rows as CSV with a header line (empty figures as empty cells)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIGURE_COLUMNS)
    for row in rows:
        writer.writerow(["" if getattr(row, c) is None else getattr(row, c) for c in FIGURE_COLUMNS])
    return out.getvalue()


# ---------------------------------------------------------------- what-if


@dataclass(frozen=True)
class WhatIf:
    """Coverage gaps over the range before and after the change, and what the change opens."""

    gaps_before: tuple[Gap, ...]
    gaps_after: tuple[Gap, ...]
    new_gaps: tuple[Gap, ...]


def _subtract(spans: list[tuple[datetime, datetime]], minus: list[tuple[datetime, datetime]]):
    out = []
    for a, b in spans:
        pieces = [(a, b)]
        for c, d in minus:
            pieces = [p for x, y in pieces for p in ((x, min(y, c)), (max(x, d), y)) if p[0] < p[1]]
        out.extend(pieces)
    return out


def new_gaps(before: list[Gap], after: list[Gap]) -> list[Gap]:
    """The parts of ``after`` not already a gap with the same reason ``before``."""
    had: dict[tuple[str, str, str], list] = defaultdict(list)
    for g in before:
        had[(g.client, g.system, g.reason)].append((g.start, g.end))
    out = []
    for g in after:
        for a, b in _subtract([(g.start, g.end)], had[(g.client, g.system, g.reason)]):
            out.append(replace(g, start=a, end=b))
    return out


def _what_if(env: Environment, changed: Environment, range_start: datetime, range_end: datetime) -> WhatIf:
    if range_end <= range_start:
        raise DispatchError("--range-to must be after --range-from")
    before = gap_rules.coverage_gaps(env, range_start, range_end)
    after = gap_rules.coverage_gaps(changed, range_start, range_end)
    return WhatIf(tuple(before), tuple(after), tuple(new_gaps(before, after)))


def what_if_leave(db: Database, *, actor: str | None, tech: str, start: datetime, end: datetime,
                  range_start: datetime | None = None, range_end: datetime | None = None,
                  reason: str = "what-if") -> WhatIf:
    """The coverage gaps that leave of ``tech`` over [start, end) would open, over the range
    (default: the leave itself). Computed on the environment with the leave added in memory;
    nothing is saved."""
    if end <= start:
        raise DispatchError("--to must be after --from")
    people.require_role(people.actor(db, actor), *PLANNING_ROLES, action="a what-if")
    env = load_environment(db)
    found = env.technician(tech)
    if found is None:
        raise NotFound(f"--tech: no technician {tech!r}")
    away = replace(found, unavailable=found.unavailable + (Unavailability(start, end, reason),))
    changed = replace(env, technicians=tuple(away if t.id == tech else t for t in env.technicians))
    return _what_if(env, changed, range_start or start, range_end or end)


def what_if_override(db: Database, *, actor: str | None, rotation: str, tech: str, start: datetime, end: datetime,
                     range_start: datetime | None = None, range_end: datetime | None = None) -> WhatIf:
    """The coverage gaps an override (``tech`` holds ``rotation`` over [start, end), listed
    last so it wins) would open or close, over the range (default: the override itself)."""
    if end <= start:
        raise DispatchError("--to must be after --from")
    people.require_role(people.actor(db, actor), *PLANNING_ROLES, action="a what-if")
    env = load_environment(db)
    if not any(r.id == rotation for r in env.rotations):
        raise NotFound(f"--rotation: no rotation {rotation!r}")
    if env.technician(tech) is None:
        raise NotFound(f"--tech: no technician {tech!r}")
    changed = replace(env, overrides=env.overrides + (Override(rotation, tech, start, end, "what-if"),))
    return _what_if(env, changed, range_start or start, range_end or end)


@dataclass(frozen=True)
class BusFactorLine:
    client: str
    system: str
    criticality: str
    experts: int
    at_risk: bool


def bus_factor_report(db: Database, *, actor: str | None) -> list[BusFactorLine]:
    """Every system of every client with its number of experts; ``at_risk``: a critical system
    with fewer than two (DOMAIN.md "Bus factor")."""
    people.require_role(people.actor(db, actor), *PLANNING_ROLES, action="the bus factor report")
    env = load_environment(db)
    out = []
    for client in env.clients:
        criticality = {s.id: s.criticality for s in client.systems}
        for line in gap_rules.bus_factor(client):
            out.append(BusFactorLine(client.id, line.system, criticality[line.system], line.experts, line.at_risk))
    return out


# ---------------------------------------------------------------- runbooks that stay true


@dataclass(frozen=True)
class StaleRunbook:
    client: str
    runbook: str
    review_days: int
    last_reviewed: datetime | None
    """The last review, else the last change (import or edit); None when never stamped."""
    due: datetime | None


def stale_runbooks(db: Database, *, at: datetime) -> list[StaleRunbook]:
    """Runbooks with ``review_days`` whose last review (else last change) is more than that
    many days before ``at``, most overdue first. Open to everyone."""
    with db.session() as session:
        states = edit_rows.runbook_review_states(session)
    out = []
    for client, runbook, days, reviewed_at, updated_at in states:
        if days is None:
            continue
        last = reviewed_at or updated_at
        due = last + timedelta(days=days) if last is not None else None
        if due is None or due <= at:
            out.append(StaleRunbook(client, runbook, days, last, due))
    out.sort(key=lambda s: (s.due is not None, s.due or at, s.client, s.runbook))
    return out


def mark_reviewed(db: Database, *, actor: str | None, client: str, runbook: str, at: datetime) -> int:
    """A lead read the runbook and it is still true: its review clock restarts at ``at``.
    Recorded in its history (action ``reviewed``); its version does not move. Answers the
    change counter."""
    key = f"{client}/{runbook}"
    with db.session(write=True) as session:
        who = people.actor(session, actor)
        people.require_role(who, *REVIEW_ROLES, action="marking a runbook reviewed")
        change = store.record_change(session, at=at)
        stamp = edit_rows.record_stamp(session, "runbooks", key)
        if stamp is None:
            raise NotFound(f"no runbook {key!r}")
        before = edit_rows.set_reviewed(session, key, at)
        edit_rows.append_change(session, edit_rows.RecordChange(
            "runbooks", key, "reviewed", stamp.version, who.id, at, {"reviewed_at": [format_utc(before), format_utc(at)]}))
    return change
