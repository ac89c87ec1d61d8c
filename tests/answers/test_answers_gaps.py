"""A list cut at the page ceiling is said to be partial in the answer, never cut silently."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from bot.answers import Answerer, Asker
from bot.clustermarket.client import ClustermarketClient
from bot.clustermarket.oauth import OAuthClient
from bot.clustermarket.tokens import TokenSet
from bot.questions.commands import parse_command
from bot.sandbox import Sandbox
from bot.store import Store


async def test_a_list_cut_at_the_page_ceiling_says_so(
    sandbox: Sandbox,
    oauth: OAuthClient,
    store: Store,
    http: httpx.AsyncClient,
    linked: TokenSet,
    asker: Callable[..., Asker],
) -> None:
    async with ClustermarketClient(
        sandbox.api_url, "/me", oauth, store, http=http, max_pages=1, backoff_base=0.001
    ) as client:
        answerer = Answerer(client, store)
        reply = await answerer.answer(parse_command("schedule 4105 today"), asker())
    assert "too long to read in full" in reply.text
    assert not reply.failure
