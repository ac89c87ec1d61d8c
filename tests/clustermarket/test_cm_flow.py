"""Holding under load: bounded requests per process and per user, page windows that follow
the API's latency and back off on 429, and the per-user cache's rules on their own."""

from __future__ import annotations

import asyncio
import math

import httpx
import pytest

from bot.clustermarket.budget import BudgetSpent, before_request, spending
from bot.clustermarket.cache import Lifetime, Lifetimes, UserCache
from bot.clustermarket.client import ClustermarketClient
from bot.clustermarket.flow import Backoff, Upstream, UpstreamLimits
from bot.clustermarket.oauth import OAuthClient
from bot.clustermarket.paging import Hints, Page, PageWindow
from bot.clustermarket.tokens import TokenSet, UserKey
from bot.sandbox import Sandbox
from bot.store import Store

ZOE, JOSE = UserKey("T1", "U1"), UserKey("T1", "U2")


def timed(latency: float, reading: float) -> Page[int]:
    return Page([], 0, Hints("test"), latency=latency, reading=reading)


# -- page windows -------------------------------------------------------------------------------


def test_the_window_covers_the_latency_with_reading_time() -> None:
    window = PageWindow(32)
    assert window.size() == PageWindow.FIRST  # nothing timed yet
    window.observe(timed(latency=0.05, reading=0.004))
    assert window.size() == math.ceil(0.05 / 0.004) + 1  # 14 pages cover 50 ms
    slow = PageWindow(32)
    slow.observe(timed(latency=0.2, reading=0.004))
    assert slow.size() == 32  # at 200 ms, as many as the user's share allows
    local = PageWindow(32)
    local.observe(timed(latency=0.001, reading=0.004))
    assert local.size() == PageWindow.FLOOR
    assert PageWindow(32, fixed=8).size() == 8


def test_429s_halve_the_windows_and_answers_grow_them_back() -> None:
    backoff = Backoff(32)
    window = PageWindow(32, backoff)
    window.observe(timed(latency=0.2, reading=0.004))
    backoff.throttled()
    backoff.throttled()
    assert window.size() == 8
    for _ in range(200):
        backoff.answered()
    assert 8 < window.size() <= 32
    upstream = Upstream(UpstreamLimits(per_user=16))
    upstream.answered(429)
    assert upstream.backoff.allowed() == 8


async def test_a_slow_api_gets_more_pages_in_flight_within_the_users_share(
    sandbox: Sandbox, client: ClustermarketClient, linked: TokenSet
) -> None:
    sandbox.knobs.latency = 0.25
    await client.for_user(ZOE, kept=False).bookings(provider_account=sandbox.busiest_lab_id())
    assert 8 < sandbox.stats.peak_in_flight <= client.page_concurrency  # more than before's 8


async def test_a_rate_limited_list_backs_off_and_still_reads_every_page(
    sandbox: Sandbox, client: ClustermarketClient, linked: TokenSet
) -> None:
    lab = sandbox.busiest_lab_id()
    expected = len(sandbox.data.visible_bookings(sandbox.demo_user_id, frozenset({lab})))
    sandbox.knobs.latency = 0.1  # slow enough for the whole share of 32 pages, unthrottled
    sandbox.faults.rate_limit_next(count=3, retry_after=0)  # page 1 is refused three times
    bookings = await client.for_user(ZOE, kept=False).bookings(provider_account=lab)
    assert len(bookings) == expected
    assert sandbox.stats.peak_in_flight <= 12  # 32 / 2 / 2 / 2, grown back a little
    assert client.upstream.backoff.allowed() < client.page_concurrency


# -- bounds -------------------------------------------------------------------------------------


async def test_one_heavy_user_cannot_starve_another(
    sandbox: Sandbox, oauth: OAuthClient, store: Store, http: httpx.AsyncClient, linked: TokenSet
) -> None:
    await store.save_link(JOSE, cm_user_id=15001, cm_user_name="Z", tokens=linked)
    sandbox.knobs.latency = 0.05
    limits = UpstreamLimits(in_flight=6, per_user=4)
    async with ClustermarketClient(
        sandbox.api_url, "/me", oauth, store, http=http, limits=limits
    ) as client:
        heavy = [asyncio.ensure_future(client.for_user(ZOE, kept=False).me()) for _ in range(40)]
        await asyncio.sleep(0.01)  # Zoë's forty are queued first
        await client.for_user(JOSE, kept=False).me()
        assert sum(task.done() for task in heavy) < len(heavy) // 2  # José did not wait them out
        await asyncio.gather(*heavy)
    assert sandbox.stats.peak_in_flight <= 6


def test_the_pool_is_sized_above_the_bound() -> None:
    limits = UpstreamLimits(in_flight=100, per_user=10, spare=8)
    pool = limits.pool()
    assert pool.max_connections == pool.max_keepalive_connections == 108
    with pytest.raises(ValueError, match="in_flight"):
        UpstreamLimits(in_flight=0)


