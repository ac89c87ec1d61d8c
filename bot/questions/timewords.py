"""The ways people write dates and times, as a table of phrasings, to a `When`.

Each row of `ROWS` is one phrasing: literal words and slots (`<weekday>`, `<clock>`, …), and
what it sets. A new phrasing is a new row. The reader takes, at each word, the longest row
that fits; every kind of thing (the day, the part of the day, the time) may be said once.

Day/month dates written with slashes ("4/12") read by the lab's convention, `date_order`;
without one, a date that reads two ways comes back as a `DateChoice`, for the bot to ask.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from bot.questions.when import (
    MAX_LATER_MINUTES,
    MAX_YEAR,
    MIN_YEAR,
    MONTH_ABBR,
    WEEKDAY_NAMES,
    DayWord,
    PartOfDay,
    When,
    problem,
)

DateOrder = Literal["DMY", "MDY"]


@dataclass(frozen=True)
class DateChoice:
    """A date that reads two ways ("4/12"): what was written, and each reading, day first."""

    written: str
    readings: tuple[When, When]

    def question(self) -> str:
        first, second = (_date_words(reading) for reading in self.readings)
        return f"By {self.written}, do you mean {first} or {second}?"


def read_when(text: str, *, date_order: DateOrder | None = None) -> When | DateChoice | None:
    """The WHEN words of a command or question; a `DateChoice` when a slashed date reads two
    ways and `date_order` does not settle it; None if `text` is not entirely time words.
    Empty text means today."""
    tokens = _tokenize(text)
    if tokens is None:
        return None
    if not tokens:
        return When()
    if date_order is None:
        written = next((token.text for token in tokens if _two_ways(token)), None)
        if written is not None:
            day_first = _Reader(tokens, "DMY").read()
            month_first = _Reader(tokens, "MDY").read()
            if day_first is None or month_first is None:
                return day_first or month_first
            return DateChoice(written, (day_first, month_first))
    return _Reader(tokens, date_order or "DMY").read()


def parse_when(text: str, *, date_order: DateOrder | None = None) -> When | None:
    """`read_when` for callers that cannot ask back: a date that reads two ways is None."""
    read = read_when(text, date_order=date_order)
    return read if isinstance(read, When) else None


def parse_duration(text: str) -> int | None:
    """Minutes of a length of time ("for 2 hours", "for half an hour"), or None."""
    tokens = _tokenize(text)
    if not tokens:
        return None
    found = _longest(DURATION_ROWS, tokens, 0, "DMY")
    if found is None or found[2] != len(tokens):
        return None
    row, values, _ = found
    builder = _Builder()
    if not row.act(builder, values) or builder.minutes is None:
        return None
    return builder.minutes if 0 < builder.minutes <= MAX_LATER_MINUTES else None


# --- words and slots ----------------------------------------------------------------------

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
_SKIPPED = frozenset({"on", "for", "over", "during"})  # "on friday", "over the weekend"


@dataclass(frozen=True)
class _Token:
    kind: Literal["iso", "slash", "clock", "number", "word", "dash"]
    text: str
    suffix: str | None = None  # am/pm, or an ordinal's st/nd/rd/th


@dataclass(frozen=True)
class _Clock:
    """A time as typed, before am/pm and the part of the day settle its meaning."""

    hour: int
    minute: int
    meridiem: str | None
    fixed: bool  # needs no guessing: "07:00", "15", "0", "noon"
    strong: bool  # unmistakably a time even without "at": has a colon or am/pm, or is "noon"


Slot = Callable[[Sequence[_Token], int, DateOrder], "tuple[object, int] | None"]


def _word_at(tokens: Sequence[_Token], index: int) -> str | None:
    if index < len(tokens) and tokens[index].kind == "word":
        return tokens[index].text
    return None


def _weekday(tokens: Sequence[_Token], index: int, _: DateOrder) -> tuple[object, int] | None:
    word = _word_at(tokens, index)
    return (WEEKDAY_WORDS[word], index + 1) if word in WEEKDAY_WORDS else None


def _month(tokens: Sequence[_Token], index: int, _: DateOrder) -> tuple[object, int] | None:
    word = _word_at(tokens, index)
    return (MONTH_WORDS[word], index + 1) if word in MONTH_WORDS else None


def _part(tokens: Sequence[_Token], index: int, _: DateOrder) -> tuple[object, int] | None:
    word = _word_at(tokens, index)
    return (PART_WORDS[word], index + 1) if word in PART_WORDS else None


def _unit(tokens: Sequence[_Token], index: int, _: DateOrder) -> tuple[object, int] | None:
    word = _word_at(tokens, index)
    return (UNIT_MINUTES[word], index + 1) if word in UNIT_MINUTES else None


def _number(token: _Token) -> int | None:
    return int(token.text) if token.kind == "number" and len(token.text) <= 5 else None


def _mday(tokens: Sequence[_Token], index: int, _: DateOrder) -> tuple[object, int] | None:
    """A day of the month: "4", "4th"."""
    if index >= len(tokens) or tokens[index].suffix in ("am", "pm"):
        return None
    number = _number(tokens[index])
    return (number, index + 1) if number is not None and 1 <= number <= 31 else None


def _ordinal(tokens: Sequence[_Token], index: int, order: DateOrder) -> tuple[object, int] | None:
    """A day of the month written as one: "4th"."""
    if index >= len(tokens) or tokens[index].suffix not in ("st", "nd", "rd", "th"):
        return None
    return _mday(tokens, index, order)


def _year(tokens: Sequence[_Token], index: int, _: DateOrder) -> tuple[object, int] | None:
    if index >= len(tokens) or tokens[index].suffix is not None or len(tokens[index].text) != 4:
        return None
    number = _number(tokens[index])
    return (number, index + 1) if number is not None else None


def _count(tokens: Sequence[_Token], index: int, _: DateOrder) -> tuple[object, int] | None:
    if index >= len(tokens) or tokens[index].suffix is not None:
        return None
    word = _word_at(tokens, index)
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word], index + 1
    number = _number(tokens[index])
    return (number, index + 1) if number is not None and number > 0 else None


def _hour(tokens: Sequence[_Token], index: int, _: DateOrder) -> tuple[object, int] | None:
    """A bare hour, for "half past 3": 1 to 12, digits or a word."""
    word = _word_at(tokens, index)
    if word in NUMBER_WORDS and 1 <= NUMBER_WORDS[word] <= 12 and word not in ("a", "an"):
        return NUMBER_WORDS[word], index + 1
    if index < len(tokens) and tokens[index].suffix is None:
        number = _number(tokens[index])
        if number is not None and 1 <= number <= 12 and len(tokens[index].text) <= 2:
            return number, index + 1
    return None


def _clock(tokens: Sequence[_Token], index: int, _: DateOrder) -> tuple[object, int] | None:
    """A time of day: "3", "3pm", "3 pm", "15:00", "7.30", "noon", "three", "3 o'clock"."""
    if index >= len(tokens):
        return None
    token = tokens[index]
    word = _word_at(tokens, index)
    if word in CLOCK_WORDS:
        moment = CLOCK_WORDS[word]
        return _Clock(moment.hour, moment.minute, None, fixed=True, strong=True), index + 1
    if word in NUMBER_WORDS and word not in ("a", "an") and NUMBER_WORDS[word] <= 12:
        hour = NUMBER_WORDS[word]
        found = _Clock(hour, 0, None, fixed=hour == 12, strong=False)
    elif token.kind == "clock":
        hour_text, minute_text = re.split("[:.]", token.text)
        hour = int(hour_text)
        fixed = hour_text.startswith("0") or hour >= 12 or hour == 0
        found = _Clock(hour, int(minute_text), token.suffix, fixed=fixed, strong=True)
    elif token.kind == "number" and len(token.text) <= 2 and token.suffix in (None, "am", "pm"):
        hour = int(token.text)
        fixed = token.text.startswith("0") or hour >= 12 or hour == 0
        found = _Clock(hour, 0, token.suffix, fixed=fixed, strong=token.suffix is not None)
    else:
        return None
    index += 1
    following = _word_at(tokens, index)
    if found.meridiem is None and following in ("am", "pm"):
        return replace(found, meridiem=following, strong=True), index + 1
    if following == "o'clock":
        return replace(found, strong=True), index + 1
    return found, index


def _iso(tokens: Sequence[_Token], index: int, _: DateOrder) -> tuple[object, int] | None:
    if index >= len(tokens) or tokens[index].kind != "iso":
        return None
    year, month, day = (int(piece) for piece in tokens[index].text.split("-"))
    found = _date(year, month, day)
    return (found, index + 1) if found is not None else None


def _slashed(tokens: Sequence[_Token], index: int, order: DateOrder) -> tuple[object, int] | None:
    """ "4/12" and "4/12/2026", day or month first by `order`; a year left out stays open."""
    if index >= len(tokens) or tokens[index].kind != "slash":
        return None
    pieces = [int(piece) for piece in tokens[index].text.split("/")]
    day, month = (pieces[0], pieces[1]) if order == "DMY" else (pieces[1], pieces[0])
    if len(pieces) == 2:
        open_date = When(day="month_day", month=month, day_of_month=day)
        return (open_date, index + 1) if problem(open_date) is None else None
    year = pieces[2] + 2000 if pieces[2] < 100 else pieces[2]
    found = _date(year, month, day)
    return (found, index + 1) if found is not None else None


SLOTS: dict[str, Slot] = {
    "<weekday>": _weekday,
    "<month>": _month,
    "<part>": _part,
    "<unit>": _unit,
    "<mday>": _mday,
    "<ordinal>": _ordinal,
    "<year>": _year,
    "<count>": _count,
    "<hour>": _hour,
    "<clock>": _clock,
    "<iso>": _iso,
    "<slash>": _slashed,
}


def _date(year: int, month: int, day: int) -> dt.date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


# --- what a row sets ----------------------------------------------------------------------


@dataclass
class _Builder:
    """What the rows have set so far; each thing may be set once."""

    day: DayWord | None = None
    weekday: int | None = None
    date: dt.date | None = None
    month: int | None = None
    day_of_month: int | None = None
    minutes: int | None = None
    part: PartOfDay | None = None
    clocks: tuple[_Clock, _Clock | None] | None = None
    needs_strong: bool = False  # a time without "at" needs a colon or am/pm
    seen: set[str] = field(default_factory=set)

    def once(self, what: str) -> bool:
        if what in self.seen:
            return False
        self.seen.add(what)
        return True


Action = Callable[[_Builder, list[object]], bool]


def _set_day(day: DayWord) -> Action:
    def act(builder: _Builder, _: list[object]) -> bool:
        builder.day = day
        return builder.once("day")

    return act


def _set_weekday(day: DayWord) -> Action:
    def act(builder: _Builder, values: list[object]) -> bool:
        builder.day, builder.weekday = day, int(str(values[0]))
        return builder.once("day")

    return act


def _set_part(part: PartOfDay | None = None, *, today: bool = False) -> Action:
    """A part of the day, named in the row or by its `<part>` slot; `today` for "this …"."""

    def act(builder: _Builder, values: list[object]) -> bool:
        builder.part = part or PART_WORDS[str(values[0])]
        if today:
            builder.day = "today"
            return builder.once("day") and builder.once("part")
        return builder.once("part")

    return act


def _set_date(builder: _Builder, values: list[object]) -> bool:
    value = values[0]
    if isinstance(value, When):  # a slashed date without a year
        builder.day = "month_day"
        builder.month, builder.day_of_month = value.month, value.day_of_month
    elif isinstance(value, dt.date):
        builder.day, builder.date = "date", value
    return builder.once("day")


def _set_month_day(order: str) -> Action:
    """`order` names the slots in the row: "dm", "md", "dmy", "mdy" or "d" (the 4th)."""

    def act(builder: _Builder, values: list[object]) -> bool:
        numbers = dict(zip(order, (int(str(value)) for value in values), strict=True))
        day, month, year = numbers["d"], numbers.get("m"), numbers.get("y")
        if year is not None and month is not None:
            found = _date(year, month, day)
            if found is None:
                return False
            builder.day, builder.date = "date", found
        else:
            builder.day, builder.month, builder.day_of_month = "month_day", month, day
        return builder.once("day")

    return act


def _set_later(minutes: int | None = None) -> Action:
    """In so long from now: the row's fixed minutes, or `<count>` times `<unit>`."""

    def act(builder: _Builder, values: list[object]) -> bool:
        numbers = [int(str(value)) for value in values]
        builder.minutes = minutes if minutes is not None else numbers[0] * numbers[-1]
        builder.day = "later"
        return builder.once("day")

    return act


