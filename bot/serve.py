"""`cmbot serve`: the bot in HTTP or Socket Mode, with the digest scheduler inside."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from bot.app import build_app
from bot.config import Settings
from bot.conversation import Conversation
from bot.digest.runner import DigestRunner
from bot.digest.scheduler import DigestScheduler
from bot.health import Health
from bot.listening import listen
from bot.server import BotServer, runner_for
from bot.services import Services

logger = logging.getLogger(__name__)


async def serve(settings: Settings) -> None:
    """Run until SIGINT or SIGTERM, then stop taking requests and finish what is under way."""
    services = Services.build(settings)
    conversation = Conversation(services)
    bolt = build_app(conversation)
    scheduler = DigestScheduler(DigestRunner(services))
    socket: AsyncSocketModeHandler | None = None
    if settings.SLACK_APP_TOKEN is not None:
        socket = AsyncSocketModeHandler(bolt, settings.SLACK_APP_TOKEN.get_secret_value())
    health = Health(
        services.store,
        services.slack,
        scheduler=scheduler,
        socket_connected=socket.client.is_connected if socket is not None else None,
    )
    server = BotServer(conversation, bolt, health=health)
    runner = runner_for(server.web_app(slack_events=not settings.socket_mode))
    await runner.setup()
    try:
        await listen(runner, settings.HOST, settings.PORT)
        if socket is not None:
            await socket.connect_async()  # type: ignore[no-untyped-call]
        scheduler.start()
        mode = "Socket Mode" if socket is not None else "HTTP, Slack posts to /slack/events"
        logger.info("cmbot is up (%s); listening on %s:%d", mode, settings.HOST, settings.PORT)
        await _until_stopped()
    finally:
        logger.info("cmbot is stopping")
        await scheduler.stop()
        if socket is not None:
            await socket.close_async()  # type: ignore[no-untyped-call]
        await runner.cleanup()
        await services.aclose()


async def _until_stopped() -> None:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stopping.set)
    await stopping.wait()
