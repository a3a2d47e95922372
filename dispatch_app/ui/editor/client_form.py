"""A client: its facts, contacts and agreement (business hours, coverage per level, response and
acknowledgement minutes per priority, emergency rules, notes). Its systems are records of
their own: listed here, opened with Enter."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dispatch_app.domain.model import INDUSTRIES, LEVELS, PRIORITIES, System
from dispatch_app.ui.editor.fields import (
    choice_combo,
    error_label,
    hint,
    section,
    set_combo,
    split_list,
    zone_field,
)
from dispatch_app.ui.editor.form_base import RecordForm, put, text_or_none
from dispatch_app.ui.editor.rows_editor import RowColumn, RowsEditor
from dispatch_app.ui.editor.rules_editor import RulesEditor
from dispatch_app.ui.models.table import Column, RowsModel
from dispatch_app.ui.views.tables import read_only
from dispatch_app.ui.wording import LEVEL_NAMES

COVERAGE_WORDS = ("always", "business", "emergency", "never")


class ClientSystemsModel(RowsModel[System]):
    columns = (
        Column("System", lambda s: s.name, emphasis=False),
        Column("Id", lambda s: s.id),
        Column("Criticality", lambda s: s.criticality),
        Column("Fix level", lambda s: f"{s.fix_level} · {LEVEL_NAMES.get(s.fix_level, '')}", lambda s: s.fix_level),
        Column("Experts", lambda s: ", ".join(f"{e.tech} ({e.role})" for e in s.experts) or "⚠ none"),
        Column("Runbooks", lambda s: str(len(s.runbooks)), lambda s: len(s.runbooks)),
    )


def _minutes_spin(name: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, 525600)
    spin.setSuffix(" min")
    spin.setAccessibleName(name)
    spin.setMinimumWidth(110)
    return spin


class ClientForm(RecordForm):
    kind = "clients"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        left = QVBoxLayout()
        facts = QFormLayout()
        facts.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.id_field = self.field(facts, "id", "&Id", QLineEdit())
        self.name = self.field(facts, "name", "&Name", QLineEdit())
        self.industry = self.field(facts, "industry", "Ind&ustry", choice_combo([(i, i) for i in INDUSTRIES]))
        self.timezone = self.field(facts, "timezone", "&Time zone", zone_field())
        self.phones = self.field(facts, "phones", "&Phones", QLineEdit())
        self.phones.setPlaceholderText("comma-separated; caller ID is matched against these")
        self.phones.setToolTip("Comma-separated phone numbers; caller ID is matched against these")
        self.holidays = self.field(facts, "holidays", "Holi&days", QLineEdit())
        self.holidays.setPlaceholderText("comma-separated dates, YYYY-MM-DD, client time")
        self.holidays.setToolTip("Comma-separated dates (YYYY-MM-DD), read in the client's time zone")
        left.addWidget(section("Client"))
        left.addLayout(facts)
        self.contacts = RowsEditor(
            [RowColumn("name", "Name", width=200), RowColumn("phone", "Phone", width=170),
             RowColumn("email", "Email", width=260), RowColumn("role", "Role", stretch=True),
             RowColumn("may_authorize", "May authorize", "bool")],
            noun="contact", name="Contacts", defaults={"may_authorize": False})
        self.contacts.table.setToolTip("May authorize: may approve billable work outside the agreement")
        self.contacts.add_button.setText("Add &contact")
        self.rows_slot("contacts", self.contacts)

        right = QVBoxLayout()
        agreement = QFormLayout()
        agreement.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.plan = self.field(agreement, "agreement.plan", "P&lan", QLineEdit())
        self.business_hours = self.field(agreement, "agreement.business_hours", "&Business hours", QLineEdit())
        self.business_hours.setPlaceholderText("window in client time, e.g. mon-fri 08:00-17:00")
        self.coverage: dict[int, QComboBox] = {}
        for level in LEVELS:
            combo = QComboBox()
            combo.setEditable(True)
            combo.addItems(COVERAGE_WORDS)
            combo.lineEdit().setPlaceholderText("always, business, emergency, never or a window")
            self.coverage[level] = self.field(agreement, f"agreement.coverage.{level}",
                                              f"Level {level} · {LEVEL_NAMES[level]}", combo)
        right.addWidget(section("Agreement"))
        right.addLayout(agreement)
        right.addWidget(hint("always · business (hours, not holidays) · emergency (business hours; P1 any time) · "
                             "never · or a window like mon-sat 06:00-22:00"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        self.response: dict[str, QSpinBox] = {}
        self.ack: dict[str, QSpinBox] = {}
        self._minute_slots: list[str] = []
        grid.addWidget(QLabel("Respond within"), 1, 0)
        grid.addWidget(QLabel("Acknowledge within"), 2, 0)
        for column, priority in enumerate(PRIORITIES, start=1):
            grid.addWidget(QLabel(priority), 0, column, Qt.AlignmentFlag.AlignCenter)
            for row, (store, key, words) in enumerate(((self.response, "response_minutes", "respond within"),
                                                       (self.ack, "ack_minutes", "acknowledge within")), start=1):
                spin = _minutes_spin(f"{priority}: {words}")
                path = f"agreement.{key}.{priority}"
                self.slot(path, spin, error_label())  # its line is the shared one under the grid
                self._minute_slots.append(path)
                self.watch(spin)
                store[priority] = spin
                grid.addWidget(spin, row, column)
        self.minutes_error = error_label()
        right.addWidget(section("Response and acknowledgement, per priority"))
        right.addLayout(grid)
        right.addWidget(self.minutes_error)
        right.addStretch(1)
        self.notes = self.field(facts, "agreement.notes", "N&otes", QPlainTextEdit())
        self.notes.setFixedHeight(96)
        self.notes.setToolTip("The agreement's notes, shown to the dispatcher")
        left.addStretch(1)

        self.rules = RulesEditor()
        self.rules.edited.connect(self._on_changed)
        self.slot("agreement.emergency", self.rules.table, QLabel(), self.rules.show_problems)

        self.systems_title = section("Systems")
        self.systems_model = ClientSystemsModel(self)
        self.systems_table = read_only(QTableView())
        self.systems_table.setModel(self.systems_model)
        self.systems_table.setAccessibleName("Systems of this client (Enter opens one)")
        self.systems_table.setAlternatingRowColors(True)
        self.systems_table.setTabKeyNavigation(False)
        header = self.systems_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for number, width in enumerate((330, 150, 100, 230, 420)):
            self.systems_table.setColumnWidth(number, width)
        self.systems_table.setFixedHeight(300)
        self.systems_table.activated.connect(self._on_system_activated)

        top = QHBoxLayout()
        top.addLayout(left, 1)
        top.addSpacing(20)
        top.addLayout(right, 1)
        page = QVBoxLayout(self)
        page.addLayout(top)
        page.addWidget(section("Emergency rules: what makes a call P1"))
        page.addWidget(self.rules)
        page.addWidget(section("Contacts"))
        page.addWidget(self.contacts)
        page.addWidget(self.systems_title)
        page.addWidget(hint("Each system is a record of its own: Enter or double-click opens it."))
        page.addWidget(self.systems_table)
        page.addStretch(1)

    def show_problems(self, lines: list[str]) -> list[str]:
        loose = super().show_problems(lines)
        said = [self._slots[path].error.text() for path in self._minute_slots if self._slots[path].error.text()]
        self.minutes_error.setText("\n".join(said))
        self.minutes_error.setVisible(bool(said))
        return loose

    # ------------------------------------------------------------ the record

    def fill(self, data: dict) -> None:
        client = self.record.client if self.record else None
        self.id_field.setText(data.get("id", ""))
        self.name.setText(data.get("name", ""))
        set_combo(self.industry, data.get("industry", "other"))
        self.timezone.setText(data.get("timezone", ""))
        self.phones.setText(", ".join(data.get("phones", [])))
        self.holidays.setText(", ".join(str(d) for d in data.get("holidays", [])))
        contacts = data.get("contacts", [])
        self.contacts.set_rows([{"name": c.get("name", ""), "phone": c.get("phone", ""), "email": c.get("email", ""),
                                 "role": c.get("role", ""), "may_authorize": bool(c.get("may_authorize"))}
                                for c in contacts])
        self.contacts.fit_rows(len(contacts) + 1)
        systems = client.systems if client else ()
        self.systems_model.set_rows(sorted(systems, key=lambda s: s.name.casefold()))
        self.systems_title.setText(f"SYSTEMS ({len(systems)})")
        agreement = data.get("agreement", {})
        self.plan.setText(agreement.get("plan", ""))
        self.business_hours.setText(agreement.get("business_hours", ""))
        coverage = {int(k): v for k, v in agreement.get("coverage", {}).items()}
        for level, combo in self.coverage.items():
            combo.setCurrentText(str(coverage.get(level, "")))
        for store, key in ((self.response, "response_minutes"), (self.ack, "ack_minutes")):
            given = agreement.get(key, {})
            for priority, spin in store.items():
                spin.setValue(int(given.get(priority, 0) or 0))
        self.rules.load(agreement.get("emergency", []), [(s.id, f"{s.name} ({s.id})") for s in systems])
        self.notes.setPlainText(agreement.get("notes", ""))

    def value(self) -> dict:
        out: dict = {"id": self.id_field.text().strip(), "name": self.name.text(),
                     "industry": self.industry.currentData(), "timezone": self.timezone.text().strip()}
        put(out, "phones", split_list(self.phones.text()))
        put(out, "holidays", split_list(self.holidays.text()))
        contacts = []
        for row in self.contacts.rows():
            entry: dict = {"name": row.get("name") or ""}
            for key in ("phone", "email", "role"):
                put(entry, key, row.get(key))
            entry["may_authorize"] = bool(row.get("may_authorize"))
            contacts.append(entry)
        put(out, "contacts", contacts)
        agreement: dict = {}
        put(agreement, "plan", text_or_none(self.plan))
        agreement["business_hours"] = self.business_hours.text().strip()
        agreement["coverage"] = {level: combo.currentText().strip() or None for level, combo in self.coverage.items()}
        agreement["response_minutes"] = {p: spin.value() for p, spin in self.response.items()}
        agreement["ack_minutes"] = {p: spin.value() for p, spin in self.ack.items()}
        agreement["emergency"] = self.rules.rules()
        put(agreement, "notes", text_or_none(self.notes))
        out["agreement"] = agreement
        return out

    def set_editable(self, editable: bool) -> None:
        super().set_editable(editable)
        self.rules.set_editable(editable)
        self.systems_table.setEnabled(True)

    def _on_system_activated(self, index: QModelIndex) -> None:
        client = self.record.key if self.record else None
        if client is not None and index.isValid():
            self.open_requested.emit("systems", f"{client}/{self.systems_model.value(index.row()).id}")
