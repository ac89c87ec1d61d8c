"""The SQLite file itself: connections, locks, transactions, migrations, health.

One writer connection and one reader connection per process (WAL mode, so reads never wait
for a writer, even one that waits out another process's lock). Writes that read before they
write run in `transaction()`, a `BEGIN IMMEDIATE` that takes the write lock up front, so a
compare-and-swap or a claim cannot interleave with another connection's write. Every
statement is parameterised; every SQLite refusal (locked past the busy timeout, disk full,
read-only, I/O) becomes a `StoreUnavailable` that says which.

No call here may run on a thread that runs an asyncio event loop (see `StoreOnEventLoop`):
the `Store` facade gives coroutines async methods that run on its own threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlite_utils

from bot.store.clock import iso
from bot.store.errors import SchemaTooNew, StoreError, StoreOnEventLoop, StoreUnavailable

log = logging.getLogger(__name__)

MEMORY = ":memory:"
BUSY_TIMEOUT_SECONDS = 5.0
"""How long a writer waits for another connection's transaction before giving up."""
MIN_FREE_BYTES = 1 << 20
"""Below this much free disk, `check_writable` calls the database full."""

Migration = Callable[[sqlite_utils.Database], None]
Params = Sequence[Any]


def refuse_on_event_loop() -> None:
    """Raise StoreOnEventLoop when called on a thread that runs an asyncio event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise StoreOnEventLoop(
        "a blocking SQLite call was made on the asyncio event loop; await the Store's"
        " async methods instead"
    )


def unavailable(error: sqlite3.OperationalError, busy_timeout: float) -> StoreUnavailable:
    """SQLite's refusal in words an operator can act on (SQLite's text carries no values)."""
    text = str(error)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return StoreUnavailable(
            f"the database stayed locked by another connection for over {busy_timeout:g} s",
            "locked",
        )
    if "full" in lowered:
        return StoreUnavailable("the database or the disk holding it is full", "full")
    if "readonly" in lowered or "read-only" in lowered:
        return StoreUnavailable("the database is read-only for this process", "read-only")
    if "i/o" in lowered:
        return StoreUnavailable("the disk holding the database failed (disk I/O error)", "io")
    return StoreUnavailable(f"SQLite refused: {text}", "other")


class Database:
    """cmbot's SQLite file; safe to share between threads (each connection has its lock)."""

    def __init__(
        self, path: str | os.PathLike[str], *, busy_timeout: float = BUSY_TIMEOUT_SECONDS
    ) -> None:
        refuse_on_event_loop()
        self.path = os.fspath(path)
        self.busy_timeout = busy_timeout
        self.memory = self.path == MEMORY
        if not self.memory and not os.path.exists(self.path):
            self._create_private_file(self.path)
        self._write_lock = threading.RLock()
        self._local = threading.local()
        self._closed = False
        self._writer = self._connect()
        try:
            with self._translated():
                if not self.memory:
                    self._writer.enable_wal()
                self._reader = self._writer
                if not self.memory:
                    self._reader = self._connect()
                    self._reader.execute("PRAGMA query_only = ON")
        except BaseException:
            self._writer.close()
            raise
        self._read_lock = self._write_lock if self.memory else threading.Lock()

    def _connect(self) -> sqlite_utils.Database:
        try:
            conn = sqlite3.connect(
                self.path,
                timeout=self.busy_timeout,
                isolation_level=None,  # transactions are explicit: BEGIN IMMEDIATE … COMMIT
                check_same_thread=False,  # shared by the store's threads, serialised by locks
            )
        except sqlite3.Error as error:
            raise StoreError(f"cannot open the database at {self.path}: {error}") from None
        try:
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as error:
            conn.close()
            raise StoreError(f"cannot use the database at {self.path}: {error}") from None
        return sqlite_utils.Database(conn, execute_plugins=False)

    @staticmethod
    def _create_private_file(path: str) -> None:
        """Create the file owner-only, so the encrypted tokens are not world-readable.

        SQLite gives the -wal and -shm files the same permissions as the database file.
        """
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        except OSError as error:
            raise StoreError(f"cannot create the database at {path}: {error}") from None
        os.close(descriptor)

    def close(self) -> None:
        """Close both connections; safe to call twice."""
        refuse_on_event_loop()
        with self._write_lock, self._read_lock:
            if self._closed:
                return
            self._closed = True
            if self._reader is not self._writer:
                self._reader.close()
            self._writer.close()

    # --- statements ---

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as error:
            raise unavailable(error, self.busy_timeout) from None

    def _in_transaction(self) -> bool:
        return bool(getattr(self._local, "in_transaction", False))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT on the writer; inside one, a nested call joins it."""
        refuse_on_event_loop()
        if self._in_transaction():
            yield
            return
        with self._write_lock:
            with self._translated():
                self._writer.execute("BEGIN IMMEDIATE")
            self._local.in_transaction = True
            try:
                yield
                with self._translated():
                    self._writer.execute("COMMIT")
            except BaseException:
                self._rollback_quietly()
                raise
            finally:
                self._local.in_transaction = False

    def _rollback_quietly(self) -> None:
        with contextlib.suppress(sqlite3.Error):  # a failed COMMIT may have ended it already
            self._writer.execute("ROLLBACK")

    def all(self, sql: str, params: Params = ()) -> list[dict[str, Any]]:
        """Rows as dicts: from the writer inside a transaction, else from the reader."""
        refuse_on_event_loop()
        if self._in_transaction():
            with self._translated():
                return list(self._writer.query(sql, tuple(params)))
        with self._read_lock, self._translated():
            return list(self._reader.query(sql, tuple(params)))

    def one(self, sql: str, params: Params = ()) -> dict[str, Any] | None:
        rows = self.all(sql, params)
        return rows[0] if rows else None

    def write(self, sql: str, params: Params = ()) -> int:
        """One write statement (its own transaction unless inside one); rows changed."""
        return self._execute(sql, params).rowcount

    def insert(self, sql: str, params: Params = ()) -> int:
        """One INSERT; the new row's id."""
        return int(self._execute(sql, params).lastrowid or 0)

    def _execute(self, sql: str, params: Params) -> sqlite3.Cursor:
        refuse_on_event_loop()
        with self._write_lock, self._translated():
            cursor: sqlite3.Cursor = self._writer.execute(sql, tuple(params))
            return cursor

    # --- schema ---

    @property
    def schema_version(self) -> int:
        row = self.one("SELECT MAX(version) AS version FROM schema_migrations")
        return int(row["version"]) if row and row["version"] is not None else 0

    def migrate(self, migrations: Sequence[Migration]) -> None:
        """Apply the migrations this database lacks; refuse one written by newer code.

        Version n is migrations[n - 1]; each runs in its own transaction with its row in
        schema_migrations, re-checked under the lock because another process may migrate.
        """
        if self._migrated_version() < len(migrations):  # else no write lock is needed
            self._apply(migrations)
        current = self.schema_version
        if current > len(migrations):
            raise SchemaTooNew(
                f"the database at {self.path} has schema version {current}, newer than the"
                f" {len(migrations)} this cmbot understands; upgrade cmbot or point"
                " DATABASE_PATH elsewhere"
            )

    def _migrated_version(self) -> int:
        found = self.one(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        )
        return 0 if found is None else self.schema_version

    def _apply(self, migrations: Sequence[Migration]) -> None:
        with self.transaction():
            self.write(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
        for version, migration in enumerate(migrations, start=1):
            with self.transaction():
                if self.schema_version >= version:
                    continue
                with self._translated():
                    migration(self._writer)
                self.write(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                    (version, iso(None)),
                )
            log.info("database schema migrated to version %d", version)

    # --- health ---

    def ping(self) -> bool:
        """The database answers a trivial SELECT (without queueing forever behind others)."""
        refuse_on_event_loop()
        if not self._read_lock.acquire(timeout=self.busy_timeout):
            return False
        try:
            rows = list(self._reader.query("SELECT 1 AS ok"))
        except (sqlite3.Error, ValueError):
            return False
        finally:
            self._read_lock.release()
        return rows == [{"ok": 1}]

    def check_writable(self, *, min_free_bytes: int = MIN_FREE_BYTES) -> None:
        """Raise StoreUnavailable saying why a write would fail now; return when it would not.

        Three looks, because each misses something: the free space of the disk (a write
        that reuses a page succeeds on a full disk), the page limit (max_page_count), and a
        committed write (a lock held past the busy timeout, a read-only file, an I/O error).
        """
        where = f"the database at {self.path} cannot be written"
        if not self.memory:
            folder = os.path.dirname(os.path.abspath(self.path))
            stat = os.statvfs(folder)
            free = stat.f_bavail * stat.f_frsize
            if free < min_free_bytes:
                raise StoreUnavailable(
                    f"{where}: the disk holding it is full ({free // 1024} KiB free)", "full"
                )
        limits = self._writer_pragmas()
        if limits["page_count"] >= limits["max_page_count"] and not limits["freelist_count"]:
            raise StoreUnavailable(f"{where}: it has reached its maximum size", "full")
        try:
            with self.transaction():
                self.write(
                    "UPDATE schema_migrations SET applied_at = applied_at"
                    " WHERE version = (SELECT MAX(version) FROM schema_migrations)"
                )
        except StoreUnavailable as refused:
            raise StoreUnavailable(f"{where}: {refused}", refused.reason) from None

    def _writer_pragmas(self) -> dict[str, int]:
        """The page counts as the writer connection sees them (max_page_count is per
        connection)."""
        refuse_on_event_loop()
        with self._write_lock, self._translated():
            names = ("page_count", "max_page_count", "freelist_count")
            return {
                name: int(self._writer.execute(f"PRAGMA {name}").fetchone()[0]) for name in names
            }