def _set_clocks(*, strong: bool = False, after: bool = False) -> Action:
    """A time or a range from the row's `<clock>` slots; `strong` when written without "at"."""

    def act(builder: _Builder, values: list[object]) -> bool:
        clocks = [value for value in values if isinstance(value, _Clock)]
        if strong and not any(clock.strong for clock in clocks):
            return False
        second = clocks[1] if len(clocks) > 1 else None
        if after:
            second = _Clock(0, 0, None, fixed=True, strong=True)
        builder.clocks = (clocks[0], second)
        return builder.once("clock")

    return act


def _set_past(minutes: int) -> Action:
    """ "half past 3", "quarter to 4": minutes from the `<hour>`'s hour (negative: before)."""

    def act(builder: _Builder, values: list[object]) -> bool:
        hour = int(str(values[0]))
        if minutes < 0:
            hour = hour - 1 or 12
        clock = _Clock(hour, minutes % 60, None, fixed=False, strong=True)
        builder.clocks = (clock, None)
        return builder.once("clock")

    return act


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
    (("the <ordinal>", "<ordinal>"), _set_month_day("d")),
    ("tonight", _set_part("night", today=True)),
    ("this <part>", _set_part(today=True)),
    (("<part>", "in the <part>"), _set_part()),
    ("at night", _set_part("night")),
    ("in <count> <unit>", _set_later()),
    (("in half an hour", "in half a hour"), _set_later(30)),
    (("in an hour and a half", "in one and a half hours"), _set_later(90)),
    ("in a couple of hours", _set_later(120)),
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
    (("half past <hour>", "at half past <hour>", "half <hour>"), _set_past(30)),
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
    | _SKIPPED
    | {
        "am",
        "pm",
        "o'clock",
    }
)
"""Every word a date or time may be written with."""


