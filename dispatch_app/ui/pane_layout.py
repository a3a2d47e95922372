"""How the console's panes share the width the window has.

Wide (1800 px of text at 100% or more): every pane side by side. Medium (1280 to 1800): the
first pane (the queue) stays, the others take turns in the second place. Narrow (under 1280):
one pane at a time. The width is counted in text units, so at text scale 150% a 1920 px window
reads as 1280 px of 100% text and lays out as medium: the rules hold at every text size.

The panes hidden at a time are named in a tab bar over them (one key, F6, shows the next), so
nothing is further than one keystroke. Panes are plain widgets: whatever a pane holds (a
banner, buttons) moves with it.
"""
from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, QSignalBlocker, Signal
from PySide6.QtWidgets import QSplitter, QTabBar, QWidget

WIDE, MEDIUM, NARROW = "wide", "medium", "narrow"
WIDE_FROM = 1800
MEDIUM_FROM = 1280


def width_class(width: float) -> str:
    """The layout for ``width`` pixels of text at 100%."""
    if width >= WIDE_FROM:
        return WIDE
    return MEDIUM if width >= MEDIUM_FROM else NARROW


class PaneLayout(QObject):
    """Lays ``panes`` ((name, title, widget), in order) in ``splitter`` and names those out of
    sight in ``bar``.

    Signals:
        mode_changed(str): the layout became wide, medium or narrow.
        pane_shown(str): this pane came into sight (a tab was chosen, or ``show`` asked).
    """

    mode_changed = Signal(str)
    pane_shown = Signal(str)

    def __init__(self, panes: Sequence[tuple[str, str, QWidget]], splitter: QSplitter, bar: QTabBar,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.splitter, self.bar = splitter, bar
        self.names = [name for name, _, _ in panes]
        self.titles = {name: title for name, title, _ in panes}
        self.widgets = {name: widget for name, _, widget in panes}
        for _, _, widget in panes:
            splitter.addWidget(widget)
        self.mode = ""
        self.current = self.names[1] if len(self.names) > 1 else self.names[0]
        """The pane in the shared place (medium: beside the first; narrow: alone)."""
        self.sizes: dict[str, list[int]] = {}
        """The splitter's sizes the dispatcher left in each layout."""
        self._marks: dict[str, str] = {}
        bar.currentChanged.connect(self._on_tab_changed)
        splitter.splitterMoved.connect(self._on_splitter_moved)

    # ------------------------------------------------------------ what the window asks

    def fit(self, width: float) -> None:
        """Lay out for ``width`` pixels of 100% text (the window's width over its text scale)."""
        mode = width_class(width)
        if mode != self.mode:
            self.mode = mode
            self._arrange()
            self.mode_changed.emit(mode)

    def shared(self) -> list[str]:
        """The panes that take turns in this layout (none when wide)."""
        return {WIDE: [], MEDIUM: self.names[1:], NARROW: list(self.names)}.get(self.mode, [])

    def visible(self, name: str) -> bool:
        return name not in self.shared() or name == self.current

    def show(self, name: str) -> None:
        """Bring ``name`` into sight (a no-op when it is already)."""
        if name in self.shared() and name != self.current:
            self.current = name
            self._arrange()
        self.pane_shown.emit(name)

    def show_next(self) -> str:
        """The next pane out of sight comes in (F6); answers its name."""
        shared = self.shared() or self.names[1:]
        following = shared[(shared.index(self.current) + 1) % len(shared)] if self.current in shared else shared[0]
        self.show(following)
        return following

    def mark(self, name: str, text: str) -> None:
        """A short mark after the pane's tab title (the queue's ``1 P1``), so what matters in a
        pane out of sight is still on screen."""
        self._marks[name] = text
        self._draw_tabs()

    def restore_sizes(self, sizes: dict[str, list[int]]) -> None:
        self.sizes = {mode: [int(v) for v in values] for mode, values in sizes.items()
                      if isinstance(values, list) and all(isinstance(v, int) for v in values)}
        self._apply_sizes()

    # ------------------------------------------------------------ drawing

    def _arrange(self) -> None:
        shared = self.shared()
        if shared and self.current not in shared:
            self.current = shared[0]
        for name, widget in self.widgets.items():
            widget.setVisible(self.visible(name))
        self._draw_tabs()
        self._apply_sizes()

    def _draw_tabs(self) -> None:
        shared = self.shared()
        with QSignalBlocker(self.bar):
            while self.bar.count():
                self.bar.removeTab(0)
            for name in shared:
                mark = self._marks.get(name, "")
                index = self.bar.addTab(self.titles[name] + (f"  {mark}" if mark else ""))
                self.bar.setTabData(index, name)
                self.bar.setTabToolTip(index, f"Show the {self.titles[name].lower()} (F6: the next pane)")
            if shared:
                self.bar.setCurrentIndex(shared.index(self.current))
        self.bar.setVisible(bool(shared))
        self.bar.setAccessibleDescription(
            "Panes out of sight: " + ", ".join(self.titles[n] for n in shared if n != self.current)
            + ". F6 shows the next." if shared else "")

    def _in_sight(self) -> list[str]:
        return [name for name in self.names if self.visible(name)]

    def _apply_sizes(self) -> None:
        """The widths kept for this layout, one per place in sight (the shared place keeps its
        width whichever pane takes it)."""
        saved = self.sizes.get(self.mode)
        in_sight = self._in_sight()
        if saved and len(saved) == len(in_sight):
            widths = dict(zip(in_sight, saved))
            self.splitter.setSizes([widths.get(name, 0) for name in self.names])

    def _on_tab_changed(self, index: int) -> None:
        name = self.bar.tabData(index)
        if name:
            self.show(name)

    def _on_splitter_moved(self, position: int, index: int) -> None:
        if self.mode:
            sizes = dict(zip(self.names, self.splitter.sizes()))
            self.sizes[self.mode] = [sizes[name] for name in self._in_sight()]
