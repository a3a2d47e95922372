"""The runbook-change requests left by resolved calls, each linked to its call: read the call,
then say what was changed ("Done") or why nothing is ("Dismiss")."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from dispatch_app.domain.model import Environment
from dispatch_app.errors import DispatchError
from dispatch_app.services import calls
from dispatch_app.ui.care.models import RunbookRequestsModel
from dispatch_app.ui.care.request_dialogs import CallTimelineDialog, CloseRequestDialog
from dispatch_app.ui.care.runbook_facts import RequestRow, RequestsState, read_requests
from dispatch_app.ui.care.widgets import markdown_escape
from dispatch_app.ui.context import Context
from dispatch_app.ui.models.table import VALUE_ROLE
from dispatch_app.ui.views.panes import list_view, pane_title, show_state, side_by_side, state_line, titled

DONE_PREFIX = "Done: "
DISMISSED_PREFIX = "Dismissed: "


def _names(env: Environment | None) -> Callable[[str | None], str]:
    def name_of(tech: str | None) -> str:
        if tech is None:
            return "anonymous"
        found = env.technician(tech) if env else None
        return found.name if found else tech
    return name_of


class RunbookRequestsTab(QWidget):
    """Signals:
        request_closed(int): the request of this call was closed here (done or dismissed).
        counted(int): how many open requests there are, after each read.
    """

    request_closed = Signal(int)
    counted = Signal(int)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._env: Environment | None = None
        self._loading = False
        self._again = False
        self.call_dialog: CallTimelineDialog | None = None
        self.note_dialog: CloseRequestDialog | None = None

        self.show_closed = QCheckBox("Show c&losed requests too")
        self.show_closed.setToolTip("Also list the requests already done or dismissed (Alt+L)")
        self.show_closed.toggled.connect(lambda _checked: self.reload())
        self.summary = state_line("How many requests are open")

        self.model = RunbookRequestsModel(ctx.clock, self)
        self.table = list_view(self.model, "Runbook-change requests")
        # oldest first, as the service lists them
        self.table.sortByColumn(RunbookRequestsModel.RESOLVED, Qt.SortOrder.AscendingOrder)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.table.doubleClicked.connect(lambda _index: self.open_call())
        self.table.setWordWrap(True)  # what the resolver asked is the point of the row: shown whole
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

        self.open_button = QPushButton("&Open call")
        self.open_button.setToolTip("Read the call's timeline (Enter)")
        self.open_button.clicked.connect(self.open_call)
        self.done_button = QPushButton("&Done…")
        self.done_button.setToolTip("The runbook was changed: say what, and close the request (D)")
        self.done_button.clicked.connect(self.mark_done)
        self.dismiss_button = QPushButton("Di&smiss…")
        self.dismiss_button.setToolTip("The runbook stays as it is: say why, and close the request (S)")
        self.dismiss_button.clicked.connect(self.dismiss)
        self.open_action = self._shortcut("Open call", ["Return", "Enter"], self.open_call)
        self.done_action = self._shortcut("Done", ["D"], self.mark_done)
        self.dismiss_action = self._shortcut("Dismiss", ["S"], self.dismiss)
        self.status = state_line("What closing a request did")

        self.detail = QTextBrowser()
        self.detail.setAccessibleName("The chosen request")

        buttons = QHBoxLayout()
        for button in (self.open_button, self.done_button, self.dismiss_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        lists = QWidget()
        left = QVBoxLayout(lists)
        left.setContentsMargins(0, 0, 8, 0)
        head = QHBoxLayout()
        head.addWidget(pane_title("ASKED BY RESOLVED CALLS · OLDEST FIRST"))
        head.addStretch(1)
        head.addWidget(self.show_closed)
        left.addLayout(head)
        left.addWidget(self.summary)
        left.addWidget(self.table, 1)
        left.addLayout(buttons)
        left.addWidget(self.status)
        self.splitter = side_by_side(self, lists, titled("THE REQUEST", self.detail))
        self._render_detail(None)

    def _shortcut(self, text: str, keys: list[str], slot) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.table.addAction(action)
        return action

    # ------------------------------------------------------------ public

    def set_may_act(self, may: bool) -> None:
        """Whether the signed-in actor holds a role the service accepts (the service decides)."""
        for widget in (self.done_button, self.dismiss_button, self.done_action, self.dismiss_action):
            widget.setEnabled(may)

    def reload(self) -> None:
        if self._loading:
            self._again = True
            return
        self._loading = True
        db, actor, closed = self._ctx.backend.db, self._ctx.actor_id, self.show_closed.isChecked()
        self._ctx.tasks.run(lambda: read_requests(db, actor, closed), name="runbook-change requests",
                            on_done=self._on_loaded, on_error=self._on_load_failed)

    def selected(self) -> RequestRow | None:
        index = self.table.currentIndex()
        return index.data(VALUE_ROLE) if index.isValid() else None

    def select(self, call_id: int) -> None:
        proxy = self.table.model()
        for row in range(proxy.rowCount()):
            if proxy.index(row, 0).data(VALUE_ROLE).call_id == call_id:
                self.table.selectRow(row)
                return

    def open_call(self) -> None:
        row = self.selected()
        if row is None:
            show_state(self.status, "Select a request first.", problem=True)
            return
        if self.call_dialog is not None and self.call_dialog.isVisible():
            self.call_dialog.raise_()
            return
        self.call_dialog = CallTimelineDialog(self._ctx, row.call_id, _names(self._env), row.client_name, self)
        self.call_dialog.open()

    def mark_done(self) -> None:
        self._ask_note(
            DONE_PREFIX, "&Close request: done",
            "What did you change in the runbook? The note goes on the call's timeline and closes the request.",
            "e.g. added step 4: reboot the wing's access point from the controller")

    def dismiss(self) -> None:
        self._ask_note(
            DISMISSED_PREFIX, "&Close request: dismissed",
            "Why does the runbook stay as it is? The note goes on the call's timeline and closes the request.",
            "e.g. a one-off: the access point was replaced the next day")

    # ------------------------------------------------------------ closing a request

    def _ask_note(self, prefix: str, ok_text: str, intro: str, placeholder: str) -> None:
        row = self.selected()
        if row is None:
            show_state(self.status, "Select a request first.", problem=True)
            return
        if row.state != "open":
            show_state(self.status, f"The request of call #{row.call_id} is already closed.", problem=True)
            return
        verb = "Done" if prefix == DONE_PREFIX else "Dismiss"
        dialog = CloseRequestDialog(f"{verb}: runbook change asked by call #{row.call_id}", intro, placeholder,
                                    ok_text, self)
        self.note_dialog = dialog
        dialog.accepted.connect(lambda: self._close_request(row.call_id, prefix + dialog.note))
        dialog.open()

    def _close_request(self, call_id: int, note: str) -> None:
        ctx = self._ctx
        db, actor, at = ctx.backend.db, ctx.actor_id, ctx.clock.now()
        show_state(self.status, f"Closing the request of call #{call_id}…")

        def done(_changed) -> None:
            show_state(self.status, f"✔ Call #{call_id}: request closed ({note}).")
            if not self.show_closed.isChecked():
                self.model.remove_keys([call_id])
                self._count()
            self.request_closed.emit(call_id)
            self.reload()

        def failed(error: DispatchError) -> None:
            show_state(self.status, f"⚠ Not closed: {error}", problem=True)

        ctx.tasks.run(lambda: calls.close_runbook_request(db, actor=actor, call_id=call_id, note=note, at=at),
                      write=True, name="close runbook request", on_done=done, on_error=failed)

    # ------------------------------------------------------------ loading

    def _on_loaded(self, state: RequestsState) -> None:
        self._loading = False
        self._env = state.env
        self.model.set_rows(state.rows)
        self._count()
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self.table.selectRow(0)
        self._render_detail(self.selected())
        if self._again:
            self._again = False
            self.reload()

    def _on_load_failed(self, error: DispatchError) -> None:
        self._loading = False
        self._again = False
        self.model.set_rows([])
        show_state(self.summary, f"⚠ {error}", problem=True)
        self._render_detail(None)
        self.counted.emit(0)

    def _count(self) -> None:
        open_ones = sum(1 for r in self.model.rows if r.state == "open")
        show_state(self.summary, (
            f"{open_ones} open request{'s' if open_ones != 1 else ''}: read the call (Enter), change the runbook in "
            "the editor, then Done (D); or Dismiss (S) with why." if open_ones
            else "✔ No open runbook-change requests."), role="muted")
        self.counted.emit(open_ones)

    def _on_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self._render_detail(current.data(VALUE_ROLE) if current.isValid() else None)

    def _render_detail(self, row: RequestRow | None) -> None:
        if row is None:
            self.detail.setMarkdown("Choose a request to read what the resolver asked.")
            return
        when = self._ctx.clock.stamp(row.resolved_at) if row.resolved_at else "—"
        state = "● open" if row.state == "open" else "✔ closed"
        self.detail.setMarkdown("\n".join([
            f"## Call #{row.call_id} · {markdown_escape(row.client_name)}", "",
            f"**{state}** · {markdown_escape(row.system_name)}", "",
            f"“{markdown_escape(row.summary)}”", "",
            "### What should change", "",
            markdown_escape(row.asked) or "(nothing written)", "",
            f"Asked by **{markdown_escape(row.resolved_by)}**, who resolved the call {when}.", "",
            "---", "",
            "Enter: read the call's timeline · D: done (say what changed) · S: dismiss (say why)",
        ]))
