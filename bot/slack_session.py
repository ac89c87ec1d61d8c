"""One HTTP session for everything the bot sends Slack: Web API calls and response_url posts.

slack-sdk's clients open (and close) a new aiohttp session for every call unless they are
given one, so each answer cost a fresh connection and resident memory crept up with every
request (issue 12). The session is the process's, kept alive and shared: any number of
`AsyncWebClient`s (one per workspace's token) and every response_url post go through it, and
its connector bounds the connections to Slack.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp, AsyncBoltContext, AsyncRespond
from slack_bolt.context.respond.internals import _build_message
from slack_sdk.models.attachments import Attachment
from slack_sdk.models.blocks import Block
from slack_sdk.webhook.async_client import AsyncWebhookClient
from slack_sdk.webhook.webhook_response import WebhookResponse

SLACK_CONNECTIONS = 64
"""Connections to Slack at once; more requests wait for one (Slack allows ~1 post/s/channel)."""
KEEPALIVE_SECONDS = 30.0


def open_slack_session() -> aiohttp.ClientSession:
    """The process's session for Slack (call inside the running event loop)."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=SLACK_CONNECTIONS, keepalive_timeout=KEEPALIVE_SECONDS)
    )


class SessionRespond(AsyncRespond):
    """Bolt's `respond`, posting through the shared session (Bolt's opens one per post)."""

    def __init__(self, response_url: str, session: aiohttp.ClientSession) -> None:
        super().__init__(response_url=response_url)
        self.session = session

    async def __call__(
        self,
        text: str | dict[str, Any] = "",
        blocks: Sequence[dict[str, Any] | Block] | None = None,
        attachments: Sequence[dict[str, Any] | Attachment] | None = None,
        response_type: str | None = None,
        replace_original: bool | None = None,
        delete_original: bool | None = None,
        unfurl_links: bool | None = None,
        unfurl_media: bool | None = None,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> WebhookResponse:
        assert self.response_url is not None
        client = AsyncWebhookClient(self.response_url, session=self.session)
        if isinstance(text, dict):
            return await client.send_dict(_build_message(**text))
        message = _build_message(
            text=text,
            blocks=blocks,
            attachments=attachments,
            response_type=response_type,
            replace_original=replace_original,
            delete_original=delete_original,
            unfurl_links=unfurl_links,
            unfurl_media=unfurl_media,
            thread_ts=thread_ts,
            metadata=metadata,
        )
        return await client.send_dict(message)


def respond_through(app: AsyncApp, session: aiohttp.ClientSession) -> None:
    """Give every listener a `respond` that posts through `session`."""

    async def shared_respond(
        context: AsyncBoltContext, next: Callable[[], Awaitable[None]]
    ) -> None:
        if context.response_url is not None:
            context["respond"] = SessionRespond(context.response_url, session)
        await next()

    app.middleware(shared_respond)
