"""Bookings by day (the user's own, or one instrument's schedule) and free time.

One section per booking: the times in bold, then who or what, then status and category on the
second line. A window of several days is grouped by local day with dividers between days; a
booking that crosses midnight is listed under each day it touches.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from bot.clustermarket.models import Booking
from bot.clustermarket.statuses import is_available
from bot.questions.codec import encode_intent
from bot.questions.commands import Free, Schedule
from bot.questions.intents import NOW, WhoIsOn
from bot.questions.when import When, Window
from bot.render import kit
from bot.render.actions import choose_action
from bot.render.availability import status_words
from bot.render.booking import details_button
from bot.render.limits import MAX_MESSAGE_BLOCKS, clip
from bot.render.paging import Group, paginate
from bot.render.reply import RenderContext, Reply, finish
from bot.render.text import (
    category_label,
    day_heading,
    escape,
    is_maintenance,
    money,
    one_line,
    person_link,
    person_name,
    plural,
    span,
    status_badge,
    zone_name,
)
from bot.render.views import EquipmentEntry
from bot.render.weblinks import booking_url, equipment_url, linked, open_line

Block = dict[str, Any]
FOOTER_BLOCKS = 3  # paging line, buttons; or paging line and the shared-by line
NOTE_LENGTH = 300


# --- words about a window -----------------------------------------------------------------


_ON_A_DAY = frozenset({"weekday", "date", "month_day"})  # "on Friday", "on 4 Dec", "on the 4th"


def when_of(ctx: RenderContext) -> When | None:
    """The WHEN of the question being answered, if it has one ("who is on" is about now)."""
    if isinstance(ctx.intent, WhoIsOn):
        return NOW
    when = getattr(ctx.intent, "when", None)
    return when if isinstance(when, When) else None


def when_phrase(when: When | None, window: Window) -> str:
    """'today', 'tomorrow afternoon', 'on Friday', 'on 4 Dec', 'this weekend', 'right now'."""
    if when is None:
        return f"in {window.label}"
    if when.day == "now":
        return "right now"
    words = when.describe()
    return f"on {words}" if when.day in _ON_A_DAY else words


def free_all(when: When | None) -> str:
    """'all day', 'all afternoon', 'all weekend', 'all week', 'all month', 'then'."""
    if when is None:
        return "the whole time"
    if when.day == "now":
        return "right now"
    if when.at is not None or when.day == "later":
        return "then"
    if when.day.endswith("_weekend"):
        return "all weekend"
    if when.day.endswith("_week"):
        return "all week"
    if when.day.endswith("_month"):
        return "all month"
    if when.part is not None:
        return f"all {when.part}"
    return "all day"


def _zone_line(window: Window, tz: dt.tzinfo) -> str:
    return f"{escape(window.label)} · times in {zone_name(tz)}"


# --- one booking --------------------------------------------------------------------------


def own_booking_block(
    booking: Booking,
    tz: dt.tzinfo,
    ctx: RenderContext,
    day: dt.date | None = None,
    index: int | None = None,
) -> Block:
    """The user's own booking: times, instrument, then status, category, room and (private)
    cost and note."""
    equipment = booking.equipment
    name = equipment.name if equipment is not None and equipment.name else None
    if name is None:
        name = f"Equipment {equipment.id}" if equipment and equipment.id else "Equipment"
    details = [
        status_badge(booking.status),
        category_label(booking.category),
        escape(one_line(equipment.room)) if equipment is not None and equipment.room else None,
    ]
    if ctx.private:
        details.append(money(booking.cost, booking.currency))
    shown = linked(escape(one_line(name)), booking_url(ctx.links, booking.id))
    lines = [
        f"*{span(booking.start_time, booking.end_time, tz, day)}*  {shown}",
        "  ·  ".join(part for part in details if part),
    ]
    if ctx.private and booking.notes and booking.notes.strip():
        lines.append(f"📝 {escape(clip(one_line(booking.notes), NOTE_LENGTH))}")
    return kit.section(
        "\n".join(line for line in lines if line), accessory=_details(booking, ctx, index)
    )


def _details(booking: Booking, ctx: RenderContext, index: int | None) -> dict[str, Any] | None:
    return details_button(booking, index) if ctx.private and index is not None else None


def schedule_booking_block(
    booking: Booking,
    tz: dt.tzinfo,
    ctx: RenderContext,
    day: dt.date | None = None,
    index: int | None = None,
) -> Block:
    """A booking of one instrument: times, who booked it (a mailto link in private answers),
    then status and category."""
    fallback = "Maintenance" if is_maintenance(booking.category) else "No requester named"
    who = (
        person_link(booking.requester, fallback=fallback)
        if ctx.private
        else escape(person_name(booking.requester, fallback=fallback))
    )
    details = [status_badge(booking.status), category_label(booking.category)]
    lines = [
        f"*{span(booking.start_time, booking.end_time, tz, day)}*  {who}",
        "  ·  ".join(part for part in details if part),
    ]
    return kit.section(
        "\n".join(line for line in lines if line), accessory=_details(booking, ctx, index)
    )


# --- by day -------------------------------------------------------------------------------


def _day_groups(
    days: Sequence[tuple[dt.date, Sequence[Booking]]],
    tz: dt.tzinfo,
    ctx: RenderContext,
    *,
    own: bool,
) -> list[Group[Booking]]:
    today = ctx.today_in(tz)
    several = len(days) > 1
    draw = own_booking_block if own else schedule_booking_block
    numbers = itertools.count()  # Details buttons need action ids unique in the message
    groups: list[Group[Booking]] = []
    for day, bookings in days:

        def render(booking: Booking, day: dt.date = day) -> list[Block]:
            return [draw(booking, tz, ctx, day, next(numbers))]

        groups.append(
            Group(
                heading=[kit.section(day_heading(day, today))] if several else [],
                items=bookings,
                render=render,
                empty=[kit.context("Nothing booked.")] if several else [],
            )
        )
    return groups


def bookings_reply(
    days: Sequence[tuple[dt.date, Sequence[Booking]]],
    window: Window,
    tz: dt.tzinfo,
    ctx: RenderContext,
) -> Reply:
    """The user's own bookings in `window`, by local day (from `by_local_day`)."""
    when = when_of(ctx)
    # Shared in a channel, "your" would be whoever reads it: the shared-by line says whose.
    title = "Your bookings" if ctx.private else "Bookings"
    head = [kit.header(f"📅 {title}"), kit.context(_zone_line(window, tz))]
    count = len({id(booking) for _, bookings in days for booking in bookings})
    if count == 0:
        phrase = when_phrase(when, window)
        empty = f"You have nothing booked {phrase}." if ctx.private else f"Nothing booked {phrase}."
        body = [kit.section(f"{escape(empty[:-1])}. 🎉")]
        return finish(ctx, empty, head + body)
    cut = paginate(
        _day_groups(days, tz, ctx, own=True),
        ctx.page,
        budget=MAX_MESSAGE_BLOCKS - len(head) - FOOTER_BLOCKS,
    )
    first = next(booking for _, bookings in days for booking in bookings)
    text = (
        f"{title}, {window.label}: {plural(count, 'booking')}, first"
        f" {span(first.start_time, first.end_time, tz)}"
        f" {(first.equipment.name if first.equipment else None) or 'equipment'}."
    )
    return finish(replace(ctx, page=cut.page), text, head + cut.blocks, paging=cut.paging)


