"""The minute tick: top of the minute, never two runs at once, a failing run is survived, and
stopping is clean. A clock set just before a minute boundary keeps the waits short."""

from __future__ import annotations

import asyncio
import datetime as dt

from bot.digest.plans import DigestReport
from bot.digest.scheduler import DigestScheduler, seconds_to_next_tick

JUST_BEFORE = dt.datetime(2026, 3, 25, 7, 59, 59, 980000, tzinfo=dt.UTC)


class CountingRunner:
    """Stands in for DigestRunner: records calls and how many overlap."""

    def __init__(self, *, work: float = 0.0, fail_first: bool = False, hang: bool = False):
        self.work = work
        self.fail_first = fail_first
        self.hang = hang
        self.calls: list[dt.datetime] = []
        self.active = 0
        self.most_active = 0
        self.finished = 0

    async def run_due(self, now: dt.datetime) -> DigestReport:
        self.calls.append(now)
        self.active += 1
        self.most_active = max(self.most_active, self.active)
        try:
            if self.hang:
                await asyncio.Event().wait()
            await asyncio.sleep(self.work)
            if self.fail_first and len(self.calls) == 1:
                raise RuntimeError("the store is locked")
            self.finished += 1
            return DigestReport(due=1, sent=1)
        finally:
            self.active -= 1


async def wait_until(predicate: object, budget: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + budget
    while not predicate():  # type: ignore[operator]
        assert loop.time() < deadline, "the scheduler did not get there"
        await asyncio.sleep(0.005)


def test_next_tick_is_the_top_of_the_minute() -> None:
    assert seconds_to_next_tick(dt.datetime(2026, 3, 25, 8, 0, 45, tzinfo=dt.UTC)) == 15.0
    assert seconds_to_next_tick(dt.datetime(2026, 3, 25, 8, 0, 0, tzinfo=dt.UTC)) == 60.0


async def test_ticks_in_turn_and_never_overlap() -> None:
    runner = CountingRunner(work=0.03)
    scheduler = DigestScheduler(runner, clock=lambda: JUST_BEFORE)  # type: ignore[arg-type]
    scheduler.start()
    scheduler.start()  # a second start changes nothing
    await wait_until(lambda: runner.finished >= 3)
    await scheduler.stop()
    assert runner.most_active == 1
    assert scheduler.runs >= 3 and scheduler.last_report is not None
    assert not scheduler.running


async def test_a_failing_run_is_logged_and_the_next_tick_still_comes() -> None:
    runner = CountingRunner(fail_first=True)
    scheduler = DigestScheduler(runner, clock=lambda: JUST_BEFORE)  # type: ignore[arg-type]
    scheduler.start()
    await wait_until(lambda: runner.finished >= 1)
    await scheduler.stop()
    assert len(runner.calls) >= 2


async def test_stop_lets_a_run_finish_and_cancels_one_that_hangs() -> None:
    runner = CountingRunner(work=0.1)
    scheduler = DigestScheduler(runner, clock=lambda: JUST_BEFORE)  # type: ignore[arg-type]
    scheduler.start()
    await wait_until(lambda: runner.active == 1)
    await scheduler.stop()
    assert runner.finished == 1 and runner.active == 0
    hung = CountingRunner(hang=True)
    stuck = DigestScheduler(hung, clock=lambda: JUST_BEFORE, stop_grace=0.05)  # type: ignore[arg-type]
    stuck.start()
    await wait_until(lambda: hung.active == 1)
    await stuck.stop()
    assert hung.active == 0 and not stuck.running
    await stuck.stop()  # stopping twice is harmless


async def test_waits_for_the_top_of_the_minute() -> None:
    runner = CountingRunner()
    mid_minute = dt.datetime(2026, 3, 25, 8, 0, 30, tzinfo=dt.UTC)
    scheduler = DigestScheduler(runner, clock=lambda: mid_minute)  # type: ignore[arg-type]
    scheduler.start()
    await asyncio.sleep(0.05)
    assert runner.calls == []  # 30 s to go
    await scheduler.stop()
