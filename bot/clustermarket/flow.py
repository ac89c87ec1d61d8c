"""How many requests to Clustermarket are in flight: bounded per process and per user, below
the connection pool, and backing off when Clustermarket answers 429.

Why bounds of our own: httpx's connection pool is not built for hundreds of waiters. httpcore
walks its queued requests and its connections on every release (encode/httpcore#1035,
encode/httpx#3215), so a burst of questions spends its CPU in the pool's bookkeeping instead
of answering (issue 12 measured 88 % of the CPU there). Requests wait here instead, first
behind their user's own bound, so one heavy user holds at most `per_user` slots and everyone
else's requests still get through, then behind the process's bound, first come first served.
The pool is sized `spare` connections above `in_flight`, so a request that holds a slot never
queues in httpcore and token POSTs (which take no slot) always find a connection.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx

from bot.clustermarket.tokens import UserKey


@dataclass(frozen=True)
class UpstreamLimits:
    """The bounds; the defaults hold 500 people asking at once at 2 s per request (about
    2,100 requests, two round trips each: 384 at a time answer them within 20 s)."""

    in_flight: int = 384
    """Requests to the API at once, per process."""
    per_user: int = 64
    """Requests at once for one Slack user: also the most pages of one list in flight. A list
    of up to 65 pages is then read in two round trips (page 1, then the rest at once): at
    200 ms per request the busiest lab's 56 pages took 0.70 s against 0.87 s with 32."""
    spare: int = 16
    """Connections beyond `in_flight` in the pool, for token POSTs."""
    keepalive_expiry: float = 30.0
    """Seconds an idle connection is kept for the next request."""

    def __post_init__(self) -> None:
        if min(self.in_flight, self.per_user) < 1 or self.spare < 0:
            raise ValueError("in_flight and per_user must be at least 1, spare at least 0")

    def pool(self) -> httpx.Limits:
        """The pool for these bounds: every connection kept alive between requests."""
        size = self.in_flight + self.spare
        return httpx.Limits(
            max_connections=size,
            max_keepalive_connections=size,
            keepalive_expiry=self.keepalive_expiry,
        )


class Backoff:
    """How many pages of one list may be in flight after 429s, process-wide.

    Halved by each 429, grown back by one for every `allowance` answers that were not 429
    (additive increase, multiplicative decrease: the way TCP finds a link's capacity).
    """

    def __init__(self, ceiling: int) -> None:
        self.ceiling = ceiling
        self.allowance = float(ceiling)

    def throttled(self) -> None:
        self.allowance = max(1.0, self.allowance / 2)

    def answered(self) -> None:
        if self.allowance < self.ceiling:
            self.allowance = min(float(self.ceiling), self.allowance + 1 / self.allowance)

    def allowed(self) -> int:
        return max(1, int(self.allowance))


class Upstream:
    """The slots requests take, and what answers tell about Clustermarket's load."""

    def __init__(self, limits: UpstreamLimits | None = None) -> None:
        self.limits = limits or UpstreamLimits()
        self._process = asyncio.Semaphore(self.limits.in_flight)
        # A user's semaphore lives while some request holds it: idle users cost nothing.
        self._users: weakref.WeakValueDictionary[UserKey, asyncio.Semaphore] = (
            weakref.WeakValueDictionary()
        )
        self.backoff = Backoff(self.limits.per_user)

    @asynccontextmanager
    async def slot(self, key: UserKey | None) -> AsyncIterator[None]:
        """Hold one request's slot: the user's first (None: a request of no user yet), then
        the process's."""
        user = self._user(key) if key is not None else None
        if user is None:
            async with self._process:
                yield
            return
        async with user, self._process:
            yield

    def answered(self, status: int) -> None:
        """An answer came: a 429 halves the page windows, anything else lets them grow."""
        if status == httpx.codes.TOO_MANY_REQUESTS:
            self.backoff.throttled()
        else:
            self.backoff.answered()

    def _user(self, key: UserKey) -> asyncio.Semaphore:
        semaphore = self._users.get(key)
        if semaphore is None:
            semaphore = self._users[key] = asyncio.Semaphore(self.limits.per_user)
        return semaphore
