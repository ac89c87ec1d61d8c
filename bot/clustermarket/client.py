"""The typed Clustermarket API client: one pooled HTTP client per process, bound per user.

What it absorbs so the Slack layer does not have to: the shapes the API may take (records read
one at a time, in any dialect: `reading.py`), pagination in any style (`paging.py`), naive
times (placed in their lab's zone: `zones.py`), transient failures (retried with capped,
jittered backoff: `transport.py`), and token expiry (renewed by `refresh.py`: one renewal per
user across processes, and no fault loses the link). What it cannot absorb surfaces as the
exceptions in `errors.py`, with plain messages that name the endpoint and never a token,
header or body.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Awaitable, Callable, Iterable, Mapping
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import parse_qsl, urlsplit

import httpx
from pydantic import BaseModel

from bot.clustermarket.cache import MAX_RECORDS, Lifetimes, UserCache
from bot.clustermarket.errors import (
    BadResponse,
    ReconnectRequired,
    UpstreamUnavailable,
)
from bot.clustermarket.flow import Upstream, UpstreamLimits
from bot.clustermarket.listing import Listing
from bot.clustermarket.models import User
from bot.clustermarket.oauth import OAuthClient
from bot.clustermarket.operations import operation_for
from bot.clustermarket.paging import Page, PageRef, PageWindow, read_pages
from bot.clustermarket.reading import one_body, read_list, read_one
from bot.clustermarket.refresh import RefreshPolicy, TokenRefresher
from bot.clustermarket.tokens import TokenVault, UserKey
from bot.clustermarket.transport import Params, Retries, json_body, json_kind, send
from bot.clustermarket.transport import make_http_client as make_http_client
from bot.clustermarket.user_api import UserApi
from bot.clustermarket.zones import LabZones
from bot.config import Settings

logger = logging.getLogger("bot.clustermarket")

M = TypeVar("M", bound=BaseModel)
AfterPage = Callable[[Page[Any]], Awaitable[None]]

PER_PAGE = 100
"""The API's maximum page size: fewest requests for a full list."""
MAX_PAGES = 1000
"""A ceiling on one list (100,000 records): past it the list is cut and marked partial."""
MAX_REFUSALS = 3
"""401s one request renews after, before it gives up for now (the link stays)."""
ZONES_TTL = 600.0
"""Seconds a user's lab zones are kept for placing naive times."""


