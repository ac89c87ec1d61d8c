"""The ten API calls as one linked user sees them; list calls return every page as a Listing.

Bookings come back with every time aware: a server that sends naive wall times has them
placed in their lab's zone here (the lab zones are read once and kept a while), so nothing
above this layer ever sees a time it could take for UTC by mistake.

Answers are kept a short while for the user (`cache.py`): bookings for seconds, the rest for
minutes. A booking list may be narrowed to one person's bookings or to a time window as its
pages come in, so a long list never sits in memory whole when only a slice is wanted.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel

from bot.clustermarket.cache import Kind
from bot.clustermarket.errors import Forbidden, NotFound
from bot.clustermarket.listing import Listing, Skipped
from bot.clustermarket.models import (
    Account,
    AccountSummary,
    Booking,
    BookingDetails,
    BookingEquipment,
    Equipment,
    EquipmentSummary,
    Group,
    GroupSummary,
    User,
)
from bot.clustermarket.paging import Page, gather_all
from bot.clustermarket.times import zone_named
from bot.clustermarket.tokens import UserKey
from bot.clustermarket.zones import LabZones, is_naive, place, unplaceable

if TYPE_CHECKING:
    from bot.clustermarket.client import ClustermarketClient

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


async def or_none(awaitable: Awaitable[T]) -> T | None:
    """The record, or None when this account may not read it: one closed lab must not sink a
    whole answer."""
    try:
        return await awaitable
    except (Forbidden, NotFound):
        return None


@dataclass(frozen=True)
class Requester:
    """A person whose own bookings are wanted: by id, or by name when a server names
    requesters without one (see `Booking.is_requested_by`)."""

    id: int | None
    name: str | None = None

    def requested(self, booking: Booking) -> bool:
        return booking.is_requested_by(self.id, self.name)


@dataclass(frozen=True)
class Slice:
    """Which bookings of a list are wanted: one person's, those touching [start, end)."""

    requester: Requester | None = None
    start: datetime | None = None
    end: datetime | None = None

    def wants(self, booking: Booking) -> bool:
        """Whether to keep it; a booking whose times are naive yet is kept until they are
        placed (only then can it be told whether it touches the window)."""
        if self.requester is not None and not self.requester.requested(booking):
            return False
        start, end = booking.start_time, booking.ends_at
        if self.start is None or self.end is None or start is None or end is None:
            return True
        if start.tzinfo is None or end.tzinfo is None:
            return True
        # Compared in UTC (wall times sharing a tzinfo compare wrongly across a DST change),
        # edges included: whoever reads the slice decides exactly what touches the window.
        return start.astimezone(UTC) <= self.end and end.astimezone(UTC) >= self.start

    @staticmethod
    def around(requester: Requester | None, start: datetime, end: datetime) -> Slice:
        """The bookings (of `requester`) touching [start, end)."""
        return Slice(requester, start.astimezone(UTC), end.astimezone(UTC))


EVERYTHING = Slice()


