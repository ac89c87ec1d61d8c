"""When to remind and when to poll next: pure functions of what the last poll saw and the time.

Reminders: one a set number of minutes before each active booking starts (and, if asked, one
ten minutes before it ends), due from that moment until the booking starts (ends): a
reminder late because the service was down still helps, one after the start does not.

Polling adapts, to be frugal with a service we do not own. A full poll (every booking the
account sees, page by page) finds new bookings and changes anywhere ahead: hourly by day,
every three hours at night or when nothing is booked in the next week. A quick poll (one
Booking Details per own booking starting within a day, plus the one-page equipment list)
catches what matters soon: every five minutes when a booking starts within two hours, every
twenty by day otherwise, hourly at night, and not at all with nothing booked within a day.
Night is 22:00–06:00 for every one of the account's people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.notify.snapshot import SeenBooking, Snapshot

END_NUDGE = dt.timedelta(minutes=10)
FULL_DAY, FULL_NIGHT = dt.timedelta(hours=1), dt.timedelta(hours=3)
QUICK_SOON, QUICK_DAY, QUICK_NIGHT = (
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=20),
    dt.timedelta(hours=1),
)
SOON = dt.timedelta(hours=2)
QUICK_AHEAD = dt.timedelta(days=1)
QUIET_AHEAD = dt.timedelta(days=7)
NIGHT_STARTS, NIGHT_ENDS = 22, 6

ReminderKind = Literal["remind_start", "remind_end"]


@dataclass(frozen=True)
class DueReminder:
    """A reminder whose moment has come: of which booking, and which one."""

    kind: ReminderKind
    booking: SeenBooking
    due_at: dt.datetime
    moment: dt.datetime
    """The start (or end) it reminds of: the reminder expires then."""

    def key(self) -> str:
        return f"{self.kind}:{self.booking.id}:{self.moment.isoformat()}"


def due_reminders(
    snapshot: Snapshot, now: dt.datetime, minutes: int | None, *, end_nudge: bool = False
) -> list[DueReminder]:
    """The reminders due at `now` for the account's bookings: none when reminders are off."""
    if minutes is None:
        return []
    lead = dt.timedelta(minutes=minutes)
    due: list[DueReminder] = []
    for booking in snapshot.upcoming(now):
        if booking.start > now and booking.start - lead <= now:
            due.append(DueReminder("remind_start", booking, booking.start - lead, booking.start))
        end = booking.end
        # a booking of ten minutes or less needs no nudge before its end
        nudge = end_nudge and end is not None and end - booking.start > END_NUDGE
        if nudge and end is not None and end > now and end - END_NUDGE <= now:
            due.append(DueReminder("remind_end", booking, end - END_NUDGE, end))
    return due


def is_night(now: dt.datetime, zones: Sequence[dt.tzinfo]) -> bool:
    """Night for everyone: 22:00 to 06:00 in each zone (UTC when none is known)."""
    return all(
        not NIGHT_ENDS <= now.astimezone(zone).hour < NIGHT_STARTS for zone in zones or [dt.UTC]
    )


@dataclass(frozen=True)
class NextPolls:
    full_at: dt.datetime
    quick_at: dt.datetime | None


def next_polls(snapshot: Snapshot, now: dt.datetime, zones: Sequence[dt.tzinfo]) -> NextPolls:
    """When to poll the account again, fully and quickly, from what it has booked."""
    night = is_night(now, zones)
    upcoming = [booking for booking in snapshot.upcoming(now) if booking.start > now]
    soonest = upcoming[0].start if upcoming else None
    quiet = soonest is None or soonest - now > QUIET_AHEAD
    full_at = now + (FULL_NIGHT if night or quiet else FULL_DAY)
    if soonest is None or soonest - now > QUICK_AHEAD:
        return NextPolls(full_at, None)
    quick = QUICK_SOON if soonest - now <= SOON else (QUICK_NIGHT if night else QUICK_DAY)
    return NextPolls(full_at, min(now + quick, full_at))


def quick_targets(snapshot: Snapshot, now: dt.datetime) -> list[SeenBooking]:
    """The bookings a quick poll reads one by one: active ones starting within a day, or
    under way."""
    return [booking for booking in snapshot.upcoming(now) if booking.start - now <= QUICK_AHEAD]
