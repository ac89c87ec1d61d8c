"""Links and their tokens: encryption at rest, key rotation and the key canary, the token
vault's compare-and-swap, and renewal leases."""

from __future__ import annotations

import hashlib
import threading
import traceback
from datetime import timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database
from store_helpers import (
    ACCESS,
    ALICE,
    BOB,
    KEY_A,
    KEY_B,
    KEY_C,
    NOW,
    REFRESH,
    link_alice,
    tokens,
)

from bot.clustermarket.errors import NotLinked, ReconnectRequired
from bot.clustermarket.tokens import AlreadyRenewed, LeaseBusy, LeaseGranted, TokenSet
from bot.store import Store, TokenDecryptionError

TTL = timedelta(seconds=30)


def test_link_round_trip(store: Store) -> None:
    assert store.links.get(ALICE) is None
    saved = link_alice(store)
    assert saved.key == ALICE
    assert saved.status == "active" and saved.broken_reason is None
    assert saved.tokens == tokens()
    assert store.links.get(ALICE) == saved
    assert store.links.count() == 1
    assert ACCESS not in repr(saved) and REFRESH not in repr(saved)

    assert store.links.delete(ALICE)
    assert not store.links.delete(ALICE)
    assert store.links.get(ALICE) is None
    assert store.links.count() == 0


def test_link_without_refresh_token_or_expiry(store: Store) -> None:
    bare = TokenSet(access_token=ACCESS, refresh_token=None, expires_at=None)
    store.links.save(ALICE, cm_user_id=1, cm_user_name="A", tokens=bare)
    link = store.links.get(ALICE)
    assert link is not None and link.tokens == bare


def test_relinking_replaces_and_reactivates(store: Store) -> None:
    link_alice(store)
    store.links.mark_broken(ALICE, "invalid_grant")
    relinked = store.links.save(
        ALICE, cm_user_id=43, cm_user_name="Alice II", tokens=tokens("new-access", "new-refresh")
    )
    assert relinked.status == "active" and relinked.broken_reason is None
    assert relinked.cm_user_id == 43
    assert relinked.tokens.access_token == "new-access"
    assert store.links.count() == 1


def test_no_plaintext_secret_in_database_files(db_path: Path) -> None:
    with Store(db_path, [KEY_A]) as opened:
        link_alice(opened)
        state = opened.states.create(BOB, resume={"command": "/cm book"}, code_verifier="VERIFY")
        files = [db_path, db_path.with_name(db_path.name + "-wal")]
        assert files[1].exists()
        raw = b"".join(path.read_bytes() for path in files)
        assert hashlib.sha256(state.encode()).hexdigest().encode() in raw
    raw_after_close = db_path.read_bytes()
    for secret in (ACCESS, REFRESH, state, "VERIFY"):
        assert secret.encode() not in raw
        assert secret.encode() not in raw_after_close


def test_rows_written_with_an_old_key_still_read(db_path: Path) -> None:
    with Store(db_path, [KEY_A]) as old:
        link_alice(old)
    with Store(db_path, [KEY_B, KEY_A]) as rotated:
        link = rotated.links.get(ALICE)
        assert link is not None and link.tokens == tokens()


def test_reencrypt_all_moves_every_secret_to_the_first_key(db_path: Path) -> None:
    with Store(db_path, [KEY_A]) as old:
        link_alice(old)
        old.links.save(BOB, cm_user_id=7, cm_user_name="Bob", tokens=tokens("bob-a", None))
        state = old.states.create(BOB, code_verifier="verifier-1")
        old.canary.verify()
    with Store(db_path, [KEY_B, KEY_A]) as rotating:
        assert rotating.reencrypt_all() == 2
        assert rotating.reencrypt_all() == 0  # already under KEY_B
    with Store(db_path, [KEY_B]) as new_only:
        new_only.canary.verify()
        alice = new_only.links.get(ALICE)
        bob = new_only.links.get(BOB)
        assert alice is not None and alice.tokens == tokens()
        assert bob is not None and bob.tokens == tokens("bob-a", None)
        assert new_only.states.consume(state).code_verifier == "verifier-1"


