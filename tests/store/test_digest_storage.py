"""Digest storage: subscriptions, exactly-once deliveries, pruning, and the scheduler's
queries on indexes."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database
from store_helpers import ALICE, KEY_A, NOW

from bot.store import Store
from bot.store.deliveries import BETWEEN_SQL, ONE_SQL, PRUNE_SQL
from bot.store.subscriptions import list_query


def test_subscription_upsert_is_unique_per_key(store: Store) -> None:
    first = store.subscriptions.save(
        kind="personal", team_id="T0001", owner_user_id="U1", channel_id="D1", send_time="08:00"
    )
    again = store.subscriptions.save(
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

    channel = store.subscriptions.save(
        kind="channel",
        team_id="T0001",
        owner_user_id="U1",
        channel_id="C1",
        send_time="09:00",
        lab_id=5,
        lab_name="Imaging",
        include_empty=True,
    )
    taken_over = store.subscriptions.save(
        kind="channel", team_id="T0001", owner_user_id="U2", channel_id="C1", send_time="09:15"
    )
    assert taken_over.id == channel.id and taken_over.owner_user_id == "U2"
    other_team = store.subscriptions.save(
        kind="channel", team_id="T0002", owner_user_id="U2", channel_id="C1", send_time="09:15"
    )
    assert other_team.id != channel.id

    assert store.subscriptions.find(kind="personal", team_id="T0001", owner_user_id="U1") == again
    assert store.subscriptions.find(kind="channel", team_id="T0001", channel_id="C1") == taken_over
    assert store.subscriptions.find(kind="channel", team_id="T0001", channel_id="C9") is None
    assert [s.id for s in store.subscriptions.all()] == [first.id, channel.id, other_team.id]
    assert [s.id for s in store.subscriptions.all(team_id="T0002")] == [other_team.id]
    assert store.subscriptions.get(first.id) == again


def test_subscription_validation(store: Store) -> None:
    def save(kind: str = "personal", send_time: str = "08:00", tz: str | None = None) -> None:
        store.subscriptions.save(
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
        store.subscriptions.find(kind="channel", team_id="T1", owner_user_id="U1")
    assert store.subscriptions.all() == []


def test_pause_resume_and_delete(store: Store) -> None:
    personal = store.subscriptions.save(
        kind="personal",
        team_id="T0001",
        owner_user_id="U0ALICE",
        channel_id="D1",
        send_time="08:00",
    )
    channel = store.subscriptions.save(
        kind="channel", team_id="T0001", owner_user_id="U0ALICE", channel_id="C1", send_time="08:00"
    )
    bobs = store.subscriptions.save(
        kind="channel", team_id="T0001", owner_user_id="U0BOB", channel_id="C2", send_time="08:00"
    )
    paused = store.subscriptions.pause_of(ALICE, "owner unlinked")
    assert [(s.id, s.status, s.paused_reason) for s in paused] == [
        (channel.id, "paused", "owner unlinked")
    ]
    assert store.subscriptions.pause_of(ALICE, "again") == []
    assert [s.id for s in store.subscriptions.all(status="active")] == [personal.id, bobs.id]
    assert [s.id for s in store.subscriptions.all(status="paused")] == [channel.id]

    again = store.subscriptions.save(  # saving reactivates too
        kind="channel", team_id="T0001", owner_user_id="U0BOB", channel_id="C2", send_time="08:00"
    )
    assert again.status == "active"
    resumed = store.subscriptions.resume_of(ALICE)
    assert [(s.id, s.status, s.paused_reason) for s in resumed] == [(channel.id, "active", None)]

    store.subscriptions.set_timezone(channel.id, "Asia/Tokyo")
    updated = store.subscriptions.get(channel.id)
    assert updated is not None and updated.timezone == "Asia/Tokyo"

    store.deliveries.claim(channel.id, date(2025, 3, 10))
    assert store.subscriptions.delete(channel.id)
    assert not store.subscriptions.delete(channel.id)
    assert store.subscriptions.get(channel.id) is None
    assert store.deliveries.get(channel.id, date(2025, 3, 10)) is None  # cascaded


def test_delivery_claim_record_and_fail(store: Store) -> None:
    sub = store.subscriptions.save(
        kind="personal", team_id="T1", owner_user_id="U1", channel_id="D1", send_time="08:00"
    )
    day = date(2025, 3, 10)
    claimed = store.deliveries.claim(sub.id, day, now=NOW)
    assert claimed is not None
    assert (claimed.status, claimed.attempts, claimed.claimed_at) == ("claimed", 1, NOW)
    assert store.deliveries.claim(sub.id, day, now=NOW + timedelta(minutes=1)) is None

    store.deliveries.fail(sub.id, day, "channel_not_found", now=NOW + timedelta(minutes=2))
    failed = store.deliveries.get(sub.id, day)
    assert failed is not None and failed.status == "failed"
    assert failed.last_error == "channel_not_found"

    retry = store.deliveries.claim(sub.id, day, now=NOW + timedelta(minutes=3))
    assert retry is not None and retry.status == "claimed" and retry.attempts == 2

    store.deliveries.record(sub.id, day, message_ts="1741593600.000100", now=NOW)
    sent = store.deliveries.get(sub.id, day)
    assert sent is not None
    assert (sent.status, sent.message_ts, sent.sent_at) == ("sent", "1741593600.000100", NOW)
    assert sent.last_error is None
    assert store.deliveries.claim(sub.id, day, now=NOW + timedelta(days=1)) is None
    store.deliveries.fail(sub.id, day, "late error")
    still = store.deliveries.get(sub.id, day)
    assert still is not None and still.status == "sent"

    assert store.deliveries.claim(sub.id, date(2025, 3, 11), now=NOW) is not None
    assert store.deliveries.claim(9999, day) is None


def test_stale_claim_is_taken_over(store: Store) -> None:
    sub = store.subscriptions.save(
        kind="personal", team_id="T1", owner_user_id="U1", channel_id="D1", send_time="08:00"
    )
    day = date(2025, 3, 10)
    assert store.deliveries.claim(sub.id, day, now=NOW) is not None
    fresh = NOW + timedelta(minutes=9)
    assert store.deliveries.claim(sub.id, day, now=fresh) is None
    stale = NOW + timedelta(minutes=10)
    taken = store.deliveries.claim(sub.id, day, now=stale)
    assert taken is not None and taken.attempts == 2 and taken.claimed_at == stale
    assert store.deliveries.claim(sub.id, day, now=stale + timedelta(minutes=1)) is None


def test_delivery_claimed_once_under_contention(db_path: Path) -> None:
    stores = [Store(db_path, [KEY_A]) for _ in range(4)]
    try:
        sub = stores[0].subscriptions.save(
            kind="personal", team_id="T1", owner_user_id="U1", channel_id="D1", send_time="08:00"
        )
        barrier = threading.Barrier(len(stores))
        won: list[bool] = []

        def claim(opened: Store) -> None:
            barrier.wait()
            won.append(opened.deliveries.claim(sub.id, date(2025, 3, 10)) is not None)

        threads = [threading.Thread(target=claim, args=(s,)) for s in stores]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert won.count(True) == 1
    finally:
        for opened in stores:
            opened.close()


def test_old_deliveries_are_pruned_once_a_day(store: Store) -> None:
    sub = store.subscriptions.save(
        kind="personal", team_id="T1", owner_user_id="U1", channel_id="D1", send_time="08:00"
    )
    today = NOW.date()
    for age in (0, 59, 60, 61, 400):
        store.deliveries.record(sub.id, today - timedelta(days=age), message_ts=None)
    assert store.deliveries.prune(now=NOW) == 2  # 61 and 400 days old
    kept = store.deliveries.between(today - timedelta(days=500), today)
    assert sorted((today - row.local_date).days for row in kept) == [0, 59, 60]
    store.deliveries.record(sub.id, today - timedelta(days=300), message_ts=None)
    assert store.deliveries.prune(now=NOW + timedelta(hours=23)) is None  # not again today
    assert store.deliveries.prune(now=NOW + timedelta(days=1)) == 2  # 300, and 60 aged to 61


async def test_pruning_through_the_async_api(store: Store) -> None:
    assert await store.prune_deliveries(now=NOW) == 0
    assert await store.prune_deliveries(now=NOW) is None


def test_the_schedulers_queries_use_indexes(store: Store, db_path: Path) -> None:
    plans = {
        "active digests": list_query(team_id=None, status="active"),
        "a team's digests": list_query(team_id="T1", status=None),
        "deliveries of a tick's dates": (BETWEEN_SQL, ("2026-03-24", "2026-03-26")),
        "pruning": (PRUNE_SQL, ("2026-01-01",)),
        "one delivery": (ONE_SQL, (1, "2026-03-25")),
    }
    db = Database(db_path)
    for name, (sql, params) in plans.items():
        steps = [row["detail"] for row in db.query(f"EXPLAIN QUERY PLAN {sql}", params)]
        assert any("USING" in step for step in steps), f"{name}: {steps}"
        assert not [step for step in steps if step.startswith("SCAN") and "USING" not in step]
