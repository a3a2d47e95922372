"""Triage as a use case: load what the answer needs, check the input, ask the domain."""
from __future__ import annotations

from datetime import datetime

from dispatch_app.domain import triage as rules
from dispatch_app.domain.model import DEFAULT_IMPACT, IMPACTS, CallFacts, Dispatcher, Environment, Triage
from dispatch_app.errors import DispatchError, NotFound
from dispatch_app.services.environment import load_environment


def dispatcher_for(env: Environment, tech_id: str | None) -> Dispatcher:
    """The dispatcher ``--as`` names, or the anonymous level-1 dispatcher."""
    if tech_id is None:
        return Dispatcher.anonymous()
    tech = env.technician(tech_id)
    if tech is None:
        raise NotFound(f"--as: no technician {tech_id!r}")
    return Dispatcher(tech=tech.id, level=tech.level)


def check_impact(impact: str | None) -> str:
    if impact is None:
        return DEFAULT_IMPACT
    if impact not in IMPACTS:
        raise DispatchError(f"impact: {impact!r} is not one of {', '.join(IMPACTS)}")
    return impact


def what_if(db, *, client: str, system: str | None = None, impact: str | None = None,
            summary: str = "", at: datetime, as_tech: str | None = None) -> Triage:
    """The verdict for a call that is not recorded."""
    impact = check_impact(impact)
    env = load_environment(db, clients=[client])
    found = env.client(client)
    if found is None:
        raise NotFound(f"--client: no client {client!r}")
    if system is not None and found.system(system) is None:
        raise NotFound(f"--system: client {client!r} has no system {system!r}")
    facts = CallFacts(client=client, system=system, impact=impact, summary=summary or "")
    return rules.triage(env, facts, at, dispatcher_for(env, as_tech))
