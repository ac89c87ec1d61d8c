"""The pieces a written time is made of: words for days, months, parts of the day and units,
tokens, and the slots a row of `rows.py` can hold ("<weekday>", "<clock>", "<slash>", …).

Each slot reads tokens from a position and returns its value and where it stopped, or None.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from bot.questions.when import (
    MAX_YEAR,
    MIN_YEAR,
    MONTH_ABBR,
    WEEKDAY_NAMES,
    PartOfDay,
    When,
    problem,
)

DateOrder = Literal["DMY", "MDY"]


WEEKDAY_WORDS: dict[str, int] = {
    **{name.lower(): index for index, name in enumerate(WEEKDAY_NAMES)},
    **{name[:3].lower(): index for index, name in enumerate(WEEKDAY_NAMES)},
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
MONTH_WORDS: dict[str, int] = {
    **{name.lower(): index + 1 for index, name in enumerate(MONTH_NAMES)},
    **{name.lower(): index + 1 for index, name in enumerate(MONTH_ABBR)},
    "sept": 9,
}
PART_WORDS: dict[str, PartOfDay] = {
    "morning": "morning",
    "afternoon": "afternoon",
    "evening": "evening",
    "night": "night",
}
UNIT_MINUTES: dict[str, int] = {
    **dict.fromkeys(("minute", "minutes", "min", "mins", "m"), 1),
    **dict.fromkeys(("hour", "hours", "hr", "hrs", "h"), 60),
}
NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90,
}  # fmt: skip
CLOCK_WORDS: dict[str, dt.time] = {
    "noon": dt.time(12),
    "midday": dt.time(12),
    "midnight": dt.time(0),
}
# Other spellings of time words, read as the word they stand for.
SPELLINGS: dict[str, str] = {
    "tmrw": "tomorrow", "tmr": "tomorrow", "tmw": "tomorrow", "tmrow": "tomorrow",
    "tomoz": "tomorrow", "2moro": "tomorrow", "2morrow": "tomorrow", "2mrw": "tomorrow",
    "tdy": "today", "2day": "today", "tonite": "tonight", "2nite": "tonight",
    "currently": "now", "presently": "now", "rn": "now", "atm": "now", "arvo": "afternoon",
    "lunchtime": "noon", "lunch": "noon", "oclock": "o'clock", "wkend": "weekend",
}  # fmt: skip
SKIPPED = frozenset({"on", "for", "over", "during"})  # "on friday", "over the weekend"


@dataclass(frozen=True)
class Token:
    kind: Literal["iso", "slash", "clock", "number", "word", "dash"]
    text: str
    suffix: str | None = None  # am/pm, or an ordinal's st/nd/rd/th


@dataclass(frozen=True)
class Clock:
    """A time as typed, before am/pm and the part of the day settle its meaning."""

    hour: int
    minute: int
    meridiem: str | None
    fixed: bool  # needs no guessing: "07:00", "15", "0", "noon"
    strong: bool  # unmistakably a time even without "at": has a colon or am/pm, or is "noon"


Slot = Callable[[Sequence[Token], int, DateOrder], "tuple[object, int] | None"]


def word_at(tokens: Sequence[Token], index: int) -> str | None:
    if index < len(tokens) and tokens[index].kind == "word":
        return tokens[index].text
    return None


def _word_in(table: Mapping[str, object]) -> Slot:
    """A slot for one word of `table` ("<weekday>", "<month>", …); its value is the table's."""

    def slot(tokens: Sequence[Token], index: int, _: DateOrder) -> tuple[object, int] | None:
        word = word_at(tokens, index)
        return (table[word], index + 1) if word is not None and word in table else None

    return slot


def _number(token: Token) -> int | None:
    return int(token.text) if token.kind == "number" and len(token.text) <= 5 else None


def _mday(tokens: Sequence[Token], index: int, _: DateOrder) -> tuple[object, int] | None:
    """A day of the month: "4", "4th"."""
    if index >= len(tokens) or tokens[index].suffix in ("am", "pm"):
        return None
    number = _number(tokens[index])
    return (number, index + 1) if number is not None and 1 <= number <= 31 else None


def _ordinal(tokens: Sequence[Token], index: int, order: DateOrder) -> tuple[object, int] | None:
    """A day of the month written as one: "4th"."""
    if index >= len(tokens) or tokens[index].suffix not in ("st", "nd", "rd", "th"):
        return None
    return _mday(tokens, index, order)


