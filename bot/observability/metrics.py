"""The bot's Prometheus metrics: one registry, the metric objects, a tiny function per event.

Call sites record through the functions, never the objects, so every label value stays in a
small fixed set (a metric with a label per user or per free-text value would grow without
bound and leak who uses the bot). No label carries a team, user or token. `GET /metrics`
serves the registry in Prometheus' text format, with the process's own CPU, memory and file
descriptor figures.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Literal, Protocol, TypeVar

from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)
GCCollector(registry=REGISTRY)

Outcome = Literal["sent", "failed"]
RefreshOutcome = Literal["ok", "failed"]
UpstreamFailure = Literal["timeout", "network"]

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0)

SLACK_ACKS = Histogram(
    "cmbot_slack_ack_seconds",
    "Time from a Slack request's arrival to its acknowledgement (Slack allows 3 s), by kind.",
    ["kind"],
    buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)
ANSWERS = Counter(
    "cmbot_answers",
    "Replies to commands, mentions, DMs and buttons, by intent and whether they were an error.",
    ["kind", "outcome"],
    registry=REGISTRY,
)
UPSTREAM = Histogram(
    "cmbot_upstream_request_seconds",
    "Requests to Clustermarket (API and OAuth), by HTTP status, timeout or network failure.",
    ["status"],
    buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)
TOKEN_REFRESHES = Counter(
    "cmbot_token_refreshes",
    "Clustermarket access-token refreshes, by outcome.",
    ["outcome"],
    registry=REGISTRY,
)
LINKS_LOST = Counter(
    "cmbot_links_lost",
    "Linked Clustermarket accounts that stopped working and need the person to reconnect.",
    registry=REGISTRY,
)
DIGESTS = Counter(
    "cmbot_digests", "Daily digests posted, or failed, by outcome.", ["outcome"], registry=REGISTRY
)
NOTIFICATIONS = Counter(
    "cmbot_notifications",
    "Reminders, change notices and watch posts, by outcome.",
    ["outcome"],
    registry=REGISTRY,
)
CACHE = Counter(
    "cmbot_cache_lookups",
    "Cache lookups by cache and result (hit or miss).",
    ["cache", "result"],
    registry=REGISTRY,
)
SOCKET_CONNECTED = Gauge(
    "cmbot_socket_mode_connected",
    "1 while the Socket Mode connection to Slack is up, 0 while it is down (Socket Mode only).",
    registry=REGISTRY,
)


def record_ack(kind: str, seconds: float) -> None:
    """A Slack request acknowledged; `kind` from `context.request_kind` (a fixed set)."""
    SLACK_ACKS.labels(kind=kind).observe(seconds)


def record_answer(kind: str, *, failed: bool) -> None:
    """A reply composed; `kind` is the intent's class name (a fixed set of our own)."""
    ANSWERS.labels(kind=kind, outcome="error" if failed else "answered").inc()


class _Reply(Protocol):
    @property
    def failure(self) -> bool: ...


Owner = TypeVar("Owner")
Intent = TypeVar("Intent")
Asked = TypeVar("Asked")
Answer = TypeVar("Answer", bound=_Reply)


def counts_answers(
    reply: Callable[[Owner, Intent, Asked], Awaitable[Answer]],
) -> Callable[[Owner, Intent, Asked], Awaitable[Answer]]:
    """Decorates `Conversation.reply` (the one way every intent is answered) so each reply
    is counted by intent, and as an error when it is one."""

    @functools.wraps(reply)
    async def counted(owner: Owner, intent: Intent, asked: Asked) -> Answer:
        answer = await reply(owner, intent, asked)
        record_answer(type(intent).__name__, failed=answer.failure)
        return answer

    return counted


def record_upstream(status: int | UpstreamFailure, seconds: float) -> None:
    """One request to Clustermarket: its HTTP status, or how it failed without one."""
    if isinstance(status, int):
        label = str(status) if 100 <= status <= 599 else "invalid"
    else:
        label = status
    UPSTREAM.labels(status=label).observe(seconds)


def record_token_refresh(outcome: RefreshOutcome) -> None:
    TOKEN_REFRESHES.labels(outcome=outcome).inc()


def record_link_lost() -> None:
    LINKS_LOST.inc()


def record_digests(*, sent: int, failed: int) -> None:
    """What one digest run did (its report's counts)."""
    DIGESTS.labels(outcome="sent").inc(sent)
    DIGESTS.labels(outcome="failed").inc(failed)


def record_notification(outcome: Outcome) -> None:
    NOTIFICATIONS.labels(outcome=outcome).inc()


def record_cache(cache: str, *, hit: bool) -> None:
    """`cache` names one of our caches (a constant at the call site, never data)."""
    CACHE.labels(cache=cache, result="hit" if hit else "miss").inc()


def record_socket_connected(connected: bool) -> None:
    SOCKET_CONNECTED.set(1 if connected else 0)


def render_metrics() -> bytes:
    """The registry in Prometheus' text exposition format."""
    return generate_latest(REGISTRY)


async def metrics_endpoint(_: web.Request) -> web.Response:
    """`GET /metrics`."""
    return web.Response(body=render_metrics(), headers={"Content-Type": CONTENT_TYPE_LATEST})