def test_wrong_keys_give_a_clear_error_without_secrets(db_path: Path) -> None:
    with Store(db_path, [KEY_A]) as old:
        link_alice(old)
    with Store(db_path, [KEY_C]) as wrong:
        with pytest.raises(TokenDecryptionError, match="TOKEN_ENCRYPTION_KEY") as caught:
            wrong.links.get(ALICE)
        with pytest.raises(TokenDecryptionError):
            wrong.links.tokens(ALICE)
        with pytest.raises(TokenDecryptionError):
            wrong.reencrypt_all()
    shown = "".join(traceback.format_exception(caught.value))
    assert "InvalidToken" not in shown and "cryptography" not in shown
    for secret in (ACCESS, REFRESH, KEY_A, KEY_C):
        assert secret not in shown
    with Store(db_path, [KEY_A]) as fine:  # the failed reencrypt changed nothing
        link = fine.links.get(ALICE)
        assert link is not None and link.tokens == tokens()


# --- the key canary ---


async def test_a_wrong_key_is_caught_at_start_without_a_user(db_path: Path) -> None:
    right = await Store.open(db_path, [KEY_A])
    await right.verify_key()  # writes the canary
    await right.aclose()
    wrong = await Store.open(db_path, [KEY_C])
    with pytest.raises(TokenDecryptionError, match="TOKEN_ENCRYPTION_KEY"):
        await wrong.verify_key()
    await wrong.aclose()
    rotated = await Store.open(db_path, [KEY_C, KEY_A])
    await rotated.verify_key()
    await rotated.aclose()


def test_a_database_from_before_the_canary_is_checked_against_its_tokens(
    db_path: Path,
) -> None:
    with Store(db_path, [KEY_A]) as old:
        link_alice(old)  # no canary written: as if made by an older cmbot
    with Store(db_path, [KEY_C]) as wrong:
        with pytest.raises(TokenDecryptionError):
            wrong.canary.verify()
        with pytest.raises(TokenDecryptionError):  # the wrong key did not write a canary
            wrong.canary.verify()
    with Store(db_path, [KEY_A]) as right:
        right.canary.verify()
        assert Database(db_path).table("key_canary").count == 1


# --- the TokenVault protocol ---


async def test_load_tokens_not_linked_and_broken(store: Store) -> None:
    with pytest.raises(NotLinked):
        await store.load_tokens(ALICE)
    await store.save_link(ALICE, cm_user_id=42, cm_user_name="Alice", tokens=tokens())
    assert await store.load_tokens(ALICE) == tokens()
    await store.mark_broken(ALICE, "invalid_grant")
    with pytest.raises(ReconnectRequired):
        await store.load_tokens(ALICE)
    link = await store.get_link(ALICE)
    assert link is not None and link.status == "broken" and link.broken_reason == "invalid_grant"
    await store.mark_broken(BOB, "never linked")  # no row: nothing happens
    assert await store.get_link(BOB) is None


def test_rotate_is_compare_and_swap(store: Store, db_path: Path) -> None:
    link_alice(store)
    old = store.links.tokens(ALICE)
    first = tokens("access-2", "refresh-2")
    second = tokens("access-3", "refresh-3")
    assert store.links.rotate(ALICE, old, first)
    assert not store.links.rotate(ALICE, old, second)
    assert store.links.tokens(ALICE) == first
    assert store.links.rotate(ALICE, first, second)
    assert store.links.tokens(ALICE) == second
    version = Database(db_path).query(
        "SELECT token_version FROM links WHERE team_id = ? AND slack_user_id = ?",
        (ALICE.team_id, ALICE.user_id),
    )
    assert next(version)["token_version"] == 3


def test_rotate_refuses_a_missing_link_and_revives_a_broken_one(store: Store) -> None:
    assert not store.links.rotate(ALICE, tokens(), tokens("x", "y"))
    link_alice(store)
    store.links.mark_broken(ALICE, "Clustermarket refused the refresh token")
    # a successor of the stored pair, saved late, proves the link works after all
    assert store.links.rotate(ALICE, tokens(), tokens("x", "y"))
    link = store.links.get(ALICE)
    assert link is not None and link.status == "active" and link.broken_reason is None
    store.links.mark_broken(ALICE, "refused")
    assert not store.links.rotate(ALICE, tokens(), tokens("z", "w"))  # not the stored pair


