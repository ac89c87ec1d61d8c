"""Digest deliveries: one row per digest and local day, the claim that makes it exactly-once.

The claim, and the note that posting begins, each look at the digest again inside their
transaction (`still_due`): a digest turned off, paused or moved since the run planned it is
neither claimed nor posted.

Rows older than `KEEP_DELIVERIES` are pruned once a day by whichever digest run comes first
(a chore recorded in `store_chores`, so cron's one-shot runs share the schedule).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bot.store.clock import iso, parse, parse_or_none, utc
from bot.store.database import Database
from bot.store.subscriptions import Subscription, subscription_of

StillDue = Callable[[Subscription], bool]
"""Whether a digest, as stored right now, is still due for the day at hand (a pure check)."""

MAX_ERROR_LENGTH = 1000
"""A delivery error is a diagnostic, not a log file."""
STALE_CLAIM = timedelta(minutes=10)
KEEP_DELIVERIES = timedelta(days=60)
PRUNE_EVERY = timedelta(days=1)
PRUNE_CHORE = "prune_deliveries"

BETWEEN_SQL = """
    SELECT * FROM digest_deliveries WHERE local_date BETWEEN ? AND ?
    ORDER BY subscription_id, local_date
"""
PRUNE_SQL = "DELETE FROM digest_deliveries WHERE local_date < ?"
ONE_SQL = "SELECT * FROM digest_deliveries WHERE subscription_id = ? AND local_date = ?"


@dataclass(frozen=True)
class Delivery:
    """One digest for one local day: the row that makes sending it exactly-once."""

    subscription_id: int
    local_date: date
    status: str
    claimed_at: datetime | None
    sent_at: datetime | None
    message_ts: str | None
    attempts: int
    last_error: str | None
    post_started_at: datetime | None = None  # set before the first post: Slack may have it


def _delivery_of(row: dict[str, Any]) -> Delivery:
    return Delivery(
        subscription_id=int(row["subscription_id"]),
        local_date=date.fromisoformat(row["local_date"]),
        status=row["status"],
        claimed_at=parse_or_none(row["claimed_at"]),
        sent_at=parse_or_none(row["sent_at"]),
        message_ts=row["message_ts"],
        attempts=int(row["attempts"]),
        last_error=row["last_error"],
        post_started_at=parse_or_none(row.get("post_started_at")),
    )


class Deliveries:
    """The `digest_deliveries` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def _row(self, subscription_id: int, local_date: date) -> dict[str, Any] | None:
        return self._db.one(ONE_SQL, (subscription_id, local_date.isoformat()))

    def get(self, subscription_id: int, local_date: date) -> Delivery | None:
        row = self._row(subscription_id, local_date)
        return None if row is None else _delivery_of(row)

    def claim(
        self,
        subscription_id: int,
        local_date: date,
        *,
        now: datetime | None = None,
        stale_after: timedelta = STALE_CLAIM,
        still_due: StillDue | None = None,
    ) -> Delivery | None:
        """Take the right to send this day's digest, so it goes out exactly once.

        A new day or a failed attempt is claimed. A claim older than `stale_after` is taken
        over too: its worker may have crashed after posting, so the caller checks Slack
        before resending. A fresh claim, a sent day, a deleted digest, or one `still_due`
        no longer finds due, give None.
        """
        moment = utc(now)
        day = local_date.isoformat()
        with self._db.transaction():
            if not self._still_due(subscription_id, still_due):
                return None
            row = self._row(subscription_id, local_date)
            if row is None:
                self._db.write(
                    """
                    INSERT INTO digest_deliveries (subscription_id, local_date, status,
                        claimed_at, sent_at, message_ts, attempts, last_error)
                    VALUES (?, ?, 'claimed', ?, NULL, NULL, 1, NULL)
                    """,
                    (subscription_id, day, iso(moment)),
                )
            else:
                claimed_at = parse_or_none(row["claimed_at"])
                stale = claimed_at is None or claimed_at <= moment - stale_after
                if row["status"] == "sent" or (row["status"] == "claimed" and not stale):
                    return None
                self._db.write(
                    """
                    UPDATE digest_deliveries SET status = 'claimed', claimed_at = ?,
                        attempts = attempts + 1
                    WHERE subscription_id = ? AND local_date = ?
                    """,
                    (iso(moment), subscription_id, day),
                )
            return self.get(subscription_id, local_date)

    def _still_due(self, subscription_id: int, still_due: StillDue | None) -> bool:
        """Inside the caller's transaction: the digest exists and, if asked, is still due."""
        row = self._db.one("SELECT * FROM digest_subscriptions WHERE id = ?", (subscription_id,))
        return row is not None and (still_due is None or still_due(subscription_of(row)))

    def record(
        self,
        subscription_id: int,
        local_date: date,
        *,
        message_ts: str | None,
        now: datetime | None = None,
    ) -> None:
        """Mark the day sent, so no later claim resends it (nothing, if the digest is gone)."""
        moment = iso(now)
        self._db.write(
            """
            INSERT INTO digest_deliveries (subscription_id, local_date, status, claimed_at,
                sent_at, message_ts, attempts, last_error)
            SELECT ?, ?, 'sent', ?, ?, ?, 1, NULL
            WHERE EXISTS (SELECT 1 FROM digest_subscriptions WHERE id = ?1)
            ON CONFLICT (subscription_id, local_date) DO UPDATE SET
                status = 'sent', sent_at = excluded.sent_at,
                message_ts = excluded.message_ts, last_error = NULL
            """,
            (subscription_id, local_date.isoformat(), moment, moment, message_ts),
        )

    def fail(
        self,
        subscription_id: int,
        local_date: date,
        error: str,
        *,
        now: datetime | None = None,
    ) -> None:
        """Mark the attempt failed so the next claim may retry; a sent day stays sent (and a
        digest that is gone records nothing)."""
        self._db.write(
            """
            INSERT INTO digest_deliveries (subscription_id, local_date, status, claimed_at,
                sent_at, message_ts, attempts, last_error)
            SELECT ?, ?, 'failed', ?, NULL, NULL, 1, ?
            WHERE EXISTS (SELECT 1 FROM digest_subscriptions WHERE id = ?1)
            ON CONFLICT (subscription_id, local_date) DO UPDATE SET
                status = 'failed', last_error = excluded.last_error
            WHERE digest_deliveries.status != 'sent'
            """,
            (subscription_id, local_date.isoformat(), iso(now), error[:MAX_ERROR_LENGTH]),
        )

    def start_posting(
        self,
        subscription_id: int,
        local_date: date,
        *,
        now: datetime | None = None,
        still_due: StillDue | None = None,
    ) -> bool:
        """Note that a post is about to begin (the first such time is kept); False, noting
        nothing, when the digest is gone or `still_due` no longer finds it due: then no post.

        A later claim that sees the note must look in Slack before posting: the post may
        have landed even though its answer never came back.
        """
        with self._db.transaction():
            if not self._still_due(subscription_id, still_due):
                return False
            self._db.write(
                """
                UPDATE digest_deliveries SET post_started_at = COALESCE(post_started_at, ?)
                WHERE subscription_id = ? AND local_date = ?
                """,
                (iso(now), subscription_id, local_date.isoformat()),
            )
        return True

    def release(self, subscription_id: int, local_date: date) -> None:
        """Give up a claim that will not post, so the day is free again if the digest comes
        back due (a claim whose post may have begun is kept: Slack may have it)."""
        self._db.write(
            """
            DELETE FROM digest_deliveries WHERE subscription_id = ? AND local_date = ?
                AND status = 'claimed' AND post_started_at IS NULL
            """,
            (subscription_id, local_date.isoformat()),
        )

    def between(self, first: date, last: date) -> list[Delivery]:
        """Every delivery of the local dates `first` to `last`, so one read tells a scheduler
        tick which digests are already settled."""
        rows = self._db.all(BETWEEN_SQL, (first.isoformat(), last.isoformat()))
        return [_delivery_of(row) for row in rows]

    def prune(
        self, *, now: datetime | None = None, keep: timedelta = KEEP_DELIVERIES
    ) -> int | None:
        """Delete deliveries of local dates more than `keep` ago, at most once a day.

        None when the chore ran within the day (a read, so every digest run may ask);
        else how many rows went.
        """
        moment = utc(now)
        chore = "SELECT last_run_at FROM store_chores WHERE name = ?"
        last = self._db.one(chore, (PRUNE_CHORE,))
        if last is not None and parse(last["last_run_at"]) > moment - PRUNE_EVERY:
            return None
        with self._db.transaction():
            last = self._db.one(chore, (PRUNE_CHORE,))  # another process may have just run it
            if last is not None and parse(last["last_run_at"]) > moment - PRUNE_EVERY:
                return None
            pruned = self._db.write(PRUNE_SQL, ((moment - keep).date().isoformat(),))
            self._db.write(
                """
                INSERT INTO store_chores (name, last_run_at) VALUES (?, ?)
                ON CONFLICT (name) DO UPDATE SET last_run_at = excluded.last_run_at
                """,
                (PRUNE_CHORE, iso(moment)),
            )
        return pruned
