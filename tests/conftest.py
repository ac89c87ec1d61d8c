"""Shared by the client and answers tests: a sandbox Clustermarket on loopback (fixed `today`),
the real encrypted store, a linked user and a client with millisecond backoff; and by the
`cmbot serve` tests: the `upstreams` a child process talks to.

Parametrize `today` indirectly to move the world: `@pytest.mark.parametrize("today",
[date(2026, 3, 28)], indirect=True)`.
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

from bot.clustermarket.client import ClustermarketClient, make_http_client
from bot.clustermarket.oauth import OAuthClient
from bot.clustermarket.tokens import TokenSet, UserKey
from bot.fake_slack import FakeSlack
from bot.sandbox import ALL_SCOPES, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox, SandboxKnobs
from bot.store import Store

FAR_FROM_UTC = ("Pacific/Kiritimati", "America/Adak")
"""UTC+14 and UTC-10/-9: each test worker runs in one, so nothing may assume the machine's zone."""


def pytest_configure(config: pytest.Config) -> None:
    """Put each xdist worker in a zone far from UTC, unless TZ was chosen for the run."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker.startswith("gw") and worker[2:].isdigit() and "TZ" not in os.environ:
        os.environ["TZ"] = FAR_FROM_UTC[int(worker[2:]) % len(FAR_FROM_UTC)]
        time.tzset()


TODAY = date(2026, 3, 25)
KEY = UserKey("T1", "U1")
REDIRECT_URI = "http://localhost:3000/clustermarket/oauth/callback"


def token_set(grant: dict[str, object]) -> TokenSet:
    """A TokenSet from the token endpoint's JSON, as a test's starting point."""
    expires_in = grant.get("expires_in")
    return TokenSet(
        access_token=str(grant["access_token"]),
        refresh_token=str(grant["refresh_token"]),
        expires_at=(
            datetime.now(UTC) + timedelta(seconds=float(expires_in))
            if isinstance(expires_in, int | float)
            else None
        ),
        scopes=str(grant.get("scope", "")),
    )


Linker = Callable[..., Awaitable[TokenSet]]
"""await link(key=KEY, *, scopes=ALL_SCOPES): link a Slack user to the demo user, fresh tokens."""


@pytest.fixture
def today(request: pytest.FixtureRequest) -> date:
    return getattr(request, "param", TODAY)


@pytest.fixture
async def sandbox(today: date) -> AsyncIterator[Sandbox]:
    async with Sandbox(today=today, knobs=SandboxKnobs()) as running:
        yield running


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "cm.db", [Fernet.generate_key().decode()]) as opened:
        yield opened


@pytest.fixture
def key() -> UserKey:
    """The Slack user most tests act as."""
    return KEY


@pytest.fixture
def redirect_uri() -> str:
    return REDIRECT_URI


@pytest.fixture
def link(sandbox: Sandbox, store: Store) -> Linker:
    """Links a Slack user to the sandbox's demo user with freshly granted tokens."""

    async def link_user(key: UserKey = KEY, *, scopes: str = ALL_SCOPES) -> TokenSet:
        tokens = token_set(sandbox.grant_tokens(sandbox.demo_user_id, scopes=scopes))
        await store.save_link(
            key, cm_user_id=sandbox.demo_user_id, cm_user_name="Test User", tokens=tokens
        )
        return tokens

    return link_user


@pytest.fixture
async def linked(link: Linker) -> TokenSet:
    """KEY linked to the sandbox's demo user; the tokens it started with."""
    return await link()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with make_http_client() as client:
        yield client


@pytest.fixture
def oauth(sandbox: Sandbox, http: httpx.AsyncClient) -> OAuthClient:
    return OAuthClient(sandbox.oauth_url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, REDIRECT_URI, http)


@pytest.fixture
async def client(
    sandbox: Sandbox, oauth: OAuthClient, store: Store, http: httpx.AsyncClient
) -> AsyncIterator[ClustermarketClient]:
    """The client with millisecond backoff, so retry tests take no time."""
    async with ClustermarketClient(
        sandbox.api_url,
        "/me",
        oauth,
        store,
        http=http,
        backoff_base=0.001,
        backoff_cap=0.01,
        max_retry_after=5.0,
    ) as built:
        yield built


@pytest.fixture
async def upstreams() -> AsyncIterator[tuple[Sandbox, FakeSlack]]:
    """The sandbox and a fake Slack with Zoë in it, for a `cmbot serve` child process."""
    async with Sandbox() as sandbox, FakeSlack() as fake:
        fake.add_user("U0ZOE", name="zoe", real_name="Zoë Ångström")
        yield sandbox, fake
