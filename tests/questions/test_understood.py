"""The time of a question said back as it was understood, at chosen clocks and in two zones:
"at 3" asked at 19:00 is tomorrow's 3 o'clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.questions.timewords import parse_when
from bot.questions.understood import understood
from bot.questions.when import When, resolve

LONDON = ZoneInfo("Europe/London")
AUCKLAND = ZoneInfo("Pacific/Auckland")
# Wednesday 25 March 2026 at these local times; and Sunday 29 March (the day BST starts).
WEDNESDAY = dt.date(2026, 3, 25)
SUNDAY = dt.date(2026, 3, 29)


def at(day: dt.date, hour: int, minute: int = 0, tz: ZoneInfo = LONDON) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)


SAID_BACK: list[tuple[str, dt.datetime, str]] = [
    # "at 3": today's while it lasts, else tomorrow's
    ("at 3", at(WEDNESDAY, 10), "Today 15:00–16:00"),
    ("at 3", at(WEDNESDAY, 15, 30), "Today 15:00–16:00"),
    ("at 3", at(WEDNESDAY, 19), "Tomorrow 15:00–16:00"),
    ("at 3", at(WEDNESDAY, 23, 30), "Tomorrow 15:00–16:00"),
    ("at 3pm", at(SUNDAY, 19), "Tomorrow 15:00–16:00"),
    ("today at 3", at(WEDNESDAY, 19), "Today 15:00–16:00"),  # said today: today, over or not
    ("from 2 to 4", at(WEDNESDAY, 19), "Tomorrow 14:00–16:00"),
    ("at 9", at(WEDNESDAY, 19), "Tomorrow 09:00–10:00"),
    ("at midnight", at(WEDNESDAY, 19), "Tomorrow 00:00–01:00"),
    ("after 5", at(WEDNESDAY, 19), "Today 17:00–00:00"),
    ("in the afternoon", at(WEDNESDAY, 10), "Today 12:00–18:00"),
    ("in the afternoon", at(WEDNESDAY, 19), "Tomorrow 12:00–18:00"),
    ("tonight", at(WEDNESDAY, 23, 30), "Today 18:00–06:00"),
    ("this afternoon", at(WEDNESDAY, 19), "Today 12:00–18:00"),
    # days
    ("tomorrow", at(WEDNESDAY, 19), "Tomorrow, Thu 26 Mar"),
    ("tomorrow", at(WEDNESDAY, 23, 30), "Tomorrow, Thu 26 Mar"),
    ("friday", at(WEDNESDAY, 10), "Fri 27 Mar"),
    ("next friday", at(WEDNESDAY, 10), "Fri 3 Apr"),
    ("next monday", at(SUNDAY, 10), "Tomorrow, Mon 30 Mar"),
    ("last tuesday", at(WEDNESDAY, 10), "Yesterday, Tue 24 Mar"),
    ("last monday", at(WEDNESDAY, 10), "Mon 23 Mar"),
    ("last sunday", at(SUNDAY, 10), "Sun 22 Mar"),
    ("sunday", at(SUNDAY, 10), "Today, Sun 29 Mar"),
    ("4 dec", at(WEDNESDAY, 10), "Fri 4 Dec"),
    ("Dec 4", at(dt.date(2026, 12, 20), 10), "Fri 4 Dec"),  # just gone
    ("Dec 4", at(dt.date(2027, 1, 20), 10), "Sat 4 Dec"),  # the next one, this year
    ("Jan 10", at(dt.date(2026, 12, 20), 10), "Sun 10 Jan 2027"),
    ("the 4th", at(WEDNESDAY, 10), "Sat 4 Apr"),
    ("the 24th", at(WEDNESDAY, 10), "Yesterday, Tue 24 Mar"),
    ("29 feb", at(WEDNESDAY, 10), "Tue 29 Feb 2028"),
    ("4 dec 2026 at 3", at(WEDNESDAY, 10), "Fri 4 Dec 15:00–16:00"),
    ("tomorrow from 2 to 4", at(WEDNESDAY, 10), "Tomorrow 14:00–16:00"),
    # spans
    ("this weekend", at(WEDNESDAY, 10), "This weekend, Sat 28 Mar – Sun 29 Mar"),
    ("this weekend", at(SUNDAY, 10), "Today, Sun 29 Mar"),
    ("next weekend", at(SUNDAY, 10), "Next weekend, Sat 4 Apr – Sun 5 Apr"),
    ("this month", at(WEDNESDAY, 10), "This month, Wed 25 Mar – Tue 31 Mar"),
    ("next month", at(WEDNESDAY, 10), "Next month, Wed 1 Apr – Thu 30 Apr"),
    ("last week", at(WEDNESDAY, 10), "Last week, Mon 16 Mar – Sun 22 Mar"),
    ("the day after tomorrow", at(WEDNESDAY, 10), "Fri 27 Mar"),
    ("in 2 weeks", at(WEDNESDAY, 10), "Wed 8 Apr"),
    ("before 11", at(WEDNESDAY, 10), "Today 00:00–11:00"),
    ("before 11", at(WEDNESDAY, 19), "Tomorrow 00:00–11:00"),
    # relative to now
    ("now", at(WEDNESDAY, 14, 5), "Now (14:05)"),
    ("in 2 hours", at(WEDNESDAY, 14, 5), "Today 16:05–17:05"),
    ("in 2 hours", at(WEDNESDAY, 23, 30), "Tomorrow 01:30–02:30"),
    ("in 30 minutes", at(SUNDAY, 0, 45), "Today 02:15–03:15"),  # across the hour BST skips
]


@pytest.mark.parametrize(("text", "now", "said"), SAID_BACK)
def test_said_back(text: str, now: dt.datetime, said: str) -> None:
    when = parse_when(text, date_order="DMY")
    assert when is not None
    assert understood(when, LONDON, now) == said


@pytest.mark.parametrize(("text", "now", "said"), SAID_BACK)
def test_the_same_words_mean_the_same_local_time_in_another_zone(
    text: str, now: dt.datetime, said: str
) -> None:
    """Auckland's wall clock at the same local time reads the same (away from DST changes)."""
    if now.date() == SUNDAY and "minutes" in text:
        return  # London's DST change is not Auckland's
    there = now.replace(tzinfo=AUCKLAND)
    when = parse_when(text, date_order="DMY")
    assert when is not None
    assert understood(when, AUCKLAND, there) == said


def test_a_resolved_soonest_window_has_not_ended() -> None:
    for hour in range(24):
        now = at(WEDNESDAY, hour, 59)
        for text in ("at 3", "at 9", "from 2 to 4", "in the morning", "at night", "at noon"):
            when = parse_when(text)
            assert when is not None and when.day == "soonest"
            window = resolve(when, LONDON, now)
            assert window.end > now, (text, hour)
            assert window.start.date() in (WEDNESDAY, WEDNESDAY + dt.timedelta(days=1))


def test_whole_weeks_and_months_for_counting_hours() -> None:
    now = at(WEDNESDAY, 10)
    week = resolve(When(day="this_week"), LONDON, now, whole=True)
    assert week.start.date() == dt.date(2026, 3, 23)
    month = resolve(When(day="this_month"), LONDON, now, whole=True)
    assert month.start.date() == dt.date(2026, 3, 1)
    assert month.end.date() == dt.date(2026, 4, 1)
