"""Response figures per client, priority and month (``review.response_figures``): a table of
the rows, charts per month drawn from them, and the rows exported as CSV (``figures_csv``).

The table is filled in one go from the service's rows and the charts from per-month sums of
them: nothing here costs more per call than the service already paid.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from dispatch_app.domain.model import Environment
from dispatch_app.errors import DispatchError, NotAllowed
from dispatch_app.files import write_file
from dispatch_app.services import review
from dispatch_app.services.review import FigureRow
from dispatch_app.ui.context import Context
from dispatch_app.ui.review.charts import BarChart, ChartData, Series
from dispatch_app.ui.review.figure_series import MonthlySeries, monthly, months_of
from dispatch_app.ui.review.models import FiguresModel, month_label
from dispatch_app.ui.review.ranges import LAST_3_MONTHS, LAST_12_MONTHS, LAST_30_DAYS, RangePicker
from dispatch_app.ui.review.widgets import primary_button
from dispatch_app.ui.views.panes import buddy_label, list_view, pane_title, show_state, state_line

GROUPINGS = (("Client › priority › month", -1),  # the service's own order: no sorting to pay for
             ("Month › client › priority", FiguresModel.MONTH),
             ("Priority › client › month", FiguresModel.PRIORITY))
PRIORITIES = ("P1", "P2", "P3", "P4")

MEDIAN = ("#4da3ff", Qt.BrushStyle.NoBrush, "#000000")
P90 = ("#b39ddb", Qt.BrushStyle.BDiagPattern, "#3b2d66")
BREACHES = ("#ff5252", Qt.BrushStyle.NoBrush, "#000000")
NOBODY = ("#ffb300", Qt.BrushStyle.BDiagPattern, "#6b4500")
ESCALATIONS = ("#7d8794", Qt.BrushStyle.Dense5Pattern, "#3a4350")


def write_csv(path: str, text: str) -> Path:
    """Write the CSV whole or not at all (:func:`dispatch_app.files.write_file`)."""
    return write_file(path, text)


def _series(name: str, values, look, notes=()) -> Series:
    fill, pattern, ink = look
    return Series(name, values, fill, pattern, ink, tuple(notes))


def _categories(months: list[str]) -> tuple[list[str], list[str]]:
    """Short x labels ("Dec", with the year under January and the first), and the full ones."""
    short, full = [], []
    for i, month in enumerate(months):
        label = month_label(month)
        full.append(label)
        short.append(label if i == 0 or month.endswith("-01") else label.split(" ")[0])
    return short, full


class FiguresTab(QWidget):
    """Signals:
        figures_shown(object): the table and the charts show the rows of a range (the rows).
        csv_written(str): the figures were written to this file.
        refused(str): the service refused the actor (its message).
    """

    figures_shown = Signal(object)
    csv_written = Signal(str)
    refused = Signal(str)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._asked = 0
        self.msp_zone = ctx.clock.zone_name
        self.rows: list[FigureRow] = []
        self.shown_range: tuple[datetime, datetime] | None = None
        self.file_dialog: QFileDialog | None = None

        self.picker = RangePicker(ctx.clock, (LAST_12_MONTHS, LAST_3_MONTHS, LAST_30_DAYS))
        self.picker.range_changed.connect(lambda *_: self.show_range())
        self.grouping = QComboBox()
        for text, _column in GROUPINGS:
            self.grouping.addItem(text)
        self.grouping.setAccessibleName("Group the table by")
        self.grouping.currentIndexChanged.connect(self._on_grouping_changed)
        self.chart_client = QComboBox()
        self.chart_client.setAccessibleName("Charts: client")
        self.chart_client.addItem("All clients", None)
        self.chart_client.setMinimumContentsLength(14)
        self.chart_priority = QComboBox()
        self.chart_priority.setAccessibleName("Charts: priority")
        self.chart_priority.addItem("All priorities", None)
        for p in PRIORITIES:
            self.chart_priority.addItem(p, p)
        self.chart_priority.setCurrentIndex(1)  # P1: what the night is judged by
        self.chart_client.currentIndexChanged.connect(self._draw_charts)
        self.chart_priority.currentIndexChanged.connect(self._draw_charts)
        self.show_button = primary_button("&Show figures")
        self.show_button.clicked.connect(self.show_range)
        self.export_button = QPushButton("&Export CSV…")
        self.export_button.setToolTip("Write these figures as CSV, as `report figures --csv` does (Ctrl+E)")
        self.export_button.clicked.connect(self.export_csv)
        export = QShortcut(QKeySequence("Ctrl+E"), self)
        export.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        export.activated.connect(self.export_csv)

        controls = QHBoxLayout()
        controls.addWidget(self.picker)
        controls.addSpacing(12)
        controls.addWidget(buddy_label("&Group by:", self.grouping))
        controls.addWidget(self.grouping)
        controls.addSpacing(12)
        controls.addWidget(self.show_button)
        controls.addWidget(self.export_button)
        controls.addStretch(1)
        chart_controls = QHBoxLayout()
        chart_controls.addWidget(pane_title("CHARTS PER MONTH"))
        chart_controls.addSpacing(12)
        chart_controls.addWidget(buddy_label("C&lient:", self.chart_client))
        chart_controls.addWidget(self.chart_client)
        chart_controls.addWidget(buddy_label("&Priority:", self.chart_priority))
        chart_controls.addWidget(self.chart_priority)
        chart_controls.addStretch(1)

        self.summary = state_line("The figures in one line")
        self.ack_chart = BarChart("Time to acknowledge per month")
        self.engage_chart = BarChart("Time to engage per month")
        self.count_chart = BarChart("Breaches and escalations with nobody to wake per month")
        charts = QHBoxLayout()
        for chart in (self.ack_chart, self.engage_chart, self.count_chart):
            charts.addWidget(chart, 1)
        self.model = FiguresModel(self)
        self.table = list_view(self.model, "Response figures per client, priority and month")
        self._on_grouping_changed(0)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setResizeContentsPrecision(40)  # a year of a large MSP is thousands of rows: measure a few
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addLayout(chart_controls)
        upper_layout.addLayout(charts, 1)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        self.table_title = pane_title("PER CLIENT, PRIORITY AND MONTH · MINUTES FROM RECEIVED")
        lower_layout.addWidget(self.table_title)
        lower_layout.addWidget(self.table, 1)
        self.status = state_line("What the export did")
        lower_layout.addWidget(self.status)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([380, 420])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(controls)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)

    # ------------------------------------------------------------ public

    def set_environment(self, env: Environment) -> None:
        """Months are the MSP's: presets and chart months follow its time zone."""
        self.msp_zone = env.msp.timezone
        self.picker.set_zone(env.msp.timezone)
        self.table_title.setText("PER CLIENT, PRIORITY AND MONTH (THE MSP'S MONTHS, "
                                 f"{env.msp.timezone.upper()}) · MINUTES FROM RECEIVED")
        self.model.client_names = {c.id: c.name for c in env.clients}

    def show_range(self) -> None:
        start, end = self.picker.range()
        self.show_figures(start, end, keep_picker=True)

    def show_figures(self, start: datetime, end: datetime, *, keep_picker: bool = False) -> None:
        """Read the figures of [start, end) and fill the table and the charts; ``figures_shown``
        says when they are on screen."""
        if not keep_picker:
            self.picker.set_range(start, end)
        if end <= start:
            show_state(self.summary, "The end of the range must be after its start.", problem=True)
            return
        self._asked += 1
        asked = self._asked
        db, actor = self._ctx.backend.db, self._ctx.actor_id
        show_state(self.summary, "Reading the figures…", role="muted")

        def done(rows: list[FigureRow]) -> None:
            if asked == self._asked:
                self._show(start, end, rows)

        def failed(error: DispatchError) -> None:
            if asked != self._asked:
                return
            if isinstance(error, NotAllowed):
                self.refused.emit(str(error))
            show_state(self.summary, f"Could not read the figures: {error}", problem=True)

        self._ctx.tasks.run(lambda: review.response_figures(db, actor=actor, start=start, end=end),
                            name="response figures", on_done=done, on_error=failed)

    def export_csv(self) -> None:
        """Ask where (a file dialog kept on ``file_dialog``), then write the rows shown."""
        if self.shown_range is None:
            show_state(self.status, "Show the figures first (Alt+S): the export writes what the table shows.",
                       problem=True)
            return
        start, end = self.shown_range
        name = f"response-figures-{self._ctx.clock.local(start):%Y-%m-%d}-to-{self._ctx.clock.local(end):%Y-%m-%d}.csv"
        dialog = QFileDialog(self, "Export the response figures as CSV")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setNameFilter("CSV files (*.csv)")
        dialog.setDefaultSuffix("csv")
        dialog.selectFile(name)
        dialog.fileSelected.connect(self.write_csv_to)
        self.file_dialog = dialog
        dialog.open()

    def write_csv_to(self, path: str) -> None:
        rows = list(self.rows)
        text = review.figures_csv(rows)
        show_state(self.status, f"Writing {path}…", role="muted")

        def done(target: Path) -> None:
            show_state(self.status, f"✓ Wrote {len(rows)} row(s) to {target}.", role="match")
            self.csv_written.emit(str(target))

        def failed(error: DispatchError) -> None:
            show_state(self.status, f"Not exported: {error}", problem=True)

        self._ctx.tasks.run(lambda: write_csv(path, text), name="export figures", on_done=done, on_error=failed)

    # ------------------------------------------------------------ showing

    def _on_grouping_changed(self, index: int) -> None:
        """Client › priority › month is the order the rows come in: the proxy is left unsorted
        (a year of a large MSP is thousands of rows; sorting them costs more than reading them)."""
        column = GROUPINGS[index][1]
        if column < 0:
            self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            self.table.model().sort(-1)
        else:
            self.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)

    def _show(self, start: datetime, end: datetime, rows: list[FigureRow]) -> None:
        self.rows = rows
        self.shown_range = (start, end)
        self.model.set_rows(rows)
        self._fill_chart_clients(rows)
        self._draw_charts()
        clock = self._ctx.clock
        calls = sum(r.calls for r in rows)
        breaches = sum(r.breaches for r in rows)
        nobody = sum(r.nobody_to_wake for r in rows)
        stretch = f"received {clock.stamp(start)} – {clock.stamp(end)} ({clock.zone_name})"
        if not rows:
            show_state(self.summary, f"No calls {stretch}.", role="muted")
        else:
            alarm = breaches or nobody
            show_state(self.summary, f"{'⚠ ' if alarm else ''}{calls} call(s) {stretch}: {breaches} breach(es) of "
                       f"the response due, {nobody} escalation(s) with nobody to wake.", problem=bool(alarm))
        self.figures_shown.emit(rows)

    def _fill_chart_clients(self, rows: list[FigureRow]) -> None:
        chosen = self.chart_client.currentData()
        clients = sorted({r.client for r in rows})
        self.chart_client.blockSignals(True)
        self.chart_client.clear()
        self.chart_client.addItem("All clients", None)
        for c in clients:
            self.chart_client.addItem(c, c)
        self.chart_client.setCurrentIndex(max(0, self.chart_client.findData(chosen)))
        self.chart_client.blockSignals(False)

    def series(self) -> MonthlySeries:
        start, end = self.shown_range or self.picker.range()
        return monthly(self.rows, months_of(start, end, self.msp_zone), client=self.chart_client.currentData(),
                       priority=self.chart_priority.currentData())

    def _draw_charts(self, *_args) -> None:
        s = self.series()
        short, full = _categories(s.months)
        client = self.chart_client.currentData()
        priority = self.chart_priority.currentData()
        slice_ = f"{client or 'all clients'}, {priority or 'all priorities'}"
        if s.single:
            note = f"{slice_}: median and 90th percentile"
        else:
            note = f"{slice_}: each month's slowest client and priority (hover for which)"

        def notes(worsts):
            return [] if s.single else [f"{w.row.client} {w.row.priority}" if w.row else "" for w in worsts]

        for chart, title, median, p90 in (
                (self.ack_chart, "Time to acknowledge", s.ack_median, s.ack_p90),
                (self.engage_chart, "Time to engage", s.engage_median, s.engage_p90)):
            chart.set_data(ChartData(
                title, "minutes", short,
                (_series("median", [w.value for w in median], MEDIAN, notes(median)),
                 _series("90th percentile", [w.value for w in p90], P90, notes(p90))),
                note=note, long_categories=full))
        self.count_chart.set_data(ChartData(
            "Escalations, nobody to wake, breaches", "calls", short,
            (_series("escalations", s.escalations, ESCALATIONS),
             _series("nobody to wake", s.nobody_to_wake, NOBODY),
             _series("breaches", s.breaches, BREACHES)),
            note=f"{slice_}: calls per month", integer=True, long_categories=full))
