"""A Slack user's time zone, from users.info, cached in the store for a day.

The cache is a convenience: when the database will not take the write promptly (locked,
full), the answer goes on without it rather than wait.
"""

from __future__ import annotations

import asyncio
import logging
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.web.async_client import AsyncWebClient

from bot.clustermarket.tokens import UserKey
from bot.slack_posts import SlackFailure, loggable_id, slack_error
from bot.store import Store, StoreError

logger = logging.getLogger(__name__)

CACHE_WRITE_WAIT = 0.5
"""Seconds an answer waits for the time zone to be cached before going on without."""


async def user_zone(slack: AsyncWebClient, store: Store, key: UserKey) -> ZoneInfo | None:
    """The user's profile zone; None when Slack has none (callers fall back to the lab's)."""
    cached = await store.cached_tz(key)
    if cached is None:
        cached = await _fetch_zone(slack, key)
        if cached is None:
            return None
        await _remember(store, key, cached)
    try:
        return ZoneInfo(cached)
    except (ZoneInfoNotFoundError, ValueError):
        return None


async def _remember(store: Store, key: UserKey, zone: str) -> None:
    try:
        async with asyncio.timeout(CACHE_WRITE_WAIT):
            await store.cache_tz(key, zone)
    except (StoreError, TimeoutError) as failure:
        logger.info(
            "time zone of %s not cached: %s", loggable_id(key.user_id), str(failure) or "slow"
        )


async def _fetch_zone(slack: AsyncWebClient, key: UserKey) -> str | None:
    try:
        response = await slack.users_info(user=key.user_id)
    except SlackFailure as error:
        logger.warning("users.info failed for %s: %s", loggable_id(key.user_id), slack_error(error))
        return None
    user = response.get("user") or {}
    name = user.get("tz") if isinstance(user, dict) else None
    if not isinstance(name, str):
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name
