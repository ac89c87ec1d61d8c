"""Signed requests Slack would never send: never a 500, never a traceback, never a body in the log.

Hypothesis bends realistic slash commands, events, block actions and view submissions
(`bot.fake_slack.fuzz`); each is signed and sent to the real bot, running in its own thread
with the sandbox and the fake Slack, and what the bot logs meanwhile is read at the end.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from slack_helpers import ZOE

from bot.demo.world import PEOPLE, SIGNING_SECRET, World
from bot.fake_slack.fuzz import MARKER, Signed, Workspace, requests

T = TypeVar("T")
EXAMPLES = 100


class Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Running:
    """A World on its own event loop in a thread, so a plain (sync) hypothesis test drives it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.world = World(client_options={"backoff_base": 0.001, "backoff_cap": 0.01})

    def run(self, work: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout)

    def __enter__(self) -> Running:
        self.thread.start()
        self.run(self.world.start())
        self.run(self.world.link(ZOE))
        return self

    def __exit__(self, *_: object) -> None:
        self.run(self.world.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture
def running() -> Iterator[Running]:
    with Running() as started:
        yield started


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    root = logging.getLogger()
    handler, level = Recorder(), root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def settled() -> None:
    """Wait until the bot's work in the background (answers after the ack) has died down:
    the event loop's task count unchanged for a second."""
    loop = asyncio.get_running_loop()
    deadline, last, steady = loop.time() + 45, -1, 0
    while steady < 20 and loop.time() < deadline:
        count = len(asyncio.all_tasks())
        steady, last = (steady + 1, last) if count == last else (0, count)
        await asyncio.sleep(0.05)


def test_bent_signed_requests_get_no_500_and_log_no_traceback_or_body(
    running: Running, recorder: Recorder
) -> None:
    world = running.world
    space = Workspace(
        team_id=world.fake.team_id,
        bot_user_id=world.fake.bot_user_id,
        users=tuple(person.user_id for person in PEOPLE),
        response_url=world.fake.new_response_url(channel="C0LAB", user=ZOE.user_id),
    )
    statuses: dict[int, int] = {}
    with httpx.Client(timeout=30) as http:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(request=requests(space, SIGNING_SECRET))
        def send(request: Signed) -> None:
            answer = http.post(
                world.slack.events_url, content=request.body, headers=request.headers
            )
            statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
            assert answer.status_code != 500, request.kind

        send()
    running.run(settled())
    assert statuses.get(200, 0) > EXAMPLES // 10, statuses  # not everything was refused
    tracebacks = [r for r in recorder.records if r.exc_info or "Traceback" in r.getMessage()]
    assert not tracebacks, [r.getMessage()[:300] for r in tracebacks[:3]]
    leaks = [
        r for r in recorder.records if MARKER in r.getMessage() or "/response/" in r.getMessage()
    ]
    assert not leaks, [r.getMessage()[:300] for r in leaks[:3]]
