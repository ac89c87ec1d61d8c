"""The typed Clustermarket API client: one pooled HTTP client per process, bound per user.

What it absorbs so the Slack layer does not have to: pagination (the API pages by 100 and
does not sort), transient failures (5xx, timeouts and 429 are retried with capped, jittered
backoff), and token expiry (renewed by `refresh.py`: one renewal per user across processes,
and no fault loses the link). What it
cannot absorb surfaces as the exceptions in `errors.py`, with plain messages that name the
endpoint and never a token, header or body.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import math
import random
import time
from collections.abc import Awaitable, Iterable, Mapping
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from bot.clustermarket.errors import (
    BadResponse,
    ClustermarketError,
    Forbidden,
    NotFound,
    RateLimited,
    ReconnectRequired,
    UpstreamTimeout,
    UpstreamUnavailable,
)
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
from bot.clustermarket.refresh import RefreshPolicy, TokenRefresher
from bot.clustermarket.tokens import TokenVault, UserKey
from bot.config import Settings, SettingsError

logger = logging.getLogger("bot.clustermarket")

M = TypeVar("M", bound=BaseModel)
Params = Mapping[str, str | int]

DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=15.0, write=10.0, pool=15.0)
DEFAULT_LIMITS = httpx.Limits(max_connections=50, max_keepalive_connections=20)
PER_PAGE = 100
"""The API's maximum page size: fewest requests for a full list."""
MAX_REFUSALS = 3
"""401s one request renews after, before it gives up for now (the link stays)."""
MAX_PAGES = 1000
"""A ceiling on one list (100,000 records), so a server that ignores `page` cannot loop us."""

_RETRYABLE_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


def make_http_client() -> httpx.AsyncClient:
    """The process's pooled HTTP client, with explicit timeouts and connection limits."""
    return httpx.AsyncClient(
        timeout=DEFAULT_TIMEOUT,
        limits=DEFAULT_LIMITS,
        headers={"User-Agent": "cmbot/0.1"},
        follow_redirects=False,
    )


