"""The fake Socket Mode server behaves as Slack's does where a client could notice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.fake_slack import FakeSlack
from bot.fake_slack.socket_mode import NoAck, SocketModeServer


@pytest.fixture
async def server() -> AsyncIterator[SocketModeServer]:
    async with FakeSlack() as fake, SocketModeServer(fake, ack_deadline=0.2) as running:
        yield running


async def _open(server: SocketModeServer, session: aiohttp.ClientSession, token: str) -> dict:  # type: ignore[type-arg]
    answer = await session.post(
        server.fake.api_url + "apps.connections.open", headers={"Authorization": f"Bearer {token}"}
    )
    body: dict = await answer.json()  # type: ignore[type-arg]
    return body


async def test_a_ticket_opens_one_connection_which_hears_hello(server: SocketModeServer) -> None:
    async with aiohttp.ClientSession() as session:
        refused = await _open(server, session, server.fake.bot_token)
        assert refused == {"ok": False, "error": "not_allowed_token_type"}
        opened = await _open(server, session, server.app_token)
        assert opened["ok"] and opened["url"].startswith(server.base_url + "/link/?ticket=")
        async with session.ws_connect(opened["url"]) as ws:
            hello = await ws.receive_json()
            assert hello["type"] == "hello" and hello["num_connections"] == 1
            with pytest.raises(aiohttp.WSServerHandshakeError) as reused:
                await session.ws_connect(opened["url"])
            assert reused.value.status == 401


async def test_an_envelope_nobody_acknowledges_is_reported(server: SocketModeServer) -> None:
    async with aiohttp.ClientSession() as session:
        opened = await _open(server, session, server.app_token)
        async with session.ws_connect(opened["url"]) as ws:
            await ws.receive_json()
            with pytest.raises(NoAck):
                await server.deliver("slash_commands", {}, accepts_response_payload=True)
            envelope = await ws.receive_json()
            assert envelope["type"] == "slash_commands" and envelope["envelope_id"]


async def test_an_envelope_waits_for_a_connection_and_returns_the_ack_payload(
    server: SocketModeServer,
) -> None:
    delivery = asyncio.create_task(
        server.deliver("interactive", {"type": "block_actions"}, accepts_response_payload=True)
    )
    async with aiohttp.ClientSession() as session:
        opened = await _open(server, session, server.app_token)
        async with session.ws_connect(opened["url"]) as ws:
            assert (await ws.receive_json())["type"] == "hello"
            envelope = await ws.receive_json()
            assert envelope["accepts_response_payload"] is True
            await ws.send_json({"envelope_id": envelope["envelope_id"], "payload": {"ok": 1}})
            assert await delivery == {"ok": 1}
