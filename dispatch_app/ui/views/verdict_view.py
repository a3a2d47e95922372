"""The verdict of a call, readable at a glance: what to do, how urgent, who to wake.

Used by the call pane and by the intake form's live what-if. It renders a domain ``Triage``
and decides nothing: every word of judgement comes from triage's fields and reasons.
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dispatch_app.domain.model import Client, Triage
from dispatch_app.ui.clock import ViewerClock, span
from dispatch_app.ui.models.triage import FirstStepsModel, WakeModel
from dispatch_app.ui.theme import repolish
from dispatch_app.ui.wording import LEVEL_NAMES
from dispatch_app.ui.views.tables import read_only

VERDICT_WORDS = {
    "handle": "✔ HANDLE",
    "escalate": "▲ ESCALATE",
    "defer": "◷ DEFER",
}
VERDICT_HINTS = {
    "handle": "You can fix this yourself: follow the first steps.",
    "escalate": "Wake the people below, in order. Wait for each one's acknowledgement.",
    "defer": "Not covered now. Tell the caller when help comes, or ask an authorizer.",
}


def _label(text: str = "", *, role: str | None = None, name: str | None = None, wrap: bool = False) -> QLabel:
    label = QLabel(text)
    if role:
        label.setProperty("role", role)
    if name:
        label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class _ListTable(QTableView):
    """A compact read-only table that grows to show all its rows (no inner scrolling)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        read_only(self)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def fit(self) -> None:
        """Every row visible, no inner scrolling: the last column takes what is left and
        elides (its full text is the tooltip)."""
        header = self.horizontalHeader()
        columns = self.model().columnCount()
        for column in range(columns):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column == columns - 1
                                        else QHeaderView.ResizeMode.ResizeToContents)
        self.resizeRowsToContents()
        height = header.sizeHint().height() + 2 * self.frameWidth()
        for row in range(self.model().rowCount()):
            height += max(self.rowHeight(row), self.sizeHintForRow(row))
        self.setFixedHeight(height + 2)


