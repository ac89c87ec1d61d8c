"""What Slack says about a user (users.info): time zone, who they are, whether they administer
the workspace.

The time zone is cached in the store for a day. The cache is a convenience: when the database
will not take the write promptly (locked, full), the answer goes on without it rather than
wait. Every lookup here fails soft: Slack not answering means "unknown", never an error for
the person asking, and never "admin".
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.clustermarket.tokens import UserKey
from bot.linking.flow import SlackPerson
from bot.slack_posts import SlackFailure, loggable_id, slack_error
from bot.store import Store, StoreError
from bot.workspaces.clients import SlackClients

logger = logging.getLogger(__name__)

CACHE_WRITE_WAIT = 0.5
"""Seconds an answer waits for the time zone to be cached before going on without."""


async def user_zone(slack: SlackClients, store: Store, key: UserKey) -> ZoneInfo | None:
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


async def slack_person(slack: SlackClients, key: UserKey) -> SlackPerson:
    """The user's name and profile email (scope users:read.email) and the workspace's name,
    for linking; each None when Slack does not say."""
    user = await _fetch_user(slack, key)
    profile = user.get("profile")
    if not isinstance(profile, dict):
        profile = {}
    name = (
        _text(profile.get("real_name")) or _text(user.get("real_name")) or _text(user.get("name"))
    )
    return SlackPerson(
        name=name, email=_text(profile.get("email")), workspace=await _workspace(slack, key)
    )


async def is_workspace_admin(slack: SlackClients, key: UserKey) -> bool:
    """Whether the user is an admin or owner of the workspace; False when Slack won't say."""
    user = await _fetch_user(slack, key)
    return any(user.get(flag) is True for flag in ("is_admin", "is_owner", "is_primary_owner"))


async def _remember(store: Store, key: UserKey, zone: str) -> None:
    try:
        async with asyncio.timeout(CACHE_WRITE_WAIT):
            await store.cache_tz(key, zone)
    except (StoreError, TimeoutError) as failure:
        logger.info(
            "time zone of %s not cached: %s", loggable_id(key.user_id), str(failure) or "slow"
        )


async def _fetch_zone(slack: SlackClients, key: UserKey) -> str | None:
    name = (await _fetch_user(slack, key)).get("tz")
    if not isinstance(name, str):
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


async def _fetch_user(slack: SlackClients, key: UserKey) -> dict[str, Any]:
    """users.info's `user` object, asked with the user's workspace's token; empty when Slack
    refuses or cannot be reached (or cmbot is not installed there)."""
    try:
        client = await slack.for_key(key)
        response = await client.users_info(user=key.user_id)
    except SlackFailure as error:
        logger.warning("users.info failed for %s: %s", loggable_id(key.user_id), slack_error(error))
        return {}
    user = response.get("user")
    return user if isinstance(user, dict) else {}


async def _workspace(slack: SlackClients, key: UserKey) -> str | None:
    """The workspace's name, as auth.test tells the bot (no extra scope needed)."""
    try:
        response = await (await slack.for_key(key)).auth_test()
    except SlackFailure as error:
        logger.info("auth.test failed: %s", slack_error(error))
        return None
    return _text(response.get("team"))


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
