"""`cmbot digest run-due [--now ISO-8601]`: one digest run for cron, the scheduler's own code.

Exits 0 when every due digest was attempted (failures are retried by the next run), and
non-zero only when the run could not be attempted at all: 2 for missing settings or a
database that cannot be opened (raised for `bot.cli` to report, as every command does), 1 for
a store that fails mid-run. Also runnable as `python -m bot.digest.cli [--now …]`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import sqlite3
import sys

from bot.config import Settings, load_settings
from bot.digest.runner import DigestRunner
from bot.services import Services
from bot.store import StoreError

logger = logging.getLogger(__name__)

REQUIRED = (
    "SLACK_BOT_TOKEN",
    "CLUSTERMARKET_CLIENT_ID",
    "CLUSTERMARKET_CLIENT_SECRET",
    "TOKEN_ENCRYPTION_KEY",
)


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
    """The options of `run-due`, for `bot.cli` to add to its `digest run-due` parser."""
    parser.add_argument(
        "--now",
        type=parse_now,
        default=None,
        metavar="ISO-8601",
        help="run as if it were this instant (default: now); e.g. 2026-03-25T08:00:00Z",
    )


async def _run_once(settings: Settings, now: dt.datetime) -> int:
    services = await Services.build(settings)
    try:
        report = await DigestRunner(services).run_due(now)
    except (StoreError, sqlite3.Error) as error:
        print(f"cmbot digest run-due: the run could not be attempted: {error}", file=sys.stderr)
        return 1
    finally:
        await services.aclose()
    print(report.summary(), flush=True)
    return 0


def run_due_command(now: dt.datetime | None) -> int:
    """Send the digests due at `now` (default: the current time) once; the exit status."""
    settings = load_settings()
    settings.require(*REQUIRED)
    moment = now if now is not None else dt.datetime.now(dt.UTC)
    return asyncio.run(_run_once(settings, moment))
