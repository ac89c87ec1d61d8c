"""`cmbot serve` as an operator runs it: a real process, settings from the environment."""

from __future__ import annotations

import asyncio
import os
import resource
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

from bot.clustermarket.tokens import TokenSet, UserKey
from bot.demo.world import SIGNING_SECRET, free_port
from bot.fake_slack import FakeSlack, SlackRequester
from bot.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox
from bot.store import Store


@pytest.fixture
async def upstreams() -> AsyncIterator[tuple[Sandbox, FakeSlack]]:
    async with Sandbox() as sandbox, FakeSlack() as fake:
        fake.add_user("U0ZOE", name="zoe", real_name="Zoë Ångström")
        yield sandbox, fake


def serve_environment(
    sandbox: Sandbox, fake: FakeSlack, port: int, database: str
) -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("SLACK_", "CLUSTERMARKET_"))
    }
    environment.update(
        SLACK_BOT_TOKEN=fake.bot_token,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.api_url,
        CLUSTERMARKET_API_URL=sandbox.api_url,
        CLUSTERMARKET_OAUTH_URL=sandbox.oauth_url,
        CLUSTERMARKET_CLIENT_ID=DEMO_CLIENT_ID,
        CLUSTERMARKET_CLIENT_SECRET=DEMO_CLIENT_SECRET,
        PUBLIC_URL=f"http://127.0.0.1:{port}",
        DATABASE_PATH=database,
        TOKEN_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        HOST="127.0.0.1",
        PORT=str(port),
    )
    return environment


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
    assert lines == [
        f"cmbot: {name} is required but not set (see .env.example)"
        for name in (
            "SLACK_BOT_TOKEN",
            "CLUSTERMARKET_CLIENT_ID",
            "CLUSTERMARKET_CLIENT_SECRET",
            "TOKEN_ENCRYPTION_KEY",
            "SLACK_SIGNING_SECRET",
        )
    ]


async def test_serve_refuses_an_empty_secret_a_wrong_key_and_a_bad_port_at_once(
    upstreams: tuple[Sandbox, FakeSlack], tmp_path: Path
) -> None:
    """Each problem on its own line, all in one go, no traceback, nothing served."""
    sandbox, fake = upstreams
    database = tmp_path / "serve.db"
    with Store(database, [Fernet.generate_key().decode()]) as earlier:  # another key's tokens
        earlier.save_link(
            UserKey("T0CMBOT", "U0ZOE"),
            cm_user_id=15001,
            cm_user_name="Zoë Ångström",
            tokens=TokenSet("access", "refresh", None, "read_user"),
        )
    environment = serve_environment(sandbox, fake, free_port(), str(database))
    environment.update(SLACK_SIGNING_SECRET="  ", PORT="eighty")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", env=environment, cwd=str(tmp_path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 2
    lines = stderr.decode().strip().splitlines()
    assert [line.split(":", 2)[1].strip().split(" ")[0] for line in lines] == [
        "PORT",
        "SLACK_SIGNING_SECRET",
        "TOKEN_ENCRYPTION_KEY",
    ], lines
    assert "set but empty" in lines[1] and "cannot be decrypted" in lines[2]
    assert "eighty" not in stderr.decode() and b"Traceback" not in stderr


async def test_hundreds_of_idle_sockets_do_not_take_serve_down(
    upstreams: tuple[Sandbox, FakeSlack], tmp_path: Path
) -> None:
    """With 256 file descriptors, 400 idle connections: the oldest give way, /healthz and a
    slash command are still answered (before the cap, accept() failed once descriptors ran out)."""
    sandbox, fake = upstreams
    port = free_port()
    environment = serve_environment(sandbox, fake, port, str(tmp_path / "serve.db"))
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)

    def few_descriptors() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))

    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", env=environment, cwd=str(tmp_path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, preexec_fn=few_descriptors,
    )  # fmt: skip
    idle: list[asyncio.StreamWriter] = []
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            for _ in range(100):
                try:
                    await http.get(f"http://127.0.0.1:{port}/healthz")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.1)
            for _ in range(400):
                idle.append((await asyncio.open_connection("127.0.0.1", port))[1])
            health = await http.get(f"http://127.0.0.1:{port}/healthz")
            assert health.status_code == 200, health.text
            slack = SlackRequester(f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET, fake)
            assert (await slack.command("help", user_id="U0ZOE")).status_code == 200
            await fake.wait_for(lambda: fake.responses)
            await slack.aclose()
    finally:
        for writer in idle:
            writer.close()
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 0, stderr.decode()[-2000:]
    assert b"Traceback" not in stderr
