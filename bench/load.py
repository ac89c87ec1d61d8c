"""500 people at once: distinct linked users each sending one slash command, old bot vs new.

Run: .venv/bin/python bench/load.py [--users 500] [--latencies 0.2,2] [--requests 10000]
                                     [--spread 0] [--old-ref 91483e4] [--only old|new]

The bot runs as `cmbot serve` does (`python -m bot serve`, HTTP mode) in a child process of its
own, so its CPU and memory are measured alone; this process plays everyone else: the sandbox
Clustermarket (with `--latency` added to every answer), Slack's Web API and response URLs (the
fake Slack), and the people, who send signed `/cm labs` commands, all at once (or over
`--spread` seconds). `/cm labs` reads
the person's catalogue (their accounts, then each lab's details and equipment: 3 to 11
requests in two round trips). Each of the N Slack users is linked to one of the sandbox's 12
accounts, so no two share anything the bot keeps.

"old" is the bot as it was before issue 12: this repository at `--old-ref` (the merge before
the work, 91483e4), exported with `git archive` into a temporary folder and run from there;
"new" is this checkout. Both get a copy of the same database and the same sandbox.

1. For each latency: how many of the N got a real answer (their labs, not "Clustermarket is
   slow"), the acknowledgement time Slack would see (p50, p99; Slack gives up at 3 s; also the
   bot's own p99 from its /metrics histogram), the time to the answer (p50, p99, last), and the
   bot's peak resident memory.
2. `--requests` commands (100 users taking turns, 20 ms upstream): the bot's resident memory
   after the first 100 answers and after all of them.

Figures are printed, nothing is asserted. Quote min/median/max of three runs.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import httpx
from children import (
    BEFORE_ISSUE_12,
    ROOT,
    Seed,
    child_env,
    granted_link,
    memory_mib,
    old_tree,
    write_seed,
)
from cryptography.fernet import Fernet
from httpx_aiohttp import AiohttpTransport

from bot.demo.world import free_port
from bot.fake_slack import FakeSlack, SlackRequester
from bot.fake_slack.server import ResponseUrlPost
from bot.sandbox import Sandbox, SandboxKnobs

SIGNING_SECRET = "bench-signing-secret"  # noqa: S105 - the fake Slack's, known to both sides
DEMO_USERS = tuple(range(15001, 15013))
QUESTION = "labs"
BOT_ACK = re.compile(r"acked command in (\d+) ms")
REAL_ANSWER = "Your labs"  # the header of a labs answer; errors and prompts have none
ZONE = "Europe/London"


class Arrivals(list[ResponseUrlPost]):
    """The fake Slack's response-URL posts, with when each arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.at: dict[str, float] = {}

    def append(self, post: ResponseUrlPost) -> None:
        self.at.setdefault(post.key, time.perf_counter())
        super().append(post)


@dataclass
class Outcome:
    """One phase's figures for one bot."""

    users: int
    acks: list[float] = field(default_factory=list)
    answers: list[float] = field(default_factory=list)
    answered: int = 0
    within_60: int = 0
    bot_acks: list[float] = field(default_factory=list)
    peak_mib: float = 0.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def build_seed(sandbox: Sandbox, fake: FakeSlack, users: int) -> Seed:
    """`users` Slack users, each linked to one of the sandbox's accounts (tokens granted)."""
    far = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3650)).isoformat()
    seed = Seed()
    for index in range(users):
        user_id = f"U{index:07d}"
        fake.add_user(user_id, name=f"user{index}", real_name=f"User {index}", tz=ZONE)
        cm_user = DEMO_USERS[index % len(DEMO_USERS)]
        link = granted_link(sandbox, fake.team_id, user_id, cm_user, far, name=f"User {index}")
        seed.links.append(link)
    return seed


@dataclass
class Bot:
    """A running bot child: where it listens, its pid, its log."""

    url: str
    process: asyncio.subprocess.Process
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid


@asynccontextmanager
async def running_bot(
    tree: Path, database: Path, key: str, sandbox: Sandbox, fake: FakeSlack, folder: Path
) -> AsyncIterator[Bot]:
    """`python -m bot serve` from `tree`, on a free port, until the block ends."""
    port = free_port()
    env = {
        **child_env(fake, sandbox, database, key, tree),
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "HOST": "127.0.0.1",
        "PORT": str(port),
    }
    log = folder / f"bot-{port}.log"
    with log.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "serve", cwd=tree, env=env, stdout=sink, stderr=sink
        )
    bot = Bot(f"http://127.0.0.1:{port}", process, log)
    try:
        async with httpx.AsyncClient(timeout=2.0) as probe:
            for _ in range(300):
                if process.returncode is not None:
                    raise RuntimeError(f"the bot exited: {log.read_text()[-2000:]}")
                try:
                    if (await probe.get(bot.url + "/healthz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise RuntimeError("the bot did not come up")
        yield bot
    finally:
        if process.returncode is None:
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), timeout=30)
        except TimeoutError:  # asyncio drops a signal whose wakeup byte finds its pipe full
            print(f"  (the bot did not stop on SIGTERM within 30 s; killed; log {bot.log})")
            process.kill()
            await process.wait()


