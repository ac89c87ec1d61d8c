"""Reading a written time: tokens, then at each token the longest row of `rows.py` that fits,
each thing said once, and am/pm settled at the end from what else was said ("at 3" is 15:00,
"tonight at 11" is 23:00)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import replace

from bot.questions.timewords.rows import ROWS, Builder, Row
from bot.questions.timewords.slots import (
    MONTH_NAMES,
    SKIPPED,
    SLOTS,
    SPELLINGS,
    Clock,
    DateOrder,
    Token,
    word_at,
)
from bot.questions.when import DayWord, PartOfDay, When, problem

_TOKEN = re.compile(
    r"(?P<iso>[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})"
    r"|(?P<slash>[0-9]{1,2}/[0-9]{1,2}(?:/(?:[0-9]{4}|[0-9]{2}))?)(?![0-9/])"
    r"|(?P<clock>[0-9]{1,2}[:.][0-9]{2})(?P<clock_suffix>am|pm)?(?![0-9])"
    r"|(?P<number>[0-9]+)(?P<suffix>am|pm|st|nd|rd|th)?"
    r"|(?P<word>[a-z]+(?:'[a-z]+)?)"
    r"|(?P<dash>-)"
)
_DASHES = str.maketrans({"–": "-", "—": "-", "‒": "-", "−": "-", ",": " "})


def tokenize(text: str) -> list[Token] | None:
    cleaned = text.casefold().replace("a.m.", "am").replace("p.m.", "pm").translate(_DASHES)
    cleaned = cleaned.strip().rstrip("?!.").strip()
    tokens: list[Token] = []
    position = 0
    for found in _TOKEN.finditer(cleaned):
        if cleaned[position : found.start()].strip():
            return None
        position = found.end()
        if found.group("iso"):
            tokens.append(Token("iso", found.group("iso")))
        elif found.group("slash"):
            tokens.append(Token("slash", found.group("slash")))
        elif found.group("clock"):
            tokens.append(Token("clock", found.group("clock"), found.group("clock_suffix")))
        elif found.group("number"):
            tokens.append(Token("number", found.group("number"), found.group("suffix")))
        elif found.group("word"):
            word = SPELLINGS.get(found.group("word"), found.group("word"))
            tokens.append(Token("word", word))
        else:
            tokens.append(Token("dash", "-"))
    if cleaned[position:].strip():
        return None
    return tokens


def two_ways(token: Token) -> bool:
    """A slashed date whose first two numbers could each be the day or the month."""
    if token.kind != "slash":
        return False
    first, second = (int(piece) for piece in token.text.split("/")[:2])
    return first != second and 1 <= first <= 12 and 1 <= second <= 12


def _match(
    pattern: tuple[str, ...], tokens: Sequence[Token], index: int, order: DateOrder
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


def longest(
    rows: Sequence[Row], tokens: Sequence[Token], index: int, order: DateOrder
) -> tuple[Row, list[object], int] | None:
    """The row that fits the most tokens from `index` (the first such row on a tie)."""
    best: tuple[Row, list[object], int] | None = None
    for row in rows:
        found = _match(row.pattern, tokens, index, order)
        if found is not None and (best is None or found[1] > best[2]):
            best = (row, found[0], found[1])
    return best


class Reader:
    def __init__(self, tokens: Sequence[Token], order: DateOrder) -> None:
        self.tokens = tokens
        self.order = order

    def read(self) -> When | None:
        builder = Builder()
        index = 0
        while index < len(self.tokens):
            word = word_at(self.tokens, index)
            if word in SKIPPED and index + 1 < len(self.tokens):
                index += 1
                continue
            found = longest(ROWS, self.tokens, index, self.order)
            if found is None:
                return None
            row, values, index = found
            if not row.act(builder, values):
                return None
        return _finish(builder)


def _finish(builder: Builder) -> When | None:
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
        days=builder.days,
    )
    return when if problem(when) is None else None


def _clock_times(
    clocks: tuple[Clock, Clock | None], part: PartOfDay | None
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


def _clock_time(clock: Clock, part: PartOfDay | None) -> dt.time | None:
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


def date_words(when: When) -> str:
    """'4 December', '12 April 2027': a reading of a slashed date, for the question back."""
    if when.date is not None:
        found = when.date
        return f"{found.day} {MONTH_NAMES[found.month - 1]} {found.year}"
    month = MONTH_NAMES[(when.month or 1) - 1]
    return f"{when.day_of_month} {month}"