# --- reading ------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"(?P<iso>[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})"
    r"|(?P<slash>[0-9]{1,2}/[0-9]{1,2}(?:/(?:[0-9]{4}|[0-9]{2}))?)(?![0-9/])"
    r"|(?P<clock>[0-9]{1,2}[:.][0-9]{2})(?P<clock_suffix>am|pm)?(?![0-9])"
    r"|(?P<number>[0-9]+)(?P<suffix>am|pm|st|nd|rd|th)?"
    r"|(?P<word>[a-z]+(?:'[a-z]+)?)"
    r"|(?P<dash>-)"
)
_DASHES = str.maketrans({"–": "-", "—": "-", "‒": "-", "−": "-", ",": " "})


def _tokenize(text: str) -> list[_Token] | None:
    cleaned = text.casefold().replace("a.m.", "am").replace("p.m.", "pm").translate(_DASHES)
    cleaned = cleaned.strip().rstrip("?!.").strip()
    tokens: list[_Token] = []
    position = 0
    for found in _TOKEN.finditer(cleaned):
        if cleaned[position : found.start()].strip():
            return None
        position = found.end()
        if found.group("iso"):
            tokens.append(_Token("iso", found.group("iso")))
        elif found.group("slash"):
            tokens.append(_Token("slash", found.group("slash")))
        elif found.group("clock"):
            tokens.append(_Token("clock", found.group("clock"), found.group("clock_suffix")))
        elif found.group("number"):
            tokens.append(_Token("number", found.group("number"), found.group("suffix")))
        elif found.group("word"):
            word = SPELLINGS.get(found.group("word"), found.group("word"))
            tokens.append(_Token("word", word))
        else:
            tokens.append(_Token("dash", "-"))
    if cleaned[position:].strip():
        return None
    return tokens


