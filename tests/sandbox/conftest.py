"""Fixtures: a running sandbox on loopback (fixed `today`) and an HTTP client for it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import date

import httpx
import pytest

from bot.sandbox import ALL_SCOPES, Sandbox

# Spans both DST changes (US 10 March, UK 31 March 2024) within today ± 30 days.
TODAY = date(2024, 3, 20)


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with Sandbox(today=TODAY) as running:
        yield running


@pytest.fixture
async def http(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=sandbox.base_url, timeout=10) as client:
        yield client


Bearer = Callable[..., dict[str, str]]


@pytest.fixture
def bearer(sandbox: Sandbox) -> Bearer:
    """Makes an Authorization header with fresh tokens (default: the demo user, all scopes)."""

    def make(user_id: int | None = None, scopes: str = ALL_SCOPES) -> dict[str, str]:
        tokens = sandbox.grant_tokens(user_id or sandbox.demo_user_id, scopes)
        return {"Authorization": f"Bearer {tokens['access_token']}"}

    return make
