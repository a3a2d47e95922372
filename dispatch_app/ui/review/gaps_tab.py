"""Coverage gaps over a chosen range: a timeline per client and critical system, and the exact
list below it. The answer is ``schedule.coverage_gaps``, the computation behind ``gaps``."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from dispatch_app.domain.gaps import NOBODY_ELIGIBLE
from dispatch_app.domain.model import Environment, Gap
from dispatch_app.errors import DispatchError
from dispatch_app.services import schedule
from dispatch_app.ui.context import Context
from dispatch_app.ui.models.table import KEY_ROLE
from dispatch_app.ui.review.models import GapsModel
from dispatch_app.ui.review.ranges import LAST_30_DAYS, NEXT_7_DAYS, NEXT_30_DAYS, RangePicker
from dispatch_app.ui.review.timeline import TimelineView
from dispatch_app.ui.review.timeline_model import Timeline, critical_places, gap_timeline
from dispatch_app.ui.review.widgets import primary_button
from dispatch_app.ui.review.wording import describe_gap
from dispatch_app.ui.views.panes import list_view, show_state, state_line, titled

ALL_CLIENTS = "All clients"


def scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return area


def fill_gap_names(model: GapsModel, env: Environment | None) -> None:
    if env is None:
        return
    model.zones = {c.id: c.timezone for c in env.clients}
    model.client_names = {c.id: c.name for c in env.clients}
    model.system_names = {(c.id, s.id): s.name for c in env.clients for s in c.systems}


def follow_table(view, timeline: TimelineView) -> None:
    """A row picked in the gaps table outlines its span on the timeline, and back."""

    def on_row(current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            timeline.choose(current.data(KEY_ROLE))

    def on_span(key) -> None:
        proxy = view.model()
        for row in range(proxy.rowCount()):
            if proxy.index(row, 0).data(KEY_ROLE) == key:
                view.selectionModel().blockSignals(True)
                view.selectRow(row)
                view.selectionModel().blockSignals(False)
                view.scrollTo(proxy.index(row, 0))
                view.viewport().update()
                return

    view.selectionModel().currentRowChanged.connect(on_row)
    timeline.span_chosen.connect(on_span)


class GapsPanes(QSplitter):
    """A timeline of gaps over the table of the same gaps, exactly (the table's selection
    scrolls the timeline to it)."""

    def __init__(self, ctx: Context, timeline_name: str, table_name: str, upper_title: str, lower_title: str) -> None:
        super().__init__(Qt.Orientation.Vertical)
        self.timeline = TimelineView(ctx.clock.zone_name, name=timeline_name)
        self.model = GapsModel(ctx.clock, self)
        self.table = list_view(self.model, table_name, sortable=False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(GapsModel.REASON, QHeaderView.ResizeMode.Stretch)
        follow_table(self.table, self.timeline)
        self.addWidget(titled(upper_title, scrolled(self.timeline)))
        self.addWidget(titled(lower_title, self.table))
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 2)


class GapsTab(QWidget):
    """Signals:
        gaps_shown(object, object, object): the view shows the gaps of [start, end) (the list).
    """

    gaps_shown = Signal(object, object, object)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._env: Environment | None = None
        self._asked = 0
        self.shown_range: tuple[datetime, datetime] | None = None
        self.gaps: list[Gap] = []

        self.picker = RangePicker(ctx.clock, (NEXT_7_DAYS, NEXT_30_DAYS, LAST_30_DAYS))
        self.client = QComboBox()
        self.client.addItem(ALL_CLIENTS, None)
        self.client.setAccessibleName("Only this client")
        self.client.setMinimumContentsLength(18)
        client_label = QLabel("C&lient:")
        client_label.setBuddy(self.client)
        self.show_button = primary_button("&Show gaps")
        self.show_button.setToolTip("Compute the gaps of the range (Alt+S; Enter in the range fields)")
        self.show_button.clicked.connect(self.show_gaps)
        self.picker.range_changed.connect(lambda *_: self.show_gaps())
        self.client.currentIndexChanged.connect(lambda *_: self.show_gaps())
        controls = QHBoxLayout()
        controls.addWidget(self.picker)
        controls.addSpacing(16)
        controls.addWidget(client_label)
        controls.addWidget(self.client)
        controls.addSpacing(16)
        controls.addWidget(self.show_button)
        controls.addStretch(1)

        self.summary = state_line("How many gaps the range has")
        splitter = GapsPanes(ctx, "Coverage gaps per client and critical system", "Coverage gaps, exactly",
                             "TIMELINE · ONE ROW PER CLIENT AND CRITICAL SYSTEM", "EVERY GAP, EXACTLY")
        self.timeline, self.model, self.table = splitter.timeline, splitter.model, splitter.table
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(controls)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)

    # ------------------------------------------------------------ public

    def set_environment(self, env: Environment) -> None:
        self._env = env
        fill_gap_names(self.model, env)
        chosen = self.client.currentData()
        self.client.blockSignals(True)
        self.client.clear()
        self.client.addItem(ALL_CLIENTS, None)
        for c in sorted(env.clients, key=lambda c: c.name.casefold()):
            self.client.addItem(f"{c.name} ({c.id})", c.id)
        found = self.client.findData(chosen)
        self.client.setCurrentIndex(max(0, found))
        self.client.blockSignals(False)
        self.model.refresh_all()

    def choose_client(self, client_id: str | None) -> None:
        self.client.setCurrentIndex(max(0, self.client.findData(client_id)))

    def show_gaps(self) -> None:
        start, end = self.picker.range()
        client = self.client.currentData()
        if end <= start:
            show_state(self.summary, "The end of the range must be after its start.", problem=True)
            return
        self._asked += 1
        asked = self._asked
        db = self._ctx.backend.db
        show_state(self.summary, "Computing the gaps…", role="muted")

        def done(gaps: list[Gap]) -> None:
            if asked == self._asked:
                self._show(start, end, client, gaps)

        def failed(error: DispatchError) -> None:
            if asked == self._asked:
                show_state(self.summary, f"Could not compute the gaps: {error}", problem=True)

        self._ctx.tasks.run(lambda: schedule.coverage_gaps(db, start=start, end=end, client=client),
                            name="coverage gaps", on_done=done, on_error=failed)

    # ------------------------------------------------------------ showing

    def _show(self, start: datetime, end: datetime, client: str | None, gaps: list[Gap]) -> None:
        clock = self._ctx.clock
        zones = self.model.zones
        self.shown_range = (start, end)
        self.gaps = list(gaps)
        timeline: Timeline = gap_timeline(
            start, end, gaps, critical_places(self._env, client),
            describe=lambda g: describe_gap(clock, g, zones.get(g.client)))
        self.timeline.set_timeline(timeline, now=clock.now())
        self.model.set_rows(gaps)
        where = "every client" if client is None else client
        stretch = f"{clock.stamp(start)} – {clock.stamp(end)} ({clock.zone_name})"
        if not gaps:
            show_state(self.summary, f"✓ No coverage gaps for {where} from {stretch}.", role="match")
        else:
            systems = sorted({f"{g.client}/{g.system}" for g in gaps})
            nobody = sum(1 for g in gaps if g.reason == NOBODY_ELIGIBLE)
            show_state(self.summary, f"⚠ {len(gaps)} gap(s) on {len(systems)} critical system(s) "
                       f"({', '.join(systems)}): {nobody} with nobody eligible, {len(gaps) - nobody} with no expert "
                       "(fallback only).", problem=True)
        self.gaps_shown.emit(start, end, list(gaps))
