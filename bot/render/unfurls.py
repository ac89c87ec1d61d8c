"""Block Kit under a pasted Clustermarket link: the instrument's name, room, availability and
today's free slots (for a booking's link, the booking's time and status too).

Read with the token of whoever pasted it, shown to the whole conversation, so it names no one:
no requester, no notes, no costs. Times are in the instrument's lab zone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.clustermarket.models import Booking
from bot.render import kit
from bot.render.availability import PHRASES, service_badge, status_words
from bot.render.text import (
    clock,
    date_text,
    escape,
    one_line,
    plural,
    relative_day,
    span,
    status_badge,
    user_mention,
    zone_name,
)
from bot.render.views import Availability, EquipmentEntry
from bot.render.weblinks import WebLinks, booking_url, equipment_url, linked

Block = dict[str, Any]
MAX_SLOTS = 6


def _head(entry: EquipmentEntry, links: WebLinks | None) -> str:
    summary = entry.summary
    parts = [
        f"*{linked(escape(one_line(entry.name)), equipment_url(links, entry.id))}*",
        escape(one_line(entry.lab.name)) if entry.lab else None,
        f"📍 {escape(one_line(summary.room))}" if summary.room else None,
        service_badge(summary.availability_status),
    ]
    return "  ·  ".join(part for part in parts if part)


def _today(facts: Availability, tz: dt.tzinfo) -> list[str]:
    if facts.out_of_service is not None:
        words = status_words(facts.out_of_service)
        badge = service_badge(words) or escape(words)
        return [f"{badge} in Clustermarket: not free today."]
    lines: list[str] = []
    state = facts.now
    if state is not None and state.current is not None:
        until = state.current.end_time
        busy = PHRASES["busy"].badge()
        lines.append(busy + (f", until {clock(until, tz)}." if until else "."))
    elif state is not None:
        until = state.free_until
        free = PHRASES["free"].badge()
        lines.append(free + (f", until {clock(until, tz)}." if until else "."))
    if facts.passed:
        return lines
    slots = [f"{span(slot.start, slot.end, tz)}" for slot in facts.slots[:MAX_SLOTS]]
    if slots:
        more = len(facts.slots) - len(slots)
        lines.append(
            "Free today: "
            + ", ".join(slots)
            + (f" (and {plural(more, 'more slot')})" if more else "")
        )
    elif facts.booked:
        lines.append("Nothing free for the rest of today.")
    if facts.unsure:
        lines.append(
            f"❓ {plural(facts.unsure, 'booking')} could not be read: check before you go."
        )
    return lines


def instrument_unfurl(
    entry: EquipmentEntry,
    facts: Availability,
    tz: dt.tzinfo,
    *,
    links: WebLinks | None = None,
    pasted_by: str | None = None,
) -> list[Block]:
    """An instrument's link: name, lab, room, availability, now, today's free slots."""
    blocks = [kit.section("\n".join([_head(entry, links), *_today(facts, tz)]))]
    blocks.append(_source(tz, pasted_by))
    return blocks


def booking_unfurl(
    booking: Booking,
    entry: EquipmentEntry | None,
    facts: Availability | None,
    tz: dt.tzinfo,
    *,
    now: dt.datetime,
    links: WebLinks | None = None,
    pasted_by: str | None = None,
) -> list[Block]:
    """A booking's link: its time and status, then its instrument as above."""
    today = now.astimezone(tz).date()
    start = booking.start_time
    day = start.astimezone(tz).date() if start is not None else None
    words = (relative_day(day, today) or date_text(day, this_year=today.year)) if day else ""
    name = booking.equipment.name if booking.equipment and booking.equipment.name else "Booking"
    parts = [
        f"*{linked(escape(one_line(name)), booking_url(links, booking.id))}*",
        escape(f"{words} {span(booking.start_time, booking.end_time, tz, day)}".strip()),
        status_badge(booking.status),
    ]
    lines = ["  ·  ".join(part for part in parts if part)]
    if entry is not None and facts is not None:
        lines += [_head(entry, links), *_today(facts, tz)]
    return [kit.section("\n".join(lines)), _source(tz, pasted_by)]


def _source(tz: dt.tzinfo, pasted_by: str | None) -> Block:
    who = user_mention(pasted_by) if pasted_by else "the person who pasted it"
    return kit.context(f"From Clustermarket, as {who} sees it  ·  times in {zone_name(tz)}")
