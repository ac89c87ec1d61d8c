"""When a digest is due: pure functions of a subscription's settings and the current instant.

A digest for local date D is due once the local clock on D shows its send time or later, and
only while it is still D where the digest lives: a missed yesterday is never sent late. A send
time the clock skips (02:30 on a spring-forward day in New York) is reached when the clock
jumps past it, at 03:00; one the clock shows twice (01:30 on a fall-back day) is reached the
first time. Delivery is keyed by local date, so either way it goes out once.

A digest turned on (or moved to another time or lab) after that day's send time starts the
next day: its `first_day` is kept with it, and no earlier day is ever due.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_SEND_TIME = dt.time(8, 0)
WEEKEND = frozenset({5, 6})  # Saturday, Sunday
_SEND_TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
_SEARCH_STEPS = 40  # bisection steps over a DST gap: far below a second for any real gap


def parse_send_time(text: str | None) -> dt.time:
    """'HH:MM' as a time; anything else is the default, since the store only keeps HH:MM."""
    found = _SEND_TIME.fullmatch(text or "")
    if found is None:
        return DEFAULT_SEND_TIME
    return dt.time(int(found.group(1)), int(found.group(2)))


def format_send_time(clock: dt.time) -> str:
    """The store's 'HH:MM' (seconds are dropped: digests go out on the minute)."""
    return f"{clock.hour:02d}:{clock.minute:02d}"


def zone_of(name: str | None) -> ZoneInfo:
    """The IANA zone named, or UTC when there is none or Python does not know it."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo("UTC")


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _wall(moment: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """The local wall-clock reading at an instant, without its zone."""
    return moment.astimezone(tz).replace(tzinfo=None)


def send_instant(day: dt.date, clock: dt.time, tz: dt.tzinfo) -> dt.datetime:
    """The first instant at which the local clock on `day` reads `clock` or later (in UTC).

    Normally that is the wall time itself. In a spring-forward gap it is the moment the clock
    jumps past `clock`; in a fall-back overlap it is the first of the two readings.
    """
    wall = dt.datetime.combine(day, clock)
    first = wall.replace(tzinfo=tz, fold=0).astimezone(dt.UTC)
    if _wall(first, tz) == wall:
        return first  # exists; fold=0 is the earlier of two readings in an overlap
    # A gap: fold=1 reads the wall time with the offset after the change, which lands
    # before the jump; fold=0 lands after it. Bisect for the jump between the two.
    low = wall.replace(tzinfo=tz, fold=1).astimezone(dt.UTC)
    high = first
    if high < low:
        low, high = high, low
    for _ in range(_SEARCH_STEPS):
        if high - low <= dt.timedelta(microseconds=1):
            break
        middle = low + (high - low) / 2
        if _wall(middle, tz) >= wall:
            high = middle
        else:
            low = middle
    whole = high.replace(microsecond=0)  # zone changes fall on whole seconds
    return whole if _wall(whole, tz) >= wall else high


def first_day(now: dt.datetime, send_time: dt.time, tz: dt.tzinfo) -> dt.date:
    """The first local date a digest turned on at `now` may go out: today if its send time is
    still to come (or is this very instant), else tomorrow."""
    moment = _utc(now)
    today = moment.astimezone(tz).date()
    return today if moment <= send_instant(today, send_time, tz) else today + dt.timedelta(days=1)


def due_date(
    now: dt.datetime,
    send_time: dt.time,
    tz: dt.tzinfo,
    *,
    skip_weekends: bool = False,
    starts: dt.date | None = None,
) -> dt.date | None:
    """The local date whose digest is due at `now`, or None when none is.

    Only the current local date can be due, and none before `starts` (the digest's first
    day; None: any day); a naive `now` is taken as UTC.
    """
    moment = _utc(now)
    day = moment.astimezone(tz).date()
    if skip_weekends and day.weekday() in WEEKEND:
        return None
    if starts is not None and day < starts:
        return None
    return day if moment >= send_instant(day, send_time, tz) else None


def next_send(
    now: dt.datetime,
    send_time: dt.time,
    tz: dt.tzinfo,
    *,
    skip_weekends: bool = False,
    sent_today: bool = False,
    starts: dt.date | None = None,
) -> dt.datetime:
    """When the next digest goes out, in `tz`: today's unless it has been sent or the digest
    starts later (if its time has passed it is due now), else that of the next day that is
    not skipped."""
    today = _utc(now).astimezone(tz).date()
    earliest = today + dt.timedelta(days=1) if sent_today else today
    if starts is not None and starts > earliest:
        earliest = starts
    days = (earliest + dt.timedelta(days=offset) for offset in range(3))
    day = next(d for d in days if not (skip_weekends and d.weekday() in WEEKEND))
    return send_instant(day, send_time, tz).astimezone(tz)
