"""OAuth states: single-use, short-lived, bound to the Slack user who started linking and to
the browser that opened the connect link, with the question to answer once linked and the
PKCE verifier to finish the code exchange.

A state is minted when a connect link is opened, and the link's id is kept with it: a link
that already minted a state is used, so opening it again is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from bot.clustermarket.tokens import UserKey
from bot.store.clock import iso, parse, utc
from bot.store.crypto import Cipher
from bot.store.database import Database
from bot.store.errors import StateError

STATE_TTL = timedelta(minutes=10)
STATE_RETENTION = timedelta(days=1)
"""OAuth states older than this are purged."""


@dataclass(frozen=True)
class StateClaim:
    """Who started the OAuth flow a consumed state belongs to, and what to do afterwards."""

    key: UserKey
    resume: dict[str, Any] | None
    code_verifier: str | None = field(default=None, repr=False)
    """The PKCE verifier stored with the state; None for states made without one."""
    browser_hash: str | None = field(default=None, repr=False)
    """The digest of the browser cookie of whoever opened the connect link."""

    def opened_by(self, browser: str | None) -> bool:
        """Whether `browser` (the cookie's value) is the one that opened the connect link."""
        if self.browser_hash is None or not browser:
            return False
        return hmac.compare_digest(self.browser_hash, hash_state(browser))


def hash_state(state: str) -> str:
    """Only this digest is stored, so a leaked database cannot complete anyone's OAuth flow
    (nor replay a connect link or pose as the browser that opened one)."""
    return hashlib.sha256(state.encode("utf-8")).hexdigest()


class OAuthStates:
    """The `oauth_states` table."""

    def __init__(self, db: Database, cipher: Cipher) -> None:
        self._db = db
        self._cipher = cipher

    def create(
        self,
        key: UserKey,
        *,
        resume: dict[str, Any] | None = None,
        code_verifier: str | None = None,
        ticket: str | None = None,
        browser: str | None = None,
        ttl: timedelta = STATE_TTL,
        now: datetime | None = None,
    ) -> str:
        """A fresh single-use state for `key`'s authorize URL; only its sha256 is stored,
        and the verifier only encrypted.

        `ticket` is the id of the connect link being opened: StateError('used') when that
        link already minted a state. `browser` is the opener's cookie, kept as a digest.
        """
        moment = utc(now)
        state = secrets.token_urlsafe(32)
        payload = None if resume is None else json.dumps(resume, separators=(",", ":"))
        ticket_hash = None if ticket is None else hash_state(ticket)
        with self._db.transaction():
            self._db.write(
                "DELETE FROM oauth_states WHERE created_at < ?",
                (iso(moment - STATE_RETENTION),),
            )
            if ticket_hash is not None and self._db.one(
                "SELECT 1 AS used FROM oauth_states WHERE ticket_hash = ?", (ticket_hash,)
            ):
                raise StateError("used")
            self._db.write(
                """
                INSERT INTO oauth_states (state_hash, team_id, slack_user_id, created_at,
                    expires_at, used_at, resume, code_verifier, ticket_hash, browser_hash)
                VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)
                """,
                (
                    hash_state(state),
                    key.team_id,
                    key.user_id,
                    iso(moment),
                    iso(moment + ttl),
                    payload,
                    self._cipher.encrypt_or_none(code_verifier),
                    ticket_hash,
                    None if browser is None else hash_state(browser),
                ),
            )
        return state

    def consume(self, state: str, *, now: datetime | None = None) -> StateClaim:
        """Use a state exactly once; StateError('unknown' | 'expired' | 'used') otherwise.

        An expired state is marked used as well, so it can never be tried again.
        """
        moment = utc(now)
        state_hash = hash_state(state)
        with self._db.transaction():
            row = self._db.one("SELECT * FROM oauth_states WHERE state_hash = ?", (state_hash,))
            if row is None:
                failure: Literal["unknown", "expired", "used"] | None = "unknown"
            else:
                changed = self._db.write(
                    "UPDATE oauth_states SET used_at = ? WHERE state_hash = ? AND used_at IS NULL",
                    (iso(moment), state_hash),
                )
                if changed != 1:
                    failure = "used"
                elif parse(row["expires_at"]) <= moment:
                    failure = "expired"
                else:
                    failure = None
        # raised after COMMIT, so marking an expired state used is not rolled back
        if failure is not None:
            raise StateError(failure)
        assert row is not None  # no failure means the row was found
        resume = None if row["resume"] is None else json.loads(row["resume"])
        return StateClaim(
            key=UserKey(row["team_id"], row["slack_user_id"]),
            resume=resume,
            code_verifier=self._cipher.decrypt_or_none(row["code_verifier"]),
            browser_hash=row["browser_hash"],
        )

    def reencrypt(self) -> int:
        """Re-encrypt stored verifiers under the first key (inside the caller's transaction)."""
        changed = 0
        rows = self._db.all(
            "SELECT state_hash, code_verifier FROM oauth_states WHERE code_verifier IS NOT NULL"
        )
        for row in rows:
            rotated = self._cipher.rotated(row["code_verifier"])
            if rotated is not None:
                self._db.write(
                    "UPDATE oauth_states SET code_verifier = ? WHERE state_hash = ?",
                    (rotated, row["state_hash"]),
                )
                changed += 1
        return changed
