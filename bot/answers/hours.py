"""How many hours: an instrument booked in a window, and the user's own bookings in a whole
week or month. Pure sums over bookings (`booked_time`, `own_time`) and the two answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace

from bot.answers.asking import Asking, find_instrument, own_bookings, read_as
from bot.clustermarket.listing import Skipped
from bot.clustermarket.models import Booking
from bot.questions.days import Timed, free_slots, in_window
from bot.questions.intents import BookedHours, MyHours
from bot.questions.when import Window
from bot.render import Reply
from bot.render.gaps import Gaps, note_gaps
from bot.render.hours import booked_hours_reply, my_hours_reply
from bot.render.text import is_maintenance, one_line
from bot.render.views import BookedTime, InstrumentHours


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def _minutes(start: dt.datetime, end: dt.datetime) -> int:
    return max(int((_utc(end) - _utc(start)).total_seconds() // 60), 0)


def _held_minutes(bookings: Sequence[Timed], window: Window) -> int:
    """Minutes of the window held by active bookings, overlaps counted once: the window less
    its gaps."""
    gaps = free_slots(bookings, window, min_minutes=0)
    return _minutes(window.start, window.end) - sum(slot.minutes for slot in gaps)


def _clipped(booking: Booking, start: dt.datetime, end: dt.datetime) -> int:
    """Minutes of one booking inside [start, end)."""
    if booking.start_time is None or booking.end_time is None:
        return 0
    first = max(_utc(booking.start_time), _utc(start))
    last = min(_utc(booking.end_time), _utc(end))
    return _minutes(first, last) if last > first else 0


def _unread_in(unread: Iterable[Skipped], window: Window) -> int:
    return sum(1 for skip in unread if skip.might_cover(window.start, window.end))


def booked_time(
    bookings: Sequence[Booking], window: Window, unread: Iterable[Skipped] = ()
) -> BookedTime:
    """How long one instrument is held in the window, and how much of that is maintenance."""
    chosen = in_window(bookings, window)
    upkeep = [booking for booking in chosen if is_maintenance(booking.category)]
    return BookedTime(
        window,
        minutes=_held_minutes(chosen, window),
        bookings=len(chosen),
        maintenance=_held_minutes(upkeep, window) if upkeep else 0,
        unread=_unread_in(unread, window),
    )


def own_time(
    bookings: Sequence[Booking], window: Window, now: dt.datetime, unread: Iterable[Skipped] = ()
) -> BookedTime:
    """How long someone's bookings in the window add up to, what is still ahead, and by
    instrument, largest first."""
    chosen = in_window(bookings, window)
    later = max(_utc(window.start), _utc(now))
    totals: dict[str, list[int]] = {}
    for booking in chosen:
        equipment = booking.equipment
        name = (equipment.name if equipment and equipment.name else None) or "Equipment"
        entry = totals.setdefault(one_line(name), [0, 0])
        entry[0] += _clipped(booking, window.start, window.end)
        entry[1] += 1
    by_instrument = sorted(
        (InstrumentHours(name, minutes, count) for name, (minutes, count) in totals.items()),
        key=lambda item: (-item.minutes, item.name),
    )
    return BookedTime(
        window,
        minutes=sum(item.minutes for item in by_instrument),
        bookings=len(chosen),
        ahead=sum(_clipped(booking, later, window.end) for booking in chosen),
        unread=_unread_in(unread, window),
        by_instrument=tuple(by_instrument),
    )


async def booked_hours_answer(intent: BookedHours, asking: Asking) -> Reply:
    """How long the instrument is booked in the window (a whole week or month, when asked)."""
    found = await find_instrument(intent.equipment, asking)
    if isinstance(found, Reply):
        return found
    entry, tz = found
    when, window = read_as(intent.when, tz, asking.now, whole=True)
    ctx = replace(asking.ctx, intent=replace(intent, when=when))
    bookings = await asking.api.equipment_bookings(entry.id)
    booked = booked_time(bookings, window, bookings.skipped_of_equipment(entry.id))
    return note_gaps(booked_hours_reply(entry, booked, tz, ctx), Gaps(partial=bookings.partial))


async def my_hours_answer(intent: MyHours, asking: Asking) -> Reply:
    """How long the user booked in the whole week or month asked about, in their zone."""
    bookings = await asking.api.bookings()
    tz = await asking.shared_zone()
    when, window = read_as(intent.when, tz, asking.now, whole=True)
    ctx = replace(asking.ctx, intent=replace(intent, when=when))
    mine = own_bookings(bookings, asking.link)
    booked = own_time(mine, window, asking.now, bookings.skipped)
    return note_gaps(my_hours_reply(booked, tz, ctx), Gaps(partial=bookings.partial))
