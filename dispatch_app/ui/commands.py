"""The command registry: every user action of a window declared once, as data.

A :class:`Command` names the action, its menu, shortcut(s), tooltip, the roles it needs and
whether it works on the selected call; its ``handler`` is a dotted name, ``"<owner>.<method>"``,
resolved against the objects the window hosts (its controllers). :class:`CommandTable` turns
the declarations into QActions, the menus, the palette's and the shortcut sheet's rows, the
tooltips and the "closed to your role" states, so none of these is written twice.

The roles are the ones the service behind the action checks (the service still decides; the
console only says it up front).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenuBar, QWidget

from dispatch_app.services.people import Actor


@dataclass(frozen=True)
class Command:
    name: str
    """A stable id, e.g. ``"call.resolve"``."""
    text: str
    """The menu text, with its ``&`` mnemonic."""
    menu: str
    """The menu it sits in (its text in the menu bar)."""
    handler: str
    """``"<owner>.<method>"``: a method of one of the window's hosted objects."""
    shortcuts: tuple[str, ...] = ()
    tip: str = ""
    roles: tuple[str, ...] = ()
    """Any one of these (or admin) may run it; empty: everybody."""
    on_call: bool = False
    """It works on the call shown in the call pane."""
    args: tuple[Any, ...] = ()
    scope: str | None = None
    """The name of a widget the shortcut belongs to (it then works with focus inside it only);
    None: the whole window."""
    separator_before: bool = False


def shortcut_text(action: QAction) -> str:
    return "  or  ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())


def plain_text(text: str) -> str:
    return text.replace("&&", "\x00").replace("&", "").replace("\x00", "&").rstrip(".…")


def role_words(roles: Sequence[str]) -> str:
    wanted = list(dict.fromkeys((*roles, "admin")))
    return ", ".join(wanted[:-1]) + f" or {wanted[-1]}" if len(wanted) > 1 else wanted[0]


@dataclass
class Entry:
    """One command as a window made it: its declaration, its QAction and why it is closed."""

    command: Command
    action: QAction
    closed_reason: str = ""

    @property
    def text(self) -> str:
        return plain_text(self.command.text)

    @property
    def keys(self) -> str:
        return shortcut_text(self.action)

    @property
    def available(self) -> bool:
        return not self.closed_reason


@dataclass
class CommandTable:
    """The commands of one window, made into actions on ``host``.

    ``owners`` maps the first part of each handler to the object holding it; ``scopes`` maps a
    command's ``scope`` to its widget; ``selected_call`` answers the call an ``on_call``
    command would work on (None: it says to select one instead of running).
    """

    host: QWidget
    commands: Sequence[Command]
    owners: Mapping[str, object]
    scopes: Mapping[str, QWidget] = field(default_factory=dict)
    selected_call: Callable[[], object | None] | None = None
    warn: Callable[[str], None] | None = None
    entries: dict[str, Entry] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for command in self.commands:
            if command.name in self.entries:
                raise ValueError(f"two commands named {command.name!r}")
            self.entries[command.name] = Entry(command, self._make(command))

    def _handler(self, command: Command) -> Callable[[], object]:
        owner_name, _, method = command.handler.partition(".")
        target = getattr(self.owners[owner_name], method)
        if not callable(target):
            raise TypeError(f"{command.handler} is not callable")
        return target

    def _make(self, command: Command) -> QAction:
        handler = self._handler(command)
        action = QAction(command.text, self.host)
        action.setObjectName(command.name)
        action.setShortcuts([QKeySequence(s) for s in command.shortcuts])
        action.setStatusTip(command.tip)

        def run(checked: bool = False) -> None:
            if command.on_call and self.selected_call is not None and self.selected_call() is None:
                if self.warn is not None:
                    self.warn("Select a call first (Ctrl+1).")
                return
            handler(*command.args)
        action.triggered.connect(run)
        if command.scope is None:
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.host.addAction(action)
        else:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.scopes[command.scope].addAction(action)
        self._show_tip(Entry(command, action))
        return action

    def _show_tip(self, entry: Entry) -> None:
        keys = entry.keys
        tip = f"{entry.command.tip} ({keys})" if keys else entry.command.tip
        if entry.closed_reason:
            tip += f" — {entry.closed_reason}"
        entry.action.setToolTip(tip)

    # ------------------------------------------------------------ what the window draws from it

    def action(self, name: str) -> QAction:
        return self.entries[name].action

    def actions(self) -> list[QAction]:
        return [e.action for e in self.entries.values()]

    def fill_menus(self, bar: QMenuBar) -> dict[str, Any]:
        """The menus in the order the table first names them, each with its commands in the
        table's order."""
        names = list(dict.fromkeys(c.menu for c in self.commands))
        menus = {name: bar.addMenu(name) for name in names}
        for entry in self.entries.values():
            menu = menus[entry.command.menu]
            if entry.command.separator_before:
                menu.addSeparator()
            menu.addAction(entry.action)
        return menus

    def set_actor(self, actor: Actor) -> None:
        """Close the commands ``actor`` may not run, saying why (in the tooltip and the palette)."""
        for entry in self.entries.values():
            roles = entry.command.roles
            allowed = not roles or actor.has_role(*roles)
            held = ", ".join(actor.roles) or "no role"
            entry.closed_reason = "" if allowed else (
                f"closed to your role: it needs the {role_words(roles)} role; you have {held}")
            entry.action.setEnabled(allowed)
            self._show_tip(entry)

    def rows(self) -> list[Entry]:
        return list(self.entries.values())
