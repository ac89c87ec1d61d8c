"""`cmbot serve` as a real process against the sandbox and the fake Slack of the test process.

Shared by the tests that need the operator's view: exit codes, stderr as the log, /healthz
and /metrics over HTTP, a SIGTERM to stop.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from cryptography.fernet import Fernet

from bot.demo.world import SIGNING_SECRET
from bot.fake_slack import FakeSlack
from bot.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox

STOP_TIMEOUT = 20.0


def serve_environment(
    sandbox: Sandbox, fake: FakeSlack, port: int, database: str, **extra: str
) -> dict[str, str]:
    """The process environment minus any real Slack or Clustermarket settings, plus ours."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("SLACK_", "CLUSTERMARKET_", "LOG_"))
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
        TOKEN_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        HOST="127.0.0.1",
        PORT=str(port),
    )
    environment.update(extra)
    return environment


class ServeProcess:
    """`python -m bot serve` with `environment`, run in `folder`; `stop()` returns stderr."""

    def __init__(
        self,
        environment: dict[str, str],
        folder: Path,
        *,
        before: Callable[[], None] | None = None,
    ) -> None:
        """`before` runs in the child before it starts Python (e.g. to lower its limits)."""
        self.environment = environment
        self.folder = folder
        self.before = before
        self.base_url = f"http://127.0.0.1:{environment['PORT']}"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "serve", env=self.environment, cwd=str(self.folder),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, preexec_fn=self.before,
        )  # fmt: skip

    async def health(self, http: httpx.AsyncClient, *, attempts: int = 300) -> httpx.Response:
        """/healthz once the process is up and every part works (the port opens first, and a
        Socket Mode connection may come a moment later); the last answer if it never does."""
        answer: httpx.Response | None = None
        for _ in range(attempts):
            try:
                answer = await http.get(self.base_url + "/healthz")
            except httpx.ConnectError:
                pass
            else:
                if answer.status_code == 200:
                    return answer
            await asyncio.sleep(0.1)
        if answer is None:
            raise AssertionError(f"cmbot serve never answered on {self.base_url}")
        return answer

    async def stop(self) -> tuple[int, str]:
        """SIGTERM, then the exit status and everything it wrote to stderr."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(self.process.communicate(), timeout=STOP_TIMEOUT)
        assert self.process.returncode is not None
        return self.process.returncode, stderr.decode()


def json_log_lines(stderr: str) -> list[dict[str, Any]]:
    """Every stderr line as the JSON object LOG_FORMAT=json promises (fails on any other)."""
    lines = []
    for line in stderr.splitlines():
        parsed = json.loads(line)
        assert isinstance(parsed, dict), line
        assert {"time", "level", "logger", "message"} <= parsed.keys(), line
        lines.append(parsed)
    return lines


def assert_nothing_secret(stderr: str, secrets: list[str]) -> None:
    """None of `secrets` (tokens, codes, states, message text) appears anywhere in the log."""
    for secret in secrets:
        assert secret and secret not in stderr, f"the log contains {secret[:12]}…"
