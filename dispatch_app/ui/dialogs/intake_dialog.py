"""Taking a call (Ctrl+N): who is calling, about what, and the live verdict before saving.

Typing the caller's number finds the client and contact as you type. Every change asks the
services for a what-if verdict (debounced, off the UI thread; a late answer to an older
question is dropped). Save (Ctrl+Enter) records the call. A failed save keeps every field:
nothing typed is lost, and closing the form keeps the draft for the next Ctrl+N.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from dispatch_app.domain.model import Client, Contact, Environment, Triage
from dispatch_app.errors import DispatchError
from dispatch_app.ui.backend import Backend
from dispatch_app.ui.clock import ViewerClock
from dispatch_app.ui.models.environment import CRITICALITY_MARK, ClientsModel
from dispatch_app.ui.tasks import TaskRunner, is_database_problem
from dispatch_app.ui.theme import repolish
from dispatch_app.ui.views.verdict_view import VerdictView

IMPACT_CHOICES = (
    ("down", "down: nobody can work with it"),
    ("degraded", "degraded: slow or partly working"),
    ("single-user", "single user: one person affected"),
    ("request", "request: nothing broken"),
)
DEFAULT_IMPACT_ROW = 1
DEBOUNCE_MS = 250
NO_SYSTEM = "(not sure / no particular system)"


@dataclass
class Draft:
    """What was typed, kept across closing the form and failed saves."""

    phone: str = ""
    client: str | None = None
    system: str | None = None
    impact: str = "degraded"
    summary: str = ""
    caller_name: str = ""
    received_at: datetime | None = None
    """The ring's instant, when the call was taken from a ringing phone (its received time)."""
    external_id: str | None = None
    """The ring's call id from the phone system: the call takes it (a posted copy is not recorded twice)."""

    @property
    def empty(self) -> bool:
        return not (self.phone or self.client or self.summary or self.caller_name)


