"""Notices: reminders, change notices and watch posts, each sent exactly once.

An outbox. A notice is written (`plan`, idempotent by its key) in the same transaction as the
poll that found it, so a crash can lose neither; then it is claimed, posted with its key in
the message metadata, and recorded, as digest deliveries are (see `bot.notify.sending`).
`payload` is the JSON the renderer needs; it holds what the recipient may read anyway, never a
token. Sent, dropped and long-failed rows are pruned after `KEEP_NOTICES`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

from bot.clustermarket.tokens import UserKey
from bot.store.chores import once_per
from bot.store.clock import iso, iso_or_none, parse, parse_or_none, utc
from bot.store.database import Database
from bot.store.repository import Forgotten, Repository, counted

MAX_ERROR_LENGTH = 1000
KEEP_NOTICES = timedelta(days=30)
PRUNE_EVERY = timedelta(days=1)
PRUNE_CHORE = "prune_notices"
OPEN = ("pending", "claimed", "failed")

PLAN_SQL = """
    INSERT INTO notices (key, team_id, user_id, channel_id, kind, payload, due_at, expires_at,
        status, attempts, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)
    ON CONFLICT (key) DO NOTHING
"""
PRUNE_SQL = "DELETE FROM notices WHERE created_at < ? AND status NOT IN ('pending', 'claimed')"
OPEN_SQL = """
    SELECT * FROM notices WHERE status IN ('pending', 'claimed', 'failed') AND due_at <= ?
    ORDER BY due_at, key
