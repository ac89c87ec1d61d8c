"""Every phrasing of a date, a time or a length of time, as rows of a table.

A row is literal words and slots (see `slots.py`) and what it sets in the `Builder`: the day,
the part of the day, the time, a length. A new phrasing is a new row; the reader
(`reader.py`) takes, at each word, the longest row that fits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.questions.timewords.slots import (
    CLOCK_WORDS,
    MONTH_WORDS,
    NUMBER_WORDS,
    PART_WORDS,
    SKIPPED,
    SPELLINGS,
    UNIT_MINUTES,
    WEEKDAY_WORDS,
    Clock,
    real_date,
)
from bot.questions.when import DayWord, PartOfDay, When


@dataclass
class Builder:
    """What the rows have set so far; each thing may be set once."""

    day: DayWord | None = None
    weekday: int | None = None
    date: dt.date | None = None
    month: int | None = None
    day_of_month: int | None = None
    minutes: int | None = None
    days: int | None = None
    part: PartOfDay | None = None
    clocks: tuple[Clock, Clock | None] | None = None
    needs_strong: bool = False  # a time without "at" needs a colon or am/pm
    seen: set[str] = field(default_factory=set)

    def once(self, what: str) -> bool:
        if what in self.seen:
            return False
        self.seen.add(what)
        return True


Action = Callable[[Builder, list[object]], bool]


def _set_day(day: DayWord) -> Action:
    def act(builder: Builder, _: list[object]) -> bool:
        builder.day = day
        return builder.once("day")

    return act


def _set_weekday(day: DayWord) -> Action:
    def act(builder: Builder, values: list[object]) -> bool:
        builder.day, builder.weekday = day, int(str(values[0]))
        return builder.once("day")

    return act


def _set_part(part: PartOfDay | None = None, *, today: bool = False) -> Action:
    """A part of the day, named in the row or by its `<part>` slot; `today` for "this …"."""

    def act(builder: Builder, values: list[object]) -> bool:
        builder.part = part or PART_WORDS[str(values[0])]
        if today:
            builder.day = "today"
            return builder.once("day") and builder.once("part")
        return builder.once("part")

    return act


def _set_date(builder: Builder, values: list[object]) -> bool:
    value = values[0]
    if isinstance(value, When):  # a slashed date without a year
        builder.day = "month_day"
        builder.month, builder.day_of_month = value.month, value.day_of_month
    elif isinstance(value, dt.date):
        builder.day, builder.date = "date", value
    return builder.once("day")


def _set_month_day(order: str) -> Action:
    """`order` names the slots in the row: "dm", "md", "dmy", "mdy" or "d" (the 4th); a "w"
    is a weekday written before the date ("Fri 4 Dec"), which the date settles."""

    def act(builder: Builder, values: list[object]) -> bool:
        numbers = dict(zip(order, (int(str(value)) for value in values), strict=True))
        day, month, year = numbers["d"], numbers.get("m"), numbers.get("y")
        if year is not None and month is not None:
            found = real_date(year, month, day)
            if found is None:
                return False
            builder.day, builder.date = "date", found
        else:
            builder.day, builder.month, builder.day_of_month = "month_day", month, day
        return builder.once("day")

    return act


def _set_later(minutes: int | None = None) -> Action:
    """In so long from now: the row's fixed minutes, or `<count>` times `<unit>`."""

    def act(builder: Builder, values: list[object]) -> bool:
        numbers = [int(str(value)) for value in values]
        builder.minutes = minutes if minutes is not None else numbers[0] * numbers[-1]
        builder.day = "later"
        return builder.once("day")

    return act


def _set_in_days(unit: int, count: int | None = None) -> Action:
    """In so many days: the row's `count`, or its `<count>`, times `unit` (7 for weeks)."""

    def act(builder: Builder, values: list[object]) -> bool:
        number = count if count is not None else int(str(values[0]))
        builder.day, builder.days = "in_days", number * unit
        return builder.once("day")

    return act


def _set_clocks(*, strong: bool = False, after: bool = False, before: bool = False) -> Action:
    """A time or a range from the row's `<clock>` slots; `strong` when written without "at";
    `after` runs to midnight, `before` from midnight."""

    def act(builder: Builder, values: list[object]) -> bool:
        clocks = [value for value in values if isinstance(value, Clock)]
        if strong and not any(clock.strong for clock in clocks):
            return False
        midnight = Clock(0, 0, None, fixed=True, strong=True)
        first, second = clocks[0], clocks[1] if len(clocks) > 1 else None
        if after:
            second = midnight
        if before:
            first, second = midnight, first
        builder.clocks = (first, second)
        return builder.once("clock")

    return act


def _set_past(minutes: int) -> Action:
    """ "half past 3", "quarter to 4": minutes from the `<hour>`'s hour (negative: before)."""

    def act(builder: Builder, values: list[object]) -> bool:
        hour = int(str(values[0]))
        if minutes < 0:
            hour = hour - 1 or 12
        clock = Clock(hour, minutes % 60, None, fixed=False, strong=True)
        builder.clocks = (clock, None)
        return builder.once("clock")

    return act


def _set_minutes_past(builder: Builder, values: list[object]) -> bool:
    """ "10 past 9": the `<count>` minutes after the `<hour>`."""
    minutes, hour = (int(str(value)) for value in values)
    if not 0 < minutes < 60:
        return False
    builder.clocks = (Clock(hour, minutes, None, fixed=False, strong=True), None)
    return builder.once("clock")


@dataclass(frozen=True)
class Row:
    """One phrasing: literal words and slots, and what it sets."""

    pattern: tuple[str, ...]
    act: Action


