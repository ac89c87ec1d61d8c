"""A sandbox Clustermarket on loopback (fixed `today`), a linked demo user and an answerer.

Parametrize `today` indirectly to move the world: `@pytest.mark.parametrize("today",
[date(2026, 3, 28)], indirect=True)`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from cryptography.fernet import Fernet

from bot.answers import Answerer, Asker
from bot.clustermarket.client import ClustermarketClient, make_http_client
from bot.clustermarket.oauth import OAuthClient
from bot.clustermarket.tokens import TokenSet, UserKey
from bot.sandbox import ALL_SCOPES, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox
from bot.store import Store

TODAY = date(2026, 3, 25)
LONDON = ZoneInfo("Europe/London")
KEY = UserKey("T1", "U1")


@pytest.fixture
def today(request: pytest.FixtureRequest) -> date:
    return getattr(request, "param", TODAY)


@pytest.fixture
async def sandbox(today: date) -> AsyncIterator[Sandbox]:
    async with Sandbox(today=today) as running:
        yield running


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "cm.db", [Fernet.generate_key().decode()]) as opened:
        yield opened


Linker = Callable[..., None]


@pytest.fixture
def link(sandbox: Sandbox, store: Store) -> Linker:
    """Links KEY (or another Slack user) to the demo user."""

    def link_user(key: UserKey = KEY, *, scopes: str = ALL_SCOPES) -> None:
        grant = sandbox.grant_tokens(sandbox.demo_user_id, scopes=scopes)
        tokens = TokenSet(
            access_token=str(grant["access_token"]),
            refresh_token=str(grant["refresh_token"]),
            expires_at=datetime.now(UTC) + timedelta(hours=1),
            scopes=str(grant.get("scope", "")),
        )
        store.save_link(key, cm_user_id=sandbox.demo_user_id, cm_user_name="Zoë", tokens=tokens)

    return link_user


@pytest.fixture
def linked(link: Linker) -> None:
    link()


@pytest.fixture
async def client(sandbox: Sandbox, store: Store) -> AsyncIterator[ClustermarketClient]:
    """The client with millisecond backoff, so upstream failures are answered at once."""
    async with make_http_client() as http:
        oauth = OAuthClient(
            sandbox.oauth_url,
            DEMO_CLIENT_ID,
            DEMO_CLIENT_SECRET,
            "http://localhost:3000/clustermarket/oauth/callback",
            http,
        )
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
def answerer(client: ClustermarketClient, store: Store) -> Answerer:
    return Answerer(client, store)


@pytest.fixture
def asker(today: date) -> Callable[..., Asker]:
    """An Asker at 13:05 London time on `today` (override any field)."""

    def make(clock: time = time(13, 5), *, tz: ZoneInfo | None = LONDON, **fields: object) -> Asker:
        now = datetime.combine(today, clock, tzinfo=LONDON)
        return Asker(key=KEY, tz=tz, now=now, **fields)  # type: ignore[arg-type]

    return make
