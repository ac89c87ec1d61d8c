"""The time grammar's table: every row reads, and each family of phrasings means what it says."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from bot.questions.timewords import (
    DateChoice,
    DateOrder,
    parse_duration,
    parse_when,
    read_when,
)
from bot.questions.timewords.rows import DURATION_ROWS, ROWS, Row
from bot.questions.when import When
from bot.questions.words.teach import said

# Values to fill each slot of a row with; a row with two clocks gets two different ones.
SAMPLES = {
    "<weekday>": ["friday"],
    "<month>": ["dec"],
    "<part>": ["afternoon"],
    "<unit>": ["hours"],
    "<mday>": ["4"],
    "<ordinal>": ["4th"],
    "<year>": ["2026"],
    "<count>": ["2"],
    "<hour>": ["3"],
    "<clock>": ["2pm", "4pm"],
    "<iso>": ["2026-12-04"],
    "<slash>": ["25/12"],
}


def example(row: Row) -> str:
    used = {slot: itertools.cycle(values) for slot, values in SAMPLES.items()}
    return " ".join(next(used[word]) if word in used else word for word in row.pattern)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: " ".join(row.pattern))
def test_every_row_reads_an_example(row: Row) -> None:
    assert isinstance(read_when(example(row)), When), example(row)


@pytest.mark.parametrize("row", DURATION_ROWS, ids=lambda row: " ".join(row.pattern))
def test_every_length_row_reads_an_example(row: Row) -> None:
    assert parse_duration(example(row)) is not None, example(row)


def weekday(day: int, kind: str = "weekday") -> When:
    return When(day=kind, weekday=day)  # type: ignore[arg-type]


def soonest(hour: int, minute: int = 0, until: int | None = None) -> When:
    return When(
        day="soonest",
        at=dt.time(hour, minute),
        until=None if until is None else dt.time(until),
    )


def month_day(month: int | None, day: int) -> When:
    return When(day="month_day", month=month, day_of_month=day)


PHRASINGS: list[tuple[str, When]] = [
    # next / last / this + weekday
    ("next monday", weekday(0, "next_weekday")),
    ("next Fri", weekday(4, "next_weekday")),
    ("thursday next week", weekday(3, "next_weekday")),
    ("last tuesday", weekday(1, "last_weekday")),
    ("this past sunday", weekday(6, "last_weekday")),
    ("this wednesday", weekday(2)),
    ("this coming saturday", weekday(5)),
    ("on weds", weekday(2)),
    # day and month, in words and numbers
    ("4 dec", month_day(12, 4)),
    ("Dec 4", month_day(12, 4)),
    ("december 4th", month_day(12, 4)),
    ("4th of December", month_day(12, 4)),
    ("the 4th of dec", month_day(12, 4)),
    ("on the 21st", month_day(None, 21)),
    ("2nd", month_day(None, 2)),
    ("sept 30", month_day(9, 30)),
    ("May 1", month_day(5, 1)),
    ("29 feb", month_day(2, 29)),
    ("4 dec 2026", When(day="date", date=dt.date(2026, 12, 4))),
    ("december 4, 2026", When(day="date", date=dt.date(2026, 12, 4))),
    ("the 4th of december 2027", When(day="date", date=dt.date(2027, 12, 4))),
    ("Fri 4 Dec", month_day(12, 4)),
    ("friday the 4th of december", month_day(12, 4)),
    ("Tue 3 Mar 2026", When(day="date", date=dt.date(2026, 3, 3))),
    ("thursday the 21st", month_day(None, 21)),
    ("25/12", month_day(12, 25)),
    ("12/25", month_day(12, 25)),  # only one reading: month first
    ("7/7", month_day(7, 7)),  # the same either way
    ("25/12/2026", When(day="date", date=dt.date(2026, 12, 25))),
    ("25/12/26", When(day="date", date=dt.date(2026, 12, 25))),
    # weekends and months
    ("this weekend", When(day="this_weekend")),
    ("over the weekend", When(day="this_weekend")),
    ("at the weekend", When(day="this_weekend")),
    ("next weekend", When(day="next_weekend")),
    ("this month", When(day="this_month")),
    ("next month", When(day="next_month")),
    ("last month", When(day="last_month")),
    ("last week", When(day="last_week")),
    # in N minutes / hours
    ("in 2 hours", When(day="later", minutes=120)),
    ("in two hours", When(day="later", minutes=120)),
    ("in 30 mins", When(day="later", minutes=30)),
    ("in 45 minutes", When(day="later", minutes=45)),
    ("in an hour", When(day="later", minutes=60)),
    ("in half an hour", When(day="later", minutes=30)),
    ("in an hour and a half", When(day="later", minutes=90)),
    ("in 2h", When(day="later", minutes=120)),
    ("in a few minutes", When(day="later", minutes=5)),
    # in N days and weeks
    ("the day after tomorrow", When(day="in_days", days=2)),
    ("in 3 days", When(day="in_days", days=3)),
    ("in a week", When(day="in_days", days=7)),
    ("in two weeks", When(day="in_days", days=14)),
    ("10 days from now", When(day="in_days", days=10)),
    ("in 3 days at 9", When(day="in_days", days=3, at=dt.time(9))),
    # tonight, this evening, parts of the day
    ("tonight", When(part="night")),
    ("this evening", When(part="evening")),
    ("at night", When(day="soonest", part="night")),
    ("in the morning", When(day="soonest", part="morning")),
    ("tomorrow arvo", When(day="tomorrow", part="afternoon")),
    ("friday evening", When(day="weekday", weekday=4, part="evening")),
    ("next monday morning", When(day="next_weekday", weekday=0, part="morning")),
    # ranges
    ("between 2 and 4", soonest(14, until=16)),
    (
        "from 14:00 to 16:30 on friday",
        When("weekday", weekday=4, at=dt.time(14), until=dt.time(16, 30)),
    ),
    ("from 9 till 11", soonest(9, until=11)),
    ("10am-noon", soonest(10, until=12)),
    ("after 5", When(day="soonest", at=dt.time(17), until=dt.time(0))),
    ("before 11", When(day="soonest", at=dt.time(0), until=dt.time(11))),
    ("until 5pm tomorrow", When(day="tomorrow", at=dt.time(0), until=dt.time(17))),
    ("by noon", When(day="soonest", at=dt.time(0), until=dt.time(12))),
    ("from 6pm onwards", When(day="soonest", at=dt.time(18), until=dt.time(0))),
    (
        "4 dec from 2 to 4pm",
        When("month_day", month=12, day_of_month=4, at=dt.time(14), until=dt.time(16)),
    ),
    # "at 3" and other times of day
    ("at 3", soonest(15)),
    ("at three", soonest(15)),
    ("3 o'clock", soonest(15)),
    ("at 7.30", soonest(19, 30)),
    ("at 8", soonest(8)),
    ("half past 3", soonest(15, 30)),
    ("half 3", soonest(15, 30)),
    ("quarter past 10", soonest(10, 15)),
    ("quarter to 1", soonest(12, 45)),
    ("at midnight", soonest(0)),
    ("around noon", soonest(12)),
    ("at lunch", soonest(12)),
    ("tomorrow at 3", When(day="tomorrow", at=dt.time(15))),
    ("today at 3", When(day="today", at=dt.time(15))),  # said today: today's, even if past
    ("tonight at 9", When(part="night", at=dt.time(21))),
    # other spellings
    ("tmrw at 9", When(day="tomorrow", at=dt.time(9))),
    ("rn", When(day="now")),
    ("right now", When(day="now")),
]


def test_the_phrasing_table_is_broad() -> None:
    assert len(PHRASINGS) >= 80


@pytest.mark.parametrize(("text", "when"), PHRASINGS)
def test_phrasing(text: str, when: When) -> None:
    assert read_when(text, date_order="DMY") == when


@pytest.mark.parametrize(("text", "when"), PHRASINGS)
def test_said_back_in_words_that_read_the_same(text: str, when: When) -> None:
    """Suggestions say the time as `said()` does; read again it is the same time."""
    assert read_when(said(when), date_order="DMY") == when


@pytest.mark.parametrize(
    ("text", "day_first", "month_first"),
    [
        ("4/12", month_day(12, 4), month_day(4, 12)),
        ("1/2", month_day(2, 1), month_day(1, 2)),
        (
            "4/12/2026 at 3",
            When(day="date", date=dt.date(2026, 12, 4), at=dt.time(15)),
            When(day="date", date=dt.date(2026, 4, 12), at=dt.time(15)),
        ),
    ],
)
def test_a_slashed_date_reads_by_the_labs_date_order(
    text: str, day_first: When, month_first: When
) -> None:
    assert read_when(text, date_order="DMY") == day_first
    assert read_when(text, date_order="MDY") == month_first
    asked = read_when(text)
    assert isinstance(asked, DateChoice)
    assert asked.readings == (day_first, month_first)
    assert parse_when(text) is None  # without a way to ask, nothing is guessed


def test_the_question_back_names_both_dates() -> None:
    asked = read_when("4/12")
    assert isinstance(asked, DateChoice)
    assert asked.question() == "By 4/12, do you mean 4 December or 12 April?"
    asked = read_when("4/12/2026")
    assert isinstance(asked, DateChoice)
    assert asked.question() == "By 4/12/2026, do you mean 4 December 2026 or 12 April 2026?"


@pytest.mark.parametrize("order", ["DMY", "MDY", None])
@pytest.mark.parametrize("text", ["13/13", "0/5", "31/2", "4/12/1850", "25/12/", "1/2/3/4"])
def test_slashed_numbers_that_are_no_date(text: str, order: DateOrder | None) -> None:
    assert read_when(text, date_order=order) is None


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("for 2 hours", 120),
        ("for two hours", 120),
        ("2 hours", 120),
        ("for 30 minutes", 30),
        ("for 45 mins", 45),
        ("for an hour", 60),
        ("for half an hour", 30),
        ("for an hour and a half", 90),
        ("for a couple of hours", 120),
        ("for 3 more hours", 180),
        ("for 2", None),
        ("for ages", None),
        ("for 9999 hours", None),  # past a week
        ("tomorrow", None),
    ],
)
def test_lengths_of_time(text: str, minutes: int | None) -> None:
    assert parse_duration(text) == minutes
