"""Calls, statuses, the hash chain and the state of an escalation (DOMAIN.md "Calls and their record")."""
from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import datetime, timedelta, timezone

import pytest

from dispatch_app.domain import timeline as tl
from dispatch_app.domain.handoff import (
    ACKNOWLEDGED,
    HANDOFF_NOTE,
    ISSUED,
    REVIEWED,
    acknowledged_data,
    next_handoff_record,
    note_record_data,
    reviewed_data,
)
from dispatch_app.domain.model import CallFacts, WakeEntry
from dispatch_app.domain.timeline import (
    GENESIS,
    Attempt,
    BadEvent,
    Call,
    EventDraft,
    TransitionRefused,
    UnmatchedCall,
    attempt_data,
    chain_events,
    check_transition,
    escalation_state,
    event_hash,
    next_event,
    verify_chain,
)

UTC = timezone.utc
T0 = datetime(2026, 11, 28, 5, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def wake_entry(tech: str, name: str, ack: int = 10) -> WakeEntry:
    return WakeEntry(tech=tech, name=name, phones=(), on_call=False, why=("expert",), ack_minutes=ack)


WAKE = (wake_entry("dana", "Dana Reyes"), wake_entry("lee", "Lee Chen"), wake_entry("sam", "Sam Ortiz"))


# ---------------------------------------------------------------- the call


class TestCall:
    def test_facts_carry_the_triage_inputs_and_the_override(self):
        call = Call(id=7, client="acme", received_at=T0, system="erp", impact="down", summary="line stopped",
                    priority_override="P2", priority_override_by="sam")
        assert call.facts() == CallFacts(client="acme", system="erp", impact="down", summary="line stopped",
                                         priority_override="P2")
        assert call.is_open

    def test_an_unmatched_call_cannot_be_triaged(self):
        call = Call(id=8, client=None, received_at=T0, unmatched=True)
        with pytest.raises(UnmatchedCall, match="call 8 has no client yet"):
            call.facts()

    def test_default_impact_is_degraded_and_status_new(self):
        call = Call(id=1, client="acme", received_at=T0)
        assert (call.impact, call.status) == ("degraded", "new")


# ---------------------------------------------------------------- statuses

ALLOWED = [
    ("new", "handling"), ("new", "escalating"), ("new", "deferred"), ("new", "resolved"),
    ("handling", "escalating"), ("handling", "deferred"), ("handling", "resolved"),
    ("escalating", "engaged"), ("escalating", "handling"), ("escalating", "deferred"), ("escalating", "resolved"),
    ("engaged", "escalating"), ("engaged", "resolved"),
    ("deferred", "escalating"), ("deferred", "handling"), ("deferred", "resolved"),
]


class TestTransitions:
    @pytest.mark.parametrize("from_status,to_status", ALLOWED)
    def test_allowed(self, from_status, to_status):
        check_transition(from_status, to_status)

    @pytest.mark.parametrize("from_status,to_status", [
        (a, b) for a in tl.STATUSES for b in tl.STATUSES if (a, b) not in ALLOWED])
    def test_everything_else_is_refused(self, from_status, to_status):
        with pytest.raises(TransitionRefused) as refused:
            check_transition(from_status, to_status)
        assert isinstance(refused.value, ValueError)
        assert (refused.value.from_status, refused.value.to_status) == (from_status, to_status)

    def test_messages_say_what_is_wrong_and_what_is_allowed(self):
        with pytest.raises(TransitionRefused, match=r"^a resolved call cannot become escalating \(a resolved call is final"):
            check_transition("resolved", "escalating")
        with pytest.raises(TransitionRefused, match=r"^a new call cannot become engaged \(from new it can become "
                                                    r"handling, escalating, deferred or resolved\)$"):
            check_transition("new", "engaged")
        with pytest.raises(TransitionRefused, match=r"^an engaged call cannot become handling"):
            check_transition("engaged", "handling")
        with pytest.raises(TransitionRefused, match="already escalating"):
            check_transition("escalating", "escalating")
        with pytest.raises(TransitionRefused, match="unknown status 'closed'"):
            check_transition("new", "closed")

    def test_status_data_checks_the_transition(self):
        assert tl.status_data("deferred", "escalating", why="authorized") == {
            "from": "deferred", "to": "escalating", "why": "authorized", "until": None}
        with pytest.raises(TransitionRefused):
            tl.status_data("resolved", "new")

    def test_an_ack_engages_an_escalating_call_only(self):
        assert tl.status_after_attempt("escalating", "acked") == "engaged"
        assert tl.status_after_attempt("escalating", "no-answer") is None
        assert tl.status_after_attempt("engaged", "acked") is None

    def test_status_is_read_from_the_timeline(self):
        events = _night_of_call()
        assert tl.status_at(events) == "resolved"
        assert tl.status_at(events, at(12)) == "engaged"
        assert tl.status_at(events, at(1)) == "escalating"
        assert tl.status_at(events[:1]) == "new"


# ---------------------------------------------------------------- events and the chain


def _night_of_call(call_id: int = 17) -> list[tl.CallEvent]:
    call = Call(id=call_id, client="acme", received_at=T0, system="erp", impact="down", summary="line stopped")
    return chain_events(call_id, [
        EventDraft(at(0), "sam", tl.CREATED, tl.created_data(call)),
        EventDraft(at(0), None, tl.PRIORITY, tl.priority_data("P1", override=False, why="emergency rule 1")),
        EventDraft(at(1), "sam", tl.STATUS, tl.status_data("new", "escalating")),
        EventDraft(at(2), "sam", tl.ATTEMPT, attempt_data("dana", "no-answer")),
        EventDraft(at(3), "sam", tl.NOTE, tl.note_data("left a voicemail | pager sent")),
        EventDraft(at(9), "sam", tl.ATTEMPT, attempt_data("dana", "acked", "sms")),
        EventDraft(at(9), "sam", tl.STATUS, tl.status_data("escalating", "engaged")),
        EventDraft(at(30), "sam", tl.ALERT, tl.alert_data("resolved", text="bridge up")),
        EventDraft(at(31), "sam", tl.RESOLUTION, tl.resolution_data("restarted bridge", by="dana", runbook_change="yes")),
        EventDraft(at(31), "sam", tl.STATUS, tl.status_data("engaged", "resolved")),
    ])


class TestChain:
    def test_a_normal_call_verifies_clean(self):
        events = _night_of_call()
        assert [e.seq for e in events] == list(range(1, 11))
        assert events[0].prev_hash == GENESIS
        assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:]))
        assert verify_chain(events, head_hash=events[-1].hash, head_count=len(events)) is None

    def test_the_hash_is_sha256_of_prev_hash_and_sorted_compact_json(self):
        event = _night_of_call()[3]
        canonical = json.dumps({"call_id": 17, "seq": 4, "at": "2026-11-28T05:02:00Z", "actor": "sam",
                                "kind": "attempt", "data": {"tech": "dana", "channel": "phone", "outcome": "no-answer"}},
                               sort_keys=True, separators=(",", ":"))
        assert event.hash == hashlib.sha256((event.prev_hash + canonical).encode()).hexdigest()
        assert event.hash == event_hash(17, 4, event.at, "sam", "attempt", event.data, event.prev_hash)

    def test_the_same_instant_in_another_zone_hashes_the_same(self):
        chicago = timezone(timedelta(hours=-6))
        a = next_event(None, call_id=1, at=T0, actor=None, kind="note", data={"text": "x"})
        b = next_event(None, call_id=1, at=T0.astimezone(chicago), actor=None, kind="note", data={"text": "x"})
        assert a.hash == b.hash

    def test_payloads_are_checked(self):
        with pytest.raises(BadEvent, match="unknown event kind"):
            next_event(None, call_id=1, at=T0, actor=None, kind="edit", data={})
        with pytest.raises(BadEvent, match="outcome 'maybe' is not one of"):
            next_event(None, call_id=1, at=T0, actor=None, kind="attempt",
                       data={"tech": "dana", "channel": "phone", "outcome": "maybe"})
        with pytest.raises(BadEvent, match="tech is missing"):
            next_event(None, call_id=1, at=T0, actor=None, kind="attempt", data={"channel": "sms", "outcome": "acked"})
        with pytest.raises(BadEvent, match="must be text, a number"):
            next_event(None, call_id=1, at=T0, actor=None, kind="note", data={"text": ["nested"]})
        with pytest.raises(BadEvent, match="no time zone"):
            next_event(None, call_id=1, at=datetime(2026, 1, 1), actor=None, kind="note", data={"text": "x"})

    def test_an_event_cannot_follow_another_calls_event(self):
        with pytest.raises(BadEvent, match="another chain"):
            next_event(_night_of_call(17)[-1], call_id=18, at=T0, actor=None, kind="note", data={"text": "x"})

    # one tamper test per kind of edit

    def test_a_changed_field_is_found(self):
        events = _night_of_call()
        events[5] = dataclasses.replace(events[5], data={**events[5].data, "outcome": "no-answer"})
        found = verify_chain(events)
        assert (found.seq, found.problem) == (6, "altered")
        assert found.message == "call 17 event 6 was altered (its hash no longer matches)"

    @pytest.mark.parametrize("field,value", [("actor", "lee"), ("at", at(8)), ("kind", "alert"), ("call_id", 17)])
    def test_every_hashed_field_counts(self, field, value):
        events = _night_of_call()
        if field == "call_id":  # changing the key of every row keeps rows together but breaks every hash
            events = [dataclasses.replace(e, call_id=99) for e in events]
            assert verify_chain(events).seq == 1
            return
        events[4] = dataclasses.replace(events[4], **{field: value})
        assert (verify_chain(events).seq, verify_chain(events).problem) == (5, "altered")

    def test_a_deleted_event_is_found(self):
        events = _night_of_call()
        del events[3]
        found = verify_chain(events)
        assert (found.seq, found.problem) == (4, "missing")
        assert found.message == "call 17 event 4 is missing (found call 17 event 5 after it)"

    def test_a_deleted_and_renumbered_event_is_found(self):
        events = _night_of_call()
        del events[3]
        events[3:] = [dataclasses.replace(e, seq=e.seq - 1) for e in events[3:]]
        assert verify_chain(events).seq == 4

    def test_a_deleted_last_event_is_found_by_the_head(self):
        events = _night_of_call()
        head = events[-1].hash
        assert verify_chain(events[:-1]) is None  # a shorter chain holds by itself...
        found = verify_chain(events[:-1], head_hash=head)  # ...the head stored on the call does not
        assert (found.seq, found.problem) == (10, "truncated")
        assert found.message.startswith("call 17 event 10 is missing")
        assert verify_chain(events[:-1], head_count=10).seq == 10
        assert verify_chain([], head_hash=head).problem == "truncated"
        assert verify_chain([], head_hash=GENESIS) is None

    def test_swapped_events_are_found(self):
        events = _night_of_call()
        events[3], events[4] = events[4], events[3]
        found = verify_chain(events)
        assert (found.seq, found.problem) == (5, "out of order")
        assert found.message == "call 17 event 5 is out of order (expected 4 here)"

    def test_swapped_seq_numbers_are_found(self):
        events = _night_of_call()
        a, b = events[3], events[4]
        events[3], events[4] = dataclasses.replace(b, seq=4), dataclasses.replace(a, seq=5)
        assert (verify_chain(events).seq, verify_chain(events).problem) == (4, "altered")

    def test_a_rehashed_edit_still_breaks_the_link(self):
        events = _night_of_call()
        edited = dataclasses.replace(events[2], actor="lee")
        events[2] = dataclasses.replace(edited, hash=edited.expected_hash())
        found = verify_chain(events)
        assert (found.seq, found.problem) == (4, "out of order")

    def test_an_event_of_another_call_is_found(self):
        events = _night_of_call(17)
        events[2] = _night_of_call(18)[2]
        assert verify_chain(events).problem == "foreign"


