"""Saying back what a question's time was taken to mean, in the asker's zone and at their now.

"is the confocal free at 3?" asked at 19:00 is about tomorrow: the answer says so, plainly,
before anything else ("Tomorrow 15:00–16:00"), so a misreading is seen at once.
"""

from __future__ import annotations

import datetime as dt

from bot.questions.when import (
    SPANS,
    When,
    capital,
    date_text,
    in_zone,
    local_midnight,
    resolve,
)


def understood(when: When, tz: dt.tzinfo, now: dt.datetime) -> str:
    """What the words were taken to mean, said back plainly for the answer to show:
    "Tomorrow 15:00–16:00", "Fri 3 Apr", "This weekend, Sat 28 Mar – Sun 29 Mar"."""
    window = resolve(when, tz, now)
    if when.day == "now":
        return window.label
    today = in_zone(now, tz).date()
    start, end = window.start, window.end
    first = start.date()
    whole_days = start == local_midnight(first, tz) and end == local_midnight(end.date(), tz)
    days = window.days()
    if not whole_days:
        head = _day_name(first, today)
        return f"{head} {start:%H:%M}–{end:%H:%M}"
    if len(days) == 1:
        name = _day_name(first, today)
        if abs((first - today).days) <= 1:
            return f"{name}, {date_text(first, today.year)}"
        return name
    span = f"{date_text(days[0], today.year)} – {date_text(days[-1], today.year)}"
    if when.day in SPANS:
        return f"{capital(when.describe())}, {span}"
    return span


def _day_name(day: dt.date, today: dt.date) -> str:
    """'Today', 'Tomorrow', 'Yesterday', else 'Fri 3 Apr'."""
    names = {0: "Today", 1: "Tomorrow", -1: "Yesterday"}
    return names.get((day - today).days) or date_text(day, today.year)
