"""Before approving leave or a swap: the qualified-coverage gaps it would open, computed by
``review.what_if_leave`` / ``what_if_override`` on the environment with the change applied in
memory. Nothing is saved here: approving is the lead's editor's business."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from dispatch_app.domain.localtime import resolve
from dispatch_app.domain.model import Environment, Gap
from dispatch_app.errors import DispatchError, NotAllowed
from dispatch_app.services import review
from dispatch_app.services.review import WhatIf
from dispatch_app.ui.context import Context
from dispatch_app.ui.review.gaps_tab import GapsPanes, fill_gap_names
from dispatch_app.ui.review.ranges import from_edit, instant_edit, to_edit
from dispatch_app.ui.review.timeline_model import CHANGE, Span, gap_timeline
from dispatch_app.ui.review.widgets import primary_button
from dispatch_app.ui.review.wording import describe_gap, verdict
from dispatch_app.ui.views.panes import buddy_label, pane_title, show_state, state_line

LEAVE = "leave"
OVERRIDE = "override"


@dataclass(frozen=True)
class Tried:
    """A what-if and its answer, with what the timeline draws under the new gaps."""

    kind: str
    tech: str
    rotation: str | None
    start: datetime
    end: datetime
    range_start: datetime
    range_end: datetime
    answer: WhatIf
    still: tuple[Gap, ...]
    """Gaps there with the change that were there without it too."""
    closed: tuple[Gap, ...]
    """Gaps the change would close."""


def try_change(db, *, actor, kind: str, tech: str, rotation: str | None, start: datetime, end: datetime,
               range_start: datetime, range_end: datetime) -> Tried:
    """The service's what-if, and (with its own ``new_gaps``) what stays and what closes."""
    if kind == LEAVE:
        answer = review.what_if_leave(db, actor=actor, tech=tech, start=start, end=end,
                                      range_start=range_start, range_end=range_end)
    else:
        answer = review.what_if_override(db, actor=actor, rotation=rotation or "", tech=tech, start=start, end=end,
                                         range_start=range_start, range_end=range_end)
    still = review.new_gaps(list(answer.new_gaps), list(answer.gaps_after))
    closed = review.new_gaps(list(answer.gaps_after), list(answer.gaps_before))
    return Tried(kind, tech, rotation, start, end, range_start, range_end, answer, tuple(still), tuple(closed))


