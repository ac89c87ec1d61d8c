"""The token set of one linked user, and the vault the client keeps it in.

The client depends only on the `TokenVault` protocol, so it never imports the store
(and the store never imports the client).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol


@dataclass(frozen=True)
class UserKey:
    """A Slack user in a Slack workspace: whose Clustermarket tokens to use."""

    team_id: str
    user_id: str


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str | None
    expires_at: datetime | None
    scopes: str = ""

    def __repr__(self) -> str:  # never let a token reach a log through repr()
        return f"TokenSet(expires_at={self.expires_at!r}, scopes={self.scopes!r})"

    def expires_within(self, margin: timedelta, now: datetime | None = None) -> bool:
        if self.expires_at is None:
            return False
        return self.expires_at - margin <= (now or datetime.now(UTC))


class TokenVault(Protocol):
    """Where the client reads and rotates a user's tokens."""

    async def load_tokens(self, key: UserKey) -> TokenSet:
        """The user's current tokens; raises NotLinked, or ReconnectRequired when broken."""

    async def rotate_tokens(self, key: UserKey, old: TokenSet, new: TokenSet) -> bool:
        """Replace `old` by `new` atomically; False when `old` was no longer current."""

    async def mark_broken(self, key: UserKey, reason: str) -> None:
        """Record that the link no longer works, so the user is asked to reconnect."""
