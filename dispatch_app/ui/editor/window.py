"""The lead tech's environment editor (issue 7, item 1): a navigator on the left, the chosen
record's form (or its history) on the right.

Everyone may open it; saving is the lead's (or an admin's), checked by the services. Records
are read and written off the UI thread; every save names the version the form was opened at,
so a save over somebody else's newer one is refused and shown as a conflict, the user's text
kept. The form is checked as the user types (debounced, on a worker) with the importer's own
validation, each problem shown at its field.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QFont, QFontMetrics, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from dispatch_app.errors import DispatchError, NotAllowed, NotFound
from dispatch_app.services import editing
from dispatch_app.services.editing import RecordData, Saved, StaleSave
from dispatch_app.services.people import Actor
from dispatch_app.ui.context import Context
from dispatch_app.ui.editor.client_form import ClientForm
from dispatch_app.ui.editor.conflict_panel import ConflictPanel
from dispatch_app.ui.editor.fields import editor_style
from dispatch_app.ui.editor.form_base import RecordForm
from dispatch_app.ui.editor.history_panel import HistoryPanel
from dispatch_app.ui.editor.navigator import NavigatorPane, Node, build_tree
from dispatch_app.ui.editor.outline import SINGULAR, NewRecord, Outline, load_outline, template
from dispatch_app.ui.editor.questions import ask_delete, ask_discard
from dispatch_app.ui.editor.runbook_form import RunbookForm
from dispatch_app.ui.editor.schedule_forms import OverrideForm, RotationForm
from dispatch_app.ui.editor.system_form import SystemForm
from dispatch_app.ui.editor.technician_form import TechnicianForm
from dispatch_app.ui.theme import repolish

CHECK_DELAY_MS = 450
OUTLINE_DELAY_MS = 300
KIND_TITLES = {"clients": "Client", "systems": "System", "runbooks": "Runbook", "technicians": "Technician",
               "rotations": "Rotation", "overrides": "Override"}
READ_ONLY_LINE = "⚠ Read only: editing needs the lead role."


class EditorWindow(QMainWindow):
    """Signals:
        environment_changed(object): a save or delete of this window changed the environment
            (the services' ``Saved``); the console reloads its environment.
        record_shown(str, str): a record's form was filled (kind, key): a record opened,
            reloaded after a save, or refreshed by another workstation's edit.
        record_saved(object): a save landed (``Saved``), changed or not.
        outline_loaded(): the navigator holds the environment's records.
        what_if_requested(str, object, object): the what-if of a technician's leave over
            [start, end) was asked for (the console opens the manager's what-if on it).
    """

    environment_changed = Signal(object)
    record_shown = Signal(str, str)
    record_saved = Signal(object)
    outline_loaded = Signal()
    what_if_requested = Signal(str, object, object)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.ctx = ctx
        self.setWindowTitle("Environment editor · Dispatch Console")
        self.setObjectName("environment_editor")
        light = self.palette().color(QPalette.ColorRole.Window).lightness() > 128
        self.setStyleSheet(editor_style("light" if light else "dark"))
        self.resize(1600, 980)
        self.outline: Outline | None = None
        self.record: RecordData | None = None
        self.new: NewRecord | None = None
        self.form: RecordForm | None = None
        self._baseline: dict | None = None
        self._expected_version: int | None = None
        self._conflict_version: int | None = None
        self._conflict_deleted = False
        self._generation = 0
        self._check_generation = 0
        self._remote_generation = 0
        self._waiting: tuple[RecordData, int] | None = None
        self._saving = False
        self._close_confirmed = False
        self._may_edit = False
        self._outline_stale = False
        self.question = None  # the open "discard?" or "delete?" box, for tests and the keyboard

        self.navigator = NavigatorPane()
        self.navigator.record_chosen.connect(self._on_record_chosen)
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.navigator.tree, self.delete_record,
                  context=Qt.ShortcutContext.WidgetShortcut)

        self.banner = QFrame()
        self.banner.setObjectName("read_only_banner")
        self.banner_line = QLabel(READ_ONLY_LINE)
        self.banner_line.setWordWrap(True)
        self.banner_line.setAccessibleName("Read only")
        banner_row = QHBoxLayout(self.banner)
        banner_row.addWidget(self.banner_line)
        self.banner.hide()

        self.title_label = QLabel("No record open")
        self.title_label.setProperty("role", "heading")
        self.title_label.setWordWrap(True)
        self.version_label = QLabel("Choose a record on the left (Ctrl+L), or Ctrl+N for a new one.")
        self.version_label.setProperty("role", "muted")
        self.version_label.setWordWrap(True)
        self.version_label.setAccessibleName("Version")
        self.state_label = QLabel("")
        self.state_label.setAccessibleName("Form state")
        self.problems_label = QLabel("")
        self.problems_label.setProperty("role", "field-error")
        self.problems_label.setWordWrap(True)
        self.problems_label.setAccessibleName("Problems")
        self.problems_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems_label.hide()

        self.save_button = QPushButton("Save · Ctrl+S")
        self.save_button.setAccessibleName("Save")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("Revert · Esc")
        self.revert_button.setAccessibleName("Revert to the stored record")
        self.revert_button.clicked.connect(self.revert)
        self.new_button = QPushButton("New · Ctrl+N")
        self.new_button.setAccessibleName("New record")
        self.new_button.clicked.connect(self.new_record)
        self.delete_button = QPushButton("Delete… · Ctrl+Del")
        self.delete_button.setAccessibleName("Delete this record")
        self.delete_button.clicked.connect(self.delete_record)
        for button in (self.save_button, self.revert_button, self.new_button, self.delete_button):
            button.setAutoDefault(False)
        bold = QFont(self.save_button.font())
        bold.setBold(True)  # the default button is drawn bold: room for its text
        self.save_button.setMinimumWidth(QFontMetrics(bold).horizontalAdvance(self.save_button.text()) + 40)
        buttons = QHBoxLayout()
        buttons.addWidget(self.state_label, 1)
        for button in (self.save_button, self.revert_button, self.new_button, self.delete_button):
            buttons.addWidget(button)

        self.conflict = ConflictPanel()
        self.conflict.show_theirs_requested.connect(self.show_theirs)
        self.conflict.overwrite_requested.connect(self.overwrite_with_mine)
        self.conflict.discard_requested.connect(self.discard_mine)

        self.forms: dict[str, RecordForm] = {
            "clients": ClientForm(), "systems": SystemForm(), "runbooks": RunbookForm(),
            "technicians": TechnicianForm(), "rotations": RotationForm(), "overrides": OverrideForm()}
        self.stack = QStackedWidget()
        self.placeholder = QLabel("Choose a record on the left: a client, a system, a runbook, a technician, "
                                  "a rotation or an override.\n\nCtrl+F filters the list, Ctrl+N adds a record.")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setProperty("role", "muted")
        self.stack.addWidget(self.placeholder)
        self.pages: dict[str, QScrollArea] = {}
        for kind, form in self.forms.items():
            page = QScrollArea()  # one per form: each page is as tall as its own form
            page.setWidgetResizable(True)
            page.setFrameShape(QFrame.Shape.NoFrame)
            page.setWidget(form)
            self.pages[kind] = page
            self.stack.addWidget(page)
            form.edited.connect(self._on_form_edited)
            form.open_requested.connect(self.open_record)
        self.forms["technicians"].what_if_requested.connect(self.what_if_requested)  # type: ignore[attr-defined]
        self.history = HistoryPanel(ctx.clock)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.stack, "Form · Ctrl+E")
        self.tabs.addTab(self.history, "History · Ctrl+H")
        self.tabs.setTabToolTip(0, "The record's fields")
        self.tabs.setTabToolTip(1, "Every recorded change: who, when, the fields before and after")

        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(8, 0, 0, 0)
        column.addWidget(self.title_label)
        column.addWidget(self.version_label)
        column.addLayout(buttons)
        column.addWidget(self.conflict)
        column.addWidget(self.problems_label)
        column.addWidget(self.tabs, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.navigator)
        self.splitter.addWidget(right)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([450, 1150])
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.addWidget(self.banner)
        outer.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self._build_actions()

        self._check_timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.check_now)
        self._outline_timer = QTimer(self, singleShot=True, interval=OUTLINE_DELAY_MS)
        self._outline_timer.timeout.connect(self.reload_outline)
        ctx.events.changes_arrived.connect(self._on_changes_arrived)
        ctx.events.technician_signed_in.connect(self._on_technician_signed_in)
        ctx.events.theme_changed.connect(self._on_theme_changed)
        self._apply_role(ctx.actor)
        self._show_nothing()
        self.reload_outline()

    # ------------------------------------------------------------ actions

    def _action(self, menu, text: str, keys: list[str], slot: Callable[[], None], tip: str) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setStatusTip(tip)
        action.setToolTip(f"{tip} ({', '.join(keys)})" if keys else tip)
        action.triggered.connect(lambda checked=False: slot())
        self.addAction(action)
        if menu is not None:
            menu.addAction(action)
        return action

    def _build_actions(self) -> None:
        record = self.menuBar().addMenu("Record")
        self.new_action = self._action(record, "New record of this kind", ["Ctrl+N"], self.new_record,
                                       "Add a record of the kind selected on the left")
        new_menu = record.addMenu("New")
        for kind, text in (("clients", "Client"), ("systems", "System of the selected client"),
                           ("runbooks", "Runbook of the selected client or system"), ("technicians", "Technician"),
                           ("rotations", "Rotation"), ("overrides", "Override")):
            self._action(new_menu, text, [], lambda k=kind: self.new_record(k), f"Add a new {SINGULAR[kind]}")
        self.save_action = self._action(record, "Save", ["Ctrl+S"], self.save, "Save the form")
        # Ctrl+Z inside a text field undoes typing there (the field takes it first); elsewhere it reverts.
        self.revert_action = self._action(record, "Revert to the stored record", ["Esc", "Ctrl+Z"], self.revert,
                                          "Throw away the form's edits (asks first)")
        self.delete_action = self._action(record, "Delete…", ["Ctrl+Del"], self.delete_record,
                                          "Delete the record (asks first); Delete in the list does the same")
        record.addSeparator()
        self._action(record, "Read again", ["F5"], self.reload, "Read the records again from the database")
        self._action(record, "Close", ["Ctrl+W"], self.close, "Close the editor")
        go = self.menuBar().addMenu("Go")
        self._action(go, "Filter the records", ["Ctrl+F"], self.focus_filter, "Type to filter the list on the left")
        self._action(go, "Records list", ["Ctrl+L"], self.navigator.tree.setFocus, "Move to the list of records")
        self._action(go, "Form", ["Ctrl+E"], self.show_form, "Show the record's form")
        self._action(go, "History", ["Ctrl+H"], self.show_history, "Show the record's history")
        conflict = self.menuBar().addMenu("Conflict")
        self.show_theirs_action = self._action(conflict, "Show theirs", ["Ctrl+Shift+T"], self.show_theirs,
                                               "Their saved record beside your form")
        self.overwrite_action = self._action(conflict, "Overwrite with mine", ["Ctrl+Shift+O"],
                                             self.overwrite_with_mine, "Save your form over their version")
        self.discard_action = self._action(conflict, "Discard mine", ["Ctrl+Shift+D"], self.discard_mine,
                                           "Throw away your edits and load their version")
        self._set_conflict_actions(False)

    def _set_conflict_actions(self, on: bool) -> None:
        for action in (self.show_theirs_action, self.overwrite_action, self.discard_action):
            action.setEnabled(on)

    # ------------------------------------------------------------ public

    def open_record(self, kind: str, key: str) -> None:
        """Show record ``kind``/``key`` (asking first when the open form has unsaved edits);
        ``record_shown`` says when its form is filled."""
        if self.record is not None and (self.record.kind, self.record.key) == (kind, key) and not self.is_dirty():
            self.navigator.select(kind, key)
            self.record_shown.emit(kind, key)
            return
        self._leave_then(f"open {SINGULAR.get(kind, 'record')} {key}", lambda: self._load(kind, key),
                         on_keep=self._reselect_open_record)

    def new_record(self, kind: str | None = None) -> None:
        """A new record: of ``kind``, or of the kind selected in the navigator (in its client)."""
        if not self._may_edit:
            self._say_problem(READ_ONLY_LINE)
            return
        target = self._new_target(kind)
        if target is None:
            return
        self._leave_then(f"start a new {SINGULAR[target.kind]}", lambda: self._start_new(target))

    def is_dirty(self) -> bool:
        return self.form is not None and self._baseline is not None and self.form.value() != self._baseline

    def reload(self) -> None:
        self.reload_outline()
        if self.record is not None and not self.is_dirty():
            self._load(self.record.kind, self.record.key)

    def focus_filter(self) -> None:
        self.navigator.filter.setFocus()
        self.navigator.filter.selectAll()

    def show_form(self) -> None:
        self.tabs.setCurrentIndex(0)
        if self.form is not None and self.form.first_field() is not None:
            self.form.first_field().setFocus()

    def show_history(self) -> None:
        self.tabs.setCurrentIndex(1)
        self.history.table.setFocus()

    # ------------------------------------------------------------ the outline

    def reload_outline(self) -> None:
        db = self.ctx.backend.db
        local = self.ctx.clock.local

        def stamp(start, end) -> str:
            """``27 Nov 18:00 → 08:00`` within a day, else both dates."""
            first, last = local(start), local(end)
            shown = "%H:%M" if end - start <= timedelta(hours=24) else "%d %b %H:%M"
            return f"{first.strftime('%d %b %H:%M')} → {last.strftime(shown)}"

        def work():
            outline = load_outline(db)
            return outline, build_tree(outline, stamp)
        self.ctx.tasks.run(work, name="editor: read the records", on_done=self._on_outline_loaded,
                           on_error=self._say_error)

    def _on_outline_loaded(self, result: tuple[Outline, Node]) -> None:
        self.outline, tree = result
        self.navigator.load(tree)
        if self.record is not None:  # the user's filter stays: a reload must not move them
            self.navigator.select(self.record.kind, self.record.key, clear_filter=False)
        if self._waiting is not None:
            record, generation = self._waiting
            self._waiting = None
            self._on_record_loaded(record, generation)
        self.outline_loaded.emit()

    # ------------------------------------------------------------ opening

    def _load(self, kind: str, key: str, *, then: Callable[[], None] | None = None, gone: str = "") -> None:
        self._generation += 1
        generation = self._generation
        db = self.ctx.backend.db

        def loaded(record: RecordData) -> None:
            self._on_record_loaded(record, generation)
            if then is not None and generation == self._generation:
                then()

        def failed(error: DispatchError) -> None:
            if generation != self._generation:
                return
            if isinstance(error, NotFound):
                self._show_nothing()
                self.version_label.setText(gone or f"{KIND_TITLES[kind]} {key} no longer exists (deleted meanwhile?).")
            else:
                self._say_error(error)
        self.ctx.tasks.run(lambda: editing.get_record_data(db, kind, key), name="editor: open a record",
                           on_done=loaded, on_error=failed)

    def _on_record_loaded(self, record: RecordData, generation: int) -> None:
        if generation != self._generation:
            return  # another record was chosen meanwhile
        if self.outline is None:
            self._waiting = (record, generation)
            return
        self._fill(record, None, record.data)
        self._load_history()
        self.record_shown.emit(record.kind, record.key)

    def _fill(self, record: RecordData | None, new: NewRecord | None, data: dict) -> None:
        kind = record.kind if record is not None else new.kind  # type: ignore[union-attr]
        form = self.forms[kind]
        self.record, self.new, self.form = record, new, form
        self._check_timer.stop()
        self._check_generation += 1
        form.load(record, self.outline, new, data)  # type: ignore[arg-type]
        form.set_editable(self._may_edit)
        self.stack.setCurrentWidget(self.pages[kind])
        self._baseline = form.value()
        self._expected_version = record.version if record is not None else None
        self._conflict_version = None
        self.conflict.dismiss()
        self._set_conflict_actions(False)
        self._say_problem("")
        self._show_header()
        self._show_state()

    def _start_new(self, new: NewRecord) -> None:
        if self.outline is None:
            return
        self._generation += 1
        self._fill(None, new, template(new, self.outline))
        self.history.show_unsaved()
        self.tabs.setCurrentIndex(0)
        first = self.form.id_field if self.form is not None and self.form.id_field is not None else None
        if new.kind == "overrides":
            first = self.forms["overrides"].rotation
        if first is not None:
            first.setFocus()

    def _show_nothing(self) -> None:
        self.record, self.new, self.form, self._baseline = None, None, None, None
        self._expected_version = None
        self.stack.setCurrentWidget(self.placeholder)
        self.title_label.setText("No record open")
        self.version_label.setText("Choose a record on the left (Ctrl+L), or Ctrl+N for a new one.")
        self.conflict.dismiss()
        self._set_conflict_actions(False)
        self._say_problem("")
        self.history.model.set_rows([])
        self.history.summary.setText("")
        self._show_state()

    def _load_history(self) -> None:
        record = self.record
        if record is None:
            return
        db = self.ctx.backend.db
        generation = self._generation

        def shown(changes) -> None:
            if generation == self._generation and self.outline is not None:
                self.history.show_changes(changes, self.outline.tech_name)
        self.ctx.tasks.run(lambda: editing.history(db, record.kind, record.key), name="editor: history",
                           on_done=shown, on_error=self._say_error)

    # ------------------------------------------------------------ what the header says

    def _record_name(self) -> str:
        if self.form is None:
            return ""
        data = self._baseline or {}
        if self.form.kind == "overrides" and self.outline is not None and data.get("tech"):
            return f"{self.outline.tech_name(data.get('tech'))} holds {data.get('rotation')}"
        return data.get("name") or data.get("title") or data.get("id") or ""

    def _show_header(self) -> None:
        if self.record is not None:
            record = self.record
            where = ""
            if record.kind in ("systems", "runbooks") and record.client is not None:
                where = f" · {record.client.name}"
            self.title_label.setText(f"{KIND_TITLES[record.kind]} · {self._record_name() or record.key}{where}")
            self.version_label.setText(self._version_line(record))
        elif self.new is not None:
            where = f" of {self.new.client.name}" if self.new.client is not None else ""
            if self.new.kind == "runbooks" and self.new.under:
                where += f" (under system {self.new.under})"
            self.title_label.setText(f"New {SINGULAR[self.new.kind]}{where}")
            self.version_label.setText("Not saved yet: Ctrl+S saves it.")

    def _version_line(self, record: RecordData) -> str:
        who = record.updated_by_name or record.updated_by
        when = self.ctx.clock.stamp(record.updated_at) if record.updated_at else "an unknown time"
        if who:
            return f"Version {record.version} · last changed by {who} at {when}"
        return f"Version {record.version} · from the imported bundle ({when}), not edited since"

    def _show_state(self) -> None:
        if self.form is None:
            text, role = "", ""
        elif self._saving:
            text, role = "Saving…", "muted"
        elif self.is_dirty():
            text, role = "● Unsaved changes (Ctrl+S saves, Esc reverts)", "dirty"
        elif self.record is None:
            text, role = "New record: fill it in, then Ctrl+S", "muted"
        else:
            text, role = "✔ Saved: the form shows the stored record", "saved"
        if not self._may_edit and self.form is not None:
            text, role = "Read only", "muted"
        self.state_label.setText(text)
        self.state_label.setProperty("role", role)
        repolish(self.state_label)
        dirty = self.is_dirty()
        self.save_button.setEnabled(self._may_edit and self.form is not None and not self._saving
                                    and not (self.form.kind == "overrides" and self.record is not None))
        self.revert_button.setEnabled(dirty)
        self.delete_button.setEnabled(self._may_edit and self.form is not None)
        title = "Environment editor · Dispatch Console"
        self.setWindowTitle(("● " if dirty else "") + title)

    def _say_problem(self, text: str) -> None:
        self.problems_label.setText(text)
        self.problems_label.setVisible(bool(text))

    def _say_error(self, error: DispatchError) -> None:
        self._say_problem("⚠ " + str(error))

    # ------------------------------------------------------------ editing and checking

    def _on_form_edited(self) -> None:
        self._show_state()
        if self._may_edit:
            self._check_timer.start()

    def check_now(self) -> None:
        """Check the form with the importer's validation on a worker; problems go to their fields."""
        self._check_timer.stop()
        form = self.form
        if form is None or not self._may_edit:
            return
        if not self.is_dirty() and self.record is not None:
            self._show_problems([])
            return
        value = form.value()
        kind, key, under = form.kind, form.key_for(value), form.under()
        expected = self._expected_version
        self._check_generation += 1
        generation = self._check_generation
        db = self.ctx.backend.db

        def checked(problems: list[str]) -> None:
            if generation == self._check_generation and form is self.form:
                self._show_problems(problems)
        self.ctx.tasks.run(lambda: editing.check_record(db, kind=kind, key=key, value=value,
                                                        expected_version=expected, under=under),
                           name="editor: check the form", on_done=checked, on_error=self._say_error)

    def _show_problems(self, problems: list[str], *, saving: bool = False) -> None:
        loose = self.form.show_problems(problems) if self.form is not None else problems
        lines = [f"⚠ {line}" for line in loose]
        if problems:
            count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
            head = (f"Not saved: {count}, each shown at its field." if saving
                    else f"{count} (shown at the fields): the importer would refuse this record as it stands.")
            lines.insert(0, head)
        self._say_problem("\n".join(lines))

    # ------------------------------------------------------------ saving

    def save(self) -> None:
        form = self.form
        if form is None or self._saving:
            return
        if not self._may_edit:
            self._say_problem(READ_ONLY_LINE)
            return
        if form.kind == "overrides" and self.record is not None:
            self._say_problem("⚠ An override is not edited: delete it (Ctrl+Del) and add the one you want (Ctrl+N).")
            return
        value = form.value()
        kind, key, under = form.kind, form.key_for(value), form.under()
        expected = self._expected_version
        actor, at, db = self.ctx.actor_id, self.ctx.clock.now(), self.ctx.backend.db
        self._check_timer.stop()
        self._check_generation += 1
        self._saving = True
        self._show_state()
        self.ctx.tasks.run(lambda: editing.save_record(db, actor=actor, kind=kind, key=key, value=value,
                                                       expected_version=expected, at=at, under=under),
                           write=True, name="editor: save", on_done=lambda saved: self._on_saved(saved, value),
                           on_error=self._on_save_failed)

    def _on_saved(self, saved: Saved, value: dict) -> None:
        self._saving = False
        # The form as saved is the new baseline at once: the change feed's echo of this very
        # save must not read as somebody else's edit.
        self._expected_version = saved.version
        self._baseline = value
        self.conflict.dismiss()
        self._set_conflict_actions(False)
        name = f"{SINGULAR[saved.kind]} {self._record_name() or saved.key}"
        if saved.changed:
            self.statusBar().showMessage(f"Saved {name}: version {saved.version}.", 8000)
        else:
            self.statusBar().showMessage(f"Nothing to save: {name} already reads like this.", 8000)
        warnings = "\n".join(f"⚠ Saved, with a warning: {w}" for w in saved.warnings)

        def reloaded() -> None:
            self._say_problem(warnings)
            self.navigator.select(saved.kind, saved.key)
        self._load(saved.kind, saved.key, then=reloaded)
        if saved.changed:
            self.environment_changed.emit(saved)
            self.reload_outline()
        self.record_saved.emit(saved)
        self._show_state()

    def _on_save_failed(self, error: DispatchError) -> None:
        self._saving = False
        if isinstance(error, StaleSave):
            self._raise_conflict(error.changed_by, error.changed_at, error.version)
        elif isinstance(error, NotAllowed):
            self._say_problem(f"⚠ Not saved: {error}")
        else:
            self._show_problems(error.problems, saving=True)
        self._show_state()

    # ------------------------------------------------------------ two people, one record

    def _raise_conflict(self, who_id: str | None, when, version: int | None) -> None:
        who = (self.outline.tech_name(who_id) if self.outline and who_id else who_id) or "Somebody"
        when_text = self.ctx.clock.stamp(when) if when is not None else "an unknown time"
        self._conflict_version = version
        self._conflict_deleted = version is None
        self.conflict.raise_for(who, when_text, deleted=version is None)
        opened = f" (you opened version {self._expected_version})" if self._expected_version else ""
        self.version_label.setText(f"Stored now: version {version} · last changed by {who} at {when_text}{opened}"
                                   if version is not None else f"Deleted by {who} at {when_text}{opened}")
        self._set_conflict_actions(True)
        self.show_theirs_action.setEnabled(version is not None)
        self._say_problem("")

    def show_theirs(self) -> None:
        if self.record is None or self._conflict_deleted or not self.conflict.isVisible():
            return
        kind, key, db = self.record.kind, self.record.key, self.ctx.backend.db

        def shown(theirs: RecordData) -> None:
            if self.form is not None:
                self.conflict.show_differences(theirs.data, self.form.value())
        self.ctx.tasks.run(lambda: editing.get_record_data(db, kind, key), name="editor: their version",
                           on_done=shown, on_error=self._say_error)

    def overwrite_with_mine(self) -> None:
        """Save the form over their version: a deliberate choice, recorded as this user's change."""
        if not self.conflict.isVisible() or self.form is None:
            return
        if self._conflict_deleted and self.record is not None:
            client = self.record.client
            self.new = NewRecord(self.record.kind, client, self.record.under)
            self.record = None
            self.form.record = None
            self.form.new = self.new
            self._expected_version = None
        else:
            self._expected_version = self._conflict_version
        self.save()

    def discard_mine(self) -> None:
        if not self.conflict.isVisible():
            return
        self.conflict.dismiss()
        self._set_conflict_actions(False)
        if self.record is not None and not self._conflict_deleted:
            self._load(self.record.kind, self.record.key)
        else:
            self._show_nothing()

    def _on_changes_arrived(self, changes) -> None:
        """Another workstation (or this one) wrote: refresh the list, and look at the open record."""
        if not (changes.environment_changed or changes.reset):
            return
        if not self.isVisible():
            self._outline_stale = True  # read again when shown
            return
        self._outline_timer.start()
        record = self.record
        if record is None or self._saving:
            return
        self._remote_generation += 1
        generation = self._remote_generation
        db = self.ctx.backend.db

        def looked(current: RecordData) -> None:
            if generation != self._remote_generation or self.record is None or self._saving:
                return
            if (current.kind, current.key) != (self.record.kind, self.record.key):
                return
            if current.version == self._expected_version or current.version == self._conflict_version:
                return
            if self.is_dirty():
                self._raise_conflict(current.updated_by, current.updated_at, current.version)
            else:
                self._generation += 1
                self._fill(current, None, current.data)
                self._load_history()
                who = current.updated_by_name or "an import"
                self.statusBar().showMessage(f"{who} saved a newer version: the form shows it.", 8000)
                self.record_shown.emit(current.kind, current.key)

        def gone(error: DispatchError) -> None:
            if generation != self._remote_generation or self.record is None:
                return
            if isinstance(error, NotFound):
                if self.is_dirty():
                    self._raise_conflict(None, None, None)
                else:
                    self._show_nothing()
                    self.version_label.setText("The record you had open was deleted on another workstation.")
            else:
                self._say_error(error)
        self.ctx.tasks.run(lambda: editing.get_record_data(db, record.kind, record.key),
                           name="editor: look at the open record", on_done=looked, on_error=gone)

    # ------------------------------------------------------------ leaving a form

    def _leave_then(self, going: str, then: Callable[[], None], on_keep: Callable[[], None] | None = None) -> None:
        """Run ``then``, asking first when the form has unsaved edits."""
        if not self.is_dirty():
            then()
            return
        what = f"{SINGULAR.get(self.form.kind, 'record')} {self._record_name()}".strip()  # type: ignore[union-attr]

        def discarded() -> None:
            self._baseline = self.form.value() if self.form is not None else None
            then()
        self.question = ask_discard(self, what, going, discarded)
        if on_keep is not None:
            self.question.finished.connect(
                lambda _r, box=self.question: on_keep() if box.clickedButton() is not box.proceed_button else None)

    def _reselect_open_record(self) -> None:
        if self.record is not None:
            self.navigator.select(self.record.kind, self.record.key)

    def _on_record_chosen(self, kind: str, key: str) -> None:
        self.open_record(kind, key)

    def revert(self) -> None:
        """Back to the stored record (asks first when there are edits)."""
        if self.form is None or not self.is_dirty():
            return

        def reverted() -> None:
            if self.record is not None:
                self._load(self.record.kind, self.record.key)
            elif self.new is not None:
                self._start_new(self.new)
        self._leave_then("go back to the stored record", reverted)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._outline_stale:
            self._outline_stale = False
            self.reload()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.is_dirty() and not self._close_confirmed:
            event.ignore()

            def close_anyway() -> None:
                self._close_confirmed = True
                self.close()
            self._leave_then("close the editor", close_anyway)
            return
        self._close_confirmed = False
        self._check_timer.stop()
        self._outline_timer.stop()
        super().closeEvent(event)

    # ------------------------------------------------------------ new and delete

    def _new_target(self, kind: str | None) -> NewRecord | None:
        node = self.navigator.current()
        client_id = node.client if node is not None else None
        if client_id is None and self.record is not None and self.record.client is not None:
            client_id = self.record.client.id
        client = self.outline.client(client_id) if self.outline is not None and client_id else None
        if kind is None:
            if node is None:
                kind = self.form.kind if self.form is not None else "clients"
            elif node.kind == "section":
                kind = node.key
            elif node.kind == "systems-of":
                kind = "systems"
            elif node.kind == "runbooks-of":
                kind = "runbooks"
            else:
                kind = node.kind
        if kind in ("systems", "runbooks") and client is None:
            self._say_problem(f"⚠ Choose the client first: a new {SINGULAR[kind]} belongs to a client.")
            return None
        under = None
        if kind == "runbooks" and node is not None:
            if node.kind == "systems":
                under = node.key.split("/", 1)[1]
            elif node.kind == "runbooks" and node.parent is not None and node.parent.kind == "systems":
                under = node.parent.key.split("/", 1)[1]
        if kind in ("clients", "technicians", "rotations", "overrides"):
            client = None
        return NewRecord(kind, client, under)

    def delete_record(self) -> None:
        if not self._may_edit:
            self._say_problem(READ_ONLY_LINE)
            return
        record = self.record
        if record is None:
            if self.new is not None and self.is_dirty():
                self.revert()
            return
        what = f"{SINGULAR[record.kind]} {self._record_name() or record.key}"
        detail = ("The change is recorded in the history. Anything that still names it (a rotation, an expert, "
                  "a dependency) makes the delete refused, with where.")
        if record.kind == "technicians":
            detail += " A technician named by past calls is marked inactive instead."
        self.question = ask_delete(self, what, detail, lambda: self._delete(record))

    def _delete(self, record: RecordData) -> None:
        what = f"{SINGULAR[record.kind]} {self._record_name() or record.key}"
        actor, at, db = self.ctx.actor_id, self.ctx.clock.now(), self.ctx.backend.db
        expected = self._expected_version if self._expected_version is not None else record.version

        def deleted(saved: Saved) -> None:
            self.environment_changed.emit(saved)
            self.reload_outline()
            # a technician named by past calls is kept, inactive: it opens again, marked so
            self._load(record.kind, record.key, gone=f"{KIND_TITLES[record.kind]} {record.key} was deleted.",
                       then=lambda: self.statusBar().showMessage(
                           f"{KIND_TITLES[record.kind]} {record.key} is named by past calls: marked inactive.", 8000))
            self.statusBar().showMessage(f"Deleted {what}.", 8000)

        def refused(error: DispatchError) -> None:
            if isinstance(error, StaleSave):
                self._raise_conflict(error.changed_by, error.changed_at, error.version)
            else:
                self._say_problem("\n".join(["⚠ Not deleted:"] + [f"⚠ {p}" for p in error.problems]))
        self.ctx.tasks.run(lambda: editing.delete_record(db, actor=actor, kind=record.kind, key=record.key,
                                                         expected_version=expected, at=at),
                           write=True, name="editor: delete", on_done=deleted, on_error=refused)

    # ------------------------------------------------------------ who is at the desk

    def _on_theme_changed(self, name: str) -> None:
        self.setStyleSheet(editor_style(name))

    def _on_technician_signed_in(self, actor: Actor) -> None:
        self._apply_role(actor)

    def _apply_role(self, actor: Actor) -> None:
        self._may_edit = actor.has_role(*editing.EDIT_ROLES)
        who = (f"{actor.tech.name} ({', '.join(actor.roles) or 'no role'})" if actor.tech is not None
               else "the anonymous dispatcher")
        self.banner_line.setText(f"{READ_ONLY_LINE} You are signed in as {who}: you can read every record and "
                                 "its history; saving is refused.")
        self.banner.setVisible(not self._may_edit)
        for form in self.forms.values():
            form.set_editable(self._may_edit)
        for action in (self.save_action, self.new_action, self.delete_action):
            action.setEnabled(self._may_edit)
        self.new_button.setEnabled(self._may_edit)
        self._show_state()
