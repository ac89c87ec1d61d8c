"""`cmbot digest run-due [--now ISO-8601]`: one digest run for cron, the scheduler's own code
(see `bot.scheduling.run_pass` for the exit statuses)."""

from __future__ import annotations

import datetime as dt

from bot.digest.runner import DigestRunner
from bot.scheduling import add_run_due_arguments, parse_now, run_pass

__all__ = ["add_run_due_arguments", "parse_now", "run_due_command"]


def run_due_command(now: dt.datetime | None) -> int:
    """Send the digests due at `now` (default: the current time) once; the exit status."""
    return run_pass(now, DigestRunner, "digest")
