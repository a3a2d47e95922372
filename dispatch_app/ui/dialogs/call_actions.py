"""Small forms for the call actions the services offer: priority override, authorization,
assigning an unmatched call to a client. They collect; the window calls the services."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from dispatch_app.domain.model import PRIORITIES, Client, Environment
from dispatch_app.ui.views.panes import buddy_label


class _Form(QDialog):
    def __init__(self, title: str, intro: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.form = QFormLayout(self)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.form.addRow(self.intro)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.problem = QLabel("")
        self.problem.setProperty("role", "muted")

    def row(self, text: str, field: QWidget) -> None:
        """A labelled row whose label's Alt+letter moves to the field."""
        self.form.addRow(buddy_label(text, field), field)

    def finish(self) -> None:
        self.form.addRow(self.problem)
        self.form.addRow(self.buttons)

    def accept(self) -> None:
        problem = self.check()
        if problem:
            self.problem.setText("⚠ " + problem)
            return
        super().accept()

    def check(self) -> str | None:
        return None


class PriorityDialog(_Form):
    """The dispatcher's priority for the call, and why (the timeline keeps both)."""

    def __init__(self, call_id: int, current: str | None, parent: QWidget | None = None) -> None:
        super().__init__(f"Override the priority of call #{call_id}",
                         f"Now {current or 'none'}. The new priority applies to triage from now on; "
                         "the timeline keeps who changed it and why.", parent)
        self.priority = QComboBox()
        self.priority.addItems(list(PRIORITIES))
        if current in PRIORITIES:
            self.priority.setCurrentText(current)
        self.why = QLineEdit()
        self.why.setPlaceholderText("why (required), e.g. the client says the whole site is down")
        self.row("&Priority:", self.priority)
        self.row("&Why:", self.why)
        self.finish()

    def check(self) -> str | None:
        return None if self.why.text().strip() else "Say why: the timeline keeps it."


class AuthorizeDialog(_Form):
    """Which of the client's authorizers approved billable work outside the agreement."""

    def __init__(self, call_id: int, client: Client, parent: QWidget | None = None) -> None:
        super().__init__(f"Authorization for call #{call_id}",
                         f"A {client.name} contact who may authorize approved billable work outside the "
                         "agreement: a deferred call is escalated now.", parent)
        self.contact = QComboBox()
        for person in client.authorizers:
            phone = f"  ☎ {person.phone}" if getattr(person, "phone", None) else ""
            self.contact.addItem(f"{person.name}{phone}", person.name)
        self.note = QLineEdit()
        self.note.setPlaceholderText("optional: what they approved, how (phone, mail)")
        self.row("&Authorized by:", self.contact)
        self.row("&Note:", self.note)
        if not client.authorizers:
            self.problem.setText(f"⚠ {client.name} has no contact who may authorize.")
        self.finish()

    def check(self) -> str | None:
        return None if self.contact.count() else "Nobody at this client may authorize."


class AssignDialog(_Form):
    """The client (and system) an unmatched call belongs to."""

    def __init__(self, call_id: int, env: Environment, parent: QWidget | None = None) -> None:
        super().__init__(f"Assign call #{call_id} to a client",
                         "The call is triaged as if it had been recorded for this client.", parent)
        self._env = env
        self.client = QComboBox()
        for client in sorted(env.clients, key=lambda c: c.name.casefold()):
            self.client.addItem(client.name, client.id)
        self.system = QComboBox()
        self.client.currentIndexChanged.connect(self._on_client_changed)
        self.row("&Client:", self.client)
        self.row("&System:", self.system)
        self._on_client_changed()
        self.finish()

    def _on_client_changed(self, _index: int = 0) -> None:
        self.system.clear()
        self.system.addItem("— not known —", None)
        client = self._env.client(self.client.currentData()) if self.client.currentData() else None
        for system in client.systems if client else ():
            self.system.addItem(system.name, system.id)
