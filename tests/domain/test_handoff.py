"""The handoff record of a shift, checked figure by figure on a scripted night."""
from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone

import pytest

from dispatch_app.domain import timeline as tl
from dispatch_app.domain.handoff import (
    ACKNOWLEDGED,
    HANDOFF_NOTE,
    ISSUED,
    REVIEWED,
    HandoffRefused,
    Shift,
    acknowledged_data,
    build_handoff,
    check_handoff_append,
    format_minutes,
    format_when,
    handoff_state,
    handoff_to_dict,
    issued_data,
    next_handoff_record,
    note_record_data,
    reviewed_data,
)
from dispatch_app.domain.model import FirstStep, Triage, WakeEntry
from dispatch_app.domain.timeline import Call, EventDraft, chain_events, verify_chain

UTC = timezone.utc
CHICAGO = "America/Chicago"
S = datetime(2026, 11, 28, 4, 0, tzinfo=UTC)  # Fri 27 Nov 22:00 in Chicago
SHIFT = Shift(id=4, dispatcher="sam", start=S, end=S + timedelta(hours=8))  # to Sat 06:00
MONDAY_8 = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # Mon 08:00 in Chicago
NAMES = {"dana": "Dana Reyes", "lee": "Lee Chen", "ann": "Ann Park", "bob": "Bob Marsh", "sam": "Sam Ortiz"}
ACK = {"P1": 10, "P2": 15, "P3": 30, "P4": 60}
RESPONSE = {"P1": 30, "P2": 120, "P3": 480, "P4": 2880}


def m(minutes: float) -> datetime:
    """Minutes from the shift's start."""
    return S + timedelta(minutes=minutes)


def triage(call: Call, priority: str, verdict: str, wake: tuple[str, ...] = (), *, first_step: str | None = None,
           next_covered: datetime | None = None) -> Triage:
    start = next_covered if verdict == "defer" else call.received_at
    return Triage(
        call=call.id, client=call.client or "", system=call.system, at=call.received_at, priority=priority,
        emergency=priority == "P1", required_level=4, verdict=verdict,
        first_steps=(FirstStep("rb", first_step, 1),) if first_step else (),
        wake=tuple(WakeEntry(t, NAMES[t], (), False, ("expert",), ACK[priority]) for t in wake),
        knowledge_gap=False, next_covered=next_covered, authorizers=(),
        response_due=start + timedelta(minutes=RESPONSE[priority]) if start else None, reasons=())


class Night:
    """Fifteen calls around shift 4: two from the shift before, eleven received in it, one after."""

    def __init__(self):
        self.calls: list[Call] = []
        self.events: dict[int, list[tl.CallEvent]] = {}
        self.triages: dict[int, Triage] = {}

    def call(self, id: int, received: float, priority: str | None, verdict: str | None, wake=(), *,
             client: str | None = "acme", steps=(), **triage_kw):
        call = Call(id=id, client=client, received_at=m(received), system="erp" if client else None,
                    summary=f"call {id}", unmatched=client is None)
        self.calls.append(call)
        if priority is not None:
            self.triages[id] = triage(call, priority, verdict, tuple(wake), **triage_kw)
        drafts = [EventDraft(m(received), "sam", tl.CREATED, tl.created_data(call))]
        status = tl.NEW
        for minute, kind, *args in steps:
            if kind == "status":
                to, *extra = args
                data = tl.status_data(status, to, until=extra[0] if extra else None)
                status = to
            elif kind == "attempt":
                data = tl.attempt_data(args[0], args[1])
            else:  # resolution
                data = tl.resolution_data(args[0], by=args[1], runbook_change=args[2])
            drafts.append(EventDraft(m(minute), "sam", kind, data))
        self.events[id] = chain_events(id, drafts)