async def gather_all(*awaitables: Awaitable[Any]) -> list[Any]:
    """Run concurrently and return the results in order; the first failure cancels the rest
    (asyncio.gather would leave them running) and is raised."""
    tasks = [asyncio.ensure_future(awaitable) for awaitable in awaitables]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


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
        page_concurrency: int = 8,
        max_attempts: int = 4,
        backoff_base: float = 0.2,
        backoff_cap: float = 5.0,
        max_retry_after: float = 30.0,
        per_page: int = PER_PAGE,
        refresh: RefreshPolicy | None = None,
        close_http: bool | None = None,
    ) -> None:
        """`close_http` defaults to closing the HTTP client only when it was created here."""
        if page_concurrency < 1 or max_attempts < 1 or not 1 <= per_page <= PER_PAGE:
            raise ValueError(
                "page_concurrency and max_attempts must be at least 1, per_page 1 to 100"
            )
        self.api_url = api_url.rstrip("/")
        self.user_path = "/" + user_path.lstrip("/")
        self.oauth = oauth
        self._vault = vault
        self._http = http if http is not None else make_http_client()
        self._close_http = http is None if close_http is None else close_http
        self.page_concurrency = page_concurrency
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_retry_after = max_retry_after
        self.per_page = per_page
        self.tokens = TokenRefresher(vault, oauth, refresh)

    @classmethod
    def from_settings(
        cls, settings: Settings, vault: TokenVault, **options: Any
    ) -> ClustermarketClient:
        """The client and its OAuthClient from settings, sharing one pooled HTTP client.

        `options` are the keyword arguments of the constructor other than `http`.
        """
        client_id = settings.CLUSTERMARKET_CLIENT_ID
        client_secret = settings.CLUSTERMARKET_CLIENT_SECRET
        if not client_id:
            raise SettingsError("CLUSTERMARKET_CLIENT_ID is required but not set")
        if client_secret is None or not client_secret.get_secret_value():
            raise SettingsError("CLUSTERMARKET_CLIENT_SECRET is required but not set")
        http = make_http_client()
        oauth = OAuthClient(
            settings.CLUSTERMARKET_OAUTH_URL, client_id, client_secret, settings.redirect_uri, http
        )
        return cls(
            settings.CLUSTERMARKET_API_URL,
            settings.CLUSTERMARKET_USER_PATH,
            oauth,
            vault,
            http=http,
            close_http=True,
            **options,
        )

    def for_user(self, key: UserKey, *, sequential: bool = False) -> UserApi:
        """The API as this Slack user's linked Clustermarket account sees it.

        `sequential=True` pages lists one page at a time (for comparison in benchmarks).
        """
        return UserApi(self, key, sequential=sequential)

    async def aclose(self) -> None:
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
        response = await self._send(path, {}, access_token)
        if response.status_code == httpx.codes.UNAUTHORIZED:
            raise ReconnectRequired(f"Clustermarket refused the new token at {path}")
        return _record(response, path, User)

    async def _get_one(
        self, key: UserKey, path: str, model: type[M], params: Params | None = None
    ) -> M:
        response = await self._authorized_get(key, path, params or {})
        return _record(response, path, model)

    async def _get_all(
        self,
        key: UserKey,
        path: str,
        model: type[M],
        params: Mapping[str, str | int | None] | None = None,
        *,
        sequential: bool = False,
    ) -> list[M]:
        """Every record of a paginated list, in page order, each id once.

        Page 1 tells the total (X-Total-Records); the other pages are then fetched together,
        at most `page_concurrency` at a time. Without a readable total, or when asked to be
        sequential, pages are read one after another until a short or empty page.
        """
        query = {name: value for name, value in (params or {}).items() if value is not None}
        first, headers = await self._get_page(key, path, model, query, 1)
        total = _header_int(headers, "X-Total-Records")
        size = _header_int(headers, "X-Per-Page") or self.per_page
        if total is not None and 0 < len(first) < min(size, total):
            size = len(first)  # the server pages smaller than it says or than we asked
        pages = [first]
        if total is not None and not sequential:
            last_page = math.ceil(total / size) if first else 1
            if last_page > MAX_PAGES:
                raise BadResponse(f"Clustermarket claims {total} records at {path}, too many")
            pages += await self._concurrent_pages(key, path, model, query, range(2, last_page + 1))
        else:
            fetched, page_items, number = len(first), first, 1
            while len(page_items) >= size and (total is None or fetched < total):
                number += 1
                if number > MAX_PAGES:
                    raise BadResponse(f"Clustermarket kept paging {path} past {MAX_PAGES} pages")
                page_items, _ = await self._get_page(key, path, model, query, number)
                if page_items and page_items == first:
                    raise BadResponse(f"Clustermarket ignores the page number at {path}")
                pages.append(page_items)
                fetched += len(page_items)
        return _unique(item for page in pages for item in page)

    async def _concurrent_pages(
        self, key: UserKey, path: str, model: type[M], query: Params, numbers: range
    ) -> list[list[M]]:
        """Pages `numbers`, in order, fetched concurrently; the first failure cancels the rest."""
        if not numbers:
            return []
        slots = asyncio.Semaphore(self.page_concurrency)

        async def fetch(number: int) -> list[M]:
            async with slots:
                items, _ = await self._get_page(key, path, model, query, number)
                return items

        pages: list[list[M]] = await gather_all(*(fetch(number) for number in numbers))
        return pages

    async def _get_page(
        self, key: UserKey, path: str, model: type[M], query: Params, number: int
    ) -> tuple[list[M], httpx.Headers]:
        params = {**query, "page": number, "per_page": self.per_page}
        response = await self._authorized_get(key, path, params)
        data = _json_body(response, path)
        if not isinstance(data, list):
            raise BadResponse(
                f"Clustermarket answered {path} with a JSON {_json_kind(data)}"
                " where a list was expected"
            )
        items: list[M] = []
        for index, item in enumerate(data):
            if item is None:
                continue
            try:
                items.append(model.model_validate(item))
            except ValidationError as exc:
                raise BadResponse(
                    f"Clustermarket answered {path} with an unreadable record"
                    f" (page {number}, item {index}: {_first_problem(exc)})"
                ) from None
        return items, response.headers

    # -- tokens ------------------------------------------------------------------------------

    async def _authorized_get(self, key: UserKey, path: str, params: Params) -> httpx.Response:
        """GET with the user's token: renewed ahead of expiry, and again after a 401.

        A 401 is renewed after a few times (a renewal elsewhere may revoke a token between
        loading and using it), then "try again": it never breaks the link by itself, which
        only the token endpoint's refusal of the refresh token does.
        """
        tokens = await self.tokens.fresh(key, await self.tokens.current(key))
        for refusals in range(MAX_REFUSALS + 1):
            response = await self._send(path, params, tokens.access_token)
            if response.status_code != httpx.codes.UNAUTHORIZED:
                return response
            if refusals < MAX_REFUSALS:
                tokens = await self.tokens.after_refusal(key, tokens)
        raise UpstreamUnavailable(f"Clustermarket kept refusing renewed sign-ins at {path}")

    # -- HTTP --------------------------------------------------------------------------------

    async def _send(self, path: str, params: Params, access_token: str) -> httpx.Response:
        """One GET with retries of network errors, timeouts, 5xx and 429."""
        url = self.api_url + path
        headers = {"Authorization": f"Bearer {access_token}", "Accept": "application/json"}
        page = params.get("page", "-")
        failure: ClustermarketError = UpstreamUnavailable(f"Clustermarket did not answer {path}")
        for attempt in range(1, self.max_attempts + 1):
            started = time.monotonic()
            try:
                response = await self._http.get(url, params=params, headers=headers)
            except _RETRYABLE_ERRORS as exc:
                logger.warning(
                    "GET %s page=%s error=%s attempt=%d elapsed=%.3fs",
                    path,
                    page,
                    type(exc).__name__,
                    attempt,
                    time.monotonic() - started,
                )
                unreachable = (
                    UpstreamTimeout
                    if isinstance(exc, httpx.TimeoutException)
                    else UpstreamUnavailable
                )
                failure = unreachable(
                    f"Clustermarket could not be reached for {path} ({type(exc).__name__})"
                )
                delay = self._backoff(attempt)
            except httpx.HTTPError as exc:
                raise UpstreamUnavailable(
                    f"Could not request {path} from Clustermarket ({type(exc).__name__})"
                ) from None
            else:
                status = response.status_code
                logger.log(
                    _level(status),
                    "GET %s page=%s status=%d attempt=%d elapsed=%.3fs",
                    path,
                    page,
                    status,
                    attempt,
                    time.monotonic() - started,
                )
                if status == httpx.codes.TOO_MANY_REQUESTS:
                    retry_after = _retry_after_seconds(response.headers.get("Retry-After"))
                    if retry_after is not None and retry_after > self.max_retry_after:
                        raise RateLimited(
                            f"Clustermarket asks to wait {retry_after:.0f} s before {path}",
                            retry_after,
                        )
                    failure = RateLimited(f"Clustermarket kept rate-limiting {path}", retry_after)
                    delay = self._backoff(attempt) if retry_after is None else retry_after
                elif status >= httpx.codes.INTERNAL_SERVER_ERROR:
                    tries = f"{attempt} attempt" + ("s" if attempt > 1 else "")
                    failure = UpstreamUnavailable(
                        f"Clustermarket answered HTTP {status} for {path} ({tries})"
                    )
                    delay = self._backoff(attempt)
                else:
                    return response
            if attempt < self.max_attempts:
                await asyncio.sleep(delay)
        raise failure

    def _backoff(self, attempt: int) -> float:
        """Full jitter over a capped exponential: spreads retries of many clients apart."""
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        return random.uniform(0.0, ceiling)  # noqa: S311 - retry jitter, not a secret


