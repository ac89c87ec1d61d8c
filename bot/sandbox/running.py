"""`cmbot sandbox`: one sandbox on a port until Ctrl-C, printing the settings for the bot."""

from __future__ import annotations

import asyncio
import contextlib
import signal

from bot.config import OAUTH_CALLBACK_PATH
from bot.sandbox.oauth import s256
from bot.sandbox.server import Sandbox
from bot.sandbox.state import SandboxKnobs


def startup_lines(sandbox: Sandbox) -> list[str]:
    """What `cmbot sandbox` prints: settings for `cmbot serve`, the authorize page, the users."""
    redirect_uri = "http://localhost:3000" + OAUTH_CALLBACK_PATH
    # a dialect that requires PKCE shows its page only with a challenge (any will do to look)
    challenge = s256("cmbot-sandbox-look-only") if sandbox.dialect.require_pkce else None
    users = ", ".join(
        f"{user.id} {user.name}" + (" (default)" if user.id == sandbox.demo_user_id else "")
        for user in sorted(sandbox.data.users.values(), key=lambda user: user.id)
    )
    return [
        f"Clustermarket sandbox listening on {sandbox.base_url}",
        f"Dialect: {sandbox.dialect.name} ({sandbox.dialect.summary})",
        f"CLUSTERMARKET_API_URL={sandbox.api_url}",
        f"CLUSTERMARKET_OAUTH_URL={sandbox.oauth_url}",
        f"CLUSTERMARKET_CLIENT_ID={sandbox.client_id}",
        f"CLUSTERMARKET_CLIENT_SECRET={sandbox.client_secret}",
        f"Authorize page: {sandbox.authorize_url(redirect_uri, code_challenge=challenge)}",
        f"Demo users: {users}",
        f"Control: {sandbox.base_url}/control/… (loopback only) with"
        f" Authorization: Bearer {sandbox.control_token}",
        "Press Ctrl-C to stop.",
    ]


async def _serve(port: int, host: str, knobs: SandboxKnobs | None, dialect: str) -> None:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError):
        loop.add_signal_handler(signal.SIGTERM, stopping.set)
    sandbox = Sandbox(knobs=knobs, dialect=dialect)
    await sandbox.start(host, port)
    try:
        for line in startup_lines(sandbox):
            print(line, flush=True)
        await stopping.wait()
    finally:
        await sandbox.stop()


def run_sandbox(
    port: int = 8765,
    host: str = "127.0.0.1",
    knobs: SandboxKnobs | None = None,
    dialect: str = "reference",
) -> None:
    """Run the sandbox until Ctrl-C or SIGTERM (what `cmbot sandbox` calls)."""
    try:
        asyncio.run(_serve(port, host, knobs, dialect))
    except KeyboardInterrupt:
        pass
    except OSError as error:
        raise SystemExit(f"cmbot sandbox: cannot listen on {host}:{port}: {error}") from None
    print("Sandbox stopped.", flush=True)
