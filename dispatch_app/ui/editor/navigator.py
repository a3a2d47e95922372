"""The editor's navigator: clients (their systems and runbooks), technicians, rotations,
overrides, with a filter box (Ctrl+F).

The tree is plain :class:`Node` values built on a worker from the :class:`Outline`; the model
takes a new tree by removing, inserting, moving and updating the rows that differ (keyed by
kind and key), so the selection, the expanded branches and the scroll position survive a
reload. Only the first load resets it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTreeView, QVBoxLayout, QWidget

from dispatch_app.ui.editor.outline import Outline

_Index = QModelIndex | QPersistentModelIndex
KIND_ROLE = Qt.ItemDataRole.UserRole + 1
KEY_ROLE = Qt.ItemDataRole.UserRole + 2
FILTER_DELAY_MS = 200

@dataclass(eq=False)
class Node:
    kind: str
    """A record kind, or ``section`` / ``systems-of`` / ``runbooks-of`` for headings."""
    key: str
    label: str
    tooltip: str = ""
    children: list["Node"] = field(default_factory=list)
    parent: "Node | None" = field(default=None, repr=False)
    signature: int = 0
    """A hash of the node and everything under it: an unchanged branch is skipped whole."""

    @property
    def ident(self) -> tuple[str, str]:
        return self.kind, self.key

    @property
    def client(self) -> str | None:
        """The client this node belongs to (systems, runbooks and their headings)."""
        if self.kind == "clients":
            return self.key
        if self.kind in ("systems", "runbooks", "systems-of", "runbooks-of"):
            return self.key.split("/")[0]
        return None

    def adopt(self) -> "Node":
        """Link the children to their parent and sign every branch (on the worker that built it)."""
        for child in self.children:
            child.parent = self
            child.adopt()
        self.signature = hash((self.kind, self.key, self.label, self.tooltip,
                               tuple(c.signature for c in self.children)))
        return self


def build_tree(outline: Outline, span: Callable[[object, object], str]) -> Node:
    """The navigator's tree, sorted by name; ``span`` writes an override's start and end."""
    root = Node("root", "", "")
    clients = Node("section", "clients", f"Clients ({len(outline.clients)})")
    for client in sorted(outline.clients, key=lambda c: c.name.casefold()):
        node = Node("clients", client.id, client.name, f"client {client.id}")
        systems = Node("systems-of", f"{client.id}/", f"Systems ({len(client.systems)})",
                       "Ctrl+N here adds a system")
        for system in sorted(client.systems, key=lambda s: s.name.casefold()):
            item = Node("systems", f"{client.id}/{system.id}", system.name,
                        f"system {client.id}/{system.id} · {system.criticality}")
            item.children = [Node("runbooks", f"{client.id}/{r.id}", f"Runbook: {r.title}",
                                  f"runbook {client.id}/{r.id} · level {r.level}")
                             for r in sorted(system.runbooks, key=lambda r: (r.level, r.title.casefold()))]
            systems.children.append(item)
        runbooks = Node("runbooks-of", f"{client.id}/", f"Client-wide runbooks ({len(client.runbooks)})",
                        "Ctrl+N here adds a client-wide runbook")
        runbooks.children = [Node("runbooks", f"{client.id}/{r.id}", f"Runbook: {r.title}",
                                  f"runbook {client.id}/{r.id} · level {r.level}")
                             for r in sorted(client.runbooks, key=lambda r: (r.level, r.title.casefold()))]
        node.children = [systems, runbooks]
        clients.children.append(node)
    techs = Node("section", "technicians", f"Technicians ({len(outline.technicians)})")
    techs.children = [Node("technicians", t.id, t.name + ("" if t.active else " (inactive)"),
                           f"technician {t.id} · level {t.level} · {', '.join(t.roles) or 'no role'}")
                      for t in sorted(outline.technicians, key=lambda t: t.name.casefold())]
    rotations = Node("section", "rotations", f"Rotations ({len(outline.rotations)})")
    rotations.children = [Node("rotations", r.id, r.name, f"rotation {r.id} · level {r.level}")
                          for r in sorted(outline.rotations, key=lambda r: r.name.casefold())]
    overrides = Node("section", "overrides", f"Overrides ({len(outline.overrides)})")
    overrides.children = [
        Node("overrides", key, f"{outline.tech_name(o.tech)} · {o.rotation} · {span(o.start, o.end)}",
             f"override {key}: {outline.tech_name(o.tech)} holds {o.rotation}, {span(o.start, o.end)}"
             + (f" ({o.reason})" if o.reason else ""))
        for key, o, _ in outline.overrides]
    root.children = [clients, techs, rotations, overrides]
    return root.adopt()


class NavigatorModel(QAbstractItemModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.root = Node("root", "", "")
        self._loaded = False
        self._bold: QFont | None = None

    # ------------------------------------------------------------ Qt

    def _node(self, index: _Index) -> Node:
        return index.internalPointer() if index.isValid() else self.root

    def index(self, row: int, column: int = 0, parent: _Index = QModelIndex()) -> QModelIndex:
        node = self._node(parent)
        if column != 0 or not 0 <= row < len(node.children):
            return QModelIndex()
        return self.createIndex(row, 0, node.children[row])

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        node = index.internalPointer().parent
        if node is None or node is self.root:
            return QModelIndex()
        return self.createIndex(node.parent.children.index(node), 0, node)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        if parent.column() > 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 1

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        node: Node = index.internalPointer()
        if role == Qt.ItemDataRole.DisplayRole:
            return node.label
        if role == Qt.ItemDataRole.ToolTipRole:
            return node.tooltip or None
        if role == KIND_ROLE:
            return node.kind
        if role == KEY_ROLE:
            return node.key
        if role == Qt.ItemDataRole.FontRole and node.kind == "section":
            if self._bold is None:
                self._bold = QFont()
                self._bold.setBold(True)
            return self._bold
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # ------------------------------------------------------------ loading

    def load(self, tree: Node) -> None:
        """The first tree resets the model; later ones update it row by row."""
        if not self._loaded:
            self.beginResetModel()
            self.root = tree
            self._loaded = True
            self.endResetModel()
            return
        self._sync(QModelIndex(), self.root, tree.children)
        self.root.signature = tree.signature

    def _sync(self, parent: QModelIndex, old: Node, wanted: list[Node]) -> None:
        """Make ``old``'s children read as ``wanted``: removals, moves, insertions and label
        changes, each announced; branches whose signature did not change are not walked."""
        keep = {n.ident for n in wanted}
        for number in range(len(old.children) - 1, -1, -1):
            if old.children[number].ident not in keep:
                self.beginRemoveRows(parent, number, number)
                del old.children[number]
                self.endRemoveRows()
        same_order = len(old.children) == len(wanted) and all(
            a.ident == b.ident for a, b in zip(old.children, wanted))
        for target, new in enumerate(wanted):
            if not same_order:
                idents = [c.ident for c in old.children[target:]]
                if not idents or idents[0] != new.ident:
                    if new.ident in idents:
                        found = target + idents.index(new.ident)
                        self.beginMoveRows(parent, found, found, parent, target)
                        old.children.insert(target, old.children.pop(found))
                        self.endMoveRows()
                    else:
                        self.beginInsertRows(parent, target, target)
                        new.parent = old
                        old.children.insert(target, new)
                        self.endInsertRows()
                        continue
            node = old.children[target]
            if node.signature == new.signature:
                continue
            if (node.label, node.tooltip) != (new.label, new.tooltip):
                node.label, node.tooltip = new.label, new.tooltip
                index = self.createIndex(target, 0, node)
                self.dataChanged.emit(index, index)
            self._sync(self.createIndex(target, 0, node), node, new.children)
            node.signature = new.signature

    def find(self, kind: str, key: str) -> QModelIndex:
        """The row of record ``kind``/``key`` (headings too), walking only the branch it sits in."""
        def child(node: Node, index: QModelIndex, test) -> tuple[Node, QModelIndex] | None:
            for number, item in enumerate(node.children):
                if test(item):
                    return item, self.index(number, 0, index)
            return None

        section = "clients" if kind in ("systems", "runbooks", "systems-of", "runbooks-of") else kind
        found = child(self.root, QModelIndex(), lambda n: n.kind == "section" and n.key == section)
        if found is None or kind == "section":
            return found[1] if found is not None and found[0].key == key else QModelIndex()
        if section != "clients" or kind == "clients":
            hit = child(found[0], found[1], lambda n: n.kind == kind and n.key == key)
            return hit[1] if hit else QModelIndex()
        client_id = key.split("/")[0]
        found = child(found[0], found[1], lambda n: n.kind == "clients" and n.key == client_id)
        if found is None:
            return QModelIndex()
        for group in ("systems-of", "runbooks-of"):
            branch = child(found[0], found[1], lambda n, g=group: n.kind == g)
            if branch is None:
                continue
            if kind == group:
                return branch[1]
            hit = child(branch[0], branch[1], lambda n: n.kind == kind and n.key == key)
            if hit is not None:
                return hit[1]
            if kind == "runbooks" and group == "systems-of":
                for number, system in enumerate(branch[0].children):
                    hit = child(system, self.index(number, 0, branch[1]), lambda n: n.kind == kind and n.key == key)
                    if hit is not None:
                        return hit[1]
        return QModelIndex()


class NavigatorPane(QWidget):
    """Signals:
        record_chosen(str, str): the user moved to a record (kind, key).
    """

    record_chosen = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = NavigatorModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setAutoAcceptChildRows(True)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter (Ctrl+F): client, system, runbook, person…")
        self.filter.setAccessibleName("Filter the records")
        self.filter.setClearButtonEnabled(True)
        self._filter_timer = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.filter.textChanged.connect(self._filter_timer.start)
        self.filter.returnPressed.connect(self._on_filter_entered)
        self.tree = QTreeView()
        self.tree.setModel(self.proxy)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAccessibleName("Records")
        self.tree.selectionModel().currentChanged.connect(self._on_current_changed)
        self._quiet = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)
        self.setFocusProxy(self.tree)

    def load(self, tree: Node) -> None:
        first = not self.model._loaded
        self.model.load(tree)
        if first:
            for row in range(self.proxy.rowCount()):
                self.tree.expand(self.proxy.index(row, 0))

    def current(self) -> Node | None:
        index = self.tree.currentIndex()
        return self.proxy.mapToSource(index).internalPointer() if index.isValid() else None

    def select(self, kind: str, key: str, *, quiet: bool = True, clear_filter: bool = True) -> bool:
        """Make ``kind``/``key`` the current row (clearing a filter that hides it, unless told not to)."""
        source = self.model.find(kind, key)
        if not source.isValid():
            return False
        index = self.proxy.mapFromSource(source)
        if not index.isValid() and not clear_filter:
            return False
        if not index.isValid():
            self.filter.clear()
            self.apply_filter()
            index = self.proxy.mapFromSource(source)
        self._quiet = quiet
        try:
            self.tree.setCurrentIndex(index)
            self.tree.scrollTo(index)
        finally:
            self._quiet = False
        return True

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._quiet or not current.isValid():
            return
        node: Node = self.proxy.mapToSource(current).internalPointer()
        if node.kind in ("clients", "systems", "runbooks", "technicians", "rotations", "overrides"):
            self.record_chosen.emit(node.kind, node.key)

    def apply_filter(self) -> None:
        """Filter the list by what the box holds (debounced: a large MSP has thousands of rows)."""
        self._filter_timer.stop()
        text = self.filter.text()
        self.proxy.setFilterFixedString(text.strip())
        if text.strip():
            shown = 0
            for row in range(self.proxy.rowCount()):
                section = self.proxy.index(row, 0)
                self.tree.expand(section)
                for number in range(self.proxy.rowCount(section)):
                    if shown > 200:
                        return
                    self.tree.expandRecursively(self.proxy.index(number, 0, section))
                    shown += 1

    def _on_filter_entered(self) -> None:
        """Enter in the filter: go to the first record it shows."""
        self.apply_filter()
        def first(parent: QModelIndex) -> QModelIndex | None:
            for row in range(self.proxy.rowCount(parent)):
                index = self.proxy.index(row, 0, parent)
                node: Node = self.proxy.mapToSource(index).internalPointer()
                if node.kind not in ("section", "systems-of", "runbooks-of") and self.filter.text().strip().casefold() \
                        in node.label.casefold():
                    return index
                found = first(index)
                if found is not None:
                    return found
            return None
        index = first(QModelIndex())
        if index is not None:
            self.tree.setCurrentIndex(index)
            self.tree.setFocus()
