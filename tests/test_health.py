"""/healthz names each part: database writable, key valid, Slack's auth.test (remembered,
quick), Socket Mode when used, the digest scheduler's last tick; 503 when one fails. And the
listening socket: idle connections time out, and too many push the oldest out.

One world serves the module; a test that spoils a part restores it.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from cryptography.fernet import Fernet

from bot.demo.world import World, free_port
from bot.digest.runner import DigestRunner
from bot.digest.scheduler import DigestScheduler
from bot.health import Health
from bot.listening import listen
from bot.notify.runner import NotifyRunner
from bot.notify.scheduler import NotifyScheduler
from bot.server import runner_for
from bot.store import Store

pytestmark = pytest.mark.asyncio(loop_scope="module")
WAIT = 30.0  # generous: a loaded test machine is slow, and waiting ends at the answer


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world() -> AsyncIterator[World]:
    async with World() as running:
        yield running


@pytest_asyncio.fixture(loop_scope="module")
async def health(world: World) -> AsyncIterator[Health]:
    """A fresh Health (nothing remembered) with short time limits, in the world's server."""
    usual = world.server.health
    world.server.health = Health(world.services.store, world.services.slack.base, timeout=0.3)
    yield world.server.health
    world.server.health = usual


async def healthz(world: World) -> tuple[int, dict[str, Any]]:
    answer = await world.browser.get(world.base_url + "/healthz")
    return answer.status_code, answer.json()


async def test_every_part_ok_is_200(world: World, health: Health) -> None:
    status, body = await healthz(world)
    assert (status, body) == (200, {"status": "ok", "database": "ok", "key": "ok", "slack": "ok"})


async def test_slack_refusing_the_token_is_503_and_the_answer_is_remembered(
    world: World, health: Health
) -> None:
    world.fake.fail_next("auth.test", error="invalid_auth")
    asked = len(world.fake.calls_to("auth.test"))
    status, body = await healthz(world)
    assert status == 503
    assert body["status"] == "failing" and body["failing"] == ["slack"]
    assert body["slack"] == "auth.test failed: invalid_auth"
    assert (await healthz(world))[1]["slack"] == "auth.test failed: invalid_auth"
    assert len(world.fake.calls_to("auth.test")) == asked + 1  # asked once for both


async def test_a_slow_slack_is_failing_not_a_slow_healthz(world: World, health: Health) -> None:
    world.fake.latency = 2.0
    try:
        status, body = await healthz(world)
    finally:
        world.fake.latency = 0.0
    assert status == 503 and body["slack"] == "auth.test failed: TimeoutError"


async def test_a_locked_database_is_503(world: World, health: Health) -> None:
    other = sqlite3.connect(world.settings.DATABASE_PATH, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        status, body = await healthz(world)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert status == 503 and "database" in body["failing"]
    assert body["database"].startswith("no answer within 0.3 s")
    await asyncio.sleep(0.3)  # the check waiting on the lock finishes once it is free
    assert (await healthz(world))[0] == 200


async def test_a_key_that_cannot_decrypt_the_stored_tokens_is_503(
    world: World, health: Health
) -> None:
    await world.services.store.verify_key()  # the canary, under the world's key
    path = world.settings.DATABASE_PATH
    wrong_key = await Store.open(path, [Fernet.generate_key().decode()])
    world.server.health = Health(wrong_key, world.services.slack.base, timeout=0.3)
    try:
        status, body = await healthz(world)
    finally:
        await wrong_key.aclose()
    assert status == 503 and body["failing"] == ["key"]
    assert body["key"] == "TOKEN_ENCRYPTION_KEY cannot decrypt the stored tokens"


async def test_socket_mode_when_used(world: World, health: Health) -> None:
    connected = False

    async def is_connected() -> bool:
        return connected

    health.socket_connected = is_connected
    status, body = await healthz(world)
    assert status == 503 and body["socket_mode"] == "disconnected"
    connected = True
    assert (await healthz(world))[1]["socket_mode"] == "ok"


async def test_the_schedulers_must_be_ticking(world: World, health: Health) -> None:
    digests = DigestScheduler(DigestRunner(world.services), interval=0.05)
    notifier = NotifyScheduler(NotifyRunner(world.services), interval=0.05)
    health.schedulers = {"scheduler": digests, "notifier": notifier}
    status, body = await healthz(world)
    assert status == 503 and body["scheduler"] == body["notifier"] == "not running"
    digests.start()
    notifier.start()
    try:
        await world.fake.wait_for(lambda: digests.last_tick_at, timeout=WAIT)
        await world.fake.wait_for(lambda: notifier.last_tick_at, timeout=WAIT)
        status, body = await healthz(world)
    finally:
        await digests.stop()
        await notifier.stop()
    assert status == 200 and body["scheduler"] == body["notifier"] == "ok"
    assert body["scheduler_last_tick"].startswith(str(digests.last_tick_at)[:10])
    assert body["notifier_last_tick"].startswith(str(notifier.last_tick_at)[:10])


async def test_idle_connections_time_out_and_the_oldest_make_room(world: World) -> None:
    runner = runner_for(world.server.web_app(), keepalive_timeout=0.3)
    await runner.setup()
    port = free_port()
    await listen(runner, "127.0.0.1", port, max_connections=8)
    try:
        idle = [await asyncio.open_connection("127.0.0.1", port) for _ in range(20)]
        async with httpx.AsyncClient() as http:
            assert (await http.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200
        closed = [await reader.read() == b"" for reader, _ in idle[:10]]
        assert all(closed)  # pushed out by newer ones, or idle too long
        for reader, writer in idle:
            assert await asyncio.wait_for(reader.read(), timeout=5) == b""  # idle: closed
            writer.close()
    finally:
        await runner.cleanup()
