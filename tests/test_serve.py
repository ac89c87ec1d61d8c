"""`cmbot serve` as an operator runs it: a real process, settings from the environment."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import httpx
import pytest
from serve_process import serve_environment

from bot.demo.world import SIGNING_SECRET, free_port
from bot.fake_slack import FakeSlack, SlackRequester
from bot.sandbox import Sandbox


async def test_serve_answers_health_and_slack_then_stops_cleanly(
    upstreams: tuple[Sandbox, FakeSlack], tmp_path: pytest.TempPathFactory
) -> None:
    sandbox, fake = upstreams
    port = free_port()
    environment = serve_environment(sandbox, fake, port, str(tmp_path / "serve.db"))  # type: ignore[operator]
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", env=environment, cwd=str(tmp_path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(100):
                try:
                    health = await http.get(f"http://127.0.0.1:{port}/healthz")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.1)
            assert health.status_code == 200
            assert health.json()["status"] == "ok"
            slack = SlackRequester(f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET, fake)
            ack = await slack.command("help", user_id="U0ZOE")
            assert ack.status_code == 200
            answer = await fake.wait_for(lambda: fake.responses)
            assert "/cm bookings" in str(answer[0].body)
            await slack.aclose()
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 0, stderr.decode()
    assert b"Traceback" not in stderr


async def test_serve_without_a_required_setting_says_which(
    tmp_path: pytest.TempPathFactory,
) -> None:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("SLACK_", "CLUSTERMARKET_", "TOKEN_"))
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", env=environment, cwd=str(tmp_path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 2
    lines = stderr.decode().strip().splitlines()
    assert lines == [  # every one at once
        "cmbot: SLACK_BOT_TOKEN is required but not set (or, for many workspaces,"
        " SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET; see .env.example)",
        *(
            f"cmbot: {name} is required but not set (see .env.example)"
            for name in (
                "CLUSTERMARKET_CLIENT_ID",
                "CLUSTERMARKET_CLIENT_SECRET",
                "TOKEN_ENCRYPTION_KEY",
                "SLACK_SIGNING_SECRET",
            )
        ),
    ]
