"""`cmbot notify run-due [--now ISO-8601]`: one notifier pass for cron, the scheduler's own
code (see `bot.scheduling.run_pass` for the exit statuses)."""

from __future__ import annotations

import datetime as dt

from bot.notify.runner import NotifyRunner
from bot.scheduling import run_pass


def run_due_command(now: dt.datetime | None) -> int:
    """Poll, plan and send what is due at `now` (default: the current time); exit status."""
    return run_pass(now, NotifyRunner, "notify")
