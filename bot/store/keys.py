"""The key canary: a value encrypted with TOKEN_ENCRYPTION_KEY, so a wrong key is caught at
start instead of as "Something went wrong" on every user's first question."""

from __future__ import annotations

import contextlib

from bot.store.clock import iso
from bot.store.crypto import Cipher
from bot.store.database import Database
from bot.store.errors import StoreUnavailable, TokenDecryptionError

CANARY = "cmbot key canary"


class KeyCanary:
    """The `key_canary` table (one row)."""

    def __init__(self, db: Database, cipher: Cipher) -> None:
        self._db = db
        self._cipher = cipher

    def verify(self) -> None:
        """Return when the configured keys decrypt what is stored; else TokenDecryptionError.

        A database without a canary yet (new, or from before it existed) is checked against
        a stored token instead, and gets a canary only when that decrypts, so a wrong key is
        never the one that writes it.
        """
        row = self._db.one("SELECT token FROM key_canary WHERE id = 1")
        if row is not None:
            if self._cipher.decrypt(row["token"]) != CANARY:
                raise TokenDecryptionError("the key canary was altered")
            return
        sample = self._db.one("SELECT access_token FROM links LIMIT 1")
        if sample is not None:
            self._cipher.decrypt(sample["access_token"])
        with contextlib.suppress(StoreUnavailable):  # verified all the same; a later start
            self._db.write(  # writes the canary
                "INSERT OR IGNORE INTO key_canary (id, token, written_at) VALUES (1, ?, ?)",
                (self._cipher.encrypt(CANARY), iso(None)),
            )

    def reencrypt(self) -> int:
        """Move the canary under the first key (inside the caller's transaction)."""
        row = self._db.one("SELECT token FROM key_canary WHERE id = 1")
        rotated = None if row is None else self._cipher.rotated(row["token"])
        if rotated is None:
            return 0
        return self._db.write("UPDATE key_canary SET token = ? WHERE id = 1", (rotated,))
