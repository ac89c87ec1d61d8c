"""The notifier's requests, counted against NOTIFY_MAX_REQUESTS_PER_MINUTE.

A run reserves what each piece of work is expected to cost before starting it (all or
nothing, in the store, so every process shares one count per clock minute); work that does
not fit waits for a later run instead of being dropped. While the work runs, each request it
makes draws on its reservation (`bot.clustermarket.budget`): one more than expected is
reserved on the spot, or refused (the piece is deferred, and learns its real cost), and a
request in a new minute is reserved in that minute. What was reserved and not used is given
back. A piece larger than a whole minute's budget (a huge account under a tiny limit) cannot
fit any minute, so it takes what the minute spares and waits for the next ones instead.

The clock is the run's: `--now` plus the time the run has taken, so a simulated day keeps
its minutes apart as a real one does.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import Counter
from collections.abc import Awaitable, Callable

from bot.clustermarket.budget import BudgetSpent
from bot.store import Store
from bot.store.budget import minute_of


class RunClock:
    """The run's `now`, moving on with the time the run takes."""

    def __init__(self, now: dt.datetime, monotonic: Callable[[], float] = time.monotonic):
        self.start = now
        self._monotonic = monotonic
        self._began = monotonic()

    def __call__(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=self._monotonic() - self._began)

    def to_next_minute(self) -> float:
        """Seconds until the run's clock shows the next minute."""
        now = self()
        return 60.0 - (now.second + now.microsecond / 1e6) + 0.001


class RequestBudget:
    """The per-minute limit, as one run sees it; `allowance(n)` for each piece of work."""

    def __init__(
        self,
        store: Store,
        limit: int,
        clock: RunClock,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.store = store
        self.limit = limit
        self.clock = clock
        self.sleep = sleep
        self.made: Counter[str] = Counter()
        """Requests made by this run, by the clock minute they were made in."""

    async def allowance(self, expected: int) -> Allowance | None:
        """Reserve `expected` requests now; None when this minute cannot spare them. A piece
        larger than a minute's whole budget reserves what it can (at least one)."""
        expected = max(expected, 1)
        moment = self.clock()
        if expected <= self.limit:
            if not await self.store.reserve_requests(moment, expected, self.limit):
                return None
            return Allowance(self, moment, expected, oversized=False)
        spare = self.limit - await self.store.requests_spent(moment)
        if spare < 1 or not await self.store.reserve_requests(moment, spare, self.limit):
            return None
        return Allowance(self, moment, spare, oversized=True)


class Allowance:
    """One piece of work's reservation: a `Gate` for its requests, and what it made."""

    def __init__(
        self, budget: RequestBudget, moment: dt.datetime, reserved: int, *, oversized: bool
    ) -> None:
        self._budget = budget
        self._moment = moment
        self._left = reserved
        self._oversized = oversized
        self.made = 0

    async def take(self) -> None:
        budget = self._budget
        now = budget.clock()
        if minute_of(now) != minute_of(self._moment):
            await self.close()  # what is left of the old minute goes back
            self._moment = now
        while self._left == 0:
            if await budget.store.reserve_requests(now, 1, budget.limit):
                self._left = 1
            elif self._oversized:
                await budget.sleep(budget.clock.to_next_minute())
                now = self._moment = budget.clock()
            else:
                raise BudgetSpent("the notifier's requests for this minute are spent")
        self._left -= 1
        self.made += 1
        budget.made[minute_of(now)] += 1

    async def close(self) -> None:
        """Give back what was reserved and not used."""
        left, self._left = self._left, 0
        await self._budget.store.release_requests(self._moment, left)
