"""The bundle round trip from the console (issue 7, item 5).

Import: a dry run always comes first. Import is enabled only after a clean dry run of the
same file with the same options, and the file must still read the same when Import is
pressed (its size, modification time and SHA-256 are taken at the dry run and compared again
inside the import's task). A bundle with problems lists each one against its path.

Export: the environment written as a bundle, the files it wrote listed.

Roles are the service's: importing needs lead or admin (except into an empty database);
exporting is open to everyone. A refusal is shown in the dialog as the service words it.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, Qt, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dispatch_app.errors import DispatchError, NotAllowed
from dispatch_app.services.environment import ImportReport
from dispatch_app.ui.context import Context
from dispatch_app.ui.models.table import Column, RowsModel
from dispatch_app.ui.theme import repolish
from dispatch_app.ui.views.panes import buddy_label
from dispatch_app.ui.views.tables import read_only

BUNDLE_FILTER = "Bundles (*.yaml *.yml *.json);;All files (*)"


# ---------------------------------------------------------------- values


@dataclass(frozen=True)
class Fingerprint:
    """What a file read as when it was checked."""

    size: int
    modified_ns: int
    sha256: str


def fingerprint(path: Path) -> Fingerprint:
    data = path.read_bytes()
    return Fingerprint(len(data), path.stat().st_mtime_ns, hashlib.sha256(data).hexdigest())


def safe_fingerprint(path: Path) -> Fingerprint | None:
    try:
        return fingerprint(path)
    except OSError:
        return None  # the importer says why it cannot read the file


@dataclass(frozen=True)
class Problem:
    """One bundle problem split at its path: ``clients[0].systems[1].fix_level`` | ``5 is out of range``."""

    number: int
    path: str
    text: str

    @property
    def id(self) -> int:
        return self.number

    @property
    def line(self) -> str:
        return f"{self.path}: {self.text}" if self.path else self.text


def split_at_paths(lines: list[str] | tuple[str, ...]) -> list[Problem]:
    """The importer words each problem and warning ``path: message``; a message without a
    path keeps an empty path."""
    out = []
    for number, line in enumerate(lines, start=1):
        path, sep, text = line.partition(": ")
        if not sep or (" " in path and "/" not in path and "\\" not in path):
            path, text = "", line
        out.append(Problem(number, path, text))
    return out


@dataclass(frozen=True)
class KindLine:
    kind: str
    added: int
    updated: int
    removed: int
    deactivated: int
    unchanged: int

    @property
    def id(self) -> str:
        return self.kind


def kind_lines(report: ImportReport) -> list[KindLine]:
    return [KindLine(kind, c.added, c.updated, c.removed, c.deactivated, c.unchanged)
            for kind, c in report.counts.items()]


@dataclass(frozen=True)
class Checked:
    """A dry run's report and what the file read as just before it."""

    report: ImportReport
    before: Fingerprint | None


# ---------------------------------------------------------------- models

CENTER = Qt.AlignmentFlag.AlignCenter


def _count(n: int) -> str:
    return str(n) if n else "–"


class ProblemsModel(RowsModel[Problem]):
    columns = (
        Column("Path", lambda p: p.path or "(the file)", tooltip=lambda p: p.path),
        Column("Problem", lambda p: p.text, tooltip=lambda p: p.text),
    )


class WarningsModel(RowsModel[Problem]):
    columns = (
        Column("Path", lambda p: p.path or "(the file)", tooltip=lambda p: p.path),
        Column("Warning", lambda p: f"⚠ {p.text}", tooltip=lambda p: p.text),
    )


