"""The background passes (digests, notifications): a minute tick inside `cmbot serve`, or
one pass from cron (`cmbot digest run-due`, `cmbot notify run-due`).

Runs never overlap: the next tick is planned only after a run has finished, at the next top
of the minute (a run longer than a minute skips the ticks it covered; the next run does
whatever became due meanwhile). Stopping lets a run in progress finish for a while, then
cancels it; what was cut short is claimed and recovered by a later run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import logging
import sqlite3
import sys
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from bot.config import Settings, load_settings
from bot.failures import failure_line
from bot.services import Services
from bot.store import StoreError

logger = logging.getLogger(__name__)

TICK_SECONDS = 60.0
STOP_GRACE_SECONDS = 30.0
REQUIRED = (
    "CLUSTERMARKET_CLIENT_ID",
    "CLUSTERMARKET_CLIENT_SECRET",
    "TOKEN_ENCRYPTION_KEY",
)


class Report(Protocol):
    @property
    def quiet(self) -> bool:
        """Nothing happened worth a line at INFO."""

    def summary(self) -> str: ...


R = TypeVar("R", bound=Report, covariant=True)


class Runner(Protocol[R]):
    async def run_due(self, now: dt.datetime) -> R: ...


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def seconds_to_next_tick(now: dt.datetime, interval: float = TICK_SECONDS) -> float:
    """Seconds from `now` to the next multiple of `interval` (the top of the next minute)."""
    elapsed = now.timestamp() % interval
    return interval - elapsed


ReportT = TypeVar("ReportT", bound=Report)


class MinuteScheduler(Generic[ReportT]):
    """`start()` inside a running event loop, `await stop()` on shutdown."""

    name = "scheduled"

    def __init__(
        self,
        runner: Runner[ReportT],
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
        self.last_report: ReportT | None = None
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
        self._task = asyncio.create_task(self._loop(), name=f"{self.name}-scheduler")

    async def stop(self) -> None:
        """Stop ticking: wait up to `stop_grace` seconds for a run in progress, then cancel."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping.set()
        done, _ = await asyncio.wait({task}, timeout=self.stop_grace)
        if not done:
            logger.warning(
                "%s run still going after %.0f s; cancelling it", self.name, self.stop_grace
            )
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def tick(self) -> ReportT | None:
        """One run now; a run that fails is logged and the scheduler carries on."""
        try:
            report = await self.runner.run_due(self._clock())
        except Exception as error:
            logger.error("%s run failed: %s", self.name, failure_line(error))
            return None
        self.runs += 1
        self.last_report = report
        logger.log(logging.DEBUG if report.quiet else logging.INFO, "%s", report.summary())
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


# -- one pass from cron ----------------------------------------------------------------------


def parse_now(text: str) -> dt.datetime:
    """`--now`: an ISO-8601 instant; without an offset it is UTC."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO-8601 time; use e.g. 2026-03-25T08:00:00Z"
        ) from None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def add_run_due_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of a `run-due` command."""
    parser.add_argument(
        "--now",
        type=parse_now,
        default=None,
        metavar="ISO-8601",
        help="run as if it were this instant (default: now); e.g. 2026-03-25T08:00:00Z",
    )


async def _run_once(
    settings: Settings,
    now: dt.datetime,
    runner_for: Callable[[Services], Runner[Report]],
    what: str,
) -> int:
    services = await Services.build(settings)
    try:
        report = await runner_for(services).run_due(now)
    except (StoreError, sqlite3.Error) as error:
        print(f"cmbot {what} run-due: the run could not be attempted: {error}", file=sys.stderr)
        return 1
    finally:
        await services.aclose()
    print(report.summary(), flush=True)
    return 0


def run_pass(
    now: dt.datetime | None, runner_for: Callable[[Services], Runner[Report]], what: str
) -> int:
    """One pass at `now` (default: the current time); the exit status.

    0 when everything due was attempted (failures are retried by the next run); non-zero
    only when the run could not be attempted at all: 2 for missing settings or a database
    that cannot be opened (raised for `bot.cli` to report, as every command does), 1 for a
    store that fails mid-run.
    """
    settings = load_settings()
    settings.require_slack()
    settings.require(*REQUIRED)
    moment = now if now is not None else dt.datetime.now(dt.UTC)
    return asyncio.run(_run_once(settings, moment, runner_for, what))
