"""Mentions, DMs and the Home tab under a slow Clustermarket: the person first hears "still
working…", then the answer replaces or follows the note; past the ceiling they hear it is too
slow. No timing assertions: only that the note came before the answer.

The sandbox's latency knob makes Clustermarket slow; the world's note comes after 0.2 s.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Iterator

import pytest
import pytest_asyncio
from slack_helpers import ZOE

from bot.clustermarket.tokens import UserKey
from bot.demo.world import World
from bot.fake_slack import Call
from bot.render.errors import SLOW_NOTE

pytestmark = pytest.mark.asyncio(loop_scope="module")
WAIT = 30.0  # generous: a loaded test machine is slow, and waiting ends at the answer

LATENCY = 0.4
POSTS = ("chat.postMessage", "chat.update", "chat.postEphemeral")
QUESTION = "what's in the sequencing group?"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world() -> AsyncIterator[World]:
    options = {"backoff_base": 0.001, "backoff_cap": 0.01}
    async with World(client_options=options, slow_note_after=0.2) as running:
        await running.link(ZOE)

        def settled_home() -> bool:  # the welcome's Home tab, its bookings in (not the note)
            view = running.fake.home_views.get(ZOE.user_id)
            return view is not None and SLOW_NOTE not in json.dumps(view, ensure_ascii=False)

        await running.fake.wait_for(settled_home, timeout=WAIT)
        yield running


@pytest.fixture
def slow(world: World) -> Iterator[None]:
    """A slow Clustermarket, and nothing kept from it: every answer waits on it."""
    world.services.answerer.forget(UserKey("T0CMBOT", ZOE.user_id))
    world.sandbox.knobs.latency = LATENCY
    yield
    world.sandbox.knobs.latency = 0.0


def carries(call: Call, text: str) -> bool:
    return text in json.dumps(call.args, ensure_ascii=False)


def answered(world: World, since: int, text: str, *methods: str) -> list[Call]:
    """The calls to `methods` after the first `since` that carry `text`."""
    return [c for c in world.fake.calls[since:] if c.method in methods and carries(c, text)]


def first(calls: list[Call], method: str, text: str) -> int:
    """The index of the first call to `method` whose arguments carry `text`."""
    return next(i for i, c in enumerate(calls) if c.method == method and carries(c, text))


async def until_answered(world: World, asking: Awaitable[object]) -> list[Call]:
    """The Web API calls from sending a question (`asking`) until its answer is posted."""
    before = len(world.fake.calls)
    await asking
    await world.fake.wait_for(lambda: answered(world, before, "Sequencing:", *POSTS), timeout=WAIT)
    return world.fake.calls[before:]


@pytest.mark.usefixtures("slow")
async def test_a_slow_dm_gets_the_note_first_and_the_answer_in_its_place(world: World) -> None:
    calls = await until_answered(world, world.slack.direct_message(QUESTION, user_id=ZOE.user_id))
    note = first(calls, "chat.postMessage", SLOW_NOTE)
    assert note < first(calls, "chat.update", "NovaSeq")
    assert calls[note].args.get("thread_ts") is None  # a DM is answered in the DM, not a thread
    shown = world.fake.messages_in(ZOE.user_id)[-1]
    assert "NovaSeq" in shown.text and SLOW_NOTE not in shown.text  # the note was replaced


@pytest.mark.usefixtures("slow")
async def test_a_slow_mention_gets_a_private_note_then_the_answer_in_the_thread(
    world: World,
) -> None:
    calls = await until_answered(world, world.slack.mention(QUESTION, user_id=ZOE.user_id))
    note = first(calls, "chat.postEphemeral", SLOW_NOTE)
    assert note < first(calls, "chat.postMessage", "NovaSeq")
    assert calls[note].args["user"] == ZOE.user_id  # only the asker sees the note


@pytest.mark.usefixtures("slow")
async def test_a_slow_home_tab_shows_the_note_then_the_bookings(world: World) -> None:
    # Zoë's bookings take many pages: a short note time keeps the slow fetch short
    world.conversation.home.slow_note_after, world.sandbox.knobs.latency = 0.05, 0.06
    before = len(world.fake.calls)
    try:
        await world.slack.home_opened(user_id=ZOE.user_id)
        await world.fake.wait_for(
            lambda: answered(world, before, "Your next bookings", "views.publish")[1:], timeout=20
        )
    finally:
        world.conversation.home.slow_note_after = 0.2
    published = answered(world, before, "Your next bookings", "views.publish")
    assert carries(published[0], SLOW_NOTE)
    assert not carries(published[1], SLOW_NOTE)


async def test_a_quick_answer_comes_without_a_note(world: World) -> None:
    world.conversation.slow_note_after = 10.0  # "quick" on a busy test machine too
    before = len(world.fake.calls)
    try:
        await world.slack.direct_message(QUESTION, user_id=ZOE.user_id)
        await world.fake.wait_for(
            lambda: answered(world, before, "Sequencing:", *POSTS), timeout=WAIT
        )
    finally:
        world.conversation.slow_note_after = 0.2
    assert not [c for c in world.fake.calls[before:] if carries(c, SLOW_NOTE)]


@pytest.mark.usefixtures("slow")
async def test_past_the_ceiling_the_note_becomes_too_slow(world: World) -> None:
    world.conversation.late_answer_limit = 1.0  # the note (at 0.2 s) has time to be posted
    world.sandbox.knobs.latency = 2.0
    try:
        before = len(world.fake.calls)
        await world.slack.direct_message(QUESTION, user_id=ZOE.user_id)
        await world.fake.wait_for(lambda: answered(world, before, "too long", *POSTS), timeout=WAIT)
        calls = world.fake.calls[before:]
        assert first(calls, "chat.postMessage", SLOW_NOTE) < first(
            calls, "chat.update", "taking too long"
        )
    finally:
        world.conversation.late_answer_limit = 20.0