class ClustermarketClient:
    """Shared by every user of the process; `for_user` gives the API bound to one user."""

    def __init__(
        self,
        api_url: str,
        user_path: str,
        oauth: OAuthClient,
        vault: TokenVault,
        *,
        http: httpx.AsyncClient | None = None,
        limits: UpstreamLimits | None = None,
        page_concurrency: int | None = None,
        lifetimes: Lifetimes | None = None,
        max_cached_records: int = MAX_RECORDS,
        max_attempts: int = 4,
        backoff_base: float = 0.2,
        backoff_cap: float = 5.0,
        max_retry_after: float = 30.0,
        per_page: int = PER_PAGE,
        max_pages: int = MAX_PAGES,
        refresh: RefreshPolicy | None = None,
        close_http: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`close_http` defaults to closing the HTTP client only when it was created here.

        `limits` bounds the requests in flight (and sizes the pool of an HTTP client made
        here); `page_concurrency` pins the pages of one list in flight, which otherwise follow
        the API's latency up to the per-user bound; `lifetimes` says how long answers are kept.
        """
        if (page_concurrency is not None and page_concurrency < 1) or min(
            max_attempts, max_pages
        ) < 1:
            raise ValueError("page_concurrency, max_attempts and max_pages must be at least 1")
        if not 1 <= per_page <= PER_PAGE:
            raise ValueError("per_page must be 1 to 100")
        self.api_url = api_url.rstrip("/")
        self.user_path = "/" + user_path.lstrip("/")
        self.oauth = oauth
        self._vault = vault
        self.upstream = Upstream(limits)
        self._http = http if http is not None else make_http_client(self.upstream.limits.pool())
        self._close_http = http is None if close_http is None else close_http
        self.fixed_window = page_concurrency
        self.cache = UserCache(lifetimes or Lifetimes(), max_cached_records, clock)
        self.retries = Retries(max_attempts, backoff_base, backoff_cap, max_retry_after)
        self.per_page = per_page
        self.max_pages = max_pages
        self.tokens = TokenRefresher(vault, oauth, refresh)
        self._clock = clock
        # A lock lives as long as some request holds it, so idle users cost nothing.
        self._zone_locks: weakref.WeakValueDictionary[UserKey, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )
        self._zones: dict[UserKey, LabZones] = {}

    @property
    def max_attempts(self) -> int:
        return self.retries.max_attempts

    @property
    def page_concurrency(self) -> int:
        """The most pages of one list in flight."""
        return self.fixed_window or self.upstream.limits.per_user

    def page_window(self) -> PageWindow:
        """A window for reading one list's pages."""
        return PageWindow(
            self.upstream.limits.per_user, self.upstream.backoff, fixed=self.fixed_window
        )

    @classmethod
    def from_settings(
        cls, settings: Settings, vault: TokenVault, **options: Any
    ) -> ClustermarketClient:
        """The client and its OAuthClient from settings, sharing one pooled HTTP client.

        `options` are the keyword arguments of the constructor other than `http`.
        """
        http = make_http_client((options.get("limits") or UpstreamLimits()).pool())
        oauth = OAuthClient.from_settings(settings, http)
        return cls(
            settings.CLUSTERMARKET_API_URL,
            settings.CLUSTERMARKET_USER_PATH,
            oauth,
            vault,
            http=http,
            close_http=True,
            **options,
        )

    def for_user(self, key: UserKey, *, sequential: bool = False, kept: bool = True) -> UserApi:
        """The API as this Slack user's linked Clustermarket account sees it.

        `sequential=True` pages lists one page at a time (for comparison in benchmarks);
        `kept=False` always asks Clustermarket, and keeps nothing.
        """
        return UserApi(self, key, sequential=sequential, kept=kept)

    def forget(self, key: UserKey) -> None:
        """Drop what is kept for a user (after they disconnect or link another account, and
        when Clustermarket refuses them: their rights may have changed)."""
        self._zones.pop(key, None)
        self.cache.forget(key)

    async def aclose(self) -> None:
        await self.cache.aclose()
        await self.tokens.aclose()
        if self._close_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- one record, all records -------------------------------------------------------------

    async def whoami(self, access_token: str) -> User:
        """The owner of a token not yet in the vault: who just linked, before saving the link.

        Retries like every GET, but never refreshes: a 401 means the new token is no good.
        """
        path = self.user_path
        response = await self._send(path, {}, access_token, None)
        if response.status_code == httpx.codes.UNAUTHORIZED:
            raise ReconnectRequired(f"Clustermarket refused the new token at {path}")
        return self._record(response, path, User)

    async def _get_one(
        self, key: UserKey, path: str, model: type[M], params: Params | None = None
    ) -> M:
        response = await self._authorized_get(key, path, params or {})
        return self._record(response, path, model)

    async def raw_get(self, key: UserKey, path: str, params: Params) -> tuple[httpx.Response, Any]:
        """One GET as the user, its JSON not yet read as records: what `cmbot doctor` inspects.
        Raises the same errors as every call."""
        response = await self._authorized_get(key, path, params)
        return response, self._json(response, path)

    def _record(self, response: httpx.Response, path: str, model: type[M]) -> M:
        """The one record a details endpoint answers, typed; unreadable fields are dropped."""
        data = one_body(self._json(response, path))
        record, why = read_one(model, data)
        if record is None:
            kind = json_kind(data)
            where = " where an object was expected" if kind != "object" else f" ({why})"
            raise BadResponse(f"Clustermarket answered {path} with a JSON {kind}{where}")
        return record

    def _json(self, response: httpx.Response, path: str) -> Any:
        return json_body(response, path, scope=self._scope(path))

    def _scope(self, path: str) -> str | None:
        """The documented scope of the operation at `path`, to name in a 403."""
        operation = operation_for(path, self.user_path)
        return operation.scope if operation else None

    async def _get_all(
        self,
        key: UserKey,
        path: str,
        model: type[M],
        params: Mapping[str, str | int | None] | None = None,
        *,
        sequential: bool = False,
        after_page: AfterPage | None = None,
    ) -> Listing[M]:
        """Every record of a paginated list, in page order, each id once, with what was
        skipped and whether the page ceiling cut it."""
        query = {name: value for name, value in (params or {}).items() if value is not None}

        async def fetch(ref: PageRef) -> Page[M]:
            page = await self._get_page(key, path, model, query, ref)
            if after_page is not None:
                await after_page(page)
            return page

        paged = await read_pages(
            fetch,
            per_page=self.per_page,
            window=self.page_window(),
            max_pages=self.max_pages,
            sequential=sequential,
            path=path,
        )
        if paged.partial:
            logger.warning("GET %s cut at %d pages", path, self.max_pages)
        return Listing(
            _unique(item for page in paged.pages for item in page.items),
            skipped=[skip for page in paged.pages for skip in page.skipped],
            partial=paged.partial,
            paging=paged.style,
        )

    async def _get_page(
        self, key: UserKey, path: str, model: type[M], query: Params, ref: PageRef
    ) -> Page[M]:
        params: Params
        if isinstance(ref, int):
            number, where, params = ref, path, {**query, "page": ref, "per_page": self.per_page}
        else:
            number = 0
            where, params = self._relative(ref, path)
        response = await self._authorized_get(key, where, params)
        started = time.perf_counter()
        scope = self._scope(path)
        page = read_list(model, response, path, number, scope=scope)
        page.latency = response.elapsed.total_seconds()
        page.reading = time.perf_counter() - started
        return page

    def _relative(self, url: str, path: str) -> tuple[str, dict[str, str]]:
        """A `next` link as a path under the API base and its query; only links back to the
        same API are followed, so a token never goes anywhere else."""
        split, base = urlsplit(url), urlsplit(self.api_url)
        if not split.scheme and not split.netloc:
            split = urlsplit(f"{base.scheme}://{base.netloc}{url}")
        same = (split.scheme, split.netloc) == (base.scheme, base.netloc)
        if not same or not split.path.startswith(base.path):
            raise BadResponse(f"Clustermarket's next page of {path} points outside its API")
        return split.path[len(base.path) :] or "/", dict(parse_qsl(split.query))

    # -- lab zones, for naive times ------------------------------------------------------------

    async def lab_zones(self, key: UserKey, build: Callable[[], Awaitable[LabZones]]) -> LabZones:
        """The user's lab zones: kept a while, built once at a time per user."""
        cached = self._fresh_zones(key)
        if cached is not None:
            return cached
        lock = self._zone_locks.get(key)
        if lock is None:
            lock = self._zone_locks[key] = asyncio.Lock()
        async with lock:
            cached = self._fresh_zones(key)
            if cached is None:
                cached = await build()
                self.remember_zones(key, cached)
            return cached

    def remember_zones(self, key: UserKey, zones: LabZones) -> None:
        """Zones learnt elsewhere too (the answers' catalogue reads the same accounts); the
        stale ones of other users go, so idle users cost nothing."""
        now = self._clock()
        for stale in [
            user for user, kept in self._zones.items() if now - kept.built_at >= ZONES_TTL
        ]:
            del self._zones[stale]
        zones.built_at = now
        self._zones[key] = zones

    def _fresh_zones(self, key: UserKey) -> LabZones | None:
        cached = self._zones.get(key)
        if cached is not None and self._clock() - cached.built_at < ZONES_TTL:
            return cached
        return None

    # -- tokens ------------------------------------------------------------------------------

    async def _authorized_get(self, key: UserKey, path: str, params: Params) -> httpx.Response:
        """GET with the user's token: renewed ahead of expiry, and again after a 401.

        A 401 is renewed after a few times (a renewal elsewhere may revoke a token between
        loading and using it), then "try again": it never breaks the link by itself, which
        only the token endpoint's refusal of the refresh token does.
        """
        tokens = await self.tokens.fresh(key, await self.tokens.current(key))
        for refusals in range(MAX_REFUSALS + 1):
            response = await self._send(path, params, tokens.access_token, key)
            if response.status_code in (httpx.codes.UNAUTHORIZED, httpx.codes.FORBIDDEN):
                self.cache.forget(key)  # their rights may have changed: ask again from now on
            if response.status_code != httpx.codes.UNAUTHORIZED:
                return response
            if refusals < MAX_REFUSALS:
                tokens = await self.tokens.after_refusal(key, tokens)
        raise UpstreamUnavailable(f"Clustermarket kept refusing renewed sign-ins at {path}")

    # -- HTTP --------------------------------------------------------------------------------

    async def _send(
        self, path: str, params: Params, access_token: str, key: UserKey | None
    ) -> httpx.Response:
        """One GET with retries of network errors, timeouts, 5xx and 429, in `key`'s slots."""
        return await send(
            self._http,
            self.api_url + path,
            path,
            params,
            access_token,
            self.retries,
            upstream=self.upstream,
            key=key,
        )


def _unique(items: Iterable[M]) -> list[M]:
    """Drop repeated ids: an unsorted list that shifts between pages may repeat a record."""
    seen: set[object] = set()
    result: list[M] = []
    for item in items:
        record_id = getattr(item, "id", None)
        if record_id is not None:
            if record_id in seen:
                continue
            seen.add(record_id)
        result.append(item)
    return result
