"""Slack-side caches: users' time zones, and Slack event ids already taken (per team)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from store_helpers import ALICE, NOW

from bot.store import Store


def test_tz_cache_expires(store: Store) -> None:
    assert store.slack.cached_tz(ALICE, now=NOW) is None
    store.slack.cache_tz(ALICE, "Europe/Berlin", now=NOW)
    assert store.slack.cached_tz(ALICE, now=NOW + timedelta(hours=23)) == "Europe/Berlin"
    assert store.slack.cached_tz(ALICE, now=NOW + timedelta(days=1, seconds=1)) is None
    store.slack.cache_tz(ALICE, "America/New_York", now=NOW + timedelta(days=2))
    assert store.slack.cached_tz(ALICE, now=NOW + timedelta(days=2)) == "America/New_York"
    with pytest.raises(ValueError, match="time zone"):
        store.slack.cache_tz(ALICE, "Mars/Olympus_Mons")


def test_a_slack_event_is_taken_once_per_team_and_forgotten_after_a_day(store: Store) -> None:
    noon = datetime(2026, 3, 25, 12, tzinfo=UTC)
    assert store.slack.first_sight("T1", "Ev1", now=noon)
    assert not store.slack.first_sight("T1", "Ev1", now=noon + timedelta(minutes=5))
    assert store.slack.first_sight("T2", "Ev1", now=noon + timedelta(minutes=5))
    assert store.slack.first_sight("T1", "Ev2", now=noon + timedelta(days=2))
    assert store.slack.first_sight("T1", "Ev1", now=noon + timedelta(days=2))
