"""What the renderers are given beyond the API's own records: labs with their zones, the
equipment with its lab, free-time facts and digest settings. Plain frozen data, built by the
answers layer (or by tests) and never fetched here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bot.clustermarket.models import Booking, EquipmentSummary
from bot.questions.days import Slot
from bot.questions.when import Window


@dataclass(frozen=True)
class LabInfo:
    """A lab as answers show it: its name, IANA time zone and place in the organisation."""

    id: int
    name: str
    timezone: str | None = None
    department: str | None = None
    organisation: str | None = None
    description: str | None = None
    department_id: int | None = None
    organisation_id: int | None = None


@dataclass(frozen=True)
class DepartmentInfo:
    name: str
    labs: tuple[LabInfo, ...]
    id: int | None = None


@dataclass(frozen=True)
class OrganisationInfo:
    """An organisation, its departments, and its labs that belong to no department."""

    name: str
    departments: tuple[DepartmentInfo, ...] = ()
    labs: tuple[LabInfo, ...] = ()
    id: int | None = None


@dataclass(frozen=True)
class LabsTree:
    """Organisations → departments → labs, and the independent labs apart."""

    organisations: tuple[OrganisationInfo, ...] = ()
    independent: tuple[LabInfo, ...] = ()


@dataclass(frozen=True)
class EquipmentEntry:
    """A piece of equipment the user can see, with its lab (None when unknown)."""

    id: int
    name: str
    lab: LabInfo | None
    summary: EquipmentSummary = field(default_factory=EquipmentSummary)


@dataclass(frozen=True)
class GroupEntry:
    """An equipment group with its lab."""

    id: int
    name: str
    lab: LabInfo | None


@dataclass(frozen=True)
class NowState:
    """What an instrument is doing at the moment asked about.

    `current` is the booking holding it (None: free). When busy, `free_from` is when it frees
    up for at least a short slot (None: not within the look-ahead). When free, `free_until`
    is when the next booking starts (None: nothing booked ahead).
    """

    at: dt.datetime
    current: Booking | None = None
    free_from: dt.datetime | None = None
    free_until: dt.datetime | None = None


@dataclass(frozen=True)
class Availability:
    """The free time of one instrument in a window.

    `now` is set when the window includes the present. `slots` are the free spans of the rest
    of the window; `next_free` is the first free span after it when there are none; `booked`
    counts the active bookings in the window, `passed` says the window is over.
    `out_of_service` is the instrument's availability status when it is anything but
    available: then nothing is free. `unsure_now` and `unsure` count bookings that could not be
    read and might cover the present or the window: then nothing is called free for certain.
    """

    window: Window
    now: NowState | None = None
    slots: tuple[Slot, ...] = ()
    next_free: Slot | None = None
    booked: int = 0
    passed: bool = False
    out_of_service: str | None = None
    unsure_now: int = 0
    unsure: int = 0


@dataclass(frozen=True)
class InstrumentFree:
    """One instrument of a question about many ("what's free now?"): its free time, or None
    when its bookings could not be read."""

    entry: EquipmentEntry
    facts: Availability | None


@dataclass(frozen=True)
class NextFreeFacts:
    """When an instrument is next free, searched from `start` up to `horizon`.

    `slot` is the first free span at least `minutes` long (None: none before the horizon);
    its end is the horizon when nothing more is booked. `unsure` counts bookings that could
    not be read and might cover it; `out_of_service` is the instrument's status when it is
    not available (then nothing was searched).
    """

    window: Window
    start: dt.datetime
    horizon: dt.datetime
    minutes: int
    slot: Slot | None = None
    unsure: int = 0
    out_of_service: str | None = None


@dataclass(frozen=True)
class InstrumentHours:
    """One instrument's share of someone's booked time."""

    name: str
    minutes: int
    bookings: int


@dataclass(frozen=True)
class BookedTime:
    """Time booked in a window: `minutes` held (an instrument's overlapping bookings count
    once), over `bookings` bookings, `ahead` of it still to come, `maintenance` of it
    maintenance and repairs. `unread` bookings could not be read and might fall in the
    window, so the time may be more. `by_instrument` splits a person's time, largest first."""

    window: Window
    minutes: int = 0
    bookings: int = 0
    ahead: int = 0
    maintenance: int = 0
    unread: int = 0
    by_instrument: tuple[InstrumentHours, ...] = ()


@dataclass(frozen=True)
class ChannelDigestInfo:
    """A lab digest posted in a channel."""

    channel_id: str
    lab_name: str | None
    time: dt.time
    paused: bool = False


@dataclass(frozen=True)
class DigestSummary:
    """The user's digest settings, as the App Home lists them."""

    personal: bool
    time: dt.time | None = None
    include_empty: bool = False
    skip_weekends: bool = False
    channels: tuple[ChannelDigestInfo, ...] = ()
