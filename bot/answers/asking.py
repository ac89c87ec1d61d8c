"""What every newer answer stands on: who asks (their API, link, zone, clock), the catalogue
when it is needed, the one instrument a name means, and many instruments' bookings at once.

The newer kinds of question (`bot.answers.newer`) are answered by functions of an `Asking`,
so each module holds one kind and none needs the `Answerer` itself.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.answers.catalogue import Catalogue
from bot.answers.equipment import find_equipment
from bot.clustermarket.listing import Listing
from bot.clustermarket.models import Booking
from bot.clustermarket.paging import gather_all
from bot.clustermarket.times import zone_named
from bot.clustermarket.user_api import UserApi, or_none
from bot.questions.understood import understood
from bot.questions.when import When, Window, resolve
from bot.render import EquipmentEntry, RenderContext, Reply
from bot.render.views import LabInfo
from bot.store import Link

AT_ONCE = 8
"""Requests in flight at once for a question about many instruments or groups, each list
read a page at a time (`Asking.many`): no more than the client sends for one long list."""

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Asking:
    """One question being answered: the asker's API and link, their Slack zone (None when
    their profile has none), how the answer is shown, and their catalogue on demand. `many`
    is the same API reading each list a page at a time, for questions that read many lists
    at once (`each_at_most` bounds how many)."""

    api: UserApi
    link: Link
    tz: ZoneInfo | None
    ctx: RenderContext
    catalogue: Callable[[], Awaitable[Catalogue]]
    many: UserApi

    @property
    def now(self) -> dt.datetime:
        return self.ctx.now or dt.datetime.now(dt.UTC)

    def zone_of(self, lab: LabInfo | None) -> dt.tzinfo:
        """Where an instrument's days are: the asker's zone, else its lab's, else UTC."""
        return self.tz or zone_named(lab.timezone if lab else None) or dt.UTC

    async def shared_zone(self) -> dt.tzinfo:
        """Where days are for a question about several labs or the asker's own bookings: the
        asker's zone, else the one every lab shares, else UTC."""
        if self.tz is not None:
            return self.tz
        return zone_named((await self.catalogue()).common_zone()) or dt.UTC


async def find_instrument(name: str, asking: Asking) -> tuple[EquipmentEntry, dt.tzinfo] | Reply:
    """The instrument `name` means and the zone of its days, or the reply asking which one
    (or saying there is none)."""
    found = await find_equipment(name, await asking.catalogue(), asking.api, asking.ctx)
    if isinstance(found, Reply):
        return found
    return found, asking.zone_of(found.lab)


async def each_at_most(fetch: Callable[[T], Awaitable[R]], items: Sequence[T]) -> list[R]:
    """`fetch` of each item, in order, `AT_ONCE` at a time. The first failure fails them all
    (and stops the rest): a Clustermarket that is down is said once, not thirty times."""
    slots = asyncio.Semaphore(AT_ONCE)

    async def one(item: T) -> R:
        async with slots:
            return await fetch(item)

    return await gather_all(*(one(item) for item in items))


async def bookings_of_each(
    api: UserApi, entries: Sequence[EquipmentEntry]
) -> list[Listing[Booking] | None]:
    """Each instrument's bookings, in order; None for one the user may not read."""
    return await each_at_most(lambda entry: or_none(api.equipment_bookings(entry.id)), entries)


def own_bookings(bookings: Iterable[Booking], link: Link) -> list[Booking]:
    """The bookings the linked user made themselves."""
    return [
        booking
        for booking in bookings
        if booking.is_requested_by(link.cm_user_id, link.cm_user_name)
    ]


_INFERRED_DAYS = frozenset(
    {"soonest", "month_day", "weekday", "next_weekday", "last_weekday", "in_days", "later"}
)


def read_as(
    when: When, tz: dt.tzinfo, now: dt.datetime, *, whole: bool = False
) -> tuple[When, Window]:
    """What `when` was taken to mean: itself settled (a time said without its day, "at 3",
    on the day chosen, so every phrase of the answer names it) and its window, labelled
    with `understood` wherever the meaning took inferring ("Tomorrow 15:00–16:00"), so a
    misreading shows at once. `whole` as for `resolve`."""
    window = resolve(when, tz, now, whole=whole)
    settled = when
    if when.day == "soonest":
        today = resolve(replace(when, day="today"), tz, now)
        settled = replace(when, day="today" if window.start == today.start else "tomorrow")
    if when.day in _INFERRED_DAYS or when.at is not None or when.part is not None:
        window = replace(window, label=understood(when, tz, now))
    return settled, window
