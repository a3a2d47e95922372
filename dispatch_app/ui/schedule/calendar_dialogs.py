"""iCalendar in and out: a rotation from an .ics file (lead), on call to an .ics file (anyone)."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dispatch_app.domain.localtime import to_local
from dispatch_app.errors import DispatchError
from dispatch_app.services import schedule
from dispatch_app.services.schedule import ScheduleView
from dispatch_app.ui.context import Context
from dispatch_app.ui.schedule.scale import midnight
from dispatch_app.ui.theme import repolish
from dispatch_app.ui.views.panes import buddy_label
from dispatch_app.ui.wording import LEVEL_NAMES


def _row(form: QFormLayout, text: str, field: QWidget) -> QLabel:
    label = buddy_label(text, field)
    form.addRow(label, field)
    return label


def _file_row(line: QLineEdit, button: QPushButton) -> QWidget:
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(line, 1)
    row.addWidget(button)
    return holder


class _CalendarDialog(QDialog):
    def __init__(self, ctx: Context, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._busy = False
        self.setWindowTitle(title)
        self.setMinimumWidth(720)
        self.layout_ = QVBoxLayout(self)
        self.form = QFormLayout()
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Problem")
        self.problem.hide()
        self.buttons = QDialogButtonBox()

    def finish(self, action: QPushButton) -> None:
        action.setDefault(True)
        self.action_button = action
        self.buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.go)
        self.buttons.rejected.connect(self.reject)
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.problem)
        self.layout_.addWidget(self.buttons)

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setProperty("role", "caution")
        repolish(self.problem)
        self.problem.show()

    def run(self, work, done, name: str, *, write: bool) -> None:
        if self._busy:
            return
        self._busy = True
        self.action_button.setEnabled(False)

        def finished(result) -> None:
            self._busy = False
            self.action_button.setEnabled(True)
            done(result)

        def failed(error: DispatchError) -> None:
            self._busy = False
            self.action_button.setEnabled(True)
            self.show_problem("⚠ " + "\n".join(error.problems))

        self._ctx.tasks.run(work, on_done=finished, on_error=failed, write=write, name=name)

    def go(self) -> None:  # pragma: no cover - each dialog has its own
        raise NotImplementedError


class ImportCalendarDialog(_CalendarDialog):
    """A rotation from an .ics file: a new one, or an existing one whose schedule it replaces.

    Signals:
        calendar_imported(Saved): the rotation was saved (the editing service's answer).
    """

    calendar_imported = Signal(object)
    NEW = ""

    def __init__(self, ctx: Context, view: ScheduleView, parent: QWidget | None = None, *, path: str = "") -> None:
        super().__init__(ctx, "Import a rotation from an iCalendar file", parent)
        self._view = view
        self._versions: dict[str, int] = {}
        intro = QLabel("Each event of the file is an on-call shift; its technician is the first attendee whose "
                       "e-mail is a technician's, else the one technician named in its summary. Every problem "
                       "is listed, and nothing is saved until the whole file reads.")
        intro.setWordWrap(True)
        intro.setProperty("role", "muted")
        self.layout_.addWidget(intro)
        self.path = QLineEdit(path)
        self.path.setAccessibleName("iCalendar file")
        self.path.setPlaceholderText("/path/to/oncall.ics")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        self.target = QComboBox()
        self.target.setAccessibleName("Into")
        self.target.addItem("a new rotation", self.NEW)
        for rotation_id, name in view.catalogue:
            self.target.addItem(f"replace the schedule of {name} ({rotation_id})", rotation_id)
        self.rotation_id = QLineEdit()
        self.rotation_id.setPlaceholderText("short id, e.g. weekend-onsite")
        self.rotation_id.setAccessibleName("New rotation id")
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Weekend on-site standby")
        self.name.setAccessibleName("Name")
        self.level = QComboBox()
        self.level.setAccessibleName("Level")
        for level in (1, 2, 3):
            self.level.addItem(f"{level} · {LEVEL_NAMES.get(level, '')}", level)
        self.level.setCurrentIndex(1)
        self.zone = QLineEdit(view.timezone)
        self.zone.setAccessibleName("Time zone")
        self.note = QLabel("")
        self.note.setWordWrap(True)
        _row(self.form, "&File:", _file_row(self.path, browse))
        _row(self.form, "I&nto:", self.target)
        self._new_fields = (self.rotation_id, self.name, self.level, self.zone)
        for text, field in zip(("&Id:", "&Name:", "&Level:", "Time &zone:"), self._new_fields):
            _row(self.form, text, field)
        self.form.addRow("", self.note)
        self.target.currentIndexChanged.connect(self._target_changed)
        self.finish(QPushButton("&Import"))
        self._target_changed()

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "iCalendar file", self.path.text(),
                                                "iCalendar files (*.ics);;All files (*)")
        if chosen:
            self.path.setText(chosen)

    def choose(self, rotation_id: str) -> None:
        self.target.setCurrentIndex(max(0, self.target.findData(rotation_id)))

    def _target_changed(self, *_args) -> None:
        replacing = self.target.currentData() != self.NEW
        for field in self._new_fields:
            self.form.setRowVisible(field, not replacing)
        if not replacing:
            self.note.setText("A new rotation holds the calendar's events; give it an id, a name and a level.")
            return
        rotation_id = self.target.currentData()
        self.note.setText("The calendar's events replace its schedule (members, start and length); its name, "
                          "level, time zone and active window stay. The history keeps the change.")
        db = self._ctx.backend.db
        self._ctx.tasks.run(lambda: schedule.rotation_version(db, rotation_id),
                            on_done=lambda version: self._versions.__setitem__(rotation_id, version),
                            on_error=lambda error: self.show_problem("⚠ " + str(error)), name="rotation version")

    def go(self) -> None:
        path = self.path.text().strip()
        if not path:
            self.show_problem("⚠ Choose the .ics file to import.")
            return
        replacing = self.target.currentData()
        db, actor, at = self._ctx.backend.db, self._ctx.actor_id, self._ctx.clock.now()
        if replacing:
            if replacing not in self._versions:
                self.show_problem("⚠ Still reading the rotation; try again in a moment.")
                return
            version = self._versions[replacing]

            def work():
                content = schedule.read_calendar_file(path)
                return schedule.import_rotation_ical(db, actor=actor, rotation=replacing, content=content, at=at,
                                                     expected_version=version)
        else:
            rotation_id = self.rotation_id.text().strip()
            if not rotation_id:
                self.show_problem("⚠ Give the new rotation an id (a short slug such as weekend-onsite).")
                return
            name, level, zone = self.name.text().strip(), self.level.currentData(), self.zone.text().strip()

            def work():
                content = schedule.read_calendar_file(path)
                return schedule.import_rotation_ical(db, actor=actor, rotation=rotation_id, content=content, at=at,
                                                     name=name, level=level, timezone=zone or None)

        def done(saved) -> None:
            self.calendar_imported.emit(saved)
            self.accept()

        self.run(work, done, "import rotation calendar", write=True)


class ExportCalendarDialog(_CalendarDialog):
    """On call to an .ics file, for somebody's own calendar (or everyone's).

    Signals:
        calendar_exported(str, int): the file written and how many events it holds.
    """

    calendar_exported = Signal(str, int)

    def __init__(self, ctx: Context, view: ScheduleView, parent: QWidget | None = None, *, tech: str | None = None,
                 path: str = "") -> None:
        super().__init__(ctx, "Export on call as iCalendar", parent)
        self._tz = view.timezone
        intro = QLabel("One event per stretch somebody holds a rotation, in UTC, with a stable id: import the "
                       "file again later and your calendar updates instead of doubling.")
        intro.setWordWrap(True)
        intro.setProperty("role", "muted")
        self.layout_.addWidget(intro)
        self.who = QComboBox()
        self.who.setAccessibleName("Whose on call")
        self.who.addItem("everyone on call", "")  # not None: see window.ALL
        for person in sorted(view.technicians.values(), key=lambda t: t.name.casefold()):
            if person.active:
                self.who.addItem(f"{person.name} ({person.id})", person.id)
        if tech is not None:
            self.who.setCurrentIndex(max(0, self.who.findData(tech)))
        first = to_local(view.start, self._tz).date()
        last = to_local(view.end, self._tz).date() - timedelta(days=1)
        self.first_day = self._date_edit("From", first)
        self.last_day = self._date_edit("Through", last)
        self.path = QLineEdit(path)
        self.path.setAccessibleName("File to write")
        self.path.setPlaceholderText(str(Path.home() / "on-call.ics"))
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        _row(self.form, "&Whose:", self.who)
        _row(self.form, "&From:", self.first_day)
        _row(self.form, "&Through:", self.last_day)
        _row(self.form, "&File:", _file_row(self.path, browse))
        self.form.addRow("", QLabel(f"Days on the MSP's clock ({self._tz}), the last one included."))
        self.finish(QPushButton("&Export"))

    def _date_edit(self, name: str, day: date) -> QDateEdit:
        edit = QDateEdit(QDate(day.year, day.month, day.day))
        edit.setDisplayFormat("ddd yyyy-MM-dd")
        edit.setCalendarPopup(True)
        edit.setAccessibleName(name)
        return edit

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "Save on call as", self.path.text() or str(Path.home() / "on-call.ics"),
                                                "iCalendar files (*.ics)")
        if chosen:
            self.path.setText(chosen)

    def span(self) -> tuple[datetime, datetime]:
        first, last = self.first_day.date(), self.last_day.date()
        start = midnight(date(first.year(), first.month(), first.day()), self._tz)
        end = midnight(date(last.year(), last.month(), last.day()) + timedelta(days=1), self._tz)
        return start, end

    def go(self) -> None:
        path = self.path.text().strip()
        if not path:
            self.show_problem("⚠ Say where to write the .ics file.")
            return
        start, end = self.span()
        if end <= start:
            self.show_problem("⚠ “Through” must not be before “From”.")
            return
        db, tech, at = self._ctx.backend.db, self.who.currentData() or None, self._ctx.clock.now()

        def work():
            calendar = schedule.on_call_calendar(db, start=start, end=end, tech=tech, at=at)
            schedule.write_calendar(path, calendar.text)
            return len(calendar.events)

        def done(count: int) -> None:
            self.calendar_exported.emit(path, count)
            self.accept()

        self.run(work, done, "export on call", write=False)
