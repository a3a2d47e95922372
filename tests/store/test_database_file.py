"""An SQLite file deleted or replaced under an open Database: nothing is written into the
unlinked file, and a file put back at the path is opened anew."""
from __future__ import annotations

import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from dispatch_app.errors import DispatchError
from dispatch_app.store import Database, feed_rows, record_change
from night import northwind_url  # noqa: F401 - fixture


def _count(db: Database) -> int:
    """The change counter: one more for every write."""
    with db.session() as session:
        return feed_rows.current_counter(session)


def _write(db: Database) -> None:
    with db.session(write=True) as session:
        record_change(session, at=datetime(2026, 12, 3, tzinfo=timezone.utc))


pytestmark = pytest.mark.parametrize("northwind_url", ["sqlite"], indirect=True)


@pytest.fixture
def sqlite_db(northwind_url):  # noqa: F811 - SQLite only (parametrized below)
    db = Database(northwind_url)
    yield db, Path(make_url(northwind_url).database)
    db.dispose()


def test_a_deleted_file_is_refused_and_not_made_again_empty(sqlite_db, tmp_path):
    db, path = sqlite_db
    before = _count(db)
    backup = tmp_path / "backup.db"
    shutil.copyfile(path, backup)
    os.unlink(path)
    with pytest.raises(DispatchError, match="cannot open the database .* was deleted or moved away"):
        _write(db)
    with pytest.raises(DispatchError, match="Put the file back"):
        _count(db)
    with pytest.raises(DispatchError):
        db.check_file()
    assert not path.exists()  # no new, empty database in its place

    os.replace(backup, path)  # the backup restored
    db.check_file()
    assert _count(db) == before
    _write(db)
    other = Database(f"sqlite:///{path}")
    try:
        assert _count(other) == before + 1  # the write is in the file at the path
    finally:
        other.dispose()


def test_a_file_replaced_by_another_is_opened_anew(sqlite_db, tmp_path):
    db, path = sqlite_db
    before = _count(db)
    backup = tmp_path / "backup.db"
    shutil.copyfile(path, backup)
    _write(db)
    _write(db)  # two writes only the old file holds
    assert _count(db) == before + 2
    os.replace(backup, path)  # `mv backup.db dispatch.db` under the running program
    assert _count(db) == before  # reads the file at the path, not the unlinked one
    _write(db)
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT counter FROM changes")).scalar_one() == before + 1


def test_a_write_into_a_file_replaced_meanwhile_is_not_taken_for_stored(sqlite_db, tmp_path):
    db, path = sqlite_db
    before = _count(db)
    backup = tmp_path / "backup.db"
    shutil.copyfile(path, backup)
    with pytest.raises(DispatchError, match="cannot write to the database .* was replaced or deleted"):
        with db.session(write=True) as session:
            record_change(session, at=datetime(2026, 12, 3, tzinfo=timezone.utc))
            os.replace(backup, path)  # replaced while the transaction is open
    assert _count(db) == before  # the file at the path does not hold it
