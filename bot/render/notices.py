"""Block Kit for what the notifier sends: reminders and change notices (DMs), and the posts of
a watched instrument in its channel.

Pure: the notice's payload (what the poll saw), the reader's zone and `now` in, a reply out.
A DM says which booking (instrument, room, day and times) and how to stop this kind of
message; "Open in Clustermarket" links the booking when the web app's URL is known. A
channel post names no one: the instrument, its availability, a slot's times.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from bot.notify.snapshot import SeenBooking
from bot.questions.commands import DEFAULT_COMMAND
from bot.render import kit
from bot.render.actions import OPEN_WEB
from bot.render.availability import PHRASES, service_badge, service_standing, status_words
from bot.render.reply import Reply, fallback_text
from bot.render.text import (
    date_text,
    duration,
    escape,
    relative_day,
    span,
    status_badge,
)
from bot.render.weblinks import OPEN_LABEL, WebLinks, booking_url, equipment_url, linked

Block = dict[str, Any]
MAX_LISTED = 10


def _seen(value: object) -> SeenBooking | None:
    return SeenBooking.from_json(value) if isinstance(value, Mapping) else None


def _when(booking: SeenBooking, tz: dt.tzinfo, now: dt.datetime) -> str:
    """'today 14:00–15:00', 'Thu 26 Mar 10:00–11:00'."""
    day = booking.start.astimezone(tz).date()
    today = now.astimezone(tz).date()
    words = relative_day(day, today) or date_text(day, this_year=today.year)
    return f"{words} {span(booking.start, booking.end, tz, day)}"


def _place(booking: SeenBooking) -> str:
    return f"  ·  📍 {escape(booking.room)}" if booking.room else ""


def _name(booking: SeenBooking, links: WebLinks | None) -> str:
    return f"*{linked(escape(booking.equipment), booking_url(links, booking.id))}*"


def _open(url: str | None) -> list[Block]:
    if url is None:
        return []
    return [kit.actions([kit.button(f"{OPEN_LABEL} ↗", OPEN_WEB, url=url)])]


def _reply(text: str, blocks: list[Block]) -> Reply:
    """`text` is plain: `fallback_text` escapes it, as every reply's."""
    return Reply(fallback_text(text), blocks)


def _minutes(later: dt.datetime, now: dt.datetime) -> str:
    return duration(max(round((later - now).total_seconds() / 60), 0))


def reminder_message(
    booking: SeenBooking,
    *,
    ending: bool,
    tz: dt.tzinfo,
    now: dt.datetime,
    links: WebLinks | None = None,
    command: str = DEFAULT_COMMAND,
) -> Reply:
    """ "⏰ NanoDrop One starts in 15 min: today 14:00–14:30 · 📍 G.12" (or ends in 10)."""
    moment = booking.end if ending and booking.end is not None else booking.start
    verb = "ends" if ending else "starts"
    soon = f"in {_minutes(moment, now)}" if moment > now else "now"
    icon = "⏳" if ending else "⏰"
    body = f"{icon} {_name(booking, links)} {verb} {soon}: {escape(_when(booking, tz, now))}"
    blocks = [
        kit.section(body + _place(booking)),
        *_open(booking_url(links, booking.id)),
        kit.context(f"Booking reminder  ·  `{command} remind off` stops them"),
    ]
    text = f"{booking.equipment} {verb} {soon}: {_when(booking, tz, now)}"
    return _reply(text, blocks)


_CHANGED = {
    "approved": ("✅", "was approved"),
    "declined": ("⛔", "was declined"),
    "cancelled": ("🚫", "was cancelled"),
}


def change_message(
    kind: str,
    booking: SeenBooking,
    before: SeenBooking | None,
    *,
    gone: bool = False,
    tz: dt.tzinfo,
    now: dt.datetime,
    links: WebLinks | None = None,
    command: str = DEFAULT_COMMAND,
) -> Reply:
    """A booking approved, declined, cancelled (by someone else, or removed) or moved."""
    when = escape(_when(booking, tz, now))
    if kind == "moved" and before is not None:
        was = escape(_when(before, tz, now))
        body = f"🔀 Your booking of {_name(booking, links)} moved: ~{was}~ → *{when}*"
        text = f"Your booking of {booking.equipment} moved: now {_when(booking, tz, now)}"
    else:
        icon, what = _CHANGED.get(kind, ("🔔", "changed"))
        badge = status_badge(booking.status)
        if gone:
            what = "is no longer in Clustermarket (removed or cancelled)"
        body = f"{icon} Your booking of {_name(booking, links)} {what}: {when}"
        if badge and not gone:
            body += f"  ·  {badge}"
        text = f"Your booking of {booking.equipment} {what}: {_when(booking, tz, now)}"
    blocks = [
        kit.section(body + _place(booking)),
        *_open(booking_url(links, booking.id)),
        kit.context(
            f"Change to your booking  ·  the App Home (or `{command} help`) turns these off"
        ),
    ]
    return _reply(text, blocks)


