"""The manager's review in the console (issue 7, item 4): handoffs reviewed with a comment,
coverage gaps equal to ``gaps --json``, the what-if for Lee's leave, response figures on a
scripted history, and the role messages a dispatcher gets instead of data."""
from __future__ import annotations

import contextlib
import csv
import io
import json
from datetime import timedelta

from PySide6.QtCore import Qt

from dispatch_app.cli.main import main as cli
from dispatch_app.domain.gaps import NO_EXPERT, NOBODY_ELIGIBLE
from dispatch_app.domain.localtime import format_utc, resolve
from dispatch_app.services import calls, editing, review, shifts
from dispatch_app.ui.review import ReviewWindow
from dispatch_app.ui.review.models import FiguresModel
from dispatch_app.ui.review.ranges import to_edit
from dispatch_app.ui.review.window import FIGURES, GAPS, HANDOFFS, KNOWLEDGE, WHAT_IF

from tests.ui.conftest import AT

CHICAGO = "America/Chicago"


def _review(console, qtbot) -> ReviewWindow:
    window = ReviewWindow(console.window.context())
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.env is not None, timeout=5000)
    return window


def _tab(window: ReviewWindow, qtbot, number: int) -> None:
    qtbot.keyClick(window.tabs, Qt.Key.Key_1 + number, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == number


def _cells(view, row: int) -> dict[str, str]:
    model = view.model()
    return {model.headerData(c, Qt.Orientation.Horizontal).replace("\n", " "): model.index(row, c).data()
            for c in range(model.columnCount())}


def _cli_json(url: str, *argv: str) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli(["--db", url, *argv, "--json"])
    assert code == 0
    return json.loads(out.getvalue())


def _gap_tuples(gaps) -> list[tuple]:
    return [(g.client, g.system, format_utc(g.start), format_utc(g.end), g.reason) for g in gaps]


# ---------------------------------------------------------------- coverage gaps


def test_the_gaps_shown_are_those_of_gaps_json(console_factory, northwind_url, qtbot, qtmodeltester):
    console = console_factory(northwind_url, signed_in="morgan")
    window = _review(console, qtbot)
    _tab(window, qtbot, GAPS)
    tab = window.gaps_tab
    qtbot.waitUntil(lambda: tab.shown_range is not None, timeout=5000)
    tab.picker.preset.setFocus()
    with qtbot.waitSignal(tab.gaps_shown, timeout=5000):
        qtbot.keyClick(tab.picker.preset, Qt.Key.Key_Down)  # next 30 days: Christmas, with Lee and Dana away
    assert tab.picker.preset.currentText() == "Next 30 days"
    start, end = tab.shown_range
    assert (start, end) == (AT, AT + timedelta(days=30))

    expected = _cli_json(northwind_url, "gaps", "--from", format_utc(start), "--to", format_utc(end))["gaps"]
    assert expected, "the range was chosen to hold gaps"
    wanted = [(g["client"], g["system"], g["from"], g["to"], g["reason"]) for g in expected]
    assert _gap_tuples(tab.model.rows) == wanted  # the table, exactly
    drawn = [(n, s) for n, s in tab.timeline.timeline.spans() if s.kind in (NOBODY_ELIGIBLE, NO_EXPERT)]
    rows = tab.timeline.timeline.rows
    assert sorted((rows[n].key[0], rows[n].key[1], format_utc(s.start), format_utc(s.end), s.kind)
                  for n, s in drawn) == sorted(wanted)  # the timeline, exactly
    assert [r.key for r in rows] == [("acme", "erp-plc"), ("harbor", "trading"), ("riverside", "ehr")]
    assert any(s.label == NOBODY_ELIGIBLE for _, s in drawn)  # marked in words, not only in colour

    first = _cells(tab.table, 0)
    gap = tab.model.rows[0]
    clock = console.window.clock
    assert first["From (your time)"] == clock.stamp(gap.start) and first["Reason"] == gap.reason
    assert "CST" in first["Client's time"]  # acme is in Chicago
    assert "⚠" in tab.summary.text() and f"{len(expected)} gap(s)" in tab.summary.text()
    qtmodeltester.check(tab.model)

    # the keyboard walks the timeline and the table follows
    tab.timeline.setFocus()
    qtbot.keyClick(tab.timeline, Qt.Key.Key_Right)
    assert tab.table.currentIndex().row() == 0
    qtbot.keyClick(tab.timeline, Qt.Key.Key_End)
    assert tab.table.currentIndex().row() == tab.model.rowCount() - 1

    # one client only: the same as gaps --client
    with qtbot.waitSignal(tab.gaps_shown, timeout=5000):
        tab.choose_client("riverside")
    only = _cli_json(northwind_url, "gaps", "--from", format_utc(start), "--to", format_utc(end),
                     "--client", "riverside")["gaps"]
    assert _gap_tuples(tab.model.rows) == [(g["client"], g["system"], g["from"], g["to"], g["reason"]) for g in only]
    assert [r.key for r in tab.timeline.timeline.rows] == [("riverside", "ehr")]


# ---------------------------------------------------------------- what-if


def test_what_if_lee_is_away_over_christmas_shows_the_gaps_and_saves_nothing(console_factory, northwind_url, qtbot):
    console = console_factory(northwind_url, signed_in="morgan")
    db = console.backend.db
    before = editing.get_record(db, "technicians", "lee")
    window = _review(console, qtbot)
    _tab(window, qtbot, WHAT_IF)
    tab = window.what_if_tab
    assert tab.tech.hasFocus()
    qtbot.keyClicks(tab.tech, "Lee")
    assert tab.tech.currentData() == "lee"
    start = resolve(AT.replace(tzinfo=None).replace(year=2026, month=12, day=24, hour=0), CHICAGO)
    end = start + timedelta(days=3)  # Dec 24 to 26, whole days
    tab.start_edit.setDateTime(to_edit(start, CHICAGO))
    tab.end_edit.setDateTime(to_edit(end, CHICAGO))
    tab.margin.selectAll()
    qtbot.keyClicks(tab.margin, "0")
    with qtbot.waitSignal(tab.answered, timeout=5000) as answered:
        qtbot.mouseClick(tab.check_button, Qt.MouseButton.LeftButton)

    expected = review.what_if_leave(db, actor="morgan", tech="lee", start=start, end=end)
    assert answered.args[0].answer == expected
    assert expected.new_gaps
    assert _gap_tuples(tab.model.rows) == _gap_tuples(expected.new_gaps)
    timeline = tab.timeline.timeline
    assert timeline.rows[0].label == "Lee Chen away"  # the change itself, on top
    drawn = sorted((s.start, s.end, s.kind) for _, s in timeline.spans() if s.kind in (NOBODY_ELIGIBLE, NO_EXPERT))
    assert drawn == sorted((g.start, g.end, g.reason) for g in expected.new_gaps)
    first = expected.new_gaps[0]
    assert tab.verdict.text().startswith(f"⚠ Approving this opens {len(expected.new_gaps)} gaps: "
                                         f"{first.client}/{first.system} Dec 24 00:00–")
    assert "Nothing was saved" in tab.details.text()

    after = editing.get_record(db, "technicians", "lee")
    assert (after.version, after.value.unavailable) == (before.version, before.value.unavailable)


# ---------------------------------------------------------------- response figures


def _scripted_history(db) -> dict[str, int]:
    """Three emergencies the evening before AT with acknowledgements at known minutes: Acme's
    line acked after 9 and 5 minutes (median 7, p90 9); Riverside's EHR acked after 37, past
    its 30-minute response due (one breach)."""
    def call(minutes_before: int, client: str, system: str, summary: str) -> tuple[int, object]:
        received = AT - timedelta(minutes=minutes_before)
        return calls.record_call(db, actor="jordan", client=client, system=system, impact="down", summary=summary,
                                 at=received).call.id, received

    def attempt(call_id, received, minutes, tech, outcome):
        calls.record_attempt(db, actor="jordan", call_id=call_id, tech=tech, outcome=outcome,
                             at=received + timedelta(minutes=minutes))

    ids = {}
    ids["line3"], t = call(300, "acme", "erp-plc", "line 3 stopped")
    attempt(ids["line3"], t, 2, "dana", "no-answer")
    attempt(ids["line3"], t, 9, "dana", "acked")
    calls.resolve(db, actor="jordan", call_id=ids["line3"], note="bridge restarted", runbook_change=False,
                  at=t + timedelta(minutes=40))
    ids["line1"], t = call(200, "acme", "erp-plc", "line 1 stopped")
    attempt(ids["line1"], t, 5, "dana", "acked")
    calls.resolve(db, actor="jordan", call_id=ids["line1"], note="PLC bridge again", runbook_change=False,
                  at=t + timedelta(minutes=50))
    ids["ehr"], t = call(150, "riverside", "ehr", "EHR will not open")
    attempt(ids["ehr"], t, 37, "lee", "acked")
    calls.resolve(db, actor="jordan", call_id=ids["ehr"], note="app server restarted",
                  runbook_change=False, at=t + timedelta(minutes=80))
    return ids


def test_figures_on_a_scripted_history_and_their_csv(console_factory, northwind_url, qtbot, tmp_path,
                                                     qtmodeltester):
    console = console_factory(northwind_url, signed_in="morgan")
    db = console.backend.db
    _scripted_history(db)
    window = _review(console, qtbot)
    tab = window.figures_tab
    with qtbot.waitSignal(window.figures_shown, timeout=5000):
        _tab(window, qtbot, FIGURES)
    start, end = tab.shown_range
    assert end == AT and start == resolve(AT.replace(tzinfo=None).replace(year=2025, month=12, day=1, hour=0),
                                          CHICAGO)  # the last 12 months, in the MSP's months
    expected = review.response_figures(db, actor="morgan", start=start, end=end)
    assert list(tab.model.rows) == expected

    shown = {(c["Client"], c["Priority"], c["Month"]): c for c in (_cells(tab.table, r)
                                                                    for r in range(tab.model.rowCount()))}
    acme = shown[("acme", "P1", "Nov 2026")]
    assert (acme["Calls"], acme["Ack median (min)"], acme["Ack p90 (min)"], acme["Breaches"]) == ("2", "7.0", "9.0", "0")
    ehr = shown[("riverside", "P1", "Nov 2026")]
    assert (ehr["Calls"], ehr["Ack median (min)"], ehr["Breaches"]) == ("1", "37.0", "⚠ 1")
    assert "3 call(s)" in tab.summary.text() and "1 breach(es)" in tab.summary.text()
    qtmodeltester.check(tab.model)

    # the charts: Acme's P1s per month, from the same rows
    tab.chart_client.setCurrentIndex(tab.chart_client.findData("acme"))
    ack = tab.ack_chart.data
    november = list(ack.long_categories).index("Nov 2026")
    assert len(ack.categories) == 12 and ack.unit == "minutes"
    assert (ack.series[0].values[november], ack.series[1].values[november]) == (7.0, 9.0)
    assert "Nov 2026: 7.0" in tab.ack_chart.summary()
    tab.chart_client.setCurrentIndex(tab.chart_client.findData(None))
    counts = {s.name: s.values[november] for s in tab.count_chart.data.series}
    assert counts["breaches"] == 1

    # grouping by month sorts the table by month first
    tab.grouping.setCurrentIndex(1)
    months = [tab.table.model().index(r, FiguresModel.MONTH).data() for r in range(tab.table.model().rowCount())]
    assert months == sorted(months, key=lambda m: (m[-4:], m))

    # Ctrl+E: the CSV holds the same numbers
    target = tmp_path / "figures.csv"
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: tab.file_dialog is not None and tab.file_dialog.isVisible(), timeout=3000)
    with qtbot.waitSignal(tab.csv_written, timeout=5000):
        tab.file_dialog.selectFile(str(target))
        tab.file_dialog.accept()
    assert target.read_text(encoding="utf-8") == review.figures_csv(expected)
    parsed = {(r["client"], r["priority"]): r for r in csv.DictReader(io.StringIO(target.read_text()))}
    assert (parsed[("acme", "P1")]["ack_median_minutes"], parsed[("acme", "P1")]["ack_p90_minutes"]) == ("7.0", "9.0")
    assert parsed[("riverside", "P1")]["breaches"] == "1"
    assert "✓ Wrote" in tab.status.text()


