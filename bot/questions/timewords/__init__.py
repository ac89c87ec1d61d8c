"""The ways people write dates and times, as a table of phrasings, to a `When`.

Each row of `ROWS` is one phrasing: literal words and slots (`<weekday>`, `<clock>`, …), and
what it sets. A new phrasing is a new row. The reader takes, at each word, the longest row
that fits; every kind of thing (the day, the part of the day, the time) may be said once.

Day/month dates written with slashes ("4/12") read by the lab's convention, `date_order`;
without one, a date that reads two ways comes back as a `DateChoice`, for the bot to ask.

`slots.py` holds the words and the slots, `rows.py` the table of phrasings, `reader.py` the
reading; this module the three ways in: `read_when`, `parse_when` and `parse_duration`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.questions.timewords.reader import Reader, date_words, longest, tokenize, two_ways
from bot.questions.timewords.rows import DURATION_ROWS, WORDS, Builder
from bot.questions.timewords.slots import (
    MONTH_WORDS,
    NUMBER_WORDS,
    PART_WORDS,
    SPELLINGS,
    WEEKDAY_WORDS,
    DateOrder,
)
from bot.questions.when import MAX_LATER_MINUTES, When

__all__ = [
    "MONTH_WORDS",
    "NUMBER_WORDS",
    "PART_WORDS",
    "SPELLINGS",
    "WEEKDAY_WORDS",
    "WORDS",
    "DateChoice",
    "DateOrder",
    "parse_duration",
    "parse_when",
    "read_when",
]


@dataclass(frozen=True)
class DateChoice:
    """A date that reads two ways ("4/12"): what was written, and each reading, day first."""

    written: str
    readings: tuple[When, When]

    def question(self) -> str:
        first, second = (date_words(reading) for reading in self.readings)
        return f"By {self.written}, do you mean {first} or {second}?"


def read_when(text: str, *, date_order: DateOrder | None = None) -> When | DateChoice | None:
    """The WHEN words of a command or question; a `DateChoice` when a slashed date reads two
    ways and `date_order` does not settle it (one that reads only one way, "12/25", is read
    that way); None if `text` is not entirely time words. Empty text means today."""
    tokens = tokenize(text)
    if tokens is None:
        return None
    if not tokens:
        return When()
    if date_order is None:
        written = next((token.text for token in tokens if two_ways(token)), None)
        if written is not None:
            day_first = Reader(tokens, "DMY").read()
            month_first = Reader(tokens, "MDY").read()
            if day_first is None or month_first is None:
                return day_first or month_first
            return DateChoice(written, (day_first, month_first))
    order = date_order or "DMY"
    read = Reader(tokens, order).read()
    if read is None and any(token.kind == "slash" for token in tokens):
        return Reader(tokens, "MDY" if order == "DMY" else "DMY").read()  # "12/25": December
    return read


def parse_when(text: str, *, date_order: DateOrder | None = None) -> When | None:
    """`read_when` for callers that cannot ask back: a date that reads two ways is None."""
    read = read_when(text, date_order=date_order)
    return read if isinstance(read, When) else None


def parse_duration(text: str) -> int | None:
    """Minutes of a length of time ("for 2 hours", "for half an hour"), or None."""
    tokens = tokenize(text)
    if not tokens:
        return None
    found = longest(DURATION_ROWS, tokens, 0, "DMY")
    if found is None or found[2] != len(tokens):
        return None
    row, values, _ = found
    builder = Builder()
    if not row.act(builder, values) or builder.minutes is None:
        return None
    return builder.minutes if 0 < builder.minutes <= MAX_LATER_MINUTES else None
