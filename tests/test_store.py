"""The store: schema migrations, encrypted tokens, token CAS, OAuth states, digests."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import threading
import traceback
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlite_utils import Database

from bot import store as store_module
from bot.clustermarket.errors import NotLinked, ReconnectRequired
from bot.clustermarket.tokens import TokenSet, UserKey
from bot.store import (
    Link,
    SchemaTooNew,
    StateError,
    Store,
    TokenDecryptionError,
)

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
KEY_C = Fernet.generate_key().decode()

ALICE = UserKey("T0001", "U0ALICE")
BOB = UserKey("T0001", "U0BOB")
NOW = datetime(2025, 3, 10, 8, 0, tzinfo=UTC)

ACCESS = "cm-access-PLAINTEXT-0123456789abcdef"
REFRESH = "cm-refresh-PLAINTEXT-fedcba9876543210"


def tokens(access: str = ACCESS, refresh: str | None = REFRESH) -> TokenSet:
    return TokenSet(
        access_token=access,
        refresh_token=refresh,
        expires_at=datetime(2025, 3, 10, 9, 0, tzinfo=UTC),
        scopes="bookings:read equipment:read",
    )


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "cmbot.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store(db_path, [KEY_A]) as opened:
        yield opened


def link_alice(store: Store, access: str = ACCESS, refresh: str | None = REFRESH) -> Link:
    return store.save_link(
        ALICE, cm_user_id=42, cm_user_name="Alice Liddell", tokens=tokens(access, refresh)
    )


# --- schema ---


def test_migrates_an_empty_database(db_path: Path) -> None:
    with Store(db_path, [KEY_A]) as opened:
        assert opened.schema_version == len(store_module.MIGRATIONS)
        assert opened.ping()
    assert db_path.stat().st_mode & 0o077 == 0  # tokens are encrypted, and the file private
    tables = set(Database(db_path).table_names())
    assert {
        "schema_migrations",
        "links",
        "oauth_states",
        "digest_subscriptions",
        "digest_deliveries",
        "slack_users",
    } <= tables


def test_reopening_is_a_no_op_and_keeps_data(db_path: Path) -> None:
    with Store(db_path, [KEY_A]) as first:
        link_alice(first)
    with Store(db_path, [KEY_A]) as second:
        assert second.schema_version == len(store_module.MIGRATIONS)
        link = second.get_link(ALICE)
        assert link is not None and link.tokens.access_token == ACCESS
    rows = list(Database(db_path).query("SELECT version FROM schema_migrations"))
    assert [row["version"] for row in rows] == list(range(1, len(store_module.MIGRATIONS) + 1))


def test_appended_migration_runs_once(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Store(db_path, [KEY_A]).close()
    calls: list[int] = []

    def add_notes(db: Database) -> None:
        calls.append(1)
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")

    monkeypatch.setattr(store_module, "MIGRATIONS", [*store_module.MIGRATIONS, add_notes])
    for _ in range(2):
        with Store(db_path, [KEY_A]) as opened:
            assert opened.schema_version == len(store_module.MIGRATIONS)
    assert calls == [1]
    assert "notes" in Database(db_path).table_names()


def test_newer_schema_is_refused(db_path: Path) -> None:
    Store(db_path, [KEY_A]).close()
    newer = len(store_module.MIGRATIONS) + 1
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
            (newer, NOW.isoformat()),
        )
    conn.close()
    with pytest.raises(SchemaTooNew, match=f"schema version {newer}"):
        Store(db_path, [KEY_A])


def test_wal_mode_and_foreign_keys(store: Store, db_path: Path) -> None:
    assert Database(db_path).journal_mode == "wal"
    subscription = store.save_subscription(
        kind="personal", team_id="T0001", owner_user_id="U1", channel_id="D1", send_time="08:00"
    )
    store.record_delivery(subscription.id, date(2025, 3, 10), message_ts="1.2")
    with pytest.raises(sqlite3.IntegrityError):
        store.record_delivery(9999, date(2025, 3, 10), message_ts="1.2")


def test_memory_database_works() -> None:
    with Store(":memory:", [KEY_A]) as opened:
        link_alice(opened)
        assert opened.count_links() == 1
    assert not opened.ping()  # closed
    opened.close()  # twice is fine


def test_empty_or_malformed_keys_are_refused(db_path: Path) -> None:
    with pytest.raises(ValueError, match="at least one Fernet key"):
        Store(db_path, [])
    with pytest.raises(ValueError, match="entry 2 is not a Fernet key") as caught:
        Store(db_path, [KEY_A, "not-a-key"])
    assert "not-a-key" not in str(caught.value)


# --- links and encryption ---


def test_link_round_trip(store: Store) -> None:
    assert store.get_link(ALICE) is None
    saved = link_alice(store)
    assert saved.key == ALICE
    assert saved.status == "active" and saved.broken_reason is None
    assert saved.tokens == tokens()
    assert store.get_link(ALICE) == saved
    assert store.count_links() == 1
    assert ACCESS not in repr(saved) and REFRESH not in repr(saved)

    assert store.delete_link(ALICE)
    assert not store.delete_link(ALICE)
    assert store.get_link(ALICE) is None
    assert store.count_links() == 0


def test_link_without_refresh_token_or_expiry(store: Store) -> None:
    bare = TokenSet(access_token=ACCESS, refresh_token=None, expires_at=None)
    store.save_link(ALICE, cm_user_id=1, cm_user_name="A", tokens=bare)
    link = store.get_link(ALICE)
    assert link is not None and link.tokens == bare


def test_relinking_replaces_and_reactivates(store: Store) -> None:
    link_alice(store)
    asyncio.run(store.mark_broken(ALICE, "invalid_grant"))
    relinked = store.save_link(
        ALICE, cm_user_id=43, cm_user_name="Alice II", tokens=tokens("new-access", "new-refresh")
    )
    assert relinked.status == "active" and relinked.broken_reason is None
    assert relinked.cm_user_id == 43
    assert relinked.tokens.access_token == "new-access"
    assert store.count_links() == 1


def test_no_plaintext_secret_in_database_files(db_path: Path) -> None:
    with Store(db_path, [KEY_A]) as opened:
        link_alice(opened)
        state = opened.create_state(BOB, resume={"command": "/cm book"})
        files = [db_path, db_path.with_name(db_path.name + "-wal")]
        assert files[1].exists()
        raw = b"".join(path.read_bytes() for path in files)
        assert hashlib.sha256(state.encode()).hexdigest().encode() in raw
    raw_after_close = db_path.read_bytes()
    for secret in (ACCESS, REFRESH, state):
        assert secret.encode() not in raw
        assert secret.encode() not in raw_after_close


def test_rows_written_with_an_old_key_still_read(db_path: Path) -> None:
    with Store(db_path, [KEY_A]) as old:
        link_alice(old)
    with Store(db_path, [KEY_B, KEY_A]) as rotated:
        link = rotated.get_link(ALICE)
        assert link is not None and link.tokens == tokens()


def test_reencrypt_all_moves_rows_to_the_first_key(db_path: Path) -> None:
    with Store(db_path, [KEY_A]) as old:
        link_alice(old)
        old.save_link(BOB, cm_user_id=7, cm_user_name="Bob", tokens=tokens("bob-a", None))
    with Store(db_path, [KEY_B, KEY_A]) as rotating:
        assert rotating.reencrypt_all() == 2
        assert rotating.reencrypt_all() == 0  # already under KEY_B
    with Store(db_path, [KEY_B]) as new_only:
        alice = new_only.get_link(ALICE)
        bob = new_only.get_link(BOB)
        assert alice is not None and alice.tokens == tokens()
        assert bob is not None and bob.tokens == tokens("bob-a", None)


def test_wrong_keys_give_a_clear_error_without_secrets(db_path: Path) -> None:
    with Store(db_path, [KEY_A]) as old:
        link_alice(old)
    with Store(db_path, [KEY_C]) as wrong:
        with pytest.raises(TokenDecryptionError, match="TOKEN_ENCRYPTION_KEY") as caught:
            wrong.get_link(ALICE)
        with pytest.raises(TokenDecryptionError):
            asyncio.run(wrong.load_tokens(ALICE))
        with pytest.raises(TokenDecryptionError):
            wrong.reencrypt_all()
    shown = "".join(traceback.format_exception(caught.value))
    assert "InvalidToken" not in shown and "cryptography" not in shown
    for secret in (ACCESS, REFRESH, KEY_A, KEY_C):
        assert secret not in shown
    with Store(db_path, [KEY_A]) as fine:  # the failed reencrypt changed nothing
        link = fine.get_link(ALICE)
        assert link is not None and link.tokens == tokens()


# --- the TokenVault protocol ---


async def test_load_tokens_not_linked_and_broken(store: Store) -> None:
    with pytest.raises(NotLinked):
        await store.load_tokens(ALICE)
    link_alice(store)
    assert await store.load_tokens(ALICE) == tokens()
    await store.mark_broken(ALICE, "invalid_grant")
    with pytest.raises(ReconnectRequired):
        await store.load_tokens(ALICE)
    link = store.get_link(ALICE)
    assert link is not None and link.status == "broken" and link.broken_reason == "invalid_grant"
    await store.mark_broken(BOB, "never linked")  # no row: nothing happens
    assert store.get_link(BOB) is None


async def test_rotate_is_compare_and_swap(store: Store, db_path: Path) -> None:
    link_alice(store)
    old = await store.load_tokens(ALICE)
    first = tokens("access-2", "refresh-2")
    second = tokens("access-3", "refresh-3")
    assert await store.rotate_tokens(ALICE, old, first)
    assert not await store.rotate_tokens(ALICE, old, second)
    assert await store.load_tokens(ALICE) == first
    assert await store.rotate_tokens(ALICE, first, second)
    assert await store.load_tokens(ALICE) == second
    version = Database(db_path).query(
        "SELECT token_version FROM links WHERE team_id = ? AND slack_user_id = ?",
        (ALICE.team_id, ALICE.user_id),
    )
    assert next(version)["token_version"] == 3


async def test_rotate_refuses_missing_or_broken_links(store: Store) -> None:
    assert not await store.rotate_tokens(ALICE, tokens(), tokens("x", "y"))
    link_alice(store)
    await store.mark_broken(ALICE, "invalid_grant")
    assert not await store.rotate_tokens(ALICE, tokens(), tokens("x", "y"))
    link = store.get_link(ALICE)
    assert link is not None and link.tokens == tokens()


def _race(stores: list[Store], old: TokenSet) -> list[bool]:
    barrier = threading.Barrier(len(stores))
    results: list[bool] = [False] * len(stores)

    def rotate(index: int) -> None:
        barrier.wait()
        new = tokens(f"access-{index}", f"refresh-{index}")
        results[index] = asyncio.run(stores[index].rotate_tokens(ALICE, old, new))

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
    assert asyncio.run(store.load_tokens(ALICE)) == tokens(f"access-{winner}", f"refresh-{winner}")


def test_rotation_under_contention_separate_connections(db_path: Path) -> None:
    stores = [Store(db_path, [KEY_A]) for _ in range(6)]
    try:
        link_alice(stores[0])
        results = _race(stores, tokens())
        assert results.count(True) == 1
        winner = results.index(True)
        current = asyncio.run(stores[-1].load_tokens(ALICE))
        assert current == tokens(f"access-{winner}", f"refresh-{winner}")
    finally:
        for opened in stores:
            opened.close()


# --- OAuth states ---


def test_state_is_single_use_and_bound_to_its_user(store: Store) -> None:
    resume = {"command": "bookings today", "response_url": "https://hooks.example/1", "n": [1]}
    state = store.create_state(BOB, resume=resume, now=NOW)
    claim = store.consume_state(state, now=NOW + timedelta(minutes=1))
    assert claim.key == BOB
    assert claim.resume == resume
    with pytest.raises(StateError) as caught:
        store.consume_state(state, now=NOW + timedelta(minutes=2))
    assert caught.value.reason == "used"
    assert state not in str(caught.value)


def test_state_without_resume(store: Store) -> None:
    state = store.create_state(ALICE)
    assert store.consume_state(state).resume is None


def test_unknown_state(store: Store) -> None:
    with pytest.raises(StateError) as caught:
        store.consume_state("never-issued")
    assert caught.value.reason == "unknown"


def test_expired_state_is_also_burnt(store: Store) -> None:
    state = store.create_state(ALICE, ttl=timedelta(minutes=10), now=NOW)
    with pytest.raises(StateError) as caught:
        store.consume_state(state, now=NOW + timedelta(minutes=10))
    assert caught.value.reason == "expired"
    with pytest.raises(StateError) as again:
        store.consume_state(state, now=NOW + timedelta(minutes=11))
    assert again.value.reason == "used"


def test_only_the_state_hash_is_stored_and_old_states_are_purged(
    store: Store, db_path: Path
) -> None:
    old_state = store.create_state(ALICE, now=NOW)
    new_state = store.create_state(BOB, now=NOW + timedelta(days=1, minutes=1))
    hashes = [row["state_hash"] for row in Database(db_path).query("SELECT * FROM oauth_states")]
    assert hashes == [hashlib.sha256(new_state.encode()).hexdigest()]
    assert old_state not in hashes and new_state not in hashes
    with pytest.raises(StateError) as caught:
        store.consume_state(old_state)
    assert caught.value.reason == "unknown"


def test_state_consumed_once_under_contention(db_path: Path) -> None:
    stores = [Store(db_path, [KEY_A]) for _ in range(4)]
    try:
        state = stores[0].create_state(ALICE)
        barrier = threading.Barrier(len(stores))
        outcomes: list[str] = []

        def consume(opened: Store) -> None:
            barrier.wait()
            try:
                opened.consume_state(state)
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


# --- time-zone cache ---


def test_tz_cache_expires(store: Store) -> None:
    assert store.cached_tz(ALICE, now=NOW) is None
    store.cache_tz(ALICE, "Europe/Berlin", now=NOW)
    assert store.cached_tz(ALICE, now=NOW + timedelta(hours=23)) == "Europe/Berlin"
    assert store.cached_tz(ALICE, now=NOW + timedelta(days=1, seconds=1)) is None
    store.cache_tz(ALICE, "America/New_York", now=NOW + timedelta(days=2))
    assert store.cached_tz(ALICE, now=NOW + timedelta(days=2)) == "America/New_York"
    with pytest.raises(ValueError, match="time zone"):
        store.cache_tz(ALICE, "Mars/Olympus_Mons")


# --- digest subscriptions ---


def test_subscription_upsert_is_unique_per_key(store: Store) -> None:
    first = store.save_subscription(
        kind="personal", team_id="T0001", owner_user_id="U1", channel_id="D1", send_time="08:00"
    )
    again = store.save_subscription(
        kind="personal",
        team_id="T0001",
        owner_user_id="U1",
        channel_id="D1",
        send_time="07:30",
        timezone="Europe/London",
        skip_weekends=True,
    )
    assert again.id == first.id
    assert again.send_time == "07:30" and again.timezone == "Europe/London"
    assert again.skip_weekends and not again.include_empty
    assert again.created_at == first.created_at

    channel = store.save_subscription(
        kind="channel",
        team_id="T0001",
        owner_user_id="U1",
        channel_id="C1",
        send_time="09:00",
        lab_id=5,
        lab_name="Imaging",
        include_empty=True,
    )
    taken_over = store.save_subscription(
        kind="channel", team_id="T0001", owner_user_id="U2", channel_id="C1", send_time="09:15"
    )
    assert taken_over.id == channel.id and taken_over.owner_user_id == "U2"
    other_team = store.save_subscription(
        kind="channel", team_id="T0002", owner_user_id="U2", channel_id="C1", send_time="09:15"
    )
    assert other_team.id != channel.id

    assert store.find_subscription(kind="personal", team_id="T0001", owner_user_id="U1") == again
    assert store.find_subscription(kind="channel", team_id="T0001", channel_id="C1") == taken_over
    assert store.find_subscription(kind="channel", team_id="T0001", channel_id="C9") is None
    assert [s.id for s in store.list_subscriptions()] == [first.id, channel.id, other_team.id]
    assert [s.id for s in store.list_subscriptions(team_id="T0002")] == [other_team.id]
    assert store.get_subscription(first.id) == again


def test_subscription_validation(store: Store) -> None:
    def save(kind: str = "personal", send_time: str = "08:00", tz: str | None = None) -> None:
        store.save_subscription(
            kind=kind,
            team_id="T1",
            owner_user_id="U1",
            channel_id="D1",
            send_time=send_time,
            timezone=tz,
        )

    with pytest.raises(ValueError, match="kind"):
        save(kind="weekly")
    for bad_time in ("24:00", "8:00", "08:60", "08:00 ", "08:00\n"):
        with pytest.raises(ValueError, match="HH:MM"):
            save(send_time=bad_time)
    with pytest.raises(ValueError, match="time zone"):
        save(tz="Nowhere/Special")
    with pytest.raises(ValueError, match="channel_id"):
        store.find_subscription(kind="channel", team_id="T1", owner_user_id="U1")
    assert store.list_subscriptions() == []


def test_pause_resume_and_delete(store: Store) -> None:
    personal = store.save_subscription(
        kind="personal",
        team_id="T0001",
        owner_user_id="U0ALICE",
        channel_id="D1",
        send_time="08:00",
    )
    channel = store.save_subscription(
        kind="channel", team_id="T0001", owner_user_id="U0ALICE", channel_id="C1", send_time="08:00"
    )
    bobs = store.save_subscription(
        kind="channel", team_id="T0001", owner_user_id="U0BOB", channel_id="C2", send_time="08:00"
    )
    paused = store.pause_subscriptions_of(ALICE, "owner unlinked")
    assert [(s.id, s.status, s.paused_reason) for s in paused] == [
        (channel.id, "paused", "owner unlinked")
    ]
    assert store.pause_subscriptions_of(ALICE, "again") == []
    assert [s.id for s in store.list_subscriptions(status="active")] == [personal.id, bobs.id]
    assert [s.id for s in store.list_subscriptions(status="paused")] == [channel.id]

    again = store.save_subscription(  # saving reactivates too
        kind="channel", team_id="T0001", owner_user_id="U0BOB", channel_id="C2", send_time="08:00"
    )
    assert again.status == "active"
    resumed = store.resume_subscriptions_of(ALICE)
    assert [(s.id, s.status, s.paused_reason) for s in resumed] == [(channel.id, "active", None)]

    store.set_subscription_timezone(channel.id, "Asia/Tokyo")
    updated = store.get_subscription(channel.id)
    assert updated is not None and updated.timezone == "Asia/Tokyo"

    store.claim_delivery(channel.id, date(2025, 3, 10))
    assert store.delete_subscription(channel.id)
    assert not store.delete_subscription(channel.id)
    assert store.get_subscription(channel.id) is None
    assert store.get_delivery(channel.id, date(2025, 3, 10)) is None  # cascaded


# --- digest deliveries ---


def test_delivery_claim_record_and_fail(store: Store) -> None:
    sub = store.save_subscription(
        kind="personal", team_id="T1", owner_user_id="U1", channel_id="D1", send_time="08:00"
    )
    day = date(2025, 3, 10)
    claimed = store.claim_delivery(sub.id, day, now=NOW)
    assert claimed is not None
    assert (claimed.status, claimed.attempts, claimed.claimed_at) == ("claimed", 1, NOW)
    assert store.claim_delivery(sub.id, day, now=NOW + timedelta(minutes=1)) is None

    store.fail_delivery(sub.id, day, "channel_not_found", now=NOW + timedelta(minutes=2))
    failed = store.get_delivery(sub.id, day)
    assert failed is not None and failed.status == "failed"
    assert failed.last_error == "channel_not_found"

    retry = store.claim_delivery(sub.id, day, now=NOW + timedelta(minutes=3))
    assert retry is not None and retry.status == "claimed" and retry.attempts == 2

    store.record_delivery(sub.id, day, message_ts="1741593600.000100", now=NOW)
    sent = store.get_delivery(sub.id, day)
    assert sent is not None
    assert (sent.status, sent.message_ts, sent.sent_at) == ("sent", "1741593600.000100", NOW)
    assert sent.last_error is None
    assert store.claim_delivery(sub.id, day, now=NOW + timedelta(days=1)) is None
    store.fail_delivery(sub.id, day, "late error")
    still = store.get_delivery(sub.id, day)
    assert still is not None and still.status == "sent"

    assert store.claim_delivery(sub.id, date(2025, 3, 11), now=NOW) is not None
    assert store.claim_delivery(9999, day) is None


def test_stale_claim_is_taken_over(store: Store) -> None:
    sub = store.save_subscription(
        kind="personal", team_id="T1", owner_user_id="U1", channel_id="D1", send_time="08:00"
    )
    day = date(2025, 3, 10)
    assert store.claim_delivery(sub.id, day, now=NOW) is not None
    fresh = NOW + timedelta(minutes=9)
    assert store.claim_delivery(sub.id, day, now=fresh) is None
    stale = NOW + timedelta(minutes=10)
    taken = store.claim_delivery(sub.id, day, now=stale)
    assert taken is not None and taken.attempts == 2 and taken.claimed_at == stale
    assert store.claim_delivery(sub.id, day, now=stale + timedelta(minutes=1)) is None


def test_delivery_claimed_once_under_contention(db_path: Path) -> None:
    stores = [Store(db_path, [KEY_A]) for _ in range(4)]
    try:
        sub = stores[0].save_subscription(
            kind="personal", team_id="T1", owner_user_id="U1", channel_id="D1", send_time="08:00"
        )
        barrier = threading.Barrier(len(stores))
        won: list[bool] = []

        def claim(opened: Store) -> None:
            barrier.wait()
            won.append(opened.claim_delivery(sub.id, date(2025, 3, 10)) is not None)

        threads = [threading.Thread(target=claim, args=(s,)) for s in stores]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert won.count(True) == 1
    finally:
        for opened in stores:
            opened.close()


# --- hostile input ---


def test_injection_looking_values_are_stored_verbatim(store: Store, db_path: Path) -> None:
    team = "T1'); DROP TABLE links; --"
    user = 'U1" OR 1=1 --'
    key = UserKey(team, user)
    store.save_link(key, cm_user_id=1, cm_user_name="Robert'); --", tokens=tokens())
    store.save_link(ALICE, cm_user_id=2, cm_user_name="Alice", tokens=tokens())
    link = store.get_link(key)
    assert link is not None and link.key == key and link.cm_user_name == "Robert'); --"
    assert store.count_links() == 2
    sub = store.save_subscription(
        kind="personal", team_id=team, owner_user_id=user, channel_id="D1", send_time="08:00"
    )
    assert store.find_subscription(kind="personal", team_id=team, owner_user_id=user) == sub
    assert [s.team_id for s in store.list_subscriptions(team_id=team)] == [team]
    state = store.create_state(key, resume={"text": "'; DELETE FROM oauth_states; --"})
    claim = store.consume_state(state)
    assert claim.key == key and claim.resume == {"text": "'; DELETE FROM oauth_states; --"}
    assert store.delete_link(key)
    assert store.get_link(ALICE) is not None
    assert "links" in Database(db_path).table_names()


def test_a_slack_event_is_taken_once_and_forgotten_after_a_day(tmp_path: Path) -> None:
    with Store(tmp_path / "events.db", [Fernet.generate_key().decode()]) as store:
        noon = datetime(2026, 3, 25, 12, tzinfo=UTC)
        assert store.first_sight("Ev1", now=noon)
        assert not store.first_sight("Ev1", now=noon + timedelta(minutes=5))
        assert store.first_sight("Ev2", now=noon + timedelta(days=2))
        assert store.first_sight("Ev1", now=noon + timedelta(days=2))
