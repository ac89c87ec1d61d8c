"""Per-sandbox mutable state: knobs, queued faults, statistics and the token registry.

One `SandboxState` per `Sandbox`, reached by the routes through the aiohttp app, so nothing
leaks between sandboxes even though they share one seeded world.
"""

from __future__ import annotations

import random
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Literal

from aiohttp import web

from bot.sandbox.dialects import REFERENCE, Dialect
from bot.sandbox.seed import SandboxData
from bot.sandbox.shapes import Shapes
from bot.sandbox.tokens import TokenRegistry

FaultKind = Literal["fail", "rate_limit", "garble_json", "garble_content_type"]


@dataclass
class SandboxKnobs:
    """Behaviour a test can change between requests."""

    latency: float = 0.0
    error_rate: float = 0.0
    rate_limit_rate: float = 0.0
    retry_after: int = 1
    access_token_ttl: int = 3600
    total_header: bool = True
    token_latency: float = 0.0
    """Extra seconds before the token endpoint answers (after it has done its work)."""
    strict_refresh: bool = False
    """Refresh tokens die the moment they are used, not at the new token's first use."""
    user_email: bool = True
    """The user endpoint says the account's email (the published schema does not have it)."""


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    status: int = 200
    retry_after: int = 1


class Faults:
    """A FIFO of failures; each /v1 request takes the next one, before any knob applies."""

    def __init__(self) -> None:
        self._queue: deque[Fault] = deque()

    def fail_next(self, count: int = 1, status: int = 503) -> None:
        if not 400 <= status <= 599:
            raise ValueError("status must be an HTTP error status (400-599)")
        self._push(Fault("fail", status=status), count)

    def rate_limit_next(self, count: int = 1, retry_after: int = 1) -> None:
        if retry_after < 0:
            raise ValueError("retry_after must not be negative")
        self._push(Fault("rate_limit", status=429, retry_after=retry_after), count)

    def garble_next(self, count: int = 1, kind: Literal["json", "content_type"] = "json") -> None:
        if kind == "json":
            self._push(Fault("garble_json"), count)
        elif kind == "content_type":
            self._push(Fault("garble_content_type"), count)
        else:
            raise ValueError("kind must be 'json' or 'content_type'")

    def clear(self) -> None:
        self._queue.clear()

    def pop(self) -> Fault | None:
        return self._queue.popleft() if self._queue else None

    def __len__(self) -> int:
        return len(self._queue)

    def _push(self, fault: Fault, count: int) -> None:
        if count < 0:
            raise ValueError("count must not be negative")
        self._queue.extend([fault] * count)


@dataclass
class Stats:
    """What clients did, for tests and benchmarks to assert on."""

    requests: Counter[str] = field(default_factory=Counter)
    grants: Counter[str] = field(default_factory=Counter)
    revocations: int = 0
    in_flight: int = 0
    peak_in_flight: int = 0
    """The most /v1 requests being answered at once: shows a client's paging concurrency."""

    def total(self, prefix: str = "") -> int:
        """Requests whose "METHOD /path" key starts with `prefix` (e.g. "GET /v1/bookings")."""
        return sum(count for key, count in self.requests.items() if key.startswith(prefix))

    def reset(self) -> None:
        self.requests.clear()
        self.grants.clear()
        self.revocations = 0
        self.peak_in_flight = self.in_flight


@dataclass
class SandboxState:
    data: SandboxData
    knobs: SandboxKnobs
    faults: Faults
    stats: Stats
    tokens: TokenRegistry
    rng: random.Random
    dialect: Dialect = REFERENCE
    shapes: Shapes = field(init=False)
    challenges: dict[str, str] = field(default_factory=dict)
    """PKCE: each authorization code's S256 code challenge, when its authorize had one."""

    def __post_init__(self) -> None:
        self.shapes = Shapes(self.data, self.dialect)


STATE: web.AppKey[SandboxState] = web.AppKey("sandbox_state", SandboxState)
