"""Waiting for the console while taking screenshots: its reads run on workers, so a shot is
taken once what it shows is there, and after the event loop has drawn it."""
from __future__ import annotations

import time

from PySide6.QtWidgets import QApplication


def wait(predicate, timeout: float = 20.0) -> None:
    """Run the event loop until ``predicate()`` holds; TimeoutError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the console did not get there in time")
        QApplication.processEvents()
        time.sleep(0.02)


def settle(seconds: float = 0.5) -> None:
    """Run the event loop for ``seconds`` (animations, delayed checks, repaints)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.02)
