"""Is this bot working? Asked once at start (refuse to start, naming every problem) and by
`GET /healthz` (which part fails).

The store calls these checks make are all here: `await Store.check_writable()` and
`await Store.verify_key()`, each with a time limit, so a locked database makes /healthz say
so rather than hang. Slack's `auth.test` is remembered for a while and asked with a short
timeout, so a slow Slack cannot make /healthz slow either.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.digest.scheduler import DigestScheduler
from bot.notify.scheduler import NotifyScheduler
from bot.scheduling import MinuteScheduler
from bot.slack_posts import SlackFailure, slack_error
from bot.store import Store, StoreError, TokenDecryptionError

OK = "ok"
CHECK_SECONDS = 3.0
"""The longest any one part may take to answer /healthz."""

SLACK_REMEMBERED_SECONDS = 30.0
SCHEDULER_SILENT_SECONDS = 15 * 60.0
"""A scheduler with no finished tick for this long is stuck (a run may take minutes)."""


async def store_problems(settings: Settings) -> list[str]:
    """One line per reason the database cannot serve: it cannot be opened, written, or (when
    keys are configured) the key canary cannot be decrypted with TOKEN_ENCRYPTION_KEY."""
    keys = settings.encryption_keys() or [Fernet.generate_key().decode()]
    store_log = logging.getLogger("bot.store")
    level = store_log.level
    store_log.setLevel(logging.WARNING)  # "migrated" lines belong to a start, not a refusal
    try:
        store = await Store.open(settings.DATABASE_PATH, keys)
    except (StoreError, sqlite3.Error, OSError, ValueError) as error:
        return [f"DATABASE_PATH: {_reason(error)}"]
    finally:
        store_log.setLevel(level)
    problems = []
    try:
        await store.check_writable()
    except StoreError as error:
        problems.append(f"DATABASE_PATH: {error}")
    if settings.encryption_keys():
        try:
            await store.verify_key()
        except TokenDecryptionError as error:
            problems.append(f"TOKEN_ENCRYPTION_KEY: {error}")
        except StoreError as error:  # not the key: the database would not answer
            if not problems:
                problems.append(f"DATABASE_PATH: {error}")
    await store.aclose()
    return problems


def _reason(error: BaseException) -> str:
    if isinstance(error, StoreError):
        return str(error)
    return f"cannot use the database: {type(error).__name__}: {error}"


@dataclass
class _Remembered:
    verdict: str
    until: float


class SlackCheck:
    """auth.test with the bot token (api.test when workspaces install cmbot, so no one token
    is the bot's): remembered for a while, asked with a short timeout and no retries, one
    question at a time however many /healthz requests wait on it."""

    def __init__(
        self,
        slack: AsyncWebClient,
        *,
        remember: float = SLACK_REMEMBERED_SECONDS,
        timeout: float = CHECK_SECONDS,
    ) -> None:
        self._client = AsyncWebClient(
            token=slack.token,
            base_url=slack.base_url,
            session=slack.session,  # the process's one Slack session, when it has one
            timeout=30,
            retry_handlers=[],
        )
        self._remember = remember
        self._timeout = timeout
        self._last: _Remembered | None = None
        self._lock = asyncio.Lock()

    async def verdict(self) -> str:
        async with self._lock:
            now = time.monotonic()
            if self._last is None or now >= self._last.until:
                self._last = _Remembered(await self._ask(), now + self._remember)
            return self._last.verdict

    async def _ask(self) -> str:
        try:
            async with asyncio.timeout(self._timeout):
                if self._client.token:
                    await self._client.auth_test()
                else:
                    await self._client.api_test()
        except SlackFailure as error:
            method = "auth.test" if self._client.token else "api.test"
            return f"{method} failed: {slack_error(error)}"
        return OK


class Health:
    """The parts of a running bot and whether each works; None parts are not in use here."""

    def __init__(
        self,
        store: Store,
        slack: AsyncWebClient,
        *,
        scheduler: DigestScheduler | None = None,
        notifier: NotifyScheduler | None = None,
        socket_connected: Callable[[], Awaitable[bool]] | None = None,
        timeout: float = CHECK_SECONDS,
    ) -> None:
        self.store = store
        self.slack = SlackCheck(slack, timeout=timeout)
        self.schedulers: dict[str, MinuteScheduler[Any]] = {
            name: part
            for name, part in (("scheduler", scheduler), ("notifier", notifier))
            if part is not None
        }
        self.socket_connected = socket_connected
        self.timeout = timeout
        self._checking: dict[str, asyncio.Future[None]] = {}

    async def report(self) -> tuple[bool, dict[str, Any]]:
        """Whether every part works, and the JSON /healthz answers."""
        database, key, slack = await asyncio.gather(
            self._store_check("database", self.store.check_writable),
            self._store_check("key", self.store.verify_key),
            self.slack.verdict(),
        )
        parts: dict[str, str] = {"database": database, "key": key, "slack": slack}
        if self.socket_connected is not None:
            parts["socket_mode"] = await self._socket()
        body: dict[str, Any] = {}
        for name, scheduler in self.schedulers.items():
            parts[name] = self._scheduler(scheduler)
            last = scheduler.last_tick_at
            body[f"{name}_last_tick"] = last.isoformat() if last is not None else None
        failing = [name for name, verdict in parts.items() if verdict != OK]
        status = {"status": "failing", "failing": failing} if failing else {"status": OK}
        return not failing, {**status, **parts, **body}

    async def _store_check(self, name: str, check: Callable[[], Awaitable[None]]) -> str:
        """Run a store check, at most one per check at a time: a check stuck on a locked
        database is waited on again, not queued behind itself on the store's thread."""
        running = self._checking.get(name)
        if running is None or running.done():
            running = asyncio.ensure_future(check())
            running.add_done_callback(lambda done: done.cancelled() or done.exception())
            self._checking[name] = running
        try:
            async with asyncio.timeout(self.timeout):
                await asyncio.shield(running)
        except TimeoutError:
            return f"no answer within {self.timeout:g} s (locked?)"
        except TokenDecryptionError:
            return "TOKEN_ENCRYPTION_KEY cannot decrypt the stored tokens"
        except (StoreError, sqlite3.Error) as error:
            return str(error) or type(error).__name__
        except Exception as error:  # a check that breaks says "failing", not a 500
            return type(error).__name__
        return OK

    async def _socket(self) -> str:
        assert self.socket_connected is not None
        try:
            async with asyncio.timeout(self.timeout):
                connected = await self.socket_connected()
        except TimeoutError:
            connected = False
        return OK if connected else "disconnected"

    @staticmethod
    def _scheduler(scheduler: MinuteScheduler[Any]) -> str:
        if not scheduler.running:
            return "not running"
        last = scheduler.last_tick_at or scheduler.started_at
        if last is not None:
            silent = (dt.datetime.now(dt.UTC) - last).total_seconds()
            if silent > max(SCHEDULER_SILENT_SECONDS, 3 * scheduler.interval):
                return f"no tick for {silent / 60:.0f} minutes"
        return OK
