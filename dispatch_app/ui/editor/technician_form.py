"""A technician: level, roles, phones, email, active, and leave (their ``unavailable`` list).

Before a lead saves leave, "What would it open?" asks the manager's what-if for it: the leave
being typed, else the one selected (``what_if_requested``; the console opens the review's
what-if on it). Nothing is saved by asking."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from dispatch_app.domain.localtime import resolve
from dispatch_app.domain.model import ROLES
from dispatch_app.errors import DispatchError
from dispatch_app.ui.editor.fields import CheckGroup, LevelSpin, hint, section, split_list
from dispatch_app.ui.editor.form_base import RecordForm, put, text_or_none
from dispatch_app.ui.editor.instants import wall_clock
from dispatch_app.ui.editor.rows_editor import RowColumn, RowsEditor

TECH_LEVEL_NAMES = {1: "1 · answer (takes calls, level-1 runbooks)", 2: "2 · remote (diagnoses and fixes remotely)",
                    3: "3 · on-site (goes to the client)"}


def leave_instant(text: str, zone: str, what: str) -> datetime:
    """A leave bound as typed (with an offset, or read in ``zone`` without one)."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise DispatchError(f"{what} {text.strip()!r} is not a date and time such as 2026-12-24T00:00") from None
    return value if value.tzinfo is not None else resolve(value, zone)


class TechnicianForm(RecordForm):
    """Signals (besides RecordForm's):
        what_if_requested(str, object, object): the what-if of leave for this technician over
            [start, end) was asked for.
    """

    kind = "technicians"
    what_if_requested = Signal(str, object, object)

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
        self.what_if_button = QPushButton("What would it &open?")
        self.what_if_button.setToolTip("The coverage gaps this leave would open (the leave being typed, else the "
                                       "one selected), in the manager's what-if; nothing is saved")
        self.what_if_button.clicked.connect(self.ask_what_if)
        self.what_if_note = hint("")
        what_if = QHBoxLayout()
        what_if.addWidget(self.what_if_button)
        what_if.addWidget(self.what_if_note, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(section("Leave (unavailable: not woken, not counted as on call)"))
        layout.addWidget(self.leave_zone)
        layout.addWidget(self.leave, 1)
        layout.addLayout(what_if)

    def pending_leave(self) -> tuple[datetime, datetime]:
        """The leave being typed, else the selected one, as instants; DispatchError says what
        is missing or unreadable."""
        start, end = self.leave_from.text().strip(), self.leave_to.text().strip()
        if not (start or end):
            selected = self.leave.table.selectionModel().selectedRows()
            if not selected:
                raise DispatchError("Type the leave's from and until, or select a leave, then ask again.")
            row = self.leave.rows()[selected[0].row()]
            start, end = str(row.get("from") or ""), str(row.get("to") or "")
        if not (start and end):
            raise DispatchError("The leave needs both a from and an until.")
        first, last = leave_instant(start, self._zone, "from:"), leave_instant(end, self._zone, "until:")
        if last <= first:
            raise DispatchError("The leave must end after it starts.")
        return first, last

    def ask_what_if(self) -> None:
        tech = self.id_field.text().strip()
        try:
            start, end = self.pending_leave()
        except DispatchError as error:
            self.what_if_note.setText(f"⚠ {error}")
            return
        self.what_if_note.setText("The manager's review shows what it would open (What-if tab).")
        self.what_if_requested.emit(tech, start, end)

    def _local(self, text: object) -> str:
        return wall_clock(text, self._zone)

    def fill(self, data: dict) -> None:
        self._zone = self.record.timezone if self.record else (self.outline.msp_timezone if self.outline else "UTC")
        self.what_if_note.setText("")
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
