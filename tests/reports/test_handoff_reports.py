"""The handoff record rendered: Markdown, HTML, and a PDF read back with pypdf."""
from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from dispatch_app.domain import timeline as tl  # noqa: E402
from dispatch_app.domain.handoff import Handoff, Shift, build_handoff  # noqa: E402
from dispatch_app.domain.model import Triage, WakeEntry  # noqa: E402
from dispatch_app.domain.timeline import Call, EventDraft, chain_events  # noqa: E402
from dispatch_app.reports.handoff_html import handoff_html  # noqa: E402
from dispatch_app.reports.handoff_markdown import handoff_markdown  # noqa: E402

UTC = timezone.utc
CHICAGO = "America/Chicago"
S = datetime(2026, 11, 28, 4, 0, tzinfo=UTC)  # Fri 22:00 in Chicago
SHIFT = Shift(id=4, dispatcher="sam", start=S, end=S + timedelta(hours=8))
NAMES = {"dana": "Dana Reyes", "lee": "Lee Chen", "sam": "Sam Ortiz"}


def m(minutes: float) -> datetime:
    return S + timedelta(minutes=minutes)


def _triage(call: Call, priority: str, due_minutes: int, wake=("dana", "lee")) -> Triage:
    return Triage(call=call.id, client=call.client, system=call.system, at=call.received_at, priority=priority,
                  emergency=priority == "P1", required_level=4, verdict="escalate", first_steps=(),
                  wake=tuple(WakeEntry(t, NAMES[t], (), False, (), 10) for t in wake), knowledge_gap=False,
                  next_covered=None, authorizers=(), response_due=call.received_at + timedelta(minutes=due_minutes),
                  reasons=())


def night(extra_calls: int = 0) -> Handoff:
    """Call 1 acked after 7 minutes and resolved; call 2 breached (acked 25 minutes late);
    call 3 waiting for Dana; plus ``extra_calls`` open calls to fill pages."""
    calls, events, triages = [], {}, {}

    def add(id, received, priority, due, summary, steps):
        call = Call(id=id, client="acme", received_at=m(received), system="erp", summary=summary)
        calls.append(call)
        triages[id] = _triage(call, priority, due)
        drafts = [EventDraft(m(received), "sam", tl.CREATED, tl.created_data(call))]
        drafts += [EventDraft(m(minute), "sam", kind, data) for minute, kind, data in steps]
        events[id] = chain_events(id, drafts)

    add(1, 10, "P1", 30, "Line 3 stopped <script>alert(1)</script> | urgent", [
        (11, tl.STATUS, tl.status_data("new", "escalating")),
        (12, tl.ATTEMPT, tl.attempt_data("dana", "no-answer")),
        (19, tl.ATTEMPT, tl.attempt_data("dana", "acked", "sms")),
        (19, tl.STATUS, tl.status_data("escalating", "engaged")),
        (60, tl.RESOLUTION, tl.resolution_data("restarted the bridge & checked", by="dana", runbook_change="yes")),
        (60, tl.STATUS, tl.status_data("engaged", "resolved"))])
    add(2, 45, "P1", 30, "ERP down", [
        (46, tl.STATUS, tl.status_data("new", "escalating")),
        (47, tl.ATTEMPT, tl.attempt_data("lee", "declined")),
        (58, tl.ATTEMPT, tl.attempt_data("dana", "no-answer")),
        (100, tl.ATTEMPT, tl.attempt_data("dana", "acked")),
        (100, tl.STATUS, tl.status_data("escalating", "engaged"))])
    add(3, 470, "P3", 480, "Slow VPN", [
        (471, tl.STATUS, tl.status_data("new", "escalating")),
        (475, tl.ATTEMPT, tl.attempt_data("dana", "no-answer"))])
    for i in range(extra_calls):
        add(100 + i, 200 + i, "P4", 2880, f"Printer queue stuck on floor {i}", [])
    return build_handoff(SHIFT, calls, events, triages, ["Watch Acme's bridge | it flapped twice"],
                         timezone=CHICAGO, names=NAMES)


@pytest.fixture(scope="module")
def record() -> Handoff:
    return night()


