"""Two `cmbot serve` processes on one database, one-second access tokens, strict rotation (a
refresh token spent twice is refused, so a double spend would lose the link), twelve people
asking both at once for a while: no link is lost and no one is asked to reconnect.

CMBOT_HAMMER_SECONDS sets how long (the suite: 10 s; the closing note ran 60 s).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from cryptography.fernet import Fernet
from renewal_helpers import link_works, quick_client
from serve_process import STOP_TIMEOUT, ServeProcess, serve_environment

from bot.clustermarket.oauth import OAuthClient
from bot.clustermarket.tokens import TokenSet, UserKey
from bot.demo.world import SIGNING_SECRET, free_port
from bot.fake_slack import FakeSlack, SlackRequester
from bot.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox, SandboxKnobs
from bot.store import Store

SECONDS = float(os.environ.get("CMBOT_HAMMER_SECONDS", "10"))
PEOPLE = 12


class LoggedServe(ServeProcess):
    """`cmbot serve` logging to a file: a long run logs more than a pipe holds, and a
    process that cannot write its log stops answering."""

    async def start(self) -> None:
        self.log = self.folder / f"serve-{self.environment['PORT']}.log"
        with self.log.open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "serve", env=self.environment,
                cwd=str(self.folder), stdout=asyncio.subprocess.DEVNULL, stderr=log,
            )  # fmt: skip

    async def stop(self) -> tuple[int, str]:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.process.wait(), timeout=STOP_TIMEOUT)
        return code, self.log.read_text(errors="replace")


class AnsweredSlack(FakeSlack):
    """The fake Slack, also remembering each person's latest response URL and what was
    posted to each, so hundreds of askers can wait for their answers cheaply."""

    def __init__(self) -> None:
        super().__init__()
        self.latest: dict[str | None, str] = {}
        self._answers: dict[str, dict[str, Any]] = {}
        self._read = 0

    def new_response_url(
        self, *, channel: str | None = None, user: str | None = None, message_ts: str | None = None
    ) -> str:
        url = super().new_response_url(channel=channel, user=user, message_ts=message_ts)
        self.latest[user] = url.rsplit("/", 1)[-1]
        return url

    def answer_to(self, key: str) -> dict[str, Any] | None:
        for post in self.responses[self._read :]:
            self._answers.setdefault(post.key, post.body)
        self._read = len(self.responses)
        return self._answers.get(key)


def outcome(body: dict[str, Any]) -> str:
    text = str(body.get("text", ""))
    if text.startswith("You are "):
        return "answered"
    if "onnect" in text:
        return "asked to reconnect"
    return "other: " + text[:60]


async def ask_until(
    deadline: float, fake: AnsweredSlack, slacks: list[SlackRequester], user: str
) -> Counter[str]:
    seen: Counter[str] = Counter()
    turn = 0
    while time.monotonic() < deadline:
        ack = await slacks[turn % len(slacks)].command("me", user_id=user)
        assert ack.status_code == 200
        key = fake.latest[user]
        seen[outcome(await fake.wait_for(lambda key=key: fake.answer_to(key), timeout=30))] += 1
        turn += 1
    return seen


async def test_two_serve_processes_with_one_second_tokens_lose_no_link(
    http: httpx.AsyncClient, tmp_path: Path
) -> None:
    key = Fernet.generate_key().decode()
    database = tmp_path / "shared.db"
    users = [f"U0PERSON{number}" for number in range(PEOPLE)]
    knobs = SandboxKnobs(access_token_ttl=1, strict_refresh=True)
    async with Sandbox(knobs=knobs) as sandbox, AnsweredSlack() as fake:
        store = await Store.open(database, [key])
        for user in users:
            fake.add_user(user, name=user.lower(), real_name=user, tz="Europe/London")
            grant = sandbox.grant_tokens(sandbox.demo_user_id)
            tokens = TokenSet(str(grant["access_token"]), str(grant["refresh_token"]), None, "")
            await store.save_link(
                UserKey(fake.team_id, user),
                cm_user_id=sandbox.demo_user_id,
                cm_user_name=user,
                tokens=tokens,
            )
        servers = [
            LoggedServe(
                serve_environment(
                    sandbox, fake, free_port(), str(database), TOKEN_ENCRYPTION_KEY=key
                ),
                tmp_path,
            )
            for _ in range(2)
        ]
        for server in servers:
            await server.start()
        try:
            for server in servers:
                assert (await server.health(http)).status_code == 200
            slacks = [
                SlackRequester(server.base_url + "/slack/events", SIGNING_SECRET, fake)
                for server in servers
            ]
            deadline = time.monotonic() + SECONDS
            tallies = await asyncio.gather(
                *(ask_until(deadline, fake, slacks, user) for user in users)
            )
            for slack in slacks:
                await slack.aclose()
        finally:
            stopped = [await server.stop() for server in servers]
        for code, log in stopped:
            assert code == 0 and "Traceback" not in log, log
        seen = sum(tallies, Counter())
        oauth = OAuthClient(
            sandbox.oauth_url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, "http://x/callback", http
        )
        async with quick_client(sandbox, oauth, store) as survivor:
            working = await asyncio.gather(
                *(link_works(survivor, sandbox, UserKey(fake.team_id, user)) for user in users)
            )
        links = [await store.get_link(UserKey(fake.team_id, user)) for user in users]
        await store.aclose()
    lost = working.count(False)
    broken = [
        link.broken_reason if link else "gone"
        for link in links
        if link is None or link.status != "active"
    ]
    print(
        f"{SECONDS:g} s, {PEOPLE} people, 2 processes: {dict(seen)}; renewals"
        f" {sandbox.stats.grants['refresh_token']}; links lost {lost}, broken {broken}"
    )
    assert (lost, broken) == (0, [])
    assert seen["asked to reconnect"] == 0
    assert seen["answered"] == sum(seen.values()), seen
    assert sandbox.stats.grants["refresh_token"] >= PEOPLE  # the tokens really did churn
