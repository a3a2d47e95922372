"""The console when its SQLite file is deleted under it: the database banner, then back."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy.engine import make_url


@pytest.mark.parametrize("northwind_url", ["sqlite"], indirect=True)
def test_a_deleted_database_file_shows_the_banner_and_a_restored_one_clears_it(console_factory, northwind_url,
                                                                               qtbot, tmp_path):
    window = console_factory(northwind_url).window
    path = Path(make_url(northwind_url).database)
    backup = tmp_path / "backup.db"
    source, target = sqlite3.connect(path), sqlite3.connect(backup)
    source.backup(target)
    source.close()
    target.close()
    assert not window.banner.isVisible()

    os.unlink(path)  # the change feed's next look at the database finds the file gone
    qtbot.waitUntil(window.banner.isVisible, timeout=10000)
    assert "deleted or moved away" in window.banner.text.text()
    assert "unreachable" in window.database_label.text()

    os.replace(backup, path)  # the backup restored: the next try opens it anew
    qtbot.mouseClick(window.banner.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=10000)
    assert "connected" in window.database_label.text()
