"""The ringing phone as a use case: what it shows, what it keeps, the missed calls of a shift."""
from __future__ import annotations

import pytest

from dispatch_app.domain.ringing import banner_text
from dispatch_app.errors import DispatchError
from dispatch_app.services import calls, ringing, shifts
from night import at, calls_db, calls_url  # noqa: F401 - fixtures


def test_a_contact_rings_with_client_authority_and_the_awaited_ack(calls_db):
    call = calls.record_call(calls_db, actor="jordan", at=at(0), client="acme", system="erp-plc", impact="down",
                             summary="line 3 stopped").call
    calls.record_attempt(calls_db, actor="jordan", call_id=call.id, tech="dana", outcome="no-answer", at=at(1))
    shown = ringing.ringing(calls_db, phone="(312) 555-0201", at=at(5))
    assert (shown.client, shown.contact.name, shown.contact.may_authorize) == ("acme", "Pat Lee", True)
    assert [(s.call, s.awaiting) for s in shown.open_calls] == [(call.id, "dana")]
    assert banner_text(shown, at(5)) == ("Ringing: Pat Lee, Acme Plastics, plant manager, may authorize · "
                                         "1 open call, awaiting Dana's ack 4 min")


def test_asking_records_nothing_and_an_unknown_number_rings_as_unknown(calls_db):
    shown = ringing.ringing(calls_db, phone="+1 415 555 0000", at=at(0))
    assert shown.unknown and shown.open_calls == ()
    assert ringing.missed_calls(calls_db, start=at(-60), end=at(60)) == []


def test_a_malformed_number_is_refused_naming_the_field(calls_db):
    with pytest.raises(DispatchError, match="caller_phone: 'not a number' is not a phone number"):
        ringing.ringing(calls_db, phone="not a number", at=at(0))
    with pytest.raises(DispatchError, match="--phone: required"):
        ringing.record_ring(calls_db, phone=" ", at=at(0), field="--phone")


def test_the_same_call_id_rings_once_and_a_call_with_it_answers_the_ring(calls_db):
    first = ringing.record_ring(calls_db, phone="+13125550201", at=at(0), call_id="CA42", source="twilio")
    again = ringing.record_ring(calls_db, phone="+13125550201", at=at(1), call_id="CA42", source="twilio")
    assert first.created and not again.created and again.ring.id == first.ring.id
    assert [r.id for r in ringing.missed_calls(calls_db, start=at(-1), end=at(5))] == [first.ring.id]
    recorded = calls.record_call(calls_db, actor="jordan", at=first.ring.at, caller_phone=first.ring.phone,
                                 summary="line 3", external_id=first.ring.external_id)
    assert recorded.call.received_at == at(0) and recorded.call.client == "acme"
    posted = calls.record_call(calls_db, actor=None, at=at(3), caller_phone="+13125550201", summary="dup",
                               external_id="CA42")
    assert not posted.created and posted.call.id == recorded.call.id
    assert ringing.missed_calls(calls_db, start=at(-1), end=at(5)) == []
    assert ringing.rings(calls_db, [first.ring.id], at=at(4)) == []


def test_an_unanswered_ring_reaches_the_handoff_record(calls_db):
    shift = shifts.start_shift(calls_db, actor="jordan", at=at(-10))
    kept = ringing.record_ring(calls_db, phone="+1 415 555 0000", at=at(5), name="Stranger", line="main")
    ringing.record_ring(calls_db, phone="+1 415 555 0000", at=at(-30))  # before the shift
    shifts.end_shift(calls_db, actor="jordan", at=at(60))
    record = shifts.handoff(calls_db, at=at(60), shift_id=shift.id)
    assert [r.id for r in record.missed] == [kept.ring.id]
    from dispatch_app.domain.handoff import handoff_to_dict
    from dispatch_app.reports.handoff_markdown import handoff_markdown
    assert handoff_to_dict(record)["missed"][0]["phone"] == "+14155550000"
    text = handoff_markdown(record)
    assert "## Missed calls" in text and "Stranger" in text


@pytest.mark.parametrize("url, problem", [
    ("dispatch-app:ringing", "phone is missing"),
    ("dispatch-app:hangup?phone=1", "not an action"),
    ("http://x/ringing?phone=1", "is not a dispatch-app: URL"),
    ("dispatch-app:ringing?phone=1&phone=2", "more than once"),
    ("dispatch-app:ringing?phone=1&evil=1", "unknown parameter"),
    ("dispatch-app:ringing?phone=%00", "NUL"),
])
def test_a_malformed_url_says_what_is_wrong(url, problem):
    with pytest.raises(DispatchError, match=problem):
        ringing.parse_ring_url(url)


def test_the_url_round_trips_the_number_and_client():
    url = ringing.ring_url("+13125550201", "acme")
    assert url == "dispatch-app:ringing?phone=%2B13125550201&client=acme"
    assert ringing.parse_ring_url(url) == ringing.RingRequest("+13125550201", client="acme")
