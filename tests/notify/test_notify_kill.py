"""Exactly once across kill -9: `cmbot notify run-due` in a child process is killed (SIGKILL,
no cleanup) while its reminders are being posted, some of them in Slack but not yet recorded;
a rerun past the stale-claim window sends the rest and finds those in Slack's history: every
person gets their reminder once, none twice and none missing."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import sys
from pathlib import Path

from notify_world import TEAM, ZOE, Link, Person, at

from bot.fake_slack import FakeSlack
from bot.notify.runner import NotifyRunner
from bot.notify.sending import EVENT_TYPE
from bot.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox
from bot.services import Services

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = [
    Person(f"U0P{index:03d}", f"Person {index}", ZOE.cm_user_id, ZOE.tz) for index in range(24)
]
REMIND_AT = at(9, 5)  # the 09:30 NanoDrop, reminded 30 minutes before: due at 09:00


def child_env(services: Services, sandbox: Sandbox, fake: FakeSlack) -> dict[str, str]:
    settings = services.settings
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": fake.bot_token,
        "SLACK_API_URL": fake.api_url,
        "CLUSTERMARKET_API_URL": sandbox.api_url,
        "CLUSTERMARKET_OAUTH_URL": sandbox.oauth_url,
        "CLUSTERMARKET_CLIENT_ID": DEMO_CLIENT_ID,
        "CLUSTERMARKET_CLIENT_SECRET": DEMO_CLIENT_SECRET,
        "DATABASE_PATH": settings.DATABASE_PATH,
        "TOKEN_ENCRYPTION_KEY": settings.encryption_keys()[0],
        "LOG_LEVEL": "WARNING",
    }


async def run_due(
    env: dict[str, str], folder: Path, now: dt.datetime
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bot", "notify", "run-due", "--now", now.isoformat()),
        cwd=folder,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


def reminders_posted(fake: FakeSlack) -> dict[str, int]:
    """How many reminders each person's DM holds."""
    counts: dict[str, int] = {}
    for person in PEOPLE:
        counts[person.user_id] = sum(
            1
            for message in fake.messages_in(person.user_id)
            if message.metadata and message.metadata.get("event_type") == EVENT_TYPE
        )
    return counts


async def test_killed_mid_run_then_rerun_sends_every_reminder_exactly_once(
    services: Services,
    sandbox: Sandbox,
    fake: FakeSlack,
    runner: NotifyRunner,
    link: Link,
    tmp_path: Path,
) -> None:
    for person in PEOPLE:
        fake.add_user(person.user_id, name=person.name, real_name=person.name, tz=person.tz)
        await link(person)
        await services.store.set_reminders(person.key, 30)
    await runner.run_due(at(7))  # the account's first poll, in this process
    env = child_env(services, sandbox, fake)
    fake.latency = 0.15  # posts take a while: the kill lands among them
    child = await run_due(env, tmp_path, REMIND_AT)
    try:
        await fake.wait_for(lambda: sum(reminders_posted(fake).values()) >= 3, timeout=60)
    finally:
        child.send_signal(signal.SIGKILL)
        await child.wait()
    assert child.returncode == -signal.SIGKILL
    at_kill = reminders_posted(fake)
    assert 0 < sum(at_kill.values()) < len(PEOPLE)
    fake.latency = 0.0
    rerun = await run_due(env, tmp_path, REMIND_AT + dt.timedelta(minutes=11))
    _, err = await rerun.communicate()
    assert rerun.returncode == 0, err.decode()[-2000:]
    assert reminders_posted(fake) == {person.user_id: 1 for person in PEOPLE}
    notices = await services.store.notices_between(at(8), at(10))
    assert len(notices) == len(PEOPLE) and {n.status for n in notices} == {"sent"}
    assert all(n.team_id == TEAM for n in notices)
