"""What a Slack thread (or a DM) was last asked about, so its next message can follow up.

The topic is the last question answered there, kept as its button encoding in the store's
short-lived `thread_topics` (`bot.store.threads`). Only questions about something are
topics: "help" or words the bot could not place leave the thread's topic as it was, so
"and tomorrow?" still follows the last real question. Memory is a convenience: a store that
cannot read or write it costs the follow-up, never the answer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.questions.codec import decode_intent, encode_intent
from bot.questions.followup import follow_up
from bot.questions.intents import (
    BookedHours,
    Bookings,
    EquipmentFact,
    EquipmentSearch,
    Free,
    GroupDetail,
    Groups,
    Intent,
    MyHours,
    MyNextBooking,
    NextFree,
    Schedule,
    WhatIsFree,
    WhoIsOn,
)
from bot.questions.timewords import DateOrder
from bot.questions.words import Vocabulary, parse_question
from bot.store import Store, StoreError

logger = logging.getLogger(__name__)

TOPICS = (
    Free,
    Schedule,
    NextFree,
    WhoIsOn,
    BookedHours,
    EquipmentFact,
    EquipmentSearch,
    WhatIsFree,
    Bookings,
    MyHours,
    MyNextBooking,
    Groups,
    GroupDetail,
)
"""The questions a follow-up can carry on from."""


@dataclass(frozen=True)
class Thread:
    """Where a conversation happens: a channel's thread, or a DM as a whole (`thread_ts` "")."""

    team_id: str
    channel_id: str
    thread_ts: str


class ThreadTopics:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def read(
        self,
        text: str,
        thread: Thread | None,
        vocabulary: Vocabulary,
        *,
        command: str,
        date_order: DateOrder | None,
    ) -> Intent:
        """The intent of `text` (cleaned) in its thread: a follow-up of the thread's topic
        when it has one, else a question of its own; it becomes the thread's topic."""
        previous = await self.recall(thread)
        if previous is None:
            intent = parse_question(text, vocabulary, command=command, date_order=date_order)
        else:
            intent = follow_up(previous, text, vocabulary, command=command, date_order=date_order)
        await self.remember(thread, intent)
        return intent

    async def recall(self, thread: Thread | None) -> Intent | None:
        """The thread's topic, if it has a recent one."""
        if thread is None:
            return None
        try:
            encoded = await self.store.recall_thread(
                thread.team_id, thread.channel_id, thread.thread_ts
            )
        except StoreError as failure:
            logger.warning("could not read what a thread was about: %s", failure)
            return None
        if encoded is None:
            return None
        try:
            intent, _ = decode_intent(encoded)
        except ValueError:
            return None
        return intent

    async def remember(self, thread: Thread | None, intent: Intent) -> None:
        """Keep `intent` as the thread's topic, when it is about something."""
        if thread is None or not isinstance(intent, TOPICS):
            return
        try:
            await self.store.remember_thread(
                thread.team_id, thread.channel_id, thread.thread_ts, encode_intent(intent)
            )
        except (StoreError, ValueError) as failure:
            logger.warning("could not keep what a thread is about: %s", failure)
