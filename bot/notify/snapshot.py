"""What one poll saw of a Clustermarket account: pure data, kept between polls as JSON.

Only what notices need: the account's own bookings that have not ended (their status, times,
instrument and room) and the availability of the instruments it sees. Nothing personal
beyond what the account's owner reads anyway: no notes, costs or other people's names.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from bot.clustermarket.models import Booking, EquipmentSummary
from bot.clustermarket.statuses import is_active

logger = logging.getLogger(__name__)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC) if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _stamp(moment: dt.datetime | None) -> str | None:
    return None if moment is None else _utc(moment).isoformat()


def _moment(text: object) -> dt.datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return _utc(dt.datetime.fromisoformat(text))
    except ValueError:
        return None


@dataclass(frozen=True)
class SeenBooking:
    """One of the account's own bookings as a poll saw it (times in UTC)."""

    id: int
    status: str | None
    start: dt.datetime
    end: dt.datetime | None
    equipment_id: int | None = None
    equipment: str = "Equipment"
    room: str | None = None
    cancelled_by_owner: bool = False
    """The server says the account's owner cancelled it themselves."""

    @cached_property
    def active(self) -> bool:
        return is_active(self.status)

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "start": _stamp(self.start),
            "end": _stamp(self.end),
            "equipment_id": self.equipment_id,
            "equipment": self.equipment,
            "room": self.room,
            "cancelled_by_owner": self.cancelled_by_owner,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SeenBooking | None:
        start = _moment(data.get("start"))
        booking_id = data.get("id")
        if start is None or not isinstance(booking_id, int):
            return None
        equipment_id = data.get("equipment_id")
        status, room, name = data.get("status"), data.get("room"), data.get("equipment")
        return cls(
            id=booking_id,
            status=status if isinstance(status, str) else None,
            start=start,
            end=_moment(data.get("end")),
            equipment_id=equipment_id if isinstance(equipment_id, int) else None,
            equipment=name if isinstance(name, str) and name.strip() else "Equipment",
            room=room if isinstance(room, str) and room.strip() else None,
            cancelled_by_owner=data.get("cancelled_by_owner") is True,
        )

    @classmethod
    def read(
        cls, booking: Booking, cm_user_id: int, cm_user_name: str | None
    ) -> SeenBooking | None:
        """A booking as the API gave it; None when it has no id or start (nothing to tell)."""
        if booking.id is None or booking.start_time is None:
            return None
        equipment = booking.equipment
        name = equipment.name.strip() if equipment and equipment.name else ""
        if not name:
            name = f"Equipment {equipment.id}" if equipment and equipment.id else "Equipment"
        room = equipment.room.strip() if equipment and equipment.room else None
        end = booking.ends_at
        return cls(
            id=booking.id,
            status=booking.status,
            start=_utc(booking.start_time),
            end=None if end is None else _utc(end),
            equipment_id=equipment.id if equipment else None,
            equipment=" ".join(name.split()),
            room=" ".join(room.split()) if room else None,
            cancelled_by_owner=booking.is_cancelled_by(cm_user_id, cm_user_name),
        )

    def over(self, now: dt.datetime) -> bool:
        """Ended (or, with no end, started) before `now`."""
        return (self.end or self.start) <= now


@dataclass(frozen=True)
class Snapshot:
    """One account's own bookings not yet over, and its instruments' availability."""

    bookings: Mapping[int, SeenBooking] = field(default_factory=dict)
    availability: Mapping[int, str | None] = field(default_factory=dict)
    _upcoming: dict[dt.datetime, tuple[SeenBooking, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """`upcoming` by instant: a run asks it once per member of the account, at one `now`."""

    def encode(self) -> str:
        return json.dumps(
            {
                "bookings": [booking.json() for booking in self.bookings.values()],
                "availability": {str(key): value for key, value in self.availability.items()},
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def decode(cls, text: str | None) -> Snapshot:
        """What `encode` wrote; anything unreadable reads as nothing seen (a new baseline)."""
        if not text:
            return cls()
        try:
            data = json.loads(text)
            bookings = [SeenBooking.from_json(item) for item in data.get("bookings", [])]
            availability = {
                int(key): value if isinstance(value, str) else None
                for key, value in dict(data.get("availability", {})).items()
            }
        except (ValueError, TypeError, AttributeError):
            logger.warning("a stored poll could not be read; the next poll starts afresh")
            return cls()
        return cls({b.id: b for b in bookings if b is not None}, availability)

    def upcoming(self, now: dt.datetime) -> list[SeenBooking]:
        """Active bookings not over at `now`, soonest first."""
        found = self._upcoming.get(now)
        if found is None:
            found = self._upcoming[now] = tuple(
                sorted(
                    (b for b in self.bookings.values() if b.active and not b.over(now)),
                    key=lambda booking: (booking.start, booking.id),
                )
            )
        return list(found)

    def without_past(self, now: dt.datetime) -> Snapshot:
        return replace(self, bookings={k: b for k, b in self.bookings.items() if not b.over(now)})


def own_bookings(
    bookings: Iterable[Booking], cm_user_id: int, cm_user_name: str | None, now: dt.datetime
) -> dict[int, SeenBooking]:
    """The account owner's own bookings that are not over at `now`, by id."""
    seen: dict[int, SeenBooking] = {}
    for booking in bookings:
        if not booking.is_requested_by(cm_user_id, cm_user_name):
            continue
        read = SeenBooking.read(booking, cm_user_id, cm_user_name)
        if read is not None and not read.over(now):
            seen[read.id] = read
    return seen


def availability_of(equipment: Iterable[EquipmentSummary]) -> dict[int, str | None]:
    """Each instrument's availability status, by id."""
    return {item.id: item.availability_status for item in equipment if item.id is not None}
