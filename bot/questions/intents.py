"""What a user asks for, whether typed as a slash command, asked in words or clicked: intents.

Frozen dataclasses, so an intent can be compared in tests, kept as what a thread was about and
carried in a button's value (`codec.py`). Names in intents are the user's own words ("nova
seq"); the answerer matches them against what the user can see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from bot.questions.when import When

NOW = When(day="now")


@dataclass(frozen=True)
class Help:
    """What the bot can do, or one command in detail; `suggestion` says what was missing."""

    topic: str | None = None
    suggestion: str | None = None


@dataclass(frozen=True)
class Connect:
    """Link the Slack user to a Clustermarket account."""


@dataclass(frozen=True)
class Disconnect:
    """Revoke and forget the user's Clustermarket tokens."""


@dataclass(frozen=True)
class Me:
    """Who the user is in Clustermarket."""


@dataclass(frozen=True)
class Labs:
    """The organisations, departments and labs the user can see."""


@dataclass(frozen=True)
class EquipmentSearch:
    """Equipment the user can see, optionally matched by name; an id or exact name gives details."""

    query: str | None


@dataclass(frozen=True)
class Groups:
    """Equipment groups, optionally of one lab."""

    lab: str | None


@dataclass(frozen=True)
class GroupDetail:
    """One group and the equipment in it."""

    name: str


@dataclass(frozen=True)
class Bookings:
    """The user's own bookings."""

    when: When


@dataclass(frozen=True)
class Schedule:
    """All bookings of one piece of equipment."""

    equipment: str
    when: When


@dataclass(frozen=True)
class Free:
    """Whether equipment is free now, and its free slots (the caller shows "now" too)."""

    equipment: str
    when: When


@dataclass(frozen=True)
class WhatIsFree:
    """The equipment free in a window, across all the user can see or within one group or lab
    ("what's free now?", "anything free in imaging this afternoon?")."""

    when: When
    group: str | None = None
    lab: str | None = None


@dataclass(frozen=True)
class NextFree:
    """When an instrument is next free from the start of `when` (now unless said), and for how
    long; `minutes` is the length wanted ("next free for 2 hours"), None for any useful gap."""

    equipment: str
    when: When = NOW
    minutes: int | None = None


@dataclass(frozen=True)
class MyNextBooking:
    """The user's own next booking, from now."""


@dataclass(frozen=True)
class WhoIsOn:
    """Who holds an instrument right now, and until when."""

    equipment: str


@dataclass(frozen=True)
class BookedHours:
    """How many hours an instrument is booked in a window (today unless said)."""

    equipment: str
    when: When


@dataclass(frozen=True)
class MyHours:
    """How many hours the user has booked in a window (this week unless said): the whole week
    or month, not only what is left of it."""

    when: When


Fact = Literal["room", "contact", "group"]


@dataclass(frozen=True)
class EquipmentFact:
    """One fact about an instrument: where it is (room), who looks after it (contact), or
    which group it is in."""

    equipment: str
    fact: Fact


@dataclass(frozen=True)
class DigestStatus:
    """Whether the user's daily DM digest is on, and when."""


@dataclass(frozen=True)
class DigestOn:
    """Turn on the daily DM digest; None keeps the current time (default 08:00)."""

    time: dt.time | None


@dataclass(frozen=True)
class DigestOff:
    """Turn off the daily DM digest."""


@dataclass(frozen=True)
class ChannelDigestOn:
    """A lab's daily digest in the channel the command came from."""

    time: dt.time | None
    lab: str


@dataclass(frozen=True)
class ChannelDigestOff:
    """Stop the channel's lab digest."""


@dataclass(frozen=True)
class RemindStatus:
    """Whether reminders before the user's bookings are on, and how long before."""


@dataclass(frozen=True)
class RemindOn:
    """A DM that many minutes before each of the user's bookings starts; None keeps the
    current lead time (default 15)."""

    minutes: int | None


@dataclass(frozen=True)
class RemindOff:
    """Stop the reminders."""


@dataclass(frozen=True)
class WatchList:
    """The instruments watched in this channel."""


@dataclass(frozen=True)
class Watch:
    """Post in this channel when an instrument's availability changes or a slot opens today."""

    equipment: str


@dataclass(frozen=True)
class Unwatch:
    """Stop watching an instrument in this channel."""

    equipment: str


@dataclass(frozen=True)
class Option:
    """One answer the user may pick, as words for a button and the intent it asks."""

    label: str
    intent: Intent


@dataclass(frozen=True)
class Clarify:
    """A question back before answering ("By 4/12, do you mean 4 December or 12 April?")."""

    text: str
    question: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Unknown:
    """Input that is not a command; answered with help and, when something is close, a hint.
    `options` are the questions closest to it that the bot can answer."""

    text: str
    suggestion: str | None
    options: tuple[Option, ...] = ()


Intent = (
    Help
    | Connect
    | Disconnect
    | Me
    | Labs
    | EquipmentSearch
    | Groups
    | GroupDetail
    | Bookings
    | Schedule
    | Free
    | WhatIsFree
    | NextFree
    | MyNextBooking
    | WhoIsOn
    | BookedHours
    | MyHours
    | EquipmentFact
    | DigestStatus
    | DigestOn
    | DigestOff
    | ChannelDigestOn
    | ChannelDigestOff
    | RemindStatus
    | RemindOn
    | RemindOff
    | WatchList
    | Watch
    | Unwatch
    | Clarify
    | Unknown
)

MIN_REMIND_MINUTES, MAX_REMIND_MINUTES = 1, 24 * 60
DEFAULT_REMIND_MINUTES = 15
