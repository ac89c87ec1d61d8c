"""Slack's Socket Mode on loopback: the WebSocket end of the stand-in Slack.

As with Slack, the bot calls `apps.connections.open` with its app-level token (on the
`FakeSlack` Web API) and gets a single-use `ws://…/link/?ticket=…` URL that expires; on
connecting it is greeted with `hello`. Slash commands, events and clicks then arrive as
envelopes (`slash_commands`, `events_api`, `interactive`) and the bot acknowledges each by
sending back its `envelope_id`, with a response payload where Slack accepts one. Tests can
make Slack misbehave the ways it does in production: `drop()` cuts every connection without a
close frame, `disconnect()` sends the `disconnect` message Slack sends before it rotates a
connection, and `refuse_connections()` fails new connections as during an outage.

`SocketModeRequester` is the `SlackRequester` whose deliveries go over the socket, so the same
`command`, `mention`, `direct_message` and `action` calls work in both modes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiohttp import WSCloseCode, WSMsgType, web

from bot.fake_slack.requester import SlackRequester
from bot.fake_slack.server import FakeSlack
from bot.lifecycle import AsyncRunning

APP_TOKEN = "xapp-1-A0CMBOT-1-fake-app-level-token"  # noqa: S105 - the fake's well-known token
ACK_DEADLINE = 3.0
"""Seconds Slack waits for an envelope's acknowledgement."""
DELIVERY_TIMEOUT = 30.0
"""Seconds an envelope waits for a connection to be sent on, as Slack queues while none is."""
TICKET_LIFETIME = 30.0


class NoAck(TimeoutError):
    """The bot did not acknowledge an envelope within Slack's 3 seconds."""


@dataclass
class _Connection:
    ws: web.WebSocketResponse
    request: web.Request
    retiring: bool = False
    closed: asyncio.Event = field(default_factory=asyncio.Event)


