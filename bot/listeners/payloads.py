"""Reading Slack payloads without trusting their shape.

The signature says a payload came from Slack, not that every field is there and of the type
the docs give; listeners read through `text_at`, so a missing key or a list where a string
belongs means "not given", never a KeyError after the request was acknowledged.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncBoltContext

from bot.clustermarket.tokens import UserKey


def text_at(node: Any, *path: str) -> str | None:
    """The non-empty string at `path` (keys into nested objects), else None."""
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node if isinstance(node, str) and node else None


def person(context: AsyncBoltContext, user_id: str) -> UserKey:
    """`user_id` in the request's workspace and Enterprise Grid organisation, as Bolt read
    them from the payload. A request from an org-wide install that names no workspace is
    keyed by its organisation."""
    enterprise_id = context.enterprise_id
    return UserKey(context.team_id or enterprise_id or "", user_id, enterprise_id)


def clicker(body: dict[str, Any], context: AsyncBoltContext) -> tuple[UserKey, str | None] | None:
    """Who clicked a button and in which channel; None when the payload names no one."""
    user_id = text_at(body, "user", "id")
    if user_id is None:
        return None
    return person(context, user_id), text_at(body, "channel", "id")
