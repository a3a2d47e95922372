"""Schedules (issue 7, item 3): who is on call in each rotation, a week or a month at a time,
with overrides, leave and holes drawn; overrides made by selecting a span; rotations imported
from iCalendar files and on call exported to them.

Everyone may look and export; making and removing overrides and importing calendars is the
lead's (or an admin's), and the editing service checks it. Times are on the MSP's clock.
"""
from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dispatch_app.domain.localtime import to_local
from dispatch_app.errors import DispatchError, NotFound
from dispatch_app.services import editing, environment, schedule
from dispatch_app.services.people import Actor
from dispatch_app.services.schedule import ScheduleView
from dispatch_app.ui.context import Context
from dispatch_app.ui.models.table import VALUE_ROLE, sorting_proxy
from dispatch_app.ui.schedule.calendar_dialogs import ExportCalendarDialog, ImportCalendarDialog
from dispatch_app.ui.schedule.lanes import OVERRIDE, Block, Lane, Stamps, build_lanes
from dispatch_app.ui.schedule.models import HolesModel, OverridesModel, hole_rows, override_rows
from dispatch_app.ui.schedule.override_dialog import OverrideDialog
from dispatch_app.ui.schedule.scale import MONTH, WEEK, TimeScale, moved, range_of
from dispatch_app.ui.schedule.timeline import Timeline
from dispatch_app.ui.theme import repolish
from dispatch_app.ui.views.tables import read_only

ALL = ""  # the filter's "all rotations" (never None as item data: PySide6 6.12 mis-counts None returned from a QVariant)
LEGEND = ("Legend: blue = by schedule · amber with a dashed edge = “override: reason” · green = “(calendar)” · "
          "hatched = leave / “ON LEAVE” · red edge = “NOBODY” (a hole) · grey = off duty · red line = now")


def _state(label: QLabel, text: str, *, problem: bool = False, role: str = "") -> None:
    label.setText(text)
    label.setProperty("role", "caution" if problem else role)
    repolish(label)


def _list(model, name: str) -> QTableView:
    view = QTableView()
    view.setModel(sorting_proxy(model, view))
    view.setSortingEnabled(True)
    read_only(view)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.setTabKeyNavigation(False)
    view.setAccessibleName(name)
    return view


