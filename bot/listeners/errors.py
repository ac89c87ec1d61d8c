"""What happens when a listener or Bolt itself fails: one log line, and a kind answer if owed.

The line names the kind of request and the failure's type and place (`failure_line`),
never the body, whose fields may hold anything a user typed or a response URL. Before the
acknowledgement a slash command still gets an apology as its ack, other requests a 400 (the
body was one Bolt could not handle), never a 500. After it, whoever asked hears that
something went wrong: through the response URL, or in the thread they asked in.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.response import BoltResponse

from bot.conversation import Conversation
from bot.failures import failure_line
from bot.listeners.payloads import text_at
from bot.render import unexpected_error_reply
from bot.slack_posts import SlackFailure, post_ephemeral, respond, slack_error

logger = logging.getLogger(__name__)

_KIND = re.compile(r"[a-z_.]{1,40}")


def request_kind(body: dict[str, Any]) -> str:
    """'slash command', 'event app_mention', 'block_actions'…: safe to log, whatever the body."""
    if "command" in body:
        return "slash command"
    kind = text_at(body, "type") or ""
    if kind == "event_callback":
        event = text_at(body, "event", "type") or ""
        return f"event {event}" if _KIND.fullmatch(event) else "event"
    return kind if _KIND.fullmatch(kind) else "request"


def register(app: AsyncApp, conversation: Conversation) -> None:
    command = conversation.command
    slack, session = conversation.services.slack, conversation.services.slack_session

    async def apologise(body: dict[str, Any]) -> None:
        """Tell the asker something went wrong, where the payload says how to reach them."""
        sorry = unexpected_error_reply(command)
        response_url = text_at(body, "response_url")
        if response_url is not None:
            await respond(session, response_url, sorry)
            return
        channel, user = text_at(body, "event", "channel"), text_at(body, "event", "user")
        team = text_at(body, "team_id")
        if (
            text_at(body, "event", "type") in ("app_mention", "message")
            and channel
            and user
            and team
        ):
            thread_ts = text_at(body, "event", "thread_ts") or text_at(body, "event", "ts")
            try:
                client = await slack.for_team(team, text_at(body, "enterprise_id"))
            except SlackFailure as failure:  # cmbot is no longer installed there
                logger.warning("could not apologise in %s: %s", team[:12], slack_error(failure))
                return
            await post_ephemeral(client, channel, user, sorry, thread_ts=thread_ts)

    async def on_error(
        error: Exception, body: dict[str, Any], response: BoltResponse | None
    ) -> BoltResponse | None:
        kind = request_kind(body)
        if isinstance(error, BoltUnhandledRequestError):
            logger.info("no listener takes this %s", kind)
            return None  # Bolt's 404 stands
        if response is None:  # acknowledged already: the listener was answering
            logger.error("%s failed: %s", kind, failure_line(error))
            await apologise(body)
            return None
        logger.warning("could not take this %s: %s", kind, failure_line(error))
        if kind == "slash command":
            sorry = unexpected_error_reply(command)
            ack = {"response_type": "ephemeral", "text": sorry.text, "blocks": sorry.blocks}
            return BoltResponse(status=200, body=json.dumps(ack))
        return BoltResponse(status=400, body="")

    app.error(on_error)
