"""Another process holds the database's write lock for longer than the busy timeout: the bot
keeps answering, and no mention or DM is dropped.

The store's work runs on its own threads, so a write waiting out the lock stalls only other
writes: slash commands are acknowledged and answered, and a mention whose event id cannot be
recorded is answered anyway (a rare double answer beats a silent drop). A change that must
be written is refused kindly. Every reply below lands while the lock is still held.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from db_faults import write_locked
from slack_helpers import ZOE, bot_replies, dm_replies, words

from bot.demo.world import World

BUSY_TIMEOUT = 0.3  # seconds; production's is 5 s, and the lock below outlasts either


@pytest.fixture
async def linked_world() -> AsyncIterator[World]:
    options = {"backoff_base": 0.001, "backoff_cap": 0.01}
    async with World(client_options=options, busy_timeout=BUSY_TIMEOUT) as world:
        page = await world.link(ZOE)
        assert page.status_code == 200, page.text
        await world.fake.wait_for(lambda: world.fake.home_views.get(ZOE.user_id))
        yield world


async def test_a_locked_database_freezes_no_reply_and_drops_no_mention(
    linked_world: World, caplog: pytest.LogCaptureFixture
) -> None:
    world = linked_world
    dm = world.fake.dm_channel_id(ZOE.user_id)
    with write_locked(Path(world.settings.DATABASE_PATH)):
        mention = await world.slack.mention(
            "what's in the sequencing group?", user_id=ZOE.user_id, channel="C0LAB"
        )
        assert mention.status_code == 200
        mention_ts = world.fake.messages_in("C0LAB")[-1].ts
        message = await world.slack.direct_message(
            "what's in the sequencing group?", user_id=ZOE.user_id
        )
        assert message.status_code == 200
        message_ts = world.fake.messages_in(dm)[-1].ts

        before = len(world.fake.responses)
        ack = await world.slack.command("me", user_id=ZOE.user_id)
        assert (ack.status_code, ack.text) == (200, "")  # acknowledged, lock or no lock
        answer = await world.fake.wait_for(lambda: world.fake.responses[before:])
        assert "Zoë Ångström" in words(answer[0].body)

        before = len(world.fake.responses)
        await world.slack.command("digest on 07:30", user_id=ZOE.user_id)
        refused = await world.fake.wait_for(lambda: world.fake.responses[before:])
        assert "couldn't save that just now" in words(refused[0].body)  # kind, nothing lost

        in_channel = await world.fake.wait_for(
            lambda: bot_replies(world, "C0LAB", mention_ts), timeout=10
        )
        in_dm = await world.fake.wait_for(lambda: dm_replies(world, dm, message_ts), timeout=10)
        for reply in (*in_channel, *in_dm):
            assert "Illumina NovaSeq 6000" in reply.text + str(reply.blocks)
    unrecorded = [r for r in caplog.records if "answering it anyway" in r.getMessage()]
    assert len(unrecorded) == 2
    assert all(r.levelno == logging.WARNING for r in unrecorded)
    assert "Traceback" not in caplog.text


async def test_a_connect_link_opened_while_the_database_is_locked_is_not_used_up(
    linked_world: World, caplog: pytest.LogCaptureFixture
) -> None:
    world = linked_world
    url = await world.connect_url(ZOE)
    with write_locked(Path(world.settings.DATABASE_PATH)):
        page = await world.browser.get(url)
    assert page.status_code == 503
    assert "try again in a minute" in page.text and "nothing changed" in page.text
    assert "Traceback" not in caplog.text
    assert "could not start account linking: the database stayed locked" in caplog.text
    again = await world.follow_connect_link(url, ZOE)  # the link still works, once
    assert again.status_code == 200 and "Connected" in again.text
