"""What happens in the sandbox's Clustermarket between two polls: bookings approved, declined,
cancelled or moved, instruments put into maintenance and back.

A move is applied at once or at its `at`, by the sandbox's own clock (real time, or the time
a test or benchmark sets, so a simulated day can run in seconds). The seeded world is shared
and never mutated: applying moves builds this sandbox's own copy with the changed records,
so other sandboxes keep the world as seeded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from bot.sandbox.seed import Booking, Equipment, SandboxData

MoveKind = Literal["booking", "availability"]
BOOKING_STATUSES = ("requested", "approved", "declined", "cancelled", "ordered", "completed")


class MoveError(ValueError):
    """A move that asks for something a booking or instrument cannot be."""

    status = 400


class NothingThere(MoveError):
    """A move that names a booking, instrument or person the world does not have."""

    status = 404


@dataclass(frozen=True)
class Move:
    """One change to the world: a booking's status or times, or an instrument's availability.

    `at` None means as soon as it is made; `applied_at` is the sandbox time it took effect.
    """

    number: int
    kind: MoveKind
    target: int
    status: str | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    cancelled_by: int | None = None
    availability: str | None = None
    at: dt.datetime | None = None
    applied_at: dt.datetime | None = None

    def json(self) -> dict[str, Any]:
        """As the control endpoint lists it."""

        def stamp(moment: dt.datetime | None) -> str | None:
            return None if moment is None else moment.astimezone(dt.UTC).isoformat()

        return {
            "number": self.number,
            "kind": self.kind,
            "target": self.target,
            "status": self.status,
            "start": stamp(self.start),
            "end": stamp(self.end),
            "cancelled_by": self.cancelled_by,
            "availability_status": self.availability,
            "at": stamp(self.at),
            "applied_at": stamp(self.applied_at),
        }


def _aware(moment: dt.datetime | None, name: str) -> dt.datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise MoveError(f"{name} needs a time zone (e.g. 2026-03-25T09:00:00Z)")
    return moment.astimezone(dt.UTC)


def checked(data: SandboxData, move: Move) -> Move:
    """The move with its times in UTC, or MoveError saying what is wrong with it."""
    if move.kind == "availability":
        if move.target not in data.equipment:
            raise NothingThere(f"no equipment {move.target}")
        if not (move.availability or "").strip():
            raise MoveError("availability_status must name a status, e.g. Under Maintenance")
        return dataclasses.replace(move, at=_aware(move.at, "at"))
    booking = data.bookings.get(move.target)
    if booking is None:
        raise NothingThere(f"no booking {move.target}")
    if move.status is not None and move.status not in BOOKING_STATUSES:
        raise MoveError(f"status must be one of {', '.join(BOOKING_STATUSES)}")
    if move.cancelled_by is not None and move.cancelled_by not in data.people:
        raise NothingThere(f"no person {move.cancelled_by}")
    start, end = _aware(move.start, "start"), _aware(move.end, "end")
    if move.status is None and start is None and end is None:
        raise MoveError("a booking move changes its status, its start or its end")
    if (start or booking.start) >= (end or booking.end):
        raise MoveError("a booking must end after it starts")
    return dataclasses.replace(move, start=start, end=end, at=_aware(move.at, "at"))


def _moved_booking(booking: Booking, move: Move) -> Booking:
    status = move.status or booking.status
    return dataclasses.replace(
        booking,
        status=status,
        start=move.start or booking.start,
        end=move.end or booking.end,
        cancelled_by=move.cancelled_by if status == "cancelled" else None,
    )


def applied(data: SandboxData, moves: Iterable[Move]) -> tuple[SandboxData, set[int]]:
    """The world after `moves` (in order), and the ids of the bookings they changed."""
    bookings: dict[int, Booking] | None = None
    equipment: dict[int, Equipment] | None = None
    changed: set[int] = set()
    for move in moves:
        if move.kind == "availability":
            equipment = dict(data.equipment) if equipment is None else equipment
            equipment[move.target] = dataclasses.replace(
                equipment[move.target], availability_status=move.availability or "Available"
            )
            changed |= {booking.id for booking in data.bookings_of_equipment(move.target)}
        else:
            bookings = dict(data.bookings) if bookings is None else bookings
            bookings[move.target] = _moved_booking(bookings[move.target], move)
            changed.add(move.target)
    if bookings is None and equipment is None:
        return data, changed
    return (
        dataclasses.replace(
            data,
            bookings=_frozen(bookings, data.bookings),
            equipment=_frozen(equipment, data.equipment),
        ),
        changed,
    )


def _frozen(changed: dict[int, Any] | None, original: Mapping[int, Any]) -> Mapping[int, Any]:
    return original if changed is None else MappingProxyType(changed)


@dataclass
class MoveBook:
    """The moves made in one sandbox: those waiting for their time, and those applied."""

    waiting: list[Move] = field(default_factory=list)
    applied: list[Move] = field(default_factory=list)

    def add(self, move: Move) -> None:
        self.waiting.append(move)
        self.waiting.sort(key=lambda item: item.at or dt.datetime.min.replace(tzinfo=dt.UTC))

    def due(self, now: dt.datetime) -> list[Move]:
        """Take the moves whose time has come, marking them applied at their own time (or
        `now` for those made to happen at once)."""
        ready = [move for move in self.waiting if move.at is None or move.at <= now]
        if not ready:
            return []
        self.waiting = [move for move in self.waiting if move not in ready]
        done = [dataclasses.replace(move, applied_at=move.at or now) for move in ready]
        self.applied.extend(done)
        return done

    def all(self) -> list[Move]:
        return [*self.applied, *self.waiting]