class UserApi:
    """The ten API calls, as one linked user; list calls return every page."""

    def __init__(self, client: ClustermarketClient, key: UserKey, *, sequential: bool = False):
        self._client = client
        self.key = key
        self.sequential = sequential

    def __repr__(self) -> str:
        return f"UserApi(key={self.key!r}, sequential={self.sequential!r})"

    async def _all(
        self, path: str, model: type[M], params: Mapping[str, str | int | None] | None = None
    ) -> list[M]:
        return await self._client._get_all(
            self.key, path, model, params, sequential=self.sequential
        )

    async def me(self) -> User:
        return await self._client._get_one(self.key, self._client.user_path, User)

    async def accounts(self) -> list[AccountSummary]:
        return await self._all("/accounts", AccountSummary)

    async def account(self, account_id: int) -> Account:
        return await self._client._get_one(self.key, f"/accounts/{int(account_id)}", Account)

    async def bookings(self, provider_account: int | None = None) -> list[Booking]:
        return await self._all("/bookings", Booking, {"provider_account": provider_account})

    async def booking(self, booking_id: int) -> Booking:
        return await self._client._get_one(self.key, f"/bookings/{int(booking_id)}", Booking)

    async def equipment_list(self, account: int | None = None) -> list[EquipmentSummary]:
        return await self._all("/equipment", EquipmentSummary, {"account": account})

    async def equipment(self, equipment_id: int) -> Equipment:
        return await self._client._get_one(self.key, f"/equipment/{int(equipment_id)}", Equipment)

    async def equipment_bookings(self, equipment_id: int) -> list[Booking]:
        return await self._all(f"/equipment/{int(equipment_id)}/bookings", Booking)

    async def groups(self, account: int | None = None) -> list[GroupSummary]:
        return await self._all("/groups", GroupSummary, {"account": account})

    async def group(self, group_id: int) -> Group:
        return await self._client._get_one(self.key, f"/groups/{int(group_id)}", Group)