def equipment_line(entry: EquipmentEntry, window: Window, tz: dt.tzinfo, ctx: RenderContext) -> str:
    parts = [
        escape(one_line(entry.lab.name)) if entry.lab else None,
        escape(one_line(entry.summary.room)) if entry.summary.room else None,
        _zone_line(window, tz),
        open_line(equipment_url(ctx.links, entry.id)),
    ]
    return "  ·  ".join(part for part in parts if part)


def schedule_reply(
    equipment: EquipmentEntry,
    days: Sequence[tuple[dt.date, Sequence[Booking]]],
    window: Window,
    tz: dt.tzinfo,
    ctx: RenderContext,
    *,
    unread: int = 0,
) -> Reply:
    """Every active booking of one instrument in `window`, by local day. An empty window is
    called free only when the instrument is available and every booking could be read."""
    when = when_of(ctx)
    name = one_line(equipment.name)
    head = [
        kit.header(f"🗓 {name}"),
        kit.context(f"Schedule  ·  {equipment_line(equipment, window, tz, ctx)}"),
    ]
    count = len({id(booking) for _, bookings in days for booking in bookings})
    if count == 0:
        phrase = when_phrase(when, window)
        status = status_words(equipment.summary.availability_status or "")
        bold = f"*{escape(name)}* {escape(phrase)}"
        if not is_available(status):
            text = f"Nothing booked on {name} {phrase}, but it is {status} in Clustermarket."
            rich = f"🛠 Nothing booked on {bold}, but it is *{escape(status)}* in Clustermarket."
        elif unread:
            text = f"Nothing I could read is booked on {name} {phrase}."
            rich = f"❓ Nothing I could read is booked on {bold}."
        else:
            text = f"Nothing booked on {name} {phrase} — it's free {free_all(when)}."
            rich = f"Nothing booked on {bold} — it's free {free_all(when)}. 🎉"
        body = [kit.section(rich)]
        return finish(ctx, text, head + body, buttons=[rerun_button(equipment, when, "free")])
    cut = paginate(
        _day_groups(days, tz, ctx, own=False),
        ctx.page,
        budget=MAX_MESSAGE_BLOCKS - len(head) - FOOTER_BLOCKS,
    )
    text = f"{name}, {window.label}: {plural(count, 'booking')}."
    return finish(
        replace(ctx, page=cut.page),
        text,
        head + cut.blocks,
        paging=cut.paging,
        buttons=[rerun_button(equipment, when, "free")],
    )


def rerun_button(equipment: EquipmentEntry, when: When | None, kind: str) -> dict[str, Any]:
    """'Free slots' under a schedule, 'Full schedule' under free time."""
    when = when or When()
    question = (
        Free(str(equipment.id), when) if kind == "free" else Schedule(str(equipment.id), when)
    )
    label = "Free slots" if kind == "free" else "Full schedule"
    return kit.button(label, choose_action(0), value=encode_intent(question))
