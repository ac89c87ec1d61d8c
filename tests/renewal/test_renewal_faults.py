"""A link survives every fault of a token renewal, in one process: a lost or late answer, a
save the database refuses (locked past its busy timeout, full), a lease left by a crashed
holder, two holders on one database. Each test counts the links lost: 0."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from db_faults import write_locked
from renewal_helpers import QUICK, link_works, no_secret_logged, quick_client, warnings_of

from bot.clustermarket.errors import ReconnectRequired, UpstreamUnavailable
from bot.clustermarket.oauth import OAuthClient
from bot.clustermarket.refresh import RefreshPolicy
from bot.clustermarket.tokens import LeaseGranted, TokenSet, UserKey
from bot.sandbox import Sandbox
from bot.store import Store

KEY = UserKey("T1", "U1")  # the conftest's `linked` user


@pytest.fixture
async def edgy_store(tmp_path: Path) -> AsyncIterator[Store]:
    """A store that gives up on a locked database after 0.2 s (production: 5 s)."""
    store = await Store.open(
        tmp_path / "edgy.db", [Fernet.generate_key().decode()], busy_timeout=0.2
    )
    yield store
    await store.aclose()


async def link_into(store: Store, sandbox: Sandbox, *, name: str = "Test User") -> TokenSet:
    grant = sandbox.grant_tokens(sandbox.demo_user_id)
    tokens = TokenSet(str(grant["access_token"]), str(grant["refresh_token"]), None, "")
    await store.save_link(KEY, cm_user_id=sandbox.demo_user_id, cm_user_name=name, tokens=tokens)
    return tokens


async def stored(store: Store) -> TokenSet:
    return await store.load_tokens(KEY)


async def saved_eventually(store: Store, old: TokenSet, seconds: float = 3.0) -> TokenSet:
    for _ in range(int(seconds / 0.02)):
        now = await stored(store)
        if not now.same_as(old):
            return now
        await asyncio.sleep(0.02)
    raise AssertionError("the renewed tokens were never saved")


# --- a lost answer ---


async def test_a_20_second_token_answer_loses_nothing_and_the_old_token_is_tried_again(
    sandbox: Sandbox, oauth: OAuthClient, store: Store, linked: TokenSet
) -> None:
    sandbox.knobs.token_latency = 20.0  # the server rotates; the answer comes 20 s later
    sandbox.expire_access_tokens()
    async with quick_client(sandbox, oauth, store) as client:
        with pytest.raises(UpstreamUnavailable, match="did not answer in time"):
            await client.for_user(KEY).me()
        assert (await store.get_link(KEY)).status == "active"  # type: ignore[union-attr]
        assert (await stored(store)).same_as(linked)

        sandbox.knobs.token_latency = 0.0
        assert await link_works(client, sandbox, KEY)  # R0 again: Doorkeeper still takes it
    assert sandbox.stats.grants["refresh_token"] == 2
    assert not (await stored(store)).same_as(linked)


async def test_under_strict_rotation_a_lost_answer_is_not_taken_for_a_revocation_at_once(
    sandbox: Sandbox, oauth: OAuthClient, store: Store, linked: TokenSet
) -> None:
    """Strict rotation loses the link with the answer (no client can help that), but the
    refusal of an already-spent token may be our own lost rotation still being saved, so the
    link is only called broken once `lost_rotation_grace` has passed."""
    sandbox.knobs.strict_refresh = True
    sandbox.knobs.token_latency = 20.0
    sandbox.expire_access_tokens()
    async with quick_client(sandbox, oauth, store) as client:
        with pytest.raises(UpstreamUnavailable):
            await client.for_user(KEY).me()
        sandbox.knobs.token_latency = 0.0
        with pytest.raises(UpstreamUnavailable, match="being renewed"):
            await client.for_user(KEY).me()  # invalid_grant for a token spent before
        assert (await store.get_link(KEY)).status == "active"  # type: ignore[union-attr]
    no_grace = RefreshPolicy(lease_ttl=QUICK.lease_ttl, lost_rotation_grace=timedelta(0))
    async with quick_client(sandbox, oauth, store, no_grace) as client:
        with pytest.raises(ReconnectRequired):
            await client.for_user(KEY).me()
    assert (await store.get_link(KEY)).status == "broken"  # type: ignore[union-attr]


# --- a save the database refuses ---


async def test_a_save_refused_by_a_locked_database_keeps_the_user_answered(
    sandbox: Sandbox,
    oauth: OAuthClient,
    edgy_store: Store,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    first = await link_into(edgy_store, sandbox)
    sandbox.expire_access_tokens()
    async with quick_client(sandbox, oauth, edgy_store) as client:
        with write_locked(tmp_path / "edgy.db"):  # past the busy timeout, for the whole renewal
            assert await link_works(client, sandbox, KEY)  # answered, from memory
            assert await link_works(client, sandbox, KEY)  # and again, without a new refresh
            assert (await stored(edgy_store)).same_as(first)  # nothing saved yet
        renewed = await saved_eventually(edgy_store, first)
        assert await link_works(client, sandbox, KEY)
    assert sandbox.stats.grants["refresh_token"] == 1
    assert any("could not be saved" in line for line in warnings_of(caplog))
    assert any("saved at last" in line for line in warnings_of(caplog))
    assert no_secret_logged(caplog, first.access_token, first.refresh_token)
    assert no_secret_logged(caplog, renewed.access_token, renewed.refresh_token)


async def test_a_save_refused_by_a_full_database_keeps_the_user_answered(
    sandbox: Sandbox, oauth: OAuthClient, edgy_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    # A link row too long for one page (a long name) lives partly on overflow pages, and
    # rewriting it takes fresh ones: with the file at its page limit, SQLite says it is full.
    first = await link_into(edgy_store, sandbox, name="Dr. " + "Ångström-" * 800)
    database = edgy_store.database
    await edgy_store.run("write", database.write, "VACUUM")
    await edgy_store.run("write", database.write, "PRAGMA max_page_count = 1")
    with pytest.raises(Exception, match="maximum size"):
        await edgy_store.check_writable()
    sandbox.expire_access_tokens()
    async with quick_client(sandbox, oauth, edgy_store) as client:
        assert await link_works(client, sandbox, KEY)  # answered, from memory
        await asyncio.sleep(0.2)  # a few save attempts, all refused
        assert (await stored(edgy_store)).same_as(first)
        await edgy_store.run("write", database.write, "PRAGMA max_page_count = 1000000")
        await saved_eventually(edgy_store, first)
    assert any("full" in line and "could not be saved" in line for line in warnings_of(caplog))
    assert no_secret_logged(caplog, first.access_token, first.refresh_token)


async def test_shutting_down_with_an_unsaved_pair_says_so(
    sandbox: Sandbox,
    oauth: OAuthClient,
    edgy_store: Store,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await link_into(edgy_store, sandbox)
    sandbox.expire_access_tokens()
    with write_locked(tmp_path / "edgy.db"):
        async with quick_client(sandbox, oauth, edgy_store) as client:
            assert await link_works(client, sandbox, KEY)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [
        "renewed Clustermarket tokens of team=T1 user=U1 were never saved; if the stored ones"
        " were spent the person must connect again"
    ]


# --- leases ---


async def test_a_lease_left_by_a_crashed_holder_lapses(
    sandbox: Sandbox, oauth: OAuthClient, store: Store, linked: TokenSet
) -> None:
    left = await store.begin_refresh(KEY, linked, holder="crashed", ttl=timedelta(seconds=0.5))
    assert isinstance(left, LeaseGranted)
    sandbox.expire_access_tokens()
    async with quick_client(sandbox, oauth, store) as client:
        assert await link_works(client, sandbox, KEY)  # waits out the lease, then renews
    assert sandbox.stats.grants["refresh_token"] == 1


async def test_a_token_that_still_works_is_not_held_up_by_another_holders_renewal(
    sandbox: Sandbox, oauth: OAuthClient, store: Store, linked: TokenSet
) -> None:
    soon = TokenSet(
        linked.access_token, linked.refresh_token, datetime.now(UTC) + timedelta(seconds=10), ""
    )
    assert await store.rotate_tokens(KEY, linked, soon)  # expires in 10 s: renewal is due
    await store.begin_refresh(KEY, soon, holder="elsewhere", ttl=timedelta(minutes=5))
    async with quick_client(sandbox, oauth, store) as client:
        assert await link_works(client, sandbox, KEY)  # used as it is, no wait
    assert sandbox.stats.grants["refresh_token"] == 0


async def test_two_holders_on_one_database_renew_each_user_once(
    sandbox: Sandbox, oauth: OAuthClient, tmp_path: Path
) -> None:
    """Two processes' worth of stores and clients, strict rotation (a second spend would be
    refused and lose the link), every access token dead, everyone asking at once."""
    sandbox.knobs.strict_refresh = True
    key = Fernet.generate_key().decode()
    path = tmp_path / "shared.db"
    stores = [await Store.open(path, [key]) for _ in range(2)]
    users = [UserKey("T1", f"U{number}") for number in range(12)]
    for user in users:
        grant = sandbox.grant_tokens(sandbox.demo_user_id)
        tokens = TokenSet(str(grant["access_token"]), str(grant["refresh_token"]), None, "")
        await stores[0].save_link(user, cm_user_id=1, cm_user_name="U", tokens=tokens)
    sandbox.expire_access_tokens()
    clients = [quick_client(sandbox, oauth, store) for store in stores]
    try:
        asked = [
            link_works(clients[turn % 2], sandbox, user) for turn in range(4) for user in users
        ]
        answered = await asyncio.gather(*asked)
    finally:
        for client in clients:
            await client.aclose()
        for store in stores:
            await store.aclose()
    assert all(answered)
    assert sandbox.stats.grants["refresh_token"] == len(users)  # one renewal per user
