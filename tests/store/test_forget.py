"""Forgetting, table by table: every table belongs to a repository that says how to forget a
person and a workspace, and after forgetting nothing anywhere names them."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from store_helpers import ALICE, BOB, tokens

from bot.clustermarket.tokens import UserKey
from bot.store import AccountPoll, NewNotice, PollResult, Repository, Store
from bot.store.notify import account_of

ALICE_ELSEWHERE = UserKey("T0002", ALICE.user_id)
"""The same Slack user id in another workspace: another person."""
PEOPLE = (ALICE, BOB, ALICE_ELSEWHERE)
DAY = date(2026, 3, 25)


def fill(store: Store) -> None:
    """Rows in every table about each of PEOPLE, as the bot would leave them."""
    now = datetime.now(UTC)
    store.canary.verify()
    for n, key in enumerate(PEOPLE, start=1):
        store.links.save(key, cm_user_id=n, cm_user_name=f"Person {n}", tokens=tokens(f"a{n}"))
        store.leases.begin(key, tokens(f"a{n}"), holder="test", ttl=timedelta(minutes=1))
        store.states.create(key, resume={"intent": "me"}, code_verifier="v" * 43)
        store.slack.cache_tz(key, "Europe/Paris")
        store.slack.first_sight(key.team_id, f"Ev{n}")
        personal = store.subscriptions.save(
            kind="personal",
            team_id=key.team_id,
            owner_user_id=key.user_id,
            channel_id=f"D{n}",
            send_time="08:00",
        )
        lab = store.subscriptions.save(
            kind="channel",
            team_id=key.team_id,
            owner_user_id=key.user_id,
            channel_id=f"C{n}",
            send_time="09:00",
            lab_id=7,
            lab_name="Lab",
        )
        for subscription in (personal, lab):
            store.deliveries.record(subscription.id, DAY, message_ts="1.2")
        fill_notifications(store, key, n, now)
        store.installations.save_installation(
            {"user_id": key.user_id, "team_id": key.team_id, "user_token": f"xoxp-{n}"},
            enterprise_id=None,
            team_id=key.team_id,
            user_id=key.user_id,
            is_enterprise_install=False,
            installed_at=now,
        )
        store.installations.save_bot(
            {"team_id": key.team_id, "bot_token": f"xoxb-{key.team_id}"},
            enterprise_id=None,
            team_id=key.team_id,
            is_enterprise_install=False,
            installed_at=now,
        )
    store.install_states.issue("digest", ttl=timedelta(minutes=10))
    store.deliveries.prune(now=datetime.combine(DAY, datetime.min.time(), UTC))


def fill_notifications(store: Store, key: UserKey, n: int, now: datetime) -> None:
    """Reminders on, a watch in a channel, a DM notice and a watch's post, the account's
    last poll and a minute's requests."""
    store.notify_users.set_reminders(key, 15)
    watch, _ = store.watches.save(
        team_id=key.team_id,
        channel_id=f"C{n}",
        equipment_id=40 + n,
        equipment_name="NanoDrop",
        lab_zone=None,
        owner_user_id=key.user_id,
    )
    who = (key.team_id, key.user_id)
    notices = [
        NewNotice(f"remind:{n}", *who, "remind_start", "{}", now),
        NewNotice(f"watch:{watch.id}", *who, "watch_slot", "{}", now, channel_id=f"C{n}"),
    ]
    account = account_of(n, tokens(f"a{n}").scopes)
    store.notify_accounts.save_poll(
        PollResult(AccountPoll(account, "{}", now + timedelta(hours=1)), notices), previous=None
    )
    store.budget.reserve(now, 3, 600)


def rows_naming(db_path: Path, *values: str) -> list[tuple[str, tuple[object, ...]]]:
    """Every row of every table holding all of `values` in its columns (read raw)."""
    found = []
    with sqlite3.connect(db_path) as raw:
        tables = [
            name for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        for table in tables:
            for row in raw.execute(f"SELECT * FROM {table}"):  # noqa: S608 - names from SQLite
                if all(value in row for value in values):
                    found.append((table, row))
    return found


def every_table(db_path: Path) -> set[str]:
    with sqlite3.connect(db_path) as raw:
        return {
            name
            for (name,) in raw.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        }


def test_every_table_has_exactly_one_repository(store: Store, db_path: Path) -> None:
    owned = [table for part in store.repositories for table in part.tables()]
    assert len(owned) == len(set(owned)), "a table is claimed by two repositories"
    assert set(owned) | {"schema_migrations"} == every_table(db_path)
    assert all(isinstance(part, Repository) for part in store.repositories)
    assert {type(part).__name__ for part in store.repositories} >= {
        "Links",
        "OAuthStates",
        "Subscriptions",
        "SlackInstallations",
    }


async def test_forgetting_a_person_leaves_nothing_that_names_them(
    store: Store, db_path: Path
) -> None:
    await asyncio.to_thread(fill, store)
    assert await store.teams_of(ALICE.user_id) == ["T0001", "T0002"]
    assert await store.mentions(ALICE) > 0

    removed = await store.forget_person(ALICE)

    assert removed == {
        "Clustermarket link": 1,
        "sign-ins in progress, with the questions waiting on them": 1,
        "time zone": 1,
        "personal digest": 1,
        "channel digests, paused and no longer theirs": 1,
        "Slack install records": 1,
        "reminder and notice settings": 1,
        "notices": 2,
        "watches, paused and no longer theirs": 1,
        "bookings last seen for notices": 1,
    }
    assert rows_naming(db_path, ALICE.team_id, ALICE.user_id) == []
    assert await store.mentions(ALICE) == 0
    assert await store.teams_of(ALICE.user_id) == ["T0002"]
    for other in (BOB, ALICE_ELSEWHERE):  # the same id elsewhere, and a colleague: untouched
        assert (await store.get_link(other)) is not None
        assert await store.mentions(other) == 11
    channel = await store.find_subscription(kind="channel", team_id="T0001", channel_id="C1")
    assert channel is not None and channel.status == "paused" and channel.owner_user_id == ""
    assert await store.get_delivery(channel.id, DAY) is not None  # the channel's
    watch = await store.find_watch("T0001", "C1", 41)
    assert watch is not None and watch.status == "paused" and watch.owner_user_id == ""
    assert await store.account_poll(account_of(1, tokens("a1").scopes)) is None
    assert await store.account_poll(account_of(2, tokens("a2").scopes)) is not None
    assert await store.forget_person(ALICE) == {}


async def test_forgetting_a_workspace_leaves_no_row_of_it(store: Store, db_path: Path) -> None:
    await asyncio.to_thread(fill, store)
    removed = await store.forget_teams(["T0001"])
    assert removed["Clustermarket links"] == 2 and removed["digests"] == 4
    assert removed["watched instruments"] == 2 and removed["notices"] == 4
    assert rows_naming(db_path, "T0001") == []
    assert await store.get_link(ALICE_ELSEWHERE) is not None
    with sqlite3.connect(db_path) as raw:
        (deliveries,) = raw.execute("SELECT COUNT(*) FROM digest_deliveries").fetchone()
    assert deliveries == 2  # T0002's two digests' days; T0001's went with their digests
