"""A budget the caller puts on every Clustermarket request made on its behalf.

Background work (the notifier) must not spend more of a service we do not own than it is
allowed. It sets a `Gate` for the coroutine doing the work (`spending`); every request made
inside it, whatever layer makes it (an API GET, each page and retry, a token renewal), first
asks the gate, before anything is sent. A gate that refuses raises `BudgetSpent`, which is
"unavailable for now": nothing was sent, the work waits for its next turn. Requests made
outside any gate (a person asking) are never counted or held back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Protocol

from bot.clustermarket.errors import UpstreamUnavailable


class BudgetSpent(UpstreamUnavailable):
    """The caller's request budget is spent for now; the request was not sent."""


class Gate(Protocol):
    async def take(self) -> None:
        """Allow one request, or raise BudgetSpent."""


_GATE: ContextVar[Gate | None] = ContextVar("clustermarket_request_gate", default=None)


@contextlib.contextmanager
def spending(gate: Gate) -> Iterator[None]:
    """Count every Clustermarket request made in this context (tasks it starts inherit it)
    against `gate`."""
    token = _GATE.set(gate)
    try:
        yield
    finally:
        _GATE.reset(token)


def current_gate() -> Gate | None:
    """The gate requests made here are counted against (None: they are not counted)."""
    return _GATE.get()


async def before_request() -> None:
    """Called by the client before each request it sends: the gate's say, if there is one."""
    gate = _GATE.get()
    if gate is not None:
        await gate.take()