def unavailable_message(
    equipment: str,
    equipment_id: int | None,
    status: str | None,
    affected: Sequence[SeenBooking],
    *,
    tz: dt.tzinfo,
    now: dt.datetime,
    links: WebLinks | None = None,
) -> Reply:
    """An instrument the person has booked this week is no longer available."""
    words = status_words(status or "Unavailable")
    badge = service_badge(words) or escape(words)
    name = linked(escape(equipment), equipment_url(links, equipment_id))
    lines = [f"•  {escape(_when(booking, tz, now))}" for booking in affected[:MAX_LISTED]]
    if len(affected) > MAX_LISTED:
        lines.append(f"…and {len(affected) - MAX_LISTED} more")
    body = (
        f"{badge}  *{name}* is now *{escape(words)}* in Clustermarket, and you have it"
        " booked:\n" + "\n".join(lines)
    )
    blocks = [
        kit.section(body),
        *_open(equipment_url(links, equipment_id)),
        kit.context("Ask its contact whether your bookings still stand"),
    ]
    text = f"{equipment} is now {words} in Clustermarket, and you have it booked"
    return _reply(text, blocks)


def watch_message(
    kind: str,
    payload: Mapping[str, Any],
    *,
    tz: dt.tzinfo,
    now: dt.datetime,
    links: WebLinks | None = None,
    command: str = DEFAULT_COMMAND,
) -> Reply:
    """A watched instrument's post: its availability changed, or a slot opened today."""
    equipment = str(payload.get("equipment") or "The instrument")
    raw_id = payload.get("equipment_id")
    equipment_id = raw_id if isinstance(raw_id, int) else None
    name = f"*{linked(escape(equipment), equipment_url(links, equipment_id))}*"
    if kind == "watch_slot":
        start = dt.datetime.fromisoformat(str(payload.get("start")))
        end = dt.datetime.fromisoformat(str(payload.get("end")))
        times = span(start, end, tz)
        day = relative_day(start.astimezone(tz).date(), now.astimezone(tz).date()) or "today"
        free = PHRASES["free_window"].emoji
        body = f"{free} A slot opened on {name} {day}: *{times}* (a booking was cancelled)."
        text = f"A slot opened on {equipment} {day}: {times}"
    else:
        status = payload.get("status")
        words = status_words(status) if isinstance(status, str) else ""
        badge = service_badge(words)
        if badge is None or service_standing(words) == "in_service":
            back = PHRASES["in_service"]
            body = f"{back.emoji} {name} is *{back.words.lower()}* again."
            text = f"{equipment} is {back.words.lower()} again"
        else:
            body = f"{badge}  {name} is now *{escape(words)}* in Clustermarket."
            text = f"{equipment} is now {words} in Clustermarket"
    blocks = [
        kit.section(body),
        kit.context(f"Watched in this channel  ·  `{command} unwatch {escape(equipment)}` stops"),
    ]
    return _reply(text, blocks)


def notice_message(
    kind: str,
    payload: Mapping[str, Any],
    *,
    tz: dt.tzinfo,
    now: dt.datetime,
    links: WebLinks | None = None,
    command: str = DEFAULT_COMMAND,
) -> Reply:
    """Any notice from its kind and payload (as `bot.notify` plans them)."""
    if kind.startswith("watch_"):
        return watch_message(kind, payload, tz=tz, now=now, links=links, command=command)
    booking = _seen(payload.get("booking"))
    if kind == "unavailable" or booking is None:
        affected = [seen for item in payload.get("affected") or [] if (seen := _seen(item))]
        raw_id = payload.get("equipment_id")
        status = payload.get("status")
        return unavailable_message(
            str(payload.get("equipment") or "An instrument"),
            raw_id if isinstance(raw_id, int) else None,
            status if isinstance(status, str) else None,
            affected,
            tz=tz,
            now=now,
            links=links,
        )
    if kind in ("remind_start", "remind_end"):
        return reminder_message(
            booking, ending=kind == "remind_end", tz=tz, now=now, links=links, command=command
        )
    return change_message(
        kind,
        booking,
        _seen(payload.get("before")),
        gone=payload.get("gone") is True,
        tz=tz,
        now=now,
        links=links,
        command=command,
    )