def _year(tokens: Sequence[Token], index: int, _: DateOrder) -> tuple[object, int] | None:
    if index >= len(tokens) or tokens[index].suffix is not None or len(tokens[index].text) != 4:
        return None
    number = _number(tokens[index])
    return (number, index + 1) if number is not None else None


def _count(tokens: Sequence[Token], index: int, _: DateOrder) -> tuple[object, int] | None:
    if index >= len(tokens) or tokens[index].suffix is not None:
        return None
    word = word_at(tokens, index)
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word], index + 1
    number = _number(tokens[index])
    return (number, index + 1) if number is not None and number > 0 else None


def _hour(tokens: Sequence[Token], index: int, _: DateOrder) -> tuple[object, int] | None:
    """A bare hour, for "half past 3": 1 to 12, digits or a word."""
    word = word_at(tokens, index)
    if word in NUMBER_WORDS and 1 <= NUMBER_WORDS[word] <= 12 and word not in ("a", "an"):
        return NUMBER_WORDS[word], index + 1
    if index < len(tokens) and tokens[index].suffix is None:
        number = _number(tokens[index])
        if number is not None and 1 <= number <= 12 and len(tokens[index].text) <= 2:
            return number, index + 1
    return None


def _clock(tokens: Sequence[Token], index: int, _: DateOrder) -> tuple[object, int] | None:
    """A time of day: "3", "3pm", "3 pm", "15:00", "7.30", "noon", "three", "3 o'clock"."""
    if index >= len(tokens):
        return None
    token = tokens[index]
    word = word_at(tokens, index)
    if word in CLOCK_WORDS:
        moment = CLOCK_WORDS[word]
        return Clock(moment.hour, moment.minute, None, fixed=True, strong=True), index + 1
    if word in NUMBER_WORDS and word not in ("a", "an") and NUMBER_WORDS[word] <= 12:
        hour = NUMBER_WORDS[word]
        found = Clock(hour, 0, None, fixed=hour == 12, strong=False)
    elif token.kind == "clock":
        hour_text, minute_text = re.split("[:.]", token.text)
        hour = int(hour_text)
        fixed = hour_text.startswith("0") or hour >= 12 or hour == 0
        found = Clock(hour, int(minute_text), token.suffix, fixed=fixed, strong=True)
    elif token.kind == "number" and len(token.text) <= 2 and token.suffix in (None, "am", "pm"):
        hour = int(token.text)
        fixed = token.text.startswith("0") or hour >= 12 or hour == 0
        found = Clock(hour, 0, token.suffix, fixed=fixed, strong=token.suffix is not None)
    else:
        return None
    index += 1
    following = word_at(tokens, index)
    if found.meridiem is None and following in ("am", "pm"):
        return replace(found, meridiem=following, strong=True), index + 1
    if following == "o'clock":
        return replace(found, strong=True), index + 1
    return found, index


def _iso(tokens: Sequence[Token], index: int, _: DateOrder) -> tuple[object, int] | None:
    if index >= len(tokens) or tokens[index].kind != "iso":
        return None
    year, month, day = (int(piece) for piece in tokens[index].text.split("-"))
    found = real_date(year, month, day)
    return (found, index + 1) if found is not None else None


def _slashed(tokens: Sequence[Token], index: int, order: DateOrder) -> tuple[object, int] | None:
    """ "4/12" and "4/12/2026", day or month first by `order`; a year left out stays open."""
    if index >= len(tokens) or tokens[index].kind != "slash":
        return None
    pieces = [int(piece) for piece in tokens[index].text.split("/")]
    day, month = (pieces[0], pieces[1]) if order == "DMY" else (pieces[1], pieces[0])
    if len(pieces) == 2:
        open_date = When(day="month_day", month=month, day_of_month=day)
        return (open_date, index + 1) if problem(open_date) is None else None
    year = pieces[2] + 2000 if pieces[2] < 100 else pieces[2]
    found = real_date(year, month, day)
    return (found, index + 1) if found is not None else None


SLOTS: dict[str, Slot] = {
    "<weekday>": _word_in(WEEKDAY_WORDS),
    "<month>": _word_in(MONTH_WORDS),
    "<part>": _word_in(PART_WORDS),
    "<unit>": _word_in(UNIT_MINUTES),
    "<mday>": _mday,
    "<ordinal>": _ordinal,
    "<year>": _year,
    "<count>": _count,
    "<hour>": _hour,
    "<clock>": _clock,
    "<iso>": _iso,
    "<slash>": _slashed,
}


def real_date(year: int, month: int, day: int) -> dt.date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
