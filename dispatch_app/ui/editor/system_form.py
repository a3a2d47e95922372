"""A system of a client: criticality, fix level, dependencies, experts (primary, secondary), its
vendor and notes. Its runbooks are records of their own: listed here, opened with Enter."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dispatch_app.domain.model import CRITICALITIES, EXPERT_ROLES, Client, Runbook
from dispatch_app.ui.editor.fields import Checklist, LevelSpin, choice_combo, hint, section, set_combo
from dispatch_app.ui.editor.form_base import RecordForm, put, text_or_none
from dispatch_app.ui.editor.rows_editor import RowColumn, RowsEditor
from dispatch_app.ui.models.table import Column, RowsModel
from dispatch_app.ui.views.tables import read_only
from dispatch_app.ui.wording import LEVEL_NAMES

FIX_LEVEL_NAMES = {level: f"{level} · {name}" for level, name in LEVEL_NAMES.items()}
FIX_LEVEL_NAMES[4] += " (one of the experts below)"
ROLE_CHOICES = [(r, r) for r in EXPERT_ROLES]


class SystemRunbooksModel(RowsModel[Runbook]):
    columns = (
        Column("Runbook", lambda r: r.title),
        Column("Id", lambda r: r.id),
        Column("Level", lambda r: str(r.level), lambda r: r.level),
    )


class SystemForm(RecordForm):
    kind = "systems"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        left = QVBoxLayout()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.id_field = self.field(form, "id", "&Id", QLineEdit())
        self.name = self.field(form, "name", "&Name", QLineEdit())
        self.criticality = self.field(form, "criticality", "C&riticality",
                                      choice_combo([(c, c) for c in CRITICALITIES]))
        self.fix_level = self.field(form, "fix_level", "&Fix level", LevelSpin(FIX_LEVEL_NAMES),
                                    hint("The level a call about this system needs (DOMAIN.md): 4 means only its "
                                         "experts can fix it"))
        self.depends_on = self.field(form, "depends_on", "&Depends on", Checklist(),
                                     hint("Other systems of this client it needs (tick with Space)"))
        self.depends_on.setMinimumHeight(90)
        self.depends_on.setMaximumHeight(150)
        left.addWidget(section("System"))
        left.addLayout(form)

        self.expert_pick = QComboBox()
        self.expert_pick.setAccessibleName("Technician to make an expert")
        self.expert_role = choice_combo(ROLE_CHOICES)
        self.expert_role.setAccessibleName("Expert role")
        self.experts = RowsEditor(
            [RowColumn("tech", "Expert", "choice", self._tech_choices, stretch=True),
             RowColumn("role", "Role", "choice", lambda: ROLE_CHOICES)],
            noun="expert", name="Experts", entry=[("tech", self.expert_pick), ("role", self.expert_role)],
            movable=True)
        self.experts.add_button.setText("Add e&xpert")
        self.rows_slot("experts", self.experts)
        left.addWidget(section("Experts (level 4 for this system; woken primary first)"))
        left.addWidget(self.experts, 1)

        right = QVBoxLayout()
        vendor = QFormLayout()
        vendor.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.vendor_name = self.field(vendor, "vendor.name", "&Vendor", QLineEdit())
        self.vendor_phone = self.field(vendor, "vendor.phone", "Vendor &phone", QLineEdit())
        self.vendor_hours = self.field(vendor, "vendor.hours", "Vendor &hours", QLineEdit())
        self.vendor_contract = self.field(vendor, "vendor.contract", "&Contract", QLineEdit())
        right.addWidget(section("Vendor support"))
        right.addLayout(vendor)
        notes = QFormLayout()
        self.notes = self.field(notes, "notes", "N&otes", QPlainTextEdit())
        self.notes.setMinimumHeight(80)
        right.addWidget(section("Notes"))
        right.addLayout(notes)
        self.runbooks_model = SystemRunbooksModel(self)
        self.runbooks_table = read_only(QTableView())
        self.runbooks_table.setModel(self.runbooks_model)
        self.runbooks_table.setAccessibleName("Runbooks of this system (Enter opens one)")
        self.runbooks_table.horizontalHeader().setStretchLastSection(True)
        self.runbooks_table.setTabKeyNavigation(False)
        self.runbooks_table.activated.connect(self._on_runbook_activated)
        self.runbooks_title = section("Runbooks")
        right.addWidget(self.runbooks_title)
        right.addWidget(hint("Each runbook is a record of its own: Enter or double-click opens it."))
        right.addWidget(self.runbooks_table, 1)

        columns = QHBoxLayout(self)
        columns.addLayout(left, 1)
        columns.addSpacing(16)
        columns.addLayout(right, 1)

    def _tech_choices(self):
        return self.outline.tech_choices() if self.outline else []

    def _client(self) -> Client | None:
        if self.record is not None:
            return self.record.client
        return self.new.client if self.new else None

    def fill(self, data: dict) -> None:
        client = self._client()
        self.id_field.setText(data.get("id", ""))
        self.name.setText(data.get("name", ""))
        set_combo(self.criticality, data.get("criticality", "normal"))
        self.fix_level.setValue(int(data.get("fix_level") or 0))
        others = [(s.id, f"{s.name} ({s.id})") for s in (client.systems if client else ()) if s.id != data.get("id")]
        self.depends_on.set_choices(others, data.get("depends_on", []))
        self.expert_pick.clear()
        for tech_id, label in self._tech_choices():
            self.expert_pick.addItem(label, tech_id)
        self.experts.set_rows([{"tech": e.get("tech"), "role": e.get("role")} for e in data.get("experts", [])])
        vendor = data.get("vendor") or {}
        self.vendor_name.setText(vendor.get("name", ""))
        self.vendor_phone.setText(vendor.get("phone", ""))
        self.vendor_hours.setText(vendor.get("hours", ""))
        self.vendor_contract.setText(str(vendor.get("contract", "")))
        self.notes.setPlainText(data.get("notes", ""))
        system = client.system(data.get("id")) if client and self.record else None
        runbooks = system.runbooks if system else ()
        self.runbooks_model.set_rows(sorted(runbooks, key=lambda r: (r.level, r.title.casefold())))
        self.runbooks_title.setText(f"RUNBOOKS ({len(runbooks)})")

    def value(self) -> dict:
        out: dict = {"id": self.id_field.text().strip(), "name": self.name.text(),
                     "criticality": self.criticality.currentData(), "fix_level": self.fix_level.value()}
        put(out, "depends_on", self.depends_on.value())
        put(out, "experts", [{"tech": row.get("tech"), "role": row.get("role")} for row in self.experts.rows()])
        vendor: dict = {}
        for key, widget in (("name", self.vendor_name), ("phone", self.vendor_phone), ("hours", self.vendor_hours),
                            ("contract", self.vendor_contract)):
            put(vendor, key, text_or_none(widget))
        put(out, "vendor", vendor)
        put(out, "notes", text_or_none(self.notes))
        return out

    def set_editable(self, editable: bool) -> None:
        super().set_editable(editable)
        self.runbooks_table.setEnabled(True)

    def _on_runbook_activated(self, index: QModelIndex) -> None:
        client = self._client()
        if client is not None and index.isValid():
            self.open_requested.emit("runbooks", f"{client.id}/{self.runbooks_model.value(index.row()).id}")
