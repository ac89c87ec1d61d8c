"""The free time of one instrument in a window, as seen at a moment: pure, for `free`.

Nothing is free on an instrument that is not available, and nothing is free for certain
while a booking that could not be read might cover the time: those are counted, so the reply
can say so instead of promising.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.clustermarket.listing import Skipped
from bot.clustermarket.models import Booking
from bot.clustermarket.statuses import is_active, is_available
from bot.questions.days import busy_at, free_slots, in_window, next_free
from bot.questions.when import Window
from bot.render import Availability, NowState

FREE_SLOT_MINUTES = 15  # shorter gaps are not worth offering
NEXT_FREE_MINUTES = 30  # "next free" looks for a slot at least this long


def aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def availability(
    bookings: Sequence[Booking],
    window: Window,
    now: dt.datetime,
    *,
    only_now: bool = False,
    unread: Sequence[Skipped] = (),
    status: str | None = None,
) -> Availability:
    """The free time of one instrument in `window` as seen at `now`.

    When the window includes now: what holds it now and until when, or how long it stays
    free; the free slots are those of the rest of the window (for today, now to midnight).
    With no free slot the window is fully booked and `next_free` looks beyond it. `status` is
    the instrument's availability (anything but available: nothing is free); `unread` the
    bookings of it that could not be read.
    """
    if not is_available(status):
        return Availability(window, out_of_service=status)
    now = aware(now)
    utc_now = now.astimezone(dt.UTC)
    includes_now = only_now or (
        window.start.astimezone(dt.UTC) <= utc_now < window.end.astimezone(dt.UTC)
    )
    state: NowState | None = None
    if includes_now:
        current = busy_at(bookings, now)
        if current is not None:
            freed = next_free(bookings, now, min_minutes=FREE_SLOT_MINUTES)
            state = NowState(now, current, free_from=freed.start if freed else None)
        else:
            starts = [
                booking.start_time
                for booking in bookings
                if is_active(booking.status)
                and booking.start_time is not None
                and booking.start_time.astimezone(dt.UTC) > utc_now
            ]
            state = NowState(now, None, free_until=min(starts) if starts else None)
    unsure_now = sum(1 for skip in unread if skip.might_cover(now, now + dt.timedelta(minutes=1)))
    if only_now:
        booked = 1 if state and state.current else 0
        return Availability(window, state, booked=booked, unsure_now=unsure_now)
    if window.end.astimezone(dt.UTC) <= utc_now:
        return Availability(window, None, passed=True)
    start = max(window.start, now, key=lambda moment: moment.astimezone(dt.UTC))
    rest = Window(start.astimezone(window.start.tzinfo or dt.UTC), window.end, window.label)
    booked = len(in_window(bookings, rest))
    slots = free_slots(bookings, rest, min_minutes=FREE_SLOT_MINUTES)
    following = None
    if not slots:
        following = next_free(bookings, rest.start, min_minutes=NEXT_FREE_MINUTES)
    unsure = sum(1 for skip in unread if skip.might_cover(rest.start, rest.end))
    return Availability(
        window, state, tuple(slots), following, booked, unsure_now=unsure_now, unsure=unsure
    )
