"""The minute tick inside `cmbot serve`: one notifier pass at the top of every minute, beside
the digest scheduler (see `bot.scheduling`)."""

from __future__ import annotations

from bot.notify.runner import NotifyReport
from bot.scheduling import MinuteScheduler


class NotifyScheduler(MinuteScheduler[NotifyReport]):
    name = "notify"
