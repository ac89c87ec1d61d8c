"""`cmbot backup PATH`: a consistent copy of the database, safe while `cmbot serve` runs.

SQLite's online backup API copies the pages of one read transaction; the database runs in WAL
mode, where a reader never blocks the bot's writers and sees one committed state, so the copy
is consistent however busy the bot is. The copy is written beside PATH under a temporary
name, checked, made a self-contained single file (journal mode DELETE, no -wal beside it) and
only then renamed onto PATH, so a failed or interrupted backup never leaves a half file
where a good one was. Like the database, the copy is readable by its owner only: it holds
the encrypted tokens, which need the same TOKEN_ENCRYPTION_KEY to be read after a restore.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

BUSY_TIMEOUT_SECONDS = 30.0
_SIDE_FILES = ("-wal", "-shm", "-journal")


class BackupError(Exception):
    """The backup was refused or failed; the message is one line for the operator."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    tables: int


def _same_file(first: Path, second: Path) -> bool:
    try:
        return first.resolve() == second.resolve() or (
            first.exists() and second.exists() and first.samefile(second)
        )
    except OSError:
        return False


def _check_target(live: Path, target: Path) -> None:
    if not live.is_file():
        raise BackupError(f"there is no database at {live} to back up (see DATABASE_PATH)")
    live_files = [live] + [live.with_name(live.name + suffix) for suffix in _SIDE_FILES]
    if any(_same_file(target, used) for used in live_files):
        raise BackupError(f"{target} is the live database; give the backup another path")
    if target.is_dir():
        raise BackupError(f"{target} is a folder; give the backup a file name, e.g. cmbot.bak")
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} does not exist")


def _read_only(path: Path) -> str:
    """A read-only SQLite URI; `as_uri` escapes the `?`, `#` and `%` a path may hold."""
    return path.resolve().as_uri() + "?mode=ro"


def _private_file(path: Path) -> None:
    """Create `path` readable and writable by the owner only, before SQLite fills it."""
    descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(descriptor)


def backup_database(live: Path, target: Path) -> BackupResult:
    """Copy the database at `live` to `target`; refuses to write over the live database."""
    _check_target(live, target)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        _private_file(partial)
        _copy(live, partial)
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as error:
        raise BackupError(f"the backup to {target} failed: {error}") from None
    finally:
        for leftover in [partial] + [partial.with_name(partial.name + s) for s in _SIDE_FILES]:
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    with contextlib.closing(sqlite3.connect(_read_only(target), uri=True)) as copy:
        query = "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        (tables,) = copy.execute(query).fetchone()
    return BackupResult(target, target.stat().st_size, tables)


def _copy(live: Path, partial: Path) -> None:
    source = sqlite3.connect(_read_only(live), uri=True, timeout=BUSY_TIMEOUT_SECONDS)
    try:
        with contextlib.closing(sqlite3.connect(partial)) as copy:
            source.backup(copy)  # all pages in one step: one read transaction, one snapshot
            copy.execute("PRAGMA journal_mode = DELETE")
            (verdict,) = copy.execute("PRAGMA quick_check").fetchone()
            if verdict != "ok":
                raise sqlite3.DatabaseError(f"the copy does not check out: {verdict}")
    finally:
        source.close()
