"""OAuth states: single-use, short-lived, bound to the Slack user who started linking, with
the question to answer once linked and the PKCE verifier to finish the code exchange."""

from __future__ import annotations

import hashlib
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


def hash_state(state: str) -> str:
    """Only this digest is stored, so a leaked database cannot complete anyone's OAuth flow."""
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
        ttl: timedelta = STATE_TTL,
        now: datetime | None = None,
    ) -> str:
        """A fresh single-use state for `key`'s authorize URL; only its sha256 is stored,
        and the verifier only encrypted."""
        moment = utc(now)
        state = secrets.token_urlsafe(32)
        payload = None if resume is None else json.dumps(resume, separators=(",", ":"))
        with self._db.transaction():
            self._db.write(
                "DELETE FROM oauth_states WHERE created_at < ?",
                (iso(moment - STATE_RETENTION),),
            )
            self._db.write(
                """
                INSERT INTO oauth_states (state_hash, team_id, slack_user_id, created_at,
                    expires_at, used_at, resume, code_verifier)
                VALUES (?, ?, ?, ?, ?, NULL, ?, ?)
                """,
                (
                    hash_state(state),
                    key.team_id,
                    key.user_id,
                    iso(moment),
                    iso(moment + ttl),
                    payload,
                    self._cipher.encrypt_or_none(code_verifier),
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
