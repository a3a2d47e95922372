"""The bundle round trip from the console: a dry run first, the problems against their paths,
then the import; the export that imports back unchanged; the service's refusals shown."""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from dispatch_app.services import editing, environment
from dispatch_app.ui.dialogs.bundle_dialog import BundleExportDialog, BundleImportDialog

from tests.ui.conftest import NORTHWIND

NORTHWIND_TEXT = NORTHWIND.read_text(encoding="utf-8")


def _dialog(console, qtbot, cls=BundleImportDialog, **kwargs):
    dialog = cls(console.window.context(), console.window, **kwargs)
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    return dialog


def _check(dialog, qtbot, path: Path, signal) -> None:
    dialog.path.clear()
    qtbot.keyClicks(dialog.path, str(path))
    with qtbot.waitSignal(signal, timeout=10000):
        qtbot.keyClick(dialog.path, Qt.Key.Key_Return)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_malformed_bundle_lists_every_problem_against_its_path_and_changes_nothing(
        console_factory, northwind_url, qtbot, tmp_path):
    console = console_factory(northwind_url, signed_in="dana")
    db = console.backend.db
    before = environment.load_environment(db)
    version = editing.get_record(db, "systems", "acme/erp-plc").version
    bad = _write(tmp_path, "bad.yaml", NORTHWIND_TEXT
                 .replace("fix_level: 4\n        depends_on: [erp]", "fix_level: 7\n        depends_on: [erp]")
                 .replace("- {tech: lee, role: secondary}", "- {tech: zed, role: secondary}"))
    dialog = _dialog(console, qtbot)
    assert not dialog.import_button.isEnabled()
    _check(dialog, qtbot, bad, dialog.refused)
    rows = [(dialog.problems_model.index(r, 0).data(), dialog.problems_model.index(r, 1).data())
            for r in range(dialog.problems_model.rowCount())]
    assert rows == [("clients[0].systems[0].fix_level", "7 is out of range (1-4)"),
                    ("clients[0].systems[0].experts[1].tech", "no technician 'zed'")]
    assert dialog.problems_table.isVisible() and not dialog.counts_table.isVisible()
    assert "2 problems: nothing was imported" in dialog.state.text()
    assert not dialog.import_button.isEnabled()
    # selectable and copyable: Ctrl+C in the list copies the selected rows as text
    dialog.problems_table.selectAll()
    qtbot.keyClick(dialog.problems_table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == ("clients[0].systems[0].fix_level\t7 is out of range (1-4)\n"
                                               "clients[0].systems[0].experts[1].tech\tno technician 'zed'")
    # pressing Import anyway (it is disabled) writes nothing
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert environment.load_environment(db) == before
    assert editing.get_record(db, "systems", "acme/erp-plc").version == version
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_a_changed_bundle_is_checked_then_imported(console_factory, northwind_url, qtbot, tmp_path):
    console = console_factory(northwind_url, signed_in="dana")
    db = console.backend.db
    changed = _write(tmp_path, "changed.yaml", NORTHWIND_TEXT
                     .replace("name: ERP server\n", "name: ERP server (SAP)\n")
                     .replace("2. Reset the password in the admin center; require change at next sign-in.",
                              "2. Reset the password in the admin center; require change at next sign-in.\n"
                              "              3. Fallback admin password: Plant-Hunter2!"))
    dialog = _dialog(console, qtbot)
    _check(dialog, qtbot, changed, dialog.checked)
    counts = {dialog.counts_model.index(r, 0).data(): [dialog.counts_model.index(r, c).data() for c in range(1, 6)]
              for r in range(dialog.counts_model.rowCount())}
    assert counts["systems"][:3] == ["–", "1", "–"]  # one changed
    assert counts["runbooks"][:3] == ["–", "1", "–"]
    assert "nothing was written yet" in dialog.state.text() and "1 warning" in dialog.state.text()
    assert [dialog.warnings_model.index(0, c).data() for c in (0, 1)] == [
        "clients[0].systems[2].runbooks[0].body",
        "⚠ looks like it holds a password; name where the secret is kept instead"]
    assert environment.load_environment(db).client("acme").system("erp").name == "ERP server"  # a dry run
    assert dialog.import_button.isEnabled()

    # the file changes after the check: Import refuses, nothing written
    os.utime(changed, ns=(changed.stat().st_atime_ns, changed.stat().st_mtime_ns + 1_000_000_000))
    with qtbot.waitSignal(dialog.refused, timeout=10000):
        qtbot.keyClick(dialog, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
    assert "changed since it was checked" in dialog.state.text()
    assert not dialog.import_button.isEnabled()
    assert environment.load_environment(db).client("acme").system("erp").name == "ERP server"

    # check again, then Import (Alt+I) writes it
    with qtbot.waitSignal(dialog.checked, timeout=10000):
        qtbot.keyClick(dialog, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    with qtbot.waitSignal(dialog.imported, timeout=10000):
        qtbot.keyClick(dialog, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
    assert dialog.state.text().startswith(f"✔ Imported {changed}")
    assert dialog.counts_title.text() == "WHAT CHANGED"
    env = environment.load_environment(db)
    assert env.client("acme").system("erp").name == "ERP server (SAP)"
    assert "Plant-Hunter2!" in env.client("acme").system("m365").runbooks[0].body
    assert not dialog.import_button.isEnabled()


def test_editing_the_path_after_a_clean_check_disables_import(console_factory, northwind_url, qtbot, tmp_path):
    console = console_factory(northwind_url, signed_in="dana")
    changed = _write(tmp_path, "changed.yaml", NORTHWIND_TEXT.replace("name: ERP server\n", "name: ERP\n"))
    dialog = _dialog(console, qtbot)
    _check(dialog, qtbot, changed, dialog.checked)
    assert dialog.import_button.isEnabled()
    qtbot.keyClicks(dialog.path, "x")
    assert not dialog.import_button.isEnabled() and "check again" in dialog.state.text()
    dialog.path.backspace()
    dialog.replace.setChecked(True)
    assert not dialog.import_button.isEnabled()


def test_an_export_imports_back_with_no_changes(console_factory, northwind_url, qtbot, tmp_path):
    console = console_factory(northwind_url, signed_in="jordan")  # exporting is open to everyone
    target = tmp_path / "out" / "northwind.yaml"
    target.parent.mkdir()
    export = _dialog(console, qtbot, BundleExportDialog, path=target)
    with qtbot.waitSignal(export.exported, timeout=10000) as written:
        qtbot.keyClick(export.path, Qt.Key.Key_Return)
    assert written.args[0] == [target] and target.exists()
    assert str(target) in export.state.text() and export.state.text().startswith("✔ Exported")
    export.path.clear()  # the same path once more: it exists now, and the dialog says so
    qtbot.keyClicks(export.path, str(target))
    assert export.state.text() == f"⚠ {target} exists: Export replaces it."
    export.reject()
    # a lead signs in at this desk and checks it back: nothing would change
    window = console.window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.controllers["sign_in"].dialog.isVisible(), timeout=3000)
    qtbot.keyClicks(window.controllers["sign_in"].dialog.filter, "dana")
    qtbot.keyClick(window.controllers["sign_in"].dialog.filter, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.actor.id == "dana", timeout=5000)
    dialog = _dialog(console, qtbot)
    _check(dialog, qtbot, target, dialog.checked)
    assert "nothing would change" in dialog.state.text()
    assert not dialog.import_button.isEnabled()


def test_a_dispatchers_import_is_refused_with_the_services_message(console_factory, northwind_url, qtbot, tmp_path):
    console = console_factory(northwind_url, signed_in="jordan")
    changed = _write(tmp_path, "changed.yaml", NORTHWIND_TEXT.replace("name: ERP server\n", "name: ERP\n"))
    dialog = _dialog(console, qtbot)
    _check(dialog, qtbot, changed, dialog.refused)
    assert dialog.state.text() == ("✖ Refused: importing a bundle needs the lead or admin role; "
                                   "'jordan' has dispatcher")
    assert not dialog.import_button.isEnabled() and not dialog.problems_table.isVisible()
    assert environment.load_environment(console.backend.db).client("acme").system("erp").name == "ERP server"


def test_a_first_import_into_an_empty_database_needs_no_role(console_factory, sqlite_url, qtbot):
    console = console_factory(sqlite_url, signed_in=None, start=False)
    dialog = _dialog(console, qtbot, path=NORTHWIND)
    with qtbot.waitSignal(dialog.checked, timeout=10000):
        qtbot.keyClick(dialog.path, Qt.Key.Key_Return)
    counts = {dialog.counts_model.index(r, 0).data(): dialog.counts_model.index(r, 1).data()
              for r in range(dialog.counts_model.rowCount())}
    assert counts["clients"] == "4" and counts["technicians"] == "6"
    with qtbot.waitSignal(dialog.imported, timeout=10000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert [c.id for c in environment.load_environment(console.backend.db).clients] == [
        "acme", "riverside", "harbor", "baker"]


def test_a_missing_file_is_one_problem_against_the_file(console_factory, northwind_url, qtbot, tmp_path):
    console = console_factory(northwind_url, signed_in="dana")
    dialog = _dialog(console, qtbot)
    _check(dialog, qtbot, tmp_path / "nope.yaml", dialog.refused)
    assert dialog.problems_model.rowCount() == 1
    assert dialog.problems_model.index(0, 0).data() == str(tmp_path / "nope.yaml")
    assert dialog.problems_model.index(0, 1).data() == "cannot read the file: No such file or directory"