class KindCountsModel(RowsModel[KindLine]):
    """Per kind of record; the kinds that change are bold (their figures say so too)."""

    columns = (
        Column("Records", lambda k: k.kind),
        Column("Added", lambda k: _count(k.added), sort=lambda k: k.added, align=CENTER),
        Column("Changed", lambda k: _count(k.updated), sort=lambda k: k.updated, align=CENTER),
        Column("Removed", lambda k: _count(k.removed), sort=lambda k: k.removed, align=CENTER),
        Column("Deactivated", lambda k: _count(k.deactivated), sort=lambda k: k.deactivated, align=CENTER,
               tooltip=lambda k: "kept because calls name them, marked inactive"),
        Column("Unchanged", lambda k: _count(k.unchanged), sort=lambda k: k.unchanged, align=CENTER),
    )

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.FontRole and index.isValid():
            row = self.value(index.row())
            if row.added or row.updated or row.removed or row.deactivated:
                font = QFont()
                font.setBold(True)
                return font
        return super().data(index, role)


def _table(model: QAbstractTableModel, name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    read_only(view, single=False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.setTabKeyNavigation(False)
    view.setAccessibleName(name)
    return view


def selected_text(view: QTableView) -> str:
    """The selected rows (all rows when none is selected) as tab-separated lines."""
    model = view.model()
    rows = sorted({i.row() for i in view.selectionModel().selectedIndexes()}) or range(model.rowCount())
    return "\n".join("\t".join(str(model.index(r, c).data() or "") for c in range(model.columnCount()))
                     for r in rows)


def _fit_height(view: QTableView) -> None:
    """A short fixed list shown whole, without an inner scroll bar."""
    view.resizeRowsToContents()
    height = view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth() + 2
    for row in range(view.model().rowCount()):
        height += max(view.rowHeight(row), view.sizeHintForRow(row))
    view.setFixedHeight(height)


def changes_in_words(report: ImportReport) -> str:
    """The report's own lines per kind (``systems: 1 would be updated``), on one line."""
    lines = [line.strip() for line in report.describe().splitlines()[1:] if not line.startswith("warning:")]
    return " · ".join(lines)


def _state(label: QLabel, text: str, role: str = "") -> None:
    label.setText(text)
    label.setProperty("role", role)
    repolish(label)


def _path_row(edit: QLineEdit, label_text: str, browse: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(buddy_label(label_text, edit))
    row.addWidget(edit, 1)
    row.addWidget(browse)
    return row


# ---------------------------------------------------------------- import


class BundleImportDialog(QDialog):
    """Signals:
        checked(object): a dry run finished (its ImportReport).
        refused(object): a dry run or import was refused (the DispatchError).
        imported(object): the bundle was imported (its ImportReport); reload the environment.
    """

    checked = Signal(object)
    refused = Signal(object)
    imported = Signal(object)

    def __init__(self, ctx: Context, parent: QWidget | None = None, *, path: str | Path | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._clean: tuple[str, bool, bool, Fingerprint | None] | None = None
        """(path, replace, strict, fingerprint) of the last clean dry run that would change something."""
        self._task = None
        self.setWindowTitle("Import environment bundle")
        self.setObjectName("bundle_import")
        self.resize(1100, 720)

        intro = QLabel("Choose a bundle file. It is checked first (a dry run: nothing is written); "
                       "Import is possible once the check is clean.")
        intro.setWordWrap(True)
        self.path = QLineEdit()
        self.path.setPlaceholderText("/path/to/environment.yaml")
        self.path.setAccessibleName("Bundle file")
        self.path.returnPressed.connect(self.check)
        self.path.textChanged.connect(self._on_options_changed)
        self.browse_button = QPushButton("&Browse…")
        self.browse_button.setToolTip("Choose the bundle file (Alt+B)")
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self.browse)
        self.replace = QCheckBox("&Replace: also remove what the bundle no longer lists")
        self.replace.toggled.connect(self._on_options_changed)
        self.strict = QCheckBox("S&trict: refuse runbooks whose text looks like it holds a secret")
        self.strict.toggled.connect(self._on_options_changed)

        self.state = QLabel("")
        self.state.setWordWrap(True)
        self.state.setAccessibleName("Check result")
        self.state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.counts_title = QLabel("WHAT WOULD CHANGE")
        self.counts_title.setProperty("role", "pane-title")
        self.counts_model = KindCountsModel(self)
        self.counts_table = _table(self.counts_model, "What would change, per kind of record")
        self.counts_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.warnings_title = QLabel("WARNINGS")
        self.warnings_title.setProperty("role", "pane-title")
        self.warnings_model = WarningsModel(self)
        self.warnings = _table(self.warnings_model, "Warnings")
        self.warnings.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)

        self.problems_title = QLabel("PROBLEMS · EACH AGAINST ITS PATH IN THE BUNDLE")
        self.problems_title.setProperty("role", "pane-title")
        self.problems_model = ProblemsModel(self)
        self.problems_table = _table(self.problems_model, "Problems in the bundle")
        self.problems_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        copy = QAction("Copy", self.problems_table)
        copy.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
        copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy.triggered.connect(self.copy_problems)
        self.problems_table.addAction(copy)
        self.copy_button = QPushButton("&Copy problems")
        self.copy_button.setToolTip("Copy the selected problems (all when none is selected) as text "
                                    "(Alt+C; Ctrl+C in the list)")
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_problems)

        self.check_button = QPushButton("Chec&k (dry run)")
        self.check_button.setToolTip("Check the file against the database; nothing is written "
                                     "(Alt+K; Enter in the file field)")
        self.check_button.setAutoDefault(False)
        self.check_button.clicked.connect(self.check)
        self.import_button = QPushButton("&Import")
        self.import_button.setMinimumWidth(140)
        self.import_button.setToolTip("Write the checked bundle into the database (Alt+I)")
        self.import_button.setAutoDefault(False)
        self.import_button.clicked.connect(self.import_now)
        self.close_button = QPushButton("Close")
        self.close_button.setToolTip("Close; nothing more is written (Esc)")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(_path_row(self.path, "&File:", self.browse_button))
        layout.addWidget(self.replace)
        layout.addWidget(self.strict)
        layout.addWidget(self.state)
        layout.addWidget(self.counts_title)
        layout.addWidget(self.counts_table)
        layout.addWidget(self.warnings_title)
        layout.addWidget(self.warnings, 1)
        layout.addWidget(self.problems_title)
        layout.addWidget(self.problems_table, 3)
        copy_row = QHBoxLayout()
        copy_row.addStretch(1)
        copy_row.addWidget(self.copy_button)
        layout.addLayout(copy_row)
        layout.addStretch(1)  # below whatever is shown, not between it
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        self._show_nothing_checked()
        if path:
            self.path.setText(str(path))

    # ------------------------------------------------------------ public

    @property
    def may_import(self) -> bool:
        return self.import_button.isEnabled()

    def browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Import environment bundle", self.path.text(), BUNDLE_FILTER)
        if chosen:
            self.path.setText(chosen)
            self.check()

    def check(self) -> None:
        """The dry run: everything is checked, the database's own constraints included, and
        nothing is written."""
        text = self.path.text().strip()
        if not text:
            _state(self.state, "⚠ Choose a bundle file first (Alt+F, or Browse… Alt+B).", "caution")
            return
        path, replace, strict = Path(text).expanduser(), self.replace.isChecked(), self.strict.isChecked()
        backend, actor, at = self._ctx.backend, self._ctx.actor_id, self._ctx.clock.now()

        def work() -> Checked:
            before = safe_fingerprint(path)
            report = backend.import_bundle(path, actor=actor, replace=replace, strict=strict, dry_run=True, at=at)
            return Checked(report, before)

        self._start(f"Checking {path}…")
        self._task = self._ctx.tasks.run(work, write=True, name="check bundle",
                                         on_done=lambda checked: self._on_checked(checked, str(path), replace, strict),
                                         on_error=self._on_refused)

    def import_now(self) -> None:
        if self._clean is None:
            return
        path_text, replace, strict, expected = self._clean
        path = Path(path_text)
        backend, actor, at = self._ctx.backend, self._ctx.actor_id, self._ctx.clock.now()

        def work() -> ImportReport:
            if safe_fingerprint(path) != expected:
                raise DispatchError(f"{path}: the file changed since it was checked; check it again (Alt+K)")
            return backend.import_bundle(path, actor=actor, replace=replace, strict=strict, at=at)

        self._start(f"Importing {path}…")
        self._task = self._ctx.tasks.run(work, write=True, name="import bundle", on_done=self._on_imported,
                                         on_error=self._on_refused)

    def copy_problems(self) -> None:
        text = selected_text(self.problems_table)
        if text:
            QApplication.clipboard().setText(text)

    def done(self, result: int) -> None:
        if self._task is not None:
            self._task.cancel()  # a write under way finishes; its result is no longer shown
        super().done(result)

    # ------------------------------------------------------------ results

    def _start(self, text: str) -> None:
        self._clean = None
        self.import_button.setEnabled(False)
        self.check_button.setEnabled(False)
        _state(self.state, text, "muted")

    def _on_options_changed(self, *_args) -> None:
        if self._clean is not None:
            self._clean = None
            self.import_button.setEnabled(False)
            _state(self.state, "The file or the options changed: check again (Enter in the file field, or Alt+K).",
                   "muted")

    def _on_checked(self, checked: Checked, path: str, replace: bool, strict: bool) -> None:
        self._task = None
        self.check_button.setEnabled(True)
        report = checked.report
        self._show_report(report)
        self._show_problems([])
        unchanged = (self.path.text().strip() and str(Path(self.path.text().strip()).expanduser()) == path
                     and self.replace.isChecked() == replace and self.strict.isChecked() == strict)
        if not unchanged:  # edited while the check ran
            _state(self.state, "The file or the options changed while checking: check again (Alt+K).", "muted")
        elif report.changed:
            self._clean = (path, replace, strict, checked.before)
            self.import_button.setEnabled(True)
            self.import_button.setDefault(True)
            self.import_button.setFocus()
            warned = f" with {len(report.warnings)} warning{'s' if len(report.warnings) != 1 else ''}" \
                if report.warnings else ""
            _state(self.state, f"✔ Checked{warned}: nothing was written yet. Import (Alt+I) makes these changes: "
                   f"{changes_in_words(report)}.", "match")
        else:
            _state(self.state, "✔ Checked: nothing would change; the database already holds all of it. "
                   "Nothing to import.", "match")
        self.checked.emit(report)

    def _on_imported(self, report: ImportReport) -> None:
        self._task = None
        self._clean = None
        self.check_button.setEnabled(True)
        self.import_button.setEnabled(False)
        self._show_report(report, done=True)
        _state(self.state, f"✔ Imported {report.path} at {self._ctx.clock.stamp(self._ctx.clock.now())}.", "match")
        self.close_button.setDefault(True)
        self.close_button.setFocus()
        self.imported.emit(report)

    def _on_refused(self, error: DispatchError) -> None:
        self._task = None
        self._clean = None
        self.check_button.setEnabled(True)
        self.import_button.setEnabled(False)
        self._show_report(None)
        if isinstance(error, NotAllowed):
            self._show_problems([])
            _state(self.state, f"✖ Refused: {error}", "caution")
        else:
            problems = split_at_paths(error.problems)
            self._show_problems(problems)
            n = len(problems)
            _state(self.state, f"✖ {n} problems: nothing was imported. Fix the file and check again." if n > 1
                   else f"✖ Nothing was imported: {problems[0].line}", "caution")
            self.problems_table.setFocus()
        self.refused.emit(error)

    def _show_nothing_checked(self) -> None:
        self.import_button.setEnabled(False)
        self._show_report(None)
        self._show_problems([])
        _state(self.state, "Not checked yet.", "muted")

    def _show_report(self, report: ImportReport | None, *, done: bool = False) -> None:
        self.counts_model.set_rows(kind_lines(report) if report else [])
        _fit_height(self.counts_table)
        visible = report is not None
        self.counts_title.setText("WHAT CHANGED" if done else "WHAT WOULD CHANGE (DRY RUN: NOTHING WRITTEN)")
        self.counts_title.setVisible(visible)
        self.counts_table.setVisible(visible)
        self.warnings_model.set_rows(split_at_paths(report.warnings) if report else [])
        has_warnings = bool(report and report.warnings)
        self.warnings_title.setVisible(has_warnings)
        self.warnings.setVisible(has_warnings)

    def _show_problems(self, problems: list[Problem]) -> None:
        self.problems_model.set_rows(problems)
        for widget in (self.problems_title, self.problems_table, self.copy_button):
            widget.setVisible(bool(problems))


# ---------------------------------------------------------------- export


class BundleExportDialog(QDialog):
    """Signals:
        exported(list): the files written (the bundle last), as paths.
    """

    exported = Signal(list)

    def __init__(self, ctx: Context, parent: QWidget | None = None, *, path: str | Path | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._task = None
        self.setWindowTitle("Export environment")
        self.setObjectName("bundle_export")
        self.setMinimumWidth(820)
        intro = QLabel("Write the whole environment as a bundle file (YAML or JSON, by its extension). "
                       "iCalendar rotations are written beside it. Bundles hold no secrets.")
        intro.setWordWrap(True)
        self.path = QLineEdit(str(path) if path else str(default_export_path(ctx.clock.now())))
        self.path.setAccessibleName("Bundle file to write")
        self.path.returnPressed.connect(self.export)
        self.path.textChanged.connect(self._on_path_changed)
        self.browse_button = QPushButton("&Browse…")
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self.browse)
        self.state = QLabel("")
        self.state.setWordWrap(True)
        self.state.setAccessibleName("Export result")
        self.state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_button = QPushButton("&Export")
        self.export_button.setToolTip("Write the file (Alt+E; Enter in the file field)")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export)
        self.close_button = QPushButton("Close")
        self.close_button.setToolTip("Esc")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(_path_row(self.path, "&File:", self.browse_button))
        layout.addWidget(self.state)
        layout.addLayout(buttons)
        self._on_path_changed(self.path.text())
        self.path.setFocus()

    def _on_path_changed(self, text: str) -> None:
        path = Path(text.strip()).expanduser() if text.strip() else None
        if path is not None and path.is_file():
            _state(self.state, f"⚠ {path} exists: Export replaces it.", "nomatch")
        else:
            _state(self.state, "", "")

    def browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "Export environment", self.path.text(), BUNDLE_FILTER)
        if chosen:
            self.path.setText(chosen)

    def export(self) -> None:
        text = self.path.text().strip()
        if not text:
            _state(self.state, "⚠ Say where to write the bundle.", "caution")
            return
        path = Path(text).expanduser()
        backend, actor = self._ctx.backend, self._ctx.actor_id
        self.export_button.setEnabled(False)
        _state(self.state, f"Writing {path}…", "muted")
        self._task = self._ctx.tasks.run(lambda: backend.export_bundle(path, actor=actor), name="export bundle",
                                         on_done=self._on_exported, on_error=self._on_failed)

    def done(self, result: int) -> None:
        if self._task is not None:
            self._task.cancel()
        super().done(result)

    def _on_exported(self, files: list[Path]) -> None:
        self._task = None
        self.export_button.setEnabled(True)
        lines = "\n".join(f"  {f}" for f in files)
        _state(self.state, f"✔ Exported the environment. Wrote:\n{lines}", "match")
        self.close_button.setDefault(True)
        self.close_button.setFocus()
        self.exported.emit(list(files))

    def _on_failed(self, error: DispatchError) -> None:
        self._task = None
        self.export_button.setEnabled(True)
        _state(self.state, "⚠ Not exported: " + "; ".join(error.problems), "caution")


def default_export_path(now: datetime) -> Path:
    return Path.home() / f"environment-{now.strftime('%Y-%m-%d')}.yaml"
