"""Rotations (name, level, start, length, active window, members in order) and overrides
(added and removed, never edited)."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from dispatch_app.ui.editor.fields import LevelSpin, hint, section, set_combo, zone_field
from dispatch_app.ui.editor.form_base import RecordForm, put, text_or_none
from dispatch_app.ui.editor.instants import wall_clock
from dispatch_app.ui.editor.rows_editor import RowColumn, RowsEditor
from dispatch_app.ui.editor.technician_form import TECH_LEVEL_NAMES


class RotationForm(RecordForm):
    kind = "rotations"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ical: str | None = None
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.id_field = self.field(form, "id", "&Id", QLineEdit())
        self.name = self.field(form, "name", "&Name", QLineEdit())
        self.level = self.field(form, "level", "&Level", LevelSpin(TECH_LEVEL_NAMES))
        self.timezone = self.field(form, "timezone", "&Time zone", zone_field())
        self.ical_line = QLabel("")
        self.ical_line.setWordWrap(True)
        self.schedule = QWidget()
        schedule_form = QFormLayout(self.schedule)
        schedule_form.setContentsMargins(0, 0, 0, 0)
        schedule_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.start = self.field(schedule_form, "start", "&Start", QLineEdit(),
                                hint("Local wall clock in the rotation's time zone, e.g. 2026-11-02T08:00: "
                                     "the first handoff"))
        self.length = self.field(schedule_form, "length", "Len&gth", QLineEdit(),
                                 hint("A whole number of d, w or h: 1w hands off weekly at the same local time, "
                                      "12h every twelve exact hours"))
        self.active = self.field(form, "active", "&Active window", QLineEdit(),
                                 hint("Optional window expression, e.g. mon-fri 17:00-08:00, sat-sun 00:00-24:00; "
                                      "outside it nobody of this rotation is on call"))
        self.member_pick = QComboBox()
        self.member_pick.setAccessibleName("Technician to add")
        self.members = RowsEditor([RowColumn("tech", "Member (in turn order)", "choice", self._tech_choices,
                                             stretch=True)],
                                  noun="member", name="Members in order", entry=[("tech", self.member_pick)],
                                  movable=True)
        self.members.add_button.setText("Add &member")
        self.rows_slot("members", self.members)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.ical_line)
        layout.addWidget(self.schedule)
        self.members_title = section("Members, in turn order")
        layout.addWidget(self.members_title)
        layout.addWidget(self.members, 1)

    def _tech_choices(self):
        return self.outline.tech_choices() if self.outline else []

    def fill(self, data: dict) -> None:
        self._ical = data.get("ical")
        self.id_field.setText(data.get("id", ""))
        self.name.setText(data.get("name", ""))
        self.level.setValue(int(data.get("level") or 0))
        self.timezone.setText(data.get("timezone", ""))
        self.start.setText(data.get("start", ""))
        self.length.setText(data.get("length", ""))
        self.active.setText(data.get("active", ""))
        self.member_pick.clear()
        for tech_id, label in self._tech_choices():
            self.member_pick.addItem(label, tech_id)
        self.members.set_rows([{"tech": m} for m in data.get("members", [])])
        calendar = self._ical is not None
        self.ical_line.setVisible(calendar)
        self.ical_line.setText(f"Schedule imported from the iCalendar file {self._ical}: its shifts replace start, "
                               "length and members (import the file again to change them)." if calendar else "")
        for widget in (self.schedule, self.members, self.members_title):
            widget.setVisible(not calendar)

    def value(self) -> dict:
        out: dict = {"id": self.id_field.text().strip(), "name": self.name.text(), "level": self.level.value()}
        put(out, "timezone", self.timezone.text().strip())
        if self._ical is not None:
            put(out, "active", text_or_none(self.active))
            out["ical"] = self._ical
            return out
        out["start"] = self.start.text().strip() or None
        out["length"] = self.length.text().strip() or None
        put(out, "active", text_or_none(self.active))
        out["members"] = [row["tech"] for row in self.members.rows() if row.get("tech")]
        return out


class OverrideForm(RecordForm):
    """A new override, or an existing one shown for removal (an override is not edited)."""

    kind = "overrides"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.rotation = self.field(form, "rotation", "&Rotation", QComboBox())
        self.tech = self.field(form, "tech", "&Technician on call", QComboBox())
        self.start = self.field(form, "from", "&From", QLineEdit())
        self.end = self.field(form, "to", "&Until", QLineEdit())
        self.reason = self.field(form, "reason", "R&eason", QLineEdit())
        self.zone = hint("")
        self.rotation.currentIndexChanged.connect(self._show_zone)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(form)
        layout.addWidget(self.zone)
        layout.addStretch(1)

    @property
    def existing(self) -> bool:
        return self.record is not None

    def _zone_name(self) -> str:
        rotation = self.outline.rotation(self.rotation.currentData()) if self.outline else None
        return rotation.timezone if rotation else (self.outline.msp_timezone if self.outline else "UTC")

    def _show_zone(self) -> None:
        self.zone.setText(f"Times typed without an offset are read in the rotation's time zone, {self._zone_name()}. "
                          "Where overrides overlap, the one added last wins.")

    def fill(self, data: dict) -> None:
        outline = self.outline
        self.rotation.clear()
        for rotation_id, label in (outline.rotation_choices() if outline else []):
            self.rotation.addItem(label, rotation_id)
        set_combo(self.rotation, data.get("rotation"))
        self.tech.clear()
        self.tech.addItem("— choose —", "")
        for tech_id, label in (outline.tech_choices() if outline else []):
            self.tech.addItem(label, tech_id)
        set_combo(self.tech, data.get("tech", ""))
        zone = self._zone_name()
        if self.existing:
            self.start.setText(wall_clock(data.get("from"), zone))
            self.end.setText(wall_clock(data.get("to"), zone))
        else:
            self.start.setText(data.get("from", ""))
            self.end.setText(data.get("to", ""))
        self.reason.setText(data.get("reason", ""))
        self.start.setPlaceholderText("e.g. 2026-12-24T18:00")
        self.end.setPlaceholderText("e.g. 2026-12-25T08:00")
        self.note.setText("An override is added and removed, not edited: to change this one, delete it "
                          "(Ctrl+Delete) and add the one you want (Ctrl+N)." if self.existing else
                          "A new override puts the technician on call for the rotation over the span.")
        self._show_zone()

    def set_editable(self, editable: bool) -> None:
        super().set_editable(editable and not self.existing)

    def value(self) -> dict:
        if self.existing and self.record is not None:
            return dict(self.record.data)
        out: dict = {"rotation": self.rotation.currentData() or None, "tech": self.tech.currentData() or None,
                     "from": self.start.text().strip() or None, "to": self.end.text().strip() or None}
        put(out, "reason", self.reason.text().strip())
        return out

