"""Kinds of question the parser reads before the answerer answers them (who is on, what is
free, a date that reads two ways) get the nearest answer or honest help over real HTTP, never
"something went wrong"; reminders and watches are answered."""

from __future__ import annotations

import json

from slack_helpers import ZOE, ask, words

from bot.demo.world import World

WENT_WRONG = "Something went wrong"


async def test_newer_slash_commands_are_answered_not_an_error(linked: World) -> None:
    expected = {
        "remind on 10": "Reminders are now on: 10 min before each",
        "remind": "Reminders are on",
        "remind off": "Reminders are off",
        "watch nanodrop": "Watching *NanoDrop One* (Genomics Core Facility) in <#C0LAB>",
        "unwatch nanodrop": "Stopped watching NanoDrop One here",
        "watch": "Nothing is watched in this channel",
        "free nanodrop 4/12": "4 December or 12 April",
    }
    for text, said in expected.items():
        reply = words(await ask(linked, text, ZOE))
        assert WENT_WRONG not in reply, text
        assert said in reply, (text, reply)


async def test_newer_questions_in_a_dm_get_the_nearest_answer(linked: World) -> None:
    dm = linked.fake.dm_channel_id(ZOE.user_id)
    expected = {
        "who's on the nanodrop?": "NanoDrop One",
        "where is the nanodrop?": "G.12 QC Lab",
        "when is the nanodrop next free?": "NanoDrop One",
        "how many hours is the nanodrop booked today?": "NanoDrop One",
        "what's free now?": "free NovaSeq now",
        "is anything free in the sequencing group?": "Sequencing",
    }
    for text, said in expected.items():
        before = len([m for m in linked.fake.messages_in(dm) if m.bot_id])
        await linked.slack.direct_message(text, user_id=ZOE.user_id)
        found = await linked.fake.wait_for(
            lambda before=before: [m for m in linked.fake.messages_in(dm) if m.bot_id][before:]
        )
        reply = found[0].text + json.dumps(found[0].blocks, ensure_ascii=False)
        assert WENT_WRONG not in reply, text
        assert said in reply, (text, reply[:400])
