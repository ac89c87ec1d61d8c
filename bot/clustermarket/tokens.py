"""The token set of one linked user, and the vault the client keeps it in.

The client depends only on the `TokenVault` protocol, so it never imports the store
(and the store never imports the client). The renewal protocol built on it is in
`refresh.py`.
"""

from __future__ import annotations

import hmac
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

    def same_as(self, other: TokenSet) -> bool:
        """The same access and refresh token (compared in constant time)."""
        return _same_secret(self.access_token, other.access_token) and _same_secret(
            self.refresh_token, other.refresh_token
        )


def _same_secret(one: str | None, other: str | None) -> bool:
    if one is None or other is None:
        return one is None and other is None
    return hmac.compare_digest(one.encode("utf-8"), other.encode("utf-8"))


class VaultUnavailable(Exception):
    """The vault could not do the work right now (its database is locked, full, failing).

    Nothing is lost: the caller keeps what it has (a renewed pair stays in memory).
    """


@dataclass(frozen=True)
class LeaseGranted:
    """This worker may spend `tokens.refresh_token`; no other holds the lease until it ends.

    `spent_before` is when that same refresh token was first sent by a renewal that saved
    no successor (a lost answer, a crash, a failed save), or None when this is its first
    use: only then is a refusal of it certainly not our own lost rotation.
    """

    tokens: TokenSet
    spent_before: datetime | None


@dataclass(frozen=True)
class LeaseBusy:
    """Another worker is renewing this user's tokens; its lease lapses at `until`."""

    until: datetime


@dataclass(frozen=True)
class AlreadyRenewed:
    """The stored tokens are no longer the stale ones: someone renewed (or relinked)."""

    tokens: TokenSet


RenewalStart = LeaseGranted | LeaseBusy | AlreadyRenewed


class TokenVault(Protocol):
    """Where the client reads and rotates a user's tokens, shared by every process."""

    async def load_tokens(self, key: UserKey) -> TokenSet:
        """The user's current tokens; raises NotLinked, or ReconnectRequired when broken."""

    async def begin_refresh(
        self, key: UserKey, stale: TokenSet, *, holder: str, ttl: timedelta
    ) -> RenewalStart:
        """Take the user's renewal lease for `ttl` unless another live holder has it, or
        say the stored tokens already moved on from `stale`."""

    async def end_refresh(self, key: UserKey, holder: str) -> None:
        """Let go of the lease without a saved successor (the spend is still remembered)."""

    async def rotate_tokens(self, key: UserKey, old: TokenSet, new: TokenSet) -> bool:
        """Replace `old` by `new` atomically and end the lease; False when `old` was no
        longer current."""

    async def mark_broken(self, key: UserKey, reason: str) -> None:
        """Record that the link no longer works, so the user is asked to reconnect."""
