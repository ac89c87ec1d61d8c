"""What the store keeps from Slack's side: users' time zones, and event ids already taken.

Both are conveniences: a caller that cannot write them (`StoreUnavailable`) carries on
without, since a missed cache costs one users.info and a missed event id at worst answers a
retried event twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clustermarket.tokens import UserKey
from bot.store.clock import check_timezone, iso, parse, utc
from bot.store.database import Database

TZ_MAX_AGE = timedelta(days=1)
EVENT_MEMORY = timedelta(days=1)
"""Slack retries an event within minutes; ids older than this are forgotten."""


class SlackCache:
    """The `slack_users` and `slack_events` tables."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def cached_tz(
        self, key: UserKey, *, max_age: timedelta = TZ_MAX_AGE, now: datetime | None = None
    ) -> str | None:
        """The user's time zone if fetched from Slack within `max_age`; else None."""
        row = self._db.one(
            "SELECT tz, fetched_at FROM slack_users WHERE team_id = ? AND user_id = ?",
            (key.team_id, key.user_id),
        )
        if row is None or parse(row["fetched_at"]) < utc(now) - max_age:
            return None
        return str(row["tz"])

    def cache_tz(self, key: UserKey, tz: str, *, now: datetime | None = None) -> None:
        """Remember the user's IANA time zone (ValueError if Python does not know it)."""
        self._db.write(
            """
            INSERT INTO slack_users (team_id, user_id, tz, fetched_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (team_id, user_id) DO UPDATE SET
                tz = excluded.tz, fetched_at = excluded.fetched_at
            """,
            (key.team_id, key.user_id, check_timezone(tz), iso(now)),
        )

    def first_sight(self, team_id: str, event_id: str, *, now: datetime | None = None) -> bool:
        """Record a Slack event id; False when it was recorded before (Slack's retry)."""
        moment = utc(now)
        with self._db.transaction():
            self._db.write(
                "DELETE FROM slack_events WHERE seen_at < ?", (iso(moment - EVENT_MEMORY),)
            )
            added = self._db.write(
                "INSERT OR IGNORE INTO slack_events (team_id, event_id, seen_at) VALUES (?, ?, ?)",
                (team_id, event_id, iso(moment)),
            )
        return added == 1