def _json_body(response: httpx.Response, path: str) -> Any:
    """The decoded JSON of a final answer, or the error that the status or body calls for."""
    status = response.status_code
    if status == httpx.codes.FORBIDDEN:
        raise Forbidden(f"Clustermarket does not let this account read {path} (HTTP 403)")
    if status == httpx.codes.NOT_FOUND:
        raise NotFound(f"Clustermarket has nothing at {path} for this account (HTTP 404)")
    if not response.is_success:
        raise ClustermarketError(f"Clustermarket answered HTTP {status} for {path}")
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise BadResponse(
            f"Clustermarket answered {path} with {media_type or 'no content type'}, not JSON"
        )
    try:
        return json.loads(response.content)
    except ValueError:
        raise BadResponse(f"Clustermarket answered {path} with malformed JSON") from None


def _record(response: httpx.Response, path: str, model: type[M]) -> M:
    """The one record a details endpoint answers, typed."""
    data = _json_body(response, path)
    if not isinstance(data, dict):
        raise BadResponse(
            f"Clustermarket answered {path} with a JSON {_json_kind(data)}"
            " where an object was expected"
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise BadResponse(
            f"Clustermarket answered {path} with an unreadable record ({_first_problem(exc)})"
        ) from None


def _json_kind(data: object) -> str:
    kinds: dict[type, str] = {dict: "object", list: "list", str: "string", bool: "boolean"}
    if data is None:
        return "null"
    return kinds.get(type(data), "number")


def _first_problem(error: ValidationError) -> str:
    """Where and what, without the offending value (which may be anything)."""
    first = error.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "record"
    return f"{where}: {first['type']}"


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


def _header_int(headers: httpx.Headers, name: str) -> int | None:
    """A non-negative integer header, or None when absent or unreadable."""
    value = headers.get(name)
    if value is None:
        return None
    try:
        number = int(value.strip())
    except ValueError:
        return None
    return number if number >= 0 else None


def _retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds from now (delta-seconds or an HTTP date), never negative."""
    if value is None:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


def _level(status: int) -> int:
    if status == httpx.codes.TOO_MANY_REQUESTS or status >= httpx.codes.INTERNAL_SERVER_ERROR:
        return logging.WARNING
    if status >= httpx.codes.BAD_REQUEST:
        return logging.INFO
    return logging.DEBUG
