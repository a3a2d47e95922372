"""The lead's list of runbooks past their review date, and of runbook text that looks like a
secret, with the chosen runbook's text beside them."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from dispatch_app.errors import DispatchError
from dispatch_app.services import review
from dispatch_app.ui.care.models import SecretLinesModel, StaleRunbooksModel, overdue_text
from dispatch_app.ui.care.runbook_facts import RunbookPlace, StaleState, read_stale_state
from dispatch_app.ui.care.widgets import markdown_escape
from dispatch_app.ui.context import Context
from dispatch_app.ui.models.table import KEY_ROLE, VALUE_ROLE
from dispatch_app.ui.views.panes import list_view, pane_title, show_state, side_by_side, state_line, titled


class StaleRunbooksTab(QWidget):
    """Signals:
        runbook_reviewed(str): a runbook (``client/runbook``) was marked reviewed here.
        counted(int): how many runbooks are stale, after each read.
    """

    runbook_reviewed = Signal(str)
    counted = Signal(int)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._places: dict[str, RunbookPlace] = {}
        self._secrets_by_key: dict[str, list[str]] = {}
        self._shown: str | None = None
        self._loading = False
        self._again = False

        self.model = StaleRunbooksModel(ctx.clock, self)
        self.table = list_view(self.model, "Runbooks past their review date")
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # most overdue first
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(StaleRunbooksModel.RUNBOOK, QHeaderView.ResizeMode.Stretch)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.selectionModel().currentRowChanged.connect(self._on_stale_current_changed)
        self.summary = state_line("How many runbooks are stale")

        self.mark_button = QPushButton("Mark &reviewed")
        self.mark_button.setToolTip("I read it and it is still true: its review clock restarts (R)")
        self.mark_button.setAccessibleName("Mark the selected runbook reviewed")
        self.mark_button.clicked.connect(self.mark_reviewed)
        self.mark_action = QAction("Mark reviewed", self)
        self.mark_action.setShortcut(QKeySequence("R"))
        self.mark_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.mark_action.triggered.connect(self.mark_reviewed)
        self.table.addAction(self.mark_action)
        self.status = state_line("What marking reviewed did")

        self.secrets_model = SecretLinesModel(self)
        self.secrets_table = list_view(self.secrets_model, "Runbook text that looks like a secret")
        self.secrets_table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.secrets_table.selectionModel().currentRowChanged.connect(self._on_secret_current_changed)
        self.secrets_summary = state_line("Runbooks that look like they hold a secret")

        self.preview = QTextBrowser()
        self.preview.setAccessibleName("The chosen runbook's text")
        self.preview.setOpenExternalLinks(False)

        buttons = QHBoxLayout()
        buttons.addWidget(self.mark_button)
        buttons.addWidget(self.status, 1)
        lists = QWidget()
        left = QVBoxLayout(lists)
        left.setContentsMargins(0, 0, 8, 0)
        left.addWidget(pane_title("PAST THEIR REVIEW DATE · MOST OVERDUE FIRST"))
        left.addWidget(self.summary)
        left.addWidget(self.table, 3)
        left.addLayout(buttons)
        left.addSpacing(10)
        left.addWidget(pane_title("RUNBOOK TEXT THAT LOOKS LIKE A SECRET"))
        left.addWidget(self.secrets_summary)
        left.addWidget(self.secrets_table, 2)
        self.splitter = side_by_side(self, lists, titled("THE RUNBOOK", self.preview))

    # ------------------------------------------------------------ public

    def set_may_act(self, may: bool) -> None:
        """Whether the signed-in actor holds a role the service accepts (the service decides;
        this only keeps a dispatcher from a button that would be refused)."""
        self.mark_button.setEnabled(may)
        self.mark_action.setEnabled(may)

    def reload(self) -> None:
        if self._loading:
            self._again = True
            return
        self._loading = True
        db, at = self._ctx.backend.db, self._ctx.clock.now()
        self._ctx.tasks.run(lambda: read_stale_state(db, at), name="stale runbooks",
                            on_done=self._on_loaded, on_error=self._on_load_failed)

    def selected_key(self) -> str | None:
        index = self.table.currentIndex()
        return index.data(KEY_ROLE) if index.isValid() else None

    def select(self, key: str) -> None:
        proxy = self.table.model()
        for row in range(proxy.rowCount()):
            if proxy.index(row, 0).data(KEY_ROLE) == key:
                self.table.selectRow(row)
                return

    def mark_reviewed(self) -> None:
        key = self.selected_key()
        if key is None:
            show_state(self.status, "Select a runbook first.", problem=True)
            return
        client, runbook = key.split("/", 1)
        ctx = self._ctx
        db, actor, at = ctx.backend.db, ctx.actor_id, ctx.clock.now()
        show_state(self.status, f"Marking {key} reviewed…")

        def done(_change) -> None:
            row = self.model.row_of(key)
            next_key = None
            if row is not None:
                proxy_row = self.table.currentIndex().row()
                self.model.remove_keys([key])
                proxy = self.table.model()
                if proxy.rowCount():
                    next_key = proxy.index(min(proxy_row, proxy.rowCount() - 1), 0).data(KEY_ROLE)
            show_state(self.status, f"✔ {key} marked reviewed {ctx.clock.stamp(at)}: its review clock restarts.")
            self._count()
            if next_key is not None:
                self.select(next_key)
            else:
                self._render_preview(None)
            self.runbook_reviewed.emit(key)

        def failed(error: DispatchError) -> None:
            show_state(self.status, f"⚠ Not marked: {error}", problem=True)

        ctx.tasks.run(lambda: review.mark_reviewed(db, actor=actor, client=client, runbook=runbook, at=at),
                      write=True, name="mark runbook reviewed", on_done=done, on_error=failed)

    # ------------------------------------------------------------ loading

    def _on_loaded(self, state: StaleState) -> None:
        self._loading = False
        self._places = state.places
        self.model.set_rows(state.stale)
        self.secrets_model.set_rows(state.secrets)
        self._secrets_by_key = {}
        for line in state.secrets:
            self._secrets_by_key.setdefault(line.key, []).append(
                (f"line {line.line}" if line.line is not None else "its text") + f" looks like {line.finding}")
        self.secrets_table.resizeColumnsToContents()
        self._count()
        runbooks = len({s.key for s in state.secrets})
        show_state(self.secrets_summary,
            f"⚠ {len(state.secrets)} line{'s' if len(state.secrets) != 1 else ''} in {runbooks} "
            f"runbook{'s' if runbooks != 1 else ''}: a runbook names where a secret is kept (a vault item), "
            "never the secret itself. Take it out in the editor." if state.secrets
            else "✔ No runbook text looks like it holds a secret.",
            role="muted")
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self.table.selectRow(0)
        else:
            self._render_preview(self._shown)
        if self._again:
            self._again = False
            self.reload()

    def _on_load_failed(self, error: DispatchError) -> None:
        self._loading = False
        self._again = False
        show_state(self.summary, f"⚠ Cannot read the runbooks: {error}", problem=True)

    def _count(self) -> None:
        n = self.model.rowCount()
        show_state(self.summary,
            f"{n} runbook{'s' if n != 1 else ''} past {'their' if n != 1 else 'its'} review date. "
            "Read each one; if it is still true, mark it reviewed (R); if not, change it in the editor."
            if n else "✔ Every runbook with a review period has been reviewed in time.", role="muted")
        self.counted.emit(n)

    # ------------------------------------------------------------ preview

    def _on_stale_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self._render_preview(current.data(KEY_ROLE) if current.isValid() else None)

    def _on_secret_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if current.isValid():
            self._render_preview(current.data(VALUE_ROLE).key)

    def _render_preview(self, key: str | None) -> None:
        self._shown = key
        place = self._places.get(key) if key else None
        if place is None:
            self.preview.setMarkdown("Choose a runbook in a list to read it here.")
            return
        r = place.runbook
        where = f"system **{markdown_escape(place.system.name)}**" if place.system else "client-wide"
        lines = [f"## {markdown_escape(r.title)}", "",
                 f"**{markdown_escape(place.client.name)}** · {where} · level **L{r.level}** · `{place.key}`", ""]
        row_number = self.model.row_of(place.key)
        review_line = [f"review every **{r.review_days} days**"] if r.review_days else []
        if row_number is not None:
            row = self.model.value(row_number)
            last = self._ctx.clock.local(row.last_reviewed).strftime("%a %d %b %Y") if row.last_reviewed else "never"
            review_line = [f"**{overdue_text(row)}**", *review_line, f"last reviewed or changed {last}"]
        if review_line:
            lines += [" · ".join(review_line), ""]
        for finding in self._secrets_by_key.get(place.key, []):
            lines += [f"**⚠ {finding}**", ""]
        lines += ["---", "", r.body.strip() or "(no steps written)"]
        self.preview.setMarkdown("\n".join(lines))
