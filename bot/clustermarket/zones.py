"""Placing naive booking times in their lab's zone, never silently in UTC.

A server that sends `2026-03-25 09:30:00` means 09:30 where the instrument is. The lab is
the booking's provider account, else the lab a request was scoped to, else the lab of its
instrument; its zone is the account's `timezone` (IANA or Rails' names). When every lab the
user sees shares one zone, that zone serves. A booking whose zone cannot be told is skipped
and counted, like any other record that cannot be read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.clustermarket.listing import Skipped
from bot.clustermarket.models import Booking


@dataclass
class LabZones:
    """Each lab's zone as one user sees it, and the labs of instruments looked up so far."""

    zones: Mapping[int, ZoneInfo]
    names: Mapping[str, int] = field(default_factory=dict)
    equipment_labs: dict[int, int | None] = field(default_factory=dict)
    built_at: float = 0.0

    @property
    def common(self) -> ZoneInfo | None:
        """The zone every lab shares, if they all share one."""
        keys = {zone.key for zone in self.zones.values()}
        return next(iter(self.zones.values())) if len(keys) == 1 else None

    def _lab_of(self, booking: Booking, lab_hint: int | None) -> int | None:
        provider = booking.provider_account
        if provider is not None and provider.id in self.zones:
            return provider.id
        if provider is not None and provider.name and provider.name.strip() in self.names:
            return self.names[provider.name.strip()]
        if lab_hint in self.zones:
            return lab_hint
        equipment_id = booking.equipment.id if booking.equipment else None
        return None if equipment_id is None else self.equipment_labs.get(equipment_id)

    def zone_for(self, booking: Booking, lab_hint: int | None = None) -> ZoneInfo | None:
        lab = self._lab_of(booking, lab_hint)
        if lab is not None and lab in self.zones:
            return self.zones[lab]
        return self.common


def is_naive(booking: Booking) -> bool:
    """Whether any of its times came without a zone."""
    return any(
        moment is not None and moment.tzinfo is None
        for moment in (booking.start_time, booking.end_time, _requested_at(booking))
    )


def _requested_at(booking: Booking) -> datetime | None:
    """When it was requested: Booking Details says, a list item does not."""
    return booking.__dict__.get("requested_at")


def place(
    bookings: list[Booking], zones: LabZones, *, lab_hint: int | None
) -> tuple[list[Booking], list[Booking], set[str]]:
    """The bookings with naive times placed in their lab's zone (in their order), those whose
    zone cannot be told yet, and the zones used."""
    placed: list[Booking] = []
    unplaced: list[Booking] = []
    used: set[str] = set()
    by_lab = zones.zones
    for booking in bookings:
        fields = booking.__dict__  # read and set directly: thousands of bookings, no validation
        start, end, asked = fields["start_time"], fields["end_time"], fields.get("requested_at")
        if (
            (start is None or start.tzinfo is not None)
            and (end is None or end.tzinfo is not None)
            and (asked is None or asked.tzinfo is not None)
        ):
            placed.append(booking)
            continue
        provider = fields["provider_account"]
        zone = by_lab.get(provider.id) if provider is not None else None
        if zone is None:
            zone = zones.zone_for(booking, lab_hint)
        if zone is None:
            unplaced.append(booking)
            continue
        used.add(zone.key)
        if start is not None and start.tzinfo is None:
            fields["start_time"] = start.replace(tzinfo=zone)
        if end is not None and end.tzinfo is None:
            fields["end_time"] = end.replace(tzinfo=zone)
        if asked is not None and asked.tzinfo is None:
            fields["requested_at"] = asked.replace(tzinfo=zone)
        placed.append(booking)
    return placed, unplaced, used


def unplaceable(booking: Booking, where: str) -> Skipped:
    """A booking whose naive times have no zone to be read in, as a skipped record."""
    return Skipped(
        where,
        "time without a zone, and its lab's zone is unknown",
        record_id=booking.id,
        equipment_id=booking.equipment.id if booking.equipment else None,
    )
