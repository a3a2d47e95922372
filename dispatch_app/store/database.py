"""Opening the database: SQLite (the default, one workstation) or PostgreSQL (shared).

The schema is Alembic's: the first use of a :class:`Database` upgrades it to the newest
revision. Anything a user can fix (server down, directory missing, password absent) becomes a
one-line :class:`DispatchError` naming the database and what to do.
"""
from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from typing import TYPE_CHECKING

import platformdirs
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import StaticPool

from dispatch_app.domain.timeline import canonical as _canonical_json
from dispatch_app.errors import DispatchError
from dispatch_app.resources import package_file

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

# The ORM (sqlalchemy.orm and the mapped tables), the keyring and Alembic are imported where
# they are first needed: a quick read through :meth:`Database.reading` loads none of them.

APP_NAME = "dispatch-app"
MIGRATIONS = package_file("dispatch_app.store", "migrations")
BUSY_TIMEOUT_MS = 5000
CONNECT_TIMEOUT_S = 10
_MIGRATION_LOCK = 0x44495350  # "DISP": PostgreSQL advisory lock around migrations


def head_revision() -> str:
    """The newest migration's revision id, read from the scripts without loading Alembic."""
    found = re.compile(r'^(down_revision|revision)\s*=\s*["\']?([\w-]+|None)["\']?', re.M)
    revisions, parents = set(), set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        for key, value in found.findall(script.read_text(encoding="utf-8")):
            (revisions if key == "revision" else parents).add(value)
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def default_url() -> str:
    """The SQLite file in the platform's user data directory."""
    return f"sqlite:///{platformdirs.user_data_path(APP_NAME) / 'dispatch.db'}"


