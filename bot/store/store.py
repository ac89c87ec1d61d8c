"""The `Store`: one database, the repositories over it, and the async API the bot uses.

Coroutines call the Store's async methods; each runs its repository method on one of the
store's two threads: the writer (every write, one at a time, so one connection suffices and a
write waiting out another process's lock delays only other writes) and the reader (WAL lets it
read while a write waits). Sync code (tests, the CLI) may call the repositories directly:
`store.links.get(key)`. Calling them on the event loop raises `StoreOnEventLoop`.
"""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Concatenate, Literal, ParamSpec, Self, TypeVar

from bot.store import migrations
from bot.store.crypto import Cipher
from bot.store.database import BUSY_TIMEOUT_SECONDS, Database
from bot.store.deliveries import Deliveries
from bot.store.errors import StoreUnavailable
from bot.store.keys import KeyCanary
from bot.store.leases import RefreshLeases
from bot.store.links import Links
from bot.store.pending import PendingLinks
from bot.store.slack import SlackCache
from bot.store.states import OAuthStates
from bot.store.subscriptions import Subscriptions
from bot.store.threads import Threads

P = ParamSpec("P")
R = TypeVar("R")
Lane = Literal["read", "write"]


def _offloaded(
    lane: Lane, part: str, method: Callable[Concatenate[Any, P], R]
) -> Callable[Concatenate[Store, P], Coroutine[Any, Any, R]]:
    """An async method of the Store that runs `method` of its repository `part` on the
    `lane` thread, with the repository method's own signature and docstring."""

    async def call(self: Store, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return await self.run(lane, method, getattr(self, part), *args, **kwargs)

    call.__name__ = method.__name__
    call.__qualname__ = f"Store.{method.__name__}"
    call.__doc__ = method.__doc__
    return call


def _reads(
    part: str, method: Callable[Concatenate[Any, P], R]
) -> Callable[Concatenate[Store, P], Coroutine[Any, Any, R]]:
    return _offloaded("read", part, method)


def _writes(
    part: str, method: Callable[Concatenate[Any, P], R]
) -> Callable[Concatenate[Store, P], Coroutine[Any, Any, R]]:
    return _offloaded("write", part, method)


class Store:
    """cmbot's SQLite database; also the `TokenVault` the Clustermarket client uses."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        keys: Sequence[str],
        *,
        busy_timeout: float = BUSY_TIMEOUT_SECONDS,
    ) -> None:
        cipher = Cipher(keys)
        try:
            self.database = Database(path, busy_timeout=busy_timeout)
        except StoreUnavailable as refused:
            raise StoreUnavailable(
                f"cannot use the database at {os.fspath(path)}: {refused}", refused.reason
            ) from None
        try:
            self.database.migrate(migrations.MIGRATIONS)
        except StoreUnavailable as refused:
            self.database.close()
            raise StoreUnavailable(
                f"cannot bring the database at {os.fspath(path)} up to date: {refused}",
                refused.reason,
            ) from None
        except BaseException:
            self.database.close()
            raise
        self.links = Links(self.database, cipher)
        self.leases = RefreshLeases(self.database, self.links)
        self.states = OAuthStates(self.database, cipher)
        self.pending = PendingLinks(self.database, cipher)
        self.slack = SlackCache(self.database)
        self.subscriptions = Subscriptions(self.database)
        self.deliveries = Deliveries(self.database)
        self.threads = Threads(self.database)
        self.canary = KeyCanary(self.database, cipher)
        self._threads: dict[Lane, ThreadPoolExecutor] = {
            "write": ThreadPoolExecutor(1, thread_name_prefix="cmbot-store-write"),
            "read": ThreadPoolExecutor(1, thread_name_prefix="cmbot-store-read"),
        }

    @classmethod
    async def open(cls, path: str | os.PathLike[str], keys: Sequence[str], **options: Any) -> Store:
        """Open (and migrate) off the event loop."""
        return await asyncio.to_thread(functools.partial(cls, path, keys, **options))

    def close(self) -> None:
        """Finish the queued work, then close the database; safe to call twice."""
        for thread in self._threads.values():
            thread.shutdown(wait=True)
        self.database.close()

    async def aclose(self) -> None:
        await asyncio.to_thread(self.close)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return self.database.schema_version

    async def run(
        self, lane: Lane, work: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs
    ) -> R:
        """`work(*args, **kwargs)` on the store's `lane` thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._threads[lane], functools.partial(work, *args, **kwargs)
        )

    def reencrypt_all(self) -> int:
        """Re-encrypt under the first key every secret not already under it; links changed.

        All or nothing: one undecryptable row aborts the run with TokenDecryptionError.
        """
        with self.database.transaction():
            changed = self.links.reencrypt()
            self.states.reencrypt()
            self.pending.reencrypt()
            self.canary.reencrypt()
        return changed

    # --- health (for start-up checks and /healthz) ---

    ping = _reads("database", Database.ping)
    check_writable = _writes("database", Database.check_writable)
    verify_key = _writes("canary", KeyCanary.verify)

    # --- links, and the TokenVault protocol ---

    save_link = _writes("links", Links.save)
    get_link = _reads("links", Links.get)
    delete_link = _writes("links", Links.delete)
    count_links = _reads("links", Links.count)
    first_active_link = _reads("links", Links.first_active)
    load_tokens = _reads("links", Links.tokens)
    rotate_tokens = _writes("links", Links.rotate)
    mark_broken = _writes("links", Links.mark_broken)
    begin_refresh = _writes("leases", RefreshLeases.begin)
    end_refresh = _writes("leases", RefreshLeases.end)

    # --- OAuth states ---

    create_state = _writes("states", OAuthStates.create)
    consume_state = _writes("states", OAuthStates.consume)

    # --- sign-ins waiting for the person to confirm ---

    hold_pending_link = _writes("pending", PendingLinks.hold)
    take_pending_link = _writes("pending", PendingLinks.take)
    sweep_pending_links = _writes("pending", PendingLinks.sweep)
    count_pending_links = _reads("pending", PendingLinks.open_count)

    # --- Slack-side caches ---

    cached_tz = _reads("slack", SlackCache.cached_tz)
    cache_tz = _writes("slack", SlackCache.cache_tz)
    first_sight = _writes("slack", SlackCache.first_sight)

    # --- what each thread was last about, for follow-ups ---

    remember_thread = _writes("threads", Threads.remember)
    recall_thread = _reads("threads", Threads.recall)

    # --- digests ---

    save_subscription = _writes("subscriptions", Subscriptions.save)
    get_subscription = _reads("subscriptions", Subscriptions.get)
    find_subscription = _reads("subscriptions", Subscriptions.find)
    list_subscriptions = _reads("subscriptions", Subscriptions.all)
    delete_subscription = _writes("subscriptions", Subscriptions.delete)
    pause_subscriptions_of = _writes("subscriptions", Subscriptions.pause_of)
    resume_subscriptions_of = _writes("subscriptions", Subscriptions.resume_of)
    set_subscription_timezone = _writes("subscriptions", Subscriptions.set_timezone)

    claim_delivery = _writes("deliveries", Deliveries.claim)
    record_delivery = _writes("deliveries", Deliveries.record)
    fail_delivery = _writes("deliveries", Deliveries.fail)
    get_delivery = _reads("deliveries", Deliveries.get)
    start_posting = _writes("deliveries", Deliveries.start_posting)
    release_delivery = _writes("deliveries", Deliveries.release)
    deliveries_between = _reads("deliveries", Deliveries.between)
    prune_deliveries = _writes("deliveries", Deliveries.prune)