def _two_ways(token: _Token) -> bool:
    """A slashed date whose first two numbers could each be the day or the month."""
    if token.kind != "slash":
        return False
    first, second = (int(piece) for piece in token.text.split("/")[:2])
    return first != second and 1 <= first <= 12 and 1 <= second <= 12


def _match(
    pattern: tuple[str, ...], tokens: Sequence[_Token], index: int, order: DateOrder
) -> tuple[list[object], int] | None:
    values: list[object] = []
    for element in pattern:
        slot = SLOTS.get(element)
        if slot is not None:
            found = slot(tokens, index, order)
            if found is None:
                return None
            values.append(found[0])
            index = found[1]
            continue
        if index >= len(tokens):
            return None
        token = tokens[index]
        if not (token.text == element and token.kind in ("word", "dash", "number")):
            return None
        index += 1
    return values, index


def _longest(
    rows: Sequence[Row], tokens: Sequence[_Token], index: int, order: DateOrder
) -> tuple[Row, list[object], int] | None:
    """The row that fits the most tokens from `index` (the first such row on a tie)."""
    best: tuple[Row, list[object], int] | None = None
    for row in rows:
        found = _match(row.pattern, tokens, index, order)
        if found is not None and (best is None or found[1] > best[2]):
            best = (row, found[0], found[1])
    return best


