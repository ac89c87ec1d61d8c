"""Reminders and change notices for 1,000 linked users over a simulated day.

Run: .venv/bin/python bench/notify.py [--users 1000] [--latency 0.2] [--hours 24] [--moves 60]
                                      [--day 2026-03-25]

The sandbox Clustermarket (200 ms on every request) and a fake Slack run in this process. Each
Slack user is linked to one of the sandbox's 12 demo accounts (tokens granted directly), with
reminders 15 minutes ahead and every change notice on. Through the day the sandbox's facility
makes its moves (bookings approved, declined, cancelled by someone else, moved; instruments
into maintenance) at times spread over the day, and the notifier runs once a simulated minute,
exactly as `cmbot notify run-due --now …` runs it (the same `NotifyRunner.run_due`,
in-process, so a day of ticks takes minutes, not a day). The sandbox's clock and the
Clustermarket client's (what its per-user cache keeps ages by it) follow the ticks.

Printed: Clustermarket requests per simulated minute (peak and mean, against
NOTIFY_MAX_REQUESTS_PER_MINUTE); beside them the old way, computed from the same page counts
rather than run: every person's bookings polled every five minutes, nothing shared, no budget;
and the mean per account polled, since people linked to one account share its polls (1,000
people on 12 accounts here: the figure to scale by for accounts of their own). Then reminders
sent more than 60 s late and reminders missing, how long after a move its notice went out
(p50, p99, and moves never told), and duplicate posts. Nothing is asserted. The per-user cache
saves nothing here (nobody asks questions meanwhile): `tests/notify/test_notify_cache.py`
shows a poll after a question costing no request.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import random
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.clustermarket.tokens import TokenSet, UserKey
from bot.config import Settings
from bot.fake_slack import FakeSlack
from bot.notify.runner import NotifyRunner
from bot.notify.sending import EVENT_TYPE
from bot.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox, SandboxKnobs
from bot.services import Services
from bot.store import Notice, Store

DEMO_USERS = tuple(range(15001, 15013))
ZONES = ("Europe/London", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Asia/Kolkata")
LEAD_MINUTES = 15
NAIVE_EVERY_MINUTES = 5
CHANGE_KINDS = ("approved", "declined", "cancelled", "moved", "unavailable")


def link_everyone(path: Path, key: str, sandbox: Sandbox, fake: FakeSlack, users: int) -> None:
    """Links, zones and reminders in a fresh database (before the bot opens it)."""
    with Store(path, [key]) as store:
        for index in range(users):
            user_id = f"U{index:07d}"
            zone = ZONES[index % len(ZONES)]
            cm_user = DEMO_USERS[index % len(DEMO_USERS)]
            fake.add_user(user_id, name=f"user{index}", real_name=f"User {index}", tz=zone)
            grant = sandbox.grant_tokens(cm_user)
            tokens = TokenSet(
                access_token=str(grant["access_token"]),
                refresh_token=str(grant["refresh_token"]),
                expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=3650),
                scopes=str(grant.get("scope", "")),
            )
            person = UserKey(fake.team_id, user_id)
            name = sandbox.data.users[cm_user].name
            store.links.save(person, cm_user_id=cm_user, cm_user_name=name, tokens=tokens)
            store.slack.cache_tz(person, zone)
            store.notify_users.set_reminders(person, LEAD_MINUTES)


def make_moves(sandbox: Sandbox, start: dt.datetime, hours: int, count: int) -> None:
    """Changes to the demo accounts' own bookings (and their instruments) through the day,
    each at its own time on the sandbox's clock, none in the last three hours (night polls
    are three hours apart: a later change is told after the simulated day)."""
    rng = random.Random(14)
    end = start + dt.timedelta(hours=hours)
    own = [
        booking
        for booking in sandbox.data.bookings.values()
        if booking.requester_id in DEMO_USERS
        and booking.status in ("requested", "approved")
        and start + dt.timedelta(hours=1) < booking.start < end + dt.timedelta(days=3)
    ]
    rng.shuffle(own)
    moved: set[int] = set()  # instruments with a booking moved: none goes into maintenance
    down: set[int] = set()  # instruments in maintenance: none of their bookings moves
    for booking in own:
        if len(sandbox.moves) >= count:
            break
        at = start + dt.timedelta(minutes=rng.randrange(30, hours * 60 - 180))
        if at >= booking.start - dt.timedelta(minutes=30) or booking.equipment_id in down:
            continue
        shift = dt.timedelta(minutes=rng.choice((30, 60, 90)))
        if len(sandbox.moves) % 10 == 9:  # an instrument into maintenance, now and then
            if booking.equipment_id in moved:
                continue
            down.add(booking.equipment_id)
            sandbox.set_availability(booking.equipment_id, "Under Maintenance", at=at)
            continue
        moved.add(booking.equipment_id)
        if booking.status == "requested":
            sandbox.move_booking(booking.id, status=rng.choice(("approved", "declined")), at=at)
        elif rng.random() < 0.5:  # cancelled by someone else: a facility manager
            manager = next(user for user in DEMO_USERS if user != booking.requester_id)
            sandbox.move_booking(booking.id, status="cancelled", cancelled_by=manager, at=at)
        else:
            sandbox.move_booking(
                booking.id, start=booking.start + shift, end=booking.end + shift, at=at
            )


class SimulatedClock:
    """The Clustermarket client's clock (seconds): the simulated minute plus the real time
    since it began, so what the client keeps ages by simulated minutes, as in a real day."""

    def __init__(self, start: dt.datetime) -> None:
        self.tick(start)

    def tick(self, now: dt.datetime) -> None:
        self._minute, self._began = now.timestamp(), time.perf_counter()

    def __call__(self) -> float:
        return self._minute + time.perf_counter() - self._began


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min"


async def simulate(args: argparse.Namespace, folder: Path) -> None:
    start = dt.datetime.combine(args.day, dt.time(), dt.UTC)
    knobs = SandboxKnobs(latency=args.latency, access_token_ttl=30 * 86400)
    async with Sandbox(today=args.day, knobs=knobs) as sandbox, FakeSlack() as fake:
        sandbox.set_clock(start)  # before the moves: each waits for its time
        key = Fernet.generate_key().decode()
        path = folder / "notify.db"
        began = time.perf_counter()
        await asyncio.to_thread(link_everyone, path, key, sandbox, fake, args.users)
        make_moves(sandbox, start, args.hours, args.moves)
        print(f"  set-up: {args.users} linked users, {len(sandbox.moves)} moves planned"
              f" ({time.perf_counter() - began:.1f} s)")  # fmt: skip
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            SLACK_BOT_TOKEN=SecretStr(fake.bot_token),
            SLACK_API_URL=fake.api_url,
            CLUSTERMARKET_API_URL=sandbox.api_url,
            CLUSTERMARKET_OAUTH_URL=sandbox.oauth_url,
            CLUSTERMARKET_CLIENT_ID=DEMO_CLIENT_ID,
            CLUSTERMARKET_CLIENT_SECRET=SecretStr(DEMO_CLIENT_SECRET),
            DATABASE_PATH=str(path),
            TOKEN_ENCRYPTION_KEY=[SecretStr(key)],
        )
        clock = SimulatedClock(start)
        services = await Services.build(settings, clock=clock)
        runner = NotifyRunner(services)
        per_minute: list[int] = []
        sandbox.stats.reset()
        began = time.perf_counter()
        try:
            for tick in range(args.hours * 60):
                now = start + dt.timedelta(minutes=tick)
                sandbox.set_clock(now)
                clock.tick(now)
                before = sandbox.stats.total("GET /v1/") + sandbox.stats.total("POST /oauth/")
                await runner.run_due(now)
                after = sandbox.stats.total("GET /v1/") + sandbox.stats.total("POST /oauth/")
                per_minute.append(after - before)
                if tick % 120 == 119:
                    print(f"  … {now + dt.timedelta(minutes=1):%H:%M} simulated,"
                          f" {time.perf_counter() - began:.0f} s real", flush=True)  # fmt: skip
            window = (start - dt.timedelta(days=1), start + dt.timedelta(days=2))
            notices = await services.store.notices_between(*window)
        finally:
            await services.aclose()
        elapsed = time.perf_counter() - began
        report(args, sandbox, fake, per_minute, notices, start, elapsed)


def report(
    args: argparse.Namespace,
    sandbox: Sandbox,
    fake: FakeSlack,
    per_minute: list[int],
    notices: list[Notice],
    start: dt.datetime,
    elapsed: float,
) -> None:
    limit = Settings.model_fields["NOTIFY_MAX_REQUESTS_PER_MINUTE"].default
    mean = statistics.fmean(per_minute)
    accounts = min(args.users, len(DEMO_USERS))
    pages = {user: -(-len(sandbox.data.visible_bookings(user)) // 100) + 1 for user in DEMO_USERS}
    naive = sum(pages[DEMO_USERS[i % len(DEMO_USERS)]] for i in range(args.users))
    naive /= NAIVE_EVERY_MINUTES
    print(f"  simulated {args.hours} h in {elapsed:.0f} s real ({len(per_minute)} runs)")
    print(f"  Clustermarket requests per minute, budget {limit}:")
    print(f"    new (adaptive polls, shared per account, budgeted): peak {max(per_minute)},"
          f" mean {mean:.1f}")  # fmt: skip
    ratio = naive / max(mean, 0.01)
    print(f"    old way, computed (every person's bookings every {NAIVE_EVERY_MINUTES} min,"
          f" nothing shared): {naive:,.0f}/min, {ratio:,.0f}x the new mean")  # fmt: skip
    per_account = mean / accounts
    print(f"    per account polled ({accounts} for {args.users:,} people; each sees"
          f" {min(pages.values()) - 1}-{max(pages.values()) - 1} pages of bookings):"
          f" mean {per_account:.2f}/min: the mean alone would reach the budget at about"
          f" {limit / max(per_account, 0.001):,.0f} such accounts")  # fmt: skip
    reminders = [n for n in notices if n.kind == "remind_start"]
    sent = [n for n in reminders if n.status == "sent" and n.sent_at is not None]
    late = [n for n in sent if n.sent_at and (n.sent_at - n.due_at).total_seconds() > 60]
    expected = expected_reminders(sandbox, args, start)
    print(f"  reminders: {len(sent)} sent of {expected} expected; late by more than 60 s:"
          f" {len(late)}; not sent: {expected - len(sent)}")  # fmt: skip
    noticed, untold = change_latencies(sandbox, notices)
    if noticed:
        print(f"  changes noticed within: p50 {minutes(percentile(noticed, 0.5))},"
              f" p99 {minutes(percentile(noticed, 0.99))}, max {minutes(max(noticed))}"
              f" ({len(noticed)} moves told, {untold} never told)")  # fmt: skip
    tags: Counter[str] = Counter()
    for channel_messages in (fake.messages_in(f"U{i:07d}") for i in range(args.users)):
        for message in channel_messages:
            if message.metadata and message.metadata.get("event_type") == EVENT_TYPE:
                tags[str(message.metadata["event_payload"].get("notice"))] += 1
    duplicates = sum(count - 1 for count in tags.values() if count > 1)
    print(f"  posts: {sum(tags.values())}; duplicates: {duplicates}")


def expected_reminders(sandbox: Sandbox, args: argparse.Namespace, start: dt.datetime) -> int:
    """Reminders the day should hold: every active own booking (as moved) whose reminder
    falls within the simulated hours, once per person on its account."""
    end = start + dt.timedelta(hours=args.hours)
    per_account = Counter(DEMO_USERS[i % len(DEMO_USERS)] for i in range(args.users))
    lead = dt.timedelta(minutes=LEAD_MINUTES)
    return sum(
        per_account[booking.requester_id]
        for booking in sandbox.data.bookings.values()
        if booking.requester_id in per_account
        and booking.active
        and start <= booking.start - lead
        and booking.start <= end
    )


def change_latencies(sandbox: Sandbox, notices: list[Notice]) -> tuple[list[float], int]:
    """For each move, how long until its first notice went out; and moves never told."""
    first: dict[tuple[str, int], dt.datetime] = {}
    for notice in notices:
        if notice.kind not in CHANGE_KINDS or notice.status != "sent" or notice.sent_at is None:
            continue
        payload = json.loads(notice.payload)
        if notice.kind == "unavailable":
            kind, target = "availability", payload.get("equipment_id")
        else:
            kind, target = "booking", (payload.get("booking") or {}).get("id")
        key = (kind, int(target))
        first[key] = min(first.get(key, notice.sent_at), notice.sent_at)
    latencies: list[float] = []
    untold = 0
    for move in sandbox.moves:
        told = first.get((move.kind, move.target))
        if told is None or move.applied_at is None:
            untold += 1
        else:
            latencies.append((told - move.applied_at).total_seconds())
    return latencies, untold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.2, help="seconds per sandbox request")
    parser.add_argument("--hours", type=int, default=24, help="simulated hours, from 00:00 UTC")
    parser.add_argument("--moves", type=int, default=60, help="changes the facility makes")
    parser.add_argument(
        "--day",
        type=dt.date.fromisoformat,
        default=dt.date(2026, 3, 25),
        help="the simulated day (the sandbox's world is seeded around it)",
    )
    args = parser.parse_args()
    print(f"Notify: {args.users} users, sandbox latency {args.latency * 1000:.0f} ms,"
          f" {args.hours} simulated hours, {args.moves} moves")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="cmbot-bench-") as name:
        asyncio.run(simulate(args, Path(name)))


if __name__ == "__main__":
    main()
