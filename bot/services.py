"""The process's long-lived parts, built once from settings and shared by every listener."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.answers import Answerer
from bot.clustermarket.client import ClustermarketClient
from bot.config import Settings
from bot.linking.tickets import ConnectTickets
from bot.slack_posts import retry_handlers
from bot.slack_session import open_slack_session
from bot.store import BUSY_TIMEOUT_SECONDS, Store


def slack_client(settings: Settings, session: aiohttp.ClientSession) -> AsyncWebClient:
    """The bot's Web API client: SLACK_API_URL, through the process's Slack `session`, waiting
    out 429s, 5xx and dropped links."""
    token = settings.SLACK_BOT_TOKEN.get_secret_value() if settings.SLACK_BOT_TOKEN else None
    return AsyncWebClient(
        token=token,
        base_url=settings.slack_api_url,
        session=session,
        retry_handlers=retry_handlers(),
    )


@dataclass
class Services:
    settings: Settings
    store: Store
    clustermarket: ClustermarketClient
    answerer: Answerer
    tickets: ConnectTickets
    slack: AsyncWebClient
    slack_session: aiohttp.ClientSession
    """Every call to Slack goes through it: Web API clients and response_url posts."""

    @classmethod
    async def build(
        cls,
        settings: Settings,
        *,
        busy_timeout: float = BUSY_TIMEOUT_SECONDS,
        **client_options: Any,
    ) -> Services:
        """Open the store (off the event loop) and the pooled clients; `client_options` tune
        the Clustermarket client."""
        store = await Store.open(
            settings.DATABASE_PATH, settings.encryption_keys(), busy_timeout=busy_timeout
        )
        clustermarket = ClustermarketClient.from_settings(settings, store, **client_options)
        session = open_slack_session()
        return cls(
            settings=settings,
            store=store,
            clustermarket=clustermarket,
            answerer=Answerer(clustermarket, store),
            tickets=ConnectTickets(settings.encryption_keys(), settings.PUBLIC_URL),
            slack=slack_client(settings, session),
            slack_session=session,
        )

    async def aclose(self) -> None:
        await self.clustermarket.aclose()
        await self.store.aclose()
        await self.slack_session.close()
