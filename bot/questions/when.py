"""Time words ("tomorrow afternoon", "next friday", "at 3") to a window of the user's local time.

`When` is what the user said, independent of any zone and of the clock; `resolve` turns it into
a `Window` for one zone and one "now". Keeping the two apart lets the same words mean the user's
local day in a DM and the lab's local day in a channel digest, lets a button asked again
tomorrow mean tomorrow's "at 3", and keeps tests free of the real clock.

Days are local days: from local midnight to the next local midnight, 23 or 25 hours on DST change
days. Instants are always built from local wall times and compared in UTC, because Python compares
and subtracts two datetimes that share a tzinfo by wall time alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Literal, get_args

DayWord = Literal[
    "now",
    "soonest",  # no day said, only a time of day: today's, or tomorrow's once today's is over
    "today",
    "tomorrow",
    "yesterday",
    "weekday",  # the next one, today included
    "next_weekday",  # that day of next week (weeks start on Monday)
    "last_weekday",  # the latest one before today
    "date",
    "month_day",  # a date written without its year (or month): the nearest such date
    "later",  # in N minutes
    "in_days",  # in N days: the day after tomorrow, in a week
    "this_week",
    "next_week",
    "last_week",
    "this_weekend",
    "next_weekend",
    "this_month",
    "next_month",
    "last_month",
]
PartOfDay = Literal["morning", "afternoon", "evening", "night"]

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SPANS: frozenset[DayWord] = frozenset(
    day for day in get_args(DayWord) if day.rsplit("_", 1)[-1] in ("week", "weekend", "month")
)
"""Days that are several days long: they take no part of the day and no time."""
_WEEKDAY_DAYS = frozenset({"weekday", "next_weekday", "last_weekday"})
# Local wall-clock bounds of each part of the day; (start, end, end is on the next day).
_PART_BOUNDS: dict[PartOfDay, tuple[dt.time, dt.time, bool]] = {
    "morning": (dt.time(6), dt.time(12), False),
    "afternoon": (dt.time(12), dt.time(18), False),
    "evening": (dt.time(18), dt.time(0), True),
    "night": (dt.time(18), dt.time(6), True),
}
# Years a typed date may name: wide enough for any booking, narrow enough that a window's
# arithmetic (the day after, the Monday after) can never overflow `datetime`.
MIN_YEAR, MAX_YEAR = 1970, 2100
MAX_LATER_MINUTES = 7 * 24 * 60  # "in N minutes" reaches a week ahead at most
MAX_LATER_DAYS = 366  # "in N days" a year
_LEAP_YEAR = 2000  # a year in which every day of the calendar exists
_RECENT_DAYS = 31  # "4 Dec" this few days ago is the one just gone, not next year's
_RECENT_DAYS_WITHOUT_MONTH = 7  # likewise "the 4th"


@dataclass(frozen=True)
class When:
    """What the user said about time, before any zone or clock gives it a meaning."""

    day: DayWord = "today"
    weekday: int | None = None  # 0=Monday, for the weekday days
    date: dt.date | None = None  # for day="date"
    part: PartOfDay | None = None
    at: dt.time | None = None  # "at 3pm"
    until: dt.time | None = None  # with `at`: "from 2 to 4"
    month: int | None = None  # for day="month_day"; None: "the 4th", of the nearest month
    day_of_month: int | None = None  # for day="month_day"
    minutes: int | None = None  # for day="later"
    days: int | None = None  # for day="in_days"

    def describe(self) -> str:
        """The words back, normalised, for replies such as "Nothing booked tomorrow afternoon";
        parsed again they give the same `When`, but for a full date, said without its year
        ("Tue 3 Mar"; `words.teach.said` writes it as 2026-03-03)."""
        if self.day == "now":
            return "now"
        if self.day == "later":
            return f"in {_duration_words(self.minutes or 0)}"
        if self.day in ("today", "soonest") and self.part is not None:
            text = _part_words(self.day, self.part)
        else:
            text = _day_words(self)
            if self.part is not None:
                text = f"{text} {self.part}"
        return (text + _clock_words(self)).strip()


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


def problem(when: When) -> str | None:
    """Why `when` cannot be resolved (fields that do not belong together), or None if it can."""
    wants_weekday = when.day in _WEEKDAY_DAYS
    if wants_weekday != (when.weekday is not None):
        return "a weekday goes with the weekday days only"
    if when.weekday is not None and not 0 <= when.weekday <= 6:
        return "bad weekday"
    if (when.day == "date") != (when.date is not None):
        return "a date goes with day=date only"
    if when.date is not None and not MIN_YEAR <= when.date.year <= MAX_YEAR:
        return "date out of range"
    if (when.day == "month_day") != (when.day_of_month is not None):
        return "a day of the month goes with day=month_day only"
    if when.month is not None and (when.day != "month_day" or not 1 <= when.month <= 12):
        return "bad month"
    if when.day_of_month is not None and not _real_day(when.month, when.day_of_month):
        return "no such day"
    if (when.day == "later") != (when.minutes is not None):
        return "minutes go with day=later only"
    if when.minutes is not None and not 0 < when.minutes <= MAX_LATER_MINUTES:
        return "minutes out of range"
    if (when.day == "in_days") != (when.days is not None):
        return "days go with day=in_days only"
    if when.days is not None and not 0 < when.days <= MAX_LATER_DAYS:
        return "days out of range"
    if when.until is not None and when.at is None:
        return "until without at"
    if (when.day in SPANS or when.day in ("now", "later")) and (when.part or when.at):
        return f"{when.day} takes no part of the day or time"
    return None


def resolve(when: When, tz: dt.tzinfo, now: dt.datetime, *, whole: bool = False) -> Window:
    """The window `when` means for someone in `tz` at `now` (a naive `now` is taken as UTC).

    "This week" and "this month" start today, as a question about free time wants; `whole`
    makes them start on their first day, as a count of hours booked this week wants.
    """
    here = in_zone(now, tz)
    today = here.date()
    if when.day == "now":
        return Window(here, _shift(here, dt.timedelta(minutes=1), tz), f"Now ({here:%H:%M})")
    if when.day == "later":
        start = _shift(here, dt.timedelta(minutes=when.minutes or 0), tz)
        label = f"In {_duration_words(when.minutes or 0)} ({start:%H:%M})"
        return Window(start, _shift(start, dt.timedelta(hours=1), tz), label)
    if when.day in SPANS:
        return _span(when.day, tz, today, whole=whole)
    if when.day == "soonest":
        window = _on_day(replace(when, day="today"), today, tz, today)
        if _before(here, window.end):
            return window
        tomorrow = today + dt.timedelta(days=1)
        return _on_day(replace(when, day="tomorrow"), tomorrow, tz, today)
    return _on_day(when, target_day(when, today), tz, today)


def local_time(day: dt.date, clock: dt.time, tz: dt.tzinfo) -> dt.datetime:
    """A local wall time as a real instant in `tz`.

    A wall time skipped by a DST change moves forward by the gap; one that happens twice is the
    first (fold=0). Round-tripping through UTC gives the normalised wall time and offset.
    """
    return dt.datetime.combine(day, clock, tzinfo=tz).astimezone(dt.UTC).astimezone(tz)


def local_midnight(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """Where the local day `day` begins (the instant, even where midnight itself is skipped)."""
    return local_time(day, dt.time(0), tz)


def target_day(when: When, today: dt.date) -> dt.date:
    """The one local date a single-day `when` names, seen from `today`."""
    weekday = when.weekday if when.weekday is not None else today.weekday()
    if when.day == "tomorrow":
        return today + dt.timedelta(days=1)
    if when.day == "in_days":
        return today + dt.timedelta(days=when.days or 0)
    if when.day == "yesterday":
        return today - dt.timedelta(days=1)
    if when.day == "weekday":
        return today + dt.timedelta(days=(weekday - today.weekday()) % 7)
    if when.day == "next_weekday":
        return _monday(today) + dt.timedelta(days=7 + weekday)
    if when.day == "last_weekday":
        return today - dt.timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)
    if when.day == "date" and when.date is not None:
        return when.date
    if when.day == "month_day" and when.day_of_month is not None:
        return _meant_date(today, when.month, when.day_of_month)
    return today


# --- resolving ----------------------------------------------------------------------------


def in_zone(moment: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
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


def _on_day(when: When, day: dt.date, tz: dt.tzinfo, today: dt.date) -> Window:
    """The window of a single-day `when` on the local date `day`."""
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


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _first_of_month(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after `day`'s month (negative: before)."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _span(day: DayWord, tz: dt.tzinfo, today: dt.date, *, whole: bool) -> Window:
    """The several-day windows: weeks from Monday, weekends, months; "this" ones from today
    (unless `whole`), the others whole."""
    monday = _monday(today)
    saturday = monday + dt.timedelta(days=5)
    bounds: dict[str, tuple[dt.date, dt.date]] = {
        "this_week": (monday, monday + dt.timedelta(days=7)),
        "next_week": (monday + dt.timedelta(days=7), monday + dt.timedelta(days=14)),
        "last_week": (monday - dt.timedelta(days=7), monday),
        "this_weekend": (saturday, saturday + dt.timedelta(days=2)),
        "next_weekend": (saturday + dt.timedelta(days=7), saturday + dt.timedelta(days=9)),
        "this_month": (_first_of_month(today, 0), _first_of_month(today, 1)),
        "next_month": (_first_of_month(today, 1), _first_of_month(today, 2)),
        "last_month": (_first_of_month(today, -1), _first_of_month(today, 0)),
    }
    first, stop = bounds[day]
    if day.startswith("this_") and not whole:
        first = max(first, today)
    start, end = _local_days(first, stop, tz)
    name = capital(day.replace("_", " "))
    last = stop - dt.timedelta(days=1)
    if first == last:
        return Window(start, end, f"{name}, {date_text(first, today.year)}")
    begins = date_text(first, today.year, weekday=False)
    ends = date_text(last, today.year, weekday=False)
    return Window(start, end, f"{name}, {begins} – {ends}")


def _real_day(month: int | None, day_of_month: int) -> bool:
    """Whether some year has this day: 30 February never, 31 April never."""
    months = [month] if month is not None else list(range(1, 13))
    return any(_safe_date(_LEAP_YEAR, each, day_of_month) is not None for each in months)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _meant_date(today: dt.date, month: int | None, day_of_month: int) -> dt.date:
    """The date a day written without its year (or month) means: the next one, today
    included, unless the last one was only just now ("4 Dec" asked on 10 Dec, "the 4th" asked
    on the 7th), since people plan ahead and look back only a little."""
    if month is None:
        months = [_first_of_month(today, offset) for offset in range(-1, 13)]
        found = [_safe_date(first.year, first.month, day_of_month) for first in months]
        recent = _RECENT_DAYS_WITHOUT_MONTH
    else:  # nine years always hold a 29 February
        found = [
            _safe_date(year, month, day_of_month) for year in range(today.year - 1, today.year + 9)
        ]
        recent = _RECENT_DAYS
    dates = [day for day in found if day is not None]
    past = [day for day in dates if day < today]
    if past and (today - max(past)).days <= recent:
        return max(past)
    return min((day for day in dates if day >= today), default=max(past, default=today))


# --- words --------------------------------------------------------------------------------


def _label_head(when: When, day: dt.date, today: dt.date) -> str:
    """'Today, Wed 25 Mar', 'Tomorrow afternoon, Thu 26 Mar', 'Friday, 27 Mar', 'Tue 3 Mar'."""
    if when.day in ("date", "month_day"):
        part = f" {when.part}" if when.part else ""
        return f"{date_text(day, today.year)}{part}{_clock_words(when)}"
    words = capital(when.describe())
    if when.day in _WEEKDAY_DAYS:
        return f"{words}, {date_text(day, today.year, weekday=False)}"
    return f"{words}, {date_text(day, today.year)}"


def capital(words: str) -> str:
    return words[:1].upper() + words[1:]


def date_text(day: dt.date, this_year: int, *, weekday: bool = True) -> str:
    """'Wed 25 Mar', with the year only when it is not this year."""
    text = f"{day.day} {MONTH_ABBR[day.month - 1]}"
    if weekday:
        text = f"{WEEKDAY_NAMES[day.weekday()][:3]} {text}"
    return text if day.year == this_year else f"{text} {day.year}"


def _part_words(day: DayWord, part: PartOfDay) -> str:
    if day == "soonest":
        return "at night" if part == "night" else f"in the {part}"
    return "tonight" if part == "night" else f"this {part}"


def _day_words(when: When) -> str:
    weekday = WEEKDAY_NAMES[when.weekday] if when.weekday is not None else "today"
    if when.day == "weekday":
        return weekday
    if when.day == "next_weekday":
        return f"next {weekday}"
    if when.day == "last_weekday":
        return f"last {weekday}"
    if when.day == "date":
        return date_text(when.date, when.date.year) if when.date is not None else "today"
    if when.day == "month_day":
        return _month_day_words(when.month, when.day_of_month or 1)
    if when.day == "soonest":
        return ""
    if when.day == "in_days":
        days = when.days or 0
        return f"in {days // 7} weeks" if days % 7 == 0 and days > 7 else _in_days(days)
    return when.day.replace("_", " ")


def _in_days(days: int) -> str:
    return {1: "in 1 day", 7: "in a week"}.get(days, f"in {days} days")


def _month_day_words(month: int | None, day_of_month: int) -> str:
    if month is None:
        return f"the {ordinal(day_of_month)}"
    return f"{day_of_month} {MONTH_ABBR[month - 1]}"


def ordinal(number: int) -> str:
    """'1st', '2nd', '11th', '23rd'."""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def _clock_words(when: When) -> str:
    if when.at is None:
        return ""
    if when.until is None:
        return f" at {when.at:%H:%M}"
    if when.at == dt.time(0):
        return f" before {when.until:%H:%M}"
    if when.until == dt.time(0):
        return f" after {when.at:%H:%M}"
    return f" {when.at:%H:%M}–{when.until:%H:%M}"


def _duration_words(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return "1 hour" if hours == 1 else f"{hours} hours"
    return "1 minute" if minutes == 1 else f"{minutes} minutes"
