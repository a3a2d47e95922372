"""The manager's review (issue 7, item 4): handoffs to review, coverage gaps on a timeline,
knowledge risk, a what-if before approving leave or a swap, and response figures.

A window of its own beside the console. Each tab reads through its service, which checks the
role; a tab the signed-in person's role would be refused shows which role it needs instead.
"""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from dispatch_app.domain.model import Environment
from dispatch_app.errors import DispatchError
from dispatch_app.services import environment, review, shifts
from dispatch_app.services.people import Actor
from dispatch_app.ui.context import Context
from dispatch_app.ui.review.figures_tab import FiguresTab
from dispatch_app.ui.review.gaps_tab import GapsTab
from dispatch_app.ui.review.handoffs_tab import HandoffsTab
from dispatch_app.ui.review.knowledge_tab import KnowledgeTab
from dispatch_app.ui.review.what_if_tab import LEAVE, WhatIfTab
from dispatch_app.ui.review.widgets import RoleGate
from dispatch_app.ui.views.panes import show_state

HANDOFFS, GAPS, KNOWLEDGE, WHAT_IF, FIGURES = range(5)
TITLES = ("Handoffs", "Coverage gaps", "Knowledge risk", "What-if", "Response figures")
ROLES: dict[int, tuple[tuple[str, ...], str]] = {
    HANDOFFS: (shifts.REVIEW_ROLES, "Reviewing handoff records"),
    GAPS: ((), ""),
    KNOWLEDGE: (review.PLANNING_ROLES, "The knowledge risk report"),
    WHAT_IF: (review.PLANNING_ROLES, "A what-if for leave and swaps"),
    FIGURES: (review.FIGURE_ROLES, "Response figures"),
}
"""Who each tab is for: the roles its service accepts (an admin passes all); none: everyone."""


def role_words(roles: tuple[str, ...]) -> str:
    return " or ".join(f"{r}" for r in roles)


def who(actor: Actor) -> str:
    if actor.tech is None:
        return "the anonymous dispatcher (not signed in)"
    return f"{actor.tech.name} ({', '.join(actor.roles) or 'no role'})"


