"""Printable reports. Imports only ``dispatch_app.domain`` and PySide6 (for the PDF).

The handoff record's tables are declared once here (:func:`handoff_sections`) and rendered by
``handoff_markdown`` and ``handoff_html``; ``handoff_pdf`` prints the HTML with Qt. Import the
renderer you need: only ``handoff_pdf`` loads Qt.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dispatch_app.domain.handoff import Handoff, format_minutes
from dispatch_app.domain.localtime import to_local

FORMATS = ("md", "html", "pdf")


@dataclass(frozen=True)
class Section:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str = "none"
    compact: bool = False
    """A narrow table (figures), not stretched to the page's width."""


def anchor_line(handoff: Handoff) -> str | None:
    """The record's chain head at the end of the shift, to keep outside the database (None
    before the record is issued)."""
    if not handoff.anchor:
        return None
    return (f"Record anchor at the end of the shift: {handoff.anchor} "
            f"(check with: dispatch-app verify --anchor {handoff.anchor})")


def local_time(handoff: Handoff, instant: datetime | None) -> str:
    """``Sat 05:25`` in the record's time zone (a shift spans at most a night or two)."""
    if instant is None:
        return ""
    return to_local(instant, handoff.timezone).strftime("%a %H:%M")


def title(handoff: Handoff) -> str:
    """Shift 0 is a record over a range that is no single shift's."""
    if handoff.shift.id == 0:
        return f"Handoff: {handoff.dispatcher_name}" if handoff.shift.dispatcher != "no shift" else "Handoff"
    return f"Handoff: shift {handoff.shift.id}, {handoff.dispatcher_name}"


def shift_line(handoff: Handoff) -> str:
    start = to_local(handoff.shift.start, handoff.timezone)
    end = to_local(handoff.shift.end, handoff.timezone)
    line = (f"{start:%a %Y-%m-%d %H:%M} to {end:%a %Y-%m-%d %H:%M} ({handoff.timezone}), "
            f"dispatcher {handoff.dispatcher_name}")
    if handoff.at < handoff.shift.end:
        line += f"; as of {to_local(handoff.at, handoff.timezone):%a %H:%M}"
    return line


def _call(line) -> str:
    return f"#{line.call}" + (" (unmatched)" if line.unmatched else "")


def handoff_sections(handoff: Handoff) -> list[Section]:
    """Every table of the record, in reading order: what needs doing first."""
    h, f = handoff, handoff.figures
    t = lambda instant: local_time(h, instant)  # noqa: E731
    summary = (
        ("calls received", str(f.received)), ("calls resolved", str(f.resolved)),
        ("still open", str(f.open)), ("deferred", str(f.deferred)),
        ("calls escalated", str(f.escalated)), ("contact attempts", str(f.attempts)),
        ("acknowledgements", str(f.acknowledgements)),
        ("median minutes to acknowledge", format_minutes(f.median_minutes_to_ack) or "-"),
        ("longest minutes to acknowledge", format_minutes(f.max_minutes_to_ack) or "-"),
        ("response-due breaches", str(f.breaches)), ("runbook changes asked", str(f.runbook_changes)),
    )
    missed = [Section("Missed calls", ("rang", "number", "caller", "client", "line"),
                      tuple((t(r.at), r.phone, r.contact or r.caller_name or "", r.client or "unknown caller",
                             r.line or "") for r in h.missed))] if h.missed else []
    return [
        Section("Summary", ("figure", "value"), summary, compact=True),
        *missed,
        Section("Still open", ("call", "client", "system", "priority", "status", "received", "response due", "next step"),
                tuple((_call(o.line), o.line.client or "", o.line.system or "", o.line.priority or "",
                       o.line.status, t(o.line.received_at), t(o.line.response_due), o.next_step.text)
                      for o in h.open)),
        Section("Deferred", ("call", "client", "system", "priority", "until", "next step"),
                tuple((_call(d.line), d.line.client or "", d.line.system or "", d.line.priority or "",
                       t(d.until) or "no coverage within 30 days", d.next_step.text) for d in h.deferred)),
        Section("Response-due breaches", ("call", "client", "priority", "response due", "responded", "by", "minutes late"),
                tuple((_call(b.line), b.line.client or "", b.line.priority or "", t(b.response_due),
                       t(b.responded_at) or "not yet", h.name(b.responded_by), format_minutes(b.minutes_late))
                      for b in h.breaches)),
        Section("Received", ("call", "received", "client", "system", "priority", "status", "summary"),
                tuple((_call(l), t(l.received_at), l.client or "", l.system or "", l.priority or "", l.status, l.summary)
                      for l in h.received)),
        Section("Resolved", ("call", "client", "priority", "resolved", "by", "runbook change", "note"),
                tuple((_call(r.line), r.line.client or "", r.line.priority or "", t(r.resolved_at),
                       h.name(r.resolved_by), r.runbook_change or "", r.note) for r in h.resolved)),
        Section("Contact attempts", ("time", "call", "technician", "channel", "outcome", "minutes to acknowledge"),
                tuple((t(a.at), f"#{a.call}", a.name, a.channel, a.outcome, format_minutes(a.minutes_to_ack))
                      for a in h.attempts)),
        Section("Time to acknowledge", ("call", "technician", "first attempt", "acknowledged", "minutes"),
                tuple((f"#{a.call}", a.name, t(a.first_attempt), t(a.acked_at), format_minutes(a.minutes))
                      for a in h.acknowledgements)),
    ]

