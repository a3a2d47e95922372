"""The client's environment, read-only: agreement, systems, contacts, runbooks, local time.

Rendered from a domain ``Environment`` snapshot (loaded by the window through the task
runner); runbooks are Markdown, shown safest first.
"""
from __future__ import annotations


from collections.abc import Iterable
from datetime import timedelta

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from dispatch_app.domain.model import Client, Environment, Runbook, System
from dispatch_app.services.review import StaleRunbook
from dispatch_app.ui.clock import ViewerClock
from dispatch_app.ui.models.environment import (
    CRITICALITY_MARK,
    ClientsModel,
    ContactsModel,
    CoverageModel,
    SystemsModel,
    coverage_rows,
    on_call_now,
)
from dispatch_app.ui.models.table import VALUE_ROLE, sorting_proxy
from dispatch_app.ui.wording import LEVEL_NAMES, coverage_rule, emergencies
from dispatch_app.ui.views.tables import read_only


def _table(model, *, sortable: bool = False) -> QTableView:
    view = QTableView()
    view.setModel(sorting_proxy(model, view) if sortable else model)
    view.setSortingEnabled(sortable)
    read_only(view)
    view.setAlternatingRowColors(True)
    view.horizontalHeader().setStretchLastSection(True)
    view.setTabKeyNavigation(False)
    return view


def _fit_height(view: QTableView) -> None:
    """A short fixed list shown whole, without an inner scroll bar."""
    view.resizeRowsToContents()
    height = view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth() + 2
    for row in range(view.model().rowCount()):
        height += max(view.rowHeight(row), view.sizeHintForRow(row))
    view.setFixedHeight(height)


def _markdown_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "\\`*_[]<>#|" else ch for ch in text)


def runbooks_in_order(runbooks: tuple[Runbook, ...]) -> list[Runbook]:
    """Safest first: by level, then title (DOMAIN.md "Verdict" 1)."""
    return sorted(runbooks, key=lambda r: (r.level, r.title.casefold()))