class IntakeDialog(QDialog):
    """Signals:
        verdict_shown(object): a what-if Triage was rendered (tests wait on it).
        caller_matched(object): the typed number named a client (a CallerMatch), or None.
        call_saved(object): the services recorded the call (their RecordedCall).
        save_failed(str): saving was refused or failed; the form keeps everything.
    """

    verdict_shown = Signal(object)
    caller_matched = Signal(object)
    call_saved = Signal(object)
    save_failed = Signal(str)

    def __init__(self, *, backend: Backend, tasks: TaskRunner, clock: ViewerClock, env: Environment,
                 as_tech: str | None, draft: Draft | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Take a call")
        self.setObjectName("intake")
        self._backend, self._tasks, self._clock, self._env = backend, tasks, clock, env
        self._as_tech = as_tech
        self.draft = draft or Draft()
        self._generation = 0
        self._phone_generation = 0
        self._saving = False
        self._restoring = False

        self.phone = QLineEdit()
        self.phone.setPlaceholderText("caller ID or the number they give, any format")
        self.phone.setAccessibleName("Caller phone")
        self.match = QLabel("")
        self.match.setWordWrap(True)
        self.clients_model = ClientsModel(self)
        self.clients_model.set_rows(sorted(env.clients, key=lambda c: c.name.casefold()))
        self.client = QComboBox()
        self.client.setModel(self.clients_model)
        self.client.setCurrentIndex(-1)
        self.client.setPlaceholderText("choose the client (type to search)")
        self.client.setAccessibleName("Client")
        self.system = QComboBox()
        self.system.setAccessibleName("System")
        self.impact = QComboBox()
        self.impact.setAccessibleName("Impact")
        for value, text in IMPACT_CHOICES:
            self.impact.addItem(text, value)
        self.impact.setCurrentIndex(DEFAULT_IMPACT_ROW)
        self.summary = QPlainTextEdit()
        self.summary.setTabChangesFocus(True)
        self.summary.setPlaceholderText("what the caller says, in their words")
        self.summary.setAccessibleName("Summary")
        self.summary.setFixedHeight(90)
        self.caller_name = QLineEdit()
        self.caller_name.setAccessibleName("Caller name")
        self.error = QLabel("")
        self.error.setProperty("role", "alarm")
        self.error.setWordWrap(True)
        self.error.hide()

        form = QFormLayout()
        form.addRow("Caller &phone", self.phone)
        form.addRow("", self.match)
        form.addRow("&Client", self.client)
        form.addRow("S&ystem", self.system)
        form.addRow("&Impact", self.impact)
        form.addRow("&Summary", self.summary)
        form.addRow("Caller &name", self.caller_name)

        self.save_button = QPushButton("&Save  Ctrl+Enter")
        self.save_button.setDefault(True)
        self.save_button.setMinimumWidth(190)
        self.save_button.setAutoDefault(False)
        self.cancel_button = QPushButton("Close  Esc")
        self.cancel_button.setToolTip("Close the form; what you typed stays for the next Ctrl+N (Esc)")
        self.cancel_button.setAutoDefault(False)
        self.discard_button = QPushButton("Discard")
        self.discard_button.setToolTip("Empty the form")
        self.discard_button.setAutoDefault(False)
        self.save_button.setToolTip("Record the call (Ctrl+Enter)")
        buttons = QHBoxLayout()
        buttons.addWidget(self.discard_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        heading = QLabel("TAKE A CALL")
        heading.setProperty("role", "pane-title")
        left_layout.addWidget(heading)
        left_layout.addLayout(form)
        left_layout.addWidget(self.error)
        left_layout.addStretch(1)
        left_layout.addLayout(buttons)

        self.verdict = VerdictView(clock)
        self.verdict.show_triage(None, empty_hint="The verdict appears here as soon as the client is known.")
        right = QScrollArea()
        right.setWidgetResizable(True)
        right.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        right.setWidget(self.verdict)
        right.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        verdict_title = QLabel("LIVE VERDICT (NOT SAVED YET)")
        verdict_title.setProperty("role", "pane-title")
        right_box = QVBoxLayout()
        right_box.addWidget(verdict_title)
        right_box.addWidget(right, 1)

        layout = QHBoxLayout(self)
        layout.addWidget(left, 2)
        layout.addLayout(right_box, 3)
        self.resize(1280, 720)

        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self._ask_verdict)
        self._phone_debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._phone_debounce.timeout.connect(self._ask_caller)

        self.phone.textEdited.connect(self._on_phone_edited)
        self.client.currentIndexChanged.connect(self._on_client_changed)
        self.system.currentIndexChanged.connect(self._on_fields_changed)
        self.impact.currentIndexChanged.connect(self._on_fields_changed)
        self.summary.textChanged.connect(self._on_fields_changed)
        self.caller_name.textEdited.connect(self._on_fields_changed)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.discard_button.clicked.connect(self._on_discard_clicked)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.save)

        self._restore(self.draft)
        self.phone.setFocus()

    # ------------------------------------------------------------ public

    @property
    def chosen_client(self) -> Client | None:
        row = self.client.currentIndex()
        return self.clients_model.value(row) if 0 <= row < self.clients_model.rowCount() else None

    def chosen_system(self) -> str | None:
        return self.system.currentData()

    def chosen_impact(self) -> str:
        return self.impact.currentData()

    def save(self) -> None:
        if self._saving:
            return
        self._collect()
        d = self.draft
        if not d.summary.strip():
            self._show_error("Write a summary: what the caller says.")
            self.summary.setFocus()
            return
        if d.client is None and not d.phone.strip():
            self._show_error("Choose the client, or type the caller's number.")
            self.client.setFocus()
            return
        self._saving = True
        self.save_button.setEnabled(False)
        self.save_button.setText("Saving…")
        fields = dict(actor=self._as_tech, summary=d.summary.strip(), client=d.client,
                      caller_phone=d.phone.strip() or None, system=d.system, impact=d.impact,
                      caller_name=d.caller_name.strip() or None, source="phone", at=d.received_at or self._clock.now(),
                      external_id=d.external_id)
        self._tasks.run(lambda: self._backend.record_call(**fields), write=True, name="record call",
                        on_done=self._on_saved, on_error=self._on_save_error)

    # ------------------------------------------------------------ draft

    def _restore(self, draft: Draft) -> None:
        self._restoring = True
        try:
            self.phone.setText(draft.phone)
            row = self.clients_model.row_of(draft.client) if draft.client else None
            self.client.setCurrentIndex(-1 if row is None else row)
            self._fill_systems(draft.system)
            self.impact.setCurrentIndex(max(0, self.impact.findData(draft.impact)))
            self.summary.setPlainText(draft.summary)
            self.caller_name.setText(draft.caller_name)
        finally:
            self._restoring = False
        if draft.phone:
            self._ask_caller()
        self._debounce.start()

    def _collect(self) -> None:
        client = self.chosen_client
        self.draft = Draft(phone=self.phone.text(), client=client.id if client else None,
                           system=self.chosen_system(), impact=self.chosen_impact(),
                           summary=self.summary.toPlainText(), caller_name=self.caller_name.text(),
                           received_at=self.draft.received_at, external_id=self.draft.external_id)

    def done(self, result: int) -> None:
        if result != QDialog.DialogCode.Accepted:
            self._collect()
        self.stop_timers()
        super().done(result)

    def stop_timers(self) -> None:
        self._debounce.stop()
        self._phone_debounce.stop()

    def _on_discard_clicked(self) -> None:
        self.draft = Draft()
        self._restore(self.draft)
        self.match.setText("")
        self.verdict.show_triage(None, empty_hint="The verdict appears here as soon as the client is known.")
        self.phone.setFocus()

    # ------------------------------------------------------------ caller

    def _on_phone_edited(self, text: str) -> None:
        self._phone_debounce.start()

    def _ask_caller(self) -> None:
        typed = self.phone.text().strip()
        if not typed:
            self._show_match(None, typed)
            return
        self._phone_generation += 1
        generation = self._phone_generation
        self._tasks.run(lambda: self._backend.find_caller(typed), name="find caller",
                        on_done=lambda match: self._on_caller_found(generation, typed, match),
                        on_error=lambda error: self._on_caller_found(generation, typed, None))

    def _on_caller_found(self, generation: int, typed: str, match) -> None:
        if generation == self._phone_generation:
            self._show_match(match, typed)

    def _show_match(self, match, typed: str) -> None:
        self._matched_client = match.client if match is not None else None
        if match is None:
            digits = sum(ch.isdigit() for ch in typed)
            self.match.setText("" if digits < 7 else "⚠ unknown number: choose the client below")
            self.match.setProperty("role", "nomatch")
        else:
            contact = self._contact_of(match)
            who = ""
            if contact is not None:
                who = f" · {contact.name}" + (f" ({contact.role})" if contact.role else "")
                if contact.may_authorize:
                    who += " · may authorize"
            self.match.setText(f"✔ {match.client_name}{who}")
            self.match.setProperty("role", "match")
            row = self.clients_model.row_of(match.client)
            if row is not None and self.client.currentIndex() != row:
                self.client.setCurrentIndex(row)
            if contact is not None and not self.caller_name.text():
                self.caller_name.setText(contact.name)
                self._autofilled_name = contact.name
        repolish(self.match)
        self.caller_matched.emit(match)

    def _contact_of(self, match):
        """The matched contact as a domain Contact (the services name it)."""
        contact = match.contact
        if contact is None:
            return None
        client = self._env.client(match.client)
        found = next((c for c in client.contacts if c.name == contact), None) if client else None
        return found or Contact(name=contact)

    # ------------------------------------------------------------ verdict

    def _on_client_changed(self, row: int) -> None:
        matched = getattr(self, "_matched_client", None)
        client = self.chosen_client
        if matched is not None and client is not None and client.id != matched:
            self.match.setText(f"⚠ the number belongs to another client; you chose {client.name}")
            if self.caller_name.text() and self.caller_name.text() == getattr(self, "_autofilled_name", None):
                self.caller_name.clear()
            self.match.setProperty("role", "nomatch")
            repolish(self.match)
        self._fill_systems(None)
        self._on_fields_changed()

    def _fill_systems(self, selected: str | None) -> None:
        self.system.blockSignals(True)
        self.system.clear()
        self.system.addItem(NO_SYSTEM, None)
        client = self.chosen_client
        if client is not None:
            order = {"critical": 0, "high": 1, "normal": 2}
            for s in sorted(client.systems, key=lambda s: (order.get(s.criticality, 9), s.name.casefold())):
                self.system.addItem(f"{s.name}  [{CRITICALITY_MARK.get(s.criticality, s.criticality)}]", s.id)
        index = self.system.findData(selected) if selected else 0
        self.system.setCurrentIndex(max(0, index))
        self.system.blockSignals(False)

    def _on_fields_changed(self, *args) -> None:
        self.error.hide()
        if not self._restoring:
            self._debounce.start()

    def _ask_verdict(self) -> None:
        client = self.chosen_client
        self._generation += 1
        generation = self._generation
        if client is None:
            self.verdict.show_triage(None, empty_hint="The verdict appears here as soon as the client is known.")
            return
        question = dict(client=client.id, system=self.chosen_system(), impact=self.chosen_impact(),
                        summary=self.summary.toPlainText(), at=self._clock.now(), as_tech=self._as_tech)
        self._tasks.run(lambda: self._backend.what_if(**question), name="what-if",
                        on_done=lambda triage: self._on_verdict(generation, client, triage),
                        on_error=lambda error: self._on_verdict_error(generation, error))

    def _on_verdict(self, generation: int, client: Client, triage: Triage) -> None:
        if generation != self._generation:
            return
        self.verdict.show_triage(triage, client)
        self.verdict_shown.emit(triage)

    def _on_verdict_error(self, generation: int, error: DispatchError) -> None:
        if generation != self._generation:
            return
        self._show_error(f"No verdict: {error}")
        if is_database_problem(error):
            self._tasks.task_failed.emit(error)

    # ------------------------------------------------------------ saving

    def _on_saved(self, recorded) -> None:
        self._saving = False
        self.draft = Draft()
        self.call_saved.emit(recorded)
        self.accept()

    def _on_save_error(self, error: DispatchError) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.save_button.setText("&Save  Ctrl+Enter")
        if is_database_problem(error):
            self._show_error(f"Not saved: {error}\nEverything you typed is still here. "
                             "Press Ctrl+Enter to try again once the database is back.")
            self._tasks.task_failed.emit(error)
        else:
            self._show_error(f"Not saved: {error}")
        self.save_failed.emit(str(error))

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
