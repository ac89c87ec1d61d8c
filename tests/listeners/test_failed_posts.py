"""Every post to Slack: a refusal is logged with Slack's error code (never the text), a 429 is
waited out and the post made, and what users or Clustermarket wrote arrives escaped.

Each failure is provoked at the network edge: the fake Slack is told to refuse or rate-limit
the next call. One world serves the module, with Zoë linked.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from slack_helpers import MARGARET, ZOE, ask, words

from bot.demo.world import World
from bot.fake_slack import Message

pytestmark = pytest.mark.asyncio(loop_scope="module")
WAIT = 30.0  # generous: a loaded test machine is slow, and waiting ends at the answer


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world() -> AsyncIterator[World]:
    async with World(client_options={"backoff_base": 0.001, "backoff_cap": 0.01}) as running:
        await running.link(ZOE)
        await running.fake.wait_for(lambda: running.fake.home_views.get(ZOE.user_id), timeout=WAIT)
        yield running


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What the posting module warned about during the test."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name == "bot.slack_posts"
    ]


async def mention(world: World, text: str) -> int:
    """Mention the bot in #lab as Zoë; the number of calls made before."""
    before = len(world.fake.calls)
    answer = await world.slack.mention(text, user_id=ZOE.user_id)
    assert answer.status_code == 200
    return before


def thread_replies(world: World) -> list[Message]:
    return [m for m in world.fake.messages_in("C0LAB") if m.bot_id and m.thread_ts]


async def calls_settled(world: World, method: str, count: int) -> None:
    await world.fake.wait_for(lambda: len(world.fake.calls_to(method)) >= count, timeout=WAIT)


async def test_a_refused_channel_answer_is_logged_with_slacks_error_not_the_text(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    world.fake.fail_next("chat.postMessage", error="channel_not_found")
    tried = len(world.fake.calls_to("chat.postMessage")) + 1
    await mention(world, "what's in the sequencing group?")
    await calls_settled(world, "chat.postMessage", tried)
    await world.fake.wait_for(lambda: warnings(caplog), timeout=WAIT)
    assert warnings(caplog) == ["chat.postMessage to C0LAB failed: channel_not_found"]
    assert "NovaSeq" not in caplog.text and "sequencing" not in caplog.text


async def test_a_rate_limited_channel_answer_is_posted_after_the_wait(world: World) -> None:
    world.fake.rate_limit_next("chat.postMessage", retry_after=0)
    before = len(thread_replies(world))
    await mention(world, "what's in the sequencing group?")
    posted = await world.fake.wait_for(lambda: thread_replies(world)[before:], timeout=WAIT)
    assert "NovaSeq" in words({"text": posted[0].text, "blocks": posted[0].blocks})


async def test_a_refused_ephemeral_answer_is_logged(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    world.fake.fail_next("chat.postEphemeral", error="user_not_in_channel")
    tried = len(world.fake.calls_to("chat.postEphemeral")) + 1
    await mention(world, "my bookings today")  # personal: shown to Zoë alone
    await calls_settled(world, "chat.postEphemeral", tried)
    await world.fake.wait_for(lambda: warnings(caplog), timeout=WAIT)
    assert warnings(caplog) == ["chat.postEphemeral to C0LAB failed: user_not_in_channel"]


async def test_a_refused_home_tab_is_logged_and_a_rate_limited_one_published(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    world.fake.fail_next("views.publish", error="not_enabled")
    tried = len(world.fake.calls_to("views.publish")) + 1
    await world.slack.home_opened(user_id=MARGARET.user_id)
    await calls_settled(world, "views.publish", tried)
    await world.fake.wait_for(lambda: warnings(caplog), timeout=WAIT)
    assert warnings(caplog) == [f"views.publish for {MARGARET.user_id} failed: not_enabled"]
    assert MARGARET.user_id not in world.fake.home_views

    world.fake.rate_limit_next("views.publish", retry_after=0)
    await world.slack.home_opened(user_id=MARGARET.user_id)
    await world.fake.wait_for(lambda: world.fake.home_views.get(MARGARET.user_id), timeout=WAIT)


async def test_a_refused_response_url_post_is_logged_without_the_url(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    world.fake.fail_next("response_url", error="expired_url", status=404)
    ack = await world.slack.command("help", user_id=ZOE.user_id)
    assert ack.status_code == 200
    await world.fake.wait_for(lambda: warnings(caplog), timeout=WAIT)
    assert warnings(caplog) == ["response_url post failed: HTTP 404 expired_url"]
    assert "/response/" not in caplog.text


async def test_a_rate_limited_response_url_post_is_made_after_the_wait(world: World) -> None:
    world.fake.rate_limit_next("response_url", retry_after=0)
    assert "/cm bookings" in words(await ask(world, "help"))


async def test_what_people_type_reaches_slack_escaped(world: World) -> None:
    reply = await ask(world, "schedule <!channel> & <@U0MARGARET>")
    assert "<!channel>" not in reply["text"] and "<@U0MARGARET>" not in reply["text"]
    assert "&lt;!channel&gt; &amp; &lt;@U0MARGARET&gt;" in reply["text"]

    before = len(world.fake.seen_by(ZOE.user_id))
    await mention(world, "is <!here> free tomorrow?")
    answer = (await world.fake.wait_for(lambda: world.fake.seen_by(ZOE.user_id)[before + 1 :]))[-1]
    assert "<" not in answer.text and ">" not in answer.text
