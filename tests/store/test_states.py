"""OAuth states: single-use, short-lived, hashed, with the question to resume and the PKCE
verifier (encrypted)."""

from __future__ import annotations

import hashlib
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database
from store_helpers import ALICE, BOB, KEY_A, NOW

from bot.store import StateError, Store


def test_state_is_single_use_and_bound_to_its_user(store: Store) -> None:
    resume = {"command": "bookings today", "response_url": "https://hooks.example/1", "n": [1]}
    state = store.states.create(BOB, resume=resume, now=NOW)
    claim = store.states.consume(state, now=NOW + timedelta(minutes=1))
    assert claim.key == BOB
    assert claim.resume == resume
    with pytest.raises(StateError) as caught:
        store.states.consume(state, now=NOW + timedelta(minutes=2))
    assert caught.value.reason == "used"
    assert state not in str(caught.value)


def test_state_without_resume(store: Store) -> None:
    state = store.states.create(ALICE)
    assert store.states.consume(state).resume is None


def test_unknown_state(store: Store) -> None:
    with pytest.raises(StateError) as caught:
        store.states.consume("never-issued")
    assert caught.value.reason == "unknown"


def test_expired_state_is_also_burnt(store: Store) -> None:
    state = store.states.create(ALICE, ttl=timedelta(minutes=10), now=NOW)
    with pytest.raises(StateError) as caught:
        store.states.consume(state, now=NOW + timedelta(minutes=10))
    assert caught.value.reason == "expired"
    with pytest.raises(StateError) as again:
        store.states.consume(state, now=NOW + timedelta(minutes=11))
    assert again.value.reason == "used"


def test_only_the_state_hash_is_stored_and_old_states_are_purged(
    store: Store, db_path: Path
) -> None:
    old_state = store.states.create(ALICE, now=NOW)
    new_state = store.states.create(BOB, now=NOW + timedelta(days=1, minutes=1))
    hashes = [row["state_hash"] for row in Database(db_path).query("SELECT * FROM oauth_states")]
    assert hashes == [hashlib.sha256(new_state.encode()).hexdigest()]
    assert old_state not in hashes and new_state not in hashes
    with pytest.raises(StateError) as caught:
        store.states.consume(old_state)
    assert caught.value.reason == "unknown"


def test_state_consumed_once_under_contention(db_path: Path) -> None:
    stores = [Store(db_path, [KEY_A]) for _ in range(4)]
    try:
        state = stores[0].states.create(ALICE)
        barrier = threading.Barrier(len(stores))
        outcomes: list[str] = []

        def consume(opened: Store) -> None:
            barrier.wait()
            try:
                opened.states.consume(state)
                outcomes.append("ok")
            except StateError as error:
                outcomes.append(error.reason)

        threads = [threading.Thread(target=consume, args=(s,)) for s in stores]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["ok", "used", "used", "used"]
    finally:
        for opened in stores:
            opened.close()


def test_a_state_carries_its_pkce_verifier_encrypted(store: Store, db_path: Path) -> None:
    state = store.states.create(ALICE, code_verifier="v" * 64)
    stored = next(Database(db_path).query("SELECT code_verifier FROM oauth_states"))
    assert stored["code_verifier"] and "v" * 64 not in stored["code_verifier"]
    claim = store.states.consume(state)
    assert claim.code_verifier == "v" * 64
    assert "v" * 64 not in repr(claim)
    assert store.states.consume(store.states.create(ALICE)).code_verifier is None


async def test_states_through_the_async_api(store: Store) -> None:
    state = await store.create_state(BOB, resume={"n": 1}, code_verifier="verifier")
    claim = await store.consume_state(state)
    assert (claim.key, claim.resume, claim.code_verifier) == (BOB, {"n": 1}, "verifier")
    with pytest.raises(StateError):
        await store.consume_state(state)
