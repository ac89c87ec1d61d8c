"""Time words ("tomorrow afternoon", "next week", "at 3pm") to a window of the user's local time.

`When` is what the user said, independent of any zone; `resolve` turns it into a `Window` for one
zone and one "now". Keeping the two apart lets the same words mean the user's local day in a DM
and the lab's local day in a channel digest, and keeps tests free of the real clock.

Days are local days: from local midnight to the next local midnight, 23 or 25 hours on DST change
days. Instants are always built from local wall times and compared in UTC, because Python compares
and subtracts two datetimes that share a tzinfo by wall time alone.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

DayWord = Literal[
    "now", "today", "tomorrow", "yesterday", "weekday", "this_week", "next_week", "date"
]
PartOfDay = Literal["morning", "afternoon", "evening", "night"]

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAY_WORDS: dict[str, int] = {
    **{name.lower(): index for index, name in enumerate(WEEKDAY_NAMES)},
    **{name[:3].lower(): index for index, name in enumerate(WEEKDAY_NAMES)},
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}
_DAY_WORDS: dict[str, DayWord] = {
    "now": "now",
    "today": "today",
    "tomorrow": "tomorrow",
    "yesterday": "yesterday",
}
_PARTS: dict[str, PartOfDay] = {
    "morning": "morning",
    "afternoon": "afternoon",
    "evening": "evening",
    "night": "night",
}
# Local wall-clock bounds of each part of the day; (start, end, end is on the next day).
_PART_BOUNDS: dict[PartOfDay, tuple[dt.time, dt.time, bool]] = {
    "morning": (dt.time(6), dt.time(12), False),
    "afternoon": (dt.time(12), dt.time(18), False),
    "evening": (dt.time(18), dt.time(0), True),
    "night": (dt.time(18), dt.time(6), True),
}
# Years a typed date may name: wide enough for any booking, narrow enough that a window's
# arithmetic (the day after, the Monday after) can never overflow `datetime`.
_MIN_YEAR, _MAX_YEAR = 1970, 2100


@dataclass(frozen=True)
class When:
    """What the user said about time, before any zone gives it a meaning."""

    day: DayWord = "today"
    weekday: int | None = None  # 0=Monday, for day="weekday": the next one, today's name is today
    date: dt.date | None = None  # for day="date"
    part: PartOfDay | None = None
    at: dt.time | None = None  # "at 3pm"
    until: dt.time | None = None  # with `at`: "from 2 to 4"

    def describe(self) -> str:
        """The words back, normalised, for replies such as "Nothing booked tomorrow afternoon"."""
        if self.day == "now":
            return "now"
        if self.day == "today" and self.part is not None:
            text = "tonight" if self.part == "night" else f"this {self.part}"
        else:
            text = _day_words(self)
            if self.part is not None:
                text = f"{text} {self.part}"
        return text + _clock_words(self)


@dataclass(frozen=True)
class Window:
    """A span of local time: [start, end), both aware in the user's zone."""

    start: dt.datetime
    end: dt.datetime
    label: str  # "Today, Wed 25 Mar", "Next week, 30 Mar – 5 Apr", "Now (14:05)"

    def days(self) -> list[dt.date]:
        """The local dates the window touches, in order (the end is exclusive)."""
        first = self.start.date()
        last = (self.end - dt.timedelta(microseconds=1)).date()
        if last < first:
            return [first]
        return [first + dt.timedelta(days=offset) for offset in range((last - first).days + 1)]