class Database:
    """One database, opened lazily and migrated on first use.

    ``url`` is an SQLAlchemy URL; None means the SQLite file of :func:`default_url` (its
    directory is created). A PostgreSQL URL without a password takes it from the system
    keyring (secret ``db:{user}@{host}``) when one is stored there.
    """

    def __init__(self, url: str | None = None) -> None:
        self._is_default = url is None
        try:
            self._given = make_url(url or default_url())
        except (ValueError, sa_exc.ArgumentError) as error:  # never echo the URL: it may hold a password
            reason = "its port is not a number" if "int()" in str(error) else "it is not a database URL"
            raise DispatchError(f"cannot read the database URL: {reason}; give one such as "
                                "sqlite:///PATH/dispatch.db or postgresql+psycopg://USER@HOST:PORT/DBNAME") from None
        self.display_url = self._given.render_as_string(hide_password=True)
        self._keyring_note: str | None = None
        self._engine: Engine | None = None
        self._reader: sessionmaker[Session] | None = None
        self._writer: sessionmaker[Session] | None = None
        self._snapshot: sessionmaker[Session] | None = None
        self._lock = threading.Lock()
        self._file = _sqlite_file(self._given)
        self._identity: tuple[int, int] | None = None  # (device, inode) of the SQLite file open
        self._companions: dict[str, tuple[int, int] | None] = {}  # its -wal and -shm files, as last seen

    # ------------------------------------------------------------ public

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._given.get_backend_name()

    @property
    def engine(self) -> Engine:
        """The engine, opened and migrated (on the file the path names now: :meth:`check_file`)."""
        self._open_engine()
        self._follow_file()
        assert self._engine is not None
        return self._engine

    def check_file(self) -> None:
        """On SQLite, make sure the path still names the file this Database has open (the
        same device and inode). A file deleted under it raises :class:`DispatchError`, and
        nothing is written into the unlinked file; a file put in its place (a restored
        backup) is opened anew. Every :meth:`session` and :meth:`reading` checks first, and a
        write session checks again after its commit: a write that went into a file replaced
        meanwhile raises. PostgreSQL: nothing to check."""
        self._open_engine()
        self._follow_file()

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A Core connection in a read transaction that sees one snapshot (``REPEATABLE READ``,
        read only, on PostgreSQL; SQLite's transaction always gives one). For the quick reads
        of ``store/reads.py``: it opens the engine without loading the ORM."""
        self._open_engine()
        self._follow_file()
        engine = self._engine
        assert engine is not None
        if self.dialect == "postgresql":
            engine = engine.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        try:
            with engine.connect() as connection, connection.begin():
                yield connection
        except (sa_exc.OperationalError, sa_exc.InterfaceError) as error:
            problem = self._explain_in_use(error)
            if problem is None:
                raise
            raise DispatchError(problem) from error

    @contextmanager
    def session(self, *, write: bool = False, read_only: bool = False) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back when it raises.

        ``write=True`` takes SQLite's write lock at the start (``BEGIN IMMEDIATE``), so a
        writer waits for another one (up to the busy timeout) instead of failing halfway.
        ``read_only=True`` reads one snapshot on PostgreSQL too (``REPEATABLE READ``), for
        reads made of several queries; SQLite's transaction always gives one.
        """
        self._open()
        identity = self._follow_file()
        maker = self._writer if write else self._snapshot if read_only else self._reader
        assert maker is not None
        try:
            with maker() as session, session.begin():
                yield session
        except (sa_exc.OperationalError, sa_exc.InterfaceError) as error:
            problem = self._explain_in_use(error)
            if problem is None:
                raise
            raise DispatchError(problem) from error
        if write and identity is not None and _file_identity(self._file) != identity:
            raise DispatchError(
                f"cannot write to the database {self.display_url}: the file {self._file} was replaced or deleted "
                "while this was being written, so the write went into the old file, which nothing reads; "
                "nothing was stored in the database. Try again."
            )

    def is_empty(self) -> bool:
        """True when the database holds no technician and no client (a new installation)."""
        with self.session() as session:
            return is_empty(session)

    def dispose(self) -> None:
        """Close every pooled connection (the Database can be used again afterwards)."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.display_url!r})"

    # ------------------------------------------------------------ opening

    def _open_engine(self) -> Engine:
        """The engine, created and migrated on first use."""
        if self._engine is not None:
            return self._engine
        with self._lock:
            if self._engine is None:
                self._engine = self._created_and_migrated()
        return self._engine

    def _created_and_migrated(self) -> Engine:
        """A new engine on the URL, its schema upgraded (the caller holds the lock). An SQLite
        file that was open once and is gone now is not made again, empty: that would hide the loss."""
        if self._identity is not None and _file_identity(self._file) is None:
            raise DispatchError(self._gone())
        engine = self._create_engine()
        try:
            self._migrate(engine)
        except BaseException:
            engine.dispose()
            raise
        self._identity = _file_identity(self._file)
        self._companions = _companions(self._file)
        return engine

    def _follow_file(self) -> tuple[int, int] | None:
        """The (device, inode) of the SQLite file the sessions open now; raises when the file
        is gone, opens the path again when another file took its place."""
        if self._identity is None:
            return None
        now = _file_identity(self._file)
        if now == self._identity:
            self._companions = _companions(self._file)
            return now
        if now is None:
            raise DispatchError(self._gone())
        with self._lock:
            if _file_identity(self._file) != self._identity:
                self._reopen()
            return self._identity

    def _reopen(self) -> None:
        """A new engine on the path (the caller holds the lock). The old connections are
        closed first, once the sessions using them ended (within the busy timeout), so that
        SQLite checkpoints and removes the old file's write-ahead log before the new file is
        opened; the new engine and sessions replace the old ones in one step."""
        logging.getLogger(__name__).warning("the database file %s was replaced: opening it again", self._file)
        old = self._engine
        if old is not None:
            deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
            while old.pool.checkedout() and time.monotonic() < deadline:  # type: ignore[attr-defined]
                time.sleep(0.01)
            old.dispose()
        # SQLite does not checkpoint a moved file on close, so its write-ahead log and index
        # stay at the path; opened with the new file, they would be read as part of it.
        for suffix, seen in self._companions.items():
            if seen is not None and _file_identity(self._file + suffix) == seen:
                try:
                    os.unlink(self._file + suffix)
                except OSError:
                    pass
        engine = self._created_and_migrated()
        self._engine = engine
        if self._reader is not None:
            self._make_sessions(engine)

    def _gone(self) -> str:
        return (f"cannot open the database {self.display_url}: the file {self._file} was deleted or moved away "
                "while in use, and nothing is written to it any more. Put the file back (it is opened again), "
                "or pass --db.")

    def _open(self) -> None:
        if self._reader is not None:
            return
        engine = self._open_engine()

        with self._lock:
            if self._reader is not None:
                return
            self._make_sessions(self._engine or engine)

    def _make_sessions(self, engine: Engine) -> None:
        """The session makers on ``engine`` (the caller holds the lock)."""
        from sqlalchemy.orm import sessionmaker

        snapshot = engine
        if self.dialect == "postgresql":
            snapshot = engine.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        self._snapshot = sessionmaker(snapshot, expire_on_commit=False)
        self._writer = sessionmaker(
            engine.execution_options(dispatch_begin="BEGIN IMMEDIATE"), expire_on_commit=False
        )
        self._reader = sessionmaker(engine, expire_on_commit=False)  # last: marks "open"

    def _create_engine(self) -> Engine:
        if self.dialect == "sqlite":
            return self._sqlite_engine()
        if self.dialect == "postgresql":
            return create_engine(
                self._with_keyring_password(self._given),
                pool_pre_ping=True, hide_parameters=True,  # values (summaries, notes) stay out of errors and logs
                connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": APP_NAME},
            )
        return create_engine(self._given, hide_parameters=True)

    def _sqlite_engine(self) -> Engine:
        path = self._given.database
        if path and path != ":memory:" and not path.startswith("file:"):
            self._check_sqlite_directory(Path(path).expanduser())
            engine = create_engine(self._given, hide_parameters=True, json_serializer=_canonical_json)
        else:
            # One shared connection, or each session would see its own empty database.
            engine = create_engine(self._given, poolclass=StaticPool, hide_parameters=True,
                                   json_serializer=_canonical_json)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, connection_record) -> None:
            # Take over BEGIN from the sqlite3 module (it skips it before SELECT and DDL),
            # so reads see one snapshot and migrations are transactional.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection) -> None:
            connection.exec_driver_sql(connection.get_execution_options().get("dispatch_begin", "BEGIN"))

        return engine

    def _check_sqlite_directory(self, path: Path) -> None:
        directory = path.parent if path.parent != Path("") else Path(".")
        if self._is_default:
            try:
                directory.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise DispatchError(
                    f"cannot create the directory {directory} for the database {self.display_url}: "
                    f"{error.strerror or error}. Check its permissions, or pass --db."
                ) from None
        if not directory.is_dir():
            raise DispatchError(
                f"cannot open the database {self.display_url}: the directory {directory} does not exist. "
                "Create it, or pass --db with another path."
            )
        if not os.access(directory, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.R_OK | os.W_OK)):
            raise DispatchError(
                f"cannot open the database {self.display_url}: {path if path.exists() else directory} "
                "is not writable. Fix its permissions, or pass --db with another path."
            )

    def _with_keyring_password(self, url: URL) -> URL:
        if url.password is not None or not url.username:
            return url
        from dispatch_app import secrets

        name = secrets.database_secret_name(url.username, url.host)
        try:
            password = secrets.get_secret(name)
        except DispatchError as error:
            self._keyring_note = str(error)
            return url
        if password is None:
            self._keyring_note = f"the system keyring holds no password '{name}' (service {secrets.SERVICE})"
            return url
        return url.set(password=password)

    def _schema_is_current(self, engine: Engine) -> bool:
        """Whether the schema is at the newest revision already: the usual case, answered
        with one query so that a quick command does not load Alembic."""
        try:
            with engine.connect() as connection:
                version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        except sa_exc.DBAPIError:
            return False  # no schema yet, or the server is away: the migration says which
        return version == head_revision()

    def _migrate(self, engine: Engine) -> None:
        if self._schema_is_current(engine):
            return
        # Loaded only when the schema must change: Alembic is a large import.
        from alembic import command
        from alembic.config import Config
        from alembic.util.exc import CommandError

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        try:
            with engine.connect() as connection:
                sqlite = connection.dialect.name == "sqlite"
                raw = connection.connection.dbapi_connection
                if sqlite:
                    # Outside any transaction, or SQLite ignores it. Batch migrations copy and
                    # drop tables; with foreign keys on, the drop would cascade into children.
                    raw.execute("PRAGMA foreign_keys = OFF")
                try:
                    with connection.begin():
                        if connection.dialect.name == "postgresql":
                            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
                        config.attributes["connection"] = connection
                        command.upgrade(config, "head")
                        if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                            raise RuntimeError("a migration left rows whose foreign keys point nowhere")
                finally:
                    if sqlite:
                        raw.execute("PRAGMA foreign_keys = ON")
        except CommandError as error:
            raise DispatchError(
                f"cannot use the database {self.display_url}: its schema is not one this version knows "
                f"({error}). Upgrade Dispatch Console, or pass --db."
            ) from None
        except (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DatabaseError) as error:
            raise DispatchError(self._explain_open(error)) from None

    # ------------------------------------------------------------ messages

    def _explain_open(self, error: sa_exc.DBAPIError) -> str:
        reason = _reason(error)
        lowered = reason.lower()
        if self.dialect == "sqlite":
            if "not a database" in lowered or "malformed" in lowered:
                advice = "It is not a Dispatch Console database; pass --db with another path."
            elif "locked" in lowered or "busy" in lowered:
                advice = "Another program is holding it; try again."
            else:
                advice = "Check the file and its directory, or pass --db."
        elif "password" in lowered or "authentication" in lowered:
            from dispatch_app import secrets

            name = secrets.database_secret_name(self._given.username or "", self._given.host)
            advice = (
                f"Store the password in the system keyring as '{name}' (service {secrets.SERVICE}), "
                "or check the user name."
            )
            if self._keyring_note:
                advice += f" Note: {self._keyring_note}."
        elif "does not exist" in lowered:
            advice = "Create it on the server, or pass --db."
        else:
            advice = "Check that the server is running and reachable, or pass --db."
        return f"cannot open the database {self.display_url}: {reason}. {advice}"

    def _explain_in_use(self, error: sa_exc.DBAPIError) -> str | None:
        """A one-line problem for errors a user can fix; None for a bug."""
        reason = _reason(error)
        lowered = reason.lower()
        if getattr(error, "connection_invalidated", False) or "server closed" in lowered or "terminat" in lowered:
            return (
                f"lost the connection to the database {self.display_url}: {reason}. "
                "Check that the server is running and reachable, then try again."
            )
        if "database is locked" in lowered or "busy" in lowered:
            return f"the database {self.display_url} is busy (another program is writing): try again."
        if "readonly" in lowered or "read-only" in lowered or "disk" in lowered:
            return f"cannot write to the database {self.display_url}: {reason}. Check the file and the disk."
        return None


def _sqlite_file(url: URL) -> str | None:
    """The path of an SQLite database file; None for PostgreSQL and in-memory databases."""
    path = url.database
    if url.get_backend_name() != "sqlite" or not path or path == ":memory:" or path.startswith("file:"):
        return None
    return str(Path(path).expanduser())


def _file_identity(path: str | None) -> tuple[int, int] | None:
    """(device, inode) of the file at ``path``; None when there is none."""
    if path is None:
        return None
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _companions(path: str | None) -> dict[str, tuple[int, int] | None]:
    """(device, inode) of the write-ahead log and its index beside an SQLite file."""
    if path is None:
        return {}
    return {suffix: _file_identity(path + suffix) for suffix in ("-wal", "-shm")}


def is_empty(session: Session) -> bool:
    """True when the database holds no technician and no client."""
    from sqlalchemy import exists, select

    from dispatch_app.store.tables import ClientRow, TechnicianRow

    return not session.execute(
        select(exists(select(TechnicianRow.id)) | exists(select(ClientRow.id)))
    ).scalar_one()


def _reason(error: sa_exc.DBAPIError | sa_exc.SQLAlchemyError) -> str:
    """The driver's message, shortened to what a user can read on one line."""
    original = getattr(error, "orig", None) or error
    text = " ".join(str(original).split("\n")[0].split())
    # psycopg: 'connection failed: connection to server at "h" (...), port 1 failed: Connection refused'
    if "failed: " in text:
        text = text.rsplit("failed: ", 1)[1]
    for prefix in ("FATAL: ", "ERROR: "):
        if text.startswith(prefix):
            text = text[len(prefix):]
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:] if text else type(original).__name__
