"""The JSON shapes of CLI.md, built from domain values."""
from __future__ import annotations

from dispatch_app.domain.localtime import format_utc
from dispatch_app.domain.model import Gap, OnCall, Triage


def triage(t: Triage) -> dict:
    return {
        "call": t.call,
        "client": t.client,
        "system": t.system,
        "at": format_utc(t.at),
        "priority": t.priority,
        "emergency": t.emergency,
        "required_level": t.required_level,
        "verdict": t.verdict,
        "first_steps": [{"runbook": s.runbook, "title": s.title, "level": s.level} for s in t.first_steps],
        "wake": [
            {"tech": w.tech, "name": w.name, "phones": list(w.phones), "on_call": w.on_call,
             "why": list(w.why), "ack_minutes": w.ack_minutes}
            for w in t.wake
        ],
        "knowledge_gap": t.knowledge_gap,
        "next_covered": format_utc(t.next_covered),
        "authorizers": [{"name": a.name, "phone": a.phone, "email": a.email} for a in t.authorizers],
        "response_due": format_utc(t.response_due),
        "reasons": list(t.reasons),
    }


def oncall(at, entries: list[OnCall]) -> dict:
    return {
        "at": format_utc(at),
        "rotations": [
            {"rotation": o.rotation, "level": o.level, "tech": o.tech, "source": o.source,
             "available": o.available}
            for o in entries
        ],
    }


def gaps(start, end, found: list[Gap]) -> dict:
    return {
        "from": format_utc(start),
        "to": format_utc(end),
        "gaps": [
            {"client": g.client, "system": g.system, "from": format_utc(g.start), "to": format_utc(g.end),
             "reason": g.reason}
            for g in found
        ],
    }