def _rows(*entries: tuple[str | tuple[str, ...], Action]) -> tuple[Row, ...]:
    """Rows from (phrasing, action); several phrasings may share an action."""
    rows: list[Row] = []
    for phrasings, act in entries:
        for phrasing in (phrasings,) if isinstance(phrasings, str) else phrasings:
            rows.append(Row(tuple(phrasing.split()), act))
    return tuple(rows)


# Every phrasing of a date or time, and what it sets.
ROWS: tuple[Row, ...] = _rows(
    (("now", "right now", "at the moment", "just now"), _set_day("now")),
    (("today", "later today", "earlier today"), _set_day("today")),
    ("tomorrow", _set_day("tomorrow")),
    ("yesterday", _set_day("yesterday")),
    (("<weekday>", "this <weekday>", "this coming <weekday>", "coming <weekday>"),
     _set_weekday("weekday")),
    (("next <weekday>", "<weekday> next week"), _set_weekday("next_weekday")),
    (("last <weekday>", "this past <weekday>"), _set_weekday("last_weekday")),
    ("this week", _set_day("this_week")),
    (("next week", "the coming week"), _set_day("next_week")),
    (("last week", "the last week", "previous week"), _set_day("last_week")),
    (("this weekend", "the weekend", "weekend", "at the weekend", "this coming weekend"),
     _set_day("this_weekend")),
    ("next weekend", _set_day("next_weekend")),
    ("this month", _set_day("this_month")),
    ("next month", _set_day("next_month")),
    (("last month", "previous month"), _set_day("last_month")),
    (("<iso>", "<slash>"), _set_date),
    (("<mday> <month>", "<mday> of <month>", "the <mday> of <month>"), _set_month_day("dm")),
    (("<month> <mday>", "<month> the <mday>"), _set_month_day("md")),
    (("<mday> <month> <year>", "the <mday> of <month> <year>", "<mday> of <month> <year>"),
     _set_month_day("dmy")),
    ("<month> <mday> <year>", _set_month_day("mdy")),
    (("<weekday> <mday> <month>", "<weekday> the <mday> of <month>"), _set_month_day("wdm")),
    ("<weekday> <month> <mday>", _set_month_day("wmd")),
    ("<weekday> <mday> <month> <year>", _set_month_day("wdmy")),
    (("<weekday> the <ordinal>", "<weekday> <ordinal>"), _set_month_day("wd")),
    (("the <ordinal>", "<ordinal>"), _set_month_day("d")),
    ("tonight", _set_part("night", today=True)),
    ("this <part>", _set_part(today=True)),
    (("<part>", "in the <part>"), _set_part()),
    ("at night", _set_part("night")),
    ("in <count> <unit>", _set_later()),
    (("in half an hour", "in half a hour"), _set_later(30)),
    (("in an hour and a half", "in one and a half hours"), _set_later(90)),
    ("in a couple of hours", _set_later(120)),
    (("in <count> days", "<count> days from now", "in <count> days time"), _set_in_days(1)),
    (("in <count> weeks", "<count> weeks from now", "in <count> weeks time"), _set_in_days(7)),
    (("in a week", "a week from today", "a week today", "in a week's time"), _set_in_days(1, 7)),
    (("the day after tomorrow", "day after tomorrow", "overmorrow"), _set_in_days(1, 2)),
    ("in a few minutes", _set_later(5)),
    (("at <clock>", "around <clock>", "about <clock>", "at about <clock>", "at around <clock>"),
     _set_clocks()),
    ("<clock>", _set_clocks(strong=True)),
    (("from <clock> to <clock>", "from <clock> until <clock>", "from <clock> till <clock>",
      "from <clock> til <clock>", "from <clock> - <clock>", "between <clock> and <clock>",
      "at <clock> - <clock>", "at <clock> to <clock>", "between <clock> - <clock>"),
     _set_clocks()),
    (("<clock> - <clock>", "<clock> to <clock>", "<clock> until <clock>", "<clock> till <clock>"),
     _set_clocks(strong=True)),
    (("after <clock>", "from <clock> on", "from <clock> onwards", "<clock> onwards"),
     _set_clocks(after=True)),
    (("before <clock>", "until <clock>", "till <clock>", "by <clock>"), _set_clocks(before=True)),
    (("half past <hour>", "at half past <hour>", "half <hour>"), _set_past(30)),
    (("<count> past <hour>", "at <count> past <hour>", "<count> minutes past <hour>",
      "at <count> minutes past <hour>"), _set_minutes_past),
    (("quarter past <hour>", "a quarter past <hour>", "at quarter past <hour>"), _set_past(15)),
    (("quarter to <hour>", "a quarter to <hour>", "at quarter to <hour>"), _set_past(-15)),
)  # fmt: skip

# Lengths of time: "for 2 hours" (not a time: a question may ask for a slot this long).
DURATION_ROWS: tuple[Row, ...] = _rows(
    (("for <count> <unit>", "<count> <unit>", "for <count> more <unit>"), _set_later()),
    (("for half an hour", "half an hour"), _set_later(30)),
    (("for an hour and a half", "for one and a half hours"), _set_later(90)),
    (("for a couple of hours", "a couple of hours"), _set_later(120)),
)

WORDS: frozenset[str] = (
    frozenset(
        word
        for table in (ROWS, DURATION_ROWS)
        for row in table
        for word in row.pattern
        if not word.startswith("<")
    )
    | frozenset(WEEKDAY_WORDS)
    | frozenset(MONTH_WORDS)
    | frozenset(PART_WORDS)
    | frozenset(UNIT_MINUTES)
    | frozenset(NUMBER_WORDS)
    | frozenset(CLOCK_WORDS)
    | frozenset(SPELLINGS)
    | SKIPPED
    | {
        "am",
        "pm",
        "o'clock",
    }
)
"""Every word a date or time may be written with."""
