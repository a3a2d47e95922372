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


def call(c) -> dict:
    """A recorded call (``call add --json``, ``call show --json``)."""
    return {
        "id": c.id, "client": c.client, "system": c.system, "summary": c.summary, "impact": c.impact,
        "priority": c.priority, "priority_override": c.priority_override,
        "priority_override_by": c.priority_override_by, "status": c.status,
        "received_at": format_utc(c.received_at), "response_due": format_utc(c.response_due),
        "unmatched": c.unmatched, "authorized": c.authorized, "caller_name": c.caller_name,
        "caller_phone": c.caller_phone, "contact": c.contact, "source": c.source, "external_id": c.external_id,
    }


def queue(rows) -> dict:
    """``calls --json``: exactly the keys of CLI.md."""
    return {"calls": [
        {"id": r.id, "client": r.client, "system": r.system, "summary": r.summary, "priority": r.priority,
         "status": r.status, "received_at": format_utc(r.received_at), "response_due": format_utc(r.response_due)}
        for r in rows
    ]}


def escalation(state) -> dict | None:
    if state is None:
        return None
    return {
        "tried": [{"tech": a.tech, "outcome": a.outcome, "channel": a.channel, "at": format_utc(a.at)}
                  for a in state.tried],
        "awaiting": state.awaiting,
        "awaiting_until": format_utc(state.awaiting_until),
        "next": None if state.next is None else {"tech": state.next.tech, "name": state.next.name,
                                                 "ack_minutes": state.next.ack_minutes},
        "engaged_by": state.engaged_by,
        "exhausted": state.exhausted,
    }


def event(e) -> dict:
    return {"seq": e.seq, "at": format_utc(e.at), "actor": e.actor, "kind": e.kind, "data": dict(e.data),
            "hash": e.hash}


def call_view(view) -> dict:
    return {"call": call(view.call), "triage": triage(view.triage) if view.triage is not None else None,
            "escalation": escalation(view.escalation), "events": [event(e) for e in view.events]}


def changed(result) -> dict:
    """What a write on a call did."""
    return {"call": result.call_id, "status": result.status, "events": [event(e) for e in result.events]}


def shift(info) -> dict:
    return {
        "id": info.id, "dispatcher": info.dispatcher, "start": format_utc(info.start), "end": format_utc(info.end),
        "issued_at": format_utc(info.issued_at), "acknowledged_by": info.acknowledged_by,
        "acknowledged_at": format_utc(info.acknowledged_at),
        "reviews": [{"by": by, "at": format_utc(at), "comment": comment} for by, at, comment in info.reviews],
        "notes": list(info.notes),
    }


def handoff_record(r) -> dict:
    return {"shift": r.shift_id, "seq": r.seq, "at": format_utc(r.at), "actor": r.actor, "kind": r.kind,
            "hash": r.hash}


def runbook_request(r) -> dict:
    c = r.call
    return {"call": c.id, "client": c.client, "system": c.system, "summary": c.summary,
            "resolved_at": format_utc(r.resolved_at), "resolved_by": r.resolved_by, "note": r.note, "state": r.state}


def verify(report) -> dict:
    return {"ok": report.ok, "first_break": report.first_break, "breaks": list(report.breaks),
            "broken_chains": report.broken_chains,
            "checked": {"calls": report.calls, "events": report.events, "shifts": report.shifts,
                        "handoff_records": report.handoff_records, "record_entries": report.entries},
            "problems": list(report.problems), "head": report.head,
            "anchors": [{"anchor": anchor, "holds": holds} for anchor, holds in report.anchors]}
