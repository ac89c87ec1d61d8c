"""Questions about the moment: when an instrument is next free, who is on it now, and the
user's own next booking.

"Next free" searches the instrument's bookings and, as busy time too, the times of bookings
that could not be read but whose times could; one whose times are unknown could be anywhere,
so the slot found is then offered only "as far as I can read".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from bot.answers.asking import Asking, find_instrument, own_bookings, read_as
from bot.answers.free_time import NEXT_FREE_MINUTES, availability
from bot.clustermarket.listing import Listing, Skipped
from bot.clustermarket.models import Booking
from bot.clustermarket.statuses import is_active, is_available
from bot.questions.days import Timed, next_free
from bot.questions.intents import NOW, MyNextBooking, NextFree, WhoIsOn
from bot.questions.when import resolve
from bot.render import Reply
from bot.render.free import free_reply
from bot.render.gaps import Gaps, note_gaps
from bot.render.timing import my_next_booking_reply, next_free_reply
from bot.render.views import NextFreeFacts

HORIZON_DAYS = 30  # how far ahead "next free" looks


@dataclass(frozen=True)
class _Unread:
    """A booking that could not be read but whose times could: busy all the same."""

    start_time: dt.datetime | None
    end_time: dt.datetime | None
    status: str | None = None


def _held(bookings: Sequence[Booking], unread: Iterable[Skipped]) -> list[Timed]:
    """Every span that holds the instrument, as far as anything could be read."""
    return [*bookings, *(_Unread(skip.start, skip.end) for skip in unread if skip.start)]


def upcoming(bookings: Iterable[Booking], now: dt.datetime, limit: int) -> list[Booking]:
    """Active bookings not yet over (one under way included), soonest first."""
    found = [
        booking
        for booking in bookings
        if is_active(booking.status)
        and booking.start_time is not None
        and (booking.ends_at or booking.start_time) > now
    ]
    found.sort(key=lambda booking: (booking.start_time or now, booking.id or 0))
    return found[: max(limit, 0)]


async def next_free_answer(intent: NextFree, asking: Asking) -> Reply:
    """The first free slot (of the length asked, else `NEXT_FREE_MINUTES`) from the time
    asked, within `HORIZON_DAYS`."""
    found = await find_instrument(intent.equipment, asking)
    if isinstance(found, Reply):
        return found
    entry, tz = found
    now = asking.now.astimezone(tz)
    when, window = read_as(intent.when, tz, now)
    ctx = replace(asking.ctx, intent=replace(intent, when=when))
    start = max(window.start, now, key=lambda moment: moment.astimezone(dt.UTC))
    horizon = (start.astimezone(dt.UTC) + dt.timedelta(days=HORIZON_DAYS)).astimezone(tz)
    minutes = intent.minutes or NEXT_FREE_MINUTES
    status = entry.summary.availability_status
    facts = NextFreeFacts(window, start, horizon, minutes)
    if not is_available(status):
        return next_free_reply(entry, replace(facts, out_of_service=status), tz, ctx)
    bookings = await asking.api.equipment_bookings(entry.id)
    unread = bookings.skipped_of_equipment(entry.id)
    slot = next_free(_held(bookings, unread), start, min_minutes=minutes, horizon_days=HORIZON_DAYS)
    unsure = 0
    if slot is not None:
        unsure = sum(1 for skip in unread if skip.start is None or skip.end is None)
    facts = replace(facts, slot=slot, unsure=unsure)
    reply = next_free_reply(entry, facts, tz, ctx, asked_minutes=intent.minutes)
    return note_gaps(reply, Gaps(partial=bookings.partial))


async def who_is_on_answer(intent: WhoIsOn, asking: Asking) -> Reply:
    """Who holds the instrument now and until when, or how long it stays free."""
    found = await find_instrument(intent.equipment, asking)
    if isinstance(found, Reply):
        return found
    entry, tz = found
    bookings = await asking.api.equipment_bookings(entry.id)
    now = asking.now.astimezone(tz)
    facts = availability(
        bookings,
        resolve(NOW, tz, now),
        now,
        only_now=True,
        unread=bookings.skipped_of_equipment(entry.id),
        status=entry.summary.availability_status,
    )
    reply = free_reply(entry, facts, tz, asking.ctx, title="👤 Who's on {name}?")
    return note_gaps(reply, Gaps(partial=bookings.partial))


async def my_next_booking_answer(intent: MyNextBooking, asking: Asking) -> Reply:
    """The user's own next booking, in their zone, else the zone their labs share."""
    bookings: Listing[Booking] = await asking.api.bookings()
    now = asking.now
    soonest = upcoming(own_bookings(bookings, asking.link), now, 1)
    tz = await asking.shared_zone()
    reply = my_next_booking_reply(soonest[0] if soonest else None, tz, asking.ctx, now=now)
    return note_gaps(reply, Gaps(bookings.unread, "booking", partial=bookings.partial))
