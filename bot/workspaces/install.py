"""Slack's install flow, Bolt's own: `GET /slack/install` sends the installer to Slack, and
`GET /slack/oauth_redirect` stores what Slack returns, in cmbot's database.

Only the edges are cmbot's: the stores (`stores`), the pages the installer sees (in cmbot's
style, saying what to do next), and a log filter, because Bolt's warning about a refused
code would otherwise write the code itself to the log.
"""

from __future__ import annotations

import logging
import re
from html import escape

from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import SLACK_INSTALL_PATH, SLACK_OAUTH_REDIRECT_PATH, Settings
from bot.linking.pages import Page, render
from bot.store import Store
from bot.workspaces.stores import StoreInstallationStore, StoreStateStore

BOT_SCOPES = (
    "app_mentions:read",
    "channels:history",
    "groups:history",
    "channels:read",
    "groups:read",
    "chat:write",
    "commands",
    "im:history",
    "im:write",
    "links:read",
    "links:write",
    "users:read",
    "users:read.email",
)
"""What the install asks for: exactly manifest.yml's bot scopes (a test holds them equal)."""
STATE_LIFETIME_SECONDS = 600
FLOW_LOGGER = logging.getLogger("bot.workspaces.install")


class HideOAuthCodes(logging.Filter):
    """Blanks an OAuth code in a log line (Bolt names it when Slack refuses one)."""

    _CODE = re.compile(r"(\bcode\b\W{1,3})[\w.\-]+", re.IGNORECASE)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = self._CODE.sub(r"\1[hidden]", message)
        if hidden != message:
            record.msg, record.args = hidden, ()
        return True


def install_flow(settings: Settings, store: Store, base: AsyncWebClient) -> AsyncOAuthFlow:
    """Bolt's install flow over the store; needs the three install settings."""
    if settings.SLACK_CLIENT_ID is None or settings.SLACK_CLIENT_SECRET is None:
        raise ValueError("the install flow needs SLACK_CLIENT_ID and SLACK_CLIENT_SECRET")
    if settings.SLACK_STATE_SECRET is None:
        raise ValueError("the install flow needs SLACK_STATE_SECRET")
    if not any(isinstance(found, HideOAuthCodes) for found in FLOW_LOGGER.filters):
        FLOW_LOGGER.addFilter(HideOAuthCodes())
    pages = InstallPages(settings)
    oauth = AsyncOAuthSettings(
        client_id=settings.SLACK_CLIENT_ID,
        client_secret=settings.SLACK_CLIENT_SECRET.get_secret_value(),
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        redirect_uri=settings.slack_redirect_uri,
        install_path=SLACK_INSTALL_PATH,
        install_page_rendering_enabled=False,  # straight to Slack's own page
        redirect_uri_path=SLACK_OAUTH_REDIRECT_PATH,
        callback_options=AsyncCallbackOptions(success=pages.success, failure=pages.failure),
        authorization_url=settings.slack_authorize_url,
        installation_store=StoreInstallationStore(store),
        installation_store_bot_only=True,
        state_store=StoreStateStore(
            store,
            settings.SLACK_STATE_SECRET.get_secret_value(),
            expiration_seconds=STATE_LIFETIME_SECONDS,
        ),
        state_expiration_seconds=STATE_LIFETIME_SECONDS,
        logger=FLOW_LOGGER,
    )
    return AsyncOAuthFlow(client=base, logger=FLOW_LOGGER, settings=oauth)


def install_authorize(
    flow: AsyncOAuthFlow, base: AsyncWebClient
) -> AsyncInstallationStoreAuthorize:
    """Bolt's authorize for requests: each workspace's bot token from the store, checked
    with auth.test once per token (not on every request), renewed when rotation is on."""
    settings = flow.settings
    return AsyncInstallationStoreAuthorize(
        logger=FLOW_LOGGER,
        installation_store=settings.installation_store,
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        bot_only=True,
        cache_enabled=True,
        client=base,
    )


class InstallPages:
    """What the installer's browser shows when Slack sends it back."""

    def __init__(self, settings: Settings) -> None:
        self._command = settings.SLACK_COMMAND
        self._again = settings.PUBLIC_URL.rstrip("/") + SLACK_INSTALL_PATH
        self._slack = settings.slack_authorize_url.removesuffix("/oauth/v2/authorize")

    async def success(self, args: AsyncSuccessArgs) -> BoltResponse:
        installation = args.installation
        where = installation.team_name or installation.enterprise_name or "your workspace"
        open_url = f"{self._slack}/app_redirect?app={installation.app_id}"
        if installation.team_id:
            open_url += f"&team={installation.team_id}"
        page = Page(
            200,
            "cmbot is installed",
            f"<p>cmbot is now installed in <b>{escape(where)}</b>.</p>"
            f"<p>Tell your lab: each person types <code>{escape(self._command)} connect</code>"
            " in Slack once to link their own Clustermarket account, then asks"
            f" <code>{escape(self._command)} help</code>.</p>"
            f'<p><a href="{escape(open_url)}">Open cmbot in Slack</a></p>',
        )
        return self._answer(args.settings.state_utils.build_set_cookie_for_deletion(), page)

    async def failure(self, args: AsyncFailureArgs) -> BoltResponse:
        cookie = args.settings.state_utils.build_set_cookie_for_deletion()
        return self._answer(cookie, self.failure_page(args.reason))

    def failure_page(self, reason: str) -> Page:
        again = f'<p><a href="{escape(self._again)}">Start the install again</a>.</p>'
        if reason == "access_denied":
            return Page(
                200,
                "cmbot was not installed",
                f"<p>You chose not to install cmbot, so nothing changed.</p>{again}",
            )
        if reason in ("invalid_browser", "invalid_state"):
            return Page(
                400,
                "This install link has run out",
                "<p>Install links work once, for ten minutes, in the browser that opened them;"
                f" this one is used, older, or from another browser. Nothing changed.</p>{again}",
            )
        if reason == "storage_error":
            return Page(
                503,
                "cmbot could not save the install",
                f"<p>Slack approved it, but cmbot's database did not take it. Nothing changed;"
                f" please try again in a moment.</p>{again}",
            )
        return Page(
            400,
            "Slack did not complete the install",
            f"<p>Slack did not confirm the install, so nothing was installed.</p>{again}",
        )

    @staticmethod
    def _answer(cookie: str, page: Page) -> BoltResponse:
        return BoltResponse(
            status=page.status,
            body=render(page),
            headers={
                "Content-Type": "text/html; charset=utf-8",
                "Cache-Control": "no-store",
                "Referrer-Policy": "no-referrer",
                "Set-Cookie": cookie,
            },
        )


def install_unavailable_page() -> Page:
    """The install flow failed on cmbot's side (the database refusing a state, Slack
    unreachable): nothing changed, try again."""
    return Page(
        503,
        "cmbot can't be installed right now",
        "<p>Something went wrong on cmbot's side; nothing changed. Please try again in a"
        " moment.</p>",
    )
