"""Buttons that ask a question again: Share in channel, More, and "which one did you mean?".

A button carries its question (`bot.questions.codec`), not the answer, so a click is
answered afresh with the clicking user's own token, and a shared answer is rendered for the
channel: no emails, notes or costs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext

from bot.conversation import Asked, Conversation
from bot.listeners.payloads import clicker, text_at
from bot.render import Reply
from bot.render.actions import CHOOSE, MORE, SHARE
from bot.slack_posts import respond

logger = logging.getLogger(__name__)


def clicked_in(
    body: dict[str, Any], context: AsyncBoltContext, what: str
) -> tuple[Asked, str] | None:
    """Who clicked, in which channel and thread (so a "which one?" answered in a thread
    becomes what the thread is about), and the response URL for the answer; None (logged)
    when the payload names no clicker or response URL."""
    who, response_url = clicker(body, context), text_at(body, "response_url")
    if who is None or response_url is None:
        logger.warning("a %s click without a user or response_url: ignored", what)
        return None
    thread_ts = text_at(body, "container", "thread_ts") or text_at(body, "message", "thread_ts")
    return Asked(*who, thread_ts=thread_ts), response_url


def register(app: AsyncApp, conversation: Conversation) -> None:
    session = conversation.services.slack_session

    async def share(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        clicked = clicked_in(body, context, "Share")
        if clicked is None:
            return
        shared = await conversation.share(text_at(action, "value") or "", clicked[0])
        await respond(
            session,
            clicked[1],
            shared.reply,
            response_type="in_channel" if shared.public else "ephemeral",
            replace_original=False,
        )

    replace_with_rerun = private_answer(conversation, conversation.rerun, replace_original=True)
    app.action(SHARE)(share)
    app.action(MORE)(replace_with_rerun)
    app.action(re.compile(f"^{re.escape(CHOOSE)}:"))(replace_with_rerun)


Listener = Callable[[AsyncAck, dict[str, Any], dict[str, Any], AsyncBoltContext], Awaitable[None]]


def private_answer(
    conversation: Conversation,
    answer: Callable[[str, Asked], Awaitable[Reply]],
    *,
    replace_original: bool,
) -> Listener:
    """A listener that answers a click from its button's value, to the clicker alone: in
    place of the message (More, "which one?") or below it (Details)."""
    session = conversation.services.slack_session

    async def listener(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        clicked = clicked_in(body, context, "button")
        if clicked is not None:
            reply = await answer(text_at(action, "value") or "", clicked[0])
            await respond(session, clicked[1], reply, replace_original=replace_original)

    return listener
