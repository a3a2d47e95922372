"""Console tests: the real widgets, offscreen, on a temporary SQLite database.

``QT_QPA_PLATFORM`` is set before anything imports Qt. "Now" is pinned: the console takes a
clock callable, and these tests hand it 2026-11-28T05:00Z (Friday 23:00 in Chicago: the
night after Acme's Thanksgiving holiday), the instant of the spec's worked example.
"""
from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from dispatch_app.services.database import open_database  # noqa: E402
from dispatch_app.services.environment import import_bundle  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
NORTHWIND = ROOT / "resources" / "examples" / "northwind.yaml"
AT = datetime(2026, 11, 28, 5, 0, tzinfo=timezone.utc)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'console.db'}"


@pytest.fixture
def northwind_url(sqlite_url: str) -> str:
    db = open_database(sqlite_url)
    import_bundle(db, NORTHWIND, actor=None, at=AT)
    db.dispose()
    return sqlite_url


@pytest.fixture
def settings(tmp_path: Path):
    from dispatch_app.settings import Settings

    s = Settings(tmp_path / "settings.json")
    s.set("viewer_timezone", "America/Chicago")
    return s


@pytest.fixture
def console_factory(qtbot, settings):
    """Build the whole console (as app.py does) on a database, with the clock pinned."""
    from dispatch_app.app import build_console, resources_dir

    made = []

    def make(url: str, *, signed_in: str | None = "jordan", at: datetime = AT, start: bool = True):
        if signed_in:
            settings.set("signed_in_technician", signed_in)
        console = build_console(url, settings=settings, clock=lambda: at, resources=resources_dir())
        qtbot.addWidget(console.window)
        made.append(console)
        console.window.show()
        if start:
            console.window.start()
            qtbot.waitUntil(lambda: console.window.env is not None, timeout=5000)
            if signed_in:
                qtbot.waitUntil(lambda: console.window.actor.id == signed_in, timeout=5000)
        return console

    yield make
    for console in made:
        console.window.stop_timers()
        console.tasks.shutdown()
        console.backend.db.dispose()


# The offscreen platform itself warns when a window is shown or raised; that is not the console's doing.
OFFSCREEN_NOISE = r"This plugin does not support (propagateSizeHints|raise)\(\)"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))
