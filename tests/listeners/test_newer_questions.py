"""The newer questions over real HTTP: follow-ups in a thread and in a DM, questions back and
"did you mean?" as buttons that answer, dates read the labs' way, and every new kind answered
(never "something went wrong").

One world serves the module, Zoë, Margaret and Emily linked once; each test asks in threads
of its own, and a person's DM is one conversation, so each DM test has its own person.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from slack_helpers import EMILY, JOSE, MARGARET, ZOE, ask, bot_replies, dm_replies, words

from bot.demo.world import Person, World
from bot.fake_slack import Message
from bot.questions.codec import decode_intent
from bot.questions.intents import Free
from bot.questions.when import When

pytestmark = pytest.mark.asyncio(loop_scope="module")

WENT_WRONG = "Something went wrong"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world() -> AsyncIterator[World]:
    async with World(client_options={"backoff_base": 0.001, "backoff_cap": 0.01}) as running:
        for person in (ZOE, MARGARET, EMILY):
            page = await running.link(person)
            assert page.status_code == 200, page.text
        yield running


def text_of(message: Message) -> str:
    return message.text + json.dumps(message.blocks, ensure_ascii=False)


def buttons_of(message: Message) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for block in message.blocks:
        found += [e for e in block.get("elements", []) if e.get("type") == "button"]
        if (block.get("accessory") or {}).get("type") == "button":
            found.append(block["accessory"])
    return found


async def mention(world: World, text: str, person: Person, thread_ts: str | None = None) -> Message:
    """@cmbot `text` in #lab (in a thread when given); the bot's reply in its thread."""
    await world.slack.mention(text, user_id=person.user_id, channel="C0LAB", thread_ts=thread_ts)
    asked = world.fake.messages_in("C0LAB")[-1]
    root = thread_ts or asked.ts
    before = len(bot_replies(world, "C0LAB", root))
    replies = await world.fake.wait_for(lambda: bot_replies(world, "C0LAB", root)[before:] or None)
    return replies[0]


async def dm(world: World, text: str, person: Person) -> Message:
    """A DM to the bot; its reply in the DM itself."""
    await world.slack.direct_message(text, user_id=person.user_id)
    channel = world.fake.dm_channel_id(person.user_id)
    asked = world.fake.messages_in(channel)[-1].ts
    replies = await world.fake.wait_for(lambda: dm_replies(world, channel, asked))
    return replies[0]


async def test_follow_ups_in_a_thread_carry_its_instrument_and_time(world: World) -> None:
    first = await mention(world, "is the confocal free at 3?", MARGARET)
    root = first.thread_ts
    assert root is not None
    # two confocals: "which one?", to Margaret alone, each choice asking about 3 o'clock
    assert first.ephemeral_for == MARGARET.user_id and "Which one did you mean?" in text_of(first)
    second = await mention(world, "and tomorrow?", MARGARET, thread_ts=root)
    choices = [decode_intent(b["value"])[0] for b in buttons_of(second)]
    assert choices and all(
        isinstance(c, Free) and c.when == When(day="tomorrow", at=c.when.at) for c in choices
    )
    assert all(
        isinstance(c, Free) and c.when.at is not None and c.when.at.hour == 15 for c in choices
    )
    third = await mention(world, "what about the NovaSeq?", MARGARET, thread_ts=root)
    said = text_of(third)
    assert third.ephemeral_for is None  # a real answer, for the thread
    assert "Is Illumina NovaSeq 6000 free?" in said and "Tomorrow 15:00–16:00" in said
    assert WENT_WRONG not in said


async def test_choosing_in_a_thread_makes_the_choice_its_topic(world: World) -> None:
    first = await mention(world, "who's on the confocal?", MARGARET)
    root = first.thread_ts
    assert root is not None
    zeiss = next(
        block["accessory"]
        for block in first.blocks
        if "Zeiss" in str(block.get("text")) and block.get("accessory")
    )
    before = len(world.fake.responses)
    await world.slack.action(
        zeiss["action_id"], zeiss["value"], user_id=MARGARET.user_id, channel_id="C0LAB"
    )
    await world.fake.wait_for(lambda: world.fake.responses[before:])
    follow = await mention(world, "when is it next free?", MARGARET, thread_ts=root)
    assert "When is Zeiss LSM 980 Confocal next free?" in text_of(follow)