# ---------------------------------------------------------------- handoffs and roles


def _ended_shift(db) -> int:
    shift = shifts.start_shift(db, actor="jordan", at=AT - timedelta(hours=8)).id
    calls.record_call(db, actor="jordan", client="acme", system="erp-plc", impact="down", summary="line 2 stopped",
                      at=AT - timedelta(hours=2))
    shifts.add_shift_note(db, actor="jordan", text="Acme restarts line 2 at 06:00", at=AT - timedelta(hours=1))
    shifts.end_shift(db, actor="jordan", at=AT - timedelta(minutes=10))
    return shift


def test_a_manager_reviews_a_handoff_with_a_comment(console_factory, northwind_url, qtbot, qtmodeltester):
    console = console_factory(northwind_url, signed_in="morgan")
    db = console.backend.db
    shift = _ended_shift(db)
    window = _review(console, qtbot)
    tab = window.handoffs_tab
    assert window.tabs.currentIndex() == HANDOFFS
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=5000)
    assert _cells(tab.table, 0)["Review"] == "⚠ not reviewed"
    qtbot.waitUntil(lambda: "line 2 stopped" in tab.record.toPlainText(), timeout=5000)
    assert "Acme restarts line 2 at 06:00" in tab.record.toPlainText()
    assert "Not reviewed yet" in tab.review_state.text()

    comment = "Good call waking Dana; ask Acme for the PLC vendor's number"
    qtbot.keyClicks(tab.comment, comment)
    with qtbot.waitSignal(tab.handoff_reviewed, timeout=5000):
        qtbot.keyClick(tab.comment, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    info = shifts.shift_info(db, shift)
    assert info.reviews == (("morgan", AT, comment),)
    assert _cells(tab.table, 0)["Review"] == "✓ reviewed by Morgan Blake"
    assert "Reviewed by <b>Morgan Blake</b>" in tab.review_state.text() and comment in tab.review_state.text()
    assert tab.comment.toPlainText() == ""
    tab.filter.setCurrentText("Not reviewed")
    assert tab.model.rowCount() == 0
    tab.filter.setCurrentText("Reviewed")
    assert [r.id for r in tab.model.rows] == [shift]
    qtmodeltester.check(tab.model)


def test_a_dispatcher_gets_the_role_message_not_the_data(console_factory, northwind_url, qtbot):
    console = console_factory(northwind_url, signed_in="jordan")
    _ended_shift(console.backend.db)
    window = _review(console, qtbot)
    for number in (HANDOFFS, KNOWLEDGE, WHAT_IF, FIGURES):
        gate = window.gates[number]
        assert not gate.open
        assert "You are signed in as Jordan Price (dispatcher)" in gate.notice.text()
    assert "Reviewing handoff records needs the manager role" in window.gates[HANDOFFS].notice.text()
    assert "Response figures needs the manager role" in window.gates[FIGURES].notice.text()
    assert "A what-if for leave and swaps needs the manager or lead role" in window.gates[WHAT_IF].notice.text()
    assert window.tabs.tabText(FIGURES) == "Response figures · manager only"
    _tab(window, qtbot, FIGURES)
    assert window.gates[FIGURES].notice.isVisible() and not window.figures_tab.isVisible()
    assert window.handoffs_tab.model.rowCount() == 0  # nothing was read for a closed tab

    # and should the window ask anyway, the service's refusal is what is shown
    window.gates[FIGURES].allow()
    window.show_figures(AT - timedelta(days=30), AT)
    qtbot.waitUntil(lambda: not window.gates[FIGURES].open, timeout=5000)
    assert "reading response figures needs the manager or admin role; 'jordan' has dispatcher" in \
        window.gates[FIGURES].notice.text()
    assert window.figures_tab.model.rowCount() == 0

    # gaps are open to everyone, as `gaps` is
    _tab(window, qtbot, GAPS)
    assert window.gates[GAPS].open
    qtbot.waitUntil(lambda: window.gaps_tab.shown_range is not None, timeout=5000)


def test_knowledge_risk_lists_critical_systems_with_fewer_than_two_experts_first(console_factory, northwind_url,
                                                                                qtbot):
    console = console_factory(northwind_url, signed_in="dana")  # a lead plans leave: the report is hers too
    window = _review(console, qtbot)
    with qtbot.waitSignal(window.knowledge_tab.loaded, timeout=5000):
        _tab(window, qtbot, KNOWLEDGE)
    first = _cells(window.knowledge_tab.table, 0)
    assert (first["Risk"], first["Client"], first["System"], first["Experts"]) == (
        "⚠ AT RISK: fewer than two experts", "Riverside Family Clinic", "Electronic health records", "1")
    assert first["Who knows it"] == "Lee Chen (primary)"
    at_risk = [line for line in review.bus_factor_report(console.backend.db, actor="dana") if line.at_risk]
    assert sum(1 for r in window.knowledge_tab.model.rows if r.at_risk) == len(at_risk) == 1
    assert "1 critical system(s) with fewer than two experts: riverside/ehr" in window.knowledge_tab.summary.text()
    assert not window.gates[FIGURES].open  # figures stay the manager's


def test_a_lead_checks_a_swap_before_approving_it(console_factory, northwind_url, qtbot):
    console = console_factory(northwind_url, signed_in="dana")
    window = _review(console, qtbot)
    _tab(window, qtbot, WHAT_IF)
    tab = window.what_if_tab
    assert not tab.rotation.isVisible()  # a rotation matters to an override only
    qtbot.keyClick(tab.override, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(tab.override.isChecked, timeout=2000)  # a mnemonic clicks after its short animation
    assert tab.rotation.isVisible()
    start = resolve(AT.replace(tzinfo=None).replace(month=12, day=1, hour=0), CHICAGO)
    tab.set_change(start, start + timedelta(days=2), tech="morgan", rotation="night-remote")
    with qtbot.waitSignal(tab.answered, timeout=5000) as answered:
        qtbot.keyClick(tab.check_button, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    expected = review.what_if_override(console.backend.db, actor="dana", rotation="night-remote", tech="morgan",
                                       start=start, end=start + timedelta(days=2),
                                       range_start=start - timedelta(days=1), range_end=start + timedelta(days=3))
    assert answered.args[0].answer == expected
    assert _gap_tuples(tab.model.rows) == _gap_tuples(expected.new_gaps)
    assert tab.timeline.timeline.rows[0].label == "Morgan Blake holds Night remote on-call"
    opened = len(expected.new_gaps)
    assert tab.verdict.text().startswith("⚠ Approving this opens" if opened else "✓ Approving this opens no gaps")


def test_chart_months_add_counts_and_show_the_slowest_row_where_several_share_a_month():
    from dispatch_app.services.review import FigureRow
    from dispatch_app.ui.review.figure_series import monthly, months_of

    def row(client, month, median, p90, breaches):
        return FigureRow(client, "P1", month, 2, 2, median, p90, 2, median, p90, breaches, 1, 0)

    rows = [row("acme", "2026-10", 7.0, 9.0, 0), row("harbor", "2026-10", 12.5, 20.0, 1),
            row("acme", "2026-11", 4.0, 5.0, 1)]
    months = months_of(AT - timedelta(days=60), AT, CHICAGO)
    assert months == ["2026-09", "2026-10", "2026-11"]
    every = monthly(rows, months)
    assert every.breaches == [0, 1, 1] and every.calls == [0, 4, 2]
    assert [w.value for w in every.ack_median] == [None, 12.5, 4.0]
    assert every.ack_p90[1].row.client == "harbor" and not every.single
    acme = monthly(rows, months, client="acme")
    assert [w.value for w in acme.ack_median] == [None, 7.0, 4.0] and acme.single


def test_chart_months_are_the_months_the_service_cuts_the_figures_by():
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    from dispatch_app.services.review import months_between
    from dispatch_app.ui.review.figure_series import months_of

    start, end = datetime(2025, 12, 31, 20, tzinfo=timezone.utc), datetime(2026, 3, 1, 6, tzinfo=timezone.utc)
    assert months_of(start, end, CHICAGO) == ["2025-12", "2026-01", "2026-02"]  # Mar 1 06:00Z is Feb 28 in Chicago
    assert months_of(start, end, CHICAGO) == [m for m, _, _ in months_between(start, end, ZoneInfo(CHICAGO))]
    assert months_of(end, start, CHICAGO) == [] and months_of(start, start, CHICAGO) == []
