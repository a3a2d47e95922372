"""Models of the environment's lists: technicians, clients, systems, contacts, coverage."""
from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta

from PySide6.QtCore import Qt

from dispatch_app.domain import coverage, oncall
from dispatch_app.domain.model import Client, Contact, Environment, System, Technician
from dispatch_app.ui.models.table import Column, RowsModel
from dispatch_app.ui.wording import LEVEL_NAMES, coverage_rule

CENTER = Qt.AlignmentFlag.AlignCenter
SHORT_LEVEL = {1: "answer", 2: "remote", 3: "on-site", 4: "expert"}
CRITICALITY_ORDER = {"critical": 0, "high": 1, "normal": 2}
CRITICALITY_MARK = {"critical": "‼ critical", "high": "! high", "normal": "normal"}


def on_call_now(env: Environment, at: datetime) -> frozenset[str]:
    """Technician ids holding a rotation at ``at``."""
    return frozenset(held.tech for held in oncall.on_call_all(env, at) if held.tech)


class TechniciansModel(RowsModel[Technician]):
    columns = (
        Column("Name", lambda t: t.name),
        Column("Level", lambda t: f"L{t.level} {LEVEL_NAMES[t.level]}", sort=lambda t: t.level, align=CENTER),
        Column("Roles", lambda t: ", ".join(t.roles)),
        Column("Id", lambda t: t.id),
    )


class ClientsModel(RowsModel[Client]):
    columns = (
        Column("Client", lambda c: c.name),
        Column("Industry", lambda c: c.industry),
        Column("Plan", lambda c: c.agreement.plan),
        Column("Id", lambda c: c.id),
    )


class SystemsModel(RowsModel[System]):
    """A client's systems; the expert column names people and marks who is on call now."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._env: Environment | None = None
        self._on_call: frozenset[str] = frozenset()
        self.columns = (
            Column("System", lambda s: s.name, tooltip=lambda s: s.id),
            Column("Criticality", lambda s: CRITICALITY_MARK.get(s.criticality, s.criticality),
                   sort=lambda s: CRITICALITY_ORDER.get(s.criticality, 9)),
            Column("Fix level", lambda s: f"L{s.fix_level} {LEVEL_NAMES[s.fix_level]}", sort=lambda s: s.fix_level),
            Column("Experts", self._experts),
            Column("Runbooks", lambda s: str(len(s.runbooks)), sort=lambda s: len(s.runbooks), align=CENTER),
        )

    def set_context(self, env: Environment, on_call_ids: frozenset[str]) -> None:
        changed = env is not self._env or on_call_ids != self._on_call
        self._env, self._on_call = env, on_call_ids
        if changed:
            self.refresh_all()

    def expert_label(self, tech_id: str, role: str) -> str:
        tech = self._env.technician(tech_id) if self._env is not None else None
        name = tech.name if tech is not None else tech_id
        badge = " ☎ on call" if tech_id in self._on_call else ""
        return f"{name} ({role}{badge})"

    def _experts(self, system: System) -> str:
        if not system.experts:
            return "⚠ nobody"
        return ", ".join(self.expert_label(e.tech, e.role) for e in system.experts)


class ContactsModel(RowsModel[Contact]):
    columns = (
        Column("Name", lambda c: c.name, emphasis=True),
        Column("Role", lambda c: c.role or ""),
        Column("Phone", lambda c: c.phone or "", emphasis=True),
        Column("E-mail", lambda c: c.email or ""),
        Column("May authorize", lambda c: "✔ may authorize" if c.may_authorize else "—",
               sort=lambda c: 0 if c.may_authorize else 1),
    )

    def key(self, row: Contact) -> Hashable:
        return (row.name, row.phone, row.email)


@dataclass(frozen=True)
class CoverageRow:
    """What one support level covers for a client, now and next (for display)."""

    level: int
    rule: str
    covered: bool
    covered_for_p1: bool
    change_at: datetime | None
    """Until when it stays covered (when covered) or when it starts (when not); None: no change in 30 days."""

    @property
    def id(self) -> int:
        return self.level


def coverage_rows(env: Environment, client: Client, at: datetime) -> list[CoverageRow]:
    """For each level, whether a normal (non-emergency) call is covered at ``at`` and until or
    from when, read from the domain's exact intervals; and whether a P1 is covered."""
    limit = at + timedelta(days=coverage.SEARCH_DAYS)
    rows = []
    for level in (1, 2, 3, 4):
        rule = coverage.rule_of(client, level)
        covered = coverage.is_covered(env, client, level, "P2", at)
        p1 = coverage.is_covered(env, client, level, "P1", at)
        spans = coverage.covered_intervals(env, client, level, "P2", at, limit)
        if covered:
            change = spans[0][1] if spans and spans[0][1] < limit else None
        else:
            change = spans[0][0] if spans else None
        rows.append(CoverageRow(level, rule, covered, p1, change))
    return rows


class CoverageModel(RowsModel[CoverageRow]):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._client: Client | None = None
        self._describe_time = lambda instant: instant.isoformat()
        self.columns = (
            Column("Level", lambda r: f"L{r.level} {SHORT_LEVEL[r.level]}", sort=lambda r: r.level,
                   tooltip=lambda r: LEVEL_NAMES[r.level]),
            Column("Now", self._now, sort=lambda r: (not r.covered, not r.covered_for_p1), emphasis=True),
            Column("Next change", self._next, sort=lambda r: r.change_at.timestamp() if r.change_at else 0.0,
                   tooltip=self._rule),
        )

    def set_context(self, client: Client, describe_time) -> None:
        self._client = client
        self._describe_time = describe_time

    def _now(self, row: CoverageRow) -> str:
        if row.covered:
            return "✔ covered"
        if row.covered_for_p1:
            return "✖ not now · ✔ P1"
        return "✖ not covered"

    def _next(self, row: CoverageRow) -> str:
        if row.change_at is None:
            return "no change in 30 days" if row.covered else "not in the next 30 days"
        word = "until" if row.covered else "from"
        return f"{word} {self._describe_time(row.change_at)}"

    def _rule(self, row: CoverageRow) -> str:
        hours = self._client.agreement.business_hours if self._client else ""
        return coverage_rule(row.rule, hours)
