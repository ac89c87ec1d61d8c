"""`cmbot serve`: the bot in HTTP or Socket Mode, with the digest and notify schedulers inside."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal

from bot.app import build_app
from bot.config import Settings
from bot.conversation import Conversation
from bot.digest.runner import DigestRunner
from bot.digest.scheduler import DigestScheduler
from bot.health import Health
from bot.listening import listen
from bot.notify.runner import NotifyRunner
from bot.notify.scheduler import NotifyScheduler
from bot.server import BotServer, runner_for
from bot.services import Services
from bot.socket_mode import SocketModeLink

logger = logging.getLogger(__name__)


def settle_startup_objects() -> None:
    """Leave what start-up built (modules, classes, the app: ~85,000 objects that live as
    long as the process) out of every later garbage collection: a full collection walks
    every tracked object, and a burst of questions sets several off. 500 people at once
    (bench/load.py, three interleaved runs each): the bot's own ack p99 123-132 ms against
    148-165 ms without, its CPU until the last ack 0.46-0.50 s against 0.56-0.72 s. Objects
    freed by reference counting are freed as before."""
    gc.collect()
    gc.freeze()


async def serve(settings: Settings) -> None:
    """Run until SIGINT or SIGTERM, then stop taking requests and finish what is under way."""
    services = await Services.build(settings)
    conversation = Conversation(services)
    bolt = build_app(conversation)
    scheduler = DigestScheduler(DigestRunner(services))
    notifier = NotifyScheduler(NotifyRunner(services))
    socket: SocketModeLink | None = None
    if settings.SLACK_APP_TOKEN is not None:
        socket = SocketModeLink(bolt, settings.SLACK_APP_TOKEN.get_secret_value())
    health = Health(
        services.store,
        services.slack.base,
        scheduler=scheduler,
        notifier=notifier,
        socket_connected=socket.connected if socket is not None else None,
    )
    server = BotServer(conversation, bolt, health=health)
    runner = runner_for(server.web_app(slack_events=not settings.socket_mode))
    await runner.setup()
    settle_startup_objects()
    try:
        await listen(runner, settings.HOST, settings.PORT)
        if socket is not None:
            await socket.start()
        scheduler.start()
        notifier.start()
        mode = "Socket Mode" if socket is not None else "HTTP, Slack posts to /slack/events"
        if settings.many_workspaces:
            mode += f"; workspaces install it at {settings.PUBLIC_URL.rstrip('/')}/slack/install"
        logger.info("cmbot is up (%s); listening on %s:%d", mode, settings.HOST, settings.PORT)
        await _until_stopped()
    finally:
        logger.info("cmbot is stopping")
        await scheduler.stop()
        await notifier.stop()
        if socket is not None:
            await socket.close()
        await runner.cleanup()
        await services.aclose()


async def _until_stopped() -> None:
    """Wait for SIGINT or SIGTERM.

    A plain signal handler, not `loop.add_signal_handler`: asyncio passes signals through its
    wake-up pipe, and after a burst of work that pipe can be full of the thread pool's
    wake-ups, so a SIGTERM was once dropped ("Exception ignored when trying to write to the
    signal wakeup fd") and the bot never stopped. The handler puts the stop on the loop's
    queue directly; a full pipe then only delays it to the loop's next turn.
    """
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()

    def stop(_signum: int, _frame: object) -> None:
        loop.call_soon_threadsafe(stopping.set)

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        await stopping.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
