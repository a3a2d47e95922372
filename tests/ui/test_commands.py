"""The command registry: one table draws the menus, the shortcuts, the palette and the states
closed to a role; no two commands of one window answer the same keys."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from dispatch_app.services.people import Actor
from dispatch_app.ui.console.command_table import MAIN_COMMANDS


def _scope(owner: QWidget, context: Qt.ShortcutContext) -> QWidget:
    """The widget a shortcut answers in: the window for a window shortcut, else its widget."""
    return owner.window() if context == Qt.ShortcutContext.WindowShortcut else owner


def _bindings(window: QWidget) -> list[tuple[str, QWidget, str]]:
    """(key, the widget it answers in, what it is) of every shortcut of ``window`` that can fire
    now (Qt skips a shortcut whose widget is hidden, such as a form on another page)."""
    found = []
    for action in window.findChildren(QAction):
        owners = [w for w in action.associatedObjects() if isinstance(w, QWidget) and not isinstance(w, QMenu)]
        for owner in owners:
            if owner.window() is not window or not owner.isVisible():
                continue
            for key in action.shortcuts():
                found.append((key.toString(), _scope(owner, action.shortcutContext()), action.text()))
    for shortcut in window.findChildren(QShortcut):
        owner = shortcut.parent()
        if not isinstance(owner, QWidget) or owner.window() is not window or not owner.isVisible():
            continue
        keys = shortcut.keys() if hasattr(shortcut, "keys") else [shortcut.key()]
        for key in keys:
            if not key.isEmpty():
                found.append((key.toString(), _scope(owner, shortcut.context()), f"shortcut {key.toString()}"))
    return found


def _clashes(window: QWidget) -> list[str]:
    """Pairs of bindings on the same keys where one's scope holds the other's."""
    bindings = _bindings(window)
    clashes = []
    for i, (key, scope, what) in enumerate(bindings):
        for other_key, other_scope, other_what in bindings[i + 1:]:
            if key == other_key and (scope is other_scope or scope.isAncestorOf(other_scope)
                                     or other_scope.isAncestorOf(scope)):
                clashes.append(f"{key}: {what!r} and {other_what!r}")
    return clashes


def test_no_two_commands_share_a_shortcut_in_any_window(console_factory, northwind_url, qtbot):
    console = console_factory(northwind_url, signed_in="dana")
    window = console.window
    keys = [QKeySequence(k).toString() for c in MAIN_COMMANDS for k in c.shortcuts]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
    windows = console.window.controllers["windows"]
    others = {"editor": windows.open_editor(), "schedules": windows.open_schedules(),
              "review": windows.open_review(), "runbook care": windows.open_runbook_care()}
    assert len(_bindings(window)) >= len(keys)
    for name, other in {"main window": window, **others}.items():
        assert _bindings(other), name
        assert _clashes(other) == [], name
    for other in others.values():
        other.close()


def test_the_clash_check_finds_a_shared_shortcut(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    child = QWidget(window)
    QShortcut(QKeySequence("Ctrl+K"), window)
    action = QAction("Another", child)
    action.setShortcut(QKeySequence("Ctrl+K"))
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    child.addAction(action)
    window.show()
    assert len(_clashes(window)) == 1
    child.hide()  # a hidden widget's shortcut does not fire
    assert _clashes(window) == []


def test_every_command_is_in_the_menus_the_palette_and_the_sheet(console_factory, northwind_url, qtbot):
    window = console_factory(northwind_url).window
    menus = {a for menu in window.menuBar().findChildren(QMenu) for a in menu.actions()}
    assert [a.objectName() for a in window.all_actions()] == [c.name for c in MAIN_COMMANDS]
    for command in MAIN_COMMANDS:
        action = window.action(command.name)
        assert action in menus, command.name
        assert action.shortcuts(), command.name
        assert command.tip in action.toolTip()
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.palette is not None and window.palette.isVisible(), timeout=3000)
    listed = [window.palette.model.value(r).command.name for r in range(window.palette.model.rowCount())]
    assert listed == [c.name for c in MAIN_COMMANDS]
    qtbot.keyClick(window.palette.filter, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.palette.isVisible(), timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.palette.isVisible() and window.palette.windowTitle() == "Keyboard shortcuts",
                    timeout=3000)
    assert window.palette.model.rowCount() == len(MAIN_COMMANDS)


def test_commands_closed_to_the_role_are_disabled_with_the_reason(console_factory, northwind_url, qtbot):
    window = console_factory(northwind_url, signed_in="sam").window
    # every role of the bundle may take calls; a technician holding none (an account kept for
    # reading) may not: the services refuse, and the console says so before
    window.events.technician_signed_in.emit(Actor(tech=window.env.technician("sam"), roles=()))
    new_call = window.action("call.new")
    assert not new_call.isEnabled()
    assert "closed to your role" in new_call.toolTip() and "dispatcher" in new_call.toolTip()
    assert window.action("environment.reload").isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.controllers["call_work"].intake is None  # the shortcut does nothing
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.palette is not None and window.palette.isVisible(), timeout=3000)
    palette = window.palette
    qtbot.keyClicks(palette.filter, "new call")
    assert palette.proxy.rowCount() == 1
    index = palette.proxy.index(0, 0)
    assert not palette.proxy.flags(index) & Qt.ItemFlag.ItemIsEnabled
    assert "closed to your role" in palette.proxy.index(0, 2).data()
    qtbot.keyClick(palette.filter, Qt.Key.Key_Return)
    assert palette.isVisible() and "closed to your role" in palette.hint.text()
    assert window.controllers["call_work"].intake is None
    # signed in as a dispatcher, the same command opens
    palette.reject()
    window.controllers["sign_in"].settings.set("signed_in_technician", "jordan")
    window.controllers["sign_in"].ensure_signed_in()
    qtbot.waitUntil(lambda: window.actor.id == "jordan", timeout=5000)
    assert new_call.isEnabled() and "closed" not in new_call.toolTip()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.palette is not palette and window.palette.isVisible(), timeout=3000)
    qtbot.keyClicks(window.palette.filter, "new call")
    qtbot.keyClick(window.palette.filter, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.controllers["call_work"].intake is not None, timeout=3000)
    window.controllers["call_work"].intake.reject()


def test_a_call_command_without_a_call_asks_for_one(console_factory, northwind_url, qtbot):
    window = console_factory(northwind_url).window
    assert window.controllers["call_work"].selected() is None
    with qtbot.waitSignal(window.messages.message_posted, timeout=3000) as posted:
        window.action("call.resolve").trigger()
    assert "Select a call first" in posted.args[0].text
    assert QApplication.activeModalWidget() is None
