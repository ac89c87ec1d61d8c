"""The notifier's tables: settings with their defaults, the outbox's exactly-once claims, a
poll saved together with what it found (and dropped if another process polled meanwhile),
watches taken over and paused, the shared per-minute budget, old notices pruned."""

from __future__ import annotations

from datetime import timedelta

import pytest
from store_helpers import ALICE, BOB, NOW

from bot.store import AccountPoll, Baseline, NewNotice, PollResult, Store

MINUTE = timedelta(minutes=1)


def notice(key: str = "T0001:U0ALICE:approved:1:first", **fields: object) -> NewNotice:
    values: dict[str, object] = {
        "key": key,
        "team_id": ALICE.team_id,
        "user_id": ALICE.user_id,
        "kind": "approved",
        "payload": "{}",
        "due_at": NOW,
        **fields,
    }
    return NewNotice(**values)  # type: ignore[arg-type]


def test_settings_default_to_changes_on_and_reminders_off(store: Store) -> None:
    prefs = store.notify_users.get(ALICE)
    assert (prefs.remind_minutes, prefs.end_nudge, prefs.kinds_off) == (None, False, frozenset())
    store.notify_users.set_reminders(ALICE, 30)
    store.notify_users.set_kind(ALICE, "moved", False)
    store.notify_users.set_kind(ALICE, "moved", False)
    prefs = store.notify_users.get(ALICE)
    assert prefs.remind_minutes == 30 and not prefs.wants("moved") and prefs.wants("approved")
    with pytest.raises(ValueError, match="minutes"):
        store.notify_users.set_reminders(ALICE, 0)
    with pytest.raises(ValueError, match="kind"):
        store.notify_users.set_kind(ALICE, "exploded", True)
    assert store.notify_users.first_unfurl_offer(BOB) is True
    assert store.notify_users.first_unfurl_offer(BOB) is False


def test_a_notice_is_planned_once_and_claimed_by_one(store: Store) -> None:
    notices = store.notices
    assert notices.plan([notice(), notice()]) == 1
    assert notices.plan([notice()]) == 0
    claim = notices.claim(notice().key, now=NOW, stale_after=10 * MINUTE)
    assert claim is not None and claim.attempts == 1
    assert notices.claim(notice().key, now=NOW + MINUTE, stale_after=10 * MINUTE) is None
    taken = notices.claim(notice().key, now=NOW + 11 * MINUTE, stale_after=10 * MINUTE)
    assert taken is not None and taken.attempts == 2
    notices.record(notice().key, message_ts="1.2")
    assert notices.claim(notice().key, now=NOW + 30 * MINUTE, stale_after=MINUTE) is None
    notices.fail(notice().key, "late")  # a sent notice stays sent
    notices.drop(notice().key, "late")
    assert notices.statuses([notice().key, "nope"]) == {notice().key: "sent"}


def test_a_poll_is_saved_with_its_notices_unless_another_polled_meanwhile(store: Store) -> None:
    accounts = store.notify_accounts
    first = PollResult(
        AccountPoll("42:read", "{}", NOW + MINUTE, polled_at=NOW),
        [notice()],
        [Baseline(ALICE, NOW)],
    )
    assert accounts.save_poll(first, previous=None) == 1
    assert store.notify_users.get(ALICE).baseline_linked_at == NOW
    stale = PollResult(AccountPoll("42:read", "{}", NOW, polled_at=NOW + MINUTE), [notice("x")])
    assert accounts.save_poll(stale, previous=None) is None  # it started before the first
    assert store.notices.get("x") is None
    later = PollResult(AccountPoll("42:read", "{}", NOW, polled_at=NOW + MINUTE))
    assert accounts.save_poll(later, previous=NOW) == 0
    assert accounts.forget_except([]) == 1 and accounts.all() == []


def test_a_watch_taken_over_starts_afresh_and_pauses_with_its_owner(store: Store) -> None:
    watches = store.watches
    fields = {"team_id": "T0001", "channel_id": "C1", "equipment_id": 4105}
    first, before = watches.save(
        **fields, equipment_name="NanoDrop", lab_zone=None, owner_user_id=ALICE.user_id
    )
    assert before is None
    assert watches.save_poll(first.id, snapshot="{}", polled_at=NOW, next_poll_at=NOW, pages=2) == 0
    again, before = watches.save(
        **fields, equipment_name="NanoDrop", lab_zone=None, owner_user_id=BOB.user_id
    )
    assert before is not None and again.id == first.id and again.snapshot is None
    assert [w.id for w in watches.pause_of(BOB, "broken")] == [first.id]
    assert watches.pause_of(BOB, "broken") == []
    assert (
        watches.save_poll(first.id, snapshot="{}", polled_at=NOW, next_poll_at=NOW, pages=1) is None
    )
    assert [w.status for w in watches.resume_of(BOB)] == ["active"]


def test_the_budget_is_shared_all_or_nothing_per_minute(store: Store) -> None:
    budget = store.budget
    assert budget.reserve(NOW, 15, 20) and not budget.reserve(NOW, 6, 20)
    assert budget.reserve(NOW, 5, 20) and budget.spent(NOW) == 20
    assert budget.reserve(NOW + MINUTE, 20, 20)  # a new minute
    budget.release(NOW, 8)
    assert budget.spent(NOW) == 12 and budget.reserve(NOW, 8, 20)


def test_old_notices_are_pruned_once_a_day(store: Store) -> None:
    store.notices.plan([notice()], now=NOW)
    store.notices.record(notice().key, message_ts="1.2")
    assert store.notices.prune(now=NOW + timedelta(days=31)) == 1
    assert store.notices.prune(now=NOW + timedelta(days=31, hours=1)) is None
