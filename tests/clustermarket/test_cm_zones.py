"""Naive booking times are placed in their lab's zone, never silently in UTC: by the
booking's provider lab, the lab a list was asked for, its instrument's lab, or the one zone
all the user's labs share; a booking whose zone cannot be told is skipped and counted."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
from quirky import quirky_client

from bot.clustermarket.oauth import OAuthClient
from bot.clustermarket.tokens import TokenSet, UserKey
from bot.store import Store

KEY = UserKey("T1", "U1")
LONDON, TOKYO = ZoneInfo("Europe/London"), ZoneInfo("Asia/Tokyo")
ACCOUNTS = {1: ("Genomics", "Europe/London"), 2: ("Imaging", "Tokyo")}  # Rails' name for Tokyo


def _booking(number: int, **fields: object) -> dict[str, object]:
    return {
        "id": number,
        "starts_at": "2026-03-25 09:00:00",
        "ends_at": "2026-03-25 10:00:00",
    } | fields


BOOKINGS = [
    _booking(1, provider_account_id=1),
    _booking(2, provider_account={"name": "Imaging"}),  # by name only
    _booking(3, equipment_id=20),  # its instrument is in Imaging
    _booking(4, equipment_id=99),  # an instrument this user cannot read: its zone is unknown
    _booking(5, starts_at="2026-03-25T09:00:00Z", ends_at="2026-03-25T10:00:00Z"),
]


def handler(request: httpx.Request) -> httpx.Response:
    path = request.url.path.removeprefix("/v1")
    if path == "/accounts":
        body: object = [{"id": n, "name": name, "type": "Lab"} for n, (name, _) in ACCOUNTS.items()]
    elif path.startswith("/accounts/"):
        number = int(path.rsplit("/", 1)[1])
        name, zone = ACCOUNTS[number]
        body = {"id": number, "name": name, "type": "Lab", "time_zone": zone}
    elif path == "/equipment/20":
        body = {"id": 20, "lab_id": 2}
    elif path == "/equipment/99":
        return httpx.Response(403, json={"error": "forbidden"})
    elif path == "/bookings":
        body = BOOKINGS if request.url.params.get("page", "1") == "1" else []
    else:
        return httpx.Response(404, json={"error": "not_found"})
    return httpx.Response(200, json=body)


async def test_naive_times_are_placed_in_their_labs_zone(
    oauth: OAuthClient, store: Store, linked: TokenSet
) -> None:
    async with quirky_client(handler, oauth, store) as client:
        bookings = await client.for_user(KEY).bookings()
    starts = {booking.id: booking.start_time for booking in bookings}
    assert starts[1] == datetime(2026, 3, 25, 9, tzinfo=LONDON)
    assert starts[2] == starts[3] == datetime(2026, 3, 25, 9, tzinfo=TOKYO)
    assert starts[5] == datetime(2026, 3, 25, 9, tzinfo=ZoneInfo("UTC"))  # it said so itself
    assert 4 not in starts
    (skipped,) = bookings.skipped
    assert skipped.record_id == 4 and "zone is unknown" in skipped.reason
    assert bookings.zones == ("Asia/Tokyo", "Europe/London")


async def test_a_lab_scoped_list_and_a_shared_zone_need_no_lookup(
    oauth: OAuthClient, store: Store, linked: TokenSet
) -> None:
    async with quirky_client(handler, oauth, store) as client:
        scoped = await client.for_user(KEY).bookings(provider_account=2)
    assert {booking.start_time for booking in scoped} >= {datetime(2026, 3, 25, 9, tzinfo=TOKYO)}
    assert 4 in {booking.id for booking in scoped}  # the list was asked of Imaging


async def test_lab_zones_are_read_once_and_kept_a_while(
    oauth: OAuthClient, store: Store, linked: TokenSet
) -> None:
    asked: list[str] = []
    now = [0.0]

    def counting(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        return handler(request)

    async with quirky_client(counting, oauth, store, clock=lambda: now[0]) as client:
        for moment in (0.0, 60.0, 700.0):  # the third is past the ten minutes zones are kept
            now[0] = moment
            await client.for_user(KEY).bookings(provider_account=1)
    assert asked.count("/v1/accounts/1") == 2  # read at 0 s, kept at 60 s, read again
