"""Choosing bookings for a window, a day and a free slot, on any objects that carry times.

Works through the small `Timed` protocol so the Clustermarket models, the sandbox's records and
plain test doubles all fit. Every comparison is made in UTC: Python compares two datetimes that
share a tzinfo by wall time alone, which is wrong in the repeated hour of a DST change. Which
statuses hold an instrument is the status table's word (`bot.clustermarket.statuses`). The
client hands over aware times only; a naive one from elsewhere is compared as UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from bot.clustermarket.statuses import is_active
from bot.questions.when import Window, local_midnight


class Timed(Protocol):
    """Anything with a booking's times and status (all may be missing)."""

    @property
    def start_time(self) -> dt.datetime | None: ...

    @property
    def end_time(self) -> dt.datetime | None: ...

    @property
    def status(self) -> str | None: ...


T = TypeVar("T", bound=Timed)


@dataclass(frozen=True)
class Slot:
    """A free span of time, [start, end)."""

    start: dt.datetime
    end: dt.datetime

    @property
    def minutes(self) -> int:
        return int((_utc(self.end) - _utc(self.start)).total_seconds() // 60)


def in_window(bookings: Iterable[T], window: Window, *, active_only: bool = True) -> list[T]:
    """The bookings overlapping [window.start, window.end), sorted by start; ones without both
    times, or ending before they start, are left out."""
    start, end = _utc(window.start), _utc(window.end)
    chosen: list[tuple[dt.datetime, dt.datetime, int, T]] = []
    for index, booking in enumerate(bookings):
        times = _times(booking)
        if times is None or (active_only and not is_active(booking.status)):
            continue
        if _overlaps(times, start, end):
            chosen.append((times[0], times[1], index, booking))
    chosen.sort(key=lambda entry: entry[:3])
    return [entry[3] for entry in chosen]


def by_local_day(bookings: Sequence[T], window: Window) -> list[tuple[dt.date, list[T]]]:
    """Every local day of the window, in order, with the bookings touching it (sorted by start).

    A booking that crosses midnight appears under each day it touches; a day with nothing on it
    is still listed (with an empty list), so a week view can say so. Status is not looked at:
    filter with `in_window` first.
    """
    tz = window.start.tzinfo or dt.UTC
    window_start, window_end = _utc(window.start), _utc(window.end)
    ordered = sorted(
        (
            (times, index, booking)
            for index, booking in enumerate(bookings)
            if (times := _times(booking)) is not None
        ),
        key=lambda entry: (entry[0], entry[1]),
    )
    result: list[tuple[dt.date, list[T]]] = []
    for day in window.days():
        day_start = max(_utc(local_midnight(day, tz)), window_start)
        day_end = min(_utc(local_midnight(day + dt.timedelta(days=1), tz)), window_end)
        result.append(
            (
                day,
                [booking for times, _, booking in ordered if _overlaps(times, day_start, day_end)],
            )
        )
    return result


def free_slots(bookings: Iterable[T], window: Window, *, min_minutes: int = 15) -> list[Slot]:
    """The gaps of at least `min_minutes` between active bookings inside the window, in the
    window's zone; overlapping and touching bookings are merged first."""
    tz = window.start.tzinfo or dt.UTC
    start, end = _utc(window.start), _utc(window.end)
    gaps = _gaps(_merged(bookings, start, end), start, end)
    least = dt.timedelta(minutes=max(min_minutes, 0))
    return [
        Slot(gap_start.astimezone(tz), gap_end.astimezone(tz))
        for gap_start, gap_end in gaps
        if gap_end - gap_start >= least and gap_end > gap_start
    ]


def busy_at(bookings: Iterable[T], moment: dt.datetime) -> T | None:
    """The active booking covering `moment` (the earliest-starting one if several do)."""
    when = _utc(moment)
    covering: list[tuple[dt.datetime, int, T]] = []
    for index, booking in enumerate(bookings):
        times = _times(booking)
        if times is not None and is_active(booking.status) and times[0] <= when < times[1]:
            covering.append((times[0], index, booking))
    if not covering:
        return None
    return min(covering, key=lambda entry: entry[:2])[2]


def next_free(
    bookings: Iterable[T], after: dt.datetime, *, min_minutes: int = 30, horizon_days: int = 30
) -> Slot | None:
    """The first free span of at least `min_minutes` starting at or after `after`, looking
    `horizon_days` ahead. Its end is the next booking's start, or the horizon when nothing more
    is booked within it. None if the equipment is booked solid for the whole horizon."""
    tz = after.tzinfo or dt.UTC
    start = _utc(after)
    end = start + dt.timedelta(days=max(horizon_days, 0))
    least = dt.timedelta(minutes=max(min_minutes, 0))
    for gap_start, gap_end in _gaps(_merged(bookings, start, end), start, end):
        if gap_end - gap_start >= least and gap_end > gap_start:
            return Slot(gap_start.astimezone(tz), gap_end.astimezone(tz))
    return None


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _times(booking: Timed) -> tuple[dt.datetime, dt.datetime] | None:
    if booking.start_time is None or booking.end_time is None:
        return None
    start, end = _utc(booking.start_time), _utc(booking.end_time)
    return None if end < start else (start, end)


def _overlaps(times: tuple[dt.datetime, dt.datetime], start: dt.datetime, end: dt.datetime) -> bool:
    """[a, b) overlaps [start, end); a zero-length booking counts where it sits."""
    first, last = times
    if first == last:
        return start <= first < end
    return first < end and last > start


def _merged(
    bookings: Iterable[Timed], start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Active bookings clipped to [start, end), overlapping or touching ones joined, in order."""
    spans = sorted(
        (max(times[0], start), min(times[1], end))
        for booking in bookings
        if is_active(booking.status)
        and (times := _times(booking)) is not None
        and times[0] < end
        and times[1] > start
    )
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for span_start, span_end in spans:
        if merged and span_start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], span_end))
        else:
            merged.append((span_start, span_end))
    return merged


def _gaps(
    busy: list[tuple[dt.datetime, dt.datetime]], start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    gaps: list[tuple[dt.datetime, dt.datetime]] = []
    cursor = start
    for busy_start, busy_end in busy:
        if busy_start > cursor:
            gaps.append((cursor, busy_start))
        cursor = max(cursor, busy_end)
    if cursor < end:
        gaps.append((cursor, end))
    return gaps
