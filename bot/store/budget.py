"""The notifier's budget of Clustermarket requests per minute, shared by every process.

One row per clock minute counts the requests reserved in it. A reservation is all or
nothing and never takes the minute past its limit, so however many processes poll (the
scheduler inside `cmbot serve`, cron's `cmbot notify run-due`), together they stay within
NOTIFY_MAX_REQUESTS_PER_MINUTE. Minutes older than a day are dropped as new ones start.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import ClassVar

from bot.clustermarket.tokens import UserKey
from bot.store.clock import utc
from bot.store.database import Database
from bot.store.repository import Forgotten, Repository

KEEP_MINUTES = timedelta(days=1)


def minute_of(moment: datetime) -> str:
    """The clock minute (UTC) a moment falls in, as its row's key."""
    return utc(moment).replace(second=0, microsecond=0).isoformat(timespec="minutes")


class RequestBudget(Repository):
    """The `notify_budget` table: counts by minute, about no one."""

    OTHER_TABLES: ClassVar = ("notify_budget",)

    def __init__(self, db: Database) -> None:
        self._db = db

    def forget(self, key: UserKey) -> Forgotten:
        return {}

    def forget_teams(self, team_ids: Sequence[str]) -> Forgotten:
        return {}

    def reserve(self, moment: datetime, count: int, limit: int) -> bool:
        """Reserve `count` requests in `moment`'s minute if that stays within `limit`."""
        if count <= 0:
            return True
        minute = minute_of(moment)
        with self._db.transaction():
            row = self._db.one("SELECT spent FROM notify_budget WHERE minute = ?", (minute,))
            spent = 0 if row is None else int(row["spent"])
            if spent + count > limit:
                return False
            if row is None:
                self._db.write(
                    "DELETE FROM notify_budget WHERE minute < ?",
                    (minute_of(utc(moment) - KEEP_MINUTES),),
                )
                self._db.write(
                    "INSERT INTO notify_budget (minute, spent) VALUES (?, ?)", (minute, count)
                )
            else:
                self._db.write(
                    "UPDATE notify_budget SET spent = spent + ? WHERE minute = ?", (count, minute)
                )
        return True

    def release(self, moment: datetime, count: int) -> None:
        """Give back requests reserved in `moment`'s minute and not made."""
        if count > 0:
            self._db.write(
                "UPDATE notify_budget SET spent = MAX(spent - ?, 0) WHERE minute = ?",
                (count, minute_of(moment)),
            )

    def spent(self, moment: datetime) -> int:
        """Requests reserved in `moment`'s minute."""
        row = self._db.one("SELECT spent FROM notify_budget WHERE minute = ?", (minute_of(moment),))
        return 0 if row is None else int(row["spent"])