def resolve(when: When, tz: dt.tzinfo, now: dt.datetime) -> Window:
    """The window `when` means for someone in `tz` at `now` (a naive `now` is taken as UTC)."""
    here = _in_zone(now, tz)
    today = here.date()
    if when.day == "now":
        return Window(here, _shift(here, dt.timedelta(minutes=1), tz), f"Now ({here:%H:%M})")
    if when.day in ("this_week", "next_week"):
        return _week(when, tz, today)

    day = _target_day(when, today)
    head = _label_head(when, day, today)
    if when.at is not None:
        start_day = day
        if when.part == "night" and when.at < dt.time(6):
            start_day = day + dt.timedelta(days=1)  # "tonight at 1am" is after midnight
        start = local_time(start_day, when.at, tz)
        if when.until is None:
            end = _shift(start, dt.timedelta(hours=1), tz)
        else:
            end = local_time(start_day, when.until, tz)
            if not _before(start, end):
                end = local_time(start_day + dt.timedelta(days=1), when.until, tz)
        end = end if _before(start, end) else _shift(start, dt.timedelta(hours=1), tz)
    elif when.part is not None:
        first, last, next_day = _PART_BOUNDS[when.part]
        start = local_time(day, first, tz)
        end = local_time(day + dt.timedelta(days=1) if next_day else day, last, tz)
    else:
        start, end = _local_days(day, day + dt.timedelta(days=1), tz)
    return Window(start, end, head)


def local_time(day: dt.date, clock: dt.time, tz: dt.tzinfo) -> dt.datetime:
    """A local wall time as a real instant in `tz`.

    A wall time skipped by a DST change moves forward by the gap; one that happens twice is the
    first (fold=0). Round-tripping through UTC gives the normalised wall time and offset.
    """
    return dt.datetime.combine(day, clock, tzinfo=tz).astimezone(dt.UTC).astimezone(tz)


