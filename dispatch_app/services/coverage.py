"""Who is on call now, and where coverage has holes: the quick questions of the schedule.

Apart from :mod:`.schedule` (the schedule view, iCalendar in and out, the editing behind them)
so that ``dispatch-app oncall`` and ``gaps`` load only the environment and the rules.
"""
from __future__ import annotations

from datetime import datetime

from dispatch_app.domain import gaps as gap_rules
from dispatch_app.domain import oncall as oncall_rules
from dispatch_app.domain.model import Gap, OnCall
from dispatch_app.errors import DispatchError, NotFound
from dispatch_app.services.environment import load_environment

__all__ = ["coverage_gaps", "on_call"]


def on_call(db, *, at: datetime) -> list[OnCall]:
    """Who holds each rotation at ``at``, in rotation id order."""
    env = load_environment(db, clients=[])
    return oncall_rules.on_call_all(env, at)


def coverage_gaps(db, *, start: datetime, end: datetime, client: str | None = None) -> list[Gap]:
    if end <= start:
        raise DispatchError("--to must be after --from")
    env = load_environment(db, clients=None if client is None else [client])
    if client is not None and env.client(client) is None:
        raise NotFound(f"--client: no client {client!r}")
    return gap_rules.coverage_gaps(env, start, end)
