"""Who is asking: the Slack user of a request, in its workspace and Enterprise Grid organisation."""

from __future__ import annotations

from slack_bolt.async_app import AsyncBoltContext

from bot.clustermarket.tokens import UserKey


def person(context: AsyncBoltContext, user_id: str) -> UserKey:
    """`user_id` in the request's workspace, as Bolt read it from the payload.

    A request from an org-wide install that names no workspace is keyed by its organisation.
    """
    enterprise_id = context.enterprise_id
    return UserKey(context.team_id or enterprise_id or "", user_id, enterprise_id)
