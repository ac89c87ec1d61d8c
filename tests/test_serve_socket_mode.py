"""`cmbot serve` in Socket Mode, end to end: a real process, the fake Slack's Socket Mode server.

Commands, events and clicks arrive over the WebSocket and are acknowledged on it by
envelope_id; after the server cuts the connection without a word, and after Slack's
`disconnect` message, the bot reconnects and answers again (the fake delivers each envelope
once a connection is up, and gives up after 30 s). The process runs with production settings
(ping interval 10 s) and LOG_FORMAT=json, so its log is checked as an operator would read it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from serve_process import ServeProcess, assert_nothing_secret, json_log_lines, serve_environment

from bot.demo.world import PEOPLE, add_people, connect_button_url, follow_connect_link, free_port
from bot.fake_slack import FakeSlack
from bot.fake_slack.socket_mode import SocketModeRequester, SocketModeServer
from bot.render.actions import SHARE
from bot.sandbox import Sandbox

ZOE = PEOPLE[0]


@pytest.fixture
async def slack_and_sandbox() -> AsyncIterator[tuple[Sandbox, FakeSlack, SocketModeServer]]:
    async with Sandbox() as sandbox, FakeSlack() as fake:
        add_people(fake, (ZOE,))
        async with SocketModeServer(fake) as server:
            yield sandbox, fake, server


async def _answer(fake: FakeSlack, sent: Any) -> dict[str, Any]:
    """The next response-URL post after `sent` (how many there were before the request)."""
    body: dict[str, Any] = await fake.wait_for(
        lambda: fake.responses[sent].body if len(fake.responses) > sent else None, timeout=20
    )
    return body


def _share_button(reply: dict[str, Any]) -> dict[str, Any]:
    for block in reply.get("blocks", []):
        for element in block.get("elements", []):
            if str(element.get("action_id", "")).startswith(SHARE):
                return dict(element)
    raise AssertionError("no Share button in the reply")


async def test_socket_mode_answers_and_reconnects_after_a_drop_and_a_disconnect(
    slack_and_sandbox: tuple[Sandbox, FakeSlack, SocketModeServer], tmp_path: Path
) -> None:
    sandbox, fake, server = slack_and_sandbox
    port = free_port()
    environment = serve_environment(
        sandbox, fake, port, str(tmp_path / "cmbot.db"),
        SLACK_APP_TOKEN=server.app_token, LOG_FORMAT="json",
    )  # fmt: skip
    del environment["SLACK_SIGNING_SECRET"]  # Socket Mode needs none
    bot = ServeProcess(environment, tmp_path)
    slack = SocketModeRequester(server)
    await bot.start()
    try:
        async with httpx.AsyncClient(timeout=30) as browser:
            health = await bot.health(browser)
            assert health.status_code == 200, health.text
            assert server.connections_opened == 1

            # a command over the socket: acknowledged by envelope_id, answered via response_url
            sent = len(fake.responses)
            ack = await slack.command("connect", user_id=ZOE.user_id)
            assert ack.status_code == 200
            await _answer(fake, sent)
            assert any(ack.get("envelope_id") for ack in server.acks)
            url = connect_button_url(fake, ZOE.user_id)
            assert url is not None
            page = await follow_connect_link(browser, url, ZOE)
            assert page.status_code == 200, page.text
            await fake.wait_for(lambda: fake.home_views.get(ZOE.user_id), timeout=20)

            sent = len(fake.responses)
            await slack.command("labs", user_id=ZOE.user_id)
            labs = await _answer(fake, sent)
            assert "Genomics Core Facility" in json.dumps(labs, ensure_ascii=False)

            # a click on the answer's Share button: an interactive envelope
            share = _share_button(labs)
            sent = len(fake.responses)
            await slack.action(
                share["action_id"], share["value"], user_id=ZOE.user_id, message=labs
            )
            shared = await _answer(fake, sent)
            assert shared.get("response_type") == "in_channel"

            # an event: a mention, answered in its thread
            await slack.mention("who am I?", user_id=ZOE.user_id)
            mention = fake.messages_in("C0LAB")[-1]
            await fake.wait_for(
                lambda: [m for m in fake.messages_in("C0LAB") if m.thread_ts == mention.ts],
                timeout=20,
            )

            # the connection dies without a close frame: the next command still gets through
            await server.drop()
            sent = len(fake.responses)
            await slack.command("help", user_id=ZOE.user_id)
            assert "/cm bookings" in json.dumps(await _answer(fake, sent))
            assert server.connections_opened == 2

            # Slack's disconnect message: the bot moves to a new connection and closes the old
            opened = server.connections_opened
            await server.disconnect()
            await server.wait_for_connection(opened_more_than=opened)
            sent = len(fake.responses)
            await slack.command("help", user_id=ZOE.user_id)
            assert "/cm bookings" in json.dumps(await _answer(fake, sent))
            await fake.wait_for(lambda: server.connected == 1)

            health = await bot.health(browser)
            assert health.status_code == 200, health.text
    finally:
        await slack.aclose()
        code, stderr = await bot.stop()
    assert code == 0, stderr[-2000:]
    lines = json_log_lines(stderr)
    acked = [line for line in lines if line["message"].startswith("acked ")]
    assert {line["kind"] for line in acked} >= {"command", "event", "action"}
    assert all(line["team"] == fake.team_id and "latency_ms" in line for line in acked)
    assert_nothing_secret(
        stderr,
        [fake.bot_token, server.app_token, environment["TOKEN_ENCRYPTION_KEY"], "who am I"],
    )
