"""Bookings by day (the user's own, or one instrument's schedule) and free time.

One section per booking: the times in bold, then who or what, then status and category on the
second line. A window of several days is grouped by local day with dividers between days; a
booking that crosses midnight is listed under each day it touches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from bot.clustermarket.models import Booking
from bot.questions.codec import encode_intent
from bot.questions.commands import Bookings, Free, Schedule
from bot.questions.days import Slot
from bot.questions.when import When, Window
from bot.render import kit
from bot.render.actions import choose_action
from bot.render.limits import MAX_MESSAGE_BLOCKS, MAX_SECTION_TEXT, clip, clip_lines
from bot.render.paging import Group, paginate
from bot.render.reply import RenderContext, Reply, finish
from bot.render.text import (
    category_label,
    clock,
    date_text,
    day_heading,
    duration,
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
from bot.render.views import Availability, EquipmentEntry, NowState

Block = dict[str, Any]
FOOTER_BLOCKS = 3  # paging line, buttons; or paging line and the shared-by line
NOTE_LENGTH = 300


# --- words about a window -----------------------------------------------------------------


def when_of(ctx: RenderContext) -> When | None:
    """The WHEN of the question being answered, if it has one."""
    intent = ctx.intent
    return intent.when if isinstance(intent, Bookings | Schedule | Free) else None


def when_phrase(when: When | None, window: Window) -> str:
    """'today', 'tomorrow afternoon', 'on Friday', 'this week', 'right now'."""
    if when is None:
        return f"in {window.label}"
    if when.day == "now":
        return "right now"
    words = when.describe()
    return f"on {words}" if when.day in ("weekday", "date") and when.part is None else words


def free_all(when: When | None) -> str:
    """'all day', 'all afternoon', 'all week', 'then'."""
    if when is None:
        return "the whole time"
    if when.day == "now":
        return "right now"
    if when.day in ("this_week", "next_week"):
        return "all week"
    if when.at is not None:
        return "then"
    if when.part is not None:
        return f"all {when.part}"
    return "all day"


def _zone_line(window: Window, tz: dt.tzinfo) -> str:
    return f"{escape(window.label)} · times in {zone_name(tz)}"


# --- one booking --------------------------------------------------------------------------


def own_booking_block(
    booking: Booking, tz: dt.tzinfo, ctx: RenderContext, day: dt.date | None = None
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
    lines = [
        f"*{span(booking.start_time, booking.end_time, tz, day)}*  {escape(one_line(name))}",
        "  ·  ".join(part for part in details if part),
    ]
    if ctx.private and booking.notes and booking.notes.strip():
        lines.append(f"📝 {escape(clip(one_line(booking.notes), NOTE_LENGTH))}")
    return kit.section("\n".join(line for line in lines if line))


def schedule_booking_block(
    booking: Booking, tz: dt.tzinfo, ctx: RenderContext, day: dt.date | None = None
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
    return kit.section("\n".join(line for line in lines if line))


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
    groups: list[Group[Booking]] = []
    for day, bookings in days:

        def render(booking: Booking, day: dt.date = day) -> list[Block]:
            return [draw(booking, tz, ctx, day)]

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


def _equipment_line(entry: EquipmentEntry, window: Window, tz: dt.tzinfo) -> str:
    parts = [
        escape(one_line(entry.lab.name)) if entry.lab else None,
        escape(one_line(entry.summary.room)) if entry.summary.room else None,
        _zone_line(window, tz),
    ]
    return "  ·  ".join(part for part in parts if part)


def schedule_reply(
    equipment: EquipmentEntry,
    days: Sequence[tuple[dt.date, Sequence[Booking]]],
    window: Window,
    tz: dt.tzinfo,
    ctx: RenderContext,
) -> Reply:
    """Every active booking of one instrument in `window`, by local day."""
    when = when_of(ctx)
    name = one_line(equipment.name)
    head = [
        kit.header(f"🗓 {name}"),
        kit.context(f"Schedule  ·  {_equipment_line(equipment, window, tz)}"),
    ]
    count = len({id(booking) for _, bookings in days for booking in bookings})
    if count == 0:
        phrase = when_phrase(when, window)
        body = [
            kit.section(
                f"Nothing booked on *{escape(name)}* {escape(phrase)}"
                f" — it's free {free_all(when)}. 🎉"
            )
        ]
        text = f"Nothing booked on {name} {phrase} — it's free {free_all(when)}."
        return finish(ctx, text, head + body, buttons=_rerun(equipment, when, "free"))
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
        buttons=_rerun(equipment, when, "free"),
    )


def _rerun(equipment: EquipmentEntry, when: When | None, kind: str) -> list[dict[str, Any]]:
    """'Free slots' under a schedule, 'Full schedule' under free time."""
    when = when or When()
    question = (
        Free(str(equipment.id), when) if kind == "free" else Schedule(str(equipment.id), when)
    )
    label = "Free slots" if kind == "free" else "Full schedule"
    return [kit.button(label, choose_action(0), value=encode_intent(question))]


# --- free ---------------------------------------------------------------------------------


def _now_lines(state: NowState, tz: dt.tzinfo, ctx: RenderContext) -> tuple[str, str]:
    """What holds the instrument now, as mrkdwn and as plain text."""
    today = state.at.astimezone(tz).date()
    if state.current is None:
        if state.free_until is None:
            line = "Free now — nothing else is booked for the next 30 days."
        else:
            line = f"Free now — until {_moment(state.free_until, tz, today)}."
        return "✅ " + line.replace("Free now", "*Free now*", 1), line
    booking = state.current
    fallback = "maintenance" if is_maintenance(booking.category) else "someone"
    name = person_name(booking.requester, fallback=fallback)
    who = person_link(booking.requester, fallback=fallback) if ctx.private else escape(name)
    label = category_label(booking.category)
    until = _moment(booking.end_time, tz, today) if booking.end_time else "further notice"
    tail = f" until {until}" + (f" ({label})" if label else "") + "."
    if state.free_from is None:
        after = " No free slot in the next 30 days."
    elif booking.end_time is not None and _same(state.free_from, booking.end_time):
        after = ""
    else:
        after = f" Free again from {_moment(state.free_from, tz, today)}."
    rich = f"⛔ *Busy now* — {who}{tail}" + (f"\n{after.strip()}" if after else "")
    return rich, f"Busy now — {name}{tail}{after}"


def _moment(moment: dt.datetime, tz: dt.tzinfo, today: dt.date) -> str:
    """'14:30' today, 'Thu 26 Mar 08:00' on another day."""
    local = moment.astimezone(tz)
    if local.date() == today:
        return clock(local, tz)
    return f"{date_text(local.date(), this_year=today.year)} {clock(local, tz)}"


def _same(first: dt.datetime, second: dt.datetime) -> bool:
    return first.astimezone(dt.UTC) == second.astimezone(dt.UTC)


def _slot_line(slot: Slot, tz: dt.tzinfo, several_days: bool, this_year: int | None) -> str:
    times = span(slot.start, slot.end, tz)
    if several_days:
        times = f"{date_text(slot.start.astimezone(tz).date(), this_year=this_year)}  {times}"
    return f"•  {times}  ({duration(slot.minutes)})"


def free_reply(
    equipment: EquipmentEntry, availability: Availability, tz: dt.tzinfo, ctx: RenderContext
) -> Reply:
    """Free now or busy until when (and who), then the free slots of the window, or the next
    free slot when the window is fully booked."""
    when = when_of(ctx)
    window = availability.window
    name = one_line(equipment.name)
    head = [
        kit.header(f"🔎 Is {name} free?"),
        kit.context(_equipment_line(equipment, window, tz)),
    ]
    body: list[Block] = []
    summary: list[str] = []
    if availability.now is not None:
        rich, plain_line = _now_lines(availability.now, tz, ctx)
        body.append(kit.section(rich))
        summary.append(plain_line)
    phrase = when_phrase(when, window)
    today = ctx.today_in(tz)
    this_year = today.year if today else None
    if availability.passed:
        text = f"{window.label} is over, so there is no free time left to find."
        later = f"`{ctx.command} free {escape(name)} tomorrow`"
        body.append(kit.section(f"⌛ {escape(text)} Try a later time, e.g. {later}."))
        summary.append(text)
    elif when is not None and when.day == "now":
        pass
    elif availability.booked == 0 and availability.now is not None:
        body.append(kit.section(f"🎉 Nothing else booked {escape(phrase)}."))
        summary.append(f"Nothing else booked {phrase}.")
    elif availability.booked == 0:
        text = f"Nothing booked on {name} {phrase} — it's free {free_all(when)}."
        body.append(
            kit.section(f"🎉 Nothing booked {escape(phrase)} — it's free {free_all(when)}.")
        )
        summary.append(text)
    elif availability.slots:
        several = len(window.days()) > 1
        lines = [_slot_line(slot, tz, several, this_year) for slot in availability.slots]
        title = f"*Free {escape(phrase)}*" if availability.now is None else "*Free later*"
        if availability.now is not None and availability.now.current is None:
            title = f"*Free slots {escape(phrase)}*"
        body.append(kit.section(clip_lines([title, *lines], MAX_SECTION_TEXT)))
        summary.append(f"{plural(len(lines), 'free slot')} {phrase}.")
    else:
        text = f"Fully booked {phrase}."
        if availability.next_free is not None:
            slot = availability.next_free
            start_day = slot.start.astimezone(tz).date()
            when_text = f"{date_text(start_day, this_year=this_year)} {clock(slot.start, tz)}"
            text += f" Next free: {when_text}, for {duration(slot.minutes)}."
        else:
            text += " No free slot in the next 30 days."
        body.append(kit.section(f"⛔ {escape(text)}"))
        summary.append(text)
    fallback = f"{name}: " + " ".join(summary) if summary else f"{name}, {window.label}."
    return finish(ctx, fallback, head + body, buttons=_rerun(equipment, when, "schedule"))
