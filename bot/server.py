"""The bot's HTTP side: Slack's requests, the account-linking pages and the health check."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier

from bot.config import OAUTH_CALLBACK_PATH
from bot.conversation import Conversation
from bot.failures import failure_line
from bot.health import Health
from bot.linking import CONNECT_PATH, TicketError, complete_link, start_link
from bot.listening import KEEPALIVE_SECONDS
from bot.observability import metrics_endpoint, slack_request
from bot.pages import Page, link_page, render, ticket_page, unavailable_page
from bot.slack_gate import Refusal, bolt_request, refused

logger = logging.getLogger(__name__)

SLACK_EVENTS_PATH = "/slack/events"


def _html(page: Page) -> web.Response:
    return web.Response(
        status=page.status,
        text=render(page),
        content_type="text/html",
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


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
        self.health = health or Health(self.services.store, self.services.slack)
        self._verifier: SignatureVerifier | None = None
        self._background: set[asyncio.Task[None]] = set()

    def web_app(self, *, slack_events: bool = True) -> web.Application:
        app = web.Application()
        if slack_events:
            secret = self.services.settings.SLACK_SIGNING_SECRET
            if secret is None or not secret.get_secret_value().strip():
                raise ValueError("SLACK_SIGNING_SECRET is needed to take Slack's requests")
            self._verifier = SignatureVerifier(secret.get_secret_value())
            app.router.add_post(SLACK_EVENTS_PATH, self.slack_events)
        app.router.add_get(CONNECT_PATH, self.connect)
        app.router.add_get(OAUTH_CALLBACK_PATH, self.oauth_callback)
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/metrics", metrics_endpoint)
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

    async def connect(self, request: web.Request) -> web.StreamResponse:
        """A clicked connect button: mint the OAuth state now and send the browser on."""
        command = self.services.settings.SLACK_COMMAND
        try:
            url = await start_link(
                self.services.tickets,
                self.services.store,
                self.services.clustermarket,
                request.query.get("ticket", ""),
            )
        except TicketError:
            return _html(ticket_page(command))
        except Exception as error:
            logger.error("could not start account linking: %s", failure_line(error))
            return _html(unavailable_page(command))
        raise web.HTTPFound(url, headers={"Cache-Control": "no-store"})

    async def oauth_callback(self, request: web.Request) -> web.Response:
        query = request.query
        result = await complete_link(
            self.services.store,
            self.services.clustermarket,
            code=query.get("code"),
            state=query.get("state"),
            error=query.get("error"),
        )
        if result.outcome == "linked" and result.key is not None:
            self._in_background(self.conversation.welcome(result))
        command = self.services.settings.SLACK_COMMAND
        return _html(link_page(result.outcome, command=command, name=result.name))

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
