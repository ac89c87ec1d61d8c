"""A person's data, on request: "Also forget my settings" after `/cm disconnect`, and
`cmbot user forget SLACK_ID [--team T]` for an operator."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "listeners"))

from slack_helpers import ZOE, ask, click, words

from bot.cli import main
from bot.clustermarket.tokens import UserKey
from bot.demo.world import World, free_port

KEY = UserKey("T0CMBOT", ZOE.user_id)


async def set_up_zoe(world: World) -> None:
    """Zoë linked, with her own digest and the lab channel's, which she set up."""
    await world.link(ZOE)
    assert "08:00" in words(await ask(world, "digest on 08:00"))
    assert "Genomics" in words(await ask(world, "digest channel on 08:00 Genomics Core Facility"))


@pytest.fixture
async def world() -> AsyncIterator[World]:
    async with World(client_options={"backoff_base": 0.001, "backoff_cap": 0.01}) as running:
        yield running


async def test_forget_my_settings_after_disconnect_leaves_nothing(world: World) -> None:
    await set_up_zoe(world)
    store = world.services.store
    disconnected = await ask(world, "disconnect")
    assert "Disconnected" in words(disconnected)
    assert await store.mentions(KEY) > 0  # her digests and time zone are still there
    still_there = await ask(world, "disconnect")  # not connected, but settings remain
    assert "weren't connected" in words(still_there)

    done = await click(world, still_there, "cm_forget_me")

    assert "no longer keeps anything about you" in words(done)
    assert "personal digest (1)" in words(done)
    assert await store.mentions(KEY) == 0
    assert await store.teams_of(ZOE.user_id) == []
    notice = [m for m in world.fake.messages_in("C0LAB") if "is paused" in m.text]
    assert len(notice) == 1 and "Genomics Core Facility" in notice[0].text
    assert "digest channel on 08:00" in str(notice[0].blocks)
    again = await ask(world, "disconnect")
    assert "weren't connected" in words(again) and "cm_forget_me" not in str(again)


def environment(world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The settings `serve` uses, as the operator's shell has them."""
    settings = world.settings
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name, value in {
        "SLACK_BOT_TOKEN": world.fake.bot_token,
        "SLACK_API_URL": settings.SLACK_API_URL,
        "CLUSTERMARKET_API_URL": settings.CLUSTERMARKET_API_URL,
        "CLUSTERMARKET_OAUTH_URL": settings.CLUSTERMARKET_OAUTH_URL,
        "CLUSTERMARKET_CLIENT_ID": settings.CLUSTERMARKET_CLIENT_ID or "",
        "CLUSTERMARKET_CLIENT_SECRET": world.settings.CLUSTERMARKET_CLIENT_SECRET.get_secret_value()
        if settings.CLUSTERMARKET_CLIENT_SECRET
        else "",
        "DATABASE_PATH": settings.DATABASE_PATH,
        "TOKEN_ENCRYPTION_KEY": ",".join(settings.encryption_keys()),
    }.items():
        monkeypatch.setenv(name, value)


async def cli(*args: str) -> int:
    """`cmbot …` as its own run, beside the serving bot (the sandbox keeps answering)."""
    return await asyncio.to_thread(main, list(args))


async def test_cli_forgets_and_says_clustermarket_confirmed(
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await set_up_zoe(world)
    link = await world.services.store.get_link(KEY)
    assert link is not None
    environment(world, monkeypatch, tmp_path)

    assert await cli("user", "forget", ZOE.user_id) == 0

    out = capsys.readouterr().out
    assert "Forgot Slack user U0ZOE in workspace T0CMBOT." in out
    assert "revoked (Clustermarket confirmed)" in out
    assert "personal digest (1)" in out and "Channel digests they set up (1) are paused" in out
    assert "Each channel was told: C0LAB." in out
    assert "Nothing about U0ZOE in T0CMBOT is left in the database." in out
    assert await world.services.store.mentions(KEY) == 0
    assert world.sandbox.tokens.access(link.tokens.access_token)[0] is None
    assert await cli("user", "forget", ZOE.user_id) == 0
    assert "Nothing is stored about U0ZOE; nothing to forget." in capsys.readouterr().out


async def test_cli_says_when_clustermarket_did_not_confirm(
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await world.link(ZOE)
    environment(world, monkeypatch, tmp_path)
    monkeypatch.setenv("CLUSTERMARKET_OAUTH_URL", f"http://127.0.0.1:{free_port()}")  # nobody

    assert await cli("user", "forget", ZOE.user_id, "--team", "T0CMBOT") == 0

    out = capsys.readouterr().out
    assert "did NOT confirm" in out and "Clustermarket link (1)" in out
    assert await world.services.store.get_link(KEY) is None


async def test_cli_refuses_an_id_in_two_workspaces_until_told_which(
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    store = world.services.store
    await store.cache_tz(KEY, "Europe/London")
    await store.cache_tz(UserKey("T0OTHER", ZOE.user_id), "Asia/Tokyo")
    environment(world, monkeypatch, tmp_path)

    assert await cli("user", "forget", ZOE.user_id) == 1
    assert "U0ZOE has data in 2 Slack workspaces: T0CMBOT, T0OTHER." in capsys.readouterr().out
    assert await store.mentions(KEY) == 1

    assert await cli("user", "forget", ZOE.user_id, "--team", "T0OTHER") == 0
    out = capsys.readouterr().out
    assert "no link was stored" in out and "time zone (1)" in out
    assert await store.teams_of(ZOE.user_id) == ["T0CMBOT"]
    assert await cli("user", "forget", ZOE.user_id, "--team", "T0NOPE") == 0
    assert "Nothing is stored about U0ZOE in T0NOPE" in capsys.readouterr().out