async def test_a_dm_reads_like_a_chat_and_a_new_topic_starts_fresh(world: World) -> None:
    first = await dm(world, "is the nanodrop free tomorrow afternoon?", ZOE)
    assert first.thread_ts is None and "cm_share" not in text_of(first)
    assert "Tomorrow 12:00–18:00" in text_of(first)
    second = await dm(world, "and the qubit?", ZOE)
    assert "Is Qubit 4 Fluorometer free?" in text_of(second)
    assert "Tomorrow 12:00–18:00" in text_of(second)
    await dm(world, "help", ZOE)  # no topic of its own: the thread's stays
    third = await dm(world, "what about friday?", ZOE)
    assert "Is Qubit 4 Fluorometer free?" in text_of(third) and "Friday" in text_of(third)
    fresh = await dm(world, "who looks after the nanodrop?", ZOE)
    assert "José Núñez" in text_of(fresh) and "Qubit" not in text_of(fresh)


async def test_a_date_that_reads_two_ways_goes_by_the_labs_and_asks_only_when_they_differ(
    world: World,
) -> None:
    day_first = words(await ask(world, "free nanodrop 4/12", ZOE))  # London: day first
    assert "4 Dec" in day_first and "12 Apr" not in day_first
    month_first = words(await ask(world, "bookings 4/12", EMILY))  # New York: month first
    assert "12 Apr" in month_first and "4 Dec" not in month_first
    question = await ask(world, "free nanodrop 4/12", MARGARET)  # London and Tokyo differ
    said = words(question)
    assert "4 December or 12 April" in said
    dec = next(e for e in _elements(question) if e.get("text", {}).get("text") == "4 Dec")
    before = len(world.fake.responses)
    await world.slack.action(dec["action_id"], dec["value"], user_id=MARGARET.user_id)
    answer = await world.fake.wait_for(lambda: world.fake.responses[before:])
    assert "Is NanoDrop One free?" in words(answer[0].body) and "4 Dec" in words(answer[0].body)


async def test_words_it_cannot_place_get_two_questions_as_buttons_that_answer(world: World) -> None:
    reply = await dm(world, "what's the weather like", EMILY)
    options = [b for b in buttons_of(reply) if b["action_id"].startswith("cm_choose")]
    assert len(options) == 2 and "Did you mean one of these?" in text_of(reply)
    before = len(world.fake.responses)
    await world.slack.action(
        options[0]["action_id"], options[0]["value"], user_id=EMILY.user_id,
        channel_id=world.fake.dm_channel_id(EMILY.user_id),
    )  # fmt: skip
    answer = words((await world.fake.wait_for(lambda: world.fake.responses[before:]))[0].body)
    assert options[0]["text"]["text"].split(" the ")[1].split(" free")[0] in answer
    assert WENT_WRONG not in answer


async def test_every_new_kind_is_answered(world: World) -> None:
    expected = {
        "anything free in the sequencing group this afternoon?": "What's free in Sequencing",
        "when is the nanodrop next free?": "When is NanoDrop One next free?",
        "who's on the nanodrop?": "Who's on NanoDrop One?",
        "my next booking": "Your next booking",
        "how many hours is the nanodrop booked today?": "How booked is NanoDrop One?",
        "where is the nanodrop?": "G.12 QC Lab",
        "which group is the novaseq in?": "Sequencing",
    }
    for text, said in expected.items():
        reply = text_of(await dm(world, text, ZOE))
        assert WENT_WRONG not in reply, text
        assert said in reply, (text, reply[:400])
    for text, said in {"remind on 10": "Reminders", "watch nanodrop": "Watched"}.items():
        assert said in words(await ask(world, text, ZOE))  # not answered yet, said honestly


async def test_personal_answers_in_a_channel_go_to_the_asker_alone(world: World) -> None:
    reply = await mention(world, "how many hours did I book this week?", ZOE)
    assert reply.ephemeral_for == ZOE.user_id and "Your booked hours" in text_of(reply)


def _elements(reply: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for block in reply.get("blocks", []):
        found += [e for e in block.get("elements", []) if isinstance(e, dict)]
        if isinstance(block.get("accessory"), dict):
            found.append(block["accessory"])
    return [e for e in found if e.get("type") == "button"]


async def test_a_dm_asked_before_linking_is_answered_in_the_dm_after(world: World) -> None:
    prompt = await dm(world, "who's on the nanodrop?", JOSE)
    assert "cm_connect" in text_of(prompt)
    url = world.button_url(JOSE.user_id)
    assert url is not None
    channel = world.fake.dm_channel_id(JOSE.user_id)
    before = len(world.fake.messages_in(channel))
    page = await world.follow_connect_link(url, JOSE)
    assert page.status_code == 200

    def answered() -> list[Message]:
        return [
            m
            for m in world.fake.messages_in(channel)[before:]
            if "Who's on" in m.text + str(m.blocks)
        ]

    answer = (await world.fake.wait_for(answered))[0]
    assert "NanoDrop One" in text_of(answer) and "cm_share" not in text_of(answer)
