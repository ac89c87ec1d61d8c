"""When an instrument is next free (and for how long), and the user's own next booking.

Like every free-time answer, "next free" is never promised for an instrument out of service,
and said only "as far as I can read" while a booking that could not be read might cover it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.clustermarket.models import Booking
from bot.questions.codec import encode_intent
from bot.questions.intents import Bookings
from bot.questions.when import When
from bot.render import kit
from bot.render.actions import choose_action
from bot.render.availability import PHRASES
from bot.render.bookings import equipment_line, own_booking_block, rerun_button, when_of
from bot.render.bookings import when_phrase as phrase_of
from bot.render.free import moment_words, out_of_service_lines
from bot.render.reply import RenderContext, Reply, finish
from bot.render.text import clock, duration, escape, one_line, plural, zone_name
from bot.render.views import EquipmentEntry, NextFreeFacts


def _same(first: dt.datetime, second: dt.datetime) -> bool:
    return first.astimezone(dt.UTC) == second.astimezone(dt.UTC)


def _length(minutes: int | None) -> str:
    return f" of at least {duration(minutes)}" if minutes else ""


def next_free_reply(
    equipment: EquipmentEntry,
    facts: NextFreeFacts,
    tz: dt.tzinfo,
    ctx: RenderContext,
    *,
    asked_minutes: int | None = None,
) -> Reply:
    """The first free slot from the time asked (now unless said), how long it lasts, and a
    button for that day's schedule; `asked_minutes` is the length the user asked for."""
    name = one_line(equipment.name)
    head: list[dict[str, Any]] = [
        kit.header(f"⏭ When is {name} next free?"),
        kit.context(equipment_line(equipment, facts.window, tz, ctx)),
    ]
    if facts.out_of_service is not None:
        phrase = phrase_of(when_of(ctx), facts.window)
        rich, text = out_of_service_lines(name, facts.out_of_service, phrase)
        return finish(ctx, text, [*head, kit.section(rich)])
    slot = facts.slot
    if slot is None:
        full = PHRASES["fully_booked"]
        text = f"No free slot{_length(asked_minutes)} on {name} in the next 30 days."
        return finish(ctx, text, [*head, kit.section(f"{full.emoji} {escape(text)}")])
    today = ctx.today_in(tz)
    when = when_of(ctx)
    free = PHRASES["free_window"]
    if not _same(slot.start, facts.start):
        lead = f"Next free {moment_words(slot.start, tz, today)}"
    elif when is not None and when.day == "now":
        free = PHRASES["free"]
        lead = free.words
    else:
        lead = f"Free from {moment_words(slot.start, tz, today)}"
    if _same(slot.end, facts.horizon):
        tail = "nothing else is booked in the next 30 days."
    else:
        start_day = slot.start.astimezone(tz).date()
        tail = f"for {duration(slot.minutes)}, until {moment_words(slot.end, tz, start_day)}."
    emoji = free.emoji
    lines = [f"*{escape(lead)}* — {escape(tail)}"]
    plain = f"{name}: {lead} — {tail}"
    if facts.unsure:
        emoji = PHRASES["free_unsure"].emoji
        doubt = (
            f"As far as I can read: {plural(facts.unsure, 'booking')} of it could not be read"
            " and might cover that time. Check Clustermarket before you go."
        )
        lines.append(escape(doubt))
        plain += f" {doubt}"
    body = [kit.section(f"{emoji} " + "\n".join(lines))]
    day = When(day="date", date=slot.start.astimezone(tz).date())
    return finish(ctx, plain, head + body, buttons=[rerun_button(equipment, day, "schedule")])


def my_next_booking_reply(
    booking: Booking | None, tz: dt.tzinfo, ctx: RenderContext, *, now: dt.datetime
) -> Reply:
    """The user's next booking (one under way counts), when it starts or ends, and a button
    for the week's bookings; or that nothing is booked ahead."""
    title = "Your next booking" if ctx.private else "Next booking"
    head: list[dict[str, Any]] = [
        kit.header(f"📅 {title}"),
        kit.context(f"Times in {zone_name(tz)}"),
    ]
    week = kit.button(
        "This week's bookings",
        choose_action(0),
        value=encode_intent(Bookings(When(day="this_week"))),
    )
    if booking is None or booking.start_time is None:
        text = "You have nothing booked ahead." if ctx.private else "Nothing booked ahead."
        hint = f"`{ctx.command} free NanoDrop` finds a free slot."
        body = [kit.section(f"{escape(text)} 🎉"), kit.context(hint)]
        return finish(ctx, text, head + body, buttons=[week])
    today = now.astimezone(tz).date()
    start, end = booking.start_time, booking.end_time
    if start.astimezone(dt.UTC) <= now.astimezone(dt.UTC):
        until = moment_words(end, tz, today) if end is not None else "further notice"
        when = f"Under way now, until {until}."
    else:
        left = int((start - now).total_seconds() // 60)
        soon = f"in {duration(left)}" if left < 24 * 60 else moment_words(start, tz, today)
        when = f"Starts {soon}" + (f", at {clock(start, tz)}." if left < 24 * 60 else ".")
    block = own_booking_block(booking, tz, ctx, start.astimezone(tz).date(), index=0)
    equipment = booking.equipment
    name = (equipment.name if equipment and equipment.name else None) or "equipment"
    text = f"{title}: {one_line(name)}. {when}"
    return finish(ctx, text, [*head, block, kit.context(escape(when))], buttons=[week])
