"""Socket Mode: Bolt's aiohttp handler, observed like HTTP requests, with a watchdog.

slack_sdk's aiohttp client reconnects by itself: at once after a close frame or Slack's
`disconnect` message, and within one ping interval after a connection dies without a word
(its monitor notices the closed session). Two ways of going deaf are known and not covered:

- its `connect()` loop retries the *same* `wss://…?ticket=…` URL after a failed attempt, and
  Slack's tickets are single-use and short-lived, so after an outage longer than a ticket
  lives it retries a dead URL forever (slackapi/python-slack-sdk#1379 for the sibling
  client; reproduced with the fake Socket Mode server's expiring tickets);
- a reconnect that never starts (its monitor task gone, or stuck) leaves a process that looks
  alive and hears nothing (slackapi/python-slack-sdk#1701, #1922).

The watchdog looks at the connection every second (an in-memory check). When it finds it
down and no reconnect under way, it starts one at once, rather than leaving a dropped
connection deaf until the client's monitor next wakes (up to a ping interval later); the
client's lock keeps the two from ever connecting twice. When the connection has stayed down
for `patience`, it also clears the stale URL, so a retrying loop asks Slack for a fresh one
on its next turn.
`connected()` is what `/healthz` reports; the state is also the `cmbot_socket_mode_connected`
gauge, and each change is one log line.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.adapter.socket_mode.async_internals import run_async_bolt_app, send_async_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.failures import failure_line
from bot.observability import record_socket_connected, slack_request

logger = logging.getLogger(__name__)

PING_INTERVAL = 10.0
"""Seconds between the client's pings (Bolt's default); a connection silent for four is stale."""
CHECK_EVERY = 1.0
"""Seconds between the watchdog's looks at the connection."""


class _OneLine(logging.Filter):
    """slack_sdk logs a traceback for every failed reconnect attempt; its one line is enough."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True


def _sdk_logger() -> logging.Logger:
    """The client's logger: under slack_sdk, whose DEBUG lines (whole payloads) stay off."""
    sdk = logging.getLogger("slack_sdk.socket_mode")
    if not any(isinstance(existing, _OneLine) for existing in sdk.filters):
        sdk.addFilter(_OneLine())
    return sdk


class _ObservedHandler(AsyncSocketModeHandler):
    """Each envelope handled inside `slack_request`, as `/slack/events` does for HTTP."""

    async def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        """Bolt's own `handle` (dispatch, then the ack on the socket), with its status seen."""
        started = time.time()
        with slack_request(req.payload) as observed:
            bolt_response: BoltResponse = await run_async_bolt_app(self.app, req)
            observed.status = bolt_response.status
            await send_async_response(client, req, bolt_response, started)


class SocketModeLink:
    """The bot's Socket Mode connection: `start()`, `connected()`, `close()`."""

    def __init__(
        self,
        bolt: AsyncApp,
        app_token: str,
        *,
        ping_interval: float = PING_INTERVAL,
        check_every: float = CHECK_EVERY,
        patience: float | None = None,
    ) -> None:
        self.handler = _ObservedHandler(
            bolt, app_token, logger=_sdk_logger(), ping_interval=ping_interval
        )
        self.client = self.handler.client
        self.check_every = check_every
        self.patience = patience if patience is not None else 2 * ping_interval
        self._down_since: float | None = None
        self._watchdog: asyncio.Task[None] | None = None
        self._reconnect: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Connect (retrying until Slack answers) and start watching the connection."""
        await self.handler.connect_async()  # type: ignore[no-untyped-call]
        record_socket_connected(await self.connected())
        self._watchdog = asyncio.create_task(self._watch(), name="cmbot-socket-watchdog")

    async def connected(self) -> bool:
        """Whether the WebSocket to Slack is open and answering pings."""
        return await self.client.is_connected()

    async def close(self) -> None:
        for task in (self._watchdog, self._reconnect):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self.handler.close_async()  # type: ignore[no-untyped-call]
        record_socket_connected(False)

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.check_every)
            try:
                await self.check()
            except Exception as error:
                logger.error("the Socket Mode watchdog failed to check: %s", failure_line(error))

    async def check(self, now: float | None = None) -> None:
        """One look: reconnect when down; after `patience` down, also drop the stale URL."""
        moment = time.monotonic() if now is None else now
        up = await self.connected()
        record_socket_connected(up)
        if up:
            if self._down_since is not None:
                logger.info("Socket Mode connection to Slack is back")
            self._down_since = None
            return
        if self._down_since is None:
            logger.warning("Socket Mode connection to Slack lost; reconnecting")
            self._down_since = moment
        elif moment - self._down_since >= self.patience:
            logger.warning(
                "Socket Mode still down after %.0f s; asking Slack for a fresh connection URL",
                moment - self._down_since,
            )
            self._down_since = moment  # another `patience` before the next fresh URL
            self.client.wss_uri = None  # a retrying connect() loop asks for a new one
        reconnecting = self._reconnect is not None and not self._reconnect.done()
        if not reconnecting and not self.client.connect_operation_lock.locked():
            self._reconnect = asyncio.create_task(self.client.connect_to_new_endpoint())
