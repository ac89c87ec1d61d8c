"""One GET to the API with retries, and what its answer means: JSON, or which error.

Transient failures (network errors, timeouts, 5xx, 429) are retried with capped, jittered
backoff; a 429 waits Retry-After. A final answer becomes its decoded JSON, or the error its
status calls for, with plain messages that name the endpoint and never a token, header or body.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import math
import random
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

from bot.clustermarket.errors import (
    BadResponse,
    ClustermarketError,
    Forbidden,
    MissingScope,
    NotFound,
    RateLimited,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from bot.clustermarket.flow import Upstream, UpstreamLimits
from bot.clustermarket.tokens import UserKey
from bot.observability.metrics import record_upstream

logger = logging.getLogger("bot.clustermarket")

Params = Mapping[str, str | int]

DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=15.0, write=10.0, pool=15.0)
_RETRYABLE_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
_SCOPE_PARAM = re.compile(r'scope="([^"]*)"')
_SCOPE_WORDS = re.compile(r"\b(read_[a-z_]+|write_[a-z_]+)\b")


def make_http_client(limits: httpx.Limits | None = None) -> httpx.AsyncClient:
    """The process's pooled HTTP client, with explicit timeouts, and a pool sized for the
    default `UpstreamLimits` unless `limits` says otherwise.

    httpx's interface over aiohttp's connection pool (httpx-aiohttp, by an httpx maintainer):
    httpcore's own pool walks every connection, polling idle sockets, on each request's start
    and end (pydantic/httpx2#1169, encode/httpcore#1035). Measured here, 2,000 requests at
    200 ms through a 208-connection pool took 19.7 s of CPU with httpcore and 1.2 s with
    aiohttp's.
    """
    return httpx.AsyncClient(
        timeout=DEFAULT_TIMEOUT,
        transport=_Transport(limits=limits or UpstreamLimits().pool()),
        headers={"User-Agent": "cmbot/0.1"},
        follow_redirects=False,
    )


class _Transport(AiohttpTransport):
    """httpx-aiohttp's transport, naming failures as httpcore would: it calls every lost
    connection a connect timeout (a refused connection too)."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await super().handle_async_request(request)
        except httpx.ConnectTimeout as error:
            cause = error.__cause__
            if isinstance(cause, aiohttp.ServerTimeoutError | aiohttp.SocketTimeoutError):
                raise
            if isinstance(cause, aiohttp.ClientConnectorError):
                raise httpx.ConnectError(str(error), request=request) from cause
            if isinstance(cause, aiohttp.ServerDisconnectedError):
                raise httpx.RemoteProtocolError(str(error), request=request) from cause
            if isinstance(cause, aiohttp.ClientConnectionError):
                raise httpx.ReadError(str(error), request=request) from cause
            raise


@dataclass
class Retries:
    """How hard one GET tries before it gives up."""

    max_attempts: int = 4
    backoff_base: float = 0.2
    backoff_cap: float = 5.0
    max_retry_after: float = 30.0

    def backoff(self, attempt: int) -> float:
        """Full jitter over a capped exponential: spreads retries of many clients apart."""
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        return random.uniform(0.0, ceiling)  # noqa: S311 - retry jitter, not a secret


async def send(
    http: httpx.AsyncClient,
    url: str,
    path: str,
    params: Params,
    access_token: str,
    retries: Retries,
    *,
    upstream: Upstream,
    key: UserKey | None,
) -> httpx.Response:
    """One GET with retries of network errors, timeouts, 5xx and 429; `path` is for logs.

    Each attempt holds one of `upstream`'s slots for `key` while it is on the wire (not while
    it waits to retry), and is counted in the metrics when it ends.
    """
    headers = {"Authorization": f"Bearer {access_token}", "Accept": "application/json"}
    page = params.get("page", "-")
    failure: ClustermarketError = UpstreamUnavailable(f"Clustermarket did not answer {path}")
    for attempt in range(1, retries.max_attempts + 1):
        try:
            async with upstream.slot(key):
                started = time.monotonic()
                response = await _get(http, url, params, headers, upstream)
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
                UpstreamTimeout if isinstance(exc, httpx.TimeoutException) else UpstreamUnavailable
            )
            failure = unreachable(
                f"Clustermarket could not be reached for {path} ({type(exc).__name__})"
            )
            delay = retries.backoff(attempt)
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
                retry_after = retry_after_seconds(response.headers.get("Retry-After"))
                if retry_after is not None and retry_after > retries.max_retry_after:
                    raise RateLimited(
                        f"Clustermarket asks to wait {retry_after:.0f} s before {path}",
                        retry_after,
                    )
                failure = RateLimited(f"Clustermarket kept rate-limiting {path}", retry_after)
                delay = retries.backoff(attempt) if retry_after is None else retry_after
            elif status >= httpx.codes.INTERNAL_SERVER_ERROR:
                tries = f"{attempt} attempt" + ("s" if attempt > 1 else "")
                failure = UpstreamUnavailable(
                    f"Clustermarket answered HTTP {status} for {path} ({tries})"
                )
                delay = retries.backoff(attempt)
            else:
                return response
        if attempt < retries.max_attempts:
            await asyncio.sleep(delay)
    raise failure