class ScheduleWindow(QWidget):
    """A window of its own beside the console.

    Signals:
        range_shown(object, object): the schedule of [start, end) was drawn (after every load).
        override_saved(object): an override was saved from here (the editing service's Saved).
        override_removed(object): an override was removed from here (Saved).
    """

    range_shown = Signal(object, object)
    override_saved = Signal(object)
    override_removed = Signal(object)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._ctx = ctx
        self.setWindowTitle("Schedules · Dispatch Console")
        self.setObjectName("schedules")
        self.resize(1600, 900)
        self.view: ScheduleView | None = None
        self.mode = WEEK
        self.anchor: date | None = None
        self._explicit: tuple[datetime, datetime] | None = None
        self._zone: str | None = None
        self._only: str | None = None
        self._generation = 0
        self._loaded_once = False
        self.override_dialog: OverrideDialog | None = None
        self.import_dialog: ImportCalendarDialog | None = None
        self.export_dialog: ExportCalendarDialog | None = None
        self.confirm_box: QMessageBox | None = None

        heading = QLabel("Schedules")
        heading.setProperty("role", "heading")
        self.range_label = QLabel("")
        self.range_label.setProperty("role", "heading")
        self.range_label.setAccessibleName("Dates shown")
        self.zone_label = QLabel("")
        self.zone_label.setProperty("role", "muted")
        self.zone_label.setAccessibleName("Time zone")
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addSpacing(24)
        top.addWidget(self.range_label)
        top.addSpacing(16)
        top.addWidget(self.zone_label, 1)

        self.previous_button = QPushButton("◀ &Previous")
        self.previous_button.setToolTip("The week or month before (PgUp, Alt+Left)")
        self.today_button = QPushButton("&Today")
        self.today_button.setToolTip("Back to the dates around now (T)")
        self.next_button = QPushButton("&Next ▶")
        self.next_button.setToolTip("The week or month after (PgDn, Alt+Right)")
        self.week_button = QPushButton("&Week")
        self.week_button.setToolTip("Seven days, Monday to Sunday (W)")
        self.month_button = QPushButton("&Month")
        self.month_button.setToolTip("A calendar month (M)")
        self.mode_group = QButtonGroup(self)
        for button in (self.week_button, self.month_button):
            button.setCheckable(True)
            self.mode_group.addButton(button)
        self.week_button.setChecked(True)
        self.rotation_filter = QComboBox()
        self.rotation_filter.setAccessibleName("Rotations shown")
        self.rotation_filter.addItem("all rotations", ALL)
        filter_label = QLabel("Rotation&s:")
        filter_label.setBuddy(self.rotation_filter)
        self.override_button = QPushButton("New &override…")
        self.override_button.setToolTip("An override of the selected span or the block under the cursor (O); "
                                        "or drag across a rotation's lane")
        self.remove_button = QPushButton("&Remove override…")
        self.remove_button.setToolTip("Remove the override under the cursor or selected in the list (Delete)")
        self.import_button = QPushButton("&Import iCalendar…")
        self.import_button.setToolTip("A rotation from an .ics file, new or replacing one's schedule (Ctrl+I)")
        self.export_button = QPushButton("E&xport on call…")
        self.export_button.setToolTip("On call as an .ics file for anyone's calendar (Ctrl+E)")
        self.export_mine_button = QPushButton("Export m&y on call…")
        self.export_mine_button.setToolTip("Your own on-call stretches as an .ics file (Ctrl+Shift+E)")
        bar = QHBoxLayout()
        for widget in (self.previous_button, self.today_button, self.next_button):
            bar.addWidget(widget)
        bar.addSpacing(16)
        bar.addWidget(self.week_button)
        bar.addWidget(self.month_button)
        bar.addSpacing(16)
        bar.addWidget(filter_label)
        bar.addWidget(self.rotation_filter)
        bar.addStretch(1)
        for widget in (self.override_button, self.remove_button, self.import_button, self.export_button,
                       self.export_mine_button):
            bar.addWidget(widget)

        self.role_line = QLabel("")
        self.role_line.setWordWrap(True)
        self.role_line.setAccessibleName("What you may do here")
        self.holes_line = QLabel("")
        self.holes_line.setWordWrap(True)
        self.holes_line.setAccessibleName("Holes in the dates shown")
        self.legend = QLabel(LEGEND)
        self.legend.setProperty("role", "muted")
        self.legend.setWordWrap(True)

        self.timeline = Timeline()
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.timeline)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFocusProxy(self.timeline)
        self.scroll.setMinimumHeight(280)

        self.details = QLabel("")
        self.details.setWordWrap(True)
        self.details.setAccessibleName("Details of the block at the cursor")
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        details_card = QFrame()
        details_card.setProperty("role", "card")
        inside = QHBoxLayout(details_card)
        inside.addWidget(self.details)

        self.overrides_model = OverridesModel(parent=self)
        self.holes_model = HolesModel(parent=self)
        self.overrides_list = _list(self.overrides_model, "Overrides in the dates shown")
        self.holes_list = _list(self.holes_model, "Holes in the dates shown")
        lists = QHBoxLayout()
        for title, view in (("OVERRIDES IN VIEW · Delete removes", self.overrides_list),
                            ("HOLES IN VIEW", self.holes_list)):
            column = QVBoxLayout()
            label = QLabel(title)
            label.setProperty("role", "pane-title")
            column.addWidget(label)
            column.addWidget(view)
            view.setMinimumHeight(130)
            lists.addLayout(column, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(bar)
        layout.addWidget(self.role_line)
        layout.addWidget(self.holes_line)
        layout.addWidget(self.scroll, 3)
        layout.addWidget(details_card)
        layout.addWidget(self.legend)
        layout.addLayout(lists, 1)

        self.previous_button.clicked.connect(lambda: self.move_range(-1))
        self.next_button.clicked.connect(lambda: self.move_range(1))
        self.today_button.clicked.connect(self.go_today)
        self.week_button.clicked.connect(lambda: self.set_mode(WEEK))
        self.month_button.clicked.connect(lambda: self.set_mode(MONTH))
        self.rotation_filter.activated.connect(self._on_filter_chosen)
        self.override_button.clicked.connect(self.timeline.request_override)
        self.remove_button.clicked.connect(self.remove_selected_override)
        self.import_button.clicked.connect(self.import_calendar)
        self.export_button.clicked.connect(lambda: self.export_calendar(mine=False))
        self.export_mine_button.clicked.connect(lambda: self.export_calendar(mine=True))
        self.timeline.override_wanted.connect(self._on_override_wanted)
        self.timeline.removal_wanted.connect(self._on_removal_wanted)
        self.timeline.block_focused.connect(self._on_block_focused)
        self.timeline.cursor_moved.connect(self._on_cursor_moved)
        self.overrides_list.selectionModel().currentRowChanged.connect(self._on_override_row)
        self.holes_list.selectionModel().currentRowChanged.connect(self._on_hole_row)

        for keys, slot in ((("W",), lambda: self.set_mode(WEEK)), (("M",), lambda: self.set_mode(MONTH)),
                           (("T",), self.go_today), (("PgUp", "Alt+Left"), lambda: self.move_range(-1)),
                           (("PgDown", "Alt+Right"), lambda: self.move_range(1)), (("O",), self.timeline.request_override),
                           (("Ctrl+I",), self.import_calendar), (("Ctrl+E",), lambda: self.export_calendar(mine=False)),
                           (("Ctrl+Shift+E",), lambda: self.export_calendar(mine=True)), (("F5",), self.reload),
                           (("Esc",), self.close)):
            for key in keys:
                QShortcut(QKeySequence(key), self, slot)
        remove = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.overrides_list, self.remove_selected_override)
        remove.setContext(Qt.ShortcutContext.WidgetShortcut)

        # a write elsewhere arrives twice (the feed, then the console's fresh environment): read once
        self._reload_soon = QTimer(self, singleShot=True, interval=150)
        self._reload_soon.timeout.connect(self._load)
        ctx.events.changes_arrived.connect(self._on_changes_arrived)
        ctx.events.environment_loaded.connect(self._on_environment_loaded)
        ctx.events.technician_signed_in.connect(self._on_technician_signed_in)
        self._show_role(ctx.actor)

    # ------------------------------------------------------------ public

    @property
    def may_edit(self) -> bool:
        return self._ctx.actor.has_role(*editing.EDIT_ROLES)

    def show_range(self, start: datetime, end: datetime) -> None:
        """Show [start, end) (widened to whole local days); ``range_shown`` follows once drawn.
        More than eight days is drawn as a month (day columns), else as a week."""
        self._explicit = (start, end)
        self.mode = MONTH if (end - start).days > 8 else WEEK
        self._show_mode()
        self.anchor = None
        self._load()

    def set_mode(self, mode: str) -> None:
        if self._explicit is not None and self.anchor is None and self.view is not None:
            self.anchor = to_local(self.view.start, self.view.timezone).date()
        self._explicit = None
        self.mode = mode
        self._show_mode()
        self._load()

    def move_range(self, steps: int) -> None:
        if self.anchor is None:
            if self.view is None:
                return
            self.anchor = to_local(self.view.start, self.view.timezone).date()
        self._explicit = None
        self.anchor = moved(self.mode, self.anchor, steps)
        self._load()

    def go_today(self) -> None:
        self._explicit = None
        self.anchor = None
        self._load()

    def show_rotation(self, rotation_id: str | None) -> None:
        """Only this rotation's lanes (None: all); only its schedule is computed."""
        self._only = rotation_id
        index = self.rotation_filter.findData(rotation_id or ALL)
        if index >= 0:
            self.rotation_filter.setCurrentIndex(index)
        if self._loaded_once:
            self._load()

    def reload(self) -> None:
        self._load()

    # ------------------------------------------------------------ loading

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._show_role(self._ctx.actor)
        if not self._loaded_once:
            self._load()
        self.timeline.setFocus()

    def _load(self) -> None:
        self._reload_soon.stop()
        self._loaded_once = True
        self._generation += 1
        generation = self._generation
        db, mode, anchor, explicit, zone = self._ctx.backend.db, self.mode, self.anchor, self._explicit, self._zone
        now, only = self._ctx.clock.now(), self._only

        def work() -> ScheduleView:
            tz = zone or environment.msp_timezone(db)
            start, end = explicit or range_of(mode, anchor or to_local(now, tz).date(), tz)
            scale = TimeScale(start, end, tz)  # whole local days
            try:
                return schedule.schedule_view(db, start=scale.start, end=scale.end, rotations=[only] if only else None)
            except NotFound:  # the rotation picked was removed meanwhile: show them all
                return schedule.schedule_view(db, start=scale.start, end=scale.end)

        def done(view: ScheduleView) -> None:
            if generation == self._generation:
                self._apply(view)

        def failed(error: DispatchError) -> None:
            if generation == self._generation:
                self.timeline.clear(str(error))
                _state(self.holes_line, f"⚠ {error}", problem=True)

        self._ctx.tasks.run(work, on_done=done, on_error=failed, name="schedule")

    def _apply(self, view: ScheduleView) -> None:
        self.view = view
        if self._zone != view.timezone:
            self._zone = view.timezone
            self.overrides_model.set_zone(view.timezone)
            self.holes_model.set_zone(view.timezone)
        if self._explicit is None and self.anchor is None:
            self.anchor = to_local(self._ctx.clock.now(), view.timezone).date()
        if self._only is not None and view.rotation(self._only) is None:
            self._only = None
        self._fill_filter(view)
        self._draw(view)
        if self.timeline.isVisible():
            self.timeline.repaint()
        self.range_shown.emit(view.start, view.end)

    def _draw(self, view: ScheduleView) -> None:
        tz = view.timezone
        scale = TimeScale(view.start, view.end, tz)
        self.timeline.set_content(scale, build_lanes(view), self.mode, self._ctx.clock.now())
        # as tall as its lanes (a scroll bar beyond that); the lists below take what is left
        self.scroll.setMaximumHeight(self.timeline.minimumHeight() + 2 * self.scroll.frameWidth())
        first, last = to_local(view.start, tz), to_local(view.end, tz)
        if self.mode == MONTH and first.day == 1 and (last.month != first.month or last.year != first.year):
            self.range_label.setText(first.strftime("%B %Y"))
        else:
            end_day = scale.days[-1].day
            self.range_label.setText(f"{first.strftime('%a %d %b')} – {end_day.strftime('%a %d %b %Y')}")
        odd = [d for d in scale.days if round(d.hours) != 24]
        dst = "".join(f" · {d.day.strftime('%a %d %b')} has {round(d.hours)} hours (clock change)" for d in odd)
        viewer = self._ctx.clock.zone_name
        mine = "" if viewer == tz else f" · your clock: {viewer}"
        self.zone_label.setText(f"Times in {tz}, the MSP's time zone{mine}{dst}")
        self.overrides_model.set_rows(override_rows(view))
        holes = hole_rows(view)
        self.holes_model.set_rows(holes)
        for table in (self.overrides_list, self.holes_list):
            for column in range(table.model().columnCount() - 1):  # the last one stretches
                table.resizeColumnToContents(column)
        if holes:
            stamps = Stamps(tz)
            first_hole = holes[0]
            _state(self.holes_line,
                   f"⚠ {len(holes)} hole{'s' if len(holes) != 1 else ''} in these dates: nobody available holds the "
                   f"rotation. First: {first_hole.rotation_name}, {stamps.span(first_hole.start, first_hole.end)} — "
                   f"{first_hole.why}.", problem=True)
        else:
            _state(self.holes_line, "✓ No holes in these dates: whenever a rotation is on duty, somebody available "
                                    "holds it.", role="muted")

    def _fill_filter(self, view: ScheduleView) -> None:
        wanted = [(name, rotation_id) for rotation_id, name in view.catalogue]
        present = [(self.rotation_filter.itemText(i), self.rotation_filter.itemData(i))
                   for i in range(1, self.rotation_filter.count())]
        if wanted == present:
            return
        self.rotation_filter.blockSignals(True)
        self.rotation_filter.clear()
        self.rotation_filter.addItem("all rotations", ALL)
        for name, rotation_id in wanted:
            self.rotation_filter.addItem(name, rotation_id)
        index = self.rotation_filter.findData(self._only or ALL)
        if index < 0:
            self._only = None
            index = 0
        self.rotation_filter.setCurrentIndex(index)
        self.rotation_filter.blockSignals(False)

    def _show_mode(self) -> None:
        (self.week_button if self.mode == WEEK else self.month_button).setChecked(True)

    # ------------------------------------------------------------ events

    def _on_filter_chosen(self, _index: int) -> None:
        self.show_rotation(self.rotation_filter.currentData() or None)
        self.timeline.setFocus()

    def _on_changes_arrived(self, changes) -> None:
        if self.isVisible() and (changes.environment_changed or changes.reset):
            self._reload_soon.start()

    def _on_environment_loaded(self, _env) -> None:
        if self.isVisible() and self._loaded_once:
            self._reload_soon.start()

    def _on_technician_signed_in(self, actor: Actor) -> None:
        self._show_role(actor)

    def _show_role(self, actor: Actor) -> None:
        may = actor.has_role(*editing.EDIT_ROLES)
        for button in (self.override_button, self.remove_button, self.import_button):
            button.setEnabled(may)
        self.export_mine_button.setEnabled(actor.id is not None)
        who = (f"{actor.tech.name} ({', '.join(actor.roles) or 'no role'})" if actor.tech is not None
               else "the anonymous dispatcher (not signed in)")
        if may:
            _state(self.role_line, f"Signed in as {who}. Drag across a rotation's lane (or Shift+arrows, then O) to "
                                   "make an override; Delete removes the one under the cursor.", role="muted")
        else:
            _state(self.role_line, self._refusal(actor), problem=True)

    @staticmethod
    def _refusal(actor: Actor) -> str:
        who = (f"{actor.tech.name} ({', '.join(actor.roles) or 'no role'})" if actor.tech is not None
               else "the anonymous dispatcher (not signed in)")
        return (f"⚠ Read-only: making or removing overrides and importing calendars needs the lead role (or admin). "
                f"You are {who}. You may look and export.")

    def _on_block_focused(self, lane: Lane | None, block: Block | None) -> None:
        if lane is None:
            self.details.setText("")
            return
        if block is not None:
            text = block.detail
        else:
            when = Stamps(self.view.timezone).at(self.timeline.cursor) if self.view and self.timeline.cursor else ""
            text = f"{lane.title} · {when} · nothing here"
        self.details.setText(text)

    def _on_cursor_moved(self, top: int, bottom: int) -> None:
        self.scroll.ensureVisible(0, (top + bottom) // 2, 0, max(0, (bottom - top) // 2 + 8))

    def _on_override_row(self, current, _previous) -> None:
        row = current.data(VALUE_ROLE) if current.isValid() else None
        if row is not None:
            self.timeline.focus_on(row.rotation, max(row.start, self.view.start) if self.view else row.start)

    def _on_hole_row(self, current, _previous) -> None:
        row = current.data(VALUE_ROLE) if current.isValid() else None
        if row is not None:
            self.timeline.focus_on(row.rotation, row.start)

    # ------------------------------------------------------------ overrides

    def _on_override_wanted(self, rotation_id: str, start: datetime, end: datetime) -> None:
        if self.view is None:
            return
        if not self.may_edit:
            refusal = self._refusal(self._ctx.actor)
            _state(self.role_line, refusal, problem=True)
            self.details.setText(refusal)
            return
        rotation = self.view.rotation(rotation_id)
        if rotation is None:
            return
        self.override_dialog = OverrideDialog(self._ctx, self.view, rotation, start, end, self)
        self.override_dialog.override_saved.connect(self._on_override_saved)
        self.override_dialog.open()

    def _on_override_saved(self, saved) -> None:
        self._ctx.messages.info(f"Override saved (#{saved.key}).")
        self.override_saved.emit(saved)
        self._load()

    def remove_selected_override(self) -> None:
        index = self.overrides_list.currentIndex()
        row = index.data(VALUE_ROLE) if index.isValid() and self.overrides_list.hasFocus() else None
        if row is not None:
            self._confirm_removal(row.scheduled, row.rotation_name, row.who)
            return
        block = self.timeline.current_block()
        if block is not None and block.kind == OVERRIDE and block.override is not None:
            self._on_removal_wanted(block)
        elif index.isValid():
            row = index.data(VALUE_ROLE)
            self._confirm_removal(row.scheduled, row.rotation_name, row.who)
        else:
            self.details.setText("Put the cursor on an override (or select one in the list) to remove it.")

    def _on_removal_wanted(self, block: Block) -> None:
        rotation = self.view.rotation(block.override.override.rotation) if self.view else None
        self._confirm_removal(block.override, rotation.rotation.name if rotation else "", self.view.name(block.tech))

    def _confirm_removal(self, item: schedule.ScheduledOverride, rotation_name: str, who: str) -> None:
        if not self.may_edit:
            _state(self.role_line, self._refusal(self._ctx.actor), problem=True)
            return
        stamps = Stamps(self.view.timezone)
        o = item.override
        box = QMessageBox(QMessageBox.Icon.Question, "Remove the override?",
                          f"Remove the override: {who} holds {rotation_name} {stamps.span(o.start, o.end)}"
                          f"{' (' + o.reason + ')' if o.reason else ''}?\n\nThe schedule (or the next override) holds "
                          "it again; the history keeps the removal.",
                          QMessageBox.StandardButton.NoButton, self)
        self.remove_confirm_button = box.addButton("&Remove override", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("&Keep it", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.buttonClicked.connect(lambda button: self._removal_answered(button, item))
        self.confirm_box = box
        box.open()

    def _removal_answered(self, button, item: schedule.ScheduledOverride) -> None:
        if button is not self.remove_confirm_button:
            return
        db, actor, at = self._ctx.backend.db, self._ctx.actor_id, self._ctx.clock.now()

        def done(saved) -> None:
            self._ctx.messages.info(f"Override #{item.key} removed.")
            self.override_removed.emit(saved)
            self._load()

        def failed(error: DispatchError) -> None:
            _state(self.holes_line, f"⚠ The override was not removed: {error}", problem=True)
            self._load()

        self._ctx.tasks.run(lambda: editing.delete_record(db, actor=actor, kind="overrides", key=item.key,
                                                          expected_version=item.version, at=at),
                            on_done=done, on_error=failed, write=True, name="remove override")

    # ------------------------------------------------------------ calendars

    def import_calendar(self, path: str = "") -> None:
        if self.view is None:
            return
        if not self.may_edit:
            _state(self.role_line, self._refusal(self._ctx.actor), problem=True)
            return
        self.import_dialog = ImportCalendarDialog(self._ctx, self.view, self, path=path)
        self.import_dialog.calendar_imported.connect(self._on_calendar_imported)
        self.import_dialog.open()

    def _on_calendar_imported(self, saved) -> None:
        self._ctx.messages.info(f"Rotation '{saved.key}' imported from its calendar.")
        self._load()

    def export_calendar(self, *, mine: bool, path: str = "") -> None:
        if self.view is None:
            return
        tech = self._ctx.actor_id if mine else None
        if mine and tech is None:
            self.details.setText("Sign in first: “my on call” needs to know who you are.")
            return
        self.export_dialog = ExportCalendarDialog(self._ctx, self.view, self, tech=tech, path=path)
        self.export_dialog.calendar_exported.connect(self._on_calendar_exported)
        self.export_dialog.open()

    def _on_calendar_exported(self, path: str, count: int) -> None:
        text = f"Wrote {count} on-call event{'s' if count != 1 else ''} to {path}."
        self.details.setText(text)
        self._ctx.messages.info(text)