class EnvironmentPane(QWidget):
    """Signals:
        client_picked(str): the user chose a client in the pane's picker.
    """

    client_picked = Signal(str)

    def __init__(self, clock: ViewerClock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._env: Environment | None = None
        self._client: Client | None = None
        self._viewer_level = 1
        self._on_call: frozenset[str] = frozenset()
        self._stale: dict[tuple[str, str], StaleRunbook] = {}

        title = QLabel("CLIENT ENVIRONMENT")
        title.setProperty("role", "pane-title")
        self.clients_model = ClientsModel(self)
        self.picker = QComboBox()
        self.picker.setModel(self.clients_model)
        self.picker.setAccessibleName("Client")
        self.picker.setToolTip("Choose the client to show (Ctrl+L)")
        self.picker.activated.connect(self._on_picker_activated)
        self.name = QLabel("No client chosen")
        self.name.setProperty("role", "heading")
        self.name.setWordWrap(True)
        self.facts = QLabel("")
        self.facts.setProperty("role", "muted")
        self.facts.setWordWrap(True)
        self.times = QLabel("")
        self.times.setProperty("role", "clock")
        self.times.setWordWrap(True)
        self.times.setAccessibleName("Client's local time")

        # Agreement
        self.coverage_model = CoverageModel(self)
        self.coverage_table = _table(self.coverage_model)
        self.coverage_table.setAccessibleName("What each level covers now and when next")
        self.coverage_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.coverage_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.coverage_table.setWordWrap(False)
        self.coverage_table.horizontalHeader().setStretchLastSection(True)
        self.agreement_text = QTextBrowser()
        self.agreement_text.setOpenExternalLinks(False)
        agreement = QWidget()
        agreement_layout = QVBoxLayout(agreement)
        agreement_layout.setContentsMargins(0, 4, 0, 0)
        cov_title = QLabel("WHAT EACH LEVEL COVERS NOW, AND WHEN THAT CHANGES")
        cov_title.setProperty("role", "pane-title")
        agreement_layout.addWidget(cov_title)
        agreement_layout.addWidget(self.coverage_table)
        agreement_layout.addWidget(self.agreement_text, 1)

        # Systems
        self.systems_model = SystemsModel(self)
        self.systems_table = _table(self.systems_model, sortable=True)
        self.systems_table.setAccessibleName("Systems")
        self.systems_table.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # critical first
        self.systems_table.selectionModel().currentRowChanged.connect(self._on_system_current_changed)
        self.system_text = QTextBrowser()
        self.system_text.setAccessibleName("System details and runbooks")
        systems = QSplitter(Qt.Orientation.Vertical)
        systems.addWidget(self.systems_table)
        systems.addWidget(self.system_text)
        systems.setStretchFactor(1, 2)
        self.systems_splitter = systems

        # Contacts
        self.contacts_model = ContactsModel(self)
        self.contacts_table = _table(self.contacts_model, sortable=True)
        self.contacts_table.setAccessibleName("Contacts")
        self.client_phones = QLabel("")
        self.client_phones.setWordWrap(True)
        self.client_phones.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        contacts = QWidget()
        contacts_layout = QVBoxLayout(contacts)
        contacts_layout.setContentsMargins(0, 4, 0, 0)
        contacts_layout.addWidget(self.client_phones)
        contacts_layout.addWidget(self.contacts_table, 1)

        # General runbooks
        self.runbooks_text = QTextBrowser()
        self.runbooks_text.setAccessibleName("Client runbooks")

        self.tabs = QTabWidget()
        self.tabs.addTab(agreement, "&Agreement")
        self.tabs.addTab(systems, "S&ystems")
        self.tabs.addTab(contacts, "C&ontacts")
        self.tabs.addTab(self.runbooks_text, "&Runbooks")
        self.tabs.setToolTip("Ctrl+Tab / Ctrl+Shift+Tab: next / previous tab")

        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.picker, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(head)
        layout.addWidget(self.name)
        layout.addWidget(self.facts)
        layout.addWidget(self.times)
        layout.addWidget(self.tabs, 1)

    # ------------------------------------------------------------ public

    @property
    def client(self) -> Client | None:
        return self._client

    def set_viewer_level(self, level: int) -> None:
        self._viewer_level = level
        self._render()

    def set_environment(self, env: Environment) -> None:
        self._env = env
        self.clients_model.set_rows(sorted(env.clients, key=lambda c: c.name.casefold()))
        self._on_call = on_call_now(env, self._clock.now())
        if self._client is not None:
            self._client = env.client(self._client.id)
        self._render()

    def set_stale_runbooks(self, items: Iterable[StaleRunbook]) -> None:
        """Runbooks past their review date (``review.stale_runbooks``): each is marked next to
        its title, so the dispatcher follows it with care."""
        stale = {(s.client, s.runbook): s for s in items}
        if stale == self._stale:
            return
        self._stale = stale
        if self._client is not None and self._env is not None:
            self._render_system()
            self._render_client_runbooks(self._client)

    def stale_mark(self, client_id: str, runbook_id: str) -> str:
        """``⚠ stale: not reviewed for 120 days (review every 90)``, or "" when it is not stale."""
        found = self._stale.get((client_id, runbook_id))
        if found is None:
            return ""
        if found.last_reviewed is None:
            return f"⚠ stale: never reviewed (review every {found.review_days})"
        days = (self._clock.now() - found.last_reviewed) // timedelta(days=1)
        return f"⚠ stale: not reviewed for {days} day{'s' if days != 1 else ''} (review every {found.review_days})"

    def show_client(self, client_id: str | None) -> None:
        if self._env is None:
            return
        client = self._env.client(client_id) if client_id else None
        if client is self._client:
            return
        self._client = client
        self._render()

    def show_unmatched(self, call_id: int) -> None:
        """The call shown beside this pane has no client yet: show nobody's documentation."""
        if self._env is None:
            return
        self._client = None
        self._render()
        self.name.setText(f"⚠ Call #{call_id}: no client matched yet")
        self.facts.setText("Assign the call to its client (Ctrl+Shift+C) to see the client's environment here.")

    def show_empty_database(self) -> None:
        self._env, self._client = None, None
        self._render()
        self.name.setText("No environment yet")
        self.facts.setText("Import an environment bundle (File → Import environment…, Ctrl+I), "
                           "or run dispatch-app --demo to try the sample MSP.")

    def focus_picker(self) -> None:
        self.picker.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.picker.showPopup()

    def refresh_times(self) -> None:
        """The clocks and "covered now" columns move with time (called every minute)."""
        if self._env is not None:
            self._on_call = on_call_now(self._env, self._clock.now())
        self._render_times()
        if self._client is not None and self._env is not None:
            self.coverage_model.set_rows(coverage_rows(self._env, self._client, self._clock.now()))
            self.systems_model.set_context(self._env, self._on_call)

    # ------------------------------------------------------------ rendering

    def _render(self) -> None:
        client, env = self._client, self._env
        row = self.clients_model.row_of(client.id) if client else None
        self.picker.setCurrentIndex(-1 if row is None else row)
        if client is None or env is None:
            self.name.setText("No client chosen" if env is None or env.clients else "No clients yet")
            self.facts.setText("Pick a client (Ctrl+L), or take a call (Ctrl+N)." if env and env.clients else
                               "Import an environment bundle (File → Import environment…).")
            self.times.setText("")
            self.coverage_model.set_rows([])
            self.systems_model.set_rows([])
            self.contacts_model.set_rows([])
            for browser in (self.agreement_text, self.system_text, self.runbooks_text):
                browser.clear()
            return
        self.name.setText(client.name)
        plan = client.agreement.plan or "no plan named"
        self.facts.setText(f"{client.industry} · plan: {plan} · {client.timezone} · id {client.id}")
        self._render_times()
        self.coverage_model.set_context(client, lambda t: self._clock.with_client(t, client.timezone))
        self.coverage_model.set_rows(coverage_rows(env, client, self._clock.now()))
        self.coverage_table.resizeColumnsToContents()
        _fit_height(self.coverage_table)
        self.agreement_text.setMarkdown(self._agreement_markdown(client))
        self.systems_model.set_context(env, self._on_call)
        self.systems_model.set_rows(list(client.systems))
        self.systems_table.resizeColumnsToContents()
        if client.systems and not self.systems_table.currentIndex().isValid():
            self.systems_table.selectRow(0)
        self._render_system()
        self.contacts_model.set_rows(list(client.contacts))
        self.contacts_table.resizeColumnsToContents()
        phones = ", ".join(client.phones) or "none on file"
        self.client_phones.setText(f"Client main numbers: <b>{phones}</b>")
        self._render_client_runbooks(client)

    def _render_client_runbooks(self, client: Client) -> None:
        self.runbooks_text.setMarkdown(self._runbooks_markdown(
            runbooks_in_order(client.runbooks), "Client-wide runbooks (not tied to one system)"))

    def _render_times(self) -> None:
        client = self._client
        if client is None:
            self.times.setText("")
            return
        now = self._clock.now()
        theirs = self._clock.client_now(client.timezone)
        mine = self._clock.stamp(now)
        if theirs == mine:
            self.times.setText(f"Client time = your time: {mine}")
        else:
            self.times.setText(f"Client time: {theirs}   ·   your time: {mine}")

    def _agreement_markdown(self, client: Client) -> str:
        a = client.agreement
        lines = [f"**Business hours** (client time): {a.business_hours}", "", "**Coverage in the agreement:**", ""]
        lines += [f"- L{level} {LEVEL_NAMES[level]}: {_markdown_escape(coverage_rule(a.coverage_rule(level), a.business_hours))}"
                  for level in (1, 2, 3, 4)]
        lines.append("")
        holidays = ", ".join(d.isoformat() for d in sorted(client.holidays))
        if holidays:
            lines += [f"**Client holidays:** {holidays}", ""]
        lines += ["### What is an emergency (P1) for this client", ""]
        lines += [f"- {_markdown_escape(text)}" for text in emergencies(client)]
        lines += ["", "### Response and acknowledgement", "",
                  "| | P1 | P2 | P3 | P4 |", "|---|---|---|---|---|",
                  "| respond within | " + " | ".join(_minutes(a.response_for(p)) for p in ("P1", "P2", "P3", "P4")) + " |",
                  "| wait for an ack | " + " | ".join(_minutes(a.ack_for(p)) for p in ("P1", "P2", "P3", "P4")) + " |",
                  ""]
        if a.notes:
            lines += ["### Notes", "", a.notes, ""]
        return "\n".join(lines)

    def _on_system_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self._render_system()

    def _selected_system(self) -> System | None:
        index = self.systems_table.currentIndex()
        if not index.isValid():
            return None
        return index.data(VALUE_ROLE)

    def select_system(self, system_id: str | None) -> None:
        if system_id is None:
            return
        model = self.systems_table.model()
        for row in range(model.rowCount()):
            if model.index(row, 0).data(VALUE_ROLE).id == system_id:
                self.systems_table.selectRow(row)
                self.tabs.setCurrentIndex(1)
                return

    def _render_system(self) -> None:
        system = self._selected_system()
        env = self._env
        if system is None or env is None or self._client is None:
            self.system_text.clear()
            return
        names = {s.id: s.name for s in self._client.systems}
        lines = [f"## {_markdown_escape(system.name)}", "",
                 f"**{CRITICALITY_MARK.get(system.criticality, system.criticality)}** · "
                 f"fix level **L{system.fix_level} {LEVEL_NAMES[system.fix_level]}** · id `{system.id}`", ""]
        if system.depends_on:
            lines += ["**Depends on:** " + ", ".join(_markdown_escape(names.get(d, d)) for d in system.depends_on), ""]
        if system.experts:
            lines += ["**Experts:** " + " · ".join(
                _markdown_escape(self.systems_model.expert_label(e.tech, e.role)) for e in system.experts), ""]
        else:
            lines += ["**Experts:** ⚠ nobody knows this system", ""]
        if system.vendor is not None:
            v = system.vendor
            parts = [p for p in (v.name, f"☎ **{v.phone}**" if v.phone else None,
                                 f"hours {v.hours}" if v.hours else None,
                                 f"contract {v.contract}" if v.contract else None) if p]
            lines += ["**Vendor:** " + " · ".join(parts), ""]
        if system.notes:
            lines += ["**Notes:** " + system.notes, ""]
        lines.append(self._runbooks_markdown(runbooks_in_order(system.runbooks), "Runbooks, safest first"))
        self.system_text.setMarkdown("\n".join(lines))

    def _runbooks_markdown(self, runbooks: list[Runbook], heading: str) -> str:
        if not runbooks:
            return f"### {heading}\n\nNone written yet."
        parts = [f"### {heading}", ""]
        for runbook in runbooks:
            yours = "" if runbook.level <= self._viewer_level else " — above your level: read, do not run"
            stale = self.stale_mark(self._client.id, runbook.id) if self._client is not None else ""
            parts += ["---", "", f"#### [L{runbook.level}] {_markdown_escape(runbook.title)}{yours}"
                      + (f" · {stale}" if stale else ""), ""]
            if stale:
                parts += ["> ⚠ Its review is overdue: it may no longer be true. Follow it with care.", ""]
            parts += [runbook.body.strip() or "_(no steps written)_", ""]
        return "\n".join(parts)

    def _on_picker_activated(self, row: int) -> None:
        if 0 <= row < self.clients_model.rowCount():
            client = self.clients_model.value(row)
            self.client_picked.emit(client.id)


def _minutes(n: int) -> str:
    if n % 1440 == 0:
        return f"{n // 1440} d"
    if n % 60 == 0:
        return f"{n // 60} h"
    return f"{n} min"
