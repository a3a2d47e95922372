"""The call in front of the dispatcher: its verdict, escalation in progress and timeline.

One keystroke logs an outcome for the person being called (A acked, N no answer,
V voicemail, D declined: active while the call pane has focus, Ctrl+2). The pane renders the
services' ``CallView``; the escalation state (who is awaited until when, who is next) is the
domain's answer, not worked out here.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dispatch_app.domain.model import Environment
from dispatch_app.ui.clock import ViewerClock, span
from dispatch_app.ui.models.calls import STATUS_WORDS, TimelineModel
from dispatch_app.ui.views.tables import read_only
from dispatch_app.ui.views.verdict_view import VerdictView
from dispatch_app.ui.wording import one_line

OUTCOME_KEYS = (("acked", "A", "Acknowledged: they take it"), ("no-answer", "N", "No answer"),
                ("voicemail", "V", "Left a voicemail"), ("declined", "D", "Declined"))


class CallPane(QWidget):
    """Signals:
        outcome_requested(int, str, str): log (call id, technician id, outcome).
    """

    outcome_requested = Signal(int, str, str)

    def __init__(self, clock: ViewerClock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._view = None
        self._env: Environment | None = None
        title = QLabel("CALL")
        title.setProperty("role", "pane-title")
        self.headline = QLabel("No call selected")
        self.headline.setProperty("role", "heading")
        self.headline.setWordWrap(True)
        self.subline = QLabel("Take a call with Ctrl+N, or pick one in the queue (Ctrl+1).")
        self.subline.setProperty("role", "muted")
        self.subline.setWordWrap(True)
        self.subline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.escalation = QFrame()
        self.escalation.setProperty("role", "card")
        self.now_calling = QLabel("")
        self.now_calling.setProperty("role", "heading")
        self.now_calling.setWordWrap(True)
        self.next_up = QLabel("")
        self.next_up.setWordWrap(True)
        self.tried = QLabel("")
        self.tried.setProperty("role", "muted")
        self.tried.setWordWrap(True)
        self.keys_hint = QLabel("Log the outcome for the person above: A acked · N no answer · V voicemail · D declined")
        self.keys_hint.setProperty("role", "muted")
        self.keys_hint.setWordWrap(True)
        card = QVBoxLayout(self.escalation)
        card.addWidget(QLabel("ESCALATION IN PROGRESS"))
        card.addWidget(self.now_calling)
        card.addWidget(self.next_up)
        card.addWidget(self.tried)
        card.addWidget(self.keys_hint)
        self.escalation.hide()

        self.verdict = VerdictView(clock)
        self.verdict.show_triage(None, empty_hint="")
        self.timeline_title = QLabel("TIMELINE")
        self.timeline_title.setProperty("role", "pane-title")
        self.timeline_model = TimelineModel(clock, self)
        self.timeline = QTableView()
        self.timeline.setModel(self.timeline_model)
        read_only(self.timeline, single=False)
        self.timeline.setMinimumHeight(160)
        self.timeline.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.timeline.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.timeline.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.timeline.setWordWrap(False)
        self.timeline.setAccessibleName("Call timeline")
        self.timeline_title.hide()
        self.timeline.hide()

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addWidget(self.escalation)
        body_layout.addWidget(self.verdict)
        body_layout.addWidget(self.timeline_title)
        body_layout.addWidget(self.timeline)
        body_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(body)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.scroll.setAccessibleName("Call details")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(title)
        layout.addWidget(self.headline)
        layout.addWidget(self.subline)
        layout.addWidget(self.scroll, 1)

    # ------------------------------------------------------------ public

    @property
    def call_id(self) -> int | None:
        return self._view.call.id if self._view is not None else None

    def set_environment(self, env: Environment) -> None:
        self._env = env

        def name_of(tech: str | None) -> str:
            if tech is None:
                return "anonymous"
            found = env.technician(tech)
            return found.name if found else tech
        self.timeline_model.set_names(name_of)

    def show_call(self, view) -> None:
        """Render a services ``CallView`` (None: nothing selected)."""
        previous = self.call_id
        self._view = view
        if view is None:
            self.show_nothing()
            return
        call = view.call
        client = self._env.client(call.client) if self._env and call.client else None
        system = client.system(call.system) if client and call.system else None
        head = client.name if client else "⚠ Unknown caller: no client matched"
        self.headline.setText(f"#{call.id} · {head}" + (f" · {system.name}" if system else ""))
        caller = " · ".join(p for p in (call.caller_name, call.contact and call.contact != call.caller_name
                                        and f"contact {call.contact}", call.caller_phone) if p)
        self.subline.setText(
            f"“{one_line(call.summary)}”\n{STATUS_WORDS.get(call.status, call.status)} · impact {call.impact} · "
            f"received {self._clock.with_client(call.received_at, client.timezone if client else None)}"
            + (f" · caller: {one_line(caller)}" if caller else ""))
        self.verdict.show_triage(view.triage, client)
        self._show_escalation()
        if previous != call.id:
            self.timeline_model.set_rows([])
        self.timeline_model.set_rows(list(view.events))
        self.timeline_title.show()
        self.timeline.show()

    def show_nothing(self) -> None:
        self._view = None
        self.escalation.hide()
        self.timeline_title.hide()
        self.timeline.hide()
        self.timeline_model.set_rows([])
        self.headline.setText("No call selected")
        self.subline.setText("Take a call with Ctrl+N, or pick one in the queue (Ctrl+1).")
        self.verdict.show_triage(None, empty_hint="")

    def outcome_target(self) -> str | None:
        """Whose outcome a key logs: the person whose acknowledgement is awaited, else the next."""
        state = self._view.escalation if self._view is not None else None
        if state is None:
            return None
        if state.awaiting:
            return state.awaiting
        if state.next is not None:
            return state.next.tech
        return state.engaged_by

    def request_outcome(self, outcome: str) -> None:
        tech = self.outcome_target()
        if self._view is not None and tech is not None:
            self.outcome_requested.emit(self._view.call.id, tech, outcome)

    def refresh_times(self) -> None:
        self.verdict.refresh_times()
        self._show_escalation()

    # ------------------------------------------------------------ parts

    def _name(self, tech: str | None) -> str:
        found = self._env.technician(tech) if self._env and tech else None
        return found.name if found else (tech or "")

    def _phones(self, tech: str | None) -> str:
        found = self._env.technician(tech) if self._env and tech else None
        return "  /  ".join(found.phones) if found and found.phones else "no phone on file"

    def _show_escalation(self) -> None:
        view = self._view
        state = view.escalation if view is not None else None
        open_call = view is not None and view.call.status != "resolved"
        if state is None or not open_call or (not state.tried and view.call.status not in ("escalating",)
                                              and (view.triage is None or view.triage.verdict != "escalate")):
            self.escalation.hide()
            return
        self.escalation.show()
        now = self._clock.now()
        if state.engaged_by:
            self.now_calling.setText(f"☎ {self._name(state.engaged_by)} acknowledged and has it.")
            self.next_up.setText("")
        elif state.awaiting:
            left = (state.awaiting_until - now).total_seconds() / 60
            self.now_calling.setText(
                f"Waiting for {self._name(state.awaiting)} to call back · {span(max(0, left))} left "
                f"(until {self._clock.time(state.awaiting_until)})")
            self.next_up.setText(self._next_text(state, "then call"))
        elif state.next is not None:
            self.now_calling.setText(f"Call now: {state.next.name}  ☎ {self._phones(state.next.tech)}")
            self.next_up.setText(f"wait {state.next.ack_minutes} min for an acknowledgement")
        else:
            self.now_calling.setText("⚠ Everyone on the list was tried and nobody took it: call the manager.")
            self.next_up.setText("")
        tried = [f"{self._name(a.tech)}: {a.outcome} at {self._clock.time(a.at)}" for a in state.tried]
        self.tried.setText("Tried: " + "; ".join(tried) if tried else "Nobody tried yet.")
        target = self.outcome_target()
        self.keys_hint.setVisible(target is not None)
        if target is not None:
            self.keys_hint.setText(f"Log the outcome for {self._name(target)}: A acked · N no answer · "
                                   "V voicemail · D declined")

    def _next_text(self, state, prefix: str) -> str:
        if state.next is None:
            return "nobody else on the list"
        return f"{prefix}: {state.next.name}  ☎ {self._phones(state.next.tech)}"