# ---------------------------------------------------------------- handoff records share the chain


class TestHandoffChain:
    def records(self):
        r1 = next_handoff_record(None, shift_id=4, at=at(0), actor="sam", kind=HANDOFF_NOTE,
                                 data=note_record_data("acme bridge flaky"))
        r2 = next_handoff_record(r1, shift_id=4, at=at(60), actor="sam", kind=ISSUED,
                                 data={"dispatcher": "sam", "start": "x", "end": "y", "snapshot": "{}"})
        r3 = next_handoff_record(r2, shift_id=4, at=at(65), actor="kim", kind=ACKNOWLEDGED,
                                 data=acknowledged_data("kim"))
        r4 = next_handoff_record(r3, shift_id=4, at=at(300), actor="max", kind=REVIEWED,
                                 data=reviewed_data("max", "good night's work"))
        return [r1, r2, r3, r4]

    def test_clean(self):
        records = self.records()
        assert verify_chain(records, head_hash=records[-1].hash) is None

    def test_an_edited_review_is_found(self):
        records = self.records()
        records[3] = dataclasses.replace(records[3], data={"by": "max", "comment": "poor night"})
        found = verify_chain(records)
        assert (found.seq, found.problem) == (4, "altered")
        assert found.message == "handoff of shift 4 record 4 was altered (its hash no longer matches)"

    def test_an_edited_snapshot_and_a_deleted_acknowledgement_are_found(self):
        records = self.records()
        edited = list(records)
        edited[1] = dataclasses.replace(records[1], data={**records[1].data, "snapshot": '{"breaches":[]}'})
        assert verify_chain(edited).seq == 2
        assert verify_chain(records[:2] + records[3:]).message.startswith("handoff of shift 4 record 3 is missing")

    def test_entries_are_checked(self):
        with pytest.raises(BadEvent, match="unknown handoff entry"):
            next_handoff_record(None, shift_id=4, at=T0, actor=None, kind="edit", data={})
        with pytest.raises(BadEvent, match="by is missing"):
            next_handoff_record(None, shift_id=4, at=T0, actor=None, kind=ACKNOWLEDGED, data={})