def _race(stores: list[Store], old: TokenSet) -> list[bool]:
    barrier = threading.Barrier(len(stores))
    results: list[bool] = [False] * len(stores)

    def rotate(index: int) -> None:
        barrier.wait()
        new = tokens(f"access-{index}", f"refresh-{index}")
        results[index] = stores[index].links.rotate(ALICE, old, new)

    threads = [threading.Thread(target=rotate, args=(i,)) for i in range(len(stores))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_rotation_under_contention_one_shared_store(store: Store) -> None:
    link_alice(store)
    results = _race([store] * 8, tokens())
    assert results.count(True) == 1
    winner = results.index(True)
    assert store.links.tokens(ALICE) == tokens(f"access-{winner}", f"refresh-{winner}")


def test_rotation_under_contention_separate_connections(db_path: Path) -> None:
    stores = [Store(db_path, [KEY_A]) for _ in range(6)]
    try:
        link_alice(stores[0])
        results = _race(stores, tokens())
        assert results.count(True) == 1
        winner = results.index(True)
        current = stores[-1].links.tokens(ALICE)
        assert current == tokens(f"access-{winner}", f"refresh-{winner}")
    finally:
        for opened in stores:
            opened.close()


# --- renewal leases ---


def test_one_lease_per_user_until_it_lapses_or_ends(store: Store) -> None:
    link_alice(store)
    first = store.leases.begin(ALICE, tokens(), holder="A", ttl=TTL, now=NOW)
    assert first == LeaseGranted(tokens(), spent_before=None)
    busy = store.leases.begin(ALICE, tokens(), holder="B", ttl=TTL, now=NOW)
    assert busy == LeaseBusy(NOW + TTL)
    # A's answer was lost: it lets go; B takes over, told the token was spent before
    store.leases.end(ALICE, "A", now=NOW + timedelta(seconds=1))
    taken = NOW + timedelta(seconds=2)
    second = store.leases.begin(ALICE, tokens(), holder="B", ttl=TTL, now=taken)
    assert second == LeaseGranted(tokens(), spent_before=NOW)
    # B crashes holding it: C waits until it lapses
    waiting = taken + timedelta(seconds=10)
    assert store.leases.begin(ALICE, tokens(), holder="C", ttl=TTL, now=waiting) == LeaseBusy(
        taken + TTL
    )
    third = store.leases.begin(ALICE, tokens(), holder="C", ttl=TTL, now=taken + TTL)
    assert third == LeaseGranted(tokens(), spent_before=NOW)


def test_a_saved_successor_ends_the_lease_and_its_history(store: Store) -> None:
    link_alice(store)
    store.leases.begin(ALICE, tokens(), holder="A", ttl=TTL, now=NOW)
    renewed = tokens("access-2", "refresh-2")
    assert store.links.rotate(ALICE, tokens(), renewed)
    assert store.leases.begin(ALICE, tokens(), holder="B", ttl=TTL) == AlreadyRenewed(renewed)
    fresh = store.leases.begin(ALICE, renewed, holder="B", ttl=TTL, now=NOW)
    assert fresh == LeaseGranted(renewed, spent_before=None)


def test_leases_go_with_their_link(store: Store, db_path: Path) -> None:
    link_alice(store)
    store.leases.begin(ALICE, tokens(), holder="A", ttl=TTL, now=NOW)
    link_alice(store, "relinked", "relinked-refresh")  # a relink starts clean
    granted = store.leases.begin(ALICE, tokens("relinked", "relinked-refresh"), holder="B", ttl=TTL)
    assert granted == LeaseGranted(tokens("relinked", "relinked-refresh"), spent_before=None)
    store.links.mark_broken(ALICE, "refused")
    assert Database(db_path).table("refresh_leases").count == 0
    with pytest.raises(ReconnectRequired):
        store.leases.begin(ALICE, tokens("relinked", "relinked-refresh"), holder="B", ttl=TTL)
    link_alice(store)
    store.leases.begin(ALICE, tokens(), holder="A", ttl=TTL)
    store.links.delete(ALICE)
    assert Database(db_path).table("refresh_leases").count == 0
    with pytest.raises(NotLinked):
        store.leases.begin(ALICE, tokens(), holder="A", ttl=TTL)
