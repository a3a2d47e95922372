"""Text from outside shown safely in the console: a summary reads on one line, controls visible."""
from __future__ import annotations

from PySide6.QtCore import Qt

from dispatch_app.ui.models.table import KEY_ROLE

HOSTILE = "printer down\n#999 P1 acme forged line\r\n\x1b[2J\u202eevil\tend"


def test_the_queue_and_the_call_pane_show_a_hostile_summary_on_one_line(console_factory, northwind_url, qtbot):
    from dispatch_app.services import calls
    from dispatch_app.services.database import open_database

    window = console_factory(northwind_url).window
    other = open_database(northwind_url)  # as the intake or another workstation would record it
    call_id = calls.record_call(other, actor="jordan", client="baker", system="printers", impact="single-user",
                                summary=HOSTILE, at=window.clock.now()).call.id
    other.dispose()
    queue = window.queue_pane
    qtbot.waitUntil(lambda: queue.model.rowCount() == 1, timeout=5000)

    headers = [queue.proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(queue.proxy.columnCount())]
    cell = queue.proxy.index(0, headers.index("Summary"))
    shown = cell.data(Qt.ItemDataRole.DisplayRole)
    assert shown == "printer down ⏎ #999 P1 acme forged line ⏎ ␛[2J\ufffdevil end"
    for raw in ("\n", "\r", "\x1b", "\u202e", "\t"):
        assert raw not in shown
    tooltip = cell.data(Qt.ItemDataRole.ToolTipRole)  # lines kept there, the controls made visible
    assert tooltip == "printer down\n#999 P1 acme forged line\n␛[2J\ufffdevil\tend"

    queue.select_call(call_id)
    assert queue.table.currentIndex().data(KEY_ROLE) == call_id
    subline = window.call_pane.subline
    qtbot.waitUntil(lambda: "forged line" in subline.text(), timeout=5000)
    summary_line, *rest = subline.text().split("\n")
    assert summary_line == "“printer down ⏎ #999 P1 acme forged line ⏎ ␛[2J\ufffdevil end”"
    assert len(rest) == 1 and "forged" not in rest[0]

    # the record keeps the exact text
    db = open_database(northwind_url)
    try:
        assert calls.call_view(db, call_id, at=window.clock.now(), as_tech="jordan").call.summary == HOSTILE
    finally:
        db.dispose()


def test_the_crash_report_holds_no_password_and_no_values(qtbot):
    from dispatch_app.ui.crash import CrashDialog, report

    try:
        raise RuntimeError("cannot reach postgresql+psycopg://sam:s3cret@db.example/dispatch\n"
                           "DETAIL:  Failing row contains (1, acme, TOP-SECRET-SUMMARY).\n"
                           "[SQL: INSERT INTO calls (summary) VALUES (%(summary)s)]\n"
                           "[parameters: {'summary': 'TOP-SECRET-SUMMARY'}]")
    except RuntimeError as error:
        text = report(type(error), error, error.__traceback__)
    assert "s3cret" not in text and "TOP-SECRET-SUMMARY" not in text
    assert "postgresql+psycopg://sam:***@db.example/dispatch" in text and "INSERT INTO calls" in text
    dialog = CrashDialog(text, None)
    qtbot.addWidget(dialog)
    assert "s3cret" not in dialog.text.toPlainText() and "Traceback" in dialog.text.toPlainText()
