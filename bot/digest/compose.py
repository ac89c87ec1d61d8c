"""What a digest says, as pure functions of fetched bookings: no Slack, no HTTP, no clock.

A personal digest is the owner's own active bookings touching their local day; a channel
digest is every active booking of one lab's equipment touching the lab's local day, grouped
by instrument, with maintenance, breakdown and repair blocks flagged, and every instrument
that is not available (maintenance, out of order) named with its status. Both count the
bookings Clustermarket sent that could not be read, so the message can say so. Each digest message
carries Slack message metadata naming its kind and date, which is how a later run recognises
a digest that was posted but never recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.clustermarket.listing import Listing
from bot.clustermarket.models import Booking, EquipmentSummary
from bot.clustermarket.statuses import is_available
from bot.questions.days import in_window
from bot.questions.matching import fold
from bot.questions.when import Window, local_midnight
from bot.render.text import is_maintenance

EVENT_TYPE = "cm_digest"
"""The `event_type` of the metadata every digest message carries."""

Kind = Literal["personal", "channel"]


def day_window(day: dt.date, tz: dt.tzinfo) -> Window:
    """The local day as a window: midnight to the next midnight (23 or 25 hours on DST days)."""
    start = local_midnight(day, tz)
    end = local_midnight(day + dt.timedelta(days=1), tz)
    return Window(start, end, day.isoformat())


@dataclass(frozen=True)
class PersonalDigest:
    """One person's bookings for one local day; `out_of_service` maps an instrument's id to
    its availability status when that is anything but available."""

    day: dt.date
    tz: dt.tzinfo
    bookings: tuple[Booking, ...]
    out_of_service: Mapping[int, str] = field(default_factory=dict)
    unread: int = 0

    @property
    def empty(self) -> bool:
        return not self.bookings


@dataclass(frozen=True)
class InstrumentDay:
    """One instrument's bookings on the day, in start order."""

    equipment_id: int | None
    name: str
    room: str | None
    bookings: tuple[Booking, ...]
    out_of_service: str | None = None
    """Its availability status, when that is anything but available."""

    @property
    def flagged(self) -> bool:
        """Whether any booking is a maintenance, breakdown or repair block."""
        return any(is_maintenance(booking.category) for booking in self.bookings)


@dataclass(frozen=True)
class ChannelDigest:
    """A lab's bookings for one local day, by instrument."""

    day: dt.date
    tz: dt.tzinfo
    lab_id: int
    lab_name: str
    instruments: tuple[InstrumentDay, ...]
    unread: int = 0

    @property
    def empty(self) -> bool:
        """Nothing booked (instruments out of service may still be listed)."""
        return self.booking_count == 0

    @property
    def booking_count(self) -> int:
        return sum(len(instrument.bookings) for instrument in self.instruments)


def out_of_service(equipment: Iterable[EquipmentSummary]) -> dict[int, str]:
    """Each instrument that is not available, by id, with its availability status."""
    return {
        item.id: item.availability_status
        for item in equipment
        if item.id is not None
        and item.availability_status is not None
        and not is_available(item.availability_status)
    }


def personal_digest(
    bookings: Iterable[Booking],
    cm_user_id: int,
    day: dt.date,
    tz: dt.tzinfo,
    *,
    cm_user_name: str | None = None,
    equipment: Iterable[EquipmentSummary] = (),
) -> PersonalDigest:
    """The owner's own active bookings touching the local `day`, in start order.

    `bookings` may be everything the account sees (its labs' bookings too): only those the
    owner requested are kept (by id, or by name when the server names no id). `equipment`
    tells which instruments are out of service.
    """
    own = [booking for booking in bookings if booking.is_requested_by(cm_user_id, cm_user_name)]
    chosen = tuple(in_window(own, day_window(day, tz)))
    unread = bookings.unread if isinstance(bookings, Listing) else 0
    return PersonalDigest(day, tz, chosen, out_of_service(equipment), unread)


def _instrument_key(booking: Booking) -> tuple[int | None, str]:
    equipment = booking.equipment
    if equipment is None:
        return None, "Unnamed equipment"
    name = equipment.name.strip() if equipment.name and equipment.name.strip() else None
    if name is None:
        name = f"Equipment {equipment.id}" if equipment.id is not None else "Unnamed equipment"
    return equipment.id, name


def channel_digest(
    bookings: Iterable[Booking],
    lab_id: int,
    lab_name: str,
    day: dt.date,
    tz: dt.tzinfo,
    *,
    equipment: Iterable[EquipmentSummary] = (),
) -> ChannelDigest:
    """Every active booking of the lab's equipment touching the local `day`, by instrument,
    and every instrument of `equipment` that is out of service, booked or not.

    A booking that names another provider lab is left out (it is not this lab's equipment);
    one that names none is kept, since it came from the lab's own list.
    """
    own = [
        booking
        for booking in bookings
        if booking.provider_account is None
        or booking.provider_account.id is None
        or booking.provider_account.id == lab_id
    ]
    grouped: dict[tuple[int | None, str], list[Booking]] = {}
    rooms: dict[tuple[int | None, str], str | None] = {}
    for booking in in_window(own, day_window(day, tz)):
        key = _instrument_key(booking)
        grouped.setdefault(key, []).append(booking)
        room = booking.equipment.room if booking.equipment is not None else None
        if room and room.strip() and not rooms.get(key):
            rooms[key] = room.strip()
        rooms.setdefault(key, None)
    listed = list(equipment)
    statuses = out_of_service(listed)
    booked_ids = {key[0] for key in grouped}
    for item in listed:
        if item.id in statuses and item.id not in booked_ids:
            key = (item.id, (item.name or "").strip() or f"Equipment {item.id}")
            grouped[key] = []
            rooms[key] = item.room.strip() if item.room and item.room.strip() else None
    ordered = sorted(grouped, key=lambda key: (fold(key[1]), key[1], key[0] or 0))
    instruments = tuple(
        InstrumentDay(
            key[0],
            key[1],
            rooms[key],
            tuple(grouped[key]),
            statuses.get(key[0]) if key[0] is not None else None,
        )
        for key in ordered
    )
    unread = bookings.unread if isinstance(bookings, Listing) else 0
    return ChannelDigest(day, tz, lab_id, lab_name, instruments, unread)


def digest_metadata(subscription_id: int, kind: Kind, day: dt.date) -> dict[str, Any]:
    """The message metadata that marks a posted digest: what, for which subscription, which day."""
    return {
        "event_type": EVENT_TYPE,
        "event_payload": {
            "subscription_id": subscription_id,
            "kind": kind,
            "date": day.isoformat(),
        },
    }


def is_digest_message(message: Mapping[str, Any], kind: str, day: dt.date) -> bool:
    """Whether a message from conversations.history is a digest of this kind for `day`.

    One conversation holds at most one digest of a kind per day (a DM the owner's, a channel
    its lab's), so kind and date identify it even across a digest turned off and on again.
    """
    metadata = message.get("metadata")
    if not isinstance(metadata, Mapping) or metadata.get("event_type") != EVENT_TYPE:
        return False
    payload = metadata.get("event_payload")
    if not isinstance(payload, Mapping):
        return False
    return payload.get("date") == day.isoformat() and payload.get("kind") == kind


def find_digest(messages: Sequence[Mapping[str, Any]], kind: str, day: dt.date) -> str | None:
    """The ts of the digest of this kind for `day` among `messages`, if there is one."""
    for message in messages:
        ts = message.get("ts")
        if isinstance(ts, str) and is_digest_message(message, kind, day):
            return ts
    return None
