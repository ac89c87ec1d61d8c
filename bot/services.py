"""The process's long-lived parts, built once from settings and shared by every listener."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from bot.answers import Answerer
from bot.clustermarket.client import ClustermarketClient
from bot.clustermarket.tokens import UserKey
from bot.config import Settings
from bot.linking.tickets import ConnectTickets
from bot.render.weblinks import WebLinks
from bot.slack_posts import retry_handlers
from bot.slack_session import open_slack_session
from bot.store import BUSY_TIMEOUT_SECONDS, Store
from bot.workspaces.clients import SlackClients
from bot.workspaces.stores import StoreInstallationStore


def slack_client(settings: Settings, session: aiohttp.ClientSession) -> AsyncWebClient:
    """The bot's Web API client: SLACK_API_URL, through the process's Slack `session`, waiting
    out 429s, 5xx and dropped links.

    With one workspace it carries SLACK_BOT_TOKEN; with many, none (see `slack_clients`)."""
    token = settings.SLACK_BOT_TOKEN.get_secret_value() if settings.SLACK_BOT_TOKEN else None
    return AsyncWebClient(
        token=token,
        base_url=settings.slack_api_url,
        session=session,
        retry_handlers=retry_handlers(),
    )


def slack_clients(settings: Settings, store: Store, session: aiohttp.ClientSession) -> SlackClients:
    """One workspace's client, or each installed workspace's, found in the store; all of
    them through the process's Slack `session`."""
    base = slack_client(settings, session)
    if not settings.many_workspaces or settings.SLACK_CLIENT_ID is None:
        return SlackClients(base)
    secret = settings.SLACK_CLIENT_SECRET
    rotator = AsyncTokenRotator(
        client_id=settings.SLACK_CLIENT_ID,
        client_secret=secret.get_secret_value() if secret else "",
        client=base,
    )
    return SlackClients(base, StoreInstallationStore(store), rotator)


ForgetHook = Callable[[UserKey], None]
"""Drops what one part of the process holds in memory about a person."""


@dataclass
class Services:
    settings: Settings
    store: Store
    clustermarket: ClustermarketClient
    answerer: Answerer
    tickets: ConnectTickets
    slack: SlackClients
    """Each workspace's Web API client (`for_key`, `for_team`)."""
    slack_session: aiohttp.ClientSession
    """Every call to Slack goes through it: Web API clients and response_url posts."""
    forget_hooks: list[ForgetHook] = field(default_factory=list)
    """Called by `forget_cached`: every in-memory cache about a person registers here."""

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
        answerer = Answerer(clustermarket, store)
        return cls(
            settings=settings,
            store=store,
            clustermarket=clustermarket,
            answerer=answerer,
            tickets=ConnectTickets(settings.encryption_keys(), settings.PUBLIC_URL),
            slack=slack_clients(settings, store, session),
            slack_session=session,
            forget_hooks=[answerer.forget, clustermarket.tokens.forget],
        )

    @property
    def web_links(self) -> WebLinks | None:
        """Links into the Clustermarket web app (None without CLUSTERMARKET_WEB_URL)."""
        return WebLinks.from_settings(self.settings)

    def forget_cached(self, key: UserKey) -> None:
        """Drop what this process holds in memory about `key` (disconnected, forgotten,
        relinked, its workspace uninstalled)."""
        for hook in self.forget_hooks:
            hook(key)

    async def aclose(self) -> None:
        await self.clustermarket.aclose()
        await self.store.aclose()
        await self.slack_session.close()
