"""A client against a hand-written server (httpx's MockTransport, the network edge): for
shapes and misbehaviours the sandbox does not produce."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from bot.clustermarket.client import ClustermarketClient
from bot.clustermarket.oauth import OAuthClient
from bot.store import Store

BASE = "https://cm.example/v1"


def quirky_client(
    handler: Callable[[httpx.Request], httpx.Response],
    oauth: OAuthClient,
    store: Store,
    **options: Any,
) -> ClustermarketClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return ClustermarketClient(
        BASE, "/me", oauth, store, http=http, close_http=True, backoff_cap=0.01, **options
    )
