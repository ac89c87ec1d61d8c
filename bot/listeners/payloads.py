"""Reading Slack payloads without trusting their shape.

The signature says a payload came from Slack, not that every field is there and of the type
the docs give; listeners read through `text_at`, so a missing key or a list where a string
belongs means "not given", never a KeyError after the request was acknowledged.
"""

from __future__ import annotations

from typing import Any

from bot.clustermarket.tokens import UserKey


def text_at(node: Any, *path: str) -> str | None:
    """The non-empty string at `path` (keys into nested objects), else None."""
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node if isinstance(node, str) and node else None


def clicker(body: dict[str, Any]) -> tuple[UserKey, str | None] | None:
    """Who clicked a button and in which channel; None when the payload names no one."""
    user_id = text_at(body, "user", "id")
    if user_id is None:
        return None
    team_id = text_at(body, "team", "id") or text_at(body, "user", "team_id") or ""
    return UserKey(team_id, user_id), text_at(body, "channel", "id")