def scripted_night() -> Night:
    n = Night()
    # before the shift: resolved before it began (left out), deferred until Monday, engaged by Ann
    n.call(1, -120, "P3", "handle", steps=[(-40, "status", "handling"), (-30, "status", "resolved")])
    n.call(2, -60, "P3", "defer", next_covered=MONDAY_8, steps=[(-58, "status", "deferred")])
    n.call(15, -200, "P3", "escalate", ["ann"], steps=[
        (-199, "status", "escalating"), (-195, "attempt", "ann", "acked"), (-195, "status", "engaged")])
    # P1: Dana acks after 7 minutes, resolves, asks for a runbook change
    n.call(3, 10, "P1", "escalate", ["dana", "lee"], steps=[
        (11, "status", "escalating"), (12, "attempt", "dana", "no-answer"), (19, "attempt", "dana", "acked"),
        (19, "status", "engaged"), (60, "resolution", "restarted the bridge", "dana", "yes"),
        (60, "status", "resolved")])
    # P2: Lee times out, Ann acks 5 minutes after her first ring; still engaged at the end
    n.call(4, 30, "P2", "escalate", ["lee", "ann"], steps=[
        (31, "status", "escalating"), (32, "attempt", "lee", "no-answer"), (48, "attempt", "ann", "no-answer"),
        (53, "attempt", "ann", "acked"), (53, "status", "engaged")])
    # P1 due at 75: Bob never answers, Dana acks at 100, 42 minutes after her first ring: the breach
    n.call(5, 45, "P1", "escalate", ["bob", "dana"], steps=[
        (46, "status", "escalating"), (47, "attempt", "bob", "no-answer"), (50, "attempt", "bob", "voicemail"),
        (58, "attempt", "dana", "no-answer"), (100, "attempt", "dana", "acked"), (100, "status", "engaged"),
        (140, "resolution", "failed over the database", "dana", "no"), (140, "status", "resolved")])
    # P4 the dispatcher handles and resolves
    n.call(6, 90, "P4", "handle", steps=[(95, "status", "handling"),
                                        (110, "resolution", "reset the password", "sam", None),
                                        (110, "status", "resolved")])
    # P3 nobody covers before Monday
    n.call(7, 120, "P3", "defer", next_covered=MONDAY_8, steps=[(122, "status", "deferred")])
    # a caller nobody could match
    n.call(8, 150, None, None, client=None)
    # P3: Lee declines, Ann rang at 460, her 30 minutes run past the shift's end
    n.call(9, 200, "P3", "escalate", ["lee", "ann", "bob"], steps=[
        (201, "status", "escalating"), (205, "attempt", "lee", "declined"), (460, "attempt", "ann", "no-answer")])
    # P3 the dispatcher can handle, not started
    n.call(11, 330, "P3", "handle", first_step="Restart the print spooler")
    # P4 resolved straight away
    n.call(12, 360, "P4", "handle", steps=[(365, "resolution", "cleared the queue", "sam", None),
                                           (365, "status", "resolved")])
    # P2: the only expert declined
    n.call(13, 400, "P2", "escalate", ["lee"], steps=[(401, "status", "escalating"), (405, "attempt", "lee", "declined")])
    # P2 escalating, nobody tried yet; due after the shift
    n.call(10, 420, "P2", "escalate", ["dana", "lee"], steps=[(421, "status", "escalating")])
    # after the shift
    n.call(14, 490, "P1", "escalate", ["dana"])
    return n


NOTES = ("Acme's bridge restarted twice: watch it", "Printer at Globex | 3rd floor still flaky")


@pytest.fixture(scope="module")
def night():
    return scripted_night()


@pytest.fixture(scope="module")
def record(night):
    return build_handoff(SHIFT, night.calls, night.events, night.triages, NOTES, timezone=CHICAGO, names=NAMES)


