"""Words and times as replies show them: escaped, in the reader's zone, never "None".

Times are "09:30–11:00" in the zone the answer is about; a booking that crosses midnight reads
"22:00 → 04:30 (+1)" on the day it starts and "22:00 (−1) → 04:30" on the day it ends. Dates
are "Wed 25 Mar", with the year only when it is not the current one.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from bot.clustermarket.models import Person
from bot.clustermarket.statuses import status_policy

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_EMAIL = re.compile(r"[^\s<>|@]+@[^\s<>|@]+")
_SPACES = re.compile(r"\s+")

_MAINTENANCE_WORDS = ("maintenance", "breakdown", "repair", "service", "calibration")
PLAIN_CATEGORIES = frozenset({"use", "usage", "booking", "standard"})


def escape(text: str) -> str:
    """Text safe inside mrkdwn: `&`, `<` and `>` escaped, so nothing becomes a link or a
    mention (`<!channel>`) by accident."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def one_line(text: str) -> str:
    """Line breaks and runs of spaces folded to single spaces."""
    return _SPACES.sub(" ", text).strip()


def redact_emails(text: str) -> str:
    """Email addresses replaced, for answers shown to a whole channel."""
    return _EMAIL.sub("(email hidden)", text)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 booking', '3 bookings'."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def date_text(day: dt.date, *, this_year: int | None = None) -> str:
    """'Wed 25 Mar', with the year when it is not `this_year`."""
    text = f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"
    return text if this_year is None or day.year == this_year else f"{text} {day.year}"


def relative_day(day: dt.date, today: dt.date | None) -> str | None:
    """'today', 'tomorrow' or 'yesterday' when `day` is one of them."""
    if today is None:
        return None
    return {0: "today", 1: "tomorrow", -1: "yesterday"}.get((day - today).days)


def day_heading(day: dt.date, today: dt.date | None) -> str:
    """'Wed 25 Mar · today' (bold in mrkdwn)."""
    words = relative_day(day, today)
    text = f"*{date_text(day, this_year=None if today is None else today.year)}*"
    return f"{text} · {words}" if words else text


def clock(moment: dt.datetime, tz: dt.tzinfo) -> str:
    """'09:30' in `tz` (a naive time is taken as UTC)."""
    return f"{_in(moment, tz):%H:%M}"


def span(
    start: dt.datetime | None, end: dt.datetime | None, tz: dt.tzinfo, day: dt.date | None = None
) -> str:
    """A booking's times as seen on local `day` (default: the day it starts).

    '09:30–11:00'; '22:00 → 04:30 (+1)'; '22:00 (−1) → 04:30'; 'all day'; an end exactly at
    the next midnight is '22:00–00:00', not a crossing.
    """
    if start is None and end is None:
        return "time not set"
    if start is None or end is None:
        known = start if start is not None else end
        assert known is not None
        word = "from" if start is not None else "until"
        return f"{word} {_with_offset(_in(known, tz), day or _in(known, tz).date())}"
    first, last = _in(start, tz), _in(end, tz)
    shown = day or first.date()
    next_midnight = dt.datetime.combine(first.date() + dt.timedelta(days=1), dt.time(), tz)
    ends_at_midnight = last.time() == dt.time() and last.date() == first.date() + dt.timedelta(
        days=1
    )
    if first.time() == dt.time() and ends_at_midnight and _same_instant(last, next_midnight):
        return "all day"
    start_offset = (first.date() - shown).days
    end_offset = 0 if ends_at_midnight and start_offset == 0 else (last.date() - shown).days
    if start_offset == 0 and end_offset == 0:
        return f"{first:%H:%M}–{last:%H:%M}"
    return f"{_with_offset(first, shown)} → {_mark(last, end_offset)}"


def _with_offset(moment: dt.datetime, shown: dt.date) -> str:
    return _mark(moment, (moment.date() - shown).days)


def _mark(moment: dt.datetime, offset: int) -> str:
    if offset == 0:
        return f"{moment:%H:%M}"
    sign = "+" if offset > 0 else "−"
    return f"{moment:%H:%M} ({sign}{abs(offset)})"


def _same_instant(first: dt.datetime, second: dt.datetime) -> bool:
    return first.astimezone(dt.UTC) == second.astimezone(dt.UTC)


def _in(moment: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(tz)


def duration(minutes: int) -> str:
    """'45 min', '2 h', '1 h 30 min', '3 days'."""
    minutes = max(minutes, 0)
    if minutes >= 48 * 60:
        return plural(round(minutes / (24 * 60)), "day")
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" if not rest else f"{hours} h {rest} min"


def zone_name(tz: dt.tzinfo) -> str:
    """'Europe/London' for a ZoneInfo, else whatever the zone calls itself."""
    if isinstance(tz, ZoneInfo):
        return tz.key
    return str(tz)


def status_badge(status: str | None) -> str | None:
    """'✅ Approved', '⏳ Requested'…; an unknown state is shown as written, a missing one not."""
    policy = status_policy(status)
    if policy is None:
        return None
    return f"{policy.emoji} {policy.label}"


def is_maintenance(category: str | None) -> bool:
    """Maintenance, breakdown, repair and the like: the instrument is not being used for work."""
    folded = (category or "").casefold()
    return any(word in folded for word in _MAINTENANCE_WORDS)


def category_label(category: str | None) -> str | None:
    """'🛠 Repair' for maintenance kinds, 'Training' for other notable kinds, None for plain use."""
    if category is None or not category.strip() or category.strip().casefold() in PLAIN_CATEGORIES:
        return None
    text = one_line(category)
    return f"🛠 {text}" if is_maintenance(category) else text


def person_name(person: Person | None, *, fallback: str = "someone") -> str:
    """A requester's name, or `fallback` when the booking names nobody."""
    if person is None:
        return fallback
    if person.name and person.name.strip():
        return one_line(person.name)
    return f"user {person.id}" if person.id is not None else fallback


def person_link(person: Person | None, *, fallback: str = "someone") -> str:
    """The name as mrkdwn, a mailto link when the email is known (private answers only)."""
    name = escape(person_name(person, fallback=fallback))
    email = None if person is None else person.email
    if email and "@" in email and not any(char in email for char in "<>| \n"):
        return f"<mailto:{email}|{name}>"
    return name


def money(cost: str | None, currency: str | None) -> str | None:
    """'18.00 GBP', or None when there is no cost or it is zero."""
    if cost is None or not cost.strip():
        return None
    try:
        if float(cost) == 0:
            return None
    except ValueError:
        return None
    return f"{cost.strip()} {currency.strip()}" if currency and currency.strip() else cost.strip()
