"""The minute tick inside `cmbot serve`: one digest run at the top of every minute (see
`bot.scheduling`). Due-ness is "the send time has passed today", so a run that skipped a
tick still sends what became due."""

from __future__ import annotations

from bot.digest.plans import DigestReport
from bot.scheduling import MinuteScheduler, seconds_to_next_tick

__all__ = ["DigestScheduler", "seconds_to_next_tick"]


class DigestScheduler(MinuteScheduler[DigestReport]):
    name = "digest"
