"""Daily digests for 1,000 subscribed users: time to send all, memory for 96 accounts, old
runner vs new, and exactly-once across a kill.

Run: .venv/bin/python bench/digests.py [--users 1000] [--accounts 96] [--latency 0.05]
                                        [--kill-at 0.4] [--burst-size 20] [--old-ref 91483e4]

The sandbox Clustermarket (50 ms latency on every call) and a fake Slack run in this process;
the digest runner runs as cron would, in a child process (`python -m bot digest run-due`), with
the fake Slack answering bursts of HTTP 429 to chat.postMessage while it works (20 after
every 150 calls, Retry-After 1 s). Each Slack
user is linked to one of the sandbox's 12 demo accounts (tokens granted directly) and has a
personal digest that includes empty days, so every one of them is due a DM; six lab channels
have a channel digest too.

1. Send all: one run over a fresh database, by the old runner and by the new; prints the
   time, messages posted, duplicates, Clustermarket requests and the runner's peak resident
   memory.
2. `--accounts` accounts: as many Slack users, each linked to an account of its own (the
   sandbox's 12 users under different orders of their scopes, which the runner takes for
   different accounts), each with a personal digest: the runner's peak resident memory, old
   and new (target < 300 MiB for 96).
3. Kill and rerun (new runner): a second fresh world; the runner is killed with SIGKILL once
   a share of the digests is out, then rerun as the next cron tick past the stale-claim
   window would be (`--now` eleven minutes on); prints the missing and duplicated digests,
   both must be 0.

"old" is the runner before issue 12: this repository at `--old-ref`, exported with `git
archive` into a temporary folder and run from there.

Figures are printed, nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import itertools
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

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

from bot.fake_slack import FakeSlack
from bot.sandbox import ALL_SCOPES, Sandbox, SandboxKnobs
from bot.store import Store

DEMO_USERS = tuple(range(15001, 15013))
# Lab channel digests: lab id, its name and zone, and a demo user who belongs to it.
LABS = (
    (104, "Genomics Core Facility", "Europe/London", 15001),
    (105, "Structural Biology Lab", "Europe/London", 15007),
    (106, "Mass Spectrometry Facility", "Europe/London", 15008),
    (107, "NMR Facility", "Europe/London", 15008),
    (108, "Northbridge Tokyo Imaging Centre", "Asia/Tokyo", 15010),
    (109, "Hudson Valley Biolabs", "America/New_York", 15011),
)
ZONES = (
    "Europe/London",
    "America/New_York",
    "Asia/Tokyo",
    "Europe/Berlin",
    "America/Los_Angeles",
    "Australia/Sydney",
    "Asia/Kolkata",
    "America/Sao_Paulo",
)
STALE_WINDOW_PASSED = dt.timedelta(minutes=11)
BURST_EVERY = 150  # chat.postMessage calls between bursts of 429s
BURST_SIZE = 20
RETRY_AFTER = 1


@dataclass(frozen=True)
class Target:
    """Where one digest goes, and the local date it is for."""

    channel: str
    day: str


def zones_clear_of_midnight(now: dt.datetime) -> list[str]:
    """Zones where it is neither just before nor just after local midnight, so the rerun
    eleven minutes on is still the same local day everywhere."""
    usable = [zone for zone in ZONES if 1 <= now.astimezone(ZoneInfo(zone)).hour <= 22]
    return usable or ["UTC"]


def account_of(index: int) -> tuple[int, str]:
    """Account `index`: one of the sandbox's users, with its scopes in an order of their own
    (the runner names an account by its user and scopes: 12 users x 24 orders)."""
    orders = list(itertools.permutations(ALL_SCOPES.split()))
    cm_user = DEMO_USERS[index % len(DEMO_USERS)]
    return cm_user, " ".join(orders[index // len(DEMO_USERS) % len(orders)])


def build_world(
    sandbox: Sandbox,
    fake: FakeSlack,
    users: int,
    now: dt.datetime,
    *,
    accounts: int = len(DEMO_USERS),
    channels: bool = True,
) -> tuple[Seed, list[Target]]:
    """Links (user i to account i mod `accounts`), personal digests and (with `channels`) lab
    channel digests to seed a fresh database with; the targets."""
    zones = zones_clear_of_midnight(now)
    targets: list[Target] = []
    seed = Seed()
    owners: dict[int, str] = {}
    far = (now + dt.timedelta(days=3650)).isoformat()
    for index in range(users):
        user_id = f"U{index:07d}"
        zone = zones[index % len(zones)]
        cm_user, scopes = account_of(index % accounts)
        fake.add_user(user_id, name=f"user{index}", real_name=f"User {index}", tz=zone)
        seed.links.append(
            granted_link(
                sandbox, fake.team_id, user_id, cm_user, far, name=user_id, scopes=scopes, tz=zone
            )
        )
        channel = fake.dm_channel_id(user_id)
        seed.subscriptions.append(
            {
                "kind": "personal",
                "team_id": fake.team_id,
                "owner_user_id": user_id,
                "channel_id": channel,
                "send_time": "00:00",
                "timezone": zone,
                "include_empty": True,
            }
        )
        owners.setdefault(cm_user, user_id)
        targets.append(Target(channel, now.astimezone(ZoneInfo(zone)).date().isoformat()))
    for lab_id, name, zone, member in LABS if channels else ():
        channel = f"C0LAB{lab_id}"
        fake.add_channel(channel, name.lower().replace(" ", "-"))
        seed.subscriptions.append(
            {
                "kind": "channel",
                "team_id": fake.team_id,
                "owner_user_id": owners[member],
                "channel_id": channel,
                "send_time": "00:00",
                "timezone": zone,
                "lab_id": lab_id,
                "lab_name": name,
                "include_empty": True,
            }
        )
        targets.append(Target(channel, now.astimezone(ZoneInfo(zone)).date().isoformat()))
    return seed, targets


def tally(fake: FakeSlack, targets: list[Target]) -> tuple[int, int, int]:
    """(digest messages posted, targets missing their digest, duplicate digests)."""
    wanted = {(target.channel, target.day) for target in targets}
    posted: Counter[tuple[str, str]] = Counter()
    for target in {target.channel for target in targets}:
        for message in fake.messages_in(target):
            metadata = message.metadata or {}
            if metadata.get("event_type") == "cm_digest":
                posted[(target, str(metadata.get("event_payload", {}).get("date")))] += 1
    missing = sum(1 for item in wanted if posted[item] == 0)
    duplicates = sum(count - 1 for count in posted.values() if count > 1)
    return sum(posted.values()), missing, duplicates


def delivery_states(path: Path, key: str, targets: int, day_range: list[str]) -> str:
    """What the database says right after the kill: sent, claimed, of which began posting."""
    first, last = min(day_range), max(day_range)
    with Store(path, [key]) as store:
        rows = store.deliveries.between(dt.date.fromisoformat(first), dt.date.fromisoformat(last))
    sent = sum(1 for row in rows if row.status == "sent")
    claimed = [row for row in rows if row.status == "claimed"]
    posting = sum(1 for row in claimed if row.post_started_at is not None)
    failed = sum(1 for row in rows if row.status == "failed")
    return (
        f"{sent} recorded sent, {len(claimed)} claimed ({posting} of them had begun posting),"
        f" {failed} failed, {targets - len(rows)} not yet claimed"
    )


@dataclass
class Bursts:
    """How many 429s have been queued for chat.postMessage."""

    queued: int = 0


@asynccontextmanager
async def bursts_of_429(fake: FakeSlack, size: int) -> AsyncIterator[Bursts]:
    """Meanwhile, after every BURST_EVERY calls to chat.postMessage, answer the next `size`
    with HTTP 429 and Retry-After: bursts, not a wall."""
    bursts = Bursts()

    def burst() -> None:
        if size:
            fake.rate_limit_next("chat.postMessage", size, retry_after=RETRY_AFTER)
            bursts.queued += size

    async def inject() -> None:
        last = len(fake.calls_to("chat.postMessage"))
        while True:
            calls = len(fake.calls_to("chat.postMessage"))
            if calls - last >= BURST_EVERY:
                burst()
                last = calls
            await asyncio.sleep(0.01)

    burst()
    task = asyncio.create_task(inject())
    try:
        yield bursts
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def spawn(
    env: dict[str, str], folder: Path, now: dt.datetime | None
) -> asyncio.subprocess.Process:
    arguments = [sys.executable, "-m", "bot", "digest", "run-due"]
    if now is not None:
        arguments += ["--now", now.isoformat()]
    return await asyncio.create_subprocess_exec(
        *arguments, cwd=folder, env=env, stdout=asyncio.subprocess.PIPE
    )


async def finish(child: asyncio.subprocess.Process) -> str:
    out, _ = await child.communicate()
    return out.decode().strip() or f"(exit {child.returncode}, no summary)"


async def finish_measured(child: asyncio.subprocess.Process) -> tuple[str, float]:
    """The runner's summary and its peak resident memory (MiB), read while it runs."""
    reading = asyncio.create_task(finish(child))
    peak = 0.0
    while not reading.done():
        with contextlib.suppress(OSError, KeyError, ValueError):
            peak = max(peak, memory_mib(child.pid)[1])
        await asyncio.sleep(0.05)
    return await reading, peak


