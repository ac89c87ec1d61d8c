"""The minute tick inside `cmbot serve`: one digest run at the top of every minute.

Runs never overlap: the next tick is planned only after a run has finished, at the next top
of the minute (a run longer than a minute skips the ticks it covered, and the next run sends
whatever became due meanwhile, since due-ness is "the send time has passed today"). Stopping
lets a run in progress finish for a while, then cancels it; a digest cut short is claimed and
recovered by a later run (see `runner`).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable

from bot.digest.plans import DigestReport
from bot.digest.runner import DigestRunner
from bot.failures import failure_line

logger = logging.getLogger(__name__)

TICK_SECONDS = 60.0
STOP_GRACE_SECONDS = 30.0


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def seconds_to_next_tick(now: dt.datetime, interval: float = TICK_SECONDS) -> float:
    """Seconds from `now` to the next multiple of `interval` (the top of the next minute)."""
    elapsed = now.timestamp() % interval
    return interval - elapsed


class DigestScheduler:
    """`start()` inside a running event loop, `await stop()` on shutdown."""

    def __init__(
        self,
        runner: DigestRunner,
        *,
        interval: float = TICK_SECONDS,
        stop_grace: float = STOP_GRACE_SECONDS,
        clock: Callable[[], dt.datetime] = _utc_now,
    ) -> None:
        self.runner = runner
        self.interval = interval
        self.stop_grace = stop_grace
        self._clock = clock
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self.last_report: DigestReport | None = None
        self.runs = 0
        self.started_at: dt.datetime | None = None
        self.last_tick_at: dt.datetime | None = None
        """When the last tick finished (a failed run too): /healthz tells a stuck loop by it."""

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Begin ticking; calling it again while running changes nothing."""
        if self.running:
            return
        self._stopping = asyncio.Event()
        self.started_at = self._clock()
        self._task = asyncio.create_task(self._loop(), name="digest-scheduler")

    async def stop(self) -> None:
        """Stop ticking: wait up to `stop_grace` seconds for a run in progress, then cancel."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping.set()
        done, _ = await asyncio.wait({task}, timeout=self.stop_grace)
        if not done:
            logger.warning("digest run still going after %.0f s; cancelling it", self.stop_grace)
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def tick(self) -> DigestReport | None:
        """One run now; a run that fails is logged and the scheduler carries on."""
        try:
            report = await self.runner.run_due(self._clock())
        except Exception as error:
            logger.error("digest run failed: %s", failure_line(error))
            return None
        self.runs += 1
        self.last_report = report
        quiet = report.due == report.already_sent + report.retry_later + report.in_progress
        logger.log(logging.DEBUG if quiet else logging.INFO, "%s", report.summary())
        return report

    async def _loop(self) -> None:
        while not self._stopping.is_set():
            delay = seconds_to_next_tick(self._clock(), self.interval)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=delay)
            if self._stopping.is_set():
                return
            await self.tick()
            self.last_tick_at = self._clock()
