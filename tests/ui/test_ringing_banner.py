"""The phone rings and the console already knows: the banner over the queue, the caller's client
in the environment pane, Enter takes the call into a filled form, rings stack, Esc dismisses."""
from __future__ import annotations

import httpx
import pytest
from PySide6.QtCore import Qt

from dispatch_app.services import calls, intake as intake_service, ringing, shifts
from dispatch_app.services.database import open_database


@pytest.fixture
def other(northwind_url):
    db = open_database(northwind_url)
    yield db
    db.dispose()


def test_a_ring_shows_the_banner_enter_opens_the_filled_form_and_the_call_keeps_the_ring(
        console_factory, northwind_url, other, qtbot):
    console = console_factory(northwind_url)
    window = console.window
    now = window.clock.now()
    line = calls.record_call(other, actor="jordan", at=now, client="acme", system="erp-plc", impact="down",
                             summary="line 3 stopped").call
    calls.record_attempt(other, actor="jordan", call_id=line.id, tech="dana", outcome="no-answer", at=now)
    banner = window.ringing_banner
    kept = ringing.record_ring(other, phone="+1 312 555 0201", at=now, call_id="CA-1", source="twilio")
    qtbot.waitUntil(lambda: len(banner.rows) == 1, timeout=1000)
    assert banner.isVisible() and window.queue_pane.isAncestorOf(banner)
    assert banner.texts()[0].startswith("Ringing: Pat Lee, Acme Plastics, plant manager, may authorize · "
                                        "1 open call, awaiting Dana's ack")
    qtbot.waitUntil(lambda: window.environment_pane.client is not None
                    and window.environment_pane.client.id == "acme", timeout=1000)
    # a second ring stacks, newest first
    ringing.record_ring(other, phone="+1 415 555 0000", at=now, name="Stranger")
    qtbot.waitUntil(lambda: len(banner.rows) == 2, timeout=1000)
    assert banner.texts()[0].startswith("Ringing: unknown caller +14155550000 (Stranger)")
    qtbot.keyClick(banner, Qt.Key.Key_Escape)
    assert len(banner.rows) == 1 and banner.newest().ring == kept.ring.id
    qtbot.keyClick(banner, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: console.call_work.intake is not None, timeout=1000)
    form = console.call_work.intake
    assert form.phone.text() == "+13125550201" and form.caller_name.text() == "Pat Lee"
    assert form.chosen_client.id == "acme" and not banner.rows
    form.summary.setPlainText("line 3 again")
    with qtbot.waitSignal(form.call_saved, timeout=5000) as saved:
        form.save()
    call = saved.args[0].call
    assert call.external_id == "CA-1" and call.received_at == kept.ring.at and call.contact == "Pat Lee"
    # the phone system posting the same call afterwards records nothing new
    posted = calls.record_call(other, actor=None, at=now, caller_phone="+13125550201", summary="x",
                               external_id="CA-1")
    assert not posted.created
    missed = ringing.missed_calls(other, start=now, end=now.replace(year=now.year + 1))
    assert [r.phone for r in missed] == ["+14155550000"]  # dismissed, never a call: missed


def test_a_ring_posted_to_the_intake_reaches_the_console_within_a_second(
        console_factory, northwind_url, other, qtbot, memory_keyring):
    from dispatch_app.intake.server import IntakeServer

    window = console_factory(northwind_url).window
    token = intake_service.rotate_token()
    server = IntakeServer(other, host="127.0.0.1", port=0)
    server.start()
    try:
        answer = httpx.post(f"http://127.0.0.1:{server.port}/v1/ringing", timeout=10,
                            headers={"Authorization": f"Bearer {token}"},
                            json={"caller_phone": "+1 212 555 0401", "line": "night", "caller_name": "R SHAH"})
        assert answer.status_code == 200, answer.text
        qtbot.waitUntil(lambda: len(window.ringing_banner.rows) == 1, timeout=1000)
    finally:
        server.stop()
    assert window.ringing_banner.texts()[0].startswith("Ringing: Ravi Shah, Harbor Capital, COO, may authorize · "
                                                       "line night · no open calls")


def test_an_unanswered_ring_is_in_the_shift_handoff(console_factory, northwind_url, other, qtbot):
    window = console_factory(northwind_url).window
    now = window.clock.now()
    shift = shifts.start_shift(other, actor="jordan", at=now)
    ringing.record_ring(other, phone="+1 312 555 0301", at=now)
    qtbot.waitUntil(lambda: len(window.ringing_banner.rows) == 1, timeout=1000)
    qtbot.keyClick(window.ringing_banner, Qt.Key.Key_Escape)
    from datetime import timedelta
    shifts.end_shift(other, actor="jordan", at=now + timedelta(hours=1))
    markdown = console_backend_markdown(window, shift.id)
    assert "## Missed calls" in markdown and "Dr. Amy Stone" in markdown


def console_backend_markdown(window, shift_id):
    return window.backend.handoff_record(shift_id, at=window.clock.now())
