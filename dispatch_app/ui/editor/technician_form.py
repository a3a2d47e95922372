"""A technician: level, roles, phones, email, active, and leave (their ``unavailable`` list)."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from dispatch_app.domain.model import ROLES
from dispatch_app.ui.editor.fields import CheckGroup, LevelSpin, hint, section, split_list
from dispatch_app.ui.editor.form_base import RecordForm, put, text_or_none
from dispatch_app.ui.editor.instants import wall_clock
from dispatch_app.ui.editor.rows_editor import RowColumn, RowsEditor

TECH_LEVEL_NAMES = {1: "1 · answer (takes calls, level-1 runbooks)", 2: "2 · remote (diagnoses and fixes remotely)",
                    3: "3 · on-site (goes to the client)"}


class TechnicianForm(RecordForm):
    kind = "technicians"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._zone = "UTC"
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.id_field = self.field(form, "id", "&Id", QLineEdit())
        self.name = self.field(form, "name", "&Name", QLineEdit())
        self.level = self.field(form, "level", "&Level", LevelSpin(TECH_LEVEL_NAMES))
        self.phones = self.field(form, "phones", "&Phones", QLineEdit(), hint("Comma-separated; dialled in this order"))
        self.email = self.field(form, "email", "&Email", QLineEdit())
        self.roles = self.field(form, "roles", "&Roles", CheckGroup(ROLES))
        self.active = self.field(form, "active", "Ac&tive", QCheckBox("Active: can sign in and be woken"))

        self.leave_from = QLineEdit()
        self.leave_from.setPlaceholderText("from, e.g. 2026-12-24T00:00")
        self.leave_from.setAccessibleName("Leave from")
        self.leave_to = QLineEdit()
        self.leave_to.setPlaceholderText("to, e.g. 2026-12-27T00:00")
        self.leave_to.setAccessibleName("Leave to")
        self.leave_reason = QLineEdit()
        self.leave_reason.setPlaceholderText("reason (vacation, sick…)")
        self.leave_reason.setAccessibleName("Leave reason")
        self.leave = RowsEditor(
            [RowColumn("from", "From", show=self._local, width=230),
             RowColumn("to", "Until", show=self._local, width=230),
             RowColumn("reason", "Reason", stretch=True)],
            noun="leave", name="Leave", entry=[("from", self.leave_from), ("to", self.leave_to),
                                              ("reason", self.leave_reason)])
        self.leave.add_button.setText("&Add leave")
        self.rows_slot("unavailable", self.leave)
        self.leave_zone = hint("")

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(section("Leave (unavailable: not woken, not counted as on call)"))
        layout.addWidget(self.leave_zone)
        layout.addWidget(self.leave, 1)

    def _local(self, text: object) -> str:
        return wall_clock(text, self._zone)

    def fill(self, data: dict) -> None:
        self._zone = self.record.timezone if self.record else (self.outline.msp_timezone if self.outline else "UTC")
        self.leave_zone.setText(f"Times are read in the MSP's time zone, {self._zone}, when typed without an offset. "
                                "Half-open: from the first instant up to, not including, the second.")
        self.id_field.setText(data.get("id", ""))
        self.name.setText(data.get("name", ""))
        self.level.setValue(int(data.get("level") or 0))
        self.phones.setText(", ".join(data.get("phones", [])))
        self.email.setText(data.get("email") or "")
        self.roles.set_value(data.get("roles", ["dispatcher"]))
        self.active.setChecked(data.get("active", True))
        self.leave.set_rows([{"from": u.get("from"), "to": u.get("to"), "reason": u.get("reason", "")}
                             for u in data.get("unavailable", [])])

    def value(self) -> dict:
        out: dict = {"id": self.id_field.text().strip(), "name": self.name.text(), "level": self.level.value()}
        put(out, "phones", split_list(self.phones.text()))
        put(out, "email", text_or_none(self.email))
        out["roles"] = self.roles.value()
        leave = []
        for row in self.leave.rows():
            item = {"from": row.get("from") or None, "to": row.get("to") or None}
            put(item, "reason", row.get("reason"))
            leave.append(item)
        put(out, "unavailable", leave)
        if not self.active.isChecked():
            out["active"] = False
        return out
