"""A runbook: title, level, review days, where it sits, and its Markdown text with a live
preview beside it. A line under the text warns, as you type, when the text looks like it holds
a secret (the importer's own detector)."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from dispatch_app.services.editing import runbook_secret_findings
from dispatch_app.ui.editor.fields import LevelSpin, error_label, hint, section, set_combo
from dispatch_app.ui.editor.form_base import RecordForm

RUNBOOK_LEVEL_NAMES = {level: f"{level} · followed by {name}" for level, name in
                       {1: "anyone answering (level 1)", 2: "a remote technician (level 2+)",
                        3: "an on-site technician (level 3)", 4: "the system's experts"}.items()}
PREVIEW_DELAY_MS = 150
SECRET_CHECK_DELAY_MS = 300


class RunbookForm(RecordForm):
    kind = "runbooks"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.id_field = self.field(form, "id", "&Id", QLineEdit())
        self.title = self.field(form, "title", "&Title", QLineEdit())
        self.level = self.field(form, "level", "&Level", LevelSpin(RUNBOOK_LEVEL_NAMES))
        self.review_days = self.field(form, "review_days", "&Review every", QSpinBox(),
                                      hint("Days after which the runbook is marked stale until a lead reviews it"))
        self.review_days.setRange(0, 3650)
        self.review_days.setSuffix(" days")
        self.review_days.setSpecialValueText("no review date")
        self.review_days.setMaximumWidth(220)
        self.placement = self.field(form, "placement", "Sits &under", QComboBox())
        self.placement_hint = hint("")
        form.addRow("", self.placement_hint)

        self.body = QPlainTextEdit()
        self.body.setObjectName("runbook_body")
        self.body.setAccessibleName("Runbook text (Markdown)")
        self.body.setTabChangesFocus(True)
        self.body.setPlaceholderText("1. Remote into APP02 with the **dispatch** account.\n2. …\n\n"
                                     "Name where a secret is kept (vault item ACME-APP02); never the secret.")
        self.preview = QTextBrowser()
        self.preview.setObjectName("runbook_preview")
        self.preview.setAccessibleName("Preview of the runbook as dispatchers see it")
        self.preview.setOpenLinks(False)
        self.body_error = error_label()
        self.slot("body", self.body, self.body_error)
        self.watch(self.body)
        self.secret_warning = QLabel("")
        self.secret_warning.setObjectName("secret_warning")
        self.secret_warning.setWordWrap(True)
        self.secret_warning.setAccessibleName("Secret check")
        self.secret_warning.hide()

        editor_box = QWidget()
        editor_column = QVBoxLayout(editor_box)
        editor_column.setContentsMargins(0, 0, 0, 0)
        body_label = QLabel("Te&xt (Markdown)")
        body_label.setBuddy(self.body)
        body_label.setProperty("role", "section")
        editor_column.addWidget(body_label)
        editor_column.addWidget(self.body, 1)
        editor_column.addWidget(self.body_error)
        editor_column.addWidget(self.secret_warning)
        preview_box = QWidget()
        preview_column = QVBoxLayout(preview_box)
        preview_column.setContentsMargins(0, 0, 0, 0)
        preview_column.addWidget(section("Preview (as the dispatcher reads it)"))
        preview_column.addWidget(self.preview, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(editor_box)
        self.splitter.addWidget(preview_box)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([500, 500])

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.splitter, 1)

        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.render_preview)
        self._secret_timer = QTimer(self, singleShot=True, interval=SECRET_CHECK_DELAY_MS)
        self._secret_timer.timeout.connect(self.check_secrets)
        self.body.textChanged.connect(self._preview_timer.start)
        self.body.textChanged.connect(self._secret_timer.start)
        self.title.textChanged.connect(self._preview_timer.start)

    def fill(self, data: dict) -> None:
        client = self.record.client if self.record else (self.new.client if self.new else None)
        self.id_field.setText(data.get("id", ""))
        self.title.setText(data.get("title", ""))
        self.level.setValue(int(data.get("level") or 0))
        self.review_days.setValue(int(data.get("review_days") or 0))
        self.placement.clear()
        self.placement.addItem("The whole client (client-wide runbook)", None)
        for system in (client.systems if client else ()):
            self.placement.addItem(f"System: {system.name} ({system.id})", system.id)
        where = self.record.under if self.record else (self.new.under if self.new else None)
        set_combo(self.placement, where)
        self.placement.setEnabled(self.record is None)
        self.placement_hint.setText(
            "Shown as a first step for calls about that system (client-wide: calls with no system)."
            if self.record is None else "Where a runbook sits is chosen when it is added.")
        self.body.setPlainText(data.get("body", ""))
        self.render_preview()
        self.check_secrets()

    def value(self) -> dict:
        out: dict = {"id": self.id_field.text().strip(), "title": self.title.text(), "level": self.level.value()}
        if self.review_days.value():
            out["review_days"] = self.review_days.value()
        body = self.body.toPlainText()
        if body:
            out["body"] = body
        return out

    def under(self) -> str | None:
        return self.placement.currentData() if self.record is None else None

    def set_editable(self, editable: bool) -> None:
        super().set_editable(editable)
        self.placement.setEnabled(editable and self.record is None)

    # ------------------------------------------------------------ live

    def render_preview(self) -> None:
        """The text as the dispatcher's pane renders it (Markdown), the title above."""
        self._preview_timer.stop()
        title = self.title.text().strip()
        text = (f"# {title}\n\n" if title else "") + self.body.toPlainText()
        scroll = self.preview.verticalScrollBar().value()
        self.preview.setMarkdown(text)
        self.preview.verticalScrollBar().setValue(scroll)

    def check_secrets(self) -> None:
        self._secret_timer.stop()
        findings = runbook_secret_findings(self.body.toPlainText() + "\n" + self.title.text())
        self.secret_warning.setVisible(bool(findings))
        what = " and ".join([", ".join(findings[:-1]), findings[-1]] if len(findings) > 1 else findings)
        self.secret_warning.setText(
            f"⚠ Possible secret: this text looks like it holds {what}. Credentials never go into a runbook: "
            "name where the secret is kept (for example vault item ACME-APP02) instead." if findings else "")
