"""Pasted Clustermarket links unfurled: the instrument's name, room, availability and today's
free slots under the link, read with the token of the person who pasted it.

Slack sends `link_shared` for links on the app's unfurl domain (`CLUSTERMARKET_WEB_URL`'s
host). Only links the path templates read as an instrument's or a booking's page unfurl; one
the person cannot see, or that Clustermarket will not give now, stays a plain link. Someone
not linked gets no unfurl and, the first time only, a note just for them offering to
connect (with no channel to write in, from the composer, nothing at all).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from bot.answers.free_time import availability
from bot.clustermarket.errors import ClustermarketError
from bot.clustermarket.tokens import UserKey
from bot.digest.compose import day_window
from bot.digest.schedule import zone_of
from bot.digest.slack_io import SlackFailure, describe
from bot.notify import reading
from bot.notify.sending import slack_for
from bot.render import Availability, EquipmentEntry
from bot.render.connect import connect_prompt
from bot.render.unfurls import booking_unfurl, instrument_unfurl
from bot.render.weblinks import WebLinks
from bot.services import Services

logger = logging.getLogger(__name__)

MAX_LINKS = 5
Block = dict[str, Any]


def pasted_links(event: Mapping[str, Any], links: WebLinks) -> list[tuple[str, str, int]]:
    """The event's links that are one of our pages: (url, kind, id), at most five."""
    found: list[tuple[str, str, int]] = []
    for item in event.get("links") or []:
        url = item.get("url") if isinstance(item, Mapping) else None
        page = links.parse(url) if isinstance(url, str) else None
        if url is not None and page is not None and url not in {f[0] for f in found}:
            found.append((str(url), page[0], page[1]))
    return found[:MAX_LINKS]


async def unfurl_links(services: Services, event: Mapping[str, Any], key: UserKey) -> None:
    """Answer one `link_shared` event pasted by `key`; never raises for what Slack or
    Clustermarket do."""
    links = services.web_links
    if links is None:
        return
    pasted = pasted_links(event, links)
    if not pasted:
        return
    link = await services.store.get_link(key)
    if link is None or link.status != "active":
        await _offer_connect(services, key, event)
        return
    now = dt.datetime.now(dt.UTC)
    unfurls: dict[str, dict[str, Any]] = {}
    for url, kind, record_id in pasted:
        try:
            blocks = await _blocks(services, key, kind, record_id, now)
        except ClustermarketError as error:
            logger.info("no unfurl for a %s link: %s", kind, type(error).__name__)
            continue
        if blocks:
            unfurls[url] = {"blocks": blocks}
    if unfurls:
        await _send(services, key, event, unfurls)


async def _entry(
    services: Services, key: UserKey, equipment_id: int | None
) -> EquipmentEntry | None:
    if equipment_id is None:
        return None
    return (await reading.catalogue(services, key)).equipment_by_id(equipment_id)


async def _blocks(
    services: Services, key: UserKey, kind: str, record_id: int, now: dt.datetime
) -> list[Block] | None:
    links = services.web_links
    if kind == "booking":
        booking = await reading.booking_now(services, key, record_id)
        if booking is None:
            return None
        entry = await _entry(services, key, booking.equipment.id if booking.equipment else None)
        tz = zone_of(entry.lab.timezone if entry and entry.lab else None)
        facts = await _today(services, key, entry, tz, now) if entry is not None else None
        return booking_unfurl(
            booking, entry, facts, tz, now=now, links=links, pasted_by=key.user_id
        )
    entry = await _entry(services, key, record_id)
    if entry is None:
        return None  # not an instrument this person can see
    tz = zone_of(entry.lab.timezone if entry.lab else None)
    facts = await _today(services, key, entry, tz, now)
    return instrument_unfurl(entry, facts, tz, links=links, pasted_by=key.user_id)


async def _today(
    services: Services, key: UserKey, entry: EquipmentEntry, tz: dt.tzinfo, now: dt.datetime
) -> Availability:
    bookings = await reading.instrument_bookings(services, key, entry.id)
    return availability(
        bookings,
        day_window(now.astimezone(tz).date(), tz),
        now.astimezone(tz),
        unread=bookings.skipped_of_equipment(entry.id),
        status=entry.summary.availability_status,
    )


async def _send(
    services: Services, key: UserKey, event: Mapping[str, Any], unfurls: dict[str, Any]
) -> None:
    where: dict[str, Any] = {"channel": event.get("channel"), "ts": event.get("message_ts")}
    if event.get("unfurl_id") and event.get("source") == "composer":
        where = {"unfurl_id": event.get("unfurl_id"), "source": event.get("source")}
    try:
        slack = await slack_for(services, key)
        await slack.chat_unfurl(unfurls=unfurls, **where)
    except SlackFailure as error:
        logger.warning("chat.unfurl failed: %s", describe(error))


async def _offer_connect(services: Services, key: UserKey, event: Mapping[str, Any]) -> None:
    channel = event.get("channel")
    if not isinstance(channel, str) or channel == "COMPOSER":
        return  # nowhere to say it only to them
    if not await services.store.first_unfurl_offer(key):
        return
    prompt = connect_prompt(
        services.tickets.url(key), reason="unfurl", command=services.settings.SLACK_COMMAND
    )
    try:
        slack = await slack_for(services, key)
        await slack.chat_postEphemeral(
            channel=channel, user=key.user_id, text=prompt.text, blocks=prompt.blocks
        )
    except SlackFailure as error:
        logger.info("could not offer %s to connect: %s", key.user_id, describe(error))
