"""Models of the call lists: the queue and a call's timeline."""
from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import datetime

from PySide6.QtCore import Qt

from dispatch_app.domain.model import Environment
from dispatch_app.domain.timeline import CallEvent
from dispatch_app.ui.clock import ViewerClock, span
from dispatch_app.ui.models.table import Column, RowsModel

CENTER = Qt.AlignmentFlag.AlignCenter
PRIORITY_MARK = {"P1": "‼ P1", "P2": "! P2", "P3": "P3", "P4": "P4"}
STATUS_WORDS = {"new": "new", "handling": "✔ handling", "escalating": "▲ escalating", "engaged": "☎ engaged",
                "deferred": "◷ deferred", "resolved": "resolved"}


class QueueModel(RowsModel):
    """Open calls (the services' ``QueueRow`` values), in the services' order: most urgent first,
    unmatched calls before all. Age and the response countdown read the clock."""

    def __init__(self, clock: ViewerClock, parent=None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._env: Environment | None = None
        self.p1_count = 0
        """Matched P1 calls held (kept as rows come and go, not counted over the list)."""
        self.late_count = 0
        """Calls held whose response was due when they were read."""
        self.columns = (
            Column("Pri", self._priority, sort=lambda r: (not r.unmatched, r.priority or "P9"), align=CENTER,
                   emphasis=True),
            Column("Respond", self._due, sort=lambda r: r.response_due.timestamp() if r.response_due else 9e12,
                   align=CENTER, emphasis=True, tooltip=lambda r: "time left to respond, by the agreement"),
            Column("Client", self._client, emphasis=True, tooltip=self._client),
            Column("Status", lambda r: STATUS_WORDS.get(r.status, r.status)),
            Column("Age", self._age, sort=lambda r: r.received_at.timestamp(), align=CENTER),
            Column("System", self._system, tooltip=self._system),
            Column("Summary", lambda r: r.summary, tooltip=lambda r: r.summary),
        )

    def set_environment(self, env: Environment) -> None:
        self._env = env
        self.refresh_all()

    def _tally(self, row, sign: int) -> None:
        if row.priority == "P1" and not row.unmatched:
            self.p1_count += sign
        if row.overdue:
            self.late_count += sign

    def tint(self, row):
        if row.priority == "P1" and not row.unmatched:
            return ("#8e0f1f", "#ffffff")
        if row.overdue or row.unmatched:
            return ("#6b4a00", "#ffffff")
        return None

    def _priority(self, row) -> str:
        if row.unmatched:
            return "? who"
        return PRIORITY_MARK.get(row.priority or "", row.priority or "—")

    def _client(self, row) -> str:
        if row.client is None:
            return "⚠ unknown caller"
        client = self._env.client(row.client) if self._env else None
        return client.name if client else row.client

    def _system(self, row) -> str:
        if row.system is None:
            return "—"
        client = self._env.client(row.client) if self._env and row.client else None
        system = client.system(row.system) if client else None
        return system.name if system else row.system

    def _age(self, row) -> str:
        return span((self._clock.now() - row.received_at).total_seconds() / 60)

    def _due(self, row) -> str:
        if row.response_due is None:
            return "—"
        left = (row.response_due - self._clock.now()).total_seconds() / 60
        return f"⚠ {span(-left)} late" if left < 0 else span(left)


EVENT_WORDS = {"created": "call taken", "priority": "priority", "note": "note", "attempt": "contact attempt",
               "status": "status", "authorization": "authorized", "assigned": "client assigned",
               "resolution": "resolved", "alert": "alert"}


def describe_event(event: CallEvent, name_of: Callable[[str | None], str]) -> str:
    d = event.data
    if event.kind == "attempt":
        return f"{name_of(d.get('tech'))}: {d.get('outcome')} ({d.get('channel') or 'phone'})"
    if event.kind == "status":
        why = f" ({d['why']})" if d.get("why") else ""
        return f"{d.get('from')} → {d.get('to')}{why}"
    if event.kind == "priority":
        return f"{d.get('priority')}" + (" (override" + (f": {d['why']}" if d.get('why') else "") + ")"
                                        if d.get("override") else "")
    if event.kind == "note":
        return d.get("text", "")
    if event.kind == "resolution":
        change = {"yes": " · runbook should change", "no": " · runbook fine"}.get(d.get("runbook_change"), "")
        return f"{d.get('note', '')}{change}"
    if event.kind == "created":
        return d.get("summary", "") or "call taken"
    if event.kind == "authorization":
        return f"by {d.get('contact', '')}" + (f": {d['note']}" if d.get("note") else "")
    return ", ".join(f"{k}={v}" for k, v in d.items())


class TimelineModel(RowsModel[CallEvent]):
    """A call's events, oldest first (append-only: rows are only ever inserted)."""

    def __init__(self, clock: ViewerClock, parent=None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._name_of: Callable[[str | None], str] = lambda tech: tech or "anonymous"
        self.columns = (
            Column("When", lambda e: clock.stamp(e.at), sort=lambda e: (e.at.timestamp(), e.seq)),
            Column("Who", lambda e: self._name_of(e.actor)),
            Column("What", lambda e: EVENT_WORDS.get(e.kind, e.kind)),
            Column("Details", lambda e: describe_event(e, self._name_of),
                   tooltip=lambda e: describe_event(e, self._name_of)),
        )

    def set_names(self, name_of: Callable[[str | None], str]) -> None:
        self._name_of = name_of

    def key(self, row: CallEvent) -> Hashable:
        return (row.call_id, row.seq)


def minutes_left(until: datetime, now: datetime) -> float:
    return (until - now).total_seconds() / 60