class TestScriptedNight:
    def test_every_timeline_verifies(self, night):
        assert all(verify_chain(events, events[-1].hash) is None for events in night.events.values())

    def test_received(self, record):
        assert [l.call for l in record.received] == [3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 10]
        by_call = {l.call: l for l in record.received}
        assert by_call[3].priority == "P1" and by_call[3].status == "resolved"
        assert by_call[3].response_due == m(40)
        assert by_call[8].unmatched and by_call[8].priority is None and by_call[8].response_due is None

    def test_resolved(self, record):
        got = [(r.line.call, r.resolved_at, r.resolved_by, r.note, r.runbook_change) for r in record.resolved]
        assert got == [
            (3, m(60), "dana", "restarted the bridge", "yes"),
            (5, m(140), "dana", "failed over the database", "no"),
            (6, m(110), "sam", "reset the password", None),
            (12, m(365), "sam", "cleared the queue", None),
        ]

    def test_open_calls_with_their_next_step_most_urgent_first(self, record):
        got = [(o.line.call, o.line.status, o.next_step.kind, o.next_step.text) for o in record.open]
        assert got == [
            (8, "new", "assign", "assign a client: the caller could not be matched"),
            (4, "engaged", "engaged", "Ann Park is working on it"),
            (13, "escalating", "exhausted", "nobody acknowledged: call Lee Chen again and tell the manager"),
            (10, "escalating", "call", "call Dana Reyes next"),
            (15, "engaged", "engaged", "Ann Park is working on it"),
            (9, "escalating", "await", "waiting for Ann Park to acknowledge until 06:10, then call Bob Marsh"),
            (11, "new", "handle", "handle it: start with Restart the print spooler"),
        ]
        awaiting = record.open[5].next_step
        assert (awaiting.tech, awaiting.until) == ("ann", m(490))

    def test_deferred_with_until_when(self, record):
        got = [(d.line.call, d.until, d.next_step.text) for d in record.deferred]
        assert got == [(2, MONDAY_8, "deferred until Mon 08:00"), (7, MONDAY_8, "deferred until Mon 08:00")]

    def test_every_attempt_of_the_shift_with_minutes_to_acknowledge(self, record):
        got = [(a.call, a.name, a.outcome, a.at, a.minutes_to_ack) for a in record.attempts]
        assert got == [
            (3, "Dana Reyes", "no-answer", m(12), None),
            (3, "Dana Reyes", "acked", m(19), 7),
            (4, "Lee Chen", "no-answer", m(32), None),
            (5, "Bob Marsh", "no-answer", m(47), None),
            (4, "Ann Park", "no-answer", m(48), None),
            (5, "Bob Marsh", "voicemail", m(50), None),
            (4, "Ann Park", "acked", m(53), 5),
            (5, "Dana Reyes", "no-answer", m(58), None),
            (5, "Dana Reyes", "acked", m(100), 42),
            (9, "Lee Chen", "declined", m(205), None),
            (13, "Lee Chen", "declined", m(405), None),
            (9, "Ann Park", "no-answer", m(460), None),
        ]
        assert all(a.channel == "phone" for a in record.attempts)

    def test_acknowledgements(self, record):
        got = [(a.call, a.tech, a.first_attempt, a.acked_at, a.minutes) for a in record.acknowledgements]
        assert got == [(3, "dana", m(12), m(19), 7), (4, "ann", m(48), m(53), 5), (5, "dana", m(58), m(100), 42)]

    def test_the_one_breach(self, record):
        assert len(record.breaches) == 1
        breach = record.breaches[0]
        assert (breach.line.call, breach.response_due, breach.responded_at, breach.responded_by,
                breach.minutes_late) == (5, m(75), m(100), "dana", 25)

    def test_figures(self, record):
        f = record.figures
        assert (f.received, f.resolved, f.open, f.deferred) == (11, 4, 7, 2)
        assert (f.escalated, f.attempts, f.acknowledgements, f.breaches, f.runbook_changes) == (5, 12, 3, 1, 1)
        assert (f.median_minutes_to_ack, f.max_minutes_to_ack) == (7, 42)

    def test_notes_and_names(self, record):
        assert record.notes == NOTES
        assert record.dispatcher_name == "Sam Ortiz"
        assert record.at == SHIFT.end

    def test_pure_and_deterministic(self, night, record):
        shuffled = list(night.calls)
        random.Random(4).shuffle(shuffled)
        again = build_handoff(SHIFT, shuffled, night.events, night.triages, NOTES, timezone=CHICAGO, names=NAMES)
        assert again == record
        assert handoff_to_dict(again) == handoff_to_dict(record)

    def test_as_of_mid_shift_an_unanswered_call_is_already_in_breach(self, night):
        mid = build_handoff(SHIFT, night.calls, night.events, night.triages, at=m(80), timezone=CHICAGO, names=NAMES)
        assert [(b.line.call, b.responded_at, b.minutes_late) for b in mid.breaches] == [(5, None, 5)]
        assert [l.call for l in mid.received] == [3, 4, 5]
        assert [r.line.call for r in mid.resolved] == [3]
        step = {o.line.call: o.next_step.text for o in mid.open}[5]
        # Bob and Dana were both tried; Dana's 10 minutes ran out at 68: start again from the top
        assert step == "nobody acknowledged: call Bob Marsh again and tell the manager"
        earlier = build_handoff(SHIFT, night.calls, night.events, night.triages, at=m(50), timezone=CHICAGO)
        assert {o.line.call: o.next_step.text for o in earlier.open}[4] == (
            "waiting for Ann Park to acknowledge until 23:03")  # rang 22:48, 15 minutes
        assert (mid.figures.attempts, mid.figures.acknowledgements) == (8, 2)

    def test_the_next_shift_does_not_repeat_resolved_calls(self, night):
        nxt = Shift(id=5, dispatcher="kim", start=SHIFT.end, end=SHIFT.end + timedelta(hours=10))
        later = build_handoff(nxt, night.calls, night.events, night.triages, timezone=CHICAGO, names=NAMES)
        assert [l.call for l in later.received] == [14]
        assert later.resolved == ()
        assert {o.line.call for o in later.open} == {4, 8, 9, 10, 11, 13, 14, 15}
        # due during it and nobody responded: 13 and 14 at 22:40, 10 at 23:00, 9 at 01:20, 11 at 03:30
        assert [(b.line.call, b.response_due, b.responded_at) for b in later.breaches] == [
            (13, m(520), None), (14, m(520), None), (10, m(540), None), (9, m(680), None), (11, m(810), None)]
        assert later.breaches[0].minutes_late == 18 * 60 - 520  # counted to the end of shift 5


