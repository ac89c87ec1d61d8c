"""The time words inside a sentence: where they are, and what they say together.

"is the NovaSeq free tomorrow at 3?" has its time at the end, "tomorrow afternoon is the
NovaSeq free?" at the start, "for 2 hours" asks for a length rather than a time. Runs of words
that could be time words are cut into the longest pieces the time grammar
(`bot.questions.timewords`) reads; everything else is left to the other rules.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.questions.timewords import (
    NUMBER_WORDS,
    WORDS,
    DateChoice,
    DateOrder,
    parse_duration,
    read_when,
)
from bot.questions.when import When

LONGEST_TIME = 10  # words; no WHEN is longer ("on friday afternoon from 2 pm to 4 pm")
# Words that are never a time on their own, only around one ("on the", "at", "in a").
_GLUE = frozenset(
    {"at", "from", "to", "until", "till", "til", "between", "and", "on", "for", "in", "the",
     "this", "next", "last", "am", "pm", "-", "a", "an", "of", "over", "during", "after",
     "about", "around", "coming", "past", "previous", "half", "quarter", "later", "earlier",
     "right", "just", "more", "couple", "few", "o'clock", "onwards"}
)  # fmt: skip
_NUMBERISH = re.compile(
    r"[0-9]{1,2}(?::[0-9]{2})?(?:am|pm|st|nd|rd|th)?"  # 3, 3pm, 15:00, 4th
    r"(?:-[0-9]{1,2}(?::[0-9]{2})?(?:am|pm)?)?"  # 2-4pm
    r"|[0-9]{4}(?:-[0-9]{1,2}-[0-9]{1,2})?"  # 2026, 2026-03-05
    r"|[0-9]{1,2}/[0-9]{1,2}(?:/[0-9]{2,4})?"  # 4/12, 4/12/26
    r"|[0-9]{1,3}(?:h|m|min|mins|hr|hrs)"  # 2h, 30min
)
_WRITTEN_CLOCK = re.compile(r"[0-9]{1,3}(?::[0-9]{1,3}(?:am|pm)?|am|pm)")  # "25:00", "13pm"
_OTHER_CLOCK = re.compile(r"[0-9]{1,2}h[0-9]{0,2}|[0-9]{1,2}-[0-9]{1,2}")  # "15h30", "3-5"
_ORDINAL_OR_SLASHED = re.compile(r"[0-9]{1,2}(?:st|nd|rd|th)|[0-9]{1,4}/[0-9]{1,2}(?:/[0-9]{1,4})?")
# Month names that could be another word are left out ("may I use", "mar").
_MONTHS = frozenset(
    {"january", "february", "march", "april", "june", "july", "august", "september", "october",
     "november", "december", "jan", "feb", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
     "nov", "dec"}
)  # fmt: skip


_CLOCK_OPENERS = frozenset({"at", "from", "until", "till", "by", "before", "after", "around"})
_LONG_UNITS = frozenset({"day", "days", "week", "weeks", "month", "months", "year", "years"})


@dataclass(frozen=True)
class TimeFound:
    """What the time words of a sentence say, and which words they are."""

    when: When | None  # None: no time said (or only a date that reads two ways)
    choice: DateChoice | None  # "4/12" without the lab's date order
    minutes: int | None  # a length asked for: "for 2 hours"
    used: frozenset[int]  # positions of the words read as time or length
    bad: bool  # a time the grammar does not read: "25:00", "13pm", "the 45th"


def is_timeish(key: str) -> bool:
    """Whether a word could be part of a date, time or length."""
    return key in WORDS or bool(_NUMBERISH.fullmatch(key))


def find_time(keys: Sequence[str], skip: Sequence[bool], date_order: DateOrder | None) -> TimeFound:
    """The time words wherever they are in `keys`, leaving out the `skip`ped positions (names
    spelt out, filler), as one WHEN; "today or tomorrow" takes the first one said."""
    spans: list[tuple[int, int]] = []
    lengths: list[tuple[int, int]] = []
    start = 0
    while start < len(keys):
        if skip[start] or not is_timeish(keys[start]):
            start += 1
            continue
        stop = start
        while (
            stop < len(keys)
            and stop - start < LONGEST_TIME
            and not skip[stop]
            and is_timeish(keys[stop])
        ):
            stop += 1
        _cut(keys, start, stop, date_order, spans, lengths)
        start = stop
    used = {i for first, last in spans + lengths for i in range(first, last)}
    texts = [" ".join(keys[first:last]) for first, last in spans]
    read = read_when(" ".join(texts), date_order=date_order) if texts else None
    if read is None and texts:
        read = read_when(texts[0], date_order=date_order)
    minutes = parse_duration(" ".join(keys[lengths[0][0] : lengths[0][1]])) if lengths else None
    bad = any(
        i not in used and not skip[i] and _unread(key, keys[i - 1] if i else "")
        for i, key in enumerate(keys)
    )
    return TimeFound(
        when=read if isinstance(read, When) else None,
        choice=read if isinstance(read, DateChoice) else None,
        minutes=minutes,
        used=frozenset(used),
        bad=bad,
    )


def _cut(
    keys: Sequence[str],
    start: int,
    stop: int,
    date_order: DateOrder | None,
    spans: list[tuple[int, int]],
    lengths: list[tuple[int, int]],
) -> None:
    """Within a run of time-like words, the longest pieces that read as a WHEN (into `spans`)
    or a length (into `lengths`), left to right ("on the" alone is no time; "5" of "centrifuge
    5" is none either)."""
    first = start
    while first < stop:
        found = _longest_piece(keys, first, stop, date_order)
        after_opener = first > 0 and keys[first - 1] in _CLOCK_OPENERS
        if found is None or (found[1] and after_opener):  # "at 15h" is no length of time
            first += 1
            continue
        last, is_length = found
        (lengths if is_length else spans).append((first, last))
        first = last


def _longest_piece(
    keys: Sequence[str], first: int, stop: int, date_order: DateOrder | None
) -> tuple[int, bool] | None:
    """Where the longest piece from `first` that reads as a time or a length ends, and whether
    it is a length."""
    for last in range(stop, first, -1):
        piece = keys[first:last]
        if all(key in _GLUE for key in piece):
            continue
        text = " ".join(piece)
        if read_when(text, date_order=date_order) is not None:
            return last, False
        if parse_duration(text) is not None:
            return last, True
    return None


def _unread(key: str, before: str) -> bool:
    """A time word the grammar did not read, better refused than read as today: "25:00",
    "13pm", "the 45th", "3/4/5", "in december", "fortnight", "for 3 days"."""
    counted = before.isdigit() or before in NUMBER_WORDS
    timed = before in _CLOCK_OPENERS
    return bool(
        _WRITTEN_CLOCK.fullmatch(key)
        or _OTHER_CLOCK.fullmatch(key)
        or (timed and key.isdigit() and len(key) in (3, 4))
        or _ORDINAL_OR_SLASHED.fullmatch(key)
        or key in _MONTHS
        or key in ("fortnight", "fortnights")
        or (counted and key in _LONG_UNITS)
    )
