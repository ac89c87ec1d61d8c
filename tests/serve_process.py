"""`cmbot serve` as a separate process, pointed at a sandbox and a fake Slack on loopback."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from cryptography.fernet import Fernet

from bot.demo.world import SIGNING_SECRET
from bot.fake_slack import FakeSlack
from bot.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox


def serve_environment(
    sandbox: Sandbox, fake: FakeSlack, port: int, database: str, key: str | None = None
) -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("SLACK_", "CLUSTERMARKET_"))
    }
    environment.update(
        SLACK_BOT_TOKEN=fake.bot_token,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.api_url,
        CLUSTERMARKET_API_URL=sandbox.api_url,
        CLUSTERMARKET_OAUTH_URL=sandbox.oauth_url,
        CLUSTERMARKET_CLIENT_ID=DEMO_CLIENT_ID,
        CLUSTERMARKET_CLIENT_SECRET=DEMO_CLIENT_SECRET,
        PUBLIC_URL=f"http://127.0.0.1:{port}",
        DATABASE_PATH=database,
        TOKEN_ENCRYPTION_KEY=key or Fernet.generate_key().decode(),
        HOST="127.0.0.1",
        PORT=str(port),
    )
    return environment


@asynccontextmanager
async def serving(environment: dict[str, str], cwd: str) -> AsyncIterator[str]:
    """A running `cmbot serve`, healthy; yields its base URL and stops it with SIGTERM,
    checking it stopped cleanly (exit 0, no traceback). Its log is `serve-PORT.log` in `cwd`."""
    log_path = Path(cwd) / f"serve-{environment['PORT']}.log"
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "serve", env=environment, cwd=cwd,
            stdout=asyncio.subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
    base = f"http://127.0.0.1:{environment['PORT']}"
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(200):
                try:
                    if (await http.get(base + "/healthz")).status_code == 200:
                        break
                except httpx.ConnectError:
                    pass
                await asyncio.sleep(0.05)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=30)
    stderr = log_path.read_text(errors="replace")
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr, stderr
