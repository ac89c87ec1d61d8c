"""Everything the notifier reads from Clustermarket, one function per thing read.

Each read is the very read an answer makes (the same `UserApi` call, so the same entry of the
client's per-user cache, `bot.clustermarket.cache`): a poll right after a question costs no
request, and a question right after a poll none either. Only requests that reach
Clustermarket are counted against the notifier's budget: the caller runs these reads inside
`bot.clustermarket.budget.spending`, whose gate sits below the cache, at the transport. Each
reads with one linked person's token: what that person may read anyway, and nothing else.
"""

from __future__ import annotations

from bot.answers.answerer import own
from bot.answers.catalogue import Catalogue
from bot.answers.equipment import find_equipment
from bot.clustermarket.errors import Forbidden, NotFound
from bot.clustermarket.listing import Listing
from bot.clustermarket.models import Booking, EquipmentSummary
from bot.clustermarket.tokens import UserKey
from bot.render import EquipmentEntry, RenderContext, Reply
from bot.services import Services
from bot.store import LinkSummary

AVAILABILITY_WITHIN = 60.0
"""Seconds an equipment list kept for someone may be old and still serve a poll: answers keep
it for minutes (it changes by the week), but an instrument going into maintenance is news."""


async def own_bookings_seen(services: Services, link: LinkSummary) -> Listing[Booking]:
    """The person's own bookings, of all their account sees: a full poll (the read behind
    "my bookings" and the App Home)."""
    return await services.clustermarket.for_user(link.key).bookings(only=own(link))


async def equipment_seen(services: Services, key: UserKey) -> Listing[EquipmentSummary]:
    """The instruments of the person's labs, with their availability (one page, usually)."""
    api = services.clustermarket.for_user(key)
    return await api.equipment_list(within=AVAILABILITY_WITHIN)


async def booking_now(services: Services, key: UserKey, booking_id: int) -> Booking | None:
    """One booking as it is now (Booking Details); None when it is gone or hidden."""
    try:
        return await services.clustermarket.for_user(key).booking(booking_id)
    except (NotFound, Forbidden):
        return None


async def instrument_bookings(
    services: Services, key: UserKey, equipment_id: int
) -> Listing[Booking]:
    """Every booking of one instrument (a watched one)."""
    return await services.clustermarket.for_user(key).equipment_bookings(equipment_id)


async def catalogue(services: Services, key: UserKey) -> Catalogue:
    """The person's labs and equipment, to find an instrument by the name they typed."""
    return await services.answerer.catalogues.get(key, services.clustermarket.for_user(key))


async def find_instrument(
    services: Services, key: UserKey, name: str, ctx: RenderContext
) -> EquipmentEntry | Reply:
    """The one instrument `name` means to this person, or the reply asking which one (or
    saying there is none)."""
    api = services.clustermarket.for_user(key)
    return await find_equipment(name, await catalogue(services, key), api, ctx)
