"""The Slack calls digests and notices need besides posting: the DM channel, membership, and
the history search that tells whether a digest (or a notice) already went out.

Errors are described by Slack's short error code or the exception's class, never by a whole
response, so nothing a log keeps can carry a token or a message body.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.digest.compose import find_digest

logger = logging.getLogger(__name__)

HISTORY_PAGE = 200
MAX_HISTORY_PAGES = 25  # 5,000 messages since the post began: far beyond any channel's day
POST_RATE_LIMIT_RETRIES = 12  # each waits Retry-After; POST_TIMEOUT bounds the total

SlackFailure = (SlackApiError, SlackClientError, aiohttp.ClientError, TimeoutError)
"""What a Slack call may raise when Slack or the network lets it down."""


class HistoryUnavailable(Exception):
    """The conversation's history could not be read, so whether a digest is there is unknown."""


class NoDirectMessage(Exception):
    """Slack would not open a DM with the digest's owner, so there is nowhere to post it."""


def describe(error: BaseException) -> str:
    """A short, token-free description of a failure for the log and the delivery row."""
    if isinstance(error, SlackApiError):
        code = error.response.get("error") if error.response is not None else None
        return f"Slack answered {code or 'an error'}"
    text = str(error).strip()
    name = type(error).__name__
    return f"{name}: {text[:300]}" if text else name


def digest_poster(
    slack: AsyncWebClient, *, rate_limit_retries: int = POST_RATE_LIMIT_RETRIES
) -> AsyncWebClient:
    """A client for posting digests that retries only 429s (Slack did not take the message).

    A dropped connection or a 5xx may come after Slack stored the post, so those are not
    retried blindly: the delivery fails, and the next attempt looks in history first.
    """
    return AsyncWebClient(
        token=slack.token,
        base_url=slack.base_url,
        timeout=slack.timeout,
        session=slack.session,
        headers=slack.headers,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=rate_limit_retries)],
    )


async def open_dm(slack: AsyncWebClient, user_id: str) -> str | None:
    """The id of the bot's DM with the user (conversations.open); None when Slack refuses."""
    try:
        response = await slack.conversations_open(users=user_id)
    except SlackFailure as error:
        logger.warning("conversations.open failed for %s: %s", user_id, describe(error))
        return None
    channel = response.get("channel")
    channel_id = channel.get("id") if isinstance(channel, dict) else None
    return channel_id if isinstance(channel_id, str) and channel_id else None


async def is_member(slack: AsyncWebClient, channel_id: str) -> bool | None:
    """Whether the bot is in the channel; None when Slack will not say."""
    try:
        response = await slack.conversations_info(channel=channel_id)
    except SlackApiError as error:
        if error.response is not None and error.response.get("error") == "channel_not_found":
            return False  # a private channel the bot was not invited to
        logger.info("conversations.info failed for %s: %s", channel_id, describe(error))
        return None
    except SlackFailure as error:
        logger.info("conversations.info failed for %s: %s", channel_id, describe(error))
        return None
    channel = response.get("channel")
    if not isinstance(channel, dict) or channel.get("is_im"):
        return None
    member = channel.get("is_member")
    return member if isinstance(member, bool) else None


async def find_posted(
    slack: AsyncWebClient, channel_id: str, kind: str, day: dt.date, *, since: dt.datetime
) -> str | None:
    """The ts of a digest of `kind` for `day` posted in the channel since `since`, if any.

    Raises HistoryUnavailable when Slack will not show the history: then nobody can say.
    """
    return await find_in_history(
        slack, channel_id, lambda messages: find_digest(messages, kind, day), since=since
    )


async def find_in_history(
    slack: AsyncWebClient,
    channel_id: str,
    match: Callable[[Sequence[Mapping[str, Any]]], str | None],
    *,
    since: dt.datetime,
) -> str | None:
    """The ts `match` finds among the messages posted in the channel since `since`.

    Reads conversations.history with metadata, newest first, page by page. Raises
    HistoryUnavailable when Slack will not show the history: then nobody can say.
    """
    oldest = f"{since.timestamp():.6f}"
    cursor: str | None = None
    for _ in range(MAX_HISTORY_PAGES):
        try:
            response = await slack.conversations_history(
                channel=channel_id,
                oldest=oldest,
                inclusive=True,
                include_all_metadata=True,
                limit=HISTORY_PAGE,
                cursor=cursor,
            )
        except SlackFailure as error:
            raise HistoryUnavailable(describe(error)) from None
        messages = response.get("messages")
        found = match(messages if isinstance(messages, list) else [])
        if found is not None:
            return found
        metadata = response.get("response_metadata")
        cursor = metadata.get("next_cursor") if isinstance(metadata, dict) else None
        if not response.get("has_more") or not cursor:
            return None
    # Not knowing is not "no": posting now could post the day twice.
    raise HistoryUnavailable(f"more than {MAX_HISTORY_PAGES} pages of history to search")
