"""A new override: who holds a rotation instead, from when to when, and why; with the what-if
(the coverage gaps it would open or close, the same computation as ``gaps``) before saving.

Times are typed on the MSP's wall clock, to the minute. A time the clock skips (spring forward)
is read as the first valid instant, as everywhere else (DOMAIN.md "Time").
"""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, QTime, QTimer, QTimeZone, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dispatch_app.domain.localtime import resolve, to_local
from dispatch_app.domain.model import Gap, Override
from dispatch_app.errors import DispatchError
from dispatch_app.services import editing, review
from dispatch_app.services.schedule import RotationView, ScheduleView
from dispatch_app.ui.context import Context
from dispatch_app.ui.schedule.lanes import Stamps
from dispatch_app.ui.theme import repolish

WHAT_IF_DELAY_MS = 300
LISTED = 6
FORMAT = "ddd yyyy-MM-dd HH:mm"


def to_edit(instant: datetime, tz: str) -> QDateTime:
    """The wall-clock reading of ``instant`` in ``tz``, held by the edit as a zone-less value
    (the edit's own zone is UTC so Qt never moves a time on this computer's DST)."""
    local = to_local(instant, tz)
    return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute),
                     QTimeZone(QTimeZone.Initialization.UTC))


def from_edit(edit: QDateTimeEdit, tz: str) -> datetime:
    value = edit.dateTime()
    day, time = value.date(), value.time()
    return resolve(datetime(day.year(), day.month(), day.day(), time.hour(), time.minute()), tz)


def instant_edit(name: str) -> QDateTimeEdit:
    edit = QDateTimeEdit()
    edit.setTimeZone(QTimeZone(QTimeZone.Initialization.UTC))
    edit.setDisplayFormat(FORMAT)
    edit.setCalendarPopup(True)
    edit.setAccessibleName(name)
    edit.setMinimumWidth(230)
    return edit


def gap_lines(title: str, found: list[Gap], stamps: Stamps) -> list[str]:
    lines = [f"{title} {len(found)} coverage gap{'s' if len(found) != 1 else ''}:"]
    for gap in found[:LISTED]:
        lines.append(f"    {gap.client} · {gap.system} — {stamps.span(gap.start, gap.end)} · {gap.reason}")
    if len(found) > LISTED:
        lines.append(f"    … and {len(found) - LISTED} more")
    return lines