async def _get(
    http: httpx.AsyncClient,
    url: str,
    params: Params,
    headers: dict[str, str],
    upstream: Upstream,
) -> httpx.Response:
    """The GET itself, counted in the metrics by its status, or as a timeout or network
    failure."""
    started = time.monotonic()
    try:
        response = await http.get(url, params=params, headers=headers)
    except httpx.TimeoutException:
        record_upstream("timeout", time.monotonic() - started)
        raise
    except httpx.HTTPError:
        record_upstream("network", time.monotonic() - started)
        raise
    took = time.monotonic() - started
    record_upstream(response.status_code, took)
    upstream.answered(response.status_code)
    response.elapsed = timedelta(seconds=took)  # httpx leaves it unset on a mocked transport
    return response


def json_body(response: httpx.Response, path: str, *, scope: str | None = None) -> Any:
    """The decoded JSON of a final answer, or the error that the status or body calls for.

    `scope` is the operation's documented scope, named when a 403 says `insufficient_scope`
    without saying which.
    """
    check_answer(response, path, scope=scope)
    try:
        return json.loads(response.content)
    except ValueError:
        raise BadResponse(f"Clustermarket answered {path} with malformed JSON") from None


def check_answer(response: httpx.Response, path: str, *, scope: str | None = None) -> None:
    """Raise the error a final answer's status or content type calls for, if any."""
    status = response.status_code
    if status == httpx.codes.FORBIDDEN:
        missing = _missing_scope(response)
        if missing is not None:
            named = missing or scope
            raise MissingScope(
                f"Clustermarket says this sign-in lacks the {named or 'needed'} scope for {path}",
                named,
            )
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


def _missing_scope(response: httpx.Response) -> str | None:
    """For an RFC 6750 `insufficient_scope` refusal: the scope it names, or "" when it names
    none; None for any other 403."""
    challenge = response.headers.get("WWW-Authenticate", "")
    body: Any = None
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if "insufficient_scope" not in challenge and error != "insufficient_scope":
        return None
    named = _SCOPE_PARAM.search(challenge)
    if named:
        return named.group(1).split()[0] if named.group(1).split() else ""
    if isinstance(body, dict):
        for key in ("scope", "required_scope", "error_description"):
            value = body.get(key)
            found = _SCOPE_WORDS.search(value) if isinstance(value, str) else None
            if found:
                return found.group(1)
    return ""


def json_kind(data: object) -> str:
    kinds: dict[type, str] = {dict: "object", list: "list", str: "string", bool: "boolean"}
    if data is None:
        return "null"
    return kinds.get(type(data), "number")


def retry_after_seconds(value: str | None) -> float | None:
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