class SocketModeServer(AsyncRunning):
    """Socket Mode for one app on a loopback port; registers `apps.connections.open` on `fake`."""

    def __init__(
        self,
        fake: FakeSlack,
        *,
        app_token: str = APP_TOKEN,
        ticket_lifetime: float = TICKET_LIFETIME,
        ack_deadline: float = ACK_DEADLINE,
    ) -> None:
        self.fake = fake
        self.ack_deadline = ack_deadline
        self.app_token = app_token
        self.ticket_lifetime = ticket_lifetime
        self.connections_opened = 0
        self.acks: list[dict[str, Any]] = []
        self._tickets: dict[str, float] = {}
        self._connections: list[_Connection] = []
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._changed = asyncio.Condition()
        self._refusing = False
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None
        fake.add_method("apps.connections.open", self._open_connection, token=app_token)

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if self._runner is not None:
            raise RuntimeError("the Socket Mode server is already running")
        app = web.Application()
        app.router.add_get("/link/", self._link)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        bound_host, bound_port = runner.addresses[0][:2]
        self._runner = runner
        self._base_url = f"ws://{bound_host}:{bound_port}"

    async def stop(self) -> None:
        for connection in list(self._connections):
            await connection.ws.close(code=WSCloseCode.GOING_AWAY)
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise RuntimeError("the Socket Mode server has not been started")
        return self._base_url

    # -- what a test looks at and does ---------------------------------------------------------

    @property
    def connected(self) -> int:
        """How many connections are open now."""
        return len(self._connections)

    async def wait_for_connection(
        self,
        *,
        opened_more_than: int = 0,
        timeout: float = DELIVERY_TIMEOUT,  # noqa: ASYNC109 - a test's budget, said on failure
    ) -> None:
        """Until a connection is open and more than `opened_more_than` were ever opened."""

        def ready() -> bool:
            return bool(self._live()) and self.connections_opened > opened_more_than

        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(ready), timeout)
            except TimeoutError:
                raise AssertionError(
                    f"no new Socket Mode connection within {timeout}s "
                    f"({self.connections_opened} opened so far, {self.connected} open)"
                ) from None

    async def drop(self) -> None:
        """Cut every connection without a close frame, as a dying load balancer does."""
        for connection in list(self._connections):
            transport = connection.request.transport
            if transport is not None:
                transport.abort()
        await asyncio.gather(*(c.closed.wait() for c in list(self._connections)))

    async def disconnect(self, reason: str = "refresh_requested") -> None:
        """Send Slack's `disconnect` message on every open connection; new envelopes go to the
        connection the bot opens next, and the old ones stay open until the bot closes them."""
        for connection in self._live():
            connection.retiring = True
            message = {"type": "disconnect", "reason": reason, "debug_info": {"host": "fake"}}
            await connection.ws.send_json(message)

    def refuse_connections(self, refusing: bool = True) -> None:
        """While refusing, every connection attempt fails its handshake (an outage)."""
        self._refusing = refusing

    async def deliver(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool,
        retry_attempt: int = 0,
        retry_reason: str = "",
        timeout: float = DELIVERY_TIMEOUT,  # noqa: ASYNC109 - how long Slack keeps trying
    ) -> dict[str, Any]:
        """Send one envelope and return the bot's acknowledgement (`{}` without a payload).

        With no connection open it waits for one; when the connection it was sent on closes
        before the acknowledgement, it is sent again on the next one (Slack redelivers).
        """
        envelope_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if kind == "events_api":
            envelope.update(retry_attempt=retry_attempt, retry_reason=retry_reason)
        acked: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[envelope_id] = acked
        deadline = time.monotonic() + timeout
        try:
            while True:
                connection = await self._next_connection(deadline)
                with contextlib.suppress(ConnectionError):
                    await connection.ws.send_json(envelope)
                waiting = asyncio.ensure_future(connection.closed.wait())
                either: set[asyncio.Future[Any]] = {acked, waiting}
                done, _ = await asyncio.wait(
                    either, timeout=self.ack_deadline, return_when=asyncio.FIRST_COMPLETED
                )
                waiting.cancel()
                if acked in done:
                    return acked.result()
                if not done:
                    raise NoAck(f"no acknowledgement of a {kind} envelope in {self.ack_deadline} s")
                if kind == "events_api":  # the connection closed first: Slack redelivers
                    envelope.update(retry_attempt=envelope["retry_attempt"] + 1)
                    envelope.update(retry_reason="timeout")
        finally:
            self._pending.pop(envelope_id, None)

    # -- the wire ------------------------------------------------------------------------------

    def _open_connection(self, args: dict[str, Any]) -> dict[str, Any]:
        ticket = str(uuid.uuid4())
        self._tickets[ticket] = time.monotonic()
        return {"url": f"{self.base_url}/link/?ticket={ticket}&app_id={self.fake.app_id}"}

    async def _link(self, request: web.Request) -> web.StreamResponse:
        if self._refusing:
            return web.Response(status=503, text="service unavailable")
        issued = self._tickets.pop(request.query.get("ticket", ""), None)
        if issued is None or time.monotonic() - issued > self.ticket_lifetime:
            return web.Response(status=401, text="invalid or expired ticket")
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        connection = _Connection(ws, request)
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": len(self._connections) + 1,
                "debug_info": {"host": "fake", "approximate_connection_time": 18060},
                "connection_info": {"app_id": self.fake.app_id},
            }
        )
        async with self._changed:
            self._connections.append(connection)
            self.connections_opened += 1
            self._changed.notify_all()
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self._acknowledged(message.data)
        finally:
            connection.closed.set()
            async with self._changed:
                self._connections.remove(connection)
                self._changed.notify_all()
        return ws

    def _acknowledged(self, text: str) -> None:
        try:
            ack = json.loads(text)
        except ValueError:
            return
        if not isinstance(ack, dict) or not isinstance(ack.get("envelope_id"), str):
            return
        self.acks.append(ack)
        waiting = self._pending.get(ack["envelope_id"])
        if waiting is not None and not waiting.done():
            payload = ack.get("payload")
            waiting.set_result(payload if isinstance(payload, dict) else {})

    def _live(self) -> list[_Connection]:
        return [c for c in self._connections if not c.retiring and not c.ws.closed]

    async def _next_connection(self, deadline: float) -> _Connection:
        """The newest open connection Slack would use, waiting for one until `deadline`."""
        async with self._changed:
            try:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: bool(self._live())),
                    max(deadline - time.monotonic(), 0.0),
                )
            except TimeoutError:
                raise NoAck("no Socket Mode connection to deliver on") from None
            return self._live()[-1]


def _ack_response(ack: dict[str, Any]) -> httpx.Response:
    """The acknowledgement as the HTTP ack it stands for: its payload as the JSON body."""
    return httpx.Response(200, json=ack) if ack else httpx.Response(200)


class SocketModeRequester(SlackRequester):
    """What Slack sends to an app in Socket Mode: the same payloads, as socket envelopes."""

    def __init__(self, server: SocketModeServer, *, team_id: str | None = None) -> None:
        # no events URL nor signing secret: nothing is posted, every delivery is an envelope
        super().__init__("socket-mode:", secrets.token_hex(8), server.fake, team_id=team_id)
        self.server = server

    async def _deliver_command(self, form: dict[str, str]) -> httpx.Response:
        ack = await self.server.deliver("slash_commands", form, accepts_response_payload=True)
        return _ack_response(ack)

    async def _post_event(
        self, body: bytes, retry_num: int | None, retry_reason: str
    ) -> httpx.Response:
        ack = await self.server.deliver(
            "events_api",
            json.loads(body),
            accepts_response_payload=False,
            retry_attempt=retry_num or 0,
            retry_reason=retry_reason if retry_num else "",
        )
        return _ack_response(ack)

    async def _deliver_interaction(self, payload: dict[str, Any]) -> httpx.Response:
        ack = await self.server.deliver("interactive", payload, accepts_response_payload=True)
        return _ack_response(ack)
