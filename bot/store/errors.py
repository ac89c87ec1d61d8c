"""What can go wrong in the store, in words an operator or a caller can act on."""

from __future__ import annotations

from typing import Literal

from bot.clustermarket.tokens import VaultUnavailable

Unavailability = Literal["locked", "full", "read-only", "io", "other"]


class StoreError(Exception):
    """The database cannot be used as configured or right now; the message says why."""


class SchemaTooNew(StoreError):
    """The database was written by a newer cmbot; running older code on it could corrupt it."""


class TokenDecryptionError(StoreError):
    """Stored tokens cannot be decrypted with any configured key (the key list is wrong)."""


class StoreUnavailable(StoreError, VaultUnavailable):
    """SQLite refused the work: locked past the busy timeout, disk full, read-only, I/O.

    Callers that can carry on without the write (a cache, an event-id record) catch this;
    everything else lets it reach the kind "try again" answer.
    """

    def __init__(self, message: str, reason: Unavailability) -> None:
        super().__init__(message)
        self.reason: Unavailability = reason


class StoreOnEventLoop(RuntimeError):
    """A blocking SQLite call was made on a thread running an asyncio event loop.

    Raised rather than logged: one slow write there freezes every reply of the process,
    so the suite must catch the call site. Coroutines use the Store's async methods.
    """


class StateError(Exception):
    """An OAuth state that cannot start a link: never issued, expired, or already used."""

    def __init__(self, reason: Literal["unknown", "expired", "used"]) -> None:
        super().__init__(f"OAuth state is {reason}")
        self.reason: Literal["unknown", "expired", "used"] = reason
