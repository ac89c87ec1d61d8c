"""The Web API client to use for a workspace: the one bot token, or each workspace's own.

Listeners get theirs from Bolt (its authorize picks the token for each request); everything
else that calls Slack (answers, the welcome DM after linking, the Home tab, digests, their
notices) asks `SlackClients` with the team (and Enterprise Grid organisation) it acts for,
so each workspace's messages go out with that workspace's token, never another's.
"""

from __future__ import annotations

from slack_sdk.errors import SlackClientError
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from bot.clustermarket.tokens import UserKey
from bot.workspaces.stores import StoreInstallationStore

ROTATE_MINUTES_BEFORE_EXPIRY = 120
"""With Slack's token rotation on, a bot token this close to expiring is renewed first
(Bolt's default for requests, too)."""


class NotInstalled(SlackClientError):
    """cmbot has no installation for the workspace (never installed, or uninstalled)."""


class SlackClients:
    """`base` is the configured client (in one-workspace mode it carries SLACK_BOT_TOKEN);
    `for_team`/`for_key` give the client for a workspace."""

    def __init__(
        self,
        base: AsyncWebClient,
        installations: StoreInstallationStore | None = None,
        rotator: AsyncTokenRotator | None = None,
    ) -> None:
        self.base = base
        self.installations = installations
        self._rotator = rotator

    @property
    def many_workspaces(self) -> bool:
        return self.installations is not None

    async def for_key(self, key: UserKey) -> AsyncWebClient:
        """The client for the workspace `key` is a member of."""
        return await self.for_team(key.team_id, key.enterprise_id)

    async def for_team(self, team_id: str, enterprise_id: str | None = None) -> AsyncWebClient:
        """The client for a workspace; NotInstalled when cmbot is not installed there."""
        if self.installations is None:
            return self.base
        bot = await self.installations.async_find_bot(enterprise_id=enterprise_id, team_id=team_id)
        if bot is None:
            raise NotInstalled(f"cmbot is not installed in the Slack workspace {team_id}")
        bot = await self._fresh(bot)
        return self.with_token(bot.bot_token)

    async def _fresh(self, bot: Bot) -> Bot:
        """The bot, its token renewed first when rotation is on and it expires soon."""
        if bot.bot_refresh_token is None or self._rotator is None or self.installations is None:
            return bot
        renewed = await self._rotator.perform_bot_token_rotation(
            bot=bot, minutes_before_expiration=ROTATE_MINUTES_BEFORE_EXPIRY
        )
        if renewed is None:
            return bot
        await self.installations.async_save_bot(renewed)
        return renewed

    def with_token(self, token: str | None) -> AsyncWebClient:
        """A client like `base` (API URL, retries, session) with another token."""
        base = self.base
        return AsyncWebClient(
            token=token,
            base_url=base.base_url,
            timeout=base.timeout,
            ssl=base.ssl,
            proxy=base.proxy,
            session=base.session,
            headers=base.headers,
            logger=base.logger,
            retry_handlers=list(base.retry_handlers),
        )
