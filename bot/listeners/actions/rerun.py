"""Buttons that ask a question again: Share in channel, More, and "which one did you mean?".

A button carries its question (`bot.questions.codec`), not the answer, so a click is
answered afresh with the clicking user's own token, and a shared answer is rendered for the
channel: no emails, notes or costs.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.conversation import Asked, Conversation
from bot.listeners.payloads import clicker, text_at
from bot.render.actions import CHOOSE, MORE, SHARE
from bot.slack_posts import respond

logger = logging.getLogger(__name__)


def _asked(body: dict[str, Any], what: str) -> tuple[Asked, str] | None:
    """Who clicked where, and the response URL for the answer; None (logged) if not given."""
    who, response_url = clicker(body), text_at(body, "response_url")
    if who is None or response_url is None:
        logger.warning("a %s click without a user or response_url: ignored", what)
        return None
    return Asked(*who), response_url


def register(app: AsyncApp, conversation: Conversation) -> None:
    async def share(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        clicked = _asked(body, "Share")
        if clicked is None:
            return
        shared = await conversation.share(text_at(action, "value") or "", clicked[0])
        await respond(
            clicked[1],
            shared.reply,
            response_type="in_channel" if shared.public else "ephemeral",
            replace_original=False,
        )

    async def replace_with_rerun(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]
    ) -> None:
        await ack()
        clicked = _asked(body, "More or choice")
        if clicked is not None:
            reply = await conversation.rerun(text_at(action, "value") or "", clicked[0])
            await respond(clicked[1], reply, replace_original=True)

    app.action(SHARE)(share)
    app.action(MORE)(replace_with_rerun)
    app.action(re.compile(f"^{re.escape(CHOOSE)}:"))(replace_with_rerun)
