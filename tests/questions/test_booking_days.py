"""Bookings for a window, by local day, free slots, what is on now and the next free slot."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from bot.questions.days import (
    Slot,
    busy_at,
    by_local_day,
    free_slots,
    in_window,
    is_active,
    next_free,
)
from bot.questions.when import When, Window, resolve

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC


@dataclass(frozen=True)
class Booking:
    name: str
    start_time: dt.datetime | None
    end_time: dt.datetime | None
    status: str | None = "approved"


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=LONDON)


def book(
    name: str, start: dt.datetime, end: dt.datetime, status: str | None = "approved"
) -> Booking:
    return Booking(name, start, end, status)


def day_window(day: int, month: int = 3) -> Window:
    return resolve(When(), LONDON, at(day, 12, month=month))


def names(bookings: list[Booking]) -> list[str]:
    return [booking.name for booking in bookings]


@pytest.mark.parametrize(
    ("status", "active"),
    [
        (None, True),
        ("approved", True),
        ("requested", True),
        ("completed", True),
        ("ordered", True),
        ("something new", True),
        ("cancelled", False),
        ("Cancelled", False),
        ("CANCELED", False),
        ("declined", False),
        (" Declined ", False),
    ],
)
def test_is_active(status: str | None, active: bool) -> None:
    assert is_active(status) is active


def test_in_window_overlaps_sorts_and_skips() -> None:
    bookings = [
        book("late", at(25, 16), at(25, 17)),
        book("overnight-in", at(24, 22), at(25, 2)),
        book("early", at(25, 9), at(25, 10)),
        book("cancelled", at(25, 11), at(25, 12), "cancelled"),
        book("declined", at(25, 12), at(25, 13), "Declined"),
        book("yesterday", at(24, 9), at(24, 10)),
        book("ends-at-midnight", at(24, 23), at(25, 0)),  # touches, does not overlap
        book("tomorrow", at(26, 0), at(26, 1)),
        Booking("no-times", None, at(25, 10)),
        Booking("no-end", at(25, 10), None),
        book("backwards", at(25, 15), at(25, 14)),
    ]
    window = day_window(25)
    assert names(in_window(bookings, window)) == ["overnight-in", "early", "late"]
    everything = in_window(bookings, window, active_only=False)
    assert names(everything) == ["overnight-in", "early", "cancelled", "declined", "late"]


def test_in_window_compares_in_utc_whatever_the_zones() -> None:
    utc_booking = Booking(
        "utc",
        dt.datetime(2026, 3, 25, 23, 30, tzinfo=UTC),
        dt.datetime(2026, 3, 26, 0, 30, tzinfo=UTC),
    )
    new_york = ZoneInfo("America/New_York")
    window = resolve(When(), new_york, dt.datetime(2026, 3, 25, 12, tzinfo=new_york))
    assert names(in_window([utc_booking], window)) == ["utc"]  # 19:30 in New York
    naive = Booking("naive", dt.datetime(2026, 3, 25, 12), dt.datetime(2026, 3, 25, 13))
    assert names(in_window([naive], window)) == ["naive"]  # taken as UTC, not refused


def test_repeated_hour_of_the_autumn_change_is_compared_by_instant() -> None:
    def london(hour: int, minute: int) -> dt.datetime:
        return dt.datetime(2026, 10, 25, hour, minute, tzinfo=UTC).astimezone(LONDON)

    window = Window(london(0, 15), london(0, 45), "the first 01:15-01:45, summer time")
    second = Booking("second", london(1, 30), london(1, 40))  # the second 01:30, winter time
    assert (second.start_time.hour, second.start_time.fold) == (1, 1)  # type: ignore[union-attr]
    assert in_window([second], window) == []  # by wall time alone it would overlap
    assert busy_at([second], london(0, 30)) is None
    assert free_slots([second], window) == [Slot(window.start, window.end)]


def test_midnight_crossing_booking_appears_on_both_days() -> None:
    bookings = [
        book("overnight", at(25, 22), at(26, 2)),
        book("morning", at(26, 9), at(26, 10)),
        book("wednesday", at(25, 9), at(25, 10)),
    ]
    window = resolve(When(day="this_week"), LONDON, at(25, 8))
    days = by_local_day(in_window(bookings, window), window)
    assert [day for day, _ in days] == [dt.date(2026, 3, d) for d in range(25, 30)]
    assert [names(listed) for _, listed in days] == [
        ["wednesday", "overnight"],
        ["overnight", "morning"],
        [],
        [],
        [],
    ]


def test_by_local_day_uses_local_days_on_a_short_day() -> None:
    window = resolve(When(day="next_week"), LONDON, at(18, 12))  # 23-29 March, BST from the 29th
    late_saturday = book("late", at(28, 23, 30), at(29, 3))  # across the change
    days = dict(by_local_day([late_saturday], window))
    assert names(days[dt.date(2026, 3, 28)]) == ["late"]
    assert names(days[dt.date(2026, 3, 29)]) == ["late"]
    assert names(days[dt.date(2026, 3, 27)]) == []


def test_free_slots_merge_overlapping_and_touching_bookings() -> None:
    bookings = [
        book("a", at(25, 9), at(25, 11)),
        book("b", at(25, 10), at(25, 12)),  # overlaps a
        book("c", at(25, 12), at(25, 13)),  # touches b
        book("d", at(25, 15), at(25, 15, 10)),
        book("e", at(25, 15, 20), at(25, 16)),  # 10-minute gap after d: too short
        book("gone", at(25, 17), at(25, 18), "cancelled"),
        book("overnight", at(25, 23), at(26, 1)),
    ]
    slots = free_slots(bookings, day_window(25))
    assert slots == [
        Slot(at(25, 0), at(25, 9)),
        Slot(at(25, 13), at(25, 15)),
        Slot(at(25, 16), at(25, 23)),
    ]
    assert [slot.minutes for slot in slots] == [540, 120, 420]
    assert all(slot.start.tzinfo is LONDON for slot in slots)


def test_free_slots_min_minutes_and_empty_day() -> None:
    bookings = [book("d", at(25, 15), at(25, 15, 10)), book("e", at(25, 15, 20), at(25, 16))]
    afternoon = resolve(When(part="afternoon"), LONDON, at(25, 8))
    assert free_slots(bookings, afternoon, min_minutes=5) == [
        Slot(at(25, 12), at(25, 15)),
        Slot(at(25, 15, 10), at(25, 15, 20)),
        Slot(at(25, 16), at(25, 18)),
    ]
    assert free_slots([], afternoon) == [Slot(at(25, 12), at(25, 18))]
    whole = [book("all", at(25, 11), at(25, 19))]
    assert free_slots(whole, afternoon) == []


def test_free_slots_on_the_long_autumn_day() -> None:
    slots = free_slots([], day_window(25, month=10))
    assert len(slots) == 1
    assert slots[0].minutes == 25 * 60


def test_busy_at() -> None:
    bookings = [
        book("cancelled", at(25, 9), at(25, 12), "cancelled"),
        book("second", at(25, 10), at(25, 11)),
        book("first", at(25, 9, 30), at(25, 10, 30)),
    ]
    assert busy_at(bookings, at(25, 9)) is None  # only a cancelled booking covers 09:00
    assert busy_at(bookings, at(25, 10, 15)) == bookings[2]  # the earlier start wins
    assert busy_at(bookings, at(25, 10, 30)) == bookings[1]  # an end is exclusive
    assert busy_at(bookings, at(25, 11)) is None
    assert busy_at([], at(25, 11)) is None


def test_next_free() -> None:
    bookings = [
        book("a", at(25, 9), at(25, 10)),
        book("b", at(25, 10, 10), at(25, 12)),  # 10-minute gap: too short for 30
        book("c", at(25, 13), at(25, 14)),
    ]
    assert next_free(bookings, at(25, 9, 30)) == Slot(at(25, 12), at(25, 13))
    assert next_free(bookings, at(25, 9, 30), min_minutes=10) == Slot(at(25, 10), at(25, 10, 10))
    assert next_free(bookings, at(25, 8)) == Slot(at(25, 8), at(25, 9))  # free right now
    after_all = next_free(bookings, at(25, 14), horizon_days=2)
    assert after_all == Slot(at(25, 14), at(27, 14))


def test_next_free_none_when_booked_solid() -> None:
    solid = [book("maintenance", at(1, 0), at(30, 0))]
    assert next_free(solid, at(2, 9), horizon_days=7) is None
    found = next_free(solid, at(2, 9), horizon_days=30)
    assert found is not None
    assert found.start == at(30, 0)


def test_next_free_ignores_cancelled_and_keeps_the_zone() -> None:
    new_york = ZoneInfo("America/New_York")
    after = dt.datetime(2026, 3, 25, 9, tzinfo=new_york)
    gone = book("gone", at(25, 12), at(25, 18), "declined")
    slot = next_free([gone], after, horizon_days=1)
    assert slot is not None
    assert slot.start == after
    assert slot.start.tzinfo is new_york