def bot_acks(bot: Bot) -> list[float]:
    """The bot's own acknowledgement times of commands (seconds), from its log: from Bolt
    getting the request to the ack leaving it."""
    return [float(ms) / 1000 for ms in BOT_ACK.findall(bot.log.read_text())]


@asynccontextmanager
async def requester(bot: Bot, fake: FakeSlack) -> AsyncIterator[SlackRequester]:
    """Signed requests to the bot over aiohttp's pool, so that what is measured is the bot,
    not httpcore's queue (see `make_http_client`)."""
    limits = httpx.Limits(max_connections=1000, max_keepalive_connections=1000)
    transport = AiohttpTransport(limits=limits)
    async with httpx.AsyncClient(timeout=120.0, transport=transport) as http:
        yield SlackRequester(bot.url + "/slack/events", SIGNING_SECRET, fake, http=http)


async def burst(
    bot: Bot, fake: FakeSlack, users: int, deadline: float, spread: float = 0.0
) -> Outcome:
    """Every user sends one command at the same moment (or, with `spread`, at even intervals
    over that many seconds) from Slack's edge (`slack_edge.py`); wait for the answers."""
    arrivals = Arrivals()
    fake.responses = arrivals
    outcome = Outcome(users)
    acked_before = len(bot_acks(bot))
    async with requester(bot, fake) as slack:
        plan: list[dict[str, object]] = []
        for index in range(users):
            form = slack.command_form(QUESTION, user_id=f"U{index:07d}")
            body = urlencode(form)
            headers = slack.signed_headers(body.encode(), "application/x-www-form-urlencoded")
            plan.append({"body": body, "headers": headers, "at": spread * index / users})
        owners = [str(parse_qs(str(item["body"]))["user_id"][0]) for item in plan]
        edge = await asyncio.create_subprocess_exec(
            sys.executable,
            str(ROOT / "bench" / "slack_edge.py"),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        sending = asyncio.create_task(
            edge.communicate(json.dumps({"url": slack.events_url, "requests": plan}).encode())
        )
    started = time.perf_counter()
    peak = memory_mib(bot.pid)[1]
    while not sending.done() or (
        len(arrivals) < users and time.perf_counter() - started < deadline
    ):
        await asyncio.sleep(0.05)
        peak = max(peak, memory_mib(bot.pid)[1])
    sent: dict[str, float] = {}
    for owner, (began, finished, status, body) in zip(
        owners, json.loads((await sending)[0]), strict=True
    ):
        assert status == 200 and body == "", (status, body)
        outcome.acks.append(finished - began)
        sent[owner] = began
    first_sent = min(sent.values())
    for post in arrivals:
        if REAL_ANSWER not in str(post.body):
            continue
        owner = fake._response_urls[post.key].user  # the bench reads the fake's own record
        outcome.answered += 1
        outcome.answers.append(arrivals.at[post.key] - sent[owner or ""])
        if arrivals.at[post.key] - first_sent <= 60.0:
            outcome.within_60 += 1
    outcome.peak_mib = max(peak, memory_mib(bot.pid)[1])
    outcome.bot_acks = bot_acks(bot)[acked_before:]
    return outcome


async def steady(bot: Bot, fake: FakeSlack, requests: int, users: int = 100) -> tuple[float, float]:
    """`requests` commands from `users` people taking turns, at most 50 unanswered at a time:
    resident memory after the first 100 answers and after all."""
    arrivals = Arrivals()
    fake.responses = arrivals
    questions = ("labs", "me", "equipment nanodrop", "groups")
    sending: set[asyncio.Task[httpx.Response]] = set()

    async def answered(count: int) -> None:
        for _ in range(12_000):
            if len(arrivals) >= count:
                return
            await asyncio.sleep(0.005)
        raise RuntimeError(f"only {len(arrivals)} of {count} answers came")

    after_100 = 0.0
    async with requester(bot, fake) as slack:
        for number in range(requests):
            if number == 100:
                await answered(100)
                after_100 = memory_mib(bot.pid)[0]
            if number - len(arrivals) >= 50:
                await answered(number - 49)
            question = questions[number % len(questions)]
            task = asyncio.create_task(slack.command(question, user_id=f"U{number % users:07d}"))
            sending.add(task)
            task.add_done_callback(sending.discard)
        await answered(requests)
    return after_100, memory_mib(bot.pid)[0]


def show_burst(latency: float, results: dict[str, Outcome], spread: float) -> None:
    users = next(iter(results.values())).users
    when = f"within {spread:g} s" if spread else "at once"
    print(f"{users} users {when}, /cm {QUESTION}, sandbox latency {latency * 1000:.0f} ms")
    print(
        f"  {'bot':<5}{'answered':>9}{'in 60 s':>9}{'ack p50':>9}{'ack p99':>9}{'bot p99':>9}"
        f"{'ans p50':>9}{'ans p99':>9}{'last':>8}{'peak RSS':>10}"
    )
    for name, outcome in results.items():
        bot_p99 = f"{percentile(outcome.bot_acks, 0.99) * 1000:.0f}" if outcome.bot_acks else "-"
        last = max(outcome.answers) if outcome.answers else float("nan")
        print(
            f"  {name:<5}{outcome.answered:>5}/{users:<3}{outcome.within_60:>9}"
            f"{percentile(outcome.acks, 0.5) * 1000:>7.0f}ms"
            f"{percentile(outcome.acks, 0.99) * 1000:>7.0f}ms{bot_p99:>7}ms"
            f"{percentile(outcome.answers, 0.5):>8.1f}s{percentile(outcome.answers, 0.99):>8.1f}s"
            f"{last:>7.1f}s{outcome.peak_mib:>7.0f} MiB"
        )
    if {"old", "new"} <= results.keys():
        old, new = results["old"], results["new"]
        pairs = {
            "answered": (new.answered, old.answered),
            "ack p99": (percentile(new.acks, 0.99), percentile(old.acks, 0.99)),
            "bot's ack p99": (percentile(new.bot_acks, 0.99), percentile(old.bot_acks, 0.99)),
            "answer p99": (percentile(new.answers, 0.99), percentile(old.answers, 0.99)),
            "peak RSS": (new.peak_mib, old.peak_mib),
        }
        print("  new/old: " + ", ".join(f"{name} {ratio(*pair)}" for name, pair in pairs.items()))


def ratio(new: float, old: float) -> str:
    """`new` as a multiple of `old`; "-" when old is nothing to divide by."""
    if not old or old != old:  # zero, or NaN: no answers to time
        return "- (old: none)"
    return f"{new / old:.2f}x"


async def main(arguments: argparse.Namespace) -> None:
    latencies = [float(value) for value in arguments.latencies.split(",")]
    bots = ["old", "new"] if arguments.only is None else [arguments.only]
    key = Fernet.generate_key().decode()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    with (
        tempfile.TemporaryDirectory(prefix="cmbot-load-") as name,
        old_tree(arguments.old_ref) as old,
    ):
        folder = Path(name)
        trees = {"old": old, "new": ROOT}
        async with Sandbox(knobs=SandboxKnobs()) as sandbox, FakeSlack() as fake:
            seed = build_seed(sandbox, fake, max(arguments.users, 100))
            seeded = {}
            for bot_name in bots:
                seeded[bot_name] = folder / f"seeded-{bot_name}.db"
                await asyncio.to_thread(write_seed, trees[bot_name], seeded[bot_name], key, seed)
            for latency in latencies:
                results: dict[str, Outcome] = {}
                for bot_name in bots:
                    database = folder / f"{bot_name}-{latency}.db"
                    shutil.copy(seeded[bot_name], database)
                    sandbox.knobs.latency = latency
                    async with running_bot(
                        trees[bot_name], database, key, sandbox, fake, folder
                    ) as bot:
                        results[bot_name] = await burst(
                            bot,
                            fake,
                            arguments.users,
                            deadline=max(120.0, latency * 60),
                            spread=arguments.spread,
                        )
                show_burst(latency, results, arguments.spread)
            print(f"{arguments.requests} commands, 100 users taking turns, latency 20 ms")
            growth: dict[str, float] = {}
            for bot_name in bots:
                database = folder / f"{bot_name}-steady.db"
                shutil.copy(seeded[bot_name], database)
                sandbox.knobs.latency = 0.02
                async with running_bot(
                    trees[bot_name], database, key, sandbox, fake, folder
                ) as bot:
                    first, last = await steady(bot, fake, arguments.requests)
                print(
                    f"  {bot_name:<5}resident after 100: {first:.0f} MiB, after"
                    f" {arguments.requests}: {last:.0f} MiB ({last - first:+.0f} MiB)"
                )
                growth[bot_name] = last - first
            if len(growth) == 2:
                print(f"  growth new {growth['new']:+.0f} MiB vs old {growth['old']:+.0f} MiB")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--latencies", default="0.2,2", help="seconds, comma-separated")
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument(
        "--spread", type=float, default=0.0, help="seconds the commands arrive over (0: at once)"
    )
    parser.add_argument("--old-ref", default=BEFORE_ISSUE_12, help="the commit 'old' runs")
    parser.add_argument("--only", choices=("old", "new"), help="run one bot only")
    asyncio.run(main(parser.parse_args()))
