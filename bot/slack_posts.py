"""Every message, view and response-URL post the bot makes in answer to someone.

One place so that each post is made the same way: over the process's one Slack session
(`bot.slack_session`), through a client that waits out Slack's 429s (slack-sdk's retry
handlers, for the Web API and for response URLs alike), and, when it fails all the same,
logged as one line with the Slack method and Slack's error code, never the text. The caller
learns whether it worked and can fall back (a note it could not update is followed by a
fresh message instead); no post raises.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Literal

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.render import Reply

logger = logging.getLogger(__name__)

RATE_LIMIT_RETRIES = 5
RESPONSE_URL_TIMEOUT = 10
_SLACK_CODE = re.compile(r"[a-z0-9_]{1,60}")

SlackFailure = (SlackApiError, SlackClientError, aiohttp.ClientError, TimeoutError, ValueError)
"""What a post may raise when Slack or the network lets it down (ValueError: a URL that is
not one, or text that cannot be encoded)."""


def retry_handlers() -> list[AsyncRetryHandler]:
    """Wait out 429s (Retry-After), 5xx and dropped connections, a few times each."""
    return [
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        AsyncServerErrorRetryHandler(max_retry_count=2),
    ]


def slack_error(error: BaseException) -> str:
    """Slack's error code (`channel_not_found`, `ratelimited`) or the exception's type.

    Never `str(error)`: slack-sdk's message quotes the request, aiohttp's the URL.
    """
    if isinstance(error, SlackApiError) and error.response is not None:
        code = error.response.get("error")
        if isinstance(code, str) and _SLACK_CODE.fullmatch(code):
            return code
    return type(error).__name__


async def post_message(
    slack: AsyncWebClient, channel: str, reply: Reply, *, thread_ts: str | None = None
) -> str | None:
    """chat.postMessage; the new message's ts, or None when Slack did not take it."""
    try:
        response = await slack.chat_postMessage(
            channel=channel, thread_ts=thread_ts, text=reply.text, blocks=reply.blocks
        )
    except SlackFailure as error:
        logger.warning(
            "chat.postMessage to %s failed: %s", loggable_id(channel), slack_error(error)
        )
        return None
    ts = response.get("ts")
    return ts if isinstance(ts, str) else ""


async def post_ephemeral(
    slack: AsyncWebClient, channel: str, user: str, reply: Reply, *, thread_ts: str | None = None
) -> bool:
    """chat.postEphemeral: shown to `user` alone; False when Slack did not take it."""
    try:
        await slack.chat_postEphemeral(
            channel=channel, user=user, thread_ts=thread_ts, text=reply.text, blocks=reply.blocks
        )
    except SlackFailure as error:
        logger.warning(
            "chat.postEphemeral to %s failed: %s", loggable_id(channel), slack_error(error)
        )
        return False
    return True


async def update_message(slack: AsyncWebClient, channel: str, ts: str, reply: Reply) -> bool:
    """chat.update of one of the bot's own messages; False when Slack refused."""
    try:
        await slack.chat_update(channel=channel, ts=ts, text=reply.text, blocks=reply.blocks)
    except SlackFailure as error:
        logger.warning("chat.update in %s failed: %s", loggable_id(channel), slack_error(error))
        return False
    return True


async def publish_view(slack: AsyncWebClient, user_id: str, view: dict[str, Any]) -> bool:
    """views.publish of a user's Home tab; False when Slack refused."""
    try:
        await slack.views_publish(user_id=user_id, view=view)
    except SlackFailure as error:
        logger.warning("views.publish for %s failed: %s", loggable_id(user_id), slack_error(error))
        return False
    return True


async def respond(
    session: aiohttp.ClientSession,
    response_url: str,
    reply: Reply,
    *,
    response_type: Literal["ephemeral", "in_channel"] = "ephemeral",
    replace_original: bool | None = None,
) -> bool:
    """A post to an interaction's response URL, through the process's Slack `session`;
    False when Slack did not take it.

    Bolt's own `respond` neither retries a 429 nor says when Slack refused, so a lost answer
    left no trace; this one does both. The URL itself is never logged: it is a credential.
    """
    message: dict[str, Any] = {
        "text": reply.text,
        "blocks": reply.blocks,
        "response_type": response_type,
    }
    if replace_original is not None:
        message["replace_original"] = replace_original
    client = AsyncWebhookClient(
        response_url,
        session=session,
        timeout=RESPONSE_URL_TIMEOUT,
        retry_handlers=retry_handlers(),
    )
    try:
        answer = await client.send_dict(message)
    except SlackFailure as error:
        logger.warning("response_url post failed: %s", slack_error(error))
        return False
    if answer.status_code != 200:
        body = answer.body.strip() if isinstance(answer.body, str) else ""
        code = body if _SLACK_CODE.fullmatch(body) else "no error code"
        logger.warning("response_url post failed: HTTP %d %s", answer.status_code, code)
        return False
    return True


def loggable_id(value: str) -> str:
    """A Slack id for the log line; anything else (it came in a payload) is not repeated."""
    return value if re.fullmatch(r"[A-Z0-9]{1,32}", value) else "an unusual id"
