"""What the link-survival tests share: a client with short renewal times, and ways to tell
whether a link survived."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.clustermarket.client import ClustermarketClient
from bot.clustermarket.errors import ClustermarketError
from bot.clustermarket.oauth import OAuthClient
from bot.clustermarket.refresh import RefreshPolicy
from bot.clustermarket.tokens import UserKey
from bot.sandbox import Sandbox
from bot.store import Store

QUICK = RefreshPolicy(
    lease_ttl=timedelta(seconds=2),
    lease_wait=5.0,
    request_timeout=1.5,
    retry_save_every=0.05,
)
"""Production's protocol at test speed (a lease lapses in 2 s, a token answer is awaited 1.5 s),
with room for a machine under load."""


def quick_client(
    sandbox: Sandbox, oauth: OAuthClient, store: Store, policy: RefreshPolicy = QUICK
) -> ClustermarketClient:
    return ClustermarketClient(
        sandbox.api_url,
        "/me",
        oauth,
        store,
        backoff_base=0.001,
        backoff_cap=0.01,
        refresh=policy,
    )


async def link_works(client: ClustermarketClient, sandbox: Sandbox, key: UserKey) -> bool:
    """Whether the link still answers for its user (renewing as needed): not lost."""
    try:
        return (await client.for_user(key).me()).id == sandbox.demo_user_id
    except ClustermarketError:
        return False


def no_secret_logged(caplog: pytest.LogCaptureFixture, *secrets: str | None) -> bool:
    text = "\n".join(record.getMessage() for record in caplog.records)
    return not any(secret and secret in text for secret in secrets)


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
