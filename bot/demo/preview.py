"""`:digest`: today's personal digest as the runner would compose it, neither sent nor
recorded, so the demo can show it at any hour."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.clustermarket.errors import ClustermarketError, NotLinked, ReconnectRequired
from bot.clustermarket.tokens import UserKey
from bot.clustermarket.user_api import Requester
from bot.digest.commands import digest_summary
from bot.digest.compose import personal_digest
from bot.digest.fetching import own_bookings
from bot.render import Reply
from bot.render.digest import personal_digest_message
from bot.services import Services
from bot.slack_users import user_zone


@dataclass(frozen=True)
class Preview:
    """The digest, and whether it is on and when, in words."""

    reply: Reply
    when: str


async def digest_preview(
    services: Services, key: UserKey, command: str, first_name: str
) -> Preview | str:
    """Today's digest for `key`, or why there is none (words for the demo's note)."""
    link = await services.store.get_link(key)
    if link is None or link.status != "active":
        return (
            f"{first_name} has no working Clustermarket link, so there is no digest to preview:"
            f" {command} connect links it."
        )
    zone = await user_zone(services.slack, services.store, key) or ZoneInfo("UTC")
    today = dt.datetime.now(zone).date()
    requester = Requester(link.cm_user_id, link.cm_user_name)
    try:
        fetched = await own_bookings(services.clustermarket, requester)(key)
    except (NotLinked, ReconnectRequired):
        return f"The link no longer works: {command} connect renews it."
    except ClustermarketError:
        return "Clustermarket isn't answering just now; try :digest again."
    digest = personal_digest(
        fetched.bookings,
        link.cm_user_id,
        today,
        zone,
        cm_user_name=link.cm_user_name,
        equipment=fetched.equipment,
    )
    summary = await digest_summary(services.store, key)
    if summary.personal and summary.time is not None:
        when = f"your daily digest is on, at {summary.time:%H:%M}"
    else:
        when = f"your daily digest is off; {command} digest on 08:00 turns it on"
    return Preview(personal_digest_message(digest, command=command), when)
