"""An answerer over the shared sandbox, store and client (tests/conftest.py), and askers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.answers import Answerer, Asker
from bot.clustermarket.client import ClustermarketClient
from bot.clustermarket.tokens import UserKey
from bot.store import Store

TODAY = date(2026, 3, 25)
LONDON = ZoneInfo("Europe/London")
KEY = UserKey("T1", "U1")


@pytest.fixture
def answerer(client: ClustermarketClient, store: Store) -> Answerer:
    return Answerer(client, store)


@pytest.fixture
def asker(today: date) -> Callable[..., Asker]:
    """An Asker at 13:05 London time on `today` (override any field)."""

    def make(clock: time = time(13, 5), *, tz: ZoneInfo | None = LONDON, **fields: object) -> Asker:
        now = datetime.combine(today, clock, tzinfo=LONDON)
        return Asker(**{"key": KEY, **fields}, tz=tz, now=now)  # type: ignore[arg-type]

    return make
