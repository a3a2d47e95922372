"""Knowledge risk: how many experts each system of each client has (``review.bus_factor_report``),
critical systems with fewer than two first, flagged in words."""
from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QVBoxLayout, QWidget

from dispatch_app.domain.model import Environment
from dispatch_app.errors import DispatchError, NotAllowed
from dispatch_app.services import review
from dispatch_app.services.review import BusFactorLine
from dispatch_app.ui.context import Context
from dispatch_app.ui.review.models import KnowledgeLine, KnowledgeModel, knowledge_order
from dispatch_app.ui.views.panes import list_view, pane_title, show_state, state_line


def knowledge_lines(lines: Sequence[BusFactorLine], env: Environment | None) -> list[KnowledgeLine]:
    """The service's lines with the names a person reads, at risk first."""
    out = []
    for line in lines:
        client = env.client(line.client) if env is not None else None
        system = client.system(line.system) if client is not None else None
        experts = ()
        if system is not None:
            people = {t.id: t.name for t in env.technicians}
            experts = tuple(dict.fromkeys(f"{people.get(e.tech, e.tech)} ({e.role})" for e in system.experts))
        out.append(KnowledgeLine(line.client, client.name if client else line.client, line.system,
                                 system.name if system else line.system, line.criticality, line.experts,
                                 ", ".join(experts), line.at_risk))
    out.sort(key=knowledge_order)
    return out


class KnowledgeTab(QWidget):
    """Signals:
        refused(str): the service refused the actor (its message).
        loaded(int): the report was read (how many systems are at risk).
    """

    refused = Signal(str)
    loaded = Signal(int)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._env: Environment | None = None
        self._lines: list[BusFactorLine] = []
        self.model = KnowledgeModel(self)
        self.table = list_view(self.model, "Experts per system, knowledge risks first")
        self.table.sortByColumn(KnowledgeModel.RISK, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(KnowledgeModel.WHO, QHeaderView.ResizeMode.Stretch)
        self.summary = state_line("How many critical systems depend on one person")
        explain = state_line("What knowledge risk means")
        show_state(explain, "A critical system with fewer than two experts depends on one head (or none): when "
                   "that person is away, a P1 on it waits for a fallback. Add a second expert in the lead's "
                   "editor.", role="muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(pane_title("BUS FACTOR · EXPERTS PER SYSTEM"))
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(explain)

    def set_environment(self, env: Environment) -> None:
        self._env = env
        if self._lines:
            self.model.set_rows(knowledge_lines(self._lines, env))

    def reload(self) -> None:
        db, actor = self._ctx.backend.db, self._ctx.actor_id
        show_state(self.summary, "Reading the experts…", role="muted")
        self._ctx.tasks.run(lambda: review.bus_factor_report(db, actor=actor), name="bus factor",
                            on_done=self._on_loaded, on_error=self._on_failed)

    def _on_loaded(self, lines: list[BusFactorLine]) -> None:
        self._lines = list(lines)
        shown = knowledge_lines(lines, self._env)
        self.model.set_rows(shown)
        risky = [k for k in shown if k.at_risk]
        if risky:
            names = "; ".join(f"{k.client}/{k.system} ({k.experts} expert{'s' if k.experts != 1 else ''})"
                              for k in risky[:6])
            more = f" and {len(risky) - 6} more" if len(risky) > 6 else ""
            show_state(self.summary, f"⚠ {len(risky)} critical system(s) with fewer than two experts: {names}{more}.",
                       problem=True)
        else:
            show_state(self.summary, f"✓ Every critical system has at least two experts ({len(shown)} systems).",
                       role="match")
        self.loaded.emit(len(risky))

    def _on_failed(self, error: DispatchError) -> None:
        if isinstance(error, NotAllowed):
            self.refused.emit(str(error))
            return
        show_state(self.summary, f"Could not read the experts: {error}", problem=True)
