"""Waiting on a slow Clustermarket without leaving a person in silence.

A mention, a DM or the Home tab is answered as soon as the answer is ready; when it is not
ready after a few seconds, the person first hears that Clustermarket is slow and we are still
working, and the answer replaces or follows that note when it comes. Past a ceiling we stop
waiting and say Clustermarket is taking too long.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

SLOW_NOTE_AFTER = 8.0
"""Seconds before a person who asked in words (or opened Home) hears "still working…"; well
within the 20 s anyone should wait for a first sign of life."""

LATE_ANSWER_LIMIT = 120.0
"""Seconds we keep working on an answer after the note, before saying Clustermarket is too
slow; a late answer is still worth having once the person knows it is coming."""


async def with_note(
    work: Coroutine[Any, Any, T], *, note_after: float, note: Callable[[], Awaitable[object]]
) -> T:
    """The result of `work`; if it is not ready after `note_after` seconds, `note()` runs once
    first (it must not raise: post helpers log and return). Cancelling this cancels `work`."""
    task = asyncio.ensure_future(work)
    try:
        done, _ = await asyncio.wait({task}, timeout=note_after)
        if not done:
            await note()
        return await task
    finally:
        task.cancel()  # a no-op once it has finished
