"""Buttons that ask a question again: Share in channel, More, and "which one did you mean?".

A button carries its question (`bot.questions.codec`), not the answer, so a click is
answered afresh with the clicking user's own token, and a shared answer is rendered for the
channel: no emails, notes or costs.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond

from bot.clustermarket.tokens import UserKey
from bot.conversation import Asked, Conversation
from bot.listeners.people import person
from bot.render.actions import CHOOSE, MORE, SHARE


def clicked(body: dict[str, Any], context: AsyncBoltContext) -> tuple[UserKey, str | None]:
    """Who clicked, and in which channel."""
    user = body.get("user") or {}
    channel = (body.get("channel") or {}).get("id")
    return person(context, user["id"]), channel


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

    async def replace_with_rerun(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        context: AsyncBoltContext,
    ) -> None:
        await ack()
        key, channel = clicked(body, context)
        reply = await conversation.rerun(action.get("value") or "", Asked(key, channel))
        await respond(
            text=reply.text,
            blocks=reply.blocks,
            response_type="ephemeral",
            replace_original=True,
        )

    app.action(SHARE)(share)
    app.action(MORE)(replace_with_rerun)
    app.action(re.compile(f"^{re.escape(CHOOSE)}:"))(replace_with_rerun)
