"""Sign-ins waiting for the person to confirm which accounts they are linking.

When the Slack profile's email and the Clustermarket account's differ (or either is unknown),
the callback keeps the new tokens here, encrypted, until the person presses "Link these
accounts" in the browser that opened the connect link, presses "Cancel", or lets the deadline
pass. Each row settles exactly once; settling clears its tokens and email, and the caller
links or revokes with what `take` or `sweep` handed back. Only digests of the confirm token
and of the browser cookie are stored.
"""

from __future__ import annotations

import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from bot.clustermarket.tokens import TokenSet, UserKey
from bot.store.clock import iso, iso_or_none, parse_or_none, utc
from bot.store.crypto import Cipher
from bot.store.database import Database
from bot.store.states import hash_state

PENDING_RETENTION = timedelta(days=1)
"""Settled rows are kept this long, so a replayed confirm token is told it was used."""

PendingRefusal = Literal["unknown", "used", "expired", "other_browser"]


class PendingError(Exception):
    """A confirm token that cannot settle: never issued, already used, past its deadline, or
    sent from another browser than the one that opened the connect link."""

    def __init__(self, reason: PendingRefusal) -> None:
        super().__init__(f"pending link is {reason}")
        self.reason: PendingRefusal = reason


@dataclass(frozen=True, repr=False)
class PendingLink:
    """A sign-in taken out of the table: who, which account, and its tokens (decrypted)."""

    key: UserKey
    cm_user_id: int
    cm_user_name: str
    cm_email: str | None
    tokens: TokenSet
    resume: dict[str, Any] | None

    def __repr__(self) -> str:  # neither tokens nor the email reach a log through repr()
        return f"PendingLink(key={self.key!r}, cm_user_id={self.cm_user_id!r})"


class PendingLinks:
    """The `pending_links` table."""

    def __init__(self, db: Database, cipher: Cipher) -> None:
        self._db = db
        self._cipher = cipher

    def hold(
        self,
        key: UserKey,
        *,
        browser: str,
        cm_user_id: int,
        cm_user_name: str,
        cm_email: str | None,
        tokens: TokenSet,
        resume: dict[str, Any] | None,
        ttl: timedelta,
        now: datetime | None = None,
    ) -> str:
        """Keep a sign-in until `now + ttl`; the one-time confirm token for its page."""
        moment = utc(now)
        token = secrets.token_urlsafe(32)
        with self._db.transaction():
            self._db.write(
                "DELETE FROM pending_links WHERE settled_at IS NOT NULL AND created_at < ?",
                (iso(moment - PENDING_RETENTION),),
            )
            self._db.write(
                """
                INSERT INTO pending_links (token_hash, team_id, slack_user_id, browser_hash,
                    cm_user_id, cm_user_name, cm_email, access_token, refresh_token,
                    expires_at, scopes, resume, created_at, deadline, settled_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
                """,
                (
                    hash_state(token),
                    key.team_id,
                    key.user_id,
                    hash_state(browser),
                    cm_user_id,
                    cm_user_name,
                    self._cipher.encrypt_or_none(cm_email),
                    self._cipher.encrypt(tokens.access_token),
                    self._cipher.encrypt_or_none(tokens.refresh_token),
                    iso_or_none(tokens.expires_at),
                    tokens.scopes,
                    None if resume is None else json.dumps(resume, separators=(",", ":")),
                    iso(moment),
                    iso(moment + ttl),
                ),
            )
        return token

    def take(self, token: str, *, browser: str | None, now: datetime | None = None) -> PendingLink:
        """Settle the sign-in `token` names and hand it over; PendingError otherwise.

        A token from another browser settles nothing (the right browser may still answer);
        one past its deadline is left for `sweep`, which revokes its tokens.
        """
        moment = utc(now)
        with self._db.transaction():
            row = self._db.one(
                "SELECT * FROM pending_links WHERE token_hash = ?", (hash_state(token),)
            )
            if row is None:
                raise PendingError("unknown")
            if row["settled_at"] is not None:
                raise PendingError("used")
            if not browser or not hmac.compare_digest(row["browser_hash"], hash_state(browser)):
                raise PendingError("other_browser")
            if row["deadline"] <= iso(moment):
                raise PendingError("expired")
            self._settle(row["token_hash"], moment)
        return self._pending_of(row)

    def sweep(self, *, now: datetime | None = None) -> list[PendingLink]:
        """Settle every sign-in past its deadline and hand them over, to be revoked."""
        moment = utc(now)
        with self._db.transaction():
            rows = self._db.all(
                "SELECT * FROM pending_links WHERE settled_at IS NULL AND deadline <= ?",
                (iso(moment),),
            )
            for row in rows:
                self._settle(row["token_hash"], moment)
        return [self._pending_of(row) for row in rows]

    def open_count(self) -> int:
        """Sign-ins still waiting for an answer (tokens held)."""
        row = self._db.one("SELECT COUNT(*) AS n FROM pending_links WHERE settled_at IS NULL")
        return int(row["n"]) if row else 0

    def reencrypt(self) -> int:
        """Re-encrypt held tokens and emails under the first key (inside the caller's
        transaction); rows changed."""
        changed = 0
        rows = self._db.all(
            "SELECT token_hash, access_token, refresh_token, cm_email FROM pending_links"
            " WHERE settled_at IS NULL"
        )
        for row in rows:
            fields = {
                name: self._cipher.rotated(row[name]) if row[name] is not None else None
                for name in ("access_token", "refresh_token", "cm_email")
            }
            if not any(fields.values()):
                continue
            self._db.write(
                """
                UPDATE pending_links SET access_token = ?, refresh_token = ?, cm_email = ?
                WHERE token_hash = ?
                """,
                (
                    *(fields[name] or row[name] for name in fields),
                    row["token_hash"],
                ),
            )
            changed += 1
        return changed

    def _settle(self, token_hash: str, moment: datetime) -> None:
        self._db.write(
            """
            UPDATE pending_links SET settled_at = ?, access_token = NULL,
                refresh_token = NULL, cm_email = NULL
            WHERE token_hash = ?
            """,
            (iso(moment), token_hash),
        )

    def _pending_of(self, row: dict[str, Any]) -> PendingLink:
        return PendingLink(
            key=UserKey(row["team_id"], row["slack_user_id"]),
            cm_user_id=int(row["cm_user_id"]),
            cm_user_name=row["cm_user_name"],
            cm_email=self._cipher.decrypt_or_none(row["cm_email"]),
            tokens=TokenSet(
                access_token=self._cipher.decrypt(row["access_token"]),
                refresh_token=self._cipher.decrypt_or_none(row["refresh_token"]),
                expires_at=parse_or_none(row["expires_at"]),
                scopes=row["scopes"],
            ),
            resume=None if row["resume"] is None else json.loads(row["resume"]),
        )
