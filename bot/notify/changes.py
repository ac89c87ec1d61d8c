"""What changed between two polls of an account: pure, no clock and no I/O.

A booking that reaches the approved, declined or cancelled stage, or whose times move, is a
change; so is an instrument the owner has booked in the next seven days that stops being
available. A booking the owner cancelled themselves (when the server says so) is not news to
them; one the new poll cannot account for is only called cancelled when that poll read the
whole list without gaps, since a booking merely unread is not a cancelled one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from bot.clustermarket.statuses import is_available, stage_of
from bot.notify.snapshot import SeenBooking, Snapshot

ChangeKind = Literal["approved", "declined", "cancelled", "moved", "unavailable"]
UNAVAILABLE_AHEAD = dt.timedelta(days=7)


@dataclass(frozen=True)
class Change:
    """One thing to tell the account's people. `booking` is as it is now (as it was, for one
    that is gone); `before` as the last poll saw it. An instrument going out of service
    names its new `status` and the `affected` bookings on it."""

    kind: ChangeKind
    booking: SeenBooking | None = None
    before: SeenBooking | None = None
    equipment_id: int | None = None
    status: str | None = None
    affected: tuple[SeenBooking, ...] = ()
    gone: bool = False
    """The booking is no longer in Clustermarket at all (deleted, or cancelled and hidden)."""

    def key(self, since: str) -> str:
        """What identifies this change, given the poll it was found against (`since`)."""
        if self.kind == "unavailable":
            return f"unavailable:{self.equipment_id}:{self.status}:{since}"
        assert self.booking is not None
        booking = self.booking
        if self.kind == "moved":
            return f"moved:{booking.id}:{booking.start.isoformat()}:{since}"
        return f"{self.kind}:{booking.id}:{since}"


def _status_change(before: SeenBooking, now: SeenBooking) -> ChangeKind | None:
    old, new = stage_of(before.status), stage_of(now.status)
    if new == old or new is None or new == "pending":
        return None
    if new == "cancelled":
        return None if now.cancelled_by_owner or not before.active else "cancelled"
    if new == "declined" and old == "cancelled":
        return None
    return new


def booking_changes(
    before: Snapshot, after: Snapshot, *, gone: Collection[int], now: dt.datetime
) -> list[Change]:
    """Changes to the bookings `before` saw that are not over yet. `gone` are the ids the new
    poll can say for certain no longer exist."""
    changes: list[Change] = []
    for old in before.bookings.values():
        if old.over(now):
            continue
        new = after.bookings.get(old.id)
        if new is None:
            if old.id in gone and old.active:
                changes.append(Change("cancelled", booking=old, gone=True))
            continue
        kind = _status_change(old, new)
        if kind is not None:
            changes.append(Change(kind, booking=new, before=old))
        moved = (new.start, new.end) != (old.start, old.end)
        if moved and new.active and kind not in ("cancelled", "declined"):
            changes.append(Change("moved", booking=new, before=old))
    return changes


def unavailable_changes(before: Snapshot, after: Snapshot, *, now: dt.datetime) -> list[Change]:
    """Instruments that stopped being available while the owner has bookings on them in the
    next seven days (an instrument the last poll did not see is not a change)."""
    ahead = now + UNAVAILABLE_AHEAD
    changes: list[Change] = []
    for equipment_id, status in sorted(after.availability.items()):
        if equipment_id not in before.availability or is_available(status):
            continue
        if not is_available(before.availability[equipment_id]):
            continue
        affected = tuple(
            booking
            for booking in after.upcoming(now)
            if booking.equipment_id == equipment_id and booking.start < ahead
        )
        if affected:
            changes.append(
                Change("unavailable", equipment_id=equipment_id, status=status, affected=affected)
            )
    return changes
