"""Shared names for the digest tests: the day, the people, and what to look for in Slack.

A plain module (not a conftest) so the test files can import it by name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bot.clustermarket.tokens import UserKey
from bot.fake_slack import FakeSlack

TODAY = dt.date(2026, 3, 25)
MORNING = dt.datetime(2026, 3, 25, 8, 5, tzinfo=dt.UTC)  # 08:05 in London, 17:05 in Tokyo
TEAM = "T0CMBOT"  # the fake Slack's team


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str
    tz: str
    cm_user_id: int

    @property
    def key(self) -> UserKey:
        return UserKey(TEAM, self.user_id)


ZOE = Person("U0ZOE", "zoe", "Europe/London", 15001)  # Genomics + Structural, 6 own today
MARGARET = Person("U0MARGARET", "margaret", "Europe/London", 15002)  # five labs
PRIYA = Person("U0PRIYA", "priya", "Europe/London", 15007)  # Structural, 4 own today
DANIEL = Person("U0DANIEL", "daniel", "Europe/London", 15005)  # nothing of his own today
KENJI = Person("U0KENJI", "kenji", "Asia/Tokyo", 15010)  # Tokyo imaging, 4 own today
EMILY = Person("U0EMILY", "emily", "America/New_York", 15011)  # Hudson, nothing today
PEOPLE = (ZOE, MARGARET, PRIYA, DANIEL, KENJI, EMILY)
STRUCTURAL, TOKYO_LAB, HUDSON = 105, 108, 109


def digests_in(fake: FakeSlack, channel: str) -> list[Any]:
    """The digest messages (those with our metadata) in a channel or a user's DM."""
    return [
        message
        for message in fake.messages_in(channel)
        if message.metadata is not None and message.metadata.get("event_type") == "cm_digest"
    ]