async def send_all(
    sandbox: Sandbox,
    folder: Path,
    users: int,
    burst_size: int,
    trees: dict[str, Path],
    *,
    accounts: int = len(DEMO_USERS),
    channels: bool = True,
) -> None:
    """Each runner sends every digest of a fresh world of its own."""
    figures: dict[str, tuple[float, float]] = {}
    for name, tree in trees.items():
        key = Fernet.generate_key().decode()
        now = dt.datetime.now(dt.UTC)
        async with FakeSlack() as fake:
            database = folder / f"send-all-{name}-{accounts}.db"
            seed, targets = build_world(
                sandbox, fake, users, now, accounts=accounts, channels=channels
            )
            await asyncio.to_thread(write_seed, tree, database, key, seed)
            env = child_env(fake, sandbox, database, key, tree)
            sandbox.stats.reset()
            async with bursts_of_429(fake, burst_size):
                started = time.perf_counter()
                summary, peak = await finish_measured(await spawn(env, folder, None))
                elapsed = time.perf_counter() - started
            posted, missing, duplicates = tally(fake, targets)
            print(f"  {name}: {summary}")
            print(
                f"  {name}: {elapsed:.1f} s (start-up included), posted {posted} of"
                f" {len(targets)}, missing {missing}, duplicates {duplicates},"
                f" Clustermarket requests {sandbox.stats.total('GET /v1/')},"
                f" peak resident {peak:.0f} MiB"
            )
            figures[name] = elapsed, peak
            if missing:
                await next_tick(env, folder, now, fake, targets)
    if {"old", "new"} <= figures.keys():
        (old_time, old_peak), (new_time, new_peak) = figures["old"], figures["new"]
        print(
            f"  new/old: time {new_time / old_time:.2f}x, peak resident {new_peak / old_peak:.2f}x"
        )


