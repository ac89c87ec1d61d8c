"""A bot process that renews its users' tokens and is killed (SIGKILL, no cleanup) at one
step of the renewal: run by `test_renewal_crashes.py` as `python renewal_child.py ...`.

The kill point is found by watching the unchanged production code run (a profile hook on
function calls), not by changing it: "before-token-request" when the OAuth refresh starts,
"before-save" when the store begins saving the answer, "after-save" once the save has
committed. `nth` kills at that step's nth occurrence (several users renewing at once).
Exit status 3 means the step was never reached.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
from datetime import timedelta
from types import FrameType
from typing import Any

import httpx

from bot.clustermarket.client import ClustermarketClient
from bot.clustermarket.oauth import OAuthClient
from bot.clustermarket.refresh import RefreshPolicy
from bot.clustermarket.tokens import UserKey
from bot.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from bot.store import Store

STEPS = {
    "before-token-request": ("bot/clustermarket/oauth.py", "refresh", "call"),
    "before-save": ("bot/store/links.py", "rotate", "call"),
    "after-save": ("bot/store/links.py", "rotate", "return"),
}
LEASE_TTL = timedelta(seconds=1)


def die_at(step: str, nth: int) -> None:
    filename, function, event = STEPS[step]
    seen = 0
    lock = threading.Lock()

    def watch(frame: FrameType, what: str, _: Any) -> None:
        nonlocal seen
        code = frame.f_code
        if what != event or code.co_name != function or not code.co_filename.endswith(filename):
            return
        with lock:
            seen += 1
            if seen >= nth:
                os.kill(os.getpid(), signal.SIGKILL)

    sys.setprofile(watch)
    threading.setprofile(watch)


async def renew(database: str, key: str, api_url: str, oauth_url: str, users: list[str]) -> None:
    store = await Store.open(database, [key])
    async with httpx.AsyncClient() as http:
        oauth = OAuthClient(oauth_url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, "http://x/cb", http)
        policy = RefreshPolicy(lease_ttl=LEASE_TTL, request_timeout=10.0)
        client = ClustermarketClient(api_url, "/me", oauth, store, http=http, refresh=policy)
        await asyncio.gather(*(client.for_user(UserKey("T1", user)).me() for user in users))


def main() -> int:
    database, key, api_url, oauth_url, step, nth, *users = sys.argv[1:]
    die_at(step, int(nth))
    asyncio.run(renew(database, key, api_url, oauth_url, users))
    return 3


if __name__ == "__main__":
    sys.exit(main())
