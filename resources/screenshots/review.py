"""Screenshots of the manager's review (issue 7, item 4).

``shoot(console, out)`` takes a console built as resources/take_screenshots.py builds it (the
demo database, the clock pinned, Jordan signed in), gives the demo a year of calls and a few
nights of handoffs through the services (``at=`` instants, a seeded random so every run draws
the same year), signs Morgan (the manager) in, opens the review window and saves:

    40-review-handoffs.png     handoff records, one reviewed with a comment, the newest to review
    41-review-gaps.png         coverage gaps over the next 30 days, on the timeline and listed
    42-review-bus-factor.png   knowledge risk: critical systems with fewer than two experts first
    43-review-what-if.png      "Lee away" during Dana's vacation: the gaps it would open
    44-review-figures.png      response figures over the last 12 months, charts and table

Jordan is signed in again at the end.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from dispatch_app.domain.localtime import resolve, to_local
from dispatch_app.services import calls, shifts
from dispatch_app.ui.review import ReviewWindow
from dispatch_app.ui.review.window import FIGURES, GAPS, HANDOFFS, KNOWLEDGE, WHAT_IF
from resources.screenshots.shots import Shots, settle, sign_in, wait

MANAGER = "morgan"
MSP_ZONE = "America/Chicago"

# (client, system, impact, summary, who is called first, a second choice)
INCIDENTS = (
    ("acme", "erp-plc", "down", "Line {n} stopped: terminals waiting for ERP", "dana", "lee"),
    ("acme", "mes", "degraded", "MES screens frozen on line {n}", "marcus", "lee"),
    ("acme", "erp", "degraded", "Order entry times out for the night shift", "alex", "priya"),
    ("acme", "plant-network", "down", "Packing hall switch {n} offline", "marcus", "sam"),
    ("acme", "m365", "single-user", "Shift lead locked out of mail", None, None),
    ("riverside", "ehr", "down", "EHR will not open in exam room {n}", "lee", "taylor"),
    ("riverside", "clinic-net", "degraded", "Wi-Fi drops in the urgent-care wing", "sam", "alex"),
    ("riverside", "voip", "degraded", "Front desk phones ring once and drop", "sam", "alex"),
    ("harbor", "trading", "down", "Trading desk {n} dark before the open", "sam", "morgan"),
    ("harbor", "vpn", "single-user", "Analyst cannot connect to the VPN", "alex", None),
    ("baker", "dms", "degraded", "Document search slow for everyone working late", "dana", None),
    ("baker", "printers", "single-user", "Printer {n} jammed before a filing deadline", None, None),
    ("summit", "wms", "down", "WMS label printing stopped at dock {n}", "priya", "alex"),
    ("summit", "scanners", "degraded", "Handheld scanners on dock {n} cannot sync", "alex", "sam"),
    ("maple", "imaging", "down", "X-ray images do not open", "sam", None),
)


def _select_handoff_with(tab, text: str) -> None:
    """Select the newest handoff whose record says ``text`` (other shots may have added shifts)."""
    for row in tab.model.rows:
        tab.select(row.id)
        try:
            wait(lambda: text in tab.record.toPlainText(), timeout=3.0)
            return
        except TimeoutError:
            continue
    raise TimeoutError(f"no handoff record says {text!r}")


def a_year_of_calls(db, now: datetime, *, seed: int = 7) -> int:
    """About 200 calls over the twelve months before the demo night, mostly at night and on
    weekends, acknowledged after delays that shrink as the year goes on (the team got better
    at answering), a few past their response due. Answers how many."""
    rng = random.Random(seed)
    first = now - timedelta(days=365)
    count = 0
    day = first
    while day < now - timedelta(days=1):
        progress = (day - first).total_seconds() / (365 * 86400)
        for _ in range(rng.choice((0, 0, 0, 1, 1, 2))):
            client, system, impact, summary, first_call, second_call = rng.choice(INCIDENTS)
            local = to_local(day, MSP_ZONE).replace(hour=rng.choice((18, 19, 21, 22, 23, 0, 1, 2, 3, 4, 5, 6)),
                                                    minute=rng.randrange(60), second=0, microsecond=0)
            received = resolve(local, MSP_ZONE)
            if received >= now - timedelta(hours=12):
                continue
            desk = rng.choice(("jordan", "riley"))
            call = calls.record_call(db, actor=desk, client=client, system=system, impact=impact,
                                     summary=summary.format(n=rng.randint(1, 4)), at=received).call.id
            minute = received
            if first_call is not None:
                slow = 1.0 - 0.55 * progress  # later months answer faster
                if rng.random() < 0.3:
                    minute += timedelta(minutes=rng.uniform(2, 8) * slow)
                    calls.record_attempt(db, actor=desk, call_id=call, tech=first_call, outcome="no-answer", at=minute)
                    tech = second_call or first_call
                else:
                    tech = first_call
                minute += timedelta(minutes=max(1.0, rng.gammavariate(2.2, 4.5) * slow))
                calls.record_attempt(db, actor=desk, call_id=call, tech=tech, outcome="acked", at=minute)
            minute += timedelta(minutes=rng.randint(15, 140))
            calls.resolve(db, actor=desk, call_id=call, note="fixed; details in the ticket", runbook_change=False,
                          at=minute)
            count += 1
        day += timedelta(days=1)
    return count


def a_few_nights_of_handoffs(db, now: datetime) -> None:
    """Riley's and Jordan's last three nights: the oldest reviewed by Morgan with a comment,
    the other two waiting for review."""
    evening = to_local(now, MSP_ZONE).replace(hour=20, minute=0, second=0, microsecond=0)
    night_calls = {
        3: (("harbor", "trading", "Trading desk 2 screens flicker and go dark", 95, "sam", 6, None),
            ("riverside", "voip", "Front desk phones ring once and drop", 230, "sam", 12, None)),
        2: (("acme", "erp-plc", "Line 2 stopped: terminals waiting for ERP", 140, "lee", 7, "dana"),
            ("acme", "erp-plc", "Line 2 stopped again after the restart", 410, "dana", 4, None),
            ("acme", "m365", "Shift lead locked out of mail", 300, None, 0, None)),
        1: (("summit", "scanners", "Dock 3 scanners cannot sync", 180, "alex", 9, None),),
    }
    nights = []
    for back, dispatcher in ((3, "riley"), (2, "jordan"), (1, "riley")):
        start = resolve(evening - timedelta(days=back), MSP_ZONE)
        end = start + timedelta(hours=10, minutes=5)
        shift = shifts.start_shift(db, actor=dispatcher, at=start).id
        for client, system, summary, minute, tech, ack, missed in night_calls[back]:
            received = start + timedelta(minutes=minute)
            call = calls.record_call(db, actor=dispatcher, client=client, system=system, summary=summary,
                                     impact="single-user" if tech is None else "down", at=received).call.id
            if missed is not None:
                calls.record_attempt(db, actor=dispatcher, call_id=call, tech=missed, outcome="no-answer",
                                     at=received + timedelta(minutes=2))
            if tech is not None:  # paged (voicemail) three minutes in, acknowledged ``ack`` minutes later
                calls.record_attempt(db, actor=dispatcher, call_id=call, tech=tech, outcome="voicemail",
                                     at=received + timedelta(minutes=3))
                calls.record_attempt(db, actor=dispatcher, call_id=call, tech=tech, outcome="acked",
                                     at=received + timedelta(minutes=3 + ack))
            calls.resolve(db, actor=dispatcher, call_id=call, note="fixed; details in the ticket", runbook_change=False,
                          at=received + timedelta(minutes=ack + 38))
        shifts.add_shift_note(db, actor=dispatcher, at=start + timedelta(hours=6),
                              text={3: "Harbor's trading desk 2 flickers: Sam says it is the docking station, "
                                       "swap it Monday.",
                                    2: "Acme line 2 stopped twice; Dana restarted the PLC bridge both times.",
                                    1: "Summit's dock 3 scanners sync again after Alex reset the access point."}[back])
        shifts.end_shift(db, actor=dispatcher, at=end)
        other = "jordan" if dispatcher == "riley" else "riley"
        shifts.acknowledge(db, actor=other, shift_id=shift, at=end + timedelta(minutes=3))
        nights.append((shift, end))
    oldest, ended = nights[0]
    shifts.review(db, actor=MANAGER, shift_id=oldest, at=ended + timedelta(hours=9),
                  comment="Clean night. Ask Harbor for a spare docking station so Sam need not drive in.")


def shoot(console, out: Path) -> list[Path]:
    window = console.window
    db = console.backend.db
    now = window.clock.now()
    shots = Shots(out)
    save, saved = shots.save, shots.saved

    wait(lambda: window.env is not None and window.actor.id is not None)
    a_year_of_calls(db, now)
    a_few_nights_of_handoffs(db, now)
    sign_in(console, MANAGER)

    review = ReviewWindow(window.context(), window)
    review.resize(1680, 1000)
    review.show()
    wait(lambda: review.env is not None)

    # 40: handoffs, the newest waiting for review, a comment being written
    tab = review.handoffs_tab
    wait(lambda: tab.model.rowCount() >= 3)
    _select_handoff_with(tab, "Line 2 stopped again")  # Jordan's night: the line stopped twice
    tab.comment.setPlainText("Two line stops in one night: ask Acme's integrator about the bridge patch.")
    tab.comment.setFocus()
    settle()
    save(review, "40-review-handoffs")

    # 41: coverage gaps over the next 30 days
    review.show_tab(GAPS)
    gaps = review.gaps_tab
    gaps.picker.choose("Next 30 days")
    wait(lambda: gaps.shown_range is not None and gaps.shown_range[1] - gaps.shown_range[0] >= timedelta(days=29))
    if gaps.model.rowCount():
        gaps.table.selectRow(0)
    gaps.timeline.setFocus()
    settle()
    save(review, "41-review-gaps")

    # 42: knowledge risk
    loaded = []
    review.knowledge_tab.loaded.connect(loaded.append)
    review.show_tab(KNOWLEDGE)
    wait(lambda: loaded)
    settle()
    save(review, "42-review-bus-factor")

    # 43: what-if: Lee away in the middle of Dana's vacation (next week)
    review.show_tab(WHAT_IF)
    what_if = review.what_if_tab
    monday = to_local(now, MSP_ZONE).date() - timedelta(days=to_local(now, MSP_ZONE).weekday())
    leave_start = resolve(datetime.combine(monday + timedelta(days=9), datetime.min.time()), MSP_ZONE)
    what_if.set_change(leave_start, leave_start + timedelta(days=3), tech="lee", kind="leave")
    answered = []
    what_if.answered.connect(answered.append)
    what_if.check()
    wait(lambda: answered)
    if what_if.model.rowCount():
        what_if.table.selectRow(0)
    settle()
    save(review, "43-review-what-if")

    # 44: response figures over the last 12 months
    shown = []
    review.figures_shown.connect(shown.append)
    review.show_tab(FIGURES)
    wait(lambda: shown)
    settle()
    save(review, "44-review-figures")

    review.show_tab(HANDOFFS)
    review.close()
    sign_in(console, "jordan")  # the desk as it was given
    return saved
