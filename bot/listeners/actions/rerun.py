"""Buttons that ask a question again: Share in channel, More, and "which one did you mean?".

A button carries its question (`bot.questions.codec`), not the answer, so a click is
answered afresh with the clicking user's own token, and a shared answer is rendered for the
channel: no emails, notes or costs.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond

from bot.clustermarket.tokens import UserKey
from bot.conversation import Asked, Conversation
from bot.listeners.people import person
from bot.render import Reply
from bot.render.actions import CHOOSE, MORE, SHARE


def clicked(body: dict[str, Any], context: AsyncBoltContext) -> tuple[UserKey, str | None]:
    """Who clicked, and in which channel."""
    user = body.get("user") or {}
    channel = (body.get("channel") or {}).get("id")
    return person(context, user["id"]), channel


def clicked_in(body: dict[str, Any], context: AsyncBoltContext) -> Asked:
    """Who clicked, in which channel and thread (so a "which one?" answered in a thread
    becomes what the thread is about)."""
    key, channel = clicked(body, context)
    container = body.get("container") or {}
    thread_ts = container.get("thread_ts") or (body.get("message") or {}).get("thread_ts")
    return Asked(key, channel, thread_ts=thread_ts if isinstance(thread_ts, str) else None)


def register(app: AsyncApp, conversation: Conversation) -> None:
    async def share(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        context: AsyncBoltContext,
    ) -> None:
        await ack()
        key, channel = clicked(body, context)
        shared = await conversation.share(action.get("value") or "", Asked(key, channel))
        await respond(
            text=shared.reply.text,
            blocks=shared.reply.blocks,
            response_type="in_channel" if shared.public else "ephemeral",
            replace_original=False,
        )

    replace_with_rerun = private_answer(conversation.rerun, replace_original=True)
    app.action(SHARE)(share)
    app.action(MORE)(replace_with_rerun)
    app.action(re.compile(f"^{re.escape(CHOOSE)}:"))(replace_with_rerun)


Listener = Callable[
    [AsyncAck, dict[str, Any], dict[str, Any], AsyncRespond, AsyncBoltContext], Awaitable[None]
]


def private_answer(
    answer: Callable[[str, Asked], Awaitable[Reply]], *, replace_original: bool
) -> Listener:
    """A listener that answers a click from its button's value, to the clicker alone: in
    place of the message (More, "which one?") or below it (Details)."""

    async def listener(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        context: AsyncBoltContext,
    ) -> None:
        await ack()
        reply = await answer(action.get("value") or "", clicked_in(body, context))
        await respond(
            text=reply.text,
            blocks=reply.blocks,
            response_type="ephemeral",
            replace_original=replace_original,
        )

    return listener
