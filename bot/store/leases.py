"""Renewal leases: one token refresh per user at a time, across every process on the file.

A lease is a row, not a lock: it names its holder and lapses at `expires_at`, so a holder
killed mid-refresh blocks the others only until then. The row outlives a renewal that saved
nothing (its `first_spent_at` is the evidence that the stored refresh token was already
sent), and goes when a successor is saved, the link is marked broken, relinked or deleted.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clustermarket.tokens import (
    AlreadyRenewed,
    LeaseBusy,
    LeaseGranted,
    RenewalStart,
    TokenSet,
    UserKey,
)
from bot.store.clock import iso, parse, utc
from bot.store.database import Database
from bot.store.links import Links


class RefreshLeases:
    """The `refresh_leases` table."""

    def __init__(self, db: Database, links: Links) -> None:
        self._db = db
        self._links = links

    def begin(
        self,
        key: UserKey,
        stale: TokenSet,
        *,
        holder: str,
        ttl: timedelta,
        now: datetime | None = None,
    ) -> RenewalStart:
        """Take the lease to spend the stored refresh token, if it is still `stale`'s.

        Raises NotLinked or ReconnectRequired as loading the tokens would.
        """
        moment = utc(now)
        with self._db.transaction():
            current = self._links.tokens(key)
            if not current.same_as(stale):
                return AlreadyRenewed(current)
            link = self._links.row(key)
            assert link is not None  # tokens() found it in this transaction
            lease = self._db.one(
                "SELECT * FROM refresh_leases WHERE team_id = ? AND slack_user_id = ?",
                (key.team_id, key.user_id),
            )
            if lease is not None and lease["holder"] != holder:
                until = parse(lease["expires_at"])
                if until > moment:
                    return LeaseBusy(until)
            spent_before = (
                parse(lease["first_spent_at"])
                if lease is not None and lease["token_version"] == link["token_version"]
                else None
            )
            self._db.write(
                """
                INSERT INTO refresh_leases (team_id, slack_user_id, holder, expires_at,
                    token_version, first_spent_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (team_id, slack_user_id) DO UPDATE SET
                    holder = excluded.holder, expires_at = excluded.expires_at,
                    token_version = excluded.token_version,
                    first_spent_at = excluded.first_spent_at
                """,
                (
                    key.team_id,
                    key.user_id,
                    holder,
                    iso(moment + ttl),
                    link["token_version"],
                    iso(spent_before or moment),
                ),
            )
        return LeaseGranted(current, spent_before)

    def end(self, key: UserKey, holder: str, *, now: datetime | None = None) -> None:
        """Let the lease lapse now if `holder` has it; the spend stays on record."""
        self._db.write(
            """
            UPDATE refresh_leases SET expires_at = ?
            WHERE team_id = ? AND slack_user_id = ? AND holder = ?
            """,
            (iso(now), key.team_id, key.user_id, holder),
        )
