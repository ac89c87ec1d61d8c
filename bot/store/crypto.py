"""Secrets at rest: MultiFernet over TOKEN_ENCRYPTION_KEY's keys.

The first key encrypts and any key decrypts, so keys rotate without a flag day: put the new
key first, run `cmbot reencrypt`, then drop the old one. No plaintext, key or cryptography
internals ever reach an exception message.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bot.store.errors import TokenDecryptionError

UNDECRYPTABLE = (
    "stored Clustermarket tokens cannot be decrypted with any key in TOKEN_ENCRYPTION_KEY;"
    " when rotating keys keep the old key in the list (after the new one) until"
    " `cmbot reencrypt` has run"
)


class Cipher:
    """Encrypts with the first key; decrypts with any."""

    def __init__(self, keys: Sequence[str]) -> None:
        if isinstance(keys, str):
            raise TypeError("keys must be a sequence of Fernet keys, not one string")
        if not keys:
            raise ValueError("TOKEN_ENCRYPTION_KEY is empty: at least one Fernet key is required")
        fernets: list[Fernet] = []
        for position, key in enumerate(keys, start=1):
            try:
                fernets.append(Fernet(key))
            except (ValueError, TypeError):
                raise ValueError(
                    f"TOKEN_ENCRYPTION_KEY entry {position} is not a Fernet key"
                    " (urlsafe base64 of 32 bytes; make one with `cmbot keygen`)"
                ) from None
        self._any = MultiFernet(fernets)
        self._primary = fernets[0]

    def __repr__(self) -> str:
        return "Cipher(keys=[redacted])"

    def encrypt(self, secret: str) -> str:
        return self._any.encrypt(secret.encode("utf-8")).decode("ascii")

    def encrypt_or_none(self, secret: str | None) -> str | None:
        return None if secret is None else self.encrypt(secret)

    def decrypt(self, stored: str) -> str:
        try:
            return self._any.decrypt(stored.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise TokenDecryptionError(UNDECRYPTABLE) from None

    def decrypt_or_none(self, stored: str | None) -> str | None:
        return None if stored is None else self.decrypt(stored)

    def rotated(self, stored: str) -> str | None:
        """`stored` re-encrypted under the first key, or None when it already is."""
        token = stored.encode("ascii")
        try:
            self._primary.decrypt(token)
        except InvalidToken:
            pass
        else:
            return None
        try:
            return self._any.rotate(token).decode("ascii")
        except InvalidToken:
            raise TokenDecryptionError(UNDECRYPTABLE) from None
