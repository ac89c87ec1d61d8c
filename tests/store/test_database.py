"""The database file: migrations, WAL, the event-loop guard, and SQLite's refusals in words."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from db_faults import write_locked
from sqlite_utils import Database
from store_helpers import ALICE, KEY_A, NOW, link_alice, tokens

from bot.clustermarket.tokens import UserKey
from bot.store import SchemaTooNew, Store, StoreOnEventLoop, StoreUnavailable, migrations

SHORT_BUSY = 0.2  # seconds: lock tests wait this long, not the production 5 s


def test_migrates_an_empty_database(db_path: Path) -> None:
    with Store(db_path, [KEY_A]) as opened:
        assert opened.schema_version == len(migrations.MIGRATIONS)
        assert opened.database.ping()
    assert db_path.stat().st_mode & 0o077 == 0  # tokens are encrypted, and the file private
    tables = set(Database(db_path).table_names())
    assert {
        "schema_migrations",
        "links",
        "refresh_leases",
        "oauth_states",
        "digest_subscriptions",
        "digest_deliveries",
        "slack_users",
        "slack_events",
        "key_canary",
        "store_chores",
    } <= tables


def test_reopening_is_a_no_op_and_keeps_data(db_path: Path) -> None:
    with Store(db_path, [KEY_A]) as first:
        link_alice(first)
    with Store(db_path, [KEY_A]) as second:
        assert second.schema_version == len(migrations.MIGRATIONS)
        link = second.links.get(ALICE)
        assert link is not None and link.tokens == tokens()
    rows = list(Database(db_path).query("SELECT version FROM schema_migrations"))
    assert [row["version"] for row in rows] == list(range(1, len(migrations.MIGRATIONS) + 1))


def test_appended_migration_runs_once(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Store(db_path, [KEY_A]).close()
    calls: list[int] = []

    def add_notes(db: Database) -> None:
        calls.append(1)
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, add_notes])
    for _ in range(2):
        with Store(db_path, [KEY_A]) as opened:
            assert opened.schema_version == len(migrations.MIGRATIONS)
    assert calls == [1]
    assert "notes" in Database(db_path).table_names()


def test_newer_schema_is_refused(db_path: Path) -> None:
    Store(db_path, [KEY_A]).close()
    newer = len(migrations.MIGRATIONS) + 1
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
    subscription = store.subscriptions.save(
        kind="personal", team_id="T0001", owner_user_id="U1", channel_id="D1", send_time="08:00"
    )
    store.deliveries.record(subscription.id, date(2025, 3, 10), message_ts="1.2")
    with pytest.raises(sqlite3.IntegrityError):
        store.database.write(
            "INSERT INTO digest_deliveries (subscription_id, local_date, status)"
            " VALUES (9999, '2025-03-10', 'sent')"
        )
    store.deliveries.record(9999, date(2025, 3, 10), message_ts="1.2")  # a digest turned off
    assert store.deliveries.get(9999, date(2025, 3, 10)) is None  # meanwhile: nothing recorded


def test_memory_database_works() -> None:
    with Store(":memory:", [KEY_A]) as opened:
        link_alice(opened)
        assert opened.links.count() == 1
        assert opened.database.ping()
    assert not opened.database.ping()  # closed
    opened.close()  # twice is fine


def test_empty_or_malformed_keys_are_refused(db_path: Path) -> None:
    with pytest.raises(ValueError, match="at least one Fernet key"):
        Store(db_path, [])
    with pytest.raises(ValueError, match="entry 2 is not a Fernet key") as caught:
        Store(db_path, [KEY_A, "not-a-key"])
    assert "not-a-key" not in str(caught.value)


# --- off the event loop ---


async def test_no_sqlite_call_runs_on_the_event_loop(store: Store) -> None:
    with pytest.raises(StoreOnEventLoop, match="async methods"):
        store.links.count()
    with pytest.raises(StoreOnEventLoop):
        Store(":memory:", [KEY_A])
    assert await store.count_links() == 0  # the async method runs on the store's thread


async def test_reads_go_on_while_a_write_waits_out_another_process(db_path: Path) -> None:
    store = await Store.open(db_path, [KEY_A], busy_timeout=1.0)
    await store.save_link(ALICE, cm_user_id=42, cm_user_name="Alice", tokens=tokens())
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        write = asyncio.ensure_future(store.mark_broken(ALICE, "waited for the lock"))
        await asyncio.sleep(0.05)
        assert not write.done()  # the writer thread waits out the other connection's lock
        link = await store.get_link(ALICE)  # while the reader thread answers
        assert link is not None and link.status == "active"
        assert await store.ping()
    finally:
        other.execute("ROLLBACK")
        other.close()
    await write
    link = await store.get_link(ALICE)
    assert link is not None and link.status == "broken"
    await store.aclose()


# --- SQLite's refusals, and check_writable ---


def test_a_lock_held_past_the_busy_timeout_is_said_as_such(db_path: Path) -> None:
    with Store(db_path, [KEY_A], busy_timeout=SHORT_BUSY) as store:
        with write_locked(db_path):
            with pytest.raises(StoreUnavailable, match="locked by another connection") as caught:
                link_alice(store)
            assert caught.value.reason == "locked"
            with pytest.raises(StoreUnavailable, match=r"cannot be written.*locked"):
                store.database.check_writable()
            assert store.links.get(ALICE) is None  # reads still work
        link_alice(store)  # and writes again once the lock is gone
        store.database.check_writable()


def test_a_full_database_is_said_as_such(store: Store) -> None:
    link_alice(store)
    store.database.write("PRAGMA max_page_count = 1")  # as far as the file may grow: full
    with pytest.raises(StoreUnavailable, match="maximum size") as caught:
        store.database.check_writable()
    assert caught.value.reason == "full"
    with pytest.raises(StoreUnavailable, match="full") as refused:
        for number in range(200):  # a page or two more, and SQLite refuses
            store.slack.cache_tz(UserKey("T1", f"U{number}"), "Europe/London")
    assert refused.value.reason == "full"
    assert store.links.get(ALICE) is not None  # nothing lost


def test_a_nearly_full_disk_is_said_as_such(store: Store, db_path: Path) -> None:
    free = shutil.disk_usage(db_path.parent).free
    with pytest.raises(StoreUnavailable, match="disk holding it is full") as caught:
        store.database.check_writable(min_free_bytes=free + (1 << 30))
    assert caught.value.reason == "full"
    store.database.check_writable()


# --- hostile input ---


def test_injection_looking_values_are_stored_verbatim(store: Store, db_path: Path) -> None:
    team = "T1'); DROP TABLE links; --"
    user = 'U1" OR 1=1 --'
    key = UserKey(team, user)
    store.links.save(key, cm_user_id=1, cm_user_name="Robert'); --", tokens=tokens())
    store.links.save(ALICE, cm_user_id=2, cm_user_name="Alice", tokens=tokens())
    link = store.links.get(key)
    assert link is not None and link.key == key and link.cm_user_name == "Robert'); --"
    assert store.links.count() == 2
    sub = store.subscriptions.save(
        kind="personal", team_id=team, owner_user_id=user, channel_id="D1", send_time="08:00"
    )
    assert store.subscriptions.find(kind="personal", team_id=team, owner_user_id=user) == sub
    assert [s.team_id for s in store.subscriptions.all(team_id=team)] == [team]
    state = store.states.create(key, resume={"text": "'; DELETE FROM oauth_states; --"})
    claim = store.states.consume(state)
    assert claim.key == key and claim.resume == {"text": "'; DELETE FROM oauth_states; --"}
    assert store.links.delete(key)
    assert store.links.get(ALICE) is not None
    assert "links" in Database(db_path).table_names()


def test_a_database_locked_at_start_says_where_and_why(db_path: Path) -> None:
    empty = sqlite3.connect(db_path)  # a database with nothing in it yet: to be migrated
    empty.execute("PRAGMA journal_mode = WAL")
    empty.close()
    refusal = r"cmbot\.db up to date: .*locked"
    with write_locked(db_path), pytest.raises(StoreUnavailable, match=refusal) as caught:
        Store(db_path, [KEY_A], busy_timeout=SHORT_BUSY)
    assert caught.value.reason == "locked"


def test_an_up_to_date_database_opens_while_another_process_writes(db_path: Path) -> None:
    Store(db_path, [KEY_A]).close()
    with write_locked(db_path), Store(db_path, [KEY_A], busy_timeout=SHORT_BUSY) as opened:
        assert opened.links.count() == 0
