"""Mentions answered in their thread and DMs in the DM: privacy in channels, no loops, no
doubles."""

from __future__ import annotations

import json
from typing import Any

from slack_helpers import EMILY, ZOE, bot_replies, dm_replies

from bot.demo.world import World
from bot.fake_slack import Message


def last_event(world: World) -> dict[str, Any]:
    assert world.slack.last_event_body is not None
    event: dict[str, Any] = json.loads(world.slack.last_event_body)["event"]
    return event


async def reply_in_thread(world: World, channel: str) -> Message:
    thread_ts = last_event(world)["ts"]
    found = await world.fake.wait_for(lambda: bot_replies(world, channel, thread_ts))
    return found[0]


async def reply_in_dm(world: World, person_id: str = ZOE.user_id) -> Message:
    dm = world.fake.dm_channel_id(person_id)
    asked_ts = last_event(world)["ts"]
    found = await world.fake.wait_for(lambda: dm_replies(world, dm, asked_ts))
    return found[0]


def text_of(message: Message) -> str:
    return message.text + json.dumps(message.blocks, ensure_ascii=False)


async def test_mention_is_answered_visibly_in_the_thread(linked: World) -> None:
    response = await linked.slack.mention(
        "is the nanodrop free today?", user_id=ZOE.user_id, channel="C0LAB"
    )
    assert response.status_code == 200
    answer = await reply_in_thread(linked, "C0LAB")
    assert answer.ephemeral_for is None
    assert "NanoDrop One" in text_of(answer)
    assert "@northbridge" not in text_of(answer)  # no emails in a channel
    assert "action_id" not in text_of(answer)  # no buttons for everyone
    assert f"Asked by <@{ZOE.user_id}>" in text_of(answer)


async def test_mention_in_the_middle_of_a_sentence(linked: World) -> None:
    await linked.slack.event(
        {
            "type": "app_mention",
            "user": ZOE.user_id,
            "text": "hey <@U0CMBOT> what's booked on the nanodrop today",
            "channel": "C0LAB",
            "ts": linked.fake.next_ts(),
        }
    )
    answer = await reply_in_thread(linked, "C0LAB")
    assert "NanoDrop One" in text_of(answer)


async def test_my_bookings_in_a_channel_is_answered_to_me_alone(linked: World) -> None:
    await linked.slack.mention("my bookings today", user_id=ZOE.user_id, channel="C0LAB")
    answer = await reply_in_thread(linked, "C0LAB")
    assert answer.ephemeral_for == ZOE.user_id
    assert "GridION" in text_of(answer)


async def test_direct_message_is_answered_in_the_dm_like_a_chat(linked: World) -> None:
    await linked.slack.direct_message("who has the nanodrop today?", user_id=ZOE.user_id)
    answer = await reply_in_dm(linked)
    assert answer.thread_ts is None and answer.ephemeral_for is None
    assert "NanoDrop One" in text_of(answer)
    assert "Share in channel" not in text_of(answer)  # nothing to share a DM into
    assert "cm_share" not in text_of(answer)


async def test_a_reply_in_a_dm_thread_is_answered_in_that_thread(linked: World) -> None:
    dm = linked.fake.dm_channel_id(ZOE.user_id)
    await linked.slack.direct_message("help", user_id=ZOE.user_id)
    root = last_event(linked)["ts"]
    await reply_in_dm(linked)
    await linked.slack.direct_message("who's on the nanodrop?", user_id=ZOE.user_id, thread_ts=root)
    found = await linked.fake.wait_for(lambda: bot_replies(linked, dm, root))
    assert "NanoDrop One" in text_of(found[0])


async def test_not_linked_gets_a_private_connect_button_then_the_answer(world: World) -> None:
    await world.slack.mention("is the nanodrop free today?", user_id=EMILY.user_id)
    prompt = await reply_in_thread(world, "C0LAB")
    assert prompt.ephemeral_for == EMILY.user_id
    assert "cm_connect" in text_of(prompt)


async def test_ambiguous_name_is_asked_back_privately_with_buttons(linked: World) -> None:
    await linked.slack.mention("is the eppendorf free tomorrow?", user_id=ZOE.user_id)
    question = await reply_in_thread(linked, "C0LAB")
    assert question.ephemeral_for == ZOE.user_id
    assert "cm_choose" in text_of(question)


async def test_a_question_it_cannot_place_gets_examples(linked: World) -> None:
    await linked.slack.mention("what's the weather like", user_id=ZOE.user_id)
    answer = await reply_in_thread(linked, "C0LAB")
    assert answer.ephemeral_for == ZOE.user_id
    assert "free" in text_of(answer).lower()


async def test_bots_edits_and_deletions_are_ignored(linked: World) -> None:
    calls = len(linked.fake.calls)
    im = {"type": "message", "channel_type": "im"}
    for event in (
        {**im, "bot_id": "B0OTHER", "text": "hi", "user": "U0BOT"},
        {**im, "subtype": "message_changed", "user": ZOE.user_id, "message": {"text": "free?"}},
        {**im, "subtype": "message_deleted", "user": ZOE.user_id},
        {"type": "app_mention", "bot_id": "B0CMBOT", "user": "U0CMBOT", "text": "<@U0CMBOT> hi"},
    ):
        event.setdefault("channel", linked.fake.dm_channel_id(ZOE.user_id))
        event["ts"] = linked.fake.next_ts()
        response = await linked.slack.event(event)
        assert response.status_code == 200
    await linked.slack.direct_message("help", user_id=ZOE.user_id)  # a real one, to wait on
    await reply_in_dm(linked)
    posted = [call for call in linked.fake.calls[calls:] if call.method.startswith("chat.")]
    assert len(posted) == 1


async def test_a_slack_retry_is_not_answered_twice(linked: World) -> None:
    await linked.slack.mention("is the nanodrop free today?", user_id=ZOE.user_id)
    await reply_in_thread(linked, "C0LAB")
    retry = await linked.slack.retry_last_event(retry_num=1)
    assert retry.status_code == 200
    await linked.slack.direct_message("help", user_id=ZOE.user_id)  # a later event, to wait on
    await reply_in_dm(linked)
    thread = json.loads(linked.slack.last_event_body or b"{}")
    assert thread
    answers = [
        message
        for message in linked.fake.messages_in("C0LAB")
        if message.bot_id and message.thread_ts is not None
    ]
    assert len(answers) == 1


async def test_clustermarket_down_is_told_privately_after_one_try(linked: World) -> None:
    linked.sandbox.knobs.error_rate = 1.0
    before = linked.sandbox.stats.total("GET /v1")
    await linked.slack.mention("what's in the sequencing group?", user_id=ZOE.user_id)
    answer = await reply_in_thread(linked, "C0LAB")
    assert answer.ephemeral_for == ZOE.user_id
    assert "Clustermarket isn't answering" in text_of(answer)
    # one failed round for the names, one for the answer; no third round to re-render it
    attempts = 4  # the client's default max_attempts
    assert linked.sandbox.stats.total("GET /v1") - before == 2 * attempts
