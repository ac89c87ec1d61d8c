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
import socket

from aiohttp import web

KEEPALIVE_SECONDS = 15.0
"""An idle connection, or one that never sends a request, is closed after this."""

MAX_CONNECTIONS = 1000
DESCRIPTORS_KEPT_FREE = 200
"""For the database, the pools to Slack and Clustermarket, logs: never used up by clients."""
BACKLOG = 1024
"""Connections the kernel holds until they are accepted (the system's somaxconn caps it).
aiohttp's default, 128, overflowed when 500 people asked at once: the rest had their
connections dropped and retried by their sender a second later (ack p99 1.5-1.8 s)."""
ACCEPT_BURST = 128
"""Connections asyncio accepts in one go (it takes its backlog argument for this), before
the oldest ones pushed out have given their descriptors back: the cap leaves room for them.
Kept apart from BACKLOG, so a deep kernel queue does not mean a burst that runs the process
out of descriptors."""
DESCRIPTORS_WANTED = 65536
"""The soft descriptor limit `raise_descriptor_limit` asks for, up to the hard limit (a
service manager's default soft limit, 1,024, would leave room for only a few connections)."""


def raise_descriptor_limit() -> int:
    """Raise the soft limit on open files towards DESCRIPTORS_WANTED (never past the hard
    limit, which only the operator may raise); the soft limit now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = DESCRIPTORS_WANTED if hard == resource.RLIM_INFINITY else min(hard, DESCRIPTORS_WANTED)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        return wanted
    return soft


def connection_cap() -> int:
    """At most MAX_CONNECTIONS, and DESCRIPTORS_KEPT_FREE plus one burst of accepts below
    the process's limit."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return MAX_CONNECTIONS
    return max(16, min(MAX_CONNECTIONS, soft - DESCRIPTORS_KEPT_FREE - ACCEPT_BURST))


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
        family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
        listening = socket.create_server((self._host, self._port), family=family, backlog=BACKLOG)
        self._server = await loop.create_server(connection, sock=listening, backlog=ACCEPT_BURST)
        listening.listen(BACKLOG)  # asyncio set the kernel's queue to its burst: deepen it again


async def listen(
    runner: web.BaseRunner, host: str, port: int, *, max_connections: int | None = None
) -> CappedSite:
    """Start serving `runner` on host:port with the connection cap (the descriptor limit
    raised first as far as the hard limit allows)."""
    raise_descriptor_limit()
    site = CappedSite(runner, host, port, max_connections=max_connections or connection_cap())
    await site.start()
    return site