# -- the per-user cache on its own --------------------------------------------------------------


class Counted:
    """An upstream stand-in: answers "answer N" after `pause`, or fails when told to."""

    def __init__(self, pause: float = 0.0) -> None:
        self.calls = 0
        self.pause = pause
        self.fail = False

    async def __call__(self) -> str:
        self.calls += 1
        await asyncio.sleep(self.pause)
        if self.fail:
            raise RuntimeError("upstream down")
        return f"answer {self.calls}"


async def test_a_failed_refresh_leaves_the_stale_answer_serving() -> None:
    now = [0.0]
    cache = UserCache(Lifetimes(records=Lifetime(fresh=10, stale=100)), clock=lambda: now[0])
    fetch = Counted()
    assert await cache.get(ZOE, "me", fetch, kind="records") == "answer 1"
    now[0] = 20.0
    fetch.fail = True
    assert await cache.get(ZOE, "me", fetch, kind="records") == "answer 1"  # stale, refreshing
    for _ in range(100):  # the refresh fails behind the answer
        await asyncio.sleep(0.001)
    assert cache.fetching == 0 and fetch.calls == 2
    assert await cache.get(ZOE, "me", fetch, kind="records") == "answer 1"
    now[0] = 200.0  # past stale: a failure now is the asker's to hear
    with pytest.raises(RuntimeError):
        await cache.get(ZOE, "me", fetch, kind="records")


async def test_a_fetch_that_outlives_a_forget_is_not_kept() -> None:
    cache = UserCache()
    fetch = Counted(pause=0.05)
    asking = asyncio.ensure_future(cache.get(ZOE, "me", fetch, kind="records"))
    await asyncio.sleep(0.01)
    cache.forget(ZOE)  # disconnected while the fetch was on its way
    assert await asking == "answer 1"  # who asked still hears
    assert len(cache) == 0
    assert await cache.get(ZOE, "me", fetch, kind="records") == "answer 2"


async def test_a_question_after_a_forget_does_not_join_the_fetch_from_before() -> None:
    cache = UserCache()
    fetch = Counted(pause=0.05)
    before = asyncio.ensure_future(cache.get(ZOE, "me", fetch, kind="records"))
    await asyncio.sleep(0.01)
    cache.forget(ZOE)  # relinked, perhaps to another account: what was asked before is theirs
    await cache.get(ZOE, "me", fetch, kind="records")
    await before
    assert fetch.calls == 2  # asked again, not joined
    assert await cache.get(ZOE, "me", fetch, kind="records") == "answer 2"  # the new one kept
    assert fetch.calls == 2


async def test_entries_are_never_shared_between_users() -> None:
    cache = UserCache()
    zoe, jose = Counted(), Counted()
    assert await cache.get(ZOE, "labs", zoe, kind="records") == "answer 1"
    assert await cache.get(JOSE, "labs", jose, kind="records") == "answer 1"
    assert (zoe.calls, jose.calls) == (1, 1)
    cache.forget(ZOE)
    assert await cache.get(JOSE, "labs", jose, kind="records") == "answer 1"
    assert jose.calls == 1


async def test_a_question_that_stops_waiting_leaves_the_fetch_to_finish() -> None:
    cache = UserCache()
    fetch = Counted(pause=0.05)
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.01):
            await cache.get(ZOE, "me", fetch, kind="records")
    assert await cache.get(ZOE, "me", fetch, kind="records") == "answer 1"
    assert fetch.calls == 1


async def test_a_caller_that_needs_it_fresher_fetches_it_anew_for_everyone() -> None:
    now = [0.0]
    cache = UserCache(Lifetimes(records=Lifetime(fresh=300, stale=600)), clock=lambda: now[0])
    fetch = Counted()
    assert await cache.get(ZOE, "equipment", fetch, kind="records") == "answer 1"
    now[0] = 100.0  # fresh for answers, too old for the notifier
    assert await cache.get(ZOE, "equipment", fetch, kind="records", within=60) == "answer 2"
    assert await cache.get(ZOE, "equipment", fetch, kind="records") == "answer 2"
    assert await cache.get(ZOE, "equipment", fetch, kind="records", within=60) == "answer 2"
    assert fetch.calls == 2


class Refusing:
    """A request budget that is spent."""

    async def take(self) -> None:
        raise BudgetSpent("spent")


async def test_a_fetch_held_back_by_another_callers_budget_is_fetched_again_for_a_person() -> None:
    cache = UserCache()
    calls = 0

    async def fetch() -> str:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        await before_request()  # as the transport asks, before each request
        return f"answer {calls}"

    with spending(Refusing()):  # the notifier, its minute spent
        polling = asyncio.ensure_future(cache.get(ZOE, "bookings", fetch, kind="bookings"))
    await asyncio.sleep(0)  # its fetch is under way
    assert await cache.get(ZOE, "bookings", fetch, kind="bookings") == "answer 2"  # joined it
    with pytest.raises(BudgetSpent):
        await polling  # the notifier defers its own work
    assert calls == 2
