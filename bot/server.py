"""The bot's HTTP side: Slack's requests, the account-linking pages and the health check."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier

from bot.conversation import Conversation
from bot.failures import failure_line
from bot.health import Health
from bot.linking.flow import Linker, LinkResult
from bot.linking.web import LinkingPages, html
from bot.listening import KEEPALIVE_SECONDS
from bot.observability import metrics_endpoint, slack_request
from bot.slack_gate import Refusal, bolt_request, refused
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


def runner_for(
    app: web.Application, *, keepalive_timeout: float = KEEPALIVE_SECONDS
) -> web.AppRunner:
    """An AppRunner for the bot's routes: the query-free access log, idle connections closed
    after `keepalive_timeout` (start it with `bot.listening.listen`, which caps them)."""
    return web.AppRunner(
        app, access_log_class=PathOnlyAccessLogger, keepalive_timeout=keepalive_timeout
    )


class BotServer:
    """Routes for one process; `slack_events=False` in Socket Mode, where Slack uses the socket.

    `health` knows the process's parts (`cmbot serve` adds the scheduler and the socket).
    """

    def __init__(
        self, conversation: Conversation, bolt: AsyncApp, *, health: Health | None = None
    ) -> None:
        self.conversation = conversation
        self.services = conversation.services
        self.bolt = bolt
        self.health = health or Health(self.services.store, self.services.slack.base)
        self._verifier: SignatureVerifier | None = None
        self._background: set[asyncio.Task[None]] = set()
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
            secret = self.services.settings.SLACK_SIGNING_SECRET
            if secret is None or not secret.get_secret_value().strip():
                raise ValueError("SLACK_SIGNING_SECRET is needed to take Slack's requests")
            self._verifier = SignatureVerifier(secret.get_secret_value())
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
        """Signature and shape first (`slack_gate`: 401 or 400, nothing done), then Bolt;
        each request observed (`slack_request`: its log lines, its ack counted and timed)."""
        assert self._verifier is not None
        body = await request.read()
        taken = refused(self._verifier, body, request.headers) or bolt_request(
            body, request.query_string, request.headers
        )
        if isinstance(taken, Refusal):
            with slack_request({}) as observed:  # an unchecked body is not read, even for its kind
                logger.info("refused a request to %s: %s", SLACK_EVENTS_PATH, taken.reason)
                observed.status = taken.status
            return web.Response(status=taken.status, text=taken.reason)
        with slack_request(taken.body) as observed:
            bolt_response = await self.bolt.async_dispatch(taken)
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
        """200 and {"status": "ok", part: "ok"…}, or 503 naming the failing parts."""
        healthy, body = await self.health.report()
        return web.json_response(body, status=200 if healthy else 503)

    def _in_background(self, work: Awaitable[None]) -> None:
        """Run after the page is answered; keep a reference so the task is not collected."""

        async def guarded() -> None:
            try:
                await work
            except Exception as error:
                logger.error("background work after linking failed: %s", failure_line(error))

        task = asyncio.create_task(guarded())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _finish_background(self, _: web.Application) -> None:
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
