"""The lead's and the manager's windows: the editor, the schedules, runbook care, the review.
One window of each kind, made on first use and brought to the front after."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from dispatch_app.ui.context import Context


class OtherWindows(QObject):
    """``reload_environment`` is called when the editor saved (app.py hands in the environment
    controller's)."""

    def __init__(self, *, window: QWidget, context: Context, reload_environment: Callable[[], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.window, self.context, self.reload_environment = window, context, reload_environment
        self.opened: dict[str, QWidget] = {}

    def _show(self, name: str, make: Callable[[], QWidget]) -> QWidget:
        window = self.opened.get(name)
        if window is None:
            window = self.opened[name] = make()
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def open_editor(self) -> QWidget:
        def make() -> QWidget:
            from dispatch_app.ui.editor import EditorWindow

            editor = EditorWindow(self.context, self.window)
            editor.environment_changed.connect(lambda _saved: self.reload_environment())
            editor.what_if_requested.connect(self.what_if_leave)
            return editor
        return self._show("editor", make)

    def open_schedules(self) -> QWidget:
        from dispatch_app.ui.schedule import ScheduleWindow

        return self._show("schedules", lambda: ScheduleWindow(self.context, self.window))

    def open_runbook_care(self) -> QWidget:
        from dispatch_app.ui.care.window import RunbookCareWindow

        return self._show("runbook_care", lambda: RunbookCareWindow(self.context, self.window))

    def open_review(self) -> QWidget:
        from dispatch_app.ui.review import ReviewWindow

        return self._show("review", lambda: ReviewWindow(self.context, self.window))

    def what_if_leave(self, tech: str, start, end) -> QWidget:
        """The manager's what-if on leave of ``tech`` over [start, end), checked at once."""
        review = self.open_review()
        review.try_leave(tech, start, end)  # type: ignore[attr-defined]
        return review