class OverrideDialog(QDialog):
    """Signals:
        override_saved(Saved): the override was written (the editing service's answer).
    """

    override_saved = Signal(object)

    def __init__(self, ctx: Context, view: ScheduleView, rotation: RotationView, start: datetime, end: datetime,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._view = view
        self._rotation = rotation
        self._tz = view.timezone
        self._stamps = Stamps(view.timezone)
        self._generation = 0
        self._saving = False
        rot = rotation.rotation
        self.setWindowTitle(f"New override · {rot.name}")
        self.setMinimumWidth(880)

        heading = QLabel(f"Who holds {rot.name} (level {rot.level}) instead")
        heading.setProperty("role", "heading")
        intro = QLabel(f"From and to are read on the MSP's clock ({view.timezone}), to the minute; the last "
                       "override listed wins. Nothing changes until you save.")
        intro.setWordWrap(True)
        intro.setProperty("role", "muted")

        self.technician = QComboBox()
        self.technician.setAccessibleName("Technician")
        members = set(rot.members)
        for tech_id in rotation.candidates:
            person = view.technicians.get(tech_id)
            role = "member" if tech_id in members else f"level {person.level}" if person else ""
            self.technician.addItem(f"{view.name(tech_id)} — {role}" if role else view.name(tech_id), tech_id)
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason")
        self.reason.setPlaceholderText("why (required), e.g. swap with Alex, school play")
        self.start = instant_edit("From")
        self.end = instant_edit("To")
        self.start.setDateTime(to_edit(start, self._tz))
        self.end.setDateTime(to_edit(end, self._tz))
        self.span_line = QLabel("")
        self.span_line.setAccessibleName("The override's span")
        self.replaces = QLabel("")
        self.replaces.setAccessibleName("Who holds it now")

        form = QFormLayout()
        for text, field in (("&Technician:", self.technician), ("&Reason:", self.reason), ("&From:", self.start),
                            ("T&o:", self.end)):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        form.addRow("", self.span_line)
        form.addRow("Holds it now:", self.replaces)

        self.what_if_title = QLabel("WHAT IT DOES TO COVERAGE GAPS")
        self.what_if_title.setProperty("role", "pane-title")
        self.what_if = QPlainTextEdit()
        self.what_if.setReadOnly(True)
        self.what_if.setAccessibleName("What if")
        self.what_if.setMinimumHeight(self.fontMetrics().lineSpacing() * 9)
        self.what_if.setTabChangesFocus(True)
        card = QFrame()
        card.setProperty("role", "card")
        inside = QVBoxLayout(card)
        inside.addWidget(self.what_if_title)
        inside.addWidget(self.what_if)

        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Problem")
        self.problem.hide()
        self.buttons = QDialogButtonBox()
        self.save_button = QPushButton("&Save override")
        self.save_button.setDefault(True)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(card)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

        self._timer = QTimer(self, singleShot=True, interval=WHAT_IF_DELAY_MS)
        self._timer.timeout.connect(self._ask_what_if)
        self.technician.currentIndexChanged.connect(self._changed)
        self.start.dateTimeChanged.connect(self._changed)
        self.end.dateTimeChanged.connect(self._changed)
        self._changed()
        self.reason.setFocus()

    # ------------------------------------------------------------ values

    @property
    def tech(self) -> str | None:
        return self.technician.currentData() if self.technician.currentIndex() >= 0 else None

    def span(self) -> tuple[datetime, datetime]:
        return from_edit(self.start, self._tz), from_edit(self.end, self._tz)

    def select_technician(self, tech_id: str) -> None:
        index = self.technician.findData(tech_id)
        if index >= 0:
            self.technician.setCurrentIndex(index)

    def _span_problem(self) -> str | None:
        start, end = self.span()
        if end <= start:
            return "“To” must be after “From”."
        return None

    # ------------------------------------------------------------ live lines

    def _changed(self, *_args) -> None:
        problem = self._span_problem()
        start, end = self.span()
        if problem:
            self.span_line.setText("⚠ " + problem)
            self.replaces.setText("")
            self.what_if.setPlainText("")
            return
        self.span_line.setText(self._stamps.span(start, end))
        held = []
        for segment in self._rotation.segments:
            if segment.end <= start or segment.start >= end:
                continue
            a, b = max(segment.start, start), min(segment.end, end)
            who = self._view.name(segment.tech) if segment.tech else "nobody (outside its hours or a hole)"
            how = f" ({segment.source})" if segment.source else ""
            held.append(f"{who}{how}: {self._stamps.span(a, b)}")
        shown_end = self._view.end
        if end > shown_end:
            held.append(f"after {self._stamps.at(shown_end)}: outside the dates shown (see the schedule)")
        if start < self._view.start:
            held.insert(0, f"before {self._stamps.at(self._view.start)}: outside the dates shown (see the schedule)")
        self.replaces.setText("\n".join(held[:LISTED] + ([f"… and {len(held) - LISTED} more"] if len(held) > LISTED else [])))
        self.what_if.setPlainText("Checking coverage…")
        self._timer.start()

    def _ask_what_if(self) -> None:
        if self._span_problem() or self.tech is None:
            return
        self._generation += 1
        generation = self._generation
        start, end = self.span()
        tech, rotation, db, actor = self.tech, self._rotation.rotation.id, self._ctx.backend.db, self._ctx.actor_id

        def work():
            return review.what_if_override(db, actor=actor, rotation=rotation, tech=tech, start=start, end=end)

        def done(result: review.WhatIf) -> None:
            if generation == self._generation:
                self._show_what_if(result, tech, start, end)

        def failed(error: DispatchError) -> None:
            if generation == self._generation:
                self.what_if.setPlainText(f"⚠ The what-if could not be computed: {error}")

        self._ctx.tasks.run(work, on_done=done, on_error=failed, name="override what-if")

    def _show_what_if(self, result: review.WhatIf, tech: str, start: datetime, end: datetime) -> None:
        opened = list(result.new_gaps)
        closed = review.new_gaps(list(result.gaps_after), list(result.gaps_before))
        lines = []
        person = self._view.technicians.get(tech)
        away = [u for u in (person.unavailable if person else ()) if u.start < end and u.end > start]
        for leave in away:
            lines.append(f"⚠ {self._view.name(tech)} is on leave {self._stamps.span(max(leave.start, start), min(leave.end, end))}: "
                         "the rotation keeps a hole there.")
        changed = [(o, c) for o in opened for c in closed
                   if (o.client, o.system, o.start, o.end) == (c.client, c.system, c.start, c.end)]
        for new, old in changed:  # the same span with another reason: say so on one line
            opened.remove(new)
            closed.remove(old)
            worse = new.reason == "nobody eligible"
            lines.append(f"{'⚠ Worse' if worse else '✓ Better'}: {new.client} · {new.system} — "
                         f"{self._stamps.span(new.start, new.end)} · now {new.reason} (was {old.reason})")
        if opened:
            lines += gap_lines("⚠ Opens", opened, self._stamps)
        if closed:
            lines += gap_lines("✓ Closes", closed, self._stamps)
        if not opened and not closed and not changed:
            lines.append("✓ No coverage gap opens or closes over this span.")
        self.what_if.setPlainText("\n".join(lines))

    # ------------------------------------------------------------ saving

    def _show_problem(self, text: str) -> None:
        self.problem.setText("⚠ " + text)
        self.problem.setProperty("role", "caution")
        repolish(self.problem)
        self.problem.show()

    def save(self) -> None:
        if self._saving:
            return
        problem = self._span_problem()
        if self.tech is None:
            problem = "Pick the technician who holds it."
        elif not self.reason.text().strip():
            problem = "Say why: the schedule and the history show it."
            self.reason.setFocus()
        if problem:
            self._show_problem(problem)
            return
        start, end = self.span()
        value = Override(self._rotation.rotation.id, self.tech, start, end, self.reason.text().strip())
        db, actor, at = self._ctx.backend.db, self._ctx.actor_id, self._ctx.clock.now()
        self._saving = True
        self.save_button.setEnabled(False)
        self._ctx.tasks.run(
            lambda: editing.save_record(db, actor=actor, kind="overrides", key=None, value=value,
                                        expected_version=None, at=at),
            on_done=self._saved, on_error=self._failed, write=True, name="save override")

    def _saved(self, saved) -> None:
        self._saving = False
        self.override_saved.emit(saved)
        self.accept()

    def _failed(self, error: DispatchError) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self._show_problem(str(error))

    def done(self, result: int) -> None:
        self._timer.stop()
        self._generation += 1  # a late what-if finds nothing to write into
        super().done(result)
