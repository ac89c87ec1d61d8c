"""Periodic chores (pruning old rows) that whichever process comes first runs, at most once
per period, with when each last ran kept in `store_chores`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from bot.store.clock import iso, parse, utc
from bot.store.database import Database

LAST_RUN_SQL = "SELECT last_run_at FROM store_chores WHERE name = ?"


def once_per(
    db: Database, name: str, every: timedelta, work: Callable[[], int], *, now: datetime | None
) -> int | None:
    """`work()` (rows changed) unless chore `name` ran within `every`; None when it did.

    A read first, so every run may ask cheaply; then again under the write lock, since
    another process may have just run it.
    """
    moment = utc(now)

    def ran_lately() -> bool:
        last = db.one(LAST_RUN_SQL, (name,))
        return last is not None and parse(last["last_run_at"]) > moment - every

    if ran_lately():
        return None
    with db.transaction():
        if ran_lately():
            return None
        changed = work()
        db.write(
            "INSERT INTO store_chores (name, last_run_at) VALUES (?, ?)"
            " ON CONFLICT (name) DO UPDATE SET last_run_at = excluded.last_run_at",
            (name, iso(moment)),
        )
    return changed
