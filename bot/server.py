"""The bot's HTTP side: Slack's requests, the account-linking pages and the health check."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from bot.conversation import Conversation
from bot.linking.flow import Linker, LinkResult
from bot.linking.web import LinkingPages, html
from bot.observability import metrics_endpoint, slack_request
from bot.slack_users import slack_person
from bot.workspaces.install import install_unavailable_page

logger = logging.getLogger(__name__)

SLACK_EVENTS_PATH = "/slack/events"


class PathOnlyAccessLogger(AbstractAccessLogger):
    """Access log lines without query strings: the OAuth callback's carries a code and a
    state, the connect page's a ticket, and none of them may reach a log."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            '%s "%s %s" %d %.3fs',
            request.remote,
            request.method,
            request.path,
            response.status,
            time,
        )


def runner_for(app: web.Application) -> web.AppRunner:
    """An AppRunner for the bot's routes with the query-free access log."""
    return web.AppRunner(app, access_log_class=PathOnlyAccessLogger)


class BotServer:
    """Routes for one process; `slack_events=False` in Socket Mode, where Slack uses the socket."""

    def __init__(self, conversation: Conversation, bolt: AsyncApp) -> None:
        self.conversation = conversation
        self.services = conversation.services
        self.bolt = bolt
        self._background: set[asyncio.Task[None]] = set()
        self.socket_connected: Callable[[], Awaitable[bool]] | None = None
        """In Socket Mode, whether the socket is up (`SocketModeLink.connected`), for /healthz."""
        services = self.services
        linker = Linker(
            services.store,
            services.clustermarket,
            services.tickets,
            lambda key: slack_person(services.slack, key),
        )
        self.linking = LinkingPages(linker, services.settings, self._welcome)

    def web_app(self, *, slack_events: bool = True) -> web.Application:
        app = web.Application()
        if slack_events:
            app.router.add_post(SLACK_EVENTS_PATH, self.slack_events)
        self.linking.add_routes(app)
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/metrics", metrics_endpoint)
        if self.bolt.oauth_flow is not None:  # many workspaces: Slack's install flow
            app.router.add_get(self.bolt.oauth_flow.install_path, self.slack_install)
            app.router.add_get(self.bolt.oauth_flow.redirect_uri_path, self.slack_install)
        app.on_cleanup.append(self._finish_background)
        return app

    async def slack_events(self, request: web.Request) -> web.Response:
        """Bolt verifies the signature (401 and nothing done when it fails) and dispatches."""
        bolt_request = await to_bolt_request(request)
        with slack_request(bolt_request.body) as observed:
            bolt_response = await self.bolt.async_dispatch(bolt_request)
            observed.status = bolt_response.status
        return await to_aiohttp_response(bolt_response)

    def _welcome(self, result: LinkResult) -> None:
        """A person just linked: DM them, after their browser has its page."""
        self._in_background(self.conversation.welcome(result))

    async def slack_install(self, request: web.Request) -> web.Response:
        """Bolt's install flow: the start (to Slack's page) or Slack's redirect back."""
        flow = self.bolt.oauth_flow
        assert flow is not None  # routed only when there is one
        bolt_request = await to_bolt_request(request)
        try:
            if request.path == flow.install_path:
                bolt_response = await flow.handle_installation(bolt_request)
            else:
                bolt_response = await flow.handle_callback(bolt_request)
        except Exception as failure:  # the database refusing a state, Slack unreachable
            logger.warning("the Slack install flow failed: %s", type(failure).__name__)
            return html(install_unavailable_page())
        return await to_aiohttp_response(bolt_response)

    async def healthz(self, _: web.Request) -> web.Response:
        try:
            database_ok = await self.services.store.ping()
        except Exception:
            database_ok = False
        if not database_ok:
            return web.json_response({"status": "error", "database": "unavailable"}, status=503)
        if self.socket_connected is not None and not await self.socket_connected():
            return web.json_response(
                {"status": "failing", "database": "ok", "socket_mode": "disconnected"}, status=503
            )
        return web.json_response({"status": "ok", "database": "ok"})

    def _in_background(self, work: Awaitable[None]) -> None:
        """Run after the page is answered; keep a reference so the task is not collected."""

        async def guarded() -> None:
            try:
                await work
            except Exception:
                logger.exception("background work after linking failed")

        task = asyncio.create_task(guarded())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _finish_background(self, _: web.Application) -> None:
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
