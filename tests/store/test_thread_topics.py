"""What each thread was last about: kept per team, channel and thread, for two hours."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.store import Store
from bot.store.threads import MAX_TOPIC_LENGTH, THREAD_MEMORY

NOON = datetime(2026, 3, 25, 12, tzinfo=UTC)


def test_a_thread_remembers_its_last_topic(store: Store) -> None:
    threads = store.threads
    assert threads.recall("T1", "C1", "1.1", now=NOON) is None
    threads.remember("T1", "C1", "1.1", "first", now=NOON)
    threads.remember("T1", "C1", "1.1", "second", now=NOON + timedelta(minutes=1))
    assert threads.recall("T1", "C1", "1.1", now=NOON + timedelta(minutes=2)) == "second"


def test_threads_channels_and_teams_are_apart(store: Store) -> None:
    threads = store.threads
    threads.remember("T1", "C1", "1.1", "thread", now=NOON)
    threads.remember("T1", "D1", "", "dm", now=NOON)
    for other in (
        ("T1", "C1", "2.2"),
        ("T1", "C2", "1.1"),
        ("T2", "C1", "1.1"),
        ("T1", "D1", "1.1"),
    ):
        assert threads.recall(*other, now=NOON) is None
    assert threads.recall("T1", "D1", "", now=NOON) == "dm"


def test_a_topic_is_forgotten_after_two_quiet_hours(store: Store) -> None:
    threads = store.threads
    threads.remember("T1", "C1", "1.1", "old", now=NOON)
    assert threads.recall("T1", "C1", "1.1", now=NOON + THREAD_MEMORY) == "old"
    assert (
        threads.recall("T1", "C1", "1.1", now=NOON + THREAD_MEMORY + timedelta(seconds=1)) is None
    )
    threads.remember("T1", "C2", "2.2", "new", now=NOON + 2 * THREAD_MEMORY)  # prunes the old row
    rows = store.database.all("SELECT channel_id FROM thread_topics")
    assert rows == [{"channel_id": "C2"}]


def test_an_oversized_topic_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="at most"):
        store.threads.remember("T1", "C1", "1.1", "x" * (MAX_TOPIC_LENGTH + 1))
    assert store.threads.recall("T1", "C1", "1.1") is None


def test_the_async_methods_run_off_the_event_loop(store: Store) -> None:
    async def both() -> str | None:
        await store.remember_thread("T1", "C1", "1.1", "topic")
        return await store.recall_thread("T1", "C1", "1.1")

    assert asyncio.run(both()) == "topic"
