"""The App Home tab: built from the store and Clustermarket, published to Slack.

The link status and digest settings are known at once; the next bookings need Clustermarket.
When it is slow, the tab first shows everything else with "still working…" where the
bookings go, then the bookings when they come (or a line saying Clustermarket did not answer,
never a misleading "nothing booked").
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import weakref
from typing import Any

from bot.clustermarket.errors import ClustermarketError
from bot.clustermarket.listing import Listing
from bot.clustermarket.models import Booking
from bot.clustermarket.tokens import UserKey
from bot.digest.commands import digest_summary
from bot.notify.commands import notify_summary
from bot.patience import with_note
from bot.render import home_view
from bot.render.home import BookingsState
from bot.services import Services
from bot.slack_posts import SlackFailure, publish_view, slack_error
from bot.slack_users import user_zone

logger = logging.getLogger(__name__)

Found = tuple[Listing[Booking], dict[int, str]]
"""The next bookings, and the status of each of their instruments that is out of service."""


class HomeTab:
    def __init__(
        self, services: Services, *, command: str, slow_note_after: float, late_limit: float
    ) -> None:
        self.services = services
        self.command = command
        self.slow_note_after = slow_note_after
        self.late_limit = late_limit
        self._locks: weakref.WeakValueDictionary[UserKey, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    async def publish(self, key: UserKey) -> None:
        """Build the user's Home tab and publish it.

        One at a time per user, so a slow refresh that started before a change (a disconnect,
        a digest toggle) cannot land after it and show the old state.
        """
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            await self._publish(key)

    async def _publish(self, key: UserKey) -> None:
        services = self.services
        try:
            slack = await services.slack.for_key(key)
        except SlackFailure as failure:  # the workspace uninstalled cmbot meanwhile
            logger.warning("no Home tab for %s: %s", key.user_id, slack_error(failure))
            return
        link = await services.store.get_link(key)
        zone = await user_zone(services.slack, services.store, key)
        digest = await digest_summary(services.store, key)
        notify = await notify_summary(services.store, key)
        active = link is not None and link.status == "active"
        now = dt.datetime.now(dt.UTC)

        def view(found: Found, state: BookingsState) -> dict[str, Any]:
            upcoming, held = found
            return home_view(
                linked_as=link.cm_user_name if link is not None else None,
                broken=link is not None and not active,
                connect_url=None if active else services.tickets.url(key),
                next_bookings=upcoming,
                unread=upcoming.unread,
                tz_name=zone.key if zone is not None else "UTC",
                now=now,
                digest=digest,
                notify=notify,
                command=self.command,
                bookings_state=state,
                out_of_service=held,
                links=services.web_links,
            )

        async def note() -> None:
            await publish_view(slack, key.user_id, view((Listing(), {}), "slow"))

        found: Found = (Listing(), {})
        state: BookingsState = "shown"
        if active:
            try:
                async with asyncio.timeout(self.late_limit):
                    found = await with_note(
                        self._next_bookings(key, now), note_after=self.slow_note_after, note=note
                    )
            except (ClustermarketError, TimeoutError) as failure:
                logger.warning("next bookings for the Home tab: %s", type(failure).__name__)
                state = "unavailable"
        await publish_view(slack, key.user_id, view(found, state))

    async def _next_bookings(self, key: UserKey, now: dt.datetime) -> Found:
        """The next bookings, and which of their instruments are out of service."""
        answerer = self.services.answerer
        upcoming = await answerer.next_bookings(key, now)
        return upcoming, await answerer.out_of_service(key) if upcoming else {}
