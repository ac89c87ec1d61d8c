"""The process's long-lived parts, built once from settings and shared by every listener."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.answers import Answerer
from bot.clustermarket.client import ClustermarketClient
from bot.config import Settings
from bot.linking import ConnectTickets
from bot.slack_posts import retry_handlers
from bot.store import Store


def slack_client(settings: Settings) -> AsyncWebClient:
    """The bot's Web API client: SLACK_API_URL, and waits out 429s, 5xx and dropped links."""
    token = settings.SLACK_BOT_TOKEN.get_secret_value() if settings.SLACK_BOT_TOKEN else None
    return AsyncWebClient(
        token=token,
        base_url=settings.slack_api_url,
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

    @classmethod
    def build(cls, settings: Settings, **client_options: Any) -> Services:
        """Open the store and the pooled clients; `client_options` tune the Clustermarket client."""
        store = Store(settings.DATABASE_PATH, settings.encryption_keys())
        clustermarket = ClustermarketClient.from_settings(settings, store, **client_options)
        return cls(
            settings=settings,
            store=store,
            clustermarket=clustermarket,
            answerer=Answerer(clustermarket, store),
            tickets=ConnectTickets(settings.encryption_keys(), settings.PUBLIC_URL),
            slack=slack_client(settings),
        )

    async def aclose(self) -> None:
        await self.clustermarket.aclose()
        self.store.close()
