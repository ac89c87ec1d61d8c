"""Questions in words: mentions in channels, answered in their thread, and direct messages,
answered in the DM itself, like a chat (in a thread only when the person wrote in one).

No loops and no doubles: messages from bots (this one included), edits and deletions are
ignored, and an event Slack delivers again (X-Slack-Retry-Num) after we already took it is
not answered twice. A channel sees an answer without emails, notes or costs; "my bookings",
prompts and questions back go to the asker alone. A mention in a thread follows up on what
the thread was about ("@cmbot and tomorrow?"), as does any message in a DM.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext

from bot.conversation import Asked, Conversation
from bot.listeners.people import person

logger = logging.getLogger(__name__)


def is_from_a_person(event: dict[str, Any]) -> bool:
    """A new message a person wrote: not a bot's, not an edit, deletion or other subtype."""
    return (
        not event.get("bot_id")
        and not event.get("subtype")
        and not event.get("bot_profile")
        and isinstance(event.get("user"), str)
        and isinstance(event.get("text"), str)
    )


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
        if not is_from_a_person(event):
            return
        key = person(context, event["user"])
        if not await conversation.first_sight(key.team_id, str(body.get("event_id") or "")):
            logger.info("event %s already answered; ignoring Slack's retry", body.get("event_id"))
            return
        thread_ts = event.get("thread_ts")
        asked = Asked(
            key=key,
            channel_id=event.get("channel"),
            thread_ts=(thread_ts or event.get("ts")) if in_channel else thread_ts,
            audience="channel" if in_channel else "private",
            direct=not in_channel,
        )
        answer = await conversation.answer_words(event["text"], asked, context.bot_user_id)
        client = context.client
        if answer.visible:
            await client.chat_postMessage(
                channel=event["channel"],
                thread_ts=asked.thread_ts,
                text=answer.reply.text,
                blocks=answer.reply.blocks,
            )
        else:
            await client.chat_postEphemeral(
                channel=event["channel"],
                user=event["user"],
                thread_ts=asked.thread_ts,
                text=answer.reply.text,
                blocks=answer.reply.blocks,
            )

    async def is_direct_message(event: dict[str, Any]) -> bool:
        return event.get("channel_type") == "im"

    app.event("app_mention")(answer_mention)
    app.event("message", matchers=[is_direct_message])(answer_direct_message)