def local_midnight(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """Where the local day `day` begins (the instant, even where midnight itself is skipped)."""
    return local_time(day, dt.time(0), tz)


def parse_when(text: str) -> When | None:
    """The WHEN words of a command or question, or None if `text` is not entirely time words.

    Empty text means today. Supported: now, today, tonight, tomorrow, yesterday, weekday names
    (full or three letters), this/next week, YYYY-MM-DD, parts of the day ("this morning",
    "friday afternoon"), "at 3pm", "at 15:00", "at noon", "from 2 to 4", "2-4pm". Day/month
    forms such as 3/4 are refused: they read differently either side of the Atlantic.
    """
    tokens = _tokenize(text)
    if tokens is None:
        return None
    if not tokens:
        return When()
    return _Parser(tokens).parse()


# --- resolving ----------------------------------------------------------------------------


def _in_zone(moment: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(tz)


def _shift(moment: dt.datetime, delta: dt.timedelta, tz: dt.tzinfo) -> dt.datetime:
    """Absolute-time arithmetic (wall-clock arithmetic is wrong across a DST change)."""
    return (moment.astimezone(dt.UTC) + delta).astimezone(tz)


def _before(first: dt.datetime, second: dt.datetime) -> bool:
    return first.astimezone(dt.UTC) < second.astimezone(dt.UTC)


def _local_days(first: dt.date, stop: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """[midnight of `first`, midnight of `stop`), never empty even where a whole day was skipped."""
    start = local_midnight(first, tz)
    end = local_midnight(stop, tz)
    while not _before(start, end):
        stop += dt.timedelta(days=1)
        end = local_midnight(stop, tz)
    return start, end


def _target_day(when: When, today: dt.date) -> dt.date:
    if when.day == "tomorrow":
        return today + dt.timedelta(days=1)
    if when.day == "yesterday":
        return today - dt.timedelta(days=1)
    if when.day == "weekday" and when.weekday is not None:
        return today + dt.timedelta(days=(when.weekday - today.weekday()) % 7)
    if when.day == "date" and when.date is not None:
        return when.date
    return today


def _week(when: When, tz: dt.tzinfo, today: dt.date) -> Window:
    next_monday = today + dt.timedelta(days=7 - today.weekday())
    if when.day == "this_week":
        first, stop, name = today, next_monday, "This week"
    else:
        first, stop, name = next_monday, next_monday + dt.timedelta(days=7), "Next week"
    start, end = _local_days(first, stop, tz)
    last = stop - dt.timedelta(days=1)
    if first == last:
        return Window(start, end, f"{name}, {_date_text(first, today.year)}")
    begins = _date_text(first, today.year, weekday=False)
    ends = _date_text(last, today.year, weekday=False)
    return Window(start, end, f"{name}, {begins} – {ends}")


def _label_head(when: When, day: dt.date, today: dt.date) -> str:
    """'Today, Wed 25 Mar', 'Tomorrow afternoon, Thu 26 Mar', 'Friday, 27 Mar', 'Tue 3 Mar'."""
    if when.day == "date" and when.date is not None:
        part = f" {when.part}" if when.part else ""
        return f"{_date_text(day, today.year)}{part}{_clock_words(when)}"
    words = _capital(when.describe())
    if when.day == "weekday" and when.weekday is not None:
        return f"{words}, {_date_text(day, today.year, weekday=False)}"
    return f"{words}, {_date_text(day, today.year)}"


def _capital(words: str) -> str:
    return words[:1].upper() + words[1:]


def _date_text(day: dt.date, this_year: int, *, weekday: bool = True) -> str:
    """'Wed 25 Mar', with the year only when it is not this year."""
    text = f"{day.day} {_MONTH_ABBR[day.month - 1]}"
    if weekday:
        text = f"{WEEKDAY_NAMES[day.weekday()][:3]} {text}"
    return text if day.year == this_year else f"{text} {day.year}"


def _day_words(when: When) -> str:
    if when.day == "weekday":
        return WEEKDAY_NAMES[when.weekday] if when.weekday is not None else "today"
    if when.day == "date":
        return _date_text(when.date, when.date.year) if when.date is not None else "today"
    return when.day.replace("_", " ")


def _clock_words(when: When) -> str:
    if when.at is None:
        return ""
    if when.until is None:
        return f" at {when.at:%H:%M}"
    return f" {when.at:%H:%M}–{when.until:%H:%M}"


# --- parsing ------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})"
    r"|(?P<clock>[0-9]{1,2}(?::[0-9]{2})?)(?P<meridiem>am|pm)?"
    r"|(?P<word>[a-z]+)"
    r"|(?P<dash>-)"
)
_DASHES = str.maketrans({"–": "-", "—": "-", "‒": "-", "−": "-", ",": " "})


@dataclass(frozen=True)
class _Token:
    kind: Literal["date", "clock", "word", "dash"]
    text: str
    meridiem: str | None = None


@dataclass(frozen=True)
class _Clock:
    """A time as typed, before am/pm and the part of the day settle its meaning."""

    hour: int
    minute: int
    meridiem: str | None
    fixed: bool  # needs no guessing: "07:00", "15", "0", "noon"
    strong: bool  # unmistakably a time even without "at": has a colon or am/pm, or is "noon"


def _tokenize(text: str) -> list[_Token] | None:
    cleaned = text.casefold().replace("a.m.", "am").replace("p.m.", "pm").translate(_DASHES)
    cleaned = cleaned.strip().rstrip("?!.").strip()
    tokens: list[_Token] = []
    position = 0
    for found in _TOKEN.finditer(cleaned):
        if cleaned[position : found.start()].strip():
            return None
        position = found.end()
        if found.group("date"):
            tokens.append(_Token("date", found.group("date")))
        elif found.group("clock"):
            tokens.append(_Token("clock", found.group("clock"), found.group("meridiem")))
        elif found.group("word"):
            tokens.append(_Token("word", found.group("word")))
        else:
            tokens.append(_Token("dash", "-"))
    if cleaned[position:].strip():
        return None
    return tokens


class _Parser:
    """A small hand-written parser: each time word may appear once, in any order."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.day: DayWord | None = None
        self.weekday: int | None = None
        self.date: dt.date | None = None
        self.part: PartOfDay | None = None
        self.clocks: tuple[_Clock, _Clock | None] | None = None

    def parse(self) -> When | None:
        while self.index < len(self.tokens):
            if not self._step():
                return None
        return self._finish()

    def _word(self, offset: int = 0) -> str | None:
        position = self.index + offset
        if position < len(self.tokens) and self.tokens[position].kind == "word":
            return self.tokens[position].text
        return None

    def _set_day(self, day: DayWord, consumed: int) -> bool:
        if self.day is not None:
            return False
        self.day = day
        self.index += consumed
        return True

    def _set_part(self, part: PartOfDay, consumed: int) -> bool:
        if self.part is not None:
            return False
        self.part = part
        self.index += consumed
        return True

    def _step(self) -> bool:
        token = self.tokens[self.index]
        word = self._word()
        following = self._word(1)
        if word in ("on", "for") and self.index + 1 < len(self.tokens):
            self.index += 1
            return True
        if word == "in" and following == "the" and self._word(2) in _PARTS:
            return self._set_part(_PARTS[self._word(2) or ""], 3)
        if word in _DAY_WORDS:
            return self._set_day(_DAY_WORDS[word], 1)
        if word == "tonight":
            return self._set_day("today", 0) and self._set_part("night", 1)
        if word in ("this", "next") and following == "week":
            return self._set_day("this_week" if word == "this" else "next_week", 2)
        if word == "this" and following in _PARTS:
            return self._set_day("today", 0) and self._set_part(_PARTS[following], 2)
        if word == "this" and following in _WEEKDAY_WORDS:
            self.index += 1
            return True
        if word in _WEEKDAY_WORDS:
            self.weekday = _WEEKDAY_WORDS[word]
            return self._set_day("weekday", 1)
        if word in _PARTS:
            return self._set_part(_PARTS[word], 1)
        if token.kind == "date":
            self.date = _date_of(token.text)
            return self.date is not None and self._set_day("date", 1)
        if word in ("at", "from", "between"):
            self.index += 1
            return self._clock_clause(require_strong=False, range_only=word != "at", opener=word)
        return self._clock_clause(require_strong=True, range_only=False, opener=None)

    def _clock_clause(self, *, require_strong: bool, range_only: bool, opener: str | None) -> bool:
        if self.clocks is not None:
            return False
        first = self._clock()
        if first is None:
            return False
        second: _Clock | None = None
        separator = self._word() if self.index < len(self.tokens) else None
        is_dash = self.index < len(self.tokens) and self.tokens[self.index].kind == "dash"
        joins = ("and",) if opener == "between" else ("to", "until", "till", "til")
        if is_dash or separator in joins:
            self.index += 1
            second = self._clock()
            if second is None:
                return False
        elif range_only:
            return False
        if require_strong and not (first.strong or (second is not None and second.strong)):
            return False
        self.clocks = (first, second)
        return True

    def _clock(self) -> _Clock | None:
        if self.index >= len(self.tokens):
            return None
        token = self.tokens[self.index]
        if token.kind == "word" and token.text in ("noon", "midday"):
            self.index += 1
            return _Clock(12, 0, None, fixed=True, strong=True)
        if token.kind != "clock":
            return None
        self.index += 1
        meridiem = token.meridiem
        if meridiem is None and self._word() in ("am", "pm"):
            meridiem = self._word()
            self.index += 1
        hour_text, _, minute_text = token.text.partition(":")
        hour = int(hour_text)
        fixed = hour_text.startswith("0") or hour >= 12 or hour == 0
        return _Clock(
            hour,
            int(minute_text or "0"),
            meridiem,
            fixed=fixed,
            strong=bool(minute_text) or meridiem is not None,
        )

    def _finish(self) -> When | None:
        day = self.day or "today"
        if day == "now" and (self.part is not None or self.clocks is not None):
            return None
        if day in ("this_week", "next_week") and (self.part or self.clocks):
            return None
        at: dt.time | None = None
        until: dt.time | None = None
        if self.clocks is not None:
            times = _clock_times(self.clocks, self.part)
            if times is None:
                return None
            at, until = times
        return When(
            day=day,
            weekday=self.weekday if day == "weekday" else None,
            date=self.date if day == "date" else None,
            part=self.part,
            at=at,
            until=until,
        )


def _date_of(text: str) -> dt.date | None:
    year, month, day = (int(piece) for piece in text.split("-"))
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


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
        shared = _clock_time(_Clock(first.hour, first.minute, second.meridiem, False, True), part)
        if shared is not None and end is not None and shared < end:
            start = shared
    if second.meridiem is None and first.meridiem is not None and not second.fixed:
        shared = _clock_time(_Clock(second.hour, second.minute, first.meridiem, False, True), part)
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
