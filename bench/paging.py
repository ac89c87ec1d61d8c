"""Every booking of the sandbox's busiest lab at 50 ms latency: sequential paging vs. the client,
and the same list (56 pages) read from a sandbox speaking the Rails dialect.

Run: .venv/bin/python bench/paging.py [--latency 0.05] [--rounds 3]

The sandbox runs in its own process (`cmbot sandbox --latency … --dialect …`), as
Clustermarket would be on its own machine, and the bot links through the real OAuth flow
(PKCE, and HTTP Basic client authentication for Rails). Sequential and client use the same
client code but for paging: one page at a time, or page 1 then the rest concurrently. The
Rails dialect sends naive times in the lab's zone, Ruby time formats, "4h 30m" durations,
flat ids and Link paging: the client reads it with the same concurrency (Link rel="last"
gives the last page) and places the times in the lab's zone. Prints each way's wall time and
peak Python memory (tracemalloc, in a separate run so its overhead does not skew the
timings), and their ratios: the Rails list should take within 10 % of the reference's time.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cryptography.fernet import Fernet

from bot.clustermarket.client import ClustermarketClient
from bot.clustermarket.models import Booking
from bot.clustermarket.oauth import OAuthClient, code_challenge, make_code_verifier
from bot.clustermarket.tokens import UserKey
from bot.clustermarket.transport import make_http_client
from bot.demo.world import free_port
from bot.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox
from bot.sandbox.browser import submit_authorize_page
from bot.store import Store

KEY = UserKey("TBENCH", "UBENCH")
REDIRECT_URI = "http://localhost:3000/clustermarket/oauth/callback"
Fetch = Callable[[], Awaitable[list[Booking]]]


@asynccontextmanager
async def sandbox_process(latency: float, dialect: str) -> AsyncIterator[str]:
    """`cmbot sandbox` in a child process; yields its base URL once it listens."""
    port = free_port()
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "sandbox", "--port", str(port), "--latency", str(latency),
        "--dialect", dialect, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert child.stdout is not None
    try:
        line = await asyncio.wait_for(child.stdout.readline(), timeout=30)
        if b"listening" not in line:
            raise RuntimeError(f"the sandbox did not start: {line!r}")
        yield f"http://127.0.0.1:{port}"
    finally:
        child.terminate()
        await child.wait()


async def timed(fetch: Fetch) -> tuple[float, int]:
    started = time.perf_counter()
    bookings = await fetch()
    return time.perf_counter() - started, len(bookings)


async def peak_memory(fetch: Fetch) -> int:
    tracemalloc.start()
    await fetch()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


@asynccontextmanager
async def linked_client(
    latency: float, dialect: str, store: Store, key: UserKey, user_id: int
) -> AsyncIterator[ClustermarketClient]:
    """A client linked to `user_id` of a sandbox speaking `dialect`, through the real flow."""
    async with sandbox_process(latency, dialect) as base_url:
        http = make_http_client()
        oauth = OAuthClient(base_url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, REDIRECT_URI, http)
        client = ClustermarketClient(base_url + "/v1", "/me", oauth, store, http=http)
        verifier = make_code_verifier()
        authorize = oauth.authorize_url("bench", code_challenge=code_challenge(verifier))
        redirect = await submit_authorize_page(http, authorize, user_id)
        code = parse_qs(urlsplit(redirect).query)["code"][0]
        tokens = await oauth.exchange_code(code, code_verifier=verifier)
        await store.save_link(key, cm_user_id=user_id, cm_user_name="Bench", tokens=tokens)
        try:
            yield client
        finally:
            await client.aclose()


async def main(latency: float, rounds: int) -> None:
    world = Sandbox()  # the same deterministic world the child processes serve
    lab, demo_user = world.busiest_lab_id(), world.demo_user_id
    rails_key = UserKey("TBENCH", "URAILS")
    times: dict[str, list[float]] = {}
    peaks: dict[str, int] = {}
    counts: set[int] = set()
    with tempfile.TemporaryDirectory() as folder:
        store = await Store.open(Path(folder) / "bench.db", [Fernet.generate_key().decode()])
        async with (
            linked_client(latency, "reference", store, KEY, demo_user) as reference,
            linked_client(latency, "rails", store, rails_key, demo_user) as rails,
        ):
            ways: dict[str, Fetch] = {
                "sequential": lambda: reference.for_user(KEY, sequential=True).bookings(lab),
                "client": lambda: reference.for_user(KEY).bookings(lab),
                "rails client": lambda: rails.for_user(rails_key).bookings(lab),
            }
            times = {way: [] for way in ways}
            for _ in range(rounds):
                for way, fetch in ways.items():
                    seconds, count = await timed(fetch)
                    times[way].append(seconds)
                    counts.add(count)
            peaks = {way: await peak_memory(fetch) for way, fetch in ways.items()}
        await store.aclose()

    if len(counts) != 1:
        raise SystemExit(f"the ways saw different numbers of bookings: {sorted(counts)}")
    records = counts.pop()
    print(f"busiest lab {lab}: {records} bookings, {-(-records // 100)} pages of 100;", end=" ")
    print(f"sandbox latency {latency * 1000:.0f} ms per request; {rounds} rounds")
    print(f"{'way':<14}{'median s':>10}{'best s':>9}{'peak MiB':>10}")
    for way in times:
        median, best = statistics.median(times[way]), min(times[way])
        print(f"{way:<14}{median:>10.3f}{best:>9.3f}{peaks[way] / 2**20:>10.1f}")
    speedup = statistics.median(times["sequential"]) / statistics.median(times["client"])
    memory = peaks["client"] / peaks["sequential"]
    print(f"client vs sequential: {speedup:.1f}x faster (target >= 5x), {memory:.2f}x the memory")
    dialect = statistics.median(times["rails client"]) / statistics.median(times["client"])
    best = min(times["rails client"]) / min(times["client"])
    print(
        f"rails vs reference: {dialect:.2f}x the median time, {best:.2f}x the best"
        " (target <= 1.10x; the best is the one a busy machine disturbs least)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.latency, arguments.rounds))
