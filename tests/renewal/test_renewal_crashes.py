"""kill -9 at each step of a token renewal, in a real bot process: no link is lost.

Doorkeeper keeps a spent refresh token valid until the new access token is first used, and
we save the new pair before using it, so whatever step a process dies at, the next renewal
(by another process, once the dead one's lease lapses) finds a token that still works.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from renewal_helpers import link_works, quick_client

from bot.clustermarket.oauth import OAuthClient
from bot.clustermarket.tokens import TokenSet, UserKey
from bot.sandbox import Sandbox
from bot.store import Store

CHILD = Path(__file__).with_name("renewal_child.py")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def shared(tmp_path: Path) -> AsyncIterator[tuple[Store, str, Path]]:
    """A database the test and the doomed process share, and its key."""
    key = Fernet.generate_key().decode()
    path = tmp_path / "shared.db"
    store = await Store.open(path, [key])
    yield store, key, path
    await store.aclose()


async def link_users(store: Store, sandbox: Sandbox, count: int) -> list[UserKey]:
    users = [UserKey("T1", f"U{number}") for number in range(count)]
    for user in users:
        grant = sandbox.grant_tokens(sandbox.demo_user_id)
        tokens = TokenSet(str(grant["access_token"]), str(grant["refresh_token"]), None, "")
        await store.save_link(
            user, cm_user_id=sandbox.demo_user_id, cm_user_name="U", tokens=tokens
        )
    return users


async def killed_while_renewing(
    sandbox: Sandbox, key: str, path: Path, users: list[UserKey], step: str, nth: int = 1
) -> None:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(CHILD), str(path), key, sandbox.api_url, sandbox.oauth_url,
        step, str(nth), *(user.user_id for user in users),
        env=environment, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == -9, stderr.decode()


@pytest.mark.parametrize(
    ("step", "users", "nth", "rotated"),
    [
        ("before-token-request", 1, 1, 0),  # holding the lease, nothing sent
        ("before-save", 1, 1, 1),  # the server has rotated; the answer dies with the process
        ("after-save", 1, 1, 1),
        ("before-save", 12, 6, 6),  # a run renewing twelve users, five of them saved
    ],
)
async def test_a_process_killed_mid_renewal_loses_no_link(
    sandbox: Sandbox,
    oauth: OAuthClient,
    shared: tuple[Store, str, Path],
    step: str,
    users: int,
    nth: int,
    rotated: int,
) -> None:
    store, key, path = shared
    linked = await link_users(store, sandbox, users)
    sandbox.expire_access_tokens()

    await killed_while_renewing(sandbox, key, path, linked, step, nth)
    spent = sandbox.stats.grants["refresh_token"]
    assert spent == rotated if users == 1 else spent >= rotated

    async with quick_client(sandbox, oauth, store) as survivor:
        working = await asyncio.gather(*(link_works(survivor, sandbox, user) for user in linked))
    lost = working.count(False)
    assert lost == 0, f"{lost} of {users} links lost after a kill {step}"
    broken = [
        link
        for link in [await store.get_link(user) for user in linked]
        if link is None or link.status != "active"
    ]
    assert broken == []
