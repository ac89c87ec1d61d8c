"""Paging in every style a server may use, and never a silent cut.

The sandbox's dialects page by X-Total-Records, Link next/last, envelope meta and nothing at
all (exercised end to end elsewhere); here a hand-written server plays the rarer ways."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from quirky import BASE, quirky_client

from bot.clustermarket.errors import BadResponse
from bot.clustermarket.oauth import OAuthClient
from bot.clustermarket.tokens import TokenSet, UserKey
from bot.store import Store

KEY = UserKey("T1", "U1")
RECORDS = [{"id": n, "name": f"Group {n}"} for n in range(1, 251)]
Handler = Callable[[httpx.Request], httpx.Response]


def page_of(request: httpx.Request, size: int = 100) -> tuple[int, list[dict[str, object]]]:
    page = int(request.url.params.get("page", "1"))
    return page, RECORDS[(page - 1) * size : page * size]


async def read(handler: Handler, oauth: OAuthClient, store: Store, **options: object) -> list[int]:
    async with quirky_client(handler, oauth, store, **options) as client:
        groups = await client.for_user(KEY).groups()
    return [group.id for group in groups if group.id is not None]


@pytest.mark.parametrize("header", ["X-Total", "Total-Count", "X-Total-Count", "Total"])
async def test_totals_under_other_names_read_every_page(
    header: str, oauth: OAuthClient, store: Store, linked: TokenSet
) -> None:
    pages: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        page, body = page_of(request)
        pages.append(page)
        return httpx.Response(200, json=body, headers={header: str(len(RECORDS))})

    assert await read(handler, oauth, store) == list(range(1, 251))
    assert sorted(pages) == [1, 2, 3]


async def test_link_next_only_is_followed_page_by_page(
    oauth: OAuthClient, store: Store, linked: TokenSet
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        page, body = page_of(request)
        links = f'<{BASE}/groups?page={page + 1}>; rel="next"' if page < 3 else ""
        return httpx.Response(200, json=body, headers={"Link": links} if links else {})

    assert await read(handler, oauth, store) == list(range(1, 251))


async def test_a_cursor_link_is_followed_on_the_same_api_only(
    oauth: OAuthClient, store: Store, linked: TokenSet
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        cursor = request.url.params.get("cursor")
        if cursor is None:
            return httpx.Response(200, json=RECORDS[:100], headers=_next("/v1/groups?cursor=b"))
        return httpx.Response(200, json=RECORDS[100:150], headers={"Link": ""})

    assert await read(handler, oauth, store) == list(range(1, 151))

    def elsewhere(request: httpx.Request) -> httpx.Response:
        assert request.url.host == "cm.example"  # the token never goes anywhere else
        return httpx.Response(200, json=RECORDS[:100], headers=_next("https://evil.example/x"))

    with pytest.raises(BadResponse, match="points outside its API"):
        await read(elsewhere, oauth, store)


def _next(url: str) -> dict[str, str]:
    target = url if url.startswith("http") else f"https://cm.example{url}"
    return {"Link": f'<{target}>; rel="next"'}


@pytest.mark.parametrize(
    "meta",
    [
        {"meta": {"total_count": 250}},
        {"meta": {"pagination": {"total_pages": 3, "per_page": 100}}},
        {"count": 250},  # Django REST framework puts it at the top, beside "next"
    ],
)
async def test_envelope_totals(
    meta: dict[str, object], oauth: OAuthClient, store: Store, linked: TokenSet
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        _, body = page_of(request)
        return httpx.Response(200, json={"results": body, **meta})

    assert await read(handler, oauth, store) == list(range(1, 251))


async def test_no_totals_and_smaller_pages_than_asked_are_all_read(
    oauth: OAuthClient, store: Store, linked: TokenSet
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=page_of(request, size=25)[1])

    assert await read(handler, oauth, store) == list(range(1, 251))


async def test_a_short_list_sent_whatever_the_page_is_read_once(
    oauth: OAuthClient, store: Store, linked: TokenSet
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=RECORDS[:40])  # ignores page: everything, every time

    assert await read(handler, oauth, store) == list(range(1, 41))


async def test_past_the_page_ceiling_the_list_is_partial_not_cut_silently(
    oauth: OAuthClient, store: Store, linked: TokenSet
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        _, body = page_of(request)
        return httpx.Response(200, json=body, headers={"X-Total-Records": str(len(RECORDS))})

    async with quirky_client(handler, oauth, store, max_pages=2) as client:
        groups = await client.for_user(KEY).groups()
    assert len(groups) == 200 and groups.partial and groups.paging == "X-Total-Records header"

    def unending(request: httpx.Request) -> httpx.Response:
        page, _ = page_of(request)
        return httpx.Response(200, json=[{"id": page * 1000 + n} for n in range(100)])

    async with quirky_client(unending, oauth, store, max_pages=3) as client:
        sequential = await client.for_user(KEY).groups()
    assert len(sequential) == 300 and sequential.partial
