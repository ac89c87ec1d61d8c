"""The Socket Mode link's watchdog: what slack_sdk alone does not recover from.

After an outage longer than a connection ticket lives, slack_sdk's reconnect loop retries its
dead `?ticket=` URL forever; the watchdog clears it so the loop asks Slack for a fresh one.
/healthz reports the socket down (503) meanwhile and up again after. Short intervals here;
`cmbot serve` runs the production ones (test_serve_socket_mode).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.demo.world import PEOPLE, World
from bot.fake_slack.socket_mode import SocketModeRequester, SocketModeServer
from bot.observability import render_metrics
from bot.socket_mode import SocketModeLink

ZOE = PEOPLE[0]
PING = 0.1


@pytest.fixture
async def socket_world() -> AsyncIterator[tuple[World, SocketModeServer, SocketModeLink]]:
    async with World() as world, SocketModeServer(world.fake, ticket_lifetime=0.3) as server:
        link = SocketModeLink(
            world.bolt, server.app_token, ping_interval=PING, check_every=PING, patience=0.3
        )
        world.server.health.socket_connected = link.connected
        await link.start()
        try:
            yield world, server, link
        finally:
            await link.close()


async def test_an_outage_longer_than_a_ticket_lives_is_recovered(
    socket_world: tuple[World, SocketModeServer, SocketModeLink],
) -> None:
    world, server, link = socket_world
    server.refuse_connections()
    await server.drop()
    await asyncio.sleep(6 * PING)  # slack_sdk's retries now hold a ticket that has expired
    assert not await link.connected()
    down = await world.browser.get(world.base_url + "/healthz")
    assert down.status_code == 503
    assert down.json()["socket_mode"] == "disconnected"

    server.refuse_connections(False)
    await server.wait_for_connection(opened_more_than=1, timeout=10)
    async with SocketModeRequester(server) as slack:
        sent = len(world.fake.responses)
        await slack.command("help", user_id=ZOE.user_id)
        await world.fake.wait_for(lambda: world.fake.responses[sent:])
    up = await world.browser.get(world.base_url + "/healthz")
    assert up.status_code == 200, up.text
    await link.check()
    assert "cmbot_socket_mode_connected 1.0" in render_metrics().decode()


async def test_a_healthy_connection_is_left_alone(
    socket_world: tuple[World, SocketModeServer, SocketModeLink],
) -> None:
    _, server, link = socket_world
    await asyncio.sleep(5 * PING)
    await link.check()
    assert server.connections_opened == 1
    assert await link.connected()
