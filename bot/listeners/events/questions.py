"""Questions in words: mentions in channels, answered in their thread, and direct messages,
answered in the DM itself, like a chat (in a thread only when the person wrote in one).

No loops and no doubles: messages from bots (this one included), edits and deletions are
ignored, and an event Slack delivers again (X-Slack-Retry-Num) after we already took it is
not answered twice. A channel sees an answer without emails, notes or costs; "my bookings",
prompts and questions back go to the asker alone. A mention in a thread follows up on what
the thread was about ("@cmbot and tomorrow?"), as does any message in a DM.

No silence either: when Clustermarket is slow the asker first hears "still working…" (a
note only they see in a channel; a message in the DM that the answer then replaces), and
past the late-answer ceiling they hear that Clustermarket is taking too long.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.conversation import Asked, Conversation, Said
from bot.listeners.payloads import person, text_at
from bot.patience import with_note
from bot.render.errors import error_reply, still_working_reply
from bot.slack_posts import post_ephemeral, post_message, update_message

logger = logging.getLogger(__name__)


def is_from_a_person(event: dict[str, Any]) -> bool:
    """A new message a person wrote: not a bot's, not an edit, deletion or other subtype."""
    return (
        not event.get("bot_id")
        and not event.get("subtype")
        and not event.get("bot_profile")
        and text_at(event, "user") is not None
        and text_at(event, "channel") is not None
        and isinstance(event.get("text"), str)
    )


@dataclass
class Place:
    """Where a question was asked, and the slow note posted there, if any."""

    slack: AsyncWebClient
    channel: str
    user: str
    thread_ts: str | None
    in_channel: bool
    note_ts: str | None = None

    async def note_slow(self, command: str) -> None:
        note = still_working_reply(command)
        if self.in_channel:
            await post_ephemeral(
                self.slack, self.channel, self.user, note, thread_ts=self.thread_ts
            )
        else:
            self.note_ts = await post_message(
                self.slack, self.channel, note, thread_ts=self.thread_ts
            )

    async def answer(self, said: Said) -> None:
        """The answer: in place of the DM's note when there is one, else as a new post."""
        reply = said.reply
        if not said.visible:
            await post_ephemeral(
                self.slack, self.channel, self.user, reply, thread_ts=self.thread_ts
            )
        elif not self.note_ts or not await update_message(
            self.slack, self.channel, self.note_ts, reply
        ):
            await post_message(self.slack, self.channel, reply, thread_ts=self.thread_ts)


def register(app: AsyncApp, conversation: Conversation) -> None:
    async def answer_mention(
        event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await _answer(event, body, context, in_channel=True)

    async def answer_direct_message(
        event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await _answer(event, body, context, in_channel=False)

    async def _answer(
        event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext, *, in_channel: bool
    ) -> None:
        """A mention is answered in its thread; a DM in the DM itself, unless written in one."""
        if not is_from_a_person(event):
            return
        event_id = text_at(body, "event_id") or ""
        team_id = text_at(body, "team_id") or text_at(event, "team") or ""
        if not await conversation.first_sight(team_id, event_id):
            logger.info("event %s already answered; ignoring Slack's retry", event_id[:40])
            return
        user, channel = event["user"], event["channel"]
        thread_ts = text_at(event, "thread_ts")
        if in_channel:
            thread_ts = thread_ts or text_at(event, "ts")
        asked = Asked(
            key=person(context, user),
            channel_id=channel,
            thread_ts=thread_ts,
            audience="channel" if in_channel else "private",
            direct=not in_channel,
            deadline=conversation.late_answer_limit,
        )
        place = Place(context.client, channel, user, thread_ts, in_channel)
        try:
            async with asyncio.timeout(conversation.late_answer_limit):
                said = await with_note(
                    conversation.answer_words(event["text"], asked, context.bot_user_id),
                    note_after=conversation.slow_note_after,
                    note=lambda: place.note_slow(conversation.command),
                )
        except TimeoutError:
            logger.warning("a question in words took over %.0f s", conversation.late_answer_limit)
            said = Said(error_reply("slow", conversation.command), visible=not in_channel)
        await place.answer(said)

    async def is_direct_message(event: dict[str, Any]) -> bool:
        return event.get("channel_type") == "im"

    app.event("app_mention")(answer_mention)
    app.event("message", matchers=[is_direct_message])(answer_direct_message)
