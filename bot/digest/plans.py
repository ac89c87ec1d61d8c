"""What a digest run works through: the digests due (plans), the lists they read (batches),
what a delivery row says to do with one, and the run's report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from bot.digest.fetching import Day
from bot.digest.schedule import due_date, parse_send_time, zone_of
from bot.store import Delivery, Subscription

MAX_RETRY_DELAY = dt.timedelta(minutes=30)


def retry_delay(attempts: int) -> dt.timedelta:
    """How long a failed digest waits before the next try: 1, 2, 4 … minutes, at most 30."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_RETRY_DELAY)


@dataclass
class DigestReport:
    """What one run did; `due` digests end up in exactly one of the other counts."""

    due: int = 0
    sent: int = 0
    skipped_empty: int = 0
    already_sent: int = 0
    recovered_from_slack: int = 0
    failed: int = 0
    turned_off: int = 0
    """Turned off, paused or moved between being found due and being posted."""
    paused: int = 0
    in_progress: int = 0
    retry_later: int = 0
    not_due: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the log or the terminal."""
        return (
            f"digests due {self.due}: sent {self.sent}, skipped empty {self.skipped_empty},"
            f" already sent {self.already_sent}, recovered from Slack"
            f" {self.recovered_from_slack}, failed {self.failed}, turned off meanwhile"
            f" {self.turned_off}, paused {self.paused},"
            f" in progress elsewhere {self.in_progress}, retry later {self.retry_later}"
            f" ({self.seconds:.1f} s)"
        )


@dataclass(frozen=True)
class Plan:
    """A digest due now: its subscription, and the local date and zone it is for."""

    subscription: Subscription
    day: dt.date
    tz: dt.tzinfo


@dataclass
class Batch:
    """Digests that read the same list (see `fetching`), and the local days they are for."""

    key: Hashable
    plans: list[Plan] = field(default_factory=list)

    @property
    def days(self) -> list[Day]:
        return [Day(plan.day, plan.tz) for plan in self.plans]


def plan_for(subscription: Subscription, now: dt.datetime) -> Plan | None:
    """The digest due at `now` for this subscription, if one is."""
    tz = zone_of(subscription.timezone)
    day = due_date(
        now,
        parse_send_time(subscription.send_time),
        tz,
        skip_weekends=subscription.skip_weekends,
        starts=subscription.first_day,
    )
    return None if day is None else Plan(subscription, day, tz)


def still_due(plan: Plan, now: dt.datetime) -> Callable[[Subscription], bool]:
    """Whether the digest as stored now is still active and due for the plan's day: the
    store asks it inside the claim and again before posting."""

    def check(current: Subscription) -> bool:
        again = plan_for(current, now) if current.status == "active" else None
        return again is not None and again.day == plan.day

    return check


def verdict(row: Delivery | None, now: dt.datetime, stale_after: dt.timedelta) -> str:
    """What to do with a due digest, by its delivery row: "attempt", "sent", "in_progress"
    (claimed elsewhere, not stale yet) or "retry_later" (failed, backing off)."""
    if row is None:
        return "attempt"
    if row.status == "sent":
        return "sent"
    claimed_at = row.claimed_at or dt.datetime.min.replace(tzinfo=dt.UTC)
    if row.status == "claimed" and claimed_at > now - stale_after:
        return "in_progress"
    if row.status == "failed" and claimed_at + retry_delay(row.attempts) > now:
        return "retry_later"
    return "attempt"
