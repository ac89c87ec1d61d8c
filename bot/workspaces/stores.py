"""slack-sdk's installation-store and state-store interfaces, over cmbot's database.

Bolt's OAuth flow saves what an install returns and its authorize finds each request's bot
token through these; the digest runner and every other caller find it the same way (see
`clients`). The store keeps slack-sdk's own models as documents (`vars(model)`, read back
with `Model(**document)`, as slack-sdk's file store does), encrypted.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import UTC, datetime, timedelta

from slack_bolt.error import BoltError
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from bot.store import Store, StoreError

logger = logging.getLogger(__name__)

BOT_SECRETS = ("bot_token", "bot_refresh_token", "bot_token_expires_at")
"""Kept once, with the workspace's bot; an installation borrows them when it is read."""
BOT_FIELDS = ("bot_id", "bot_user_id", "bot_scopes", *BOT_SECRETS)


def _installed_at(model: Bot | Installation) -> datetime:
    return datetime.fromtimestamp(model.installed_at, tz=UTC)


class StoreInstallationStore(AsyncInstallationStore):
    """Slack installations in the `Store`; org-wide installs answer for their workspaces."""

    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def logger(self) -> logging.Logger:
        return logger

    async def async_save(self, installation: Installation) -> None:
        """Keep a new install; BoltError (Bolt's "storage_error" page) when the database
        refuses."""
        document = {k: v for k, v in vars(installation).items() if k not in BOT_SECRETS}
        try:
            if installation.bot_token is not None:  # first: the bot is what serves requests
                await self.async_save_bot(installation.to_bot())
            await self._store.save_slack_installation(
                document,
                enterprise_id=installation.enterprise_id,
                team_id=installation.team_id,
                user_id=installation.user_id,
                is_enterprise_install=bool(installation.is_enterprise_install),
                installed_at=_installed_at(installation),
            )
        except StoreError as refused:
            logger.warning("a Slack install could not be saved: %s", refused)
            raise BoltError("the install could not be saved") from None

    async def async_save_bot(self, bot: Bot) -> None:
        await self._store.save_slack_bot(
            dict(vars(bot)),
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            is_enterprise_install=bool(bot.is_enterprise_install),
            installed_at=_installed_at(bot),
        )

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        document = await self._store.find_slack_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=bool(is_enterprise_install),
        )
        return None if document is None else Bot(**document)

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        """The latest install (by `user_id`, if given), carrying the workspace's current bot."""
        document = await self._store.find_slack_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=bool(is_enterprise_install),
        )
        if document is None:
            return None
        installation = Installation(**document)
        bot = await self.async_find_bot(
            enterprise_id=installation.enterprise_id,
            team_id=installation.team_id,
            is_enterprise_install=installation.is_enterprise_install,
        )
        for name in BOT_FIELDS:
            setattr(installation, name, None if bot is None else getattr(bot, name))
        return installation

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self._store.delete_slack_bot(enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        await self._store.delete_slack_installation(
            enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
        )


class StoreStateStore(AsyncOAuthStateStore):
    """The install flow's states: single-use, expiring, kept only as an HMAC under
    SLACK_STATE_SECRET, so neither a copy of the database nor a forged state starts an
    install."""

    def __init__(self, store: Store, secret: str, *, expiration_seconds: int) -> None:
        self._store = store
        self._secret = secret.encode("utf-8")
        self._ttl = timedelta(seconds=expiration_seconds)

    @property
    def logger(self) -> logging.Logger:
        return logger

    def _digest(self, state: str) -> str:
        return hmac.new(self._secret, state.encode("utf-8"), hashlib.sha256).hexdigest()

    async def async_issue(self, *args: object, **kwargs: object) -> str:
        state = secrets.token_urlsafe(32)
        await self._store.issue_install_state(self._digest(state), ttl=self._ttl)
        return state

    async def async_consume(self, state: str) -> bool:
        if not state:
            return False
        return await self._store.consume_install_state(self._digest(state))
