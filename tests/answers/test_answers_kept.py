"""What Clustermarket just told each user is kept a short while, and only for them.

Counted with the sandbox's own request statistics: a question asked again within 30 s asks
Clustermarket nothing, questions asked together share one fetch, a stale answer serves while
it is refreshed in the background, and nothing kept for one person ever reaches another.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from bot.answers import Answerer, Asker, Reply, is_question
from bot.clustermarket.cache import Lifetime, Lifetimes
from bot.clustermarket.client import ClustermarketClient
from bot.clustermarket.oauth import OAuthClient
from bot.clustermarket.tokens import TokenSet, UserKey
from bot.observability.metrics import REGISTRY
from bot.questions.commands import parse_command
from bot.sandbox import Sandbox
from bot.store import Store

AskerFactory = Callable[..., Asker]
KEY = UserKey("T1", "U1")  # the conftest's linked user: Zoë (Genomics and Structural Biology)
EMILY = UserKey("T1", "U2")  # Emily Carter sees only Hudson Valley Biolabs
EMILY_ID = 15011
NANODROP = 4105  # in the Genomics Core Facility


async def ask(answerer: Answerer, text: str, asker: Asker) -> str:
    intent = parse_command(text)
    assert is_question(intent), intent
    reply: Reply = await answerer.answer(intent, asker)
    return reply.text + str(reply.blocks)


def token_set(grant: dict[str, object]) -> TokenSet:
    """Tokens as the token endpoint granted them (they never expire here)."""
    return TokenSet(str(grant["access_token"]), str(grant["refresh_token"]), None, "")


def asked(sandbox: Sandbox) -> int:
    """API requests the sandbox has answered since its statistics were last reset."""
    return sandbox.stats.total("GET /v1/")


async def settled(client: ClustermarketClient) -> None:
    """Until no fetch is under way (a refresh in the background has landed)."""
    for _ in range(500):
        if client.cache.fetching == 0:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("a fetch never ended")


def lookups(cache: str, result: str) -> float:
    value = REGISTRY.get_sample_value(
        "cmbot_cache_lookups_total", {"cache": cache, "result": result}
    )
    return value or 0.0


@pytest.mark.parametrize(
    "question",
    ["bookings this week", "schedule nanodrop friday", "free nanodrop tomorrow", "me", "labs"],
)
async def test_a_question_asked_again_within_30_s_asks_clustermarket_nothing(
    answerer: Answerer, asker: AskerFactory, linked: None, sandbox: Sandbox, question: str
) -> None:
    first = await ask(answerer, question, asker())
    assert asked(sandbox) > 0
    sandbox.stats.reset()
    assert await ask(answerer, question, asker()) == first
    assert asked(sandbox) == 0


async def test_questions_asked_together_share_one_fetch(
    answerer: Answerer, asker: AskerFactory, linked: None, sandbox: Sandbox
) -> None:
    sandbox.knobs.latency = 0.02  # so the questions overlap
    hits = lookups("bookings", "hit")
    replies = await asyncio.gather(
        *(ask(answerer, "schedule nanodrop friday", asker()) for _ in range(3))
    )
    assert len(set(replies)) == 1
    pages = -(-len(sandbox.data.bookings_of_equipment(NANODROP)) // 100)
    assert sandbox.stats.total(f"GET /v1/equipment/{NANODROP}/bookings") == pages
    assert sandbox.stats.requests["GET /v1/accounts"] == 1
    await ask(answerer, "free nanodrop friday", asker())  # the same list, another question
    assert sandbox.stats.total(f"GET /v1/equipment/{NANODROP}/bookings") == pages
    assert lookups("bookings", "hit") == hits + 1


@pytest.fixture
async def clocked(
    sandbox: Sandbox, oauth: OAuthClient, store: Store, http: httpx.AsyncClient, linked: None
) -> AsyncIterator[tuple[Answerer, list[float]]]:
    """An answerer for the linked user whose cache reads `now[0]` for the time: bookings
    fresh 30 s, stale 30 more."""
    now = [0.0]
    async with ClustermarketClient(
        sandbox.api_url, "/me", oauth, store, http=http, clock=lambda: now[0]
    ) as client:
        yield Answerer(client, store), now


async def test_a_stale_answer_serves_while_it_is_refreshed_in_the_background(
    clocked: tuple[Answerer, list[float]], asker: AskerFactory, sandbox: Sandbox
) -> None:
    answerer, now = clocked
    question = "bookings this week"
    await ask(answerer, question, asker())
    sandbox.stats.reset()
    sandbox.knobs.latency = 0.05
    now[0] = 40.0  # past fresh (30 s), within stale (30 s more)
    await ask(answerer, question, asker())
    assert sandbox.stats.requests["GET /v1/bookings"] == 0  # answered from what was kept
    await settled(answerer.client)
    refreshed = sandbox.stats.requests["GET /v1/bookings"]
    assert refreshed > 0  # ...while it was fetched again behind the answer
    now[0] = 60.0  # 20 s after the refresh landed: fresh again
    await ask(answerer, question, asker())
    assert sandbox.stats.requests["GET /v1/bookings"] == refreshed
    now[0] = 200.0  # past stale too: fetched before answering
    sandbox.stats.reset()
    await ask(answerer, question, asker())
    assert sandbox.stats.requests["GET /v1/bookings"] == refreshed


async def test_the_catalogue_lives_minutes_and_bookings_seconds(
    clocked: tuple[Answerer, list[float]], asker: AskerFactory, sandbox: Sandbox
) -> None:
    answerer, now = clocked
    await ask(answerer, "schedule nanodrop", asker())
    now[0] = 120.0
    sandbox.stats.reset()
    await ask(answerer, "schedule nanodrop", asker())
    assert sandbox.stats.requests["GET /v1/accounts"] == 0  # the catalogue is kept minutes
    assert sandbox.stats.total(f"GET /v1/equipment/{NANODROP}/bookings") > 0  # bookings not


async def test_another_user_never_gets_the_first_users_answers(
    answerer: Answerer, asker: AskerFactory, linked: None, sandbox: Sandbox, store: Store
) -> None:
    grant = token_set(sandbox.grant_tokens(EMILY_ID))
    await store.save_link(EMILY, cm_user_id=EMILY_ID, cm_user_name="Emily Carter", tokens=grant)
    zoe_labs = await ask(answerer, "labs", asker())
    zoe_schedule = await ask(answerer, f"schedule {NANODROP} friday", asker())
    sandbox.stats.reset()
    emily_labs = await ask(answerer, "labs", asker(key=EMILY))
    emily_schedule = await ask(answerer, f"schedule {NANODROP} friday", asker(key=EMILY))
    assert "Genomics Core Facility" in zoe_labs and "Hudson Valley" not in zoe_labs
    assert "Hudson Valley Biolabs" in emily_labs and "Genomics" not in emily_labs
    assert "NanoDrop" in zoe_schedule and "NanoDrop" not in emily_schedule
    assert sandbox.stats.requests["GET /v1/accounts"] == 1  # Emily's own, not Zoë's kept one


async def test_disconnecting_drops_what_was_kept(
    answerer: Answerer, asker: AskerFactory, linked: None, sandbox: Sandbox
) -> None:
    await ask(answerer, "bookings this week", asker())
    answerer.forget(KEY)  # what a disconnect or a relink does
    sandbox.stats.reset()
    await ask(answerer, "bookings this week", asker())
    assert sandbox.stats.requests["GET /v1/bookings"] > 0


@pytest.mark.parametrize("refusal", [401, 403])
async def test_a_refusal_drops_everything_kept_for_the_user(
    answerer: Answerer, asker: AskerFactory, linked: None, sandbox: Sandbox, refusal: int
) -> None:
    await ask(answerer, "bookings this week", asker())
    await ask(answerer, "labs", asker())
    if refusal == 401:
        sandbox.expire_access_tokens(sandbox.demo_user_id)  # renewed, then asked again
    else:
        sandbox.faults.fail_next(status=403)
    await ask(answerer, "schedule nanodrop", asker())  # refused: the user's rights may differ
    sandbox.stats.reset()
    await ask(answerer, "bookings this week", asker())
    await ask(answerer, "labs", asker())
    assert sandbox.stats.requests["GET /v1/bookings"] > 0
    assert sandbox.stats.requests["GET /v1/accounts"] == 1


async def test_each_request_and_token_post_is_counted_in_the_metrics(
    client: ClustermarketClient, linked: None, sandbox: Sandbox
) -> None:
    def count(status: str) -> float:
        value = REGISTRY.get_sample_value(
            "cmbot_upstream_request_seconds_count", {"status": status}
        )
        return value or 0.0

    ok, unavailable = count("200"), count("503")
    sandbox.faults.fail_next(status=503)
    await client.for_user(KEY, kept=False).me()  # 503, then 200
    sandbox.expire_access_tokens(sandbox.demo_user_id)
    await client.for_user(KEY, kept=False).me()  # 401, the token POST (200), then 200
    assert count("503") == unavailable + 1
    assert count("200") == ok + 3
    assert count("401") >= 1


async def test_the_kept_records_are_bounded(
    sandbox: Sandbox, oauth: OAuthClient, http: httpx.AsyncClient, store: Store
) -> None:
    users = [UserKey("T1", f"U{number}") for number in range(3)]
    for user in users:
        grant = token_set(sandbox.grant_tokens(sandbox.demo_user_id))
        await store.save_link(user, cm_user_id=15001, cm_user_name="Z", tokens=grant)
    lifetimes = Lifetimes(bookings=Lifetime(fresh=60.0))
    async with ClustermarketClient(
        sandbox.api_url, "/me", oauth, store, http=http, lifetimes=lifetimes,
        max_cached_records=3000,
    ) as client:  # fmt: skip
        for user in users:
            await client.for_user(user).equipment_bookings(NANODROP)  # 1,300 records each
        assert client.cache.records <= 3000 and len(client.cache) == 2
        sandbox.stats.reset()
        await client.for_user(users[-1]).equipment_bookings(NANODROP)
        assert asked(sandbox) == 0  # the most recent stays
        await client.for_user(users[0]).equipment_bookings(NANODROP)
        assert asked(sandbox) > 0  # the least recently used went first