class VerdictView(QWidget):
    """Shows one ``Triage``; ``show_triage(None)`` shows the empty state with a hint."""

    def __init__(self, clock: ViewerClock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._triage: Triage | None = None
        self._client: Client | None = None

        self.verdict = _label("—", name="verdict")
        self.verdict.setProperty("verdict", "none")
        self.priority = _label("", name="priority")
        self.priority.setProperty("priority", "none")
        self.required = _label("", role="heading")
        self.due = _label("", role="heading")
        self.hint = _label("", wrap=True)
        self.required.setWordWrap(True)
        self.due.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.verdict)
        top.addWidget(self.priority)
        top.addStretch(1)

        self.alarm = _label("", role="alarm", wrap=True)
        self.caution = _label("", role="caution", wrap=True)

        self.wake_title = _label("WAKE, IN ORDER", role="pane-title")
        self.wake_model = WakeModel(self)
        self.wake_table = _ListTable(self)
        self.wake_table.setModel(self.wake_model)
        self.wake_table.setAccessibleName("Who to wake, in order")

        self.defer_card = QFrame()
        self.defer_card.setProperty("role", "card")
        self.next_covered = _label("", role="heading", wrap=True)
        self.authorizers = _label("", wrap=True)
        self.authorizers.setTextFormat(Qt.TextFormat.RichText)
        card = QVBoxLayout(self.defer_card)
        card.addWidget(self.next_covered)
        card.addWidget(self.authorizers)

        self.steps_title = _label("FIRST STEPS (SAFEST FIRST)", role="pane-title")
        self.steps_model = FirstStepsModel(self)
        self.steps_table = _ListTable(self)
        self.steps_table.setModel(self.steps_model)
        self.steps_table.setAccessibleName("First steps")
        self.no_steps = _label("No runbook at your level for this system.", role="muted")

        self.reasons_title = _label("WHY", role="pane-title")
        self.reasons = _label("", role="muted", wrap=True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.required)
        layout.addWidget(self.due)
        layout.addWidget(self.hint)
        layout.addWidget(self.alarm)
        layout.addWidget(self.caution)
        layout.addWidget(self.wake_title)
        layout.addWidget(self.wake_table)
        layout.addWidget(self.defer_card)
        layout.addWidget(self.steps_title)
        layout.addWidget(self.steps_table)
        layout.addWidget(self.no_steps)
        layout.addWidget(self.reasons_title)
        layout.addWidget(self.reasons)
        layout.addStretch(1)
        self.show_triage(None)

    # ------------------------------------------------------------ public

    @property
    def triage(self) -> Triage | None:
        return self._triage

    def show_triage(self, triage: Triage | None, client: Client | None = None, *, empty_hint: str = "") -> None:
        self._triage, self._client = triage, client
        if triage is None:
            self._set_verdict("none", "—")
            self._set_priority("none", "")
            self.required.setText("")
            self.due.setText("")
            self.verdict.setVisible(False)
            self.hint.setText(empty_hint or "Choose a client to see the verdict.")
            for widget in (self.alarm, self.caution, self.wake_title, self.wake_table, self.defer_card,
                           self.steps_title, self.steps_table, self.no_steps, self.reasons_title, self.reasons):
                widget.hide()
            self.wake_model.set_rows([])
            self.steps_model.set_rows([])
            return
        self.verdict.setVisible(True)
        self._set_verdict(triage.verdict, VERDICT_WORDS.get(triage.verdict, triage.verdict.upper()))
        priority_text = f"{triage.priority} EMERGENCY" if triage.emergency and triage.priority == "P1" else triage.priority
        self._set_priority(triage.priority, priority_text)
        self.required.setText(f"needs L{triage.required_level} {LEVEL_NAMES.get(triage.required_level, '')}"
                              + (" · emergency by the client's rules" if triage.emergency else ""))
        self.hint.setText(VERDICT_HINTS.get(triage.verdict, ""))
        self.refresh_times()

        escalate = triage.verdict == "escalate"
        self.wake_model.set_rows(list(triage.wake))
        self.wake_title.setVisible(escalate and bool(triage.wake))
        self.wake_table.setVisible(escalate and bool(triage.wake))
        if escalate and triage.wake:
            self.wake_table.fit()
        self._show_alarms(triage)

        self.defer_card.setVisible(triage.verdict == "defer")
        if triage.verdict == "defer":
            self._show_defer(triage)

        self.steps_model.set_rows(list(triage.first_steps))
        self.steps_title.show()
        self.steps_table.setVisible(bool(triage.first_steps))
        self.no_steps.setVisible(not triage.first_steps)
        if triage.first_steps:
            self.steps_table.fit()

        self.reasons_title.show()
        self.reasons.show()
        self.reasons.setText("\n".join(f"• {r}" for r in triage.reasons))

    def refresh_times(self) -> None:
        """Re-read "now" for the response countdown (called every minute)."""
        triage = self._triage
        if triage is None:
            return
        zone = self._client.timezone if self._client else None
        if triage.response_due is None:
            self.due.setText("response due: not within 30 days")
            return
        left = (triage.response_due - self._clock.now()).total_seconds() / 60
        when = self._clock.with_client(triage.response_due, zone, full=False)
        if left >= 0:
            self.due.setText(f"respond by {when} · {span(left)} left")
        else:
            self.due.setText(f"⚠ response OVERDUE since {when} ({span(-left)})")

    # ------------------------------------------------------------ parts

    def _set_verdict(self, verdict: str, text: str) -> None:
        self.verdict.setText(text)
        self.verdict.setProperty("verdict", verdict)
        self.verdict.setAccessibleName(f"Verdict: {verdict}")
        repolish(self.verdict)

    def _set_priority(self, priority: str, text: str) -> None:
        self.priority.setText(text)
        self.priority.setVisible(bool(text))
        self.priority.setProperty("priority", priority)
        self.priority.setAccessibleName(f"Priority {priority}")
        repolish(self.priority)

    def _show_alarms(self, triage: Triage) -> None:
        alarm = caution = ""
        if triage.verdict == "escalate" and not triage.wake:
            nobody = next((r for r in triage.reasons if r.startswith("NOBODY TO WAKE")), "")
            alarm = "⚠ NOBODY TO WAKE. " + (nobody.split(":", 1)[1].strip() if ":" in nobody else
                                             "No eligible technician is available: call the manager now.")
        if triage.knowledge_gap:
            text = ("⚠ KNOWLEDGE GAP: no expert of this system can be reached. The people below are "
                    "fallback: they do not know this client's setup.")
            if alarm:
                alarm += "\n" + text
            else:
                caution = text
        self.alarm.setText(alarm)
        self.alarm.setVisible(bool(alarm))
        self.caution.setText(caution)
        self.caution.setVisible(bool(caution))

    def _show_defer(self, triage: Triage) -> None:
        zone = self._client.timezone if self._client else None
        if triage.next_covered is None:
            self.next_covered.setText("⚠ Not covered in the next 30 days.")
        else:
            left = (triage.next_covered - self._clock.now()).total_seconds() / 60
            self.next_covered.setText(
                f"Next covered: {self._clock.with_client(triage.next_covered, zone)} · in {span(left)}")
        if triage.authorizers:
            people = "".join(
                f"<br>&nbsp;&nbsp;<b style='font-size:large'>{_escape(a.name)}</b>"
                + (f" &nbsp;☎ <b style='font-size:large'>{_escape(a.phone)}</b>" if a.phone else "")
                + (f" &nbsp;{_escape(a.email)}" if a.email else "")
                for a in triage.authorizers)
            self.authorizers.setText("May approve billable work now (turns this into an escalation):" + people)
        else:
            self.authorizers.setText("Nobody at the client may authorize billable work: the call waits.")


def _escape(text: str | None) -> str:
    return escape(text or "")