# ---------------------------------------------------------------- escalation state


class TestEscalationState:
    def test_nobody_tried_yet_names_the_first_entry(self):
        state = escalation_state(WAKE, [], at(0))
        assert (state.tried, state.awaiting, state.awaiting_until, state.engaged_by) == ((), None, None, None)
        assert state.next.tech == "dana"
        assert not state.exhausted

    def test_no_answer_then_timeout_then_ack(self):
        attempts = [Attempt("dana", "no-answer", at(0))]
        state = escalation_state(WAKE, attempts, at(5))
        assert (state.awaiting, state.awaiting_until, state.next.tech) == ("dana", at(10), "lee")
        # a second ring to Dana does not extend her wait
        attempts.append(Attempt("dana", "voicemail", at(6), "sms"))
        assert escalation_state(WAKE, attempts, at(7)).awaiting_until == at(10)
        # her ack time ran out: nobody awaited, Lee is next
        state = escalation_state(WAKE, attempts, at(10))
        assert (state.awaiting, state.next.tech) == (None, "lee")
        attempts.append(Attempt("lee", "no-answer", at(11)))
        state = escalation_state(WAKE, attempts, at(12))
        assert (state.awaiting, state.awaiting_until, state.next.tech) == ("lee", at(21), "sam")
        attempts.append(Attempt("lee", "acked", at(14)))
        state = escalation_state(WAKE, attempts, at(15))
        assert (state.engaged_by, state.awaiting, state.next) == ("lee", None, None)
        assert [(a.tech, a.outcome, a.at) for a in state.tried] == [
            ("dana", "no-answer", at(0)), ("dana", "voicemail", at(6)), ("lee", "no-answer", at(11)),
            ("lee", "acked", at(14))]

    def test_attempts_after_the_instant_are_ignored(self):
        attempts = [Attempt("dana", "no-answer", at(0)), Attempt("dana", "acked", at(8))]
        assert escalation_state(WAKE, attempts, at(5)).awaiting == "dana"
        assert escalation_state(WAKE, attempts, at(8)).engaged_by == "dana"

    def test_declined_starts_no_wait(self):
        state = escalation_state(WAKE, [Attempt("dana", "declined", at(0))], at(1))
        assert (state.awaiting, state.next.tech) == (None, "lee")

    def test_a_late_ack_still_engages(self):
        state = escalation_state(WAKE, [Attempt("dana", "no-answer", at(0)), Attempt("lee", "no-answer", at(11)),
                                        Attempt("dana", "acked", at(13))], at(14))
        assert state.engaged_by == "dana"

    def test_the_engaged_expert_giving_up_releases_them(self):
        attempts = [Attempt("dana", "acked", at(0)), Attempt("dana", "declined", at(40))]
        state = escalation_state(WAKE, attempts, at(41))
        assert (state.engaged_by, state.awaiting, state.next.tech) == (None, None, "lee")

    def test_the_latest_running_wait_is_awaited(self):
        attempts = [Attempt("dana", "no-answer", at(0)), Attempt("lee", "no-answer", at(3))]
        state = escalation_state(WAKE, attempts, at(4))
        assert (state.awaiting, state.awaiting_until, state.next.tech) == ("lee", at(13), "sam")

    def test_everyone_tried_is_exhausted(self):
        attempts = [Attempt(t, "declined", at(i)) for i, t in enumerate(("dana", "lee", "sam"))]
        state = escalation_state(WAKE, attempts, at(5))
        assert state.exhausted and state.next is None

    def test_someone_off_the_list_waits_the_lists_ack_minutes(self):
        state = escalation_state(WAKE, [Attempt("kim", "no-answer", at(0))], at(1))
        assert (state.awaiting, state.awaiting_until, state.next.tech) == ("kim", at(10), "dana")
        assert escalation_state((), [Attempt("kim", "no-answer", at(0))], at(1)).awaiting is None

    def test_reads_attempts_out_of_a_whole_timeline(self):
        events = _night_of_call()
        state = escalation_state(WAKE, events, at(5))
        assert (state.awaiting, state.next.tech) == ("dana", "lee")
        assert escalation_state(WAKE, events, at(9)).engaged_by == "dana"