class WhatIfTab(QWidget):
    """Signals:
        answered(object): a what-if was answered (the Tried).
        refused(str): the service refused the actor (its message).
    """

    answered = Signal(object)
    refused = Signal(str)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._env: Environment | None = None
        self._asked = 0
        self.tried: Tried | None = None

        self.leave = QRadioButton("&Leave: somebody is away")
        self.override = QRadioButton("O&verride or swap: somebody holds a rotation")
        self.leave.setChecked(True)
        kinds = QButtonGroup(self)
        kinds.addButton(self.leave)
        kinds.addButton(self.override)
        self.leave.toggled.connect(self._on_kind_changed)
        self.tech = QComboBox()
        self.tech.setAccessibleName("Technician")
        self.tech.setMinimumContentsLength(16)
        self.rotation = QComboBox()
        self.rotation.setAccessibleName("Rotation")
        self.rotation.setMinimumContentsLength(16)
        self.start_edit = instant_edit("From")
        self.end_edit = instant_edit("To (not included)")
        self.margin = QSpinBox()
        self.margin.setRange(0, 30)
        self.margin.setValue(1)
        self.margin.setSuffix(" day(s)")
        self.margin.setAccessibleName("Look this many days before and after the change")
        self.margin.setToolTip("The gaps are computed over the change and this many days either side")
        self.check_button = primary_button("&Check what it opens")
        self.check_button.setToolTip("Compute the gaps the change would open; nothing is saved (Alt+C)")
        self.check_button.clicked.connect(self.check)
        now = ctx.clock.now()
        midnight = ctx.clock.local(now).replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
        start = resolve(midnight + timedelta(days=1), ctx.clock.zone_name)
        self.set_change(start, start + timedelta(days=2))

        form = QGridLayout()
        form.addWidget(self.leave, 0, 0, 1, 2)
        form.addWidget(self.override, 0, 2, 1, 4)
        form.addWidget(buddy_label("Tec&hnician:", self.tech), 1, 0)
        form.addWidget(self.tech, 1, 1)
        self.rotation_label = buddy_label("Rotatio&n:", self.rotation)
        form.addWidget(self.rotation_label, 1, 2)
        form.addWidget(self.rotation, 1, 3)
        form.addWidget(buddy_label("&From:", self.start_edit), 2, 0)
        form.addWidget(self.start_edit, 2, 1)
        form.addWidget(buddy_label("&To:", self.end_edit), 2, 2)
        form.addWidget(self.end_edit, 2, 3)
        form.addWidget(buddy_label("Look &around ±", self.margin), 2, 4)
        form.addWidget(self.margin, 2, 5)
        form.setColumnStretch(6, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        note = QLabel(f"Times in your zone ({ctx.clock.zone_name}). Nothing is saved: approve the leave or "
                      "override in the lead's editor.")
        note.setProperty("role", "muted")
        note.setWordWrap(True)
        buttons.addWidget(note, 1)

        self.verdict = state_line("What approving the change would do")
        self.verdict.setProperty("role", "muted")
        self.verdict.setText("Choose a change and press Check (Alt+C).")
        self.details = state_line("The range the gaps were computed over")
        splitter = GapsPanes(ctx, "Gaps the change would open", "Gaps the change would open, exactly",
                             "THE CHANGE AND THE GAPS IT WOULD OPEN", "NEW GAPS, EXACTLY")
        self.timeline, self.model, self.table = splitter.timeline, splitter.model, splitter.table
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(pane_title("BEFORE APPROVING LEAVE OR A SWAP"))
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.verdict)
        layout.addWidget(self.details)
        layout.addWidget(splitter, 1)
        self._on_kind_changed()

    # ------------------------------------------------------------ public

    def set_environment(self, env: Environment) -> None:
        self._env = env
        fill_gap_names(self.model, env)
        self._fill(self.tech, [(t.id, f"{t.name} ({t.id}, level {t.level})")
                               for t in sorted(env.technicians, key=lambda t: t.name.casefold()) if t.active])
        self._fill(self.rotation, [(r.id, f"{r.name} ({r.id}, level {r.level})")
                                   for r in sorted(env.rotations, key=lambda r: r.name.casefold())])

    @staticmethod
    def _fill(combo: QComboBox, items: list[tuple[str, str]]) -> None:
        chosen = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for key, text in items:
            combo.addItem(text, key)
        combo.setCurrentIndex(max(0, combo.findData(chosen)))
        combo.blockSignals(False)

    def set_change(self, start: datetime, end: datetime, *, tech: str | None = None, rotation: str | None = None,
                   kind: str | None = None) -> None:
        """Fill the form (the lead's editor may open the what-if on a pending change)."""
        zone_name = self._ctx.clock.zone_name
        self.start_edit.setDateTime(to_edit(start, zone_name))
        self.end_edit.setDateTime(to_edit(end, zone_name))
        if kind is not None:
            (self.leave if kind == LEAVE else self.override).setChecked(True)
        if tech is not None:
            self.tech.setCurrentIndex(max(0, self.tech.findData(tech)))
        if rotation is not None:
            self.rotation.setCurrentIndex(max(0, self.rotation.findData(rotation)))

    def change(self) -> tuple[datetime, datetime]:
        zone_name = self._ctx.clock.zone_name
        return from_edit(self.start_edit.dateTime(), zone_name), from_edit(self.end_edit.dateTime(), zone_name)

    def check(self) -> None:
        kind = LEAVE if self.leave.isChecked() else OVERRIDE
        tech = self.tech.currentData()
        rotation = self.rotation.currentData() if kind == OVERRIDE else None
        start, end = self.change()
        if tech is None:
            show_state(self.verdict, "Choose a technician first.", problem=True)
            return
        if kind == OVERRIDE and rotation is None:
            show_state(self.verdict, "Choose a rotation first.", problem=True)
            return
        if end <= start:
            show_state(self.verdict, "The change must end after it starts.", problem=True)
            return
        margin = timedelta(days=self.margin.value())
        ctx = self._ctx
        db, actor = ctx.backend.db, ctx.actor_id
        self._asked += 1
        asked = self._asked
        show_state(self.verdict, "Computing what the change would open…", role="muted")

        def done(tried: Tried) -> None:
            if asked == self._asked:
                self._show(tried)

        def failed(error: DispatchError) -> None:
            if asked != self._asked:
                return
            if isinstance(error, NotAllowed):
                self.refused.emit(str(error))
            show_state(self.verdict, f"Could not compute the what-if: {error}", problem=True)

        ctx.tasks.run(lambda: try_change(db, actor=actor, kind=kind, tech=tech, rotation=rotation, start=start,
                                         end=end, range_start=start - margin, range_end=end + margin),
                      name="what-if", on_done=done, on_error=failed)

    # ------------------------------------------------------------ showing

    def _on_kind_changed(self, *_args) -> None:
        """A rotation matters to an override only: hidden for leave, not greyed (grey reads as set)."""
        self.rotation.setVisible(self.override.isChecked())
        self.rotation_label.setVisible(self.override.isChecked())

    def _name(self, tech: str) -> str:
        person = self._env.technician(tech) if self._env is not None else None
        return person.name if person is not None else tech

    def _rotation_name(self, rotation: str | None) -> str:
        found = next((r for r in self._env.rotations if r.id == rotation), None) if self._env else None
        return found.name if found is not None else (rotation or "")

    def _show(self, tried: Tried) -> None:
        self.tried = tried
        clock = self._ctx.clock
        zones = self.model.zones
        who = self._name(tried.tech)
        if tried.kind == LEAVE:
            label = f"{who} away"
        else:
            label = f"{who} holds {self._rotation_name(tried.rotation)}"
        change = Span(tried.start, tried.end, CHANGE, label,
                      f"{label}\n{clock.stamp(tried.start)} – {clock.stamp(tried.end)} ({clock.zone_name})")
        new = list(tried.answer.new_gaps)
        timeline = gap_timeline(tried.range_start, tried.range_end, new, (),
                                describe=lambda g: describe_gap(clock, g, zones.get(g.client)),
                                existing=tried.still, closed=tried.closed, change=change, change_label=label)
        self.timeline.set_timeline(timeline, now=clock.now())
        self.model.set_rows(new)
        text = verdict(clock, new)
        if tried.closed:
            text += f" It would also close {len(tried.closed)} gap(s) there are now."
        show_state(self.verdict, text, problem=bool(new), role="match")
        before, after = len(tried.answer.gaps_before), len(tried.answer.gaps_after)
        show_state(self.details, f"{label}, {clock.stamp(tried.start)} – {clock.stamp(tried.end)}. Gaps over "
                   f"{clock.stamp(tried.range_start)} – {clock.stamp(tried.range_end)} ({clock.zone_name}): "
                   f"{before} without the change, {after} with it. Nothing was saved.", role="muted")
        self.answered.emit(tried)