class ReviewWindow(QWidget):
    """Signals:
        figures_shown(object): the figures tab's table and charts are filled (the rows).
    """

    figures_shown = Signal(object)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._ctx = ctx
        self.env: Environment | None = None
        self._loaded: set[int] = set()
        self._reading_env = False
        self._then: set[int] = set()
        self._pending_leave: tuple[str, datetime, datetime] | None = None
        self.setWindowTitle("Manager's review · Dispatch Console")
        self.setObjectName("review_window")
        self.resize(1600, 960)

        heading = QLabel("The manager's review")
        heading.setProperty("role", "heading")
        keys = QLabel("Ctrl+1…5: tabs · F5: read again · Esc: close")
        keys.setProperty("role", "muted")
        self.role_line = QLabel("")
        self.role_line.setWordWrap(True)
        self.role_line.setAccessibleName("Who is signed in, and what they may use here")

        self.handoffs_tab = HandoffsTab(ctx)
        self.gaps_tab = GapsTab(ctx)
        self.knowledge_tab = KnowledgeTab(ctx)
        self.what_if_tab = WhatIfTab(ctx)
        self.figures_tab = FiguresTab(ctx)
        self.pages = (self.handoffs_tab, self.gaps_tab, self.knowledge_tab, self.what_if_tab, self.figures_tab)
        self.gates = tuple(RoleGate(page) for page in self.pages)
        self.tabs = QTabWidget()
        for number, gate in enumerate(self.gates):
            self.tabs.addTab(gate, TITLES[number])
            self.tabs.setTabToolTip(number, f"{TITLES[number]} (Ctrl+{number + 1})")
        self.tabs.currentChanged.connect(self._on_tab_changed)
        for tab in (self.knowledge_tab, self.what_if_tab, self.figures_tab):
            tab.refused.connect(lambda text, page=tab: self._refuse(self.pages.index(page), text))
        self.figures_tab.figures_shown.connect(self.figures_shown)

        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(keys)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.role_line)
        layout.addWidget(self.tabs, 1)

        for number in range(len(self.pages)):
            QShortcut(QKeySequence(f"Ctrl+{number + 1}"), self, lambda n=number: self.show_tab(n))
        QShortcut(QKeySequence("F5"), self, self.reload)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        ctx.events.changes_arrived.connect(self._on_changes_arrived)
        ctx.events.technician_signed_in.connect(self._on_technician_signed_in)
        ctx.events.environment_loaded.connect(self._on_environment_loaded)
        self._show_role(ctx.actor)

    # ------------------------------------------------------------ public

    def show_tab(self, number: int) -> None:
        self.tabs.setCurrentIndex(number)
        page = self.pages[number]
        focus = {HANDOFFS: self.handoffs_tab.table, GAPS: self.gaps_tab.picker.preset,
                 KNOWLEDGE: self.knowledge_tab.table, WHAT_IF: self.what_if_tab.tech,
                 FIGURES: self.figures_tab.picker.preset}[number]
        (focus if self.gates[number].open else page).setFocus()

    def try_leave(self, tech: str, start: datetime, end: datetime) -> None:
        """Show the what-if on leave of ``tech`` over [start, end), checked as soon as the
        environment is read (the lead's editor asks before saving the leave)."""
        self._pending_leave = (tech, start, end)
        self.show_tab(WHAT_IF)
        self._try_pending_leave()

    def _try_pending_leave(self) -> None:
        if self._pending_leave is None or self.env is None:
            return
        tech, start, end = self._pending_leave
        self._pending_leave = None
        tab = self.what_if_tab
        tab.set_change(start, end, tech=tech, kind=LEAVE)
        if tab.tech.currentData() != tech:
            show_state(tab.verdict, f"{tech or 'This technician'} is not saved yet (or not active): the what-if "
                       "works on saved, active technicians. Save them first, then ask again.", problem=True)
        elif self.gates[WHAT_IF].open:
            tab.check()

    def show_figures(self, start: datetime, end: datetime) -> None:
        """Fill the figures tab for [start, end); ``figures_shown`` says when it is on screen."""
        self._loaded.add(FIGURES)
        self.figures_tab.show_figures(start, end)

    def reload(self) -> None:
        """Read the environment and every tab already read again (F5)."""
        loaded = set(self._loaded)
        self._loaded.clear()
        self._read_environment(then=loaded | {self.tabs.currentIndex()})

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._show_role(self._ctx.actor)
        if self.env is None:
            self._read_environment(then={self.tabs.currentIndex()})
        else:
            self._load(self.tabs.currentIndex())

    # ------------------------------------------------------------ loading

    def _read_environment(self, then: set[int]) -> None:
        """Read the environment, then the tabs ``then`` (added to those a read under way owes)."""
        self._then |= then
        if self._reading_env:
            return
        self._reading_env = True
        db = self._ctx.backend.db

        def done(env: Environment) -> None:
            self._reading_env = False
            self._on_environment_loaded(env)
            owed, self._then = self._then, set()
            for number in sorted(owed):
                self._load(number)

        def failed(error: DispatchError) -> None:
            self._reading_env = False
            show_state(self.role_line, f"Could not read the environment: {error}", problem=True)

        self._ctx.tasks.run(lambda: environment.load_environment(db), name="review environment",
                            on_done=done, on_error=failed)

    def _on_environment_loaded(self, env: Environment) -> None:
        if self.env is not None and len(env.clients) < len(self.env.clients):
            return  # a snapshot of some clients only (the main window reads what it needs)
        self.env = env
        self.handoffs_tab.set_names({t.id: t.name for t in env.technicians})
        for tab in (self.gaps_tab, self.knowledge_tab, self.what_if_tab, self.figures_tab):
            tab.set_environment(env)
        self._try_pending_leave()

    def _load(self, number: int) -> None:
        """Read a tab the first time it is shown (an open one only; env must be read)."""
        if number in self._loaded or self.env is None or not self.gates[number].open or not self.isVisible():
            return
        self._loaded.add(number)
        if number == HANDOFFS:
            self.handoffs_tab.reload()
        elif number == GAPS:
            self.gaps_tab.show_gaps()
        elif number == KNOWLEDGE:
            self.knowledge_tab.reload()
        elif number == FIGURES:
            self.figures_tab.show_range()
        # the what-if computes only when asked

    def _on_tab_changed(self, number: int) -> None:
        self._load(number)

    # ------------------------------------------------------------ events

    def _on_changes_arrived(self, changes) -> None:
        if not self.isVisible():
            return
        if changes.reset or changes.environment_changed:
            self.reload()
            return
        if changes.shifts_changed and HANDOFFS in self._loaded:
            self.handoffs_tab.reload()

    def _on_technician_signed_in(self, actor: Actor) -> None:
        self._show_role(actor)
        self._loaded.clear()
        if self.isVisible():
            self._load(self.tabs.currentIndex())

    def _show_role(self, actor: Actor) -> None:
        closed = []
        for number, (roles, action) in ROLES.items():
            if not roles or actor.has_role(*roles):
                self.gates[number].allow()
                self.tabs.setTabText(number, TITLES[number])
                continue
            closed.append(TITLES[number])
            self._refuse(number, f"{action} needs the {role_words(roles)} role (or admin). "
                         f"You are signed in as {who(actor)}.")
        if closed:
            show_state(self.role_line, f"Signed in as {who(actor)}. Closed to your role: {', '.join(closed)}.",
                       role="muted")
        else:
            show_state(self.role_line, f"Signed in as {who(actor)}.", role="muted")

    def _refuse(self, number: int, text: str) -> None:
        roles = ROLES[number][0]
        self.gates[number].refuse(text, "Sign in as somebody with that role in the console's main window "
                                  "(Ctrl+Shift+U) to use this tab. Nothing here is shown without it.")
        self.tabs.setTabText(number, f"{TITLES[number]} · {role_words(roles)} only")
