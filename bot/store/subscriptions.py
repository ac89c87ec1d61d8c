"""Digest subscriptions: a personal digest to its owner's DM, or a lab's in a channel."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.clustermarket.tokens import UserKey
from bot.store.clock import check_timezone, iso, parse
from bot.store.database import Database

KINDS = ("personal", "channel")
_SEND_TIME = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")

# A digest's unique key, by kind: the statement text is fixed, only values are bound.
_FIND_SQL = {
    "personal": (
        "SELECT * FROM digest_subscriptions WHERE team_id = ? AND kind = ? AND owner_user_id = ?"
    ),
    "channel": (
        "SELECT * FROM digest_subscriptions WHERE team_id = ? AND kind = ? AND channel_id = ?"
    ),
}


def list_query(*, team_id: str | None, status: str | None) -> tuple[str, tuple[str, ...]]:
    """The statement listing digests, with a condition only for each filter given (so the
    scheduler's `status = 'active'` can use its index); values are always bound."""
    conditions: list[str] = []
    params: list[str] = []
    if team_id is not None:
        conditions.append("team_id = ?")
        params.append(team_id)
    if status is not None:
        conditions.append("status = ?")
        params.append(status)
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return f"SELECT * FROM digest_subscriptions{where} ORDER BY id", tuple(params)  # noqa: S608


@dataclass(frozen=True)
class Subscription:
    """A daily digest: a personal one to the owner's DM, or a channel one for a lab."""

    id: int
    kind: str
    team_id: str
    owner_user_id: str
    channel_id: str
    lab_id: int | None
    lab_name: str | None
    send_time: str
    timezone: str | None
    skip_weekends: bool
    include_empty: bool
    status: str
    paused_reason: str | None
    created_at: datetime
    updated_at: datetime
    first_day: date | None = None
    """No digest for an earlier local date: it was turned on after that day's time."""

    @property
    def owner(self) -> UserKey:
        """Whose Clustermarket tokens build this digest."""
        return UserKey(self.team_id, self.owner_user_id)


def subscription_of(row: dict[str, Any]) -> Subscription:
    return Subscription(
        id=int(row["id"]),
        kind=row["kind"],
        team_id=row["team_id"],
        owner_user_id=row["owner_user_id"],
        channel_id=row["channel_id"],
        lab_id=None if row["lab_id"] is None else int(row["lab_id"]),
        lab_name=row["lab_name"],
        send_time=row["send_time"],
        timezone=row["timezone"],
        skip_weekends=bool(row["skip_weekends"]),
        include_empty=bool(row["include_empty"]),
        status=row["status"],
        paused_reason=row["paused_reason"],
        created_at=parse(row["created_at"]),
        updated_at=parse(row["updated_at"]),
        first_day=None if row.get("first_day") is None else date.fromisoformat(row["first_day"]),
    )


def _unique_value(kind: str, owner_user_id: str | None, channel_id: str | None) -> str:
    """The value of a subscription's unique key beside team and kind (see _FIND_SQL)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    if kind == "personal":
        if owner_user_id is None:
            raise ValueError("a personal digest is identified by owner_user_id")
        return owner_user_id
    if channel_id is None:
        raise ValueError("a channel digest is identified by channel_id")
    return channel_id


class Subscriptions:
    """The `digest_subscriptions` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def save(
        self,
        *,
        kind: str,
        team_id: str,
        owner_user_id: str,
        channel_id: str,
        send_time: str,
        timezone: str | None = None,
        lab_id: int | None = None,
        lab_name: str | None = None,
        skip_weekends: bool = False,
        include_empty: bool = False,
        first_day: date | None = None,
    ) -> Subscription:
        """Create or update the digest with this unique key, and (re)activate it.

        A channel digest is unique per channel: whoever sets it up last becomes its owner,
        whose tokens build it. `first_day` is the first local date it may go out (None: any).
        """
        value = _unique_value(kind, owner_user_id, channel_id)
        if not _SEND_TIME.fullmatch(send_time):
            raise ValueError(f"send_time must be HH:MM (24-hour), not {send_time!r}")
        if timezone is not None:
            check_timezone(timezone)
        now = iso(None)
        fields = (
            owner_user_id,
            channel_id,
            lab_id,
            lab_name,
            send_time,
            timezone,
            int(skip_weekends),
            int(include_empty),
            None if first_day is None else first_day.isoformat(),
        )
        with self._db.transaction():
            existing = self._db.one(_FIND_SQL[kind], (team_id, kind, value))
            if existing is None:
                subscription_id = self._db.insert(
                    """
                    INSERT INTO digest_subscriptions (kind, team_id, owner_user_id,
                        channel_id, lab_id, lab_name, send_time, timezone, skip_weekends,
                        include_empty, first_day, status, paused_reason, created_at,
                        updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', NULL, ?, ?)
                    """,
                    (kind, team_id, *fields, now, now),
                )
            else:
                subscription_id = int(existing["id"])
                self._db.write(
                    """
                    UPDATE digest_subscriptions SET owner_user_id = ?, channel_id = ?,
                        lab_id = ?, lab_name = ?, send_time = ?, timezone = ?,
                        skip_weekends = ?, include_empty = ?, first_day = ?,
                        status = 'active', paused_reason = NULL, updated_at = ?
                    WHERE id = ?
                    """,
                    (*fields, now, subscription_id),
                )
            saved = self.get(subscription_id)
        assert saved is not None  # written in the transaction just committed
        return saved

    def get(self, subscription_id: int) -> Subscription | None:
        row = self._db.one("SELECT * FROM digest_subscriptions WHERE id = ?", (subscription_id,))
        return None if row is None else subscription_of(row)

    def find(
        self,
        *,
        kind: str,
        team_id: str,
        owner_user_id: str | None = None,
        channel_id: str | None = None,
    ) -> Subscription | None:
        """The digest with this unique key: owner for personal, channel for channel ones."""
        value = _unique_value(kind, owner_user_id, channel_id)
        row = self._db.one(_FIND_SQL[kind], (team_id, kind, value))
        return None if row is None else subscription_of(row)

    def all(self, *, team_id: str | None = None, status: str | None = None) -> list[Subscription]:
        """Digests, oldest first, optionally of one workspace and/or in one status."""
        sql, params = list_query(team_id=team_id, status=status)
        return [subscription_of(row) for row in self._db.all(sql, params)]

    def delete(self, subscription_id: int) -> bool:
        """Remove a digest and (by cascade) its delivery history; False if there was none."""
        changed = self._db.write(
            "DELETE FROM digest_subscriptions WHERE id = ?", (subscription_id,)
        )
        return changed > 0

    def pause_of(self, key: UserKey, reason: str) -> list[Subscription]:
        """Pause the active channel digests `key` owns (their tokens are gone or broken)."""
        return self._switch_channel_digests(key, "active", "paused", reason)

    def resume_of(self, key: UserKey) -> list[Subscription]:
        """Reactivate the paused channel digests `key` owns (they have linked again)."""
        return self._switch_channel_digests(key, "paused", "active", None)

    def _switch_channel_digests(
        self, key: UserKey, current: str, wanted: str, reason: str | None
    ) -> list[Subscription]:
        with self._db.transaction():
            rows = self._db.all(
                """
                SELECT id FROM digest_subscriptions
                WHERE team_id = ? AND owner_user_id = ? AND kind = 'channel' AND status = ?
                ORDER BY id
                """,
                (key.team_id, key.user_id, current),
            )
            ids = [int(row["id"]) for row in rows]
            for subscription_id in ids:
                self._db.write(
                    """
                    UPDATE digest_subscriptions SET status = ?, paused_reason = ?, updated_at = ?
                    WHERE id = ?
                    """,
                    (wanted, reason, iso(None), subscription_id),
                )
            switched = [self.get(subscription_id) for subscription_id in ids]
        return [subscription for subscription in switched if subscription is not None]

    def set_timezone(self, subscription_id: int, tz: str) -> None:
        """Pin the digest to a zone (ValueError if Python does not know it)."""
        self._db.write(
            "UPDATE digest_subscriptions SET timezone = ?, updated_at = ? WHERE id = ?",
            (check_timezone(tz), iso(None), subscription_id),
        )
