"""A watched instrument polled, and what its channel is told.

A watch reads, with its owner's token, the instrument's availability (the one-page equipment
list) and its bookings, and keeps today's active ones (today in the instrument's lab zone).
The channel hears when the availability changes and when one of today's bookings that has
not ended is cancelled, declined or removed: a slot opened. Posts name no one (a channel
sees no personal fields). The first poll of a watch, and the first of each new day for the
bookings, only set the baseline. Polled every ten minutes in lab hours, hourly otherwise.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from bot.clustermarket.listing import Listing
from bot.clustermarket.models import Booking
from bot.clustermarket.paging import gather_all
from bot.clustermarket.statuses import is_active, is_available
from bot.clustermarket.user_api import or_none
from bot.digest.compose import day_window
from bot.digest.schedule import zone_of
from bot.notify import reading
from bot.questions.days import in_window
from bot.services import Services
from bot.store import NewNotice, Watch

LAB_HOURS = (7, 21)
IN_HOURS, OFF_HOURS = dt.timedelta(minutes=10), dt.timedelta(hours=1)
RETRY_AFTER = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class WatchSnapshot:
    """What a watch's last poll saw: the availability, and today's active bookings."""

    day: str
    status: str | None
    known: bool = True
    """Whether the status was read (an instrument missing from the list is not a change)."""
    bookings: dict[int, tuple[str, str]] = field(default_factory=dict)
    """Today's active bookings not yet over: id to (start, end), ISO in UTC."""

    def encode(self) -> str:
        return json.dumps(
            {
                "day": self.day,
                "status": self.status,
                "known": self.known,
                "bookings": {str(key): list(value) for key, value in self.bookings.items()},
            },
            ensure_ascii=False,
        )

    @classmethod
    def decode(cls, text: str | None) -> WatchSnapshot | None:
        if not text:
            return None
        try:
            data = json.loads(text)
            bookings = {
                int(key): (str(value[0]), str(value[1]))
                for key, value in dict(data.get("bookings", {})).items()
            }
            return cls(str(data["day"]), data.get("status"), bool(data.get("known")), bookings)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            return None


@dataclass(frozen=True)
class WatchPoll:
    """One watch's poll: what to keep, what to post, when to look again."""

    snapshot: WatchSnapshot
    notices: list[NewNotice]
    pages: int
    next_poll_at: dt.datetime


def next_watch_poll(now: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    hour = now.astimezone(tz).hour
    in_hours = LAB_HOURS[0] <= hour < LAB_HOURS[1]
    return now + (IN_HOURS if in_hours else OFF_HOURS)


def _today(
    bookings: Listing[Booking], tz: dt.tzinfo, now: dt.datetime
) -> dict[int, tuple[str, str]]:
    window = day_window(now.astimezone(tz).date(), tz)
    kept: dict[int, tuple[str, str]] = {}
    for booking in in_window(bookings, window):
        end = booking.ends_at
        if booking.id is None or booking.start_time is None or end is None:
            continue
        if is_active(booking.status) and end > now:
            kept[booking.id] = (
                booking.start_time.astimezone(dt.UTC).isoformat(),
                end.astimezone(dt.UTC).isoformat(),
            )
    return kept


async def poll_watch(services: Services, watch: Watch, now: dt.datetime) -> WatchPoll:
    """Read the instrument with the owner's token and compare with the watch's last poll.
    Raises the owner's link error or the upstream failure."""
    tz = zone_of(watch.lab_zone)
    equipment, bookings = await gather_all(
        or_none(reading.equipment_seen(services, watch.owner)),
        reading.instrument_bookings(services, watch.owner, watch.equipment_id),
    )
    listed = {item.id: item for item in equipment or () if item.id is not None}
    item = listed.get(watch.equipment_id)
    day = now.astimezone(tz).date().isoformat()
    current = WatchSnapshot(
        day,
        item.availability_status if item is not None else None,
        known=item is not None,
        bookings=_today(bookings, tz, now),
    )
    before = WatchSnapshot.decode(watch.snapshot)
    notices = [] if before is None else _posts(watch, before, current, bookings, now, tz)
    if not current.known and before is not None:  # keep what we knew
        current = WatchSnapshot(day, before.status, before.known, current.bookings)
    return WatchPoll(current, notices, bookings.pages + 1, next_watch_poll(now, tz))


def _posts(
    watch: Watch,
    before: WatchSnapshot,
    after: WatchSnapshot,
    bookings: Listing[Booking],
    now: dt.datetime,
    tz: dt.tzinfo,
) -> list[NewNotice]:
    posts: list[NewNotice] = []
    since = watch.polled_at.isoformat() if watch.polled_at else "first"
    changed = (
        after.known
        and before.known
        and (
            is_available(before.status) != is_available(after.status)
            or (not is_available(after.status) and before.status != after.status)
        )
    )
    if changed:
        posts.append(
            _post(
                watch,
                f"watch:{watch.id}:availability:{after.status}:{since}",
                "watch_availability",
                {"status": after.status, "before": before.status},
                now,
                now + dt.timedelta(days=1),
                tz,
            )
        )
    if before.day != after.day:
        return posts
    states = {booking.id: booking for booking in bookings if booking.id is not None}
    for booking_id, (start, end) in sorted(before.bookings.items()):
        if booking_id in after.bookings or dt.datetime.fromisoformat(end) <= now:
            continue
        now_seen = states.get(booking_id)
        ended = now_seen is not None and not is_active(now_seen.status)
        removed = now_seen is None and bookings.complete
        if ended or removed:
            posts.append(
                _post(
                    watch,
                    f"watch:{watch.id}:slot:{booking_id}:{after.day}",
                    "watch_slot",
                    {"start": start, "end": end},
                    now,
                    dt.datetime.fromisoformat(end),
                    tz,
                )
            )
    return posts


def _post(
    watch: Watch,
    key: str,
    kind: str,
    details: dict[str, Any],
    now: dt.datetime,
    expires: dt.datetime,
    tz: dt.tzinfo,
) -> NewNotice:
    payload = {
        "equipment_id": watch.equipment_id,
        "equipment": watch.equipment_name,
        "tz": getattr(tz, "key", "UTC"),
        "owner": watch.owner_user_id,
        **details,
    }
    return NewNotice(
        key=key,
        team_id=watch.team_id,
        user_id=watch.owner_user_id,
        kind=kind,
        payload=json.dumps(payload, ensure_ascii=False),
        due_at=now,
        expires_at=expires,
        channel_id=watch.channel_id,
    )