class TestMarkdown:
    def test_title_shift_and_tables(self, record):
        md = handoff_markdown(record)
        assert md.startswith("# Handoff: shift 4, Sam Ortiz\n")
        assert "Fri 2026-11-27 22:00 to Sat 2026-11-28 06:00 (America/Chicago), dispatcher Sam Ortiz" in md
        for title in ("## Summary", "## Still open", "## Deferred", "## Response-due breaches", "## Received",
                      "## Resolved", "## Contact attempts", "## Time to acknowledge", "## Dispatcher's notes"):
            assert title in md
        assert "| median minutes to acknowledge | 24.5 |" in md  # 7 (call 1) and 42 (call 2)
        assert "| longest minutes to acknowledge | 42 |" in md
        assert "| #2 | acme | P1 | Fri 23:15 | Fri 23:40 | Dana Reyes | 25 |" in md
        assert "| #3 | acme | erp | P3 | escalating | Sat 05:50 | Sat 13:50 | waiting for Dana Reyes to " \
               "acknowledge until 06:05, then call Lee Chen |" in md
        assert "| Fri 22:19 | #1 | Dana Reyes | sms | acked | 7 |" in md
        assert "| #1 | Dana Reyes | Fri 22:12 | Fri 22:19 | 7 |" in md
        assert "## Deferred\n\n_none_" in md

    def test_cells_are_escaped(self, record):
        md = handoff_markdown(record)
        assert r"Line 3 stopped <script>alert(1)</script> \| urgent" in md
        assert r"- Watch Acme's bridge \| it flapped twice" in md


class TestHtml:
    def test_self_contained_escaped_and_tabled(self, record):
        page = handoff_html(record)
        assert page.startswith("<!DOCTYPE html>") and "<style>" in page and "@page" in page
        assert not re.search(r"""(src|href)\s*=|<link|<script""", page)
        assert "&lt;script&gt;alert(1)&lt;/script&gt; | urgent" in page
        assert "restarted the bridge &amp; checked" in page
        assert page.count("<table") == 7  # every section but the empty deferred one
        assert "<th>minutes to acknowledge</th>" in page
        assert "<td>Dana Reyes</td><td>sms</td><td>acked</td><td>7</td>" in page


class TestPdf:
    def _read(self, data: bytes) -> PdfReader:
        assert data.startswith(b"%PDF-")
        return PdfReader(io.BytesIO(data))

    def test_title_shift_tables_and_page_numbers(self, qapp, record):
        from dispatch_app.reports.handoff_pdf import handoff_pdf

        reader = self._read(handoff_pdf(record))
        assert len(reader.pages) == 2  # the summary, open calls, breaches... then the attempts run over
        for page in reader.pages:
            box = page.mediabox
            assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
        first, second = (" ".join(p.extract_text().split()) for p in reader.pages)
        for expected in ("Handoff: shift 4, Sam Ortiz", "Fri 2026-11-27 22:00 to Sat 2026-11-28 06:00",
                         "page 1 of 2", "Summary", "median minutes to acknowledge 24.5", "Still open",
                         "waiting for Dana Reyes to acknowledge until 06:05", "Response-due breaches",
                         "#2 acme P1 Fri 23:15 Fri 23:40 Dana Reyes 25", "<script>alert(1)</script>",
                         "Contact attempts", "Fri 22:19 #1 Dana Reyes sms acked 7"):
            assert expected in first, expected
        for expected in ("page 2 of 2", "Time to acknowledge", "#2 Dana Reyes Fri 22:58 Fri 23:40 42",
                         "Watch Acme's bridge | it flapped twice"):
            assert expected in second, expected
        assert reader.metadata.title == "Handoff: shift 4, Sam Ortiz"

    def test_a_long_night_runs_over_pages_numbered_n_of_m(self, qapp):
        from dispatch_app.reports.handoff_pdf import handoff_pdf

        reader = self._read(handoff_pdf(night(extra_calls=60)))
        pages = len(reader.pages)
        assert pages >= 3
        texts = [" ".join(p.extract_text().split()) for p in reader.pages]
        for number, text in enumerate(texts, start=1):
            assert f"page {number} of {pages}" in text
        everything = " ".join(texts)
        assert all(f"#{100 + i}" in everything for i in range(60))  # no row lost between pages
        assert "Printer queue stuck on floor 59" in everything

    def test_without_an_application_one_is_made_offscreen(self, tmp_path):
        """The CLI has no QApplication and maybe no display: the PDF still renders."""
        script = (
            "import sys\n"
            "from datetime import datetime, timezone\n"
            "from PySide6.QtGui import QGuiApplication\n"
            "from dispatch_app.domain.handoff import Shift, build_handoff\n"
            "from dispatch_app.reports.handoff_pdf import write_handoff_pdf\n"
            "assert QGuiApplication.instance() is None\n"
            "s = Shift(1, 'sam', datetime(2026, 1, 1, tzinfo=timezone.utc), datetime(2026, 1, 2, tzinfo=timezone.utc))\n"
            "write_handoff_pdf(build_handoff(s, [], {}, {}), sys.argv[1])\n"
            "assert QGuiApplication.platformName() == 'offscreen'\n"
        )
        env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
        out = tmp_path / "handoff.pdf"
        subprocess.run([sys.executable, "-c", script, str(out)], env=env, check=True, timeout=60)
        text = " ".join(PdfReader(out).pages[0].extract_text().split())
        assert "Handoff: shift 1, sam" in text and "page 1 of 1" in text