class TestPieces:
    def test_format_when(self):
        ref = datetime(2026, 11, 28, 11, 0, tzinfo=UTC)  # Sat 05:00 Chicago
        assert format_when(ref + timedelta(minutes=25), CHICAGO, ref) == "05:25"
        assert format_when(MONDAY_8, CHICAGO, ref) == "Mon 08:00"
        assert format_when(MONDAY_8 + timedelta(days=14), CHICAGO, ref) == "Mon 2026-12-14 08:00"

    def test_format_minutes(self):
        assert (format_minutes(7.0), format_minutes(7.25), format_minutes(None)) == ("7", "7.2", "")

    def test_a_status_until_wins_over_next_covered(self):
        call = Call(id=1, client="acme", received_at=m(0))
        until = m(600)
        events = chain_events(1, [EventDraft(m(0), "sam", tl.CREATED, tl.created_data(call)),
                                  EventDraft(m(1), "sam", tl.STATUS, tl.status_data("new", "deferred", until=until))])
        h = build_handoff(SHIFT, [call], {1: events}, {1: triage(call, "P3", "defer", next_covered=MONDAY_8)},
                          timezone=CHICAGO)
        assert (h.deferred[0].until, h.deferred[0].next_step.text) == (until, "deferred until 08:00")

    def test_a_deferral_whose_coverage_began_says_escalate(self):
        call = Call(id=1, client="acme", received_at=m(0))
        events = chain_events(1, [EventDraft(m(0), "sam", tl.CREATED, tl.created_data(call)),
                                  EventDraft(m(1), "sam", tl.STATUS, tl.status_data("new", "deferred"))])
        h = build_handoff(SHIFT, [call], {1: events}, {1: triage(call, "P3", "defer", next_covered=m(300))},
                          timezone=CHICAGO)
        assert h.deferred[0].next_step.text == "coverage began 03:00: escalate it"

    def test_an_escalation_with_nobody_to_wake(self):
        call = Call(id=1, client="acme", received_at=m(0))
        h = build_handoff(SHIFT, [call], {}, {1: triage(call, "P2", "escalate", ())})
        assert h.open[0].next_step.text == "nobody to wake: tell the manager now"

    def test_a_shift_must_end_after_it_starts(self):
        with pytest.raises(ValueError, match="must come after the start"):
            Shift(id=1, dispatcher="sam", start=S, end=S)


class TestHandoffChain:
    def test_issue_acknowledge_review(self, record):
        records = []

        def append(kind, actor, data, minute):
            check_handoff_append(records, SHIFT, kind, actor)
            records.append(next_handoff_record(records[-1] if records else None, shift_id=SHIFT.id, at=m(minute),
                                               actor=actor, kind=kind, data=data))

        append(HANDOFF_NOTE, "sam", note_record_data(NOTES[0]), 100)
        append(ISSUED, "sam", issued_data(record), 480)
        with pytest.raises(HandoffRefused, match="already issued"):
            check_handoff_append(records, SHIFT, HANDOFF_NOTE, "sam")
        with pytest.raises(HandoffRefused, match="incoming dispatcher"):
            check_handoff_append(records, SHIFT, ACKNOWLEDGED, "sam")
        append(ACKNOWLEDGED, "kim", acknowledged_data("kim", "got it"), 485)
        with pytest.raises(HandoffRefused, match="already acknowledged by kim"):
            check_handoff_append(records, SHIFT, ACKNOWLEDGED, "lee")
        append(REVIEWED, "max", reviewed_data("max", "call 5 breached: why was Bob first?"), 700)
        append(REVIEWED, "max", reviewed_data("max", "answered"), 720)

        assert verify_chain(records, head_hash=records[-1].hash) is None
        state = handoff_state(records)
        assert (state.issued_at, state.acknowledged_by, state.acknowledged_at) == (m(480), "kim", m(485))
        assert [r[2] for r in state.reviews] == ["call 5 breached: why was Bob first?", "answered"]
        assert state.notes == (NOTES[0],)
        assert json.loads(records[1].data["snapshot"]) == handoff_to_dict(record)

    def test_nothing_but_notes_before_issue(self):
        with pytest.raises(HandoffRefused, match="not issued yet"):
            check_handoff_append([], SHIFT, REVIEWED, "max")
        with pytest.raises(HandoffRefused, match="unknown handoff entry"):
            check_handoff_append([], SHIFT, "edit", "max")
