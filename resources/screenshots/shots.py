"""What every screenshot module does: wait for the console (its reads run on workers, so a shot
is taken once what it shows is there and drawn), sign somebody in, and save the shots."""
from __future__ import annotations

import time
from pathlib import Path

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


def sign_in(console, tech: str) -> None:
    """Sign ``tech`` in at the console, as the sign-in on start would."""
    window = console.window
    console.settings.set("signed_in_technician", tech)
    window.controllers["sign_in"].ensure_signed_in()
    wait(lambda: window.actor.id == tech)


class Shots:
    """The folder the shots go to, and the files saved so far."""

    def __init__(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        self.out = out
        self.saved: list[Path] = []

    def save(self, widget, name: str) -> None:
        path = self.out / f"{name}.png"
        widget.grab().save(str(path))
        self.saved.append(path)
