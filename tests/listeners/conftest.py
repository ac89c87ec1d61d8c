"""The bot between a fake Slack and the sandbox Clustermarket, all on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_helpers import ZOE

from bot.demo.world import World


@pytest.fixture
async def world() -> AsyncIterator[World]:
    async with World(client_options={"backoff_base": 0.001, "backoff_cap": 0.01}) as running:
        yield running


@pytest.fixture
async def linked(world: World) -> World:
    """Zoë has linked her Clustermarket account through the real flow."""
    page = await world.link(ZOE)
    assert page.status_code == 200, page.text
    await world.fake.wait_for(lambda: world.fake.home_views.get(ZOE.user_id))
    return world