class UserApi:
    """The ten API calls, as one linked user; list calls return every page.

    `kept=False` always asks Clustermarket and keeps nothing (the catalogue, which is kept
    whole, reads its parts that way).
    """

    def __init__(
        self,
        client: ClustermarketClient,
        key: UserKey,
        *,
        sequential: bool = False,
        kept: bool = True,
    ):
        self._client = client
        self.key = key
        self.sequential = sequential
        self.kept = kept

    def __repr__(self) -> str:
        return f"UserApi(key={self.key!r}, sequential={self.sequential!r}, kept={self.kept!r})"

    def unkept(self) -> UserApi:
        """The same user's API, asking Clustermarket every time."""
        return UserApi(self._client, self.key, sequential=self.sequential, kept=False)

    async def keep(self, kind: Kind, what: Hashable, fetch: Callable[[], Awaitable[T]]) -> T:
        """`fetch()`, or what it gave this user a moment ago (see `cache.py`)."""
        if not self.kept:
            return await fetch()
        return await self._client.cache.get(self.key, what, fetch, kind=kind)

    async def _all(
        self, path: str, model: type[M], params: Mapping[str, str | int | None] | None = None
    ) -> Listing[M]:
        async def fetch() -> Listing[M]:
            return await self._client._get_all(
                self.key, path, model, params, sequential=self.sequential
            )

        return await self.keep("records", (path, *sorted((params or {}).items())), fetch)

    async def _one(self, path: str, model: type[M]) -> M:
        async def fetch() -> M:
            return await self._client._get_one(self.key, path, model)

        return await self.keep("records", path, fetch)

    async def me(self) -> User:
        return await self._one(self._client.user_path, User)

    async def accounts(self) -> Listing[AccountSummary]:
        return await self._all("/accounts", AccountSummary)

    async def account(self, account_id: int) -> Account:
        return await self._one(f"/accounts/{int(account_id)}", Account)

    async def bookings(
        self, provider_account: int | None = None, *, only: Slice = EVERYTHING
    ) -> Listing[Booking]:
        """Every booking the user sees (of one lab), or the slice `only` of them."""
        return await self._bookings(
            "/bookings", {"provider_account": provider_account}, lab=provider_account, only=only
        )

    async def booking(self, booking_id: int) -> BookingDetails:
        async def fetch() -> BookingDetails:
            return await self._booking(booking_id)

        return await self.keep("bookings", f"/bookings/{int(booking_id)}", fetch)

    async def _booking(self, booking_id: int) -> BookingDetails:
        path = f"/bookings/{int(booking_id)}"
        booking = await self._client._get_one(self.key, path, BookingDetails)
        if is_naive(booking):
            zones = await self.lab_zones()
            placed, _, _ = await self._place([booking], zones, lab=None, where="the booking")
            if not placed:  # its zone cannot be told: show no time rather than a wrong one
                return booking.model_copy(update={"start_time": None, "end_time": None})
        return booking

    async def equipment_list(self, account: int | None = None) -> Listing[EquipmentSummary]:
        return await self._all("/equipment", EquipmentSummary, {"account": account})

    async def equipment(self, equipment_id: int) -> Equipment:
        return await self._one(f"/equipment/{int(equipment_id)}", Equipment)

    async def equipment_bookings(
        self, equipment_id: int, *, only: Slice = EVERYTHING
    ) -> Listing[Booking]:
        return await self._bookings(
            f"/equipment/{int(equipment_id)}/bookings", None, equipment=int(equipment_id), only=only
        )

    async def groups(self, account: int | None = None) -> Listing[GroupSummary]:
        return await self._all("/groups", GroupSummary, {"account": account})

    async def group(self, group_id: int) -> Group:
        return await self._one(f"/groups/{int(group_id)}", Group)

    # -- naive times ---------------------------------------------------------------------------

    async def _bookings(
        self,
        path: str,
        params: Mapping[str, str | int | None] | None,
        *,
        lab: int | None = None,
        equipment: int | None = None,
        only: Slice,
    ) -> Listing[Booking]:
        async def fetch() -> Listing[Booking]:
            return await self._read_bookings(path, params, lab=lab, equipment=equipment, only=only)

        what = (path, *sorted((params or {}).items()), only)
        return await self.keep("bookings", what, fetch)

    async def _read_bookings(
        self,
        path: str,
        params: Mapping[str, str | int | None] | None,
        *,
        lab: int | None,
        equipment: int | None,
        only: Slice,
    ) -> Listing[Booking]:
        """A booking list with the instrument filled in from the path, naive times placed,
        narrowed to `only` page by page.

        The first page with a naive time starts reading the lab zones, alongside the other
        pages; the times are placed once every page is in.
        """
        zones: asyncio.Future[LabZones] | None = None

        async def after_page(page: Page[Booking]) -> None:
            nonlocal zones
            if equipment is not None:
                for booking in page.items:
                    if booking.equipment is None:
                        booking.equipment = BookingEquipment(id=equipment)
            if only is not EVERYTHING:
                page.items = [booking for booking in page.items if only.wants(booking)]
            if zones is None and any(is_naive(booking) for booking in page.items):
                zones = asyncio.ensure_future(self.lab_zones())

        try:
            listing = await self._client._get_all(
                self.key, path, Booking, params, sequential=self.sequential, after_page=after_page
            )
            if zones is None:
                return listing
            placed, skipped, used = await self._place(
                list(listing), await zones, lab=lab, where=path
            )
        finally:
            if zones is not None:  # not left running, nor its failure unread, if pages failed
                zones.cancel()
                await asyncio.gather(zones, return_exceptions=True)
        return Listing(
            [booking for booking in placed if only.wants(booking)],
            skipped=(*listing.skipped, *skipped),
            partial=listing.partial,
            paging=listing.paging,
            zones=sorted(used),
        )

    async def _place(
        self, bookings: list[Booking], zones: LabZones, *, lab: int | None, where: str
    ) -> tuple[list[Booking], list[Skipped], set[str]]:
        """Naive times placed in their lab's zone; for a booking whose lab is not known by
        its provider, the lab of its instrument is looked up once (Equipment Details)."""
        placed, unplaced, used = place(bookings, zones, lab_hint=lab)
        unknown = {
            booking.equipment.id
            for booking in unplaced
            if booking.equipment is not None
            and booking.equipment.id is not None
            and booking.equipment.id not in zones.equipment_labs
        }
        if unknown:
            details = await gather_all(*(or_none(self.equipment(item)) for item in unknown))
            for equipment_id, detail in zip(unknown, details, strict=True):
                zones.equipment_labs[equipment_id] = (
                    detail.lab.id if detail is not None and detail.lab is not None else None
                )
            late, unplaced, more = place(unplaced, zones, lab_hint=lab)
            used |= more
            kept = {id(booking) for booking in (*placed, *late)}
            placed = [booking for booking in bookings if id(booking) in kept]
        return placed, [unplaceable(booking, where) for booking in unplaced], used

    async def lab_zones(self) -> LabZones:
        """Each of the user's labs and its zone (read once, kept a while by the client)."""
        return await self._client.lab_zones(self.key, self._read_lab_zones)

    async def _read_lab_zones(self) -> LabZones:
        fresh = self.unkept()  # the zones are what is kept (by the client), not their parts
        accounts = await fresh.accounts()
        wanted = [
            account.id
            for account in accounts
            if account.id is not None and account.kind in (None, "lab")
        ]
        details = await gather_all(*(or_none(fresh.account(account_id)) for account_id in wanted))
        return lab_zones_of(details)

    def remember_lab_zones(self, zones: LabZones) -> None:
        """Zones the caller read anyway (the catalogue reads every lab's details)."""
        self._client.remember_zones(self.key, zones)


def lab_zones_of(details: list[Account | None]) -> LabZones:
    """The zones of the labs among `details` (an account whose zone is unknown is left out)."""
    zones = {}
    names = {}
    for detail in details:
        if detail is None or detail.id is None or detail.kind != "lab":
            continue
        zone = zone_named(detail.timezone)
        if zone is not None:
            zones[detail.id] = zone
            if detail.name and detail.name.strip():
                names[detail.name.strip()] = detail.id
    return LabZones(zones, names)
