"""Bolt's authorize for one workspace (SLACK_BOT_TOKEN): auth.test asked once per process.

Bolt's own single-workspace authorization asks auth.test on every request until its first
answer is back, so the first burst after a start made one auth.test per request: with 500
people at once (bench/load.py) that was 500 calls, each on a new connection, and the acks
waited behind them (ack p99 0.9-1.0 s). Here the first request asks and the rest wait for
that one answer; a failed ask is not kept, so the next request asks again.
"""

from __future__ import annotations

import asyncio

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse


class OneTokenAuthorize(AsyncAuthorize):
    """Every request is the bot token's workspace, as auth.test told it once."""

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client
        self._asking: asyncio.Future[AsyncSlackResponse] | None = None

    async def __call__(
        self,
        *,
        context: AsyncBoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        actor_enterprise_id: str | None = None,
        actor_team_id: str | None = None,
        actor_user_id: str | None = None,
    ) -> AuthorizeResult:
        answer = await self._auth_test()
        return AuthorizeResult(
            enterprise_id=answer.get("enterprise_id"),
            team_id=answer.get("team_id"),
            bot_id=answer.get("bot_id"),
            bot_user_id=answer.get("user_id"),
            bot_token=self._client.token,
            bot_scopes=answer.headers.get("x-oauth-scopes"),
            user_id=user_id,
        )

    async def _auth_test(self) -> AsyncSlackResponse:
        """auth.test's answer: the one asked for, or being asked for, by another request."""
        if self._asking is None:
            self._asking = asyncio.ensure_future(self._client.auth_test())
        asking = self._asking
        try:
            # shielded: a request Slack gave up on must not cancel everyone else's answer
            return await asyncio.shield(asking)
        except Exception:
            if asking.done() and self._asking is asking:
                self._asking = None  # failed: the next request asks again
            raise
