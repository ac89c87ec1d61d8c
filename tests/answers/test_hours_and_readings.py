"""Pure sums of booked time, "next free" around unread bookings, and what a time was taken
to mean (`read_as`), at chosen clocks: late evening, a Sunday, a DST change."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.answers.asking import read_as
from bot.answers.hours import booked_time, own_time
from bot.answers.timing import _held, upcoming
from bot.clustermarket.listing import Skipped
from bot.clustermarket.models import Booking, BookingEquipment
from bot.questions.days import next_free
from bot.questions.when import When, resolve

LONDON = ZoneInfo("Europe/London")
WEDNESDAY = dt.date(2026, 3, 25)


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=LONDON)


def booking(
    start: dt.datetime,
    end: dt.datetime,
    *,
    status: str = "approved",
    category: str = "Use",
    name: str = "NanoDrop One",
    id: int = 1,
) -> Booking:
    return Booking(
        id=id,
        status=status,
        category=category,
        start_time=start,
        end_time=end,
        equipment=BookingEquipment(id=4105, name=name),
    )


def test_an_instrument_held_twice_at_once_counts_once() -> None:
    window = resolve(When(day="date", date=WEDNESDAY), LONDON, at(25, 12))
    bookings = [
        booking(at(25, 9), at(25, 11)),
        booking(at(25, 10), at(25, 12), id=2),  # overlaps the first by an hour
        booking(at(25, 14), at(25, 15), id=3, category="Repair"),
        booking(at(25, 16), at(25, 17), id=4, status="cancelled"),  # holds nothing
        booking(at(24, 23), at(25, 1), id=5),  # only its hour after midnight counts
    ]
    held = booked_time(bookings, window)
    assert (held.minutes, held.bookings, held.maintenance) == (5 * 60, 4, 60)
    assert held.unread == 0


def test_unread_bookings_that_might_fall_in_the_window_are_counted() -> None:
    window = resolve(When(day="date", date=WEDNESDAY), LONDON, at(25, 12))
    unread = [
        Skipped("page 1, item 2", "no status"),  # times unknown: could be any time
        Skipped("page 1, item 3", "bad requester", start=at(26, 9), end=at(26, 10)),
        Skipped("page 1, item 4", "bad requester", start=at(25, 9), end=at(25, 10)),
    ]
    assert booked_time([], window, unread).unread == 2


def test_a_dst_day_is_23_hours_and_a_whole_day_booking_fills_it() -> None:
    spring = dt.date(2026, 3, 29)
    window = resolve(When(day="date", date=spring), LONDON, at(25, 12))
    held = booked_time([booking(at(29, 0), at(30, 0))], window)
    assert held.minutes == 23 * 60


def test_own_time_sums_each_booking_and_says_what_is_ahead() -> None:
    now = at(25, 13)
    week = resolve(When(day="this_week"), LONDON, now, whole=True)
    mine = [
        booking(at(23, 9), at(23, 11), name="NovaSeq"),  # Monday, past
        booking(at(25, 12), at(25, 14), id=2, name="NanoDrop One"),  # an hour of it ahead
        booking(at(27, 9), at(27, 10), id=3, name="NovaSeq"),
        booking(at(25, 12), at(25, 13), id=4, name="Qubit"),  # at once with the NanoDrop
        booking(at(30, 9), at(30, 10), id=5, name="NovaSeq"),  # next week
    ]
    time = own_time(mine, week, now)
    assert (time.minutes, time.bookings, time.ahead) == (6 * 60, 4, 2 * 60)
    assert [(item.name, item.minutes, item.bookings) for item in time.by_instrument] == [
        ("NovaSeq", 180, 2),
        ("NanoDrop One", 120, 1),
        ("Qubit", 60, 1),
    ]


def test_next_free_steps_over_unread_bookings_whose_times_are_known() -> None:
    bookings = [booking(at(25, 13), at(25, 14))]
    unread = [Skipped("item", "bad requester", start=at(25, 14), end=at(25, 15, 30))]
    slot = next_free(_held(bookings, unread), at(25, 13, 10), min_minutes=30)
    assert slot is not None and slot.start == at(25, 15, 30)


def test_upcoming_keeps_one_under_way_and_drops_the_ended_and_cancelled() -> None:
    now = at(25, 13)
    found = upcoming(
        [
            booking(at(25, 15), at(25, 16), id=3),
            booking(at(25, 12), at(25, 14), id=2),  # under way
            booking(at(25, 9), at(25, 10), id=1),  # over
            booking(at(25, 14), at(25, 15), id=4, status="declined"),
        ],
        now,
        5,
    )
    assert [item.id for item in found] == [2, 3]


@pytest.mark.parametrize(
    ("clock", "when", "settled", "label"),
    [
        # "at 3" by day is today's 3 o'clock, in the evening tomorrow's
        (at(25, 10), When(day="soonest", at=dt.time(15)), "today", "Today 15:00–16:00"),
        (at(25, 19), When(day="soonest", at=dt.time(15)), "tomorrow", "Tomorrow 15:00–16:00"),
        (at(25, 23, 59), When(day="soonest", part="morning"), "tomorrow", "Tomorrow 06:00–12:00"),
        # a Sunday: "friday" is next week's, said with its date
        (at(29, 11), When(day="weekday", weekday=4), "weekday", "Fri 3 Apr"),
        (at(29, 11), When(day="month_day", month=12, day_of_month=4), "month_day", "Fri 4 Dec"),
        (at(25, 13), When(day="later", minutes=120), "later", "Today 15:00–16:00"),
        # nothing inferred: the window's own label stays
        (at(25, 13), When(day="tomorrow"), "tomorrow", "Tomorrow, Thu 26 Mar"),
        (at(25, 13), When(day="this_weekend"), "this_weekend", "This weekend, 28 Mar – 29 Mar"),
    ],
)
def test_what_a_time_was_taken_to_mean(
    clock: dt.datetime, when: When, settled: str, label: str
) -> None:
    meant, window = read_as(when, LONDON, clock)
    assert meant.day == settled
    assert window.label == label
    assert resolve(meant, LONDON, clock).start == window.start  # settled means the same


def test_a_whole_week_for_hours_starts_on_monday() -> None:
    _, window = read_as(When(day="this_week"), LONDON, at(25, 13), whole=True)
    assert window.start == at(23, 0) and window.end == at(30, 0)
