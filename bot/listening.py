"""The bot's listening socket: idle connections time out, and there are never too many.

Each open connection holds a file descriptor. Left alone, a thousand idle keep-alive
sockets used up a process's 1,024 descriptors: then the bot could accept no request, open
no database file and reach neither Slack nor Clustermarket. So idle connections close after
`KEEPALIVE_SECONDS`, and when `connection_cap()` are open the oldest is closed to make room
for the newest, leaving descriptors to spare. The oldest is almost always an idle one; if it
is serving a request when a flood reaches the cap, that request is cut (aiohttp's graceful
`close()` would leave an idle socket open for good).
"""

from __future__ import annotations

import asyncio
import resource

from aiohttp import web

KEEPALIVE_SECONDS = 15.0
"""An idle connection, or one that never sends a request, is closed after this."""

MAX_CONNECTIONS = 1000
DESCRIPTORS_KEPT_FREE = 200
"""For the database, the pools to Slack and Clustermarket, logs: never used up by clients."""
BACKLOG = 128
"""Connections waiting to be accepted; asyncio accepts up to this many in one go, before the
oldest ones pushed out have given their descriptors back, so the cap leaves room for them."""


def connection_cap() -> int:
    """At most MAX_CONNECTIONS, and DESCRIPTORS_KEPT_FREE plus one burst of accepts below
    the process's limit."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return MAX_CONNECTIONS
    return max(16, min(MAX_CONNECTIONS, soft - DESCRIPTORS_KEPT_FREE - BACKLOG))


class CappedSite(web.BaseSite):
    """A TCP site whose connections beyond `max_connections` push out the oldest ones."""

    __slots__ = ("_host", "_port", "max_connections")

    def __init__(
        self, runner: web.BaseRunner, host: str, port: int, *, max_connections: int
    ) -> None:
        super().__init__(runner)
        self._host, self._port = host, port
        self.max_connections = max_connections

    @property
    def name(self) -> str:
        return f"http://{self._host}:{self._port}"

    async def start(self) -> None:
        await super().start()
        server = self._runner.server
        assert server is not None

        def connection() -> web.RequestHandler:
            open_now = server.connections
            for oldest in open_now[: len(open_now) - self.max_connections + 1]:
                oldest.force_close()
            return server()

        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            connection, self._host, self._port, backlog=BACKLOG, reuse_address=True
        )


async def listen(
    runner: web.BaseRunner, host: str, port: int, *, max_connections: int | None = None
) -> CappedSite:
    """Start serving `runner` on host:port with the connection cap."""
    site = CappedSite(runner, host, port, max_connections=max_connections or connection_cap())
    await site.start()
    return site
