"""Slash commands end to end: acks under a slow Clustermarket, a busy schedule's answer time,
and what a repeated question or a reopened App Home asks Clustermarket, old bot vs new.

Run: .venv/bin/python bench/slack_commands.py [--commands 50] [--rounds 5]

1. 50 concurrent `/cm labs` while the sandbox answers every request after 5 s: how long
   Slack waits for each acknowledgement (p50, p99; Slack gives up at 3 s; target p99 < 300 ms).
2. `/cm schedule` of the busiest instrument at 50 ms per request: time from the signed
   command to the answer posted on response_url, cold (the user's first question) and warm
   (asked again at once), and the requests the warm one made.
3. `/cm bookings this week` asked again within 30 s, and the App Home opened again: the
   requests Clustermarket got (targets: 0 and 0).

"old" is the bot as it was before issue 12 where an option can say so: nothing kept but the
catalogue (five minutes, as then), eight pages at a time; "one page at a time" adds
sequential paging. Everything runs through the real path: signed requests into Bolt, the
fake Slack Web API, the sandbox over loopback HTTP.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from typing import Any

from bot.clustermarket.cache import Lifetime, Lifetimes
from bot.demo.world import PEOPLE, World
from bot.sandbox import Sandbox, SandboxKnobs

ZOE = PEOPLE[0]
NOTHING_KEPT = Lifetime(fresh=0.0)
OLD: dict[str, Any] = {
    "page_concurrency": 8,
    "lifetimes": Lifetimes(
        bookings=NOTHING_KEPT, records=NOTHING_KEPT, catalogue=Lifetime(fresh=300.0)
    ),
}
WAYS: dict[str, dict[str, Any]] = {
    "old, one page at a time": {**OLD, "page_concurrency": 1},
    "old": OLD,
    "new": {},
}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


async def answer_time(world: World, text: str) -> float:
    """Seconds from sending `/cm text` to the answer arriving at the response URL."""
    before = len(world.fake.responses)
    started = time.perf_counter()
    await world.slack.command(text, user_id=ZOE.user_id)
    await world.fake.wait_for(lambda: len(world.fake.responses) > before, timeout=120)
    return time.perf_counter() - started


async def acks_under_slow_upstream(
    options: dict[str, Any], commands: int
) -> tuple[list[float], float]:
    """The acknowledgement times of `commands` concurrent `/cm labs` at 5 s per request, and
    the seconds until every answer was posted."""
    async with World(knobs=SandboxKnobs(), client_options=options) as world:
        await world.link(ZOE)
        world.sandbox.knobs.latency = 5.0
        before = len(world.fake.responses)

        async def one() -> float:
            started = time.perf_counter()
            response = await world.slack.command("labs", user_id=ZOE.user_id)
            elapsed = time.perf_counter() - started
            assert response.status_code == 200
            return elapsed

        started = time.perf_counter()
        acks = await asyncio.gather(*(one() for _ in range(commands)))
        await world.fake.wait_for(
            lambda: len(world.fake.responses) >= before + commands, timeout=300
        )
        return acks, time.perf_counter() - started


async def slow_upstream(commands: int) -> None:
    print(f"1. {commands} concurrent /cm labs, sandbox latency 5 s per request")
    print(f"   {'way':<6}{'ack p50':>9}{'ack p99':>9}{'ack max':>9}{'all answered':>14}")
    p99: dict[str, float] = {}
    for way in ("old", "new"):
        acks, answered = await acks_under_slow_upstream(WAYS[way], commands)
        p99[way] = percentile(acks, 0.99)
        print(
            f"   {way:<6}{statistics.median(acks) * 1000:>7.0f}ms{p99[way] * 1000:>7.0f}ms"
            f"{max(acks) * 1000:>7.0f}ms{answered:>13.1f}s"
        )
    print(
        f"   new/old ack p99 {p99['new'] / p99['old']:.2f}x"
        " (target p99 < 300 ms; Slack's limit 3,000 ms)"
    )


async def schedule_times(
    options: dict[str, Any], text: str, rounds: int
) -> tuple[float, float, float]:
    """The first (cold) answer time, the median of the next `rounds` (warm), and the
    Clustermarket requests of a warm one."""
    async with World(knobs=SandboxKnobs(), client_options=options) as world:
        await world.link(ZOE)
        world.sandbox.knobs.latency = 0.05
        cold = await answer_time(world, text)
        warm: list[float] = []
        requests: list[int] = []
        for _ in range(rounds):
            world.sandbox.stats.reset()
            warm.append(await answer_time(world, text))
            requests.append(world.sandbox.stats.total("GET /v1/"))
    return cold, statistics.median(warm), statistics.median(requests)


async def busy_schedule(rounds: int) -> None:
    seeded = Sandbox()  # the same world the benchmark's sandboxes serve; never started
    equipment = seeded.data.equipment[seeded.busiest_equipment_id()]
    bookings = len(seeded.data.bookings_of_equipment(equipment.id))
    text = f"schedule {equipment.id} today"
    print(
        f"2. /cm schedule of {equipment.name} ({bookings} bookings, {-(-bookings // 100)} pages),"
        " sandbox latency 50 ms per request"
    )
    print(f"   {'way':<26}{'cold s':>8}{'warm s':>8}{'warm requests':>15}")
    times: dict[str, tuple[float, float, float]] = {}
    for way, options in WAYS.items():
        cold, warm, requests = await schedule_times(options, text, rounds)
        times[way] = cold, warm, requests
        print(f"   {way:<26}{cold:>8.3f}{warm:>8.3f}{requests:>15.0f}")
    (old_cold, old_warm, _), (new_cold, new_warm, _) = times["old"], times["new"]
    print(f"   new/old time: cold {new_cold / old_cold:.2f}x, warm {new_warm / old_warm:.3f}x")


async def repeats(options: dict[str, Any]) -> tuple[int, int]:
    """Requests of `/cm bookings this week` asked again at once, and of the App Home reopened."""
    async with World(knobs=SandboxKnobs(), client_options=options) as world:
        await world.link(ZOE)
        await world.fake.wait_for(lambda: world.fake.home_views.get(ZOE.user_id))
        await answer_time(world, "bookings this week")
        world.sandbox.stats.reset()
        await answer_time(world, "bookings this week")
        asked_again = world.sandbox.stats.total("GET /v1/")
        views = len(world.fake.calls_to("views.publish"))
        world.sandbox.stats.reset()
        await world.slack.home_opened(user_id=ZOE.user_id)
        await world.fake.wait_for(lambda: len(world.fake.calls_to("views.publish")) > views)
        return asked_again, world.sandbox.stats.total("GET /v1/")


async def repeated_questions() -> None:
    print("3. asked again within 30 s: Clustermarket requests (target 0 and 0)")
    print(f"   {'way':<6}{'/cm bookings this week':>24}{'App Home reopened':>20}")
    for way in ("old", "new"):
        again, home = await repeats(WAYS[way])
        print(f"   {way:<6}{again:>24}{home:>20}")


async def main(commands: int, rounds: int) -> None:
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    await slow_upstream(commands)
    await busy_schedule(rounds)
    await repeated_questions()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commands", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.commands, arguments.rounds))