async def next_tick(
    env: dict[str, str], folder: Path, now: dt.datetime, fake: FakeSlack, targets: list[Target]
) -> None:
    """What failed (429s beyond the retry budget) goes out on a later tick that day."""
    tick = now + dt.timedelta(minutes=2)
    summary = await finish(await spawn(env, folder, tick))
    posted, missing, duplicates = tally(fake, targets)
    print(f"  next tick (--now {tick:%H:%M:%S}Z): {summary}")
    print(f"  after it: posted {posted}, missing {missing}, duplicates {duplicates}")


async def kill_and_rerun(
    sandbox: Sandbox, folder: Path, users: int, kill_at: float, burst_size: int
) -> None:
    key = Fernet.generate_key().decode()
    now = dt.datetime.now(dt.UTC)
    async with FakeSlack() as fake:
        seed, targets = build_world(sandbox, fake, users, now)
        await asyncio.to_thread(write_seed, ROOT, folder / "kill.db", key, seed)
        env = child_env(fake, sandbox, folder / "kill.db", key)
        threshold = max(1, int(len(targets) * kill_at))
        async with bursts_of_429(fake, burst_size) as bursts:
            child = await spawn(env, folder, None)

            def posted_so_far() -> int:
                return len(fake.calls_to("chat.postMessage")) - bursts.queued

            while posted_so_far() < threshold and child.returncode is None:  # noqa: ASYNC110
                await asyncio.sleep(0.002)  # polling the fake: it has no event to wait on
            if child.returncode is None:
                child.send_signal(signal.SIGKILL)
            await child.wait()
        at_kill, _, dup_at_kill = tally(fake, targets)
        print(
            f"  killed with SIGKILL (exit {child.returncode}) after {at_kill} of"
            f" {len(targets)} digests were posted"
        )
        days = [target.day for target in targets]
        states = await asyncio.to_thread(
            delivery_states, folder / "kill.db", key, len(targets), days
        )
        print(f"  at the kill: {states}")
        later = now + STALE_WINDOW_PASSED
        async with bursts_of_429(fake, burst_size):
            rerun = await spawn(env, folder, later)
            summary = await finish(rerun)
        posted, missing, duplicates = tally(fake, targets)
        print(f"  rerun (--now {later:%H:%M:%S}Z): {summary}")
        print(f"  messages posted in all: {posted} of {len(targets)}")
        print(f"  missing: {missing}")
        print(f"  duplicates: {duplicates} (at the kill: {dup_at_kill})")


async def main(arguments: argparse.Namespace) -> None:
    users, latency, burst_size = arguments.users, arguments.latency, arguments.burst_size
    print(
        f"Digests: {users} users, sandbox latency {latency * 1000:.0f} ms, bursts of"
        f" {burst_size} 429s (Retry-After {RETRY_AFTER} s) every {BURST_EVERY} posts;"
        f" load average {os.getloadavg()[0]:.2f}"
    )
    async with Sandbox(knobs=SandboxKnobs(latency=latency)) as sandbox:
        with (
            tempfile.TemporaryDirectory(prefix="cmbot-bench-") as name,
            old_tree(arguments.old_ref) as old,
        ):
            folder = Path(name)
            trees = {"old": old, "new": ROOT}
            print(f"1. send all ({len(DEMO_USERS)} accounts; target for 1,000: < 30 s)")
            await send_all(sandbox, folder, users, burst_size, trees)
            accounts = arguments.accounts
            print(f"2. {accounts} accounts, one personal digest each (target for 96: < 300 MiB)")
            await send_all(sandbox, folder, accounts, 0, trees, accounts=accounts, channels=False)
            print(f"3. kill at {arguments.kill_at:.0%} and rerun (new)")
            await kill_and_rerun(sandbox, folder, users, arguments.kill_at, burst_size)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--accounts", type=int, default=96)
    parser.add_argument("--old-ref", default=BEFORE_ISSUE_12, help="the commit 'old' runs")
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--kill-at", type=float, default=0.4, help="share posted before the kill")
    parser.add_argument(
        "--burst-size", type=int, default=BURST_SIZE, help="429s per burst (0: no bursts)"
    )
    asyncio.run(main(parser.parse_args()))
