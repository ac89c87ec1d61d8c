"""What a digest run reads from Clustermarket: one list per account, one account at a time.

The due digests are put in batches by the list they read: an account's own bookings (the
personal digests of every Slack user linked to it), or one lab's bookings as an account sees
them (its channel digests). Each batch's list is fetched once, through the owner's per-user
cache (so an App Home opened or a question asked a moment before is not asked again), and
narrowed as its pages come in to what the digests show: the person's own bookings, or the
lab's bookings on the run's dates. A batch's data is let go as soon as its digests are out,
and only a few batches run at a time, so a run's memory stays flat however many accounts it
serves (issue 12 measured 17.7 MiB per account kept to the end of the run).

Batches name the account (its Clustermarket user and the scopes of the link), never a Slack
user alone, so data is shared only between links to the same account. A failure of the
account is shared too; a link error is one link's, so another link to the same account tries
its own.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass

from bot.clustermarket.client import ClustermarketClient
from bot.clustermarket.errors import NotLinked, ReconnectRequired
from bot.clustermarket.listing import Listing
from bot.clustermarket.models import Booking, EquipmentSummary
from bot.clustermarket.paging import gather_all
from bot.clustermarket.tokens import UserKey
from bot.clustermarket.user_api import Requester, Slice, or_none
from bot.digest.compose import day_window
from bot.store import Link, Subscription

LINK_ERRORS = (NotLinked, ReconnectRequired)
ACCOUNTS_AT_ONCE = 4
"""Batches whose lists are held at the same time."""


@dataclass(frozen=True)
class Fetched:
    """What one batch's digests need: the bookings, and the equipment for its statuses."""

    bookings: Listing[Booking]
    equipment: Listing[EquipmentSummary]


Fetch = Callable[[UserKey], Awaitable[Fetched]]


@dataclass(frozen=True)
class Day:
    """A local date a digest is for, in its zone."""

    day: dt.date
    tz: dt.tzinfo


def batch_key(subscription: Subscription, link: Link) -> Hashable:
    """The list a digest reads, named by account: digests with the same key share it."""
    account = (link.cm_user_id, link.tokens.scopes)
    if subscription.kind == "personal":
        return ("bookings", account)
    return ("lab", subscription.lab_id, account)


def batch_fetch(
    client: ClustermarketClient, subscription: Subscription, link: Link, days: Iterable[Day]
) -> Fetch:
    """How to read a batch's list (any of its subscriptions tells which one)."""
    if subscription.kind == "personal":
        return own_bookings(client, Requester(link.cm_user_id, link.cm_user_name))
    assert subscription.lab_id is not None
    return lab_bookings(client, subscription.lab_id, days)


def own_bookings(client: ClustermarketClient, requester: Requester) -> Fetch:
    """The person's own bookings (whatever their date: the same list the App Home and their
    questions keep) and every instrument they see, for its status."""

    async def fetch(key: UserKey) -> Fetched:
        api = client.for_user(key)
        return await _fetched(api.bookings(only=Slice(requester)), api.equipment_list())

    return fetch


def lab_bookings(client: ClustermarketClient, lab_id: int, days: Iterable[Day]) -> Fetch:
    """The lab's bookings touching the batch's local days, and the lab's instruments."""
    windows = [day_window(day.day, day.tz) for day in days]
    only = Slice.around(
        None, min(window.start for window in windows), max(window.end for window in windows)
    )

    async def fetch(key: UserKey) -> Fetched:
        api = client.for_user(key)
        return await _fetched(
            api.bookings(provider_account=lab_id, only=only), api.equipment_list(lab_id)
        )

    return fetch


async def _fetched(
    bookings: Awaitable[Listing[Booking]], equipment: Awaitable[Listing[EquipmentSummary]]
) -> Fetched:
    """Both lists; equipment this account may not read only costs the statuses."""
    both = await gather_all(bookings, or_none(equipment))
    return Fetched(both[0], both[1] if both[1] is not None else Listing())


@dataclass
class _Entry:
    task: asyncio.Future[Fetched]
    tried: frozenset[UserKey]

    def link_failed(self) -> bool:
        task = self.task
        return task.done() and not task.cancelled() and isinstance(task.exception(), LINK_ERRORS)


class SharedFetches:
    """One fetch per batch in a run, shared by its digests, let go when the batch is done."""

    def __init__(self) -> None:
        self._entries: dict[Hashable, _Entry] = {}

    async def get(self, key: Hashable, owner: UserKey, fetch: Fetch) -> Fetched:
        while True:
            entry = self._entries.get(key)
            if entry is None or (entry.link_failed() and owner not in entry.tried):
                tried = (entry.tried if entry is not None else frozenset()) | {owner}
                entry = _Entry(asyncio.ensure_future(fetch(owner)), tried)
                self._entries[key] = entry
            try:
                return await asyncio.shield(entry.task)
            except LINK_ERRORS:
                if owner in entry.tried:
                    raise

    def release(self, key: Hashable) -> None:
        """The batch is done: its list goes (a fetch still running is stopped)."""
        entry = self._entries.pop(key, None)
        if entry is not None and not entry.task.done():
            entry.task.cancel()

    async def close(self) -> None:
        """Cancel what a cancelled run left behind."""
        pending = [entry.task for entry in self._entries.values() if not entry.task.done()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