class _Reader:
    def __init__(self, tokens: Sequence[_Token], order: DateOrder) -> None:
        self.tokens = tokens
        self.order = order

    def read(self) -> When | None:
        builder = _Builder()
        index = 0
        while index < len(self.tokens):
            word = _word_at(self.tokens, index)
            if word in _SKIPPED and index + 1 < len(self.tokens):
                index += 1
                continue
            found = _longest(ROWS, self.tokens, index, self.order)
            if found is None:
                return None
            row, values, index = found
            if not row.act(builder, values):
                return None
        return _finish(builder)


def _finish(builder: _Builder) -> When | None:
    day: DayWord = builder.day or ("soonest" if builder.part or builder.clocks else "today")
    at: dt.time | None = None
    until: dt.time | None = None
    if builder.clocks is not None:
        times = _clock_times(builder.clocks, builder.part)
        if times is None:
            return None
        at, until = times
    when = When(
        day=day,
        weekday=builder.weekday,
        date=builder.date,
        part=builder.part,
        at=at,
        until=until,
        month=builder.month,
        day_of_month=builder.day_of_month,
        minutes=builder.minutes,
    )
    return when if problem(when) is None else None


def _clock_times(
    clocks: tuple[_Clock, _Clock | None], part: PartOfDay | None
) -> tuple[dt.time, dt.time | None] | None:
    """Settle am/pm: typed am/pm wins, then a range's shared am/pm, then the part of the day,
    then "bare hours 1-7 are afternoon" (nobody books the microscope for 3 in the morning)."""
    first, second = clocks
    if second is None:
        at = _clock_time(first, part)
        return None if at is None else (at, None)
    start = _clock_time(first, part)
    end = _clock_time(second, part)
    if first.meridiem is None and second.meridiem is not None and not first.fixed:
        shared = _clock_time(replace(first, meridiem=second.meridiem), part)
        if shared is not None and end is not None and shared < end:
            start = shared
    if second.meridiem is None and first.meridiem is not None and not second.fixed:
        shared = _clock_time(replace(second, meridiem=first.meridiem), part)
        if shared is not None and start is not None and start < shared:
            end = shared
    if start is None or end is None or start == end:
        return None
    return start, end


def _clock_time(clock: _Clock, part: PartOfDay | None) -> dt.time | None:
    hour, minute = clock.hour, clock.minute
    if minute > 59:
        return None
    if clock.meridiem is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if clock.meridiem == "pm" else 0)
    elif hour > 23:
        return None
    elif not clock.fixed and 1 <= hour <= 11:
        later = part in ("afternoon", "evening") or (part == "night" and hour >= 6)
        if later or (part is None and hour <= 7):
            hour += 12
    return dt.time(hour, minute)


def _date_words(when: When) -> str:
    """'4 December', '12 April 2027': a reading of a slashed date, for the question back."""
    if when.date is not None:
        found = when.date
        return f"{found.day} {MONTH_NAMES[found.month - 1]} {found.year}"
    month = MONTH_NAMES[(when.month or 1) - 1]
    return f"{when.day_of_month} {month}"