"""


@dataclass(frozen=True)
class NewNotice:
    """A notice to send: to `user_id`'s DM, or to `channel_id` when it is a channel's."""

    key: str
    team_id: str
    user_id: str
    kind: str
    payload: str
    due_at: datetime
    expires_at: datetime | None = None
    channel_id: str | None = None


@dataclass(frozen=True)
class Notice(NewNotice):
    """A notice as the outbox holds it."""

    status: str = "pending"
    claimed_at: datetime | None = None
    post_started_at: datetime | None = None
    attempts: int = 0
    last_error: str | None = None
    sent_at: datetime | None = None
    message_ts: str | None = None

    @property
    def person(self) -> UserKey:
        """Whom it is for (a watch's: who set the watch up), without their organisation."""
        return UserKey(self.team_id, self.user_id)


def _notice_of(row: dict[str, Any]) -> Notice:
    return Notice(
        key=row["key"],
        team_id=row["team_id"],
        user_id=row["user_id"],
        kind=row["kind"],
        payload=row["payload"],
        due_at=parse(row["due_at"]),
        expires_at=parse_or_none(row["expires_at"]),
        channel_id=row["channel_id"],
        status=row["status"],
        claimed_at=parse_or_none(row["claimed_at"]),
        post_started_at=parse_or_none(row["post_started_at"]),
        attempts=int(row["attempts"]),
        last_error=row["last_error"],
        sent_at=parse_or_none(row["sent_at"]),
        message_ts=row["message_ts"],
    )


class Notices(Repository):
    """The `notices` table."""

    PEOPLE: ClassVar = {"notices": "user_id"}

    def __init__(self, db: Database) -> None:
        self._db = db

    def forget(self, key: UserKey) -> Forgotten:
        """Every notice to or about the person (a watch's posts are its owner's), sent or
        not: what they said names the person's bookings."""
        return counted({"notices": self._delete_person("notices", key)})

    def forget_teams(self, team_ids: Sequence[str]) -> Forgotten:
        return counted({"notices": self._delete_teams("notices", team_ids)})

    def plan(self, notices: Sequence[NewNotice], *, now: datetime | None = None) -> int:
        """Add notices not already there (by key); how many were new. Joins the caller's
        transaction, so a poll and what it found are saved together."""
        added = 0
        created = iso(now)
        with self._db.transaction():
            for notice in notices:
                added += self._db.write(
                    PLAN_SQL,
                    (
                        notice.key,
                        notice.team_id,
                        notice.user_id,
                        notice.channel_id,
                        notice.kind,
                        notice.payload,
                        iso(notice.due_at),
                        iso_or_none(notice.expires_at),
                        created,
                    ),
                )
        return added

    def get(self, key: str) -> Notice | None:
        row = self._db.one("SELECT * FROM notices WHERE key = ?", (key,))
        return None if row is None else _notice_of(row)

    def statuses(self, keys: Sequence[str]) -> dict[str, str]:
        """The status of each of `keys` the outbox holds (absent: never planned)."""
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            rows = self._db.all(
                f"SELECT key, status FROM notices WHERE key IN ({marks})",  # noqa: S608
                chunk,
            )
            found.update({row["key"]: row["status"] for row in rows})
        return found

    def open_due(self, now: datetime) -> list[Notice]:
        """Pending, claimed and failed notices due by `now`, soonest first (the sender
        decides which a claim may take: see `claim`)."""
        return [_notice_of(row) for row in self._db.all(OPEN_SQL, (iso(now),))]

    def claim(self, key: str, *, now: datetime, stale_after: timedelta) -> Notice | None:
        """Take the right to send a notice. Pending and failed ones are claimed; a claim
        older than `stale_after` is taken over (its worker may have died after posting, so
        the caller looks in Slack first). A fresh claim, a sent or dropped notice give None."""
        moment = utc(now)
        with self._db.transaction():
            row = self._db.one("SELECT * FROM notices WHERE key = ?", (key,))
            if row is None or row["status"] not in OPEN:
                return None
            claimed_at = parse_or_none(row["claimed_at"])
            fresh = claimed_at is not None and claimed_at > moment - stale_after
            if row["status"] == "claimed" and fresh:
                return None
            self._db.write(
                "UPDATE notices SET status = 'claimed', claimed_at = ?, attempts = attempts + 1"
                " WHERE key = ?",
                (iso(moment), key),
            )
            return self.get(key)

    def start_posting(self, key: str, *, now: datetime | None = None) -> None:
        """A post is about to begin; the first such time is kept (see Deliveries)."""
        self._db.write(
            "UPDATE notices SET post_started_at = COALESCE(post_started_at, ?) WHERE key = ?",
            (iso(now), key),
        )

    def record(self, key: str, *, message_ts: str | None, now: datetime | None = None) -> None:
        """Sent: no later claim sends it again."""
        self._db.write(
            "UPDATE notices SET status = 'sent', sent_at = ?, message_ts = ?, last_error = NULL"
            " WHERE key = ?",
            (iso(now), message_ts, key),
        )

    def fail(self, key: str, error: str, *, now: datetime | None = None) -> None:
        """The attempt failed; a later run retries (a sent notice stays sent)."""
        self._db.write(
            "UPDATE notices SET status = 'failed', claimed_at = ?, last_error = ?"
            " WHERE key = ? AND status != 'sent'",
            (iso(now), error[:MAX_ERROR_LENGTH], key),
        )

    def drop(self, key: str, reason: str, *, now: datetime | None = None) -> None:
        """Never to be sent: its moment passed, or what it was about changed meanwhile."""
        self._db.write(
            "UPDATE notices SET status = 'dropped', sent_at = ?, last_error = ?"
            " WHERE key = ? AND status != 'sent'",
            (iso(now), reason[:MAX_ERROR_LENGTH], key),
        )

    def between(self, first: datetime, last: datetime) -> list[Notice]:
        """Every notice due from `first` to `last` (reports and benchmarks)."""
        rows = self._db.all(
            "SELECT * FROM notices WHERE due_at BETWEEN ? AND ? ORDER BY due_at, key",
            (iso(first), iso(last)),
        )
        return [_notice_of(row) for row in rows]

    def prune(self, *, now: datetime | None = None, keep: timedelta = KEEP_NOTICES) -> int | None:
        """Delete notices settled more than `keep` ago, at most once a day (None: not due)."""
        cutoff = iso(utc(now) - keep)
        return once_per(
            self._db,
            PRUNE_CHORE,
            PRUNE_EVERY,
            lambda: self._db.write(PRUNE_SQL, (cutoff,)),
            now=now,
        )
