"""Work off the UI thread (ui/tasks.py): a result for a window closed meanwhile is dropped."""
from __future__ import annotations

import threading

import shiboken6
from PySide6.QtWidgets import QLabel

from dispatch_app.ui.tasks import TaskRunner


def test_a_result_for_a_closed_window_is_dropped_quietly(qtbot):
    runner = TaskRunner()
    release = threading.Event()
    label = QLabel("loading")
    runner.run(lambda: release.wait(5) and "loaded", on_done=label.setText, name="slow read")
    shiboken6.delete(label)  # the window closes while the read runs
    with qtbot.waitSignal(runner.task_finished, timeout=5000) as finished:
        release.set()
    assert finished.args == ["slow read"] and runner.pending == 0
    runner.shutdown()


def test_a_result_still_reaches_a_live_window(qtbot):
    runner = TaskRunner()
    label = QLabel("loading")
    qtbot.addWidget(label)
    with qtbot.waitSignal(runner.task_finished, timeout=5000):
        runner.run(lambda: "loaded", on_done=label.setText)
    assert label.text() == "loaded"
    runner.shutdown()
