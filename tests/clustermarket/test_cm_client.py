"""The API client against the sandbox over loopback HTTP: endpoints, paging, retries, tokens."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from quirky import quirky_client

from bot.clustermarket.client import MAX_REFUSALS, ClustermarketClient
from bot.clustermarket.errors import (
    BadResponse,
    ClustermarketError,
    Forbidden,
    NotFound,
    NotLinked,
    OAuthError,
    RateLimited,
    ReconnectRequired,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from bot.clustermarket.flow import UpstreamLimits
from bot.clustermarket.models import (
    Account,
    AccountSummary,
    Booking,
    Equipment,
    EquipmentSummary,
    Group,
    GroupSummary,
    User,
)
from bot.clustermarket.oauth import OAuthClient
from bot.clustermarket.tokens import TokenSet, UserKey
from bot.config import Settings
from bot.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox
from bot.store import Store

KEY = UserKey("T1", "U1")  # the conftest's `linked` user
REDIRECT_URI = "http://localhost:3000/clustermarket/oauth/callback"

# -- the ten endpoints ----------------------------------------------------------------------


async def test_every_endpoint_returns_typed_models(
    sandbox: Sandbox, client: ClustermarketClient, linked: TokenSet
) -> None:
    api = client.for_user(KEY)
    world = sandbox.data

    me = await api.me()
    assert isinstance(me, User)
    assert me.id == sandbox.demo_user_id
    assert me.display_name == world.users[sandbox.demo_user_id].name

    accounts = await api.accounts()
    assert accounts and all(isinstance(account, AccountSummary) for account in accounts)
    assert {account.id for account in accounts} == set(
        world.visible_account_ids(sandbox.demo_user_id)
    )
    lab_id = next(account.id for account in accounts if account.is_lab)
    assert lab_id is not None
    account = await api.account(lab_id)
    assert isinstance(account, Account) and account.id == lab_id and account.is_lab

    bookings = await api.bookings()
    assert bookings and all(isinstance(booking, Booking) for booking in bookings)
    assert len(bookings) == len(world.visible_bookings(sandbox.demo_user_id))
    first = bookings[0]
    assert first.id is not None
    booking = await api.booking(first.id)
    assert isinstance(booking, Booking) and booking.id == first.id
    assert booking.start_time is not None and booking.start_time.tzinfo is not None
    assert booking.equipment is not None and booking.equipment.id is not None

    equipment_list = await api.equipment_list(account=lab_id)
    assert equipment_list and all(isinstance(item, EquipmentSummary) for item in equipment_list)
    equipment_id = equipment_list[0].id
    assert equipment_id is not None
    equipment = await api.equipment(equipment_id)
    assert isinstance(equipment, Equipment) and equipment.id == equipment_id
    assert equipment.lab is not None and equipment.lab.id == lab_id
    schedule = await api.equipment_bookings(equipment_id)
    assert all(isinstance(item, Booking) for item in schedule)
    assert len(schedule) == len(world.bookings_of_equipment(equipment_id))
    assert all(item.equipment and item.equipment.id == equipment_id for item in schedule)

    groups = await api.groups(account=lab_id)
    assert groups and all(isinstance(group, GroupSummary) for group in groups)
    group_id = groups[0].id
    assert group_id is not None
    group = await api.group(group_id)
    assert isinstance(group, Group) and group.id == group_id
    assert [item.id for item in group.equipment] == list(world.groups[group_id].equipment_ids)

    assert {group.id for group in await api.groups()} >= {group.id for group in groups}
    assert len(await api.equipment_list()) >= len(equipment_list)


async def test_unlinked_user_is_not_linked(client: ClustermarketClient) -> None:
    with pytest.raises(NotLinked):
        await client.for_user(UserKey("T1", "nobody")).me()


# -- pagination -----------------------------------------------------------------------------


async def test_all_pages_of_the_busiest_lab(
    sandbox: Sandbox, client: ClustermarketClient, linked: TokenSet
) -> None:
    lab_id = sandbox.busiest_lab_id()
    expected = sandbox.data.visible_bookings(sandbox.demo_user_id, frozenset({lab_id}))
    assert len(expected) > 300  # really several pages

    bookings = await client.for_user(KEY).bookings(provider_account=lab_id)

    ids = [booking.id for booking in bookings]
    assert len(bookings) == len(expected)
    assert len(set(ids)) == len(ids)
    assert ids == [booking.id for booking in expected]  # page order kept
    assert all(b.provider_account and b.provider_account.id == lab_id for b in bookings)
    assert sandbox.stats.requests["GET /v1/bookings"] == math.ceil(len(expected) / 100)


async def test_all_bookings_of_the_busiest_equipment(
    sandbox: Sandbox, client: ClustermarketClient, linked: TokenSet
) -> None:
    equipment_id = sandbox.busiest_equipment_id()
    expected = sandbox.data.bookings_of_equipment(equipment_id)
    assert len(expected) > 100

    bookings = await client.for_user(KEY).equipment_bookings(equipment_id)

    assert [booking.id for booking in bookings] == [booking.id for booking in expected]


async def test_without_total_header_pages_sequentially(
    sandbox: Sandbox, client: ClustermarketClient, linked: TokenSet
) -> None:
    sandbox.knobs.total_header = False
    lab_id = sandbox.busiest_lab_id()
    expected = sandbox.data.visible_bookings(sandbox.demo_user_id, frozenset({lab_id}))

    bookings = await client.for_user(KEY).bookings(provider_account=lab_id)

    assert [booking.id for booking in bookings] == [booking.id for booking in expected]
    # Pages until the short (or, on an exact multiple of 100, empty) last page.
    assert sandbox.stats.requests["GET /v1/bookings"] == len(expected) // 100 + 1


async def test_sequential_mode_gives_the_same_records(
    sandbox: Sandbox, client: ClustermarketClient, linked: TokenSet
) -> None:
    lab_id = sandbox.busiest_lab_id()
    concurrent = await client.for_user(KEY).bookings(provider_account=lab_id)
    concurrent_requests = sandbox.stats.requests["GET /v1/bookings"]
    sandbox.stats.reset()

    sequential = await client.for_user(KEY, sequential=True, kept=False).bookings(
        provider_account=lab_id
    )

    assert sequential == concurrent
    assert sandbox.stats.requests["GET /v1/bookings"] == concurrent_requests


async def test_concurrent_pages_are_bounded_by_the_users_share(
    sandbox: Sandbox, oauth: OAuthClient, store: Store, http: httpx.AsyncClient, linked: TokenSet
) -> None:
    sandbox.knobs.latency = 0.02
    equipment_id = sandbox.busiest_equipment_id()
    pages = math.ceil(len(sandbox.data.bookings_of_equipment(equipment_id)) / 100)
    limits = UpstreamLimits(in_flight=8, per_user=4)
    async with ClustermarketClient(
        sandbox.api_url, "/me", oauth, store, http=http, limits=limits
    ) as client:
        assert pages > client.page_concurrency == 4
        await client.for_user(KEY, sequential=True, kept=False).equipment_bookings(equipment_id)
        assert sandbox.stats.peak_in_flight == 1
        sandbox.stats.reset()
        await client.for_user(KEY, kept=False).equipment_bookings(equipment_id)
        assert 2 <= sandbox.stats.peak_in_flight <= 4


# -- retries --------------------------------------------------------------------------------


async def test_5xx_is_retried_then_succeeds(
    sandbox: Sandbox, client: ClustermarketClient, linked: TokenSet
) -> None:
    sandbox.faults.fail_next(count=2, status=503)
    me = await client.for_user(KEY).me()
    assert me.id == sandbox.demo_user_id
    assert sandbox.stats.requests["GET /v1/me"] == 3


async def test_random_5xx_across_many_pages_still_gives_every_record(
    sandbox: Sandbox, oauth: OAuthClient, store: Store, linked: TokenSet
) -> None:
    lab_id = sandbox.busiest_lab_id()
    expected = sandbox.data.visible_bookings(sandbox.demo_user_id, frozenset({lab_id}))
    sandbox.knobs.error_rate = 0.2
    async with ClustermarketClient(
        sandbox.api_url, "/me", oauth, store, max_attempts=10, backoff_base=0.001, backoff_cap=0.01
    ) as patient:
        bookings = await patient.for_user(KEY).bookings(provider_account=lab_id)
    assert [booking.id for booking in bookings] == [booking.id for booking in expected]
    assert sandbox.stats.requests["GET /v1/bookings"] > math.ceil(len(expected) / 100)


async def test_5xx_forever_is_upstream_unavailable(
    sandbox: Sandbox, client: ClustermarketClient, linked: TokenSet
) -> None:
    sandbox.knobs.error_rate = 1.0
    with pytest.raises(UpstreamUnavailable) as caught:
        await client.for_user(KEY).me()
    assert not isinstance(caught.value, RateLimited)
    assert str(caught.value) == "Clustermarket answered HTTP 503 for /me (4 attempts)"
    assert sandbox.stats.requests["GET /v1/me"] == client.max_attempts


async def test_429_waits_retry_after_then_succeeds(
    sandbox: Sandbox, client: ClustermarketClient, linked: TokenSet
) -> None:
    sandbox.faults.rate_limit_next(count=1, retry_after=1)
    started = time.monotonic()
    me = await client.for_user(KEY).me()
    assert time.monotonic() - started >= 1.0
    assert me.id == sandbox.demo_user_id
    assert sandbox.stats.requests["GET /v1/me"] == 2


async def test_429_beyond_patience_is_rate_limited_at_once(
    sandbox: Sandbox, client: ClustermarketClient, linked: TokenSet
) -> None:
    sandbox.faults.rate_limit_next(count=1, retry_after=60)
    with pytest.raises(RateLimited) as caught:
        await client.for_user(KEY).me()
    assert caught.value.retry_after == 60
    assert sandbox.stats.requests["GET /v1/me"] == 1


async def test_429_forever_is_rate_limited(
    sandbox: Sandbox, client: ClustermarketClient, linked: TokenSet
) -> None:
    sandbox.knobs.rate_limit_rate = 1.0
    sandbox.knobs.retry_after = 0
    with pytest.raises(RateLimited):
        await client.for_user(KEY).me()
    assert sandbox.stats.requests["GET /v1/me"] == client.max_attempts


async def test_unreachable_server_is_upstream_unavailable(
    oauth: OAuthClient, store: Store, sandbox: Sandbox, linked: TokenSet
) -> None:
    async with ClustermarketClient(
        "http://127.0.0.1:1/v1", "/me", oauth, store, backoff_base=0.001, backoff_cap=0.01
    ) as unreachable:
        with pytest.raises(UpstreamUnavailable) as caught:
            await unreachable.for_user(KEY).me()
    assert "ConnectError" in str(caught.value)


# -- tokens ---------------------------------------------------------------------------------


async def test_401_refreshes_once_and_rotates(
    sandbox: Sandbox,
    client: ClustermarketClient,
    store: Store,
    oauth: OAuthClient,
    linked: TokenSet,
) -> None:
    sandbox.expire_access_tokens(sandbox.demo_user_id)

    me = await client.for_user(KEY).me()

    assert me.id == sandbox.demo_user_id
    assert sandbox.stats.grants["refresh_token"] == 1
    stored = await store.load_tokens(KEY)
    assert stored.access_token != linked.access_token
    assert stored.refresh_token is not None and stored.refresh_token != linked.refresh_token
    assert stored.scopes == linked.scopes
    assert linked.refresh_token is not None
    with pytest.raises(OAuthError) as caught:
        await oauth.refresh(linked.refresh_token)  # the rotated-out token is refused
    assert caught.value.invalid_grant
    assert sandbox.stats.requests["GET /v1/me"] == 2


async def test_twenty_concurrent_401s_cause_one_refresh(
    sandbox: Sandbox, client: ClustermarketClient, store: Store, linked: TokenSet
) -> None:
    sandbox.expire_access_tokens(sandbox.demo_user_id)
    api = client.for_user(KEY)

    results = await asyncio.gather(*(api.me() for _ in range(20)))

    assert all(user.id == sandbox.demo_user_id for user in results)
    assert sandbox.stats.grants["refresh_token"] == 1
    assert (await store.get_link(KEY)).status == "active"  # type: ignore[union-attr]


async def test_concurrent_pages_after_expiry_cause_one_refresh(
    sandbox: Sandbox, client: ClustermarketClient, linked: TokenSet
) -> None:
    api = client.for_user(KEY, kept=False)
    equipment_id = sandbox.busiest_equipment_id()
    expected = await api.equipment_bookings(equipment_id)
    sandbox.expire_access_tokens(sandbox.demo_user_id)

    again = await asyncio.gather(*(api.equipment_bookings(equipment_id) for _ in range(3)))

    assert all(result == expected for result in again)
    assert sandbox.stats.grants["refresh_token"] == 1


async def test_token_about_to_expire_is_refreshed_first(
    sandbox: Sandbox, client: ClustermarketClient, store: Store, linked: TokenSet
) -> None:
    tokens = linked
    soon = TokenSet(
        tokens.access_token,
        tokens.refresh_token,
        datetime.now(UTC) + timedelta(seconds=10),
        tokens.scopes,
    )
    assert await store.rotate_tokens(KEY, tokens, soon)

    await client.for_user(KEY).me()

    assert sandbox.stats.grants["refresh_token"] == 1
    assert sandbox.stats.requests["GET /v1/me"] == 1  # no 401 on the way
    refreshed = await store.load_tokens(KEY)
    assert refreshed.expires_at is not None
    assert refreshed.expires_at > datetime.now(UTC) + timedelta(minutes=30)


async def test_refused_refresh_marks_the_link_broken(
    sandbox: Sandbox, client: ClustermarketClient, store: Store, linked: TokenSet
) -> None:
    sandbox.revoke_user(sandbox.demo_user_id)

    with pytest.raises(ReconnectRequired):
        await client.for_user(KEY).me()

    link_now = await store.get_link(KEY)
    assert link_now is not None and link_now.status == "broken"
    requests_before = sandbox.stats.total("GET /v1")
    with pytest.raises(ReconnectRequired):  # from the vault, without asking the server
        await client.for_user(KEY).accounts()
    assert sandbox.stats.total("GET /v1") == requests_before


async def test_a_server_refusing_every_new_token_is_try_again_not_a_lost_link(
    sandbox: Sandbox, client: ClustermarketClient, store: Store, linked: TokenSet
) -> None:
    """A 401 may be a renewal elsewhere revoking the token in flight, so it never breaks
    the link by itself; a refused refresh token does (see the test above)."""
    sandbox.knobs.access_token_ttl = 0  # every new access token is born expired
    sandbox.expire_access_tokens(sandbox.demo_user_id)

    with pytest.raises(UpstreamUnavailable, match="kept refusing"):
        await client.for_user(KEY).me()

    assert sandbox.stats.grants["refresh_token"] == MAX_REFUSALS
    assert (await store.get_link(KEY)).status == "active"  # type: ignore[union-attr]


async def test_refresh_network_failure_is_upstream_not_broken(
    sandbox: Sandbox, store: Store, linked: TokenSet
) -> None:
    async with httpx.AsyncClient() as http:
        cut_off = OAuthClient(
            "http://127.0.0.1:1", DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, REDIRECT_URI, http
        )
        async with ClustermarketClient(sandbox.api_url, "/me", cut_off, store) as client:
            sandbox.expire_access_tokens(sandbox.demo_user_id)
            with pytest.raises(UpstreamUnavailable) as caught:
                await client.for_user(KEY).me()
    assert "renew" in str(caught.value)
    assert (await store.get_link(KEY)).status == "active"  # type: ignore[union-attr]


# -- errors ---------------------------------------------------------------------------------


async def test_403_is_forbidden(
    sandbox: Sandbox, client: ClustermarketClient, link: Callable[..., TokenSet], linked: TokenSet
) -> None:
    invisible_lab = next(
        lab.id
        for lab in sandbox.data.labs()
        if lab.id not in sandbox.data.lab_ids_of(sandbox.demo_user_id)
    )
    with pytest.raises(Forbidden) as caught:
        await client.for_user(KEY).bookings(provider_account=invisible_lab)
    assert "/bookings" in str(caught.value)

    narrow = UserKey("T1", "U-narrow")
    await link(narrow, scopes="read_user")
    assert (await client.for_user(narrow).me()).id == sandbox.demo_user_id
    with pytest.raises(Forbidden):
        await client.for_user(narrow).accounts()


async def test_404_is_not_found(client: ClustermarketClient, linked: TokenSet) -> None:
    api = client.for_user(KEY)
    with pytest.raises(NotFound) as caught:
        await api.account(999_999_999)
    assert "/accounts/999999999" in str(caught.value)
    with pytest.raises(NotFound):
        await api.equipment_bookings(999_999_999)


async def test_other_4xx_is_a_plain_error(
    sandbox: Sandbox, client: ClustermarketClient, linked: TokenSet
) -> None:
    sandbox.faults.fail_next(count=1, status=418)
    with pytest.raises(ClustermarketError) as caught:
        await client.for_user(KEY).me()
    assert type(caught.value) is ClustermarketError
    assert str(caught.value) == "Clustermarket answered HTTP 418 for /me"


async def test_malformed_json_is_bad_response(
    sandbox: Sandbox, client: ClustermarketClient, linked: TokenSet
) -> None:
    sandbox.faults.garble_next(count=1, kind="json")
    with pytest.raises(BadResponse) as caught:
        await client.for_user(KEY).booking(1)
    assert str(caught.value) == "Clustermarket answered /bookings/1 with malformed JSON"


async def test_wrong_content_type_is_bad_response(
    sandbox: Sandbox, client: ClustermarketClient, linked: TokenSet
) -> None:
    sandbox.faults.garble_next(count=1, kind="content_type")
    with pytest.raises(BadResponse) as caught:
        await client.for_user(KEY).accounts()
    message = str(caught.value)
    assert message == "Clustermarket answered /accounts with text/html, not JSON"
    assert "maintenance" not in message  # names the endpoint, not the body


async def test_object_where_list_expected_is_bad_response(
    sandbox: Sandbox, client: ClustermarketClient, linked: TokenSet
) -> None:
    # The user endpoint answers an object; reading it as a list must fail cleanly.
    with pytest.raises(BadResponse) as caught:
        await client._get_all(KEY, "/me", User)
    assert str(caught.value) == (
        "Clustermarket answered /me with a JSON object where a list was expected"
    )


async def test_list_where_object_expected_is_bad_response(
    sandbox: Sandbox, oauth: OAuthClient, store: Store, linked: TokenSet
) -> None:
    # A misconfigured CLUSTERMARKET_USER_PATH that points at a list endpoint.
    async with ClustermarketClient(sandbox.api_url, "/groups", oauth, store) as misdirected:
        with pytest.raises(BadResponse) as caught:
            await misdirected.for_user(KEY).me()
    assert "/groups" in str(caught.value) and "where an object was expected" in str(caught.value)


# -- construction ---------------------------------------------------------------------------


async def test_from_settings_shares_one_http_client(
    sandbox: Sandbox, store: Store, linked: TokenSet
) -> None:
    settings = Settings(
        CLUSTERMARKET_API_URL=sandbox.api_url,
        CLUSTERMARKET_OAUTH_URL=sandbox.oauth_url,
        CLUSTERMARKET_CLIENT_ID=DEMO_CLIENT_ID,
        CLUSTERMARKET_CLIENT_SECRET=DEMO_CLIENT_SECRET,
        CLUSTERMARKET_USER_PATH="/me",
    )
    client = ClustermarketClient.from_settings(settings, store, backoff_base=0.001)
    assert client.oauth.redirect_uri == settings.redirect_uri
    assert client.oauth._http is client._http
    sandbox.expire_access_tokens()
    async with client:
        assert (await client.for_user(KEY).me()).id == sandbox.demo_user_id
    assert sandbox.stats.grants["refresh_token"] == 1
    assert client._http.is_closed


def test_invalid_options_are_refused(oauth: OAuthClient, store: Store) -> None:
    with pytest.raises(ValueError, match="page_concurrency"):
        ClustermarketClient("http://x/v1", "/me", oauth, store, page_concurrency=0)
    with pytest.raises(ValueError, match="per_page"):
        ClustermarketClient("http://x/v1", "/me", oauth, store, per_page=101)


# -- servers quirkier than the sandbox: a transport that plays one -----------------------------


def _page_of(records: list[dict[str, object]], request: httpx.Request, size: int) -> list[object]:
    page = int(request.url.params.get("page", "1"))
    return list(records[(page - 1) * size : page * size])


async def test_server_paging_smaller_than_asked_is_followed(
    oauth: OAuthClient, store: Store, linked: TokenSet
) -> None:
    records: list[dict[str, object]] = [{"id": n, "name": f"G{n}"} for n in range(1, 96)]

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.params["per_page"] == "100"
        body = _page_of(records, request, 30)
        return httpx.Response(200, json=body, headers={"X-Total-Records": str(len(records))})

    async with quirky_client(handler, oauth, store) as quirky:
        groups = await quirky.for_user(KEY).groups()
    assert [group.id for group in groups] == list(range(1, 96))


async def test_null_items_and_repeated_ids_are_dropped(
    oauth: OAuthClient, store: Store, linked: TokenSet
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[{"id": 1}, None, {"id": 2}, {"id": 1, "name": "again"}])

    async with quirky_client(handler, oauth, store) as quirky:
        groups = await quirky.for_user(KEY).groups()
    assert [group.id for group in groups] == [1, 2]


async def test_a_server_ignoring_the_page_number_is_a_bad_response(
    oauth: OAuthClient, store: Store, linked: TokenSet
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[{"id": n} for n in range(100)])

    async with quirky_client(handler, oauth, store) as quirky:
        with pytest.raises(BadResponse, match="ignores the page number at /groups"):
            await quirky.for_user(KEY).groups()


async def test_an_unreadable_record_is_skipped_naming_its_place_not_its_value(
    oauth: OAuthClient, store: Store, linked: TokenSet
) -> None:
    good = {"id": 1, "start_time": "2026-03-25T09:00:00Z", "end_time": "2026-03-25T10:00:00Z"}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[good, {"id": 2, "start_time": "secret-ish text"}])

    async with quirky_client(handler, oauth, store) as quirky:
        bookings = await quirky.for_user(KEY).bookings()
    assert [booking.id for booking in bookings] == [1]
    assert bookings.unread == 1 and not bookings.complete
    skipped = bookings.skipped[0]
    assert skipped.where == "page 1, item 2" and skipped.record_id == 2
    assert "start_time" in skipped.reason and "secret-ish" not in skipped.reason


async def test_retry_after_as_an_http_date_is_waited(
    oauth: OAuthClient, store: Store, linked: TokenSet
) -> None:
    answers = iter([429, 200])

    def handler(request: httpx.Request) -> httpx.Response:
        status = next(answers)
        if status == 429:
            when = datetime.now(UTC) + timedelta(seconds=2)
            return httpx.Response(429, headers={"Retry-After": format_datetime(when, usegmt=True)})
        return httpx.Response(200, json={"id": 5, "first_name": "Ada"})

    async with quirky_client(handler, oauth, store) as quirky:
        started = time.monotonic()
        me = await quirky.for_user(KEY).me()
    assert me.id == 5
    assert time.monotonic() - started >= 0.9  # the date has whole-second precision


async def test_a_timeout_is_reported_as_slow_not_down(
    sandbox: Sandbox, oauth: OAuthClient, store: Store, linked: TokenSet
) -> None:
    sandbox.knobs.latency = 0.5
    async with (
        httpx.AsyncClient(timeout=0.05) as impatient,
        ClustermarketClient(
            sandbox.api_url, "/me", oauth, store, http=impatient, max_attempts=2, backoff_base=0.001
        ) as client,
    ):
        with pytest.raises(UpstreamTimeout, match="ReadTimeout"):
            await client.for_user(KEY).me()
