"""Links: which Clustermarket account a Slack user connected, and its tokens (encrypted).

The token half is the client's `TokenVault`: loading, the compare-and-swap that saves a
renewed pair, and marking a link broken. Renewal leases are in `leases.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.clustermarket.errors import NotLinked, ReconnectRequired
from bot.clustermarket.tokens import TokenSet, UserKey
from bot.store.clock import iso, iso_or_none, parse, parse_or_none
from bot.store.crypto import Cipher
from bot.store.database import Database


@dataclass(frozen=True, repr=False)
class Link:
    """A Slack user's connection to a Clustermarket account, tokens decrypted."""

    key: UserKey
    cm_user_id: int
    cm_user_name: str
    status: str
    broken_reason: str | None
    tokens: TokenSet
    linked_at: datetime
    updated_at: datetime

    def __repr__(self) -> str:  # tokens never reach a log through repr()
        return (
            f"Link(key={self.key!r}, cm_user_id={self.cm_user_id!r}, "
            f"cm_user_name={self.cm_user_name!r}, status={self.status!r}, "
            f"broken_reason={self.broken_reason!r}, expires_at={self.tokens.expires_at!r}, "
            f"linked_at={self.linked_at!r}, updated_at={self.updated_at!r})"
        )


class Links:
    """The `links` table."""

    def __init__(self, db: Database, cipher: Cipher) -> None:
        self._db = db
        self._cipher = cipher

    # --- rows ---

    def row(self, key: UserKey) -> dict[str, Any] | None:
        return self._db.one(
            "SELECT * FROM links WHERE team_id = ? AND slack_user_id = ?",
            (key.team_id, key.user_id),
        )

    def tokens_of(self, row: dict[str, Any]) -> TokenSet:
        return TokenSet(
            access_token=self._cipher.decrypt(row["access_token"]),
            refresh_token=self._cipher.decrypt_or_none(row["refresh_token"]),
            expires_at=parse_or_none(row["expires_at"]),
            scopes=row["scopes"],
        )

    def _link_of(self, row: dict[str, Any]) -> Link:
        return Link(
            key=UserKey(row["team_id"], row["slack_user_id"]),
            cm_user_id=int(row["cm_user_id"]),
            cm_user_name=row["cm_user_name"],
            status=row["status"],
            broken_reason=row["broken_reason"],
            tokens=self.tokens_of(row),
            linked_at=parse(row["linked_at"]),
            updated_at=parse(row["updated_at"]),
        )

    # --- links ---

    def save(self, key: UserKey, *, cm_user_id: int, cm_user_name: str, tokens: TokenSet) -> Link:
        """Store a fresh link (insert or replace), active, with a new token version.

        Bumping the version on a re-link makes any renewal still in flight for the old
        tokens lose its compare-and-swap, and the old link's renewal lease is dropped.
        """
        now = iso(None)
        with self._db.transaction():
            self._db.write(
                """
                INSERT INTO links (team_id, slack_user_id, cm_user_id, cm_user_name,
                    access_token, refresh_token, expires_at, scopes, token_version, status,
                    broken_reason, linked_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 'active', NULL, ?, ?)
                ON CONFLICT (team_id, slack_user_id) DO UPDATE SET
                    cm_user_id = excluded.cm_user_id,
                    cm_user_name = excluded.cm_user_name,
                    access_token = excluded.access_token,
                    refresh_token = excluded.refresh_token,
                    expires_at = excluded.expires_at,
                    scopes = excluded.scopes,
                    token_version = links.token_version + 1,
                    status = 'active',
                    broken_reason = NULL,
                    linked_at = excluded.linked_at,
                    updated_at = excluded.updated_at
                """,
                (
                    key.team_id,
                    key.user_id,
                    cm_user_id,
                    cm_user_name,
                    self._cipher.encrypt(tokens.access_token),
                    self._cipher.encrypt_or_none(tokens.refresh_token),
                    iso_or_none(tokens.expires_at),
                    tokens.scopes,
                    now,
                    now,
                ),
            )
            self._drop_lease(key)
            link = self.get(key)
        assert link is not None  # written in the transaction just committed
        return link

    def get(self, key: UserKey) -> Link | None:
        """The link, broken or not (so the UI can say why); None when never linked."""
        row = self.row(key)
        return None if row is None else self._link_of(row)

    def delete(self, key: UserKey) -> bool:
        """Forget the link and its tokens (its lease goes by cascade); False when none."""
        changed = self._db.write(
            "DELETE FROM links WHERE team_id = ? AND slack_user_id = ?",
            (key.team_id, key.user_id),
        )
        return changed > 0

    def first_active(self, slack_user_id: str | None = None) -> UserKey | None:
        """The earliest working link (of `slack_user_id` when given): whose token `cmbot
        doctor` tries the API with."""
        row = self._db.one(
            "SELECT team_id, slack_user_id FROM links WHERE status = 'active'"
            " AND (? IS NULL OR slack_user_id = ?) ORDER BY linked_at LIMIT 1",
            (slack_user_id, slack_user_id),
        )
        return None if row is None else UserKey(row["team_id"], row["slack_user_id"])

    def count(self) -> int:
        row = self._db.one("SELECT COUNT(*) AS n FROM links")
        return int(row["n"]) if row else 0

    # --- the token vault ---

    def tokens(self, key: UserKey) -> TokenSet:
        """The current tokens; NotLinked without a link, ReconnectRequired when it is broken."""
        row = self.row(key)
        if row is None:
            raise NotLinked("this Slack user has not connected a Clustermarket account")
        if row["status"] != "active":
            raise ReconnectRequired("the Clustermarket connection must be renewed")
        return self.tokens_of(row)

    def rotate(self, key: UserKey, old: TokenSet, new: TokenSet) -> bool:
        """Compare-and-swap `old` for `new` and end the renewal lease; False, changing
        nothing, when the stored tokens are no longer `old` (another worker saved first, or
        the link was replaced or deleted).

        A link marked broken while it still holds `old` is revived: `new` is the server's
        answer to `old`'s refresh token, which proves the link works. That happens when a
        renewed pair could not be saved at once (see `bot.clustermarket.refresh`) and
        another process, refused the spent refresh token meanwhile, gave up on the link.
        """
        with self._db.transaction():
            row = self.row(key)
            if row is None or not self.tokens_of(row).same_as(old):
                return False
            changed = self._db.write(
                """
                UPDATE links SET access_token = ?, refresh_token = ?, expires_at = ?,
                    scopes = ?, token_version = token_version + 1, status = 'active',
                    broken_reason = NULL, updated_at = ?
                WHERE team_id = ? AND slack_user_id = ? AND token_version = ?
                """,
                (
                    self._cipher.encrypt(new.access_token),
                    self._cipher.encrypt_or_none(new.refresh_token),
                    iso_or_none(new.expires_at),
                    new.scopes,
                    iso(None),
                    key.team_id,
                    key.user_id,
                    row["token_version"],
                ),
            )
            self._drop_lease(key)
        return changed == 1

    def mark_broken(self, key: UserKey, reason: str) -> None:
        """Flag the link so the next use asks the user to reconnect; no-op without a link."""
        with self._db.transaction():
            self._db.write(
                """
                UPDATE links SET status = 'broken', broken_reason = ?, updated_at = ?
                WHERE team_id = ? AND slack_user_id = ?
                """,
                (reason, iso(None), key.team_id, key.user_id),
            )
            self._drop_lease(key)

    def _drop_lease(self, key: UserKey) -> None:
        self._db.write(
            "DELETE FROM refresh_leases WHERE team_id = ? AND slack_user_id = ?",
            (key.team_id, key.user_id),
        )

    # --- key rotation ---

    def reencrypt(self) -> int:
        """Re-encrypt every link not already under the first key; rows changed.

        Run it inside a transaction: one undecryptable row raises TokenDecryptionError and
        the caller's rollback leaves every row as it was.
        """
        changed = 0
        rows = self._db.all("SELECT team_id, slack_user_id, access_token, refresh_token FROM links")
        for row in rows:
            access = self._cipher.rotated(row["access_token"])
            refresh = (
                None if row["refresh_token"] is None else self._cipher.rotated(row["refresh_token"])
            )
            if access is None and refresh is None:
                continue
            self._db.write(
                """
                UPDATE links SET access_token = ?, refresh_token = ?
                WHERE team_id = ? AND slack_user_id = ?
                """,
                (
                    access or row["access_token"],
                    refresh or row["refresh_token"],
                    row["team_id"],
                    row["slack_user_id"],
                ),
            )
            changed += 1
        return changed
