"""10,000 signed requests Slack would never send, to a running `cmbot serve`: 500s and tracebacks.

Run: .venv/bin/python bench/fuzz.py [--requests 10000] [--compare-with /path/to/old/checkout]

The sandbox Clustermarket and the fake Slack run in this process; `cmbot serve` runs in its own
process with its log captured, and one person (Zoë) is linked through the real flow so bent
questions reach Clustermarket too. Hypothesis bends slash commands, events, block actions and
view submissions (`bot.fake_slack.fuzz`); each is signed with the app's secret and posted to
/slack/events. Once the bot has settled, the script prints how many answers were 500, how many
tracebacks the bot logged, and whether any body reached the log (targets 0, 0, 0).

`--compare-with` runs the same against another checkout's code (e.g. the main branch before
these fixes) and prints both side by side. Figures are printed, nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
from children import ROOT, child_env
from cryptography.fernet import Fernet
from hypothesis import HealthCheck, Phase, given, settings

from bot.demo.world import (
    PEOPLE,
    SIGNING_SECRET,
    connect_button_url,
    follow_connect_link,
    free_port,
)
from bot.fake_slack import FakeSlack, SlackRequester
from bot.fake_slack.fuzz import MARKER, Signed, Workspace, requests
from bot.sandbox import Sandbox

T = TypeVar("T")
ZOE = PEOPLE[0]


@dataclass
class Outcome:
    sent: int
    statuses: Counter[int]
    tracebacks: int
    leaks: int
    seconds: float


class Upstreams:
    """The sandbox and the fake Slack on their own event loop in a thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.sandbox = Sandbox()
        self.fake = FakeSlack()
        for person in PEOPLE:
            self.fake.add_user(
                person.user_id, name=person.name, real_name=person.real_name, tz=person.tz
            )

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(120)

    def __enter__(self) -> Upstreams:
        self.thread.start()
        self.run(self.sandbox.start())
        self.run(self.fake.start())
        return self

    def __exit__(self, *_: object) -> None:
        self.run(self.fake.stop())
        self.run(self.sandbox.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def environment(up: Upstreams, port: int, database: Path, code: Path | None) -> dict[str, str]:
    """`cmbot serve` in HTTP mode (its door is what is bent), code from `code` or this tree."""
    key = Fernet.generate_key().decode()
    env = child_env(up.fake, up.sandbox, database, key, code or ROOT)
    env.update(
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        PUBLIC_URL=f"http://127.0.0.1:{port}",
        HOST="127.0.0.1",
        PORT=str(port),
    )
    return env


async def link_zoe(up: Upstreams, base_url: str) -> None:
    """/cm connect, then the button through the real flow, as `bot.demo.world` follows it."""
    async with SlackRequester(base_url + "/slack/events", SIGNING_SECRET, up.fake) as slack:
        await slack.command("connect", user_id=ZOE.user_id)
    url = await up.fake.wait_for(lambda: connect_button_url(up.fake, ZOE.user_id))
    async with httpx.AsyncClient(timeout=30) as browser:
        await follow_connect_link(browser, url, ZOE)


def fuzz(up: Upstreams, url: str, count: int) -> Counter[int]:
    space = Workspace(
        team_id=up.fake.team_id,
        bot_user_id=up.fake.bot_user_id,
        users=tuple(person.user_id for person in PEOPLE),
        response_url=up.fake.new_response_url(channel="C0LAB", user=ZOE.user_id),
    )
    statuses: Counter[int] = Counter()
    with httpx.Client(timeout=30) as http:

        @settings(
            max_examples=count,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(request=requests(space, SIGNING_SECRET))
        def send(request: Signed) -> None:
            try:
                statuses[
                    http.post(url, content=request.body, headers=request.headers).status_code
                ] += 1
            except httpx.HTTPError:
                statuses[0] += 1  # no answer at all

        send()
    return statuses


def settle(up: Upstreams, quiet: float = 3.0, most: float = 120.0) -> None:
    """Wait until the bot has made no Slack call for `quiet` seconds (its answers are done)."""
    started, last, since = time.monotonic(), -1, time.monotonic()
    while time.monotonic() - started < most:
        calls = len(up.fake.calls) + len(up.fake.responses)
        if calls != last:
            last, since = calls, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.2)


def run(count: int, code: Path | None) -> Outcome:
    with Upstreams() as up, tempfile.TemporaryDirectory(prefix="cmbot-fuzz-") as folder:
        port = free_port()
        log = Path(folder) / "serve.log"
        env = environment(up, port, Path(folder) / "cmbot.db", code)
        with log.open("wb") as sink:
            serve = [sys.executable, "-m", "bot", "serve"]
            process = subprocess.Popen(serve, env=env, cwd=folder, stdout=sink, stderr=sink)  # noqa: S603
            base_url = f"http://127.0.0.1:{port}"
            for _ in range(300):
                try:
                    httpx.get(base_url + "/healthz", timeout=5)
                    break
                except httpx.ConnectError:
                    time.sleep(0.1)
            else:
                process.kill()
                raise SystemExit("cmbot serve did not start:\n" + log.read_text()[-3000:])
            up.run(link_zoe(up, base_url))
            started = time.perf_counter()
            statuses = fuzz(up, base_url + "/slack/events", count)
            seconds = time.perf_counter() - started
            settle(up)
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
        text = log.read_text(encoding="utf-8", errors="replace")
    return Outcome(
        sent=sum(statuses.values()),
        statuses=statuses,
        tracebacks=text.count("Traceback (most recent call last)"),
        leaks=text.count(MARKER) + text.count("/response/"),  # a body, or a response URL
        seconds=seconds,
    )


def show(name: str, outcome: Outcome) -> str:
    by_status = ", ".join(
        f"{status or 'none'}: {n}" for status, n in sorted(outcome.statuses.items())
    )
    return (
        f"{name:<10}{outcome.sent:>8}{outcome.statuses[500]:>7}{outcome.tracebacks:>12}"
        f"{outcome.leaks:>14}{outcome.seconds:>9.1f}   {by_status}"
    )


def main(count: int, compare_with: Path | None) -> None:
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)  # the fake's, not the bot's
    print(f"{count} bent, signed Slack requests to cmbot serve (hypothesis, bot.fake_slack.fuzz)")
    heads = f"{'code':<10}{'sent':>8}{'500s':>7}{'tracebacks':>12}{'bodies logged':>14}"
    print(f"{heads}{'s':>9}   statuses")
    outcomes = [("this", run(count, None))]
    if compare_with is not None:
        outcomes.append(("compared", run(count, compare_with)))
    for name, outcome in outcomes:
        print(show(name, outcome))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--compare-with", type=Path, default=None, metavar="CHECKOUT")
    arguments = parser.parse_args()
    main(arguments.requests, arguments.compare_with)
