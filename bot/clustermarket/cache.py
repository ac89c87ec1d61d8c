"""What Clustermarket just told each user, kept a short while: never shared between users.

Rights differ from person to person, so every entry belongs to one Slack user and is only
ever served to them. An entry is

- fresh for its kind's `fresh` seconds, and served as it is;
- then, for `stale` seconds more, still served, while one refresh runs in the background
  (stale-while-revalidate): nobody waits for a refresh once they have been answered before;
- fetched once per user and key at a time (single flight): questions asked together wait for
  the same fetch, and a refresh already running is joined, not repeated;
- dropped with everything else of its user when they disconnect or relink (`forget`), and when
  Clustermarket answers them 401 or 403 (their rights may have changed); a fetch still running
  then is not kept;
- bounded: once the records kept exceed `max_records`, the least recently used entries go.

A caller that needs fresher than an entry's kind promises (the notifier, for an instrument's
availability) says how old it may be (`within`); an older entry is then fetched anew for it,
and replaced for everyone. A fetch held back by its starter's request budget
(`bot.clustermarket.budget`) is fetched again for a caller who waited on it under another
budget or none: a person's question never fails because the notifier's minute is spent.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, cast

from bot.clustermarket.budget import BudgetSpent, Gate, current_gate
from bot.clustermarket.tokens import UserKey
from bot.observability.metrics import record_cache

logger = logging.getLogger("bot.clustermarket")

V = TypeVar("V")
Kind = Literal["bookings", "records", "catalogue"]
"""What an entry holds, which sets how long it lives; also the metrics' cache name."""

MAX_RECORDS = 25_000
"""Records kept across every user (a list counts its length, a catalogue its entries)."""


@dataclass(frozen=True)
class Lifetime:
    """Seconds an entry is served as it is, then served while it is refreshed."""

    fresh: float
    stale: float = 0.0


@dataclass(frozen=True)
class Lifetimes:
    """Bookings change by the minute; labs, equipment and groups by the week."""

    bookings: Lifetime = Lifetime(fresh=30.0, stale=30.0)
    records: Lifetime = Lifetime(fresh=300.0, stale=600.0)
    catalogue: Lifetime = Lifetime(fresh=300.0, stale=600.0)

    def of(self, kind: Kind) -> Lifetime:
        lifetime: Lifetime = getattr(self, kind)
        return lifetime


@dataclass
class _Entry:
    value: Any
    stored_at: float
    weight: int


class _Flight:
    """One fetch under way, under the request budget of whoever started it (`gate`). `void`
    is set when its user is forgotten meanwhile: the answer still serves whoever waits for
    it, but is not kept."""

    __slots__ = ("gate", "task", "void")

    def __init__(self) -> None:
        self.void = False
        self.gate: Gate | None = current_gate()
        self.task: asyncio.Future[Any]


_Key = tuple[UserKey, Hashable]


def weight_of(value: object) -> int:
    """What an entry counts against `max_records`: a list its length, else its `weight`."""
    if isinstance(value, list):
        return len(value) + 1
    weight = getattr(value, "weight", 1)
    return weight if isinstance(weight, int) and weight > 0 else 1


@dataclass
class UserCache:
    """Per-user entries with their lifetimes; one per process (the client owns it)."""

    lifetimes: Lifetimes = field(default_factory=Lifetimes)
    max_records: int = MAX_RECORDS
    clock: Callable[[], float] = time.monotonic
    _entries: OrderedDict[_Key, _Entry] = field(default_factory=OrderedDict, init=False)
    _flights: dict[_Key, _Flight] = field(default_factory=dict, init=False)
    _weight: int = field(default=0, init=False)

    async def get(
        self,
        key: UserKey,
        what: Hashable,
        fetch: Callable[[], Awaitable[V]],
        *,
        kind: Kind,
        within: float | None = None,
    ) -> V:
        """The user's `what`: kept, or fetched (once, however many ask at the same time);
        with `within`, nothing kept longer than that many seconds is served to this caller."""
        slot = (key, what)
        lifetime = self.lifetimes.of(kind)
        entry = self._entries.get(slot)
        if entry is not None:
            age = self.clock() - entry.stored_at
            if age >= lifetime.fresh + lifetime.stale:
                self._drop(slot)
            elif within is None or age < within:
                self._entries.move_to_end(slot)
                if age >= lifetime.fresh and slot not in self._flights:
                    self._fly(slot, fetch, kind, background=True)
                record_cache(kind, hit=True)
                return cast(V, entry.value)
        record_cache(kind, hit=False)
        flight = self._flights.get(slot)
        if flight is None or flight.void:  # a fetch from before a forget answers no one new
            flight = self._fly(slot, fetch, kind, background=False)
        try:
            # Shielded: a question that stops waiting (its deadline passed) leaves the fetch
            # to finish for whoever else waits, and for the next question.
            return cast(V, await asyncio.shield(flight.task))
        except BudgetSpent:
            if flight.gate is current_gate():
                raise  # our own budget: the caller defers its work
            again = self._flights.get(slot)
            if again is None or again.task.done() or again.gate is not current_gate():
                again = self._fly(slot, fetch, kind, background=False)
            return cast(V, await asyncio.shield(again.task))

    def forget(self, key: UserKey) -> None:
        """Drop everything kept for the user; fetches under way for them are not kept."""
        for slot in [slot for slot in self._entries if slot[0] == key]:
            self._drop(slot)
        for slot, flight in self._flights.items():
            if slot[0] == key:
                flight.void = True

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def fetching(self) -> int:
        """Fetches under way (refreshes in the background included)."""
        return len(self._flights)

    @property
    def records(self) -> int:
        """The records kept now, as counted against `max_records`."""
        return self._weight

    async def aclose(self) -> None:
        """Stop the fetches still running (at shutdown)."""
        tasks = [flight.task for flight in self._flights.values()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _fly(
        self, slot: _Key, fetch: Callable[[], Awaitable[Any]], kind: Kind, *, background: bool
    ) -> _Flight:
        flight = _Flight()
        flight.task = asyncio.ensure_future(self._run(flight, slot, fetch, kind))
        self._flights[slot] = flight

        def landed(task: asyncio.Future[Any]) -> None:
            if self._flights.get(slot) is flight:
                del self._flights[slot]
            if task.cancelled():
                return
            failure = task.exception()  # read here, so an unwaited failure is never "lost"
            if failure is not None and background:
                logger.info(
                    "refreshing a kept %s answer failed (%s); the kept one serves meanwhile",
                    kind,
                    type(failure).__name__,
                )

        flight.task.add_done_callback(landed)
        return flight

    async def _run(
        self, flight: _Flight, slot: _Key, fetch: Callable[[], Awaitable[Any]], kind: Kind
    ) -> Any:
        value = await fetch()
        lifetime = self.lifetimes.of(kind)
        if not flight.void and lifetime.fresh + lifetime.stale > 0:
            self._keep(slot, value)
        return value

    def _keep(self, slot: _Key, value: Any) -> None:
        self._drop(slot)
        weight = weight_of(value)
        self._entries[slot] = _Entry(value, self.clock(), weight)
        self._weight += weight
        while self._weight > self.max_records and len(self._entries) > 1:
            oldest = next(iter(self._entries))
            self._drop(oldest)

    def _drop(self, slot: _Key) -> None:
        entry = self._entries.pop(slot, None)
        if entry is not None:
            self._weight -= entry.weight
