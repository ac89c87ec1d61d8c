"""Free time of one instrument: free now or busy until when, and the free slots of a window.

"Free" is a promise a colleague may walk to the lab on, so it is never made for an instrument
whose availability is anything but available (maintenance, out of order, retired), and never
made for certain while a booking that could not be read might cover the time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.questions.days import Slot
from bot.render import kit
from bot.render.availability import PHRASES, service_badge, status_words
from bot.render.bookings import equipment_line, free_all, rerun_button, when_of, when_phrase
from bot.render.limits import MAX_SECTION_TEXT, clip_lines
from bot.render.reply import RenderContext, Reply, finish
from bot.render.text import (
    category_label,
    clock,
    date_text,
    duration,
    escape,
    is_maintenance,
    one_line,
    person_link,
    person_name,
    plural,
    span,
)
from bot.render.views import Availability, EquipmentEntry, NowState


def out_of_service_lines(name: str, status: str, phrase: str) -> tuple[str, str]:
    """An instrument out of service is not free `phrase`, as mrkdwn and as the (plain)
    fallback text."""
    words = status_words(status)
    badge = service_badge(words) or escape(words)
    text = f"{name} is {words} in Clustermarket, so it isn't free {phrase}."
    rich = (
        f"{badge}  *{escape(name)}* is *{escape(words)}* in Clustermarket, so it isn't"
        f" free {escape(phrase)}. Ask its contact when it will be back."
    )
    return rich, text


def now_lines(state: NowState, tz: dt.tzinfo, ctx: RenderContext, unsure: int) -> tuple[str, str]:
    """What holds the instrument now, as mrkdwn and as plain text."""
    today = state.at.astimezone(tz).date()
    if state.current is None:
        if unsure:
            phrase = PHRASES["free_unsure"]
            tail = (
                f", but {plural(unsure, 'booking')} of it could not be read and might cover"
                " now: check Clustermarket before you go."
            )
        elif state.free_until is None:
            phrase = PHRASES["free"]
            tail = " — nothing else is booked for the next 30 days."
        else:
            phrase = PHRASES["free"]
            tail = f" — until {moment_words(state.free_until, tz, today)}."
        return f"{phrase.emoji} *{phrase.words}*{tail}", phrase.words + tail
    booking = state.current
    fallback = "maintenance" if is_maintenance(booking.category) else "someone"
    name = person_name(booking.requester, fallback=fallback)
    who = person_link(booking.requester, fallback=fallback) if ctx.private else escape(name)
    label = category_label(booking.category)
    until = moment_words(booking.end_time, tz, today) if booking.end_time else "further notice"
    tail = f" until {until}" + (f" ({label})" if label else "") + "."
    if state.free_from is None:
        after = " No free slot in the next 30 days."
    elif booking.end_time is not None and _same(state.free_from, booking.end_time):
        after = ""
    else:
        after = f" Free again from {moment_words(state.free_from, tz, today)}."
    busy = PHRASES["busy"]
    rich = f"{busy.emoji} *{busy.words}* — {who}{tail}" + (f"\n{after.strip()}" if after else "")
    return rich, f"{busy.words} — {name}{tail}{after}"


def moment_words(moment: dt.datetime, tz: dt.tzinfo, today: dt.date | None) -> str:
    """'14:30' today, 'Thu 26 Mar 08:00' on another day."""
    local = moment.astimezone(tz)
    if today is not None and local.date() == today:
        return clock(local, tz)
    this_year = today.year if today else None
    return f"{date_text(local.date(), this_year=this_year)} {clock(local, tz)}"


def _same(first: dt.datetime, second: dt.datetime) -> bool:
    return first.astimezone(dt.UTC) == second.astimezone(dt.UTC)


def _slot_line(slot: Slot, tz: dt.tzinfo, several_days: bool, this_year: int | None) -> str:
    times = span(slot.start, slot.end, tz)
    if several_days:
        times = f"{date_text(slot.start.astimezone(tz).date(), this_year=this_year)}  {times}"
    return f"•  {times}  ({duration(slot.minutes)})"


def free_reply(
    equipment: EquipmentEntry,
    availability: Availability,
    tz: dt.tzinfo,
    ctx: RenderContext,
    *,
    title: str = "🔎 Is {name} free?",
) -> Reply:
    """Free now or busy until when (and who), then the free slots of the window, or the next
    free slot when the window is fully booked; never "free" for an instrument out of service
    or while an unread booking might cover the time. `title` may ask it another way ("Who's
    on {name}?" shows the same facts about now)."""
    when = when_of(ctx)
    window = availability.window
    name = one_line(equipment.name)
    head = [
        kit.header(title.format(name=name)),
        kit.context(equipment_line(equipment, window, tz, ctx)),
    ]
    phrase = when_phrase(when, window)
    buttons = [rerun_button(equipment, when, "schedule")]
    if availability.out_of_service is not None:
        rich, text = out_of_service_lines(name, availability.out_of_service, phrase)
        return finish(ctx, text, [*head, kit.section(rich)], buttons=buttons)
    body: list[dict[str, Any]] = []
    summary: list[str] = []
    if availability.now is not None:
        rich, plain_line = now_lines(availability.now, tz, ctx, availability.unsure_now)
        body.append(kit.section(rich))
        summary.append(plain_line)
    today = ctx.today_in(tz)
    this_year = today.year if today else None
    unsure = availability.unsure
    doubt = (
        f"{plural(unsure, 'booking')} of it could not be read and might fall {phrase}"
        if unsure
        else ""
    )
    if availability.passed:
        text = f"{window.label} is over, so there is no free time left to find."
        later = f"`{ctx.command} free {escape(name)} tomorrow`"
        body.append(kit.section(f"⌛ {escape(text)} Try a later time, e.g. {later}."))
        summary.append(text)
    elif when is not None and when.day == "now":
        pass
    elif availability.booked == 0 and unsure:
        text = f"Nothing I could read is booked {phrase}, but {doubt}: check Clustermarket."
        body.append(kit.section(f"❓ {escape(text)}"))
        summary.append(text)
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
        if unsure:
            lines.append(f"❓ As far as I can read: {escape(doubt)}.")
        body.append(kit.section(clip_lines([title, *lines], MAX_SECTION_TEXT)))
        summary.append(f"{plural(len(availability.slots), 'free slot')} {phrase}.")
        if unsure:
            summary.append(f"But {doubt}.")
    else:
        text = f"{PHRASES['fully_booked'].words} {phrase}."
        if availability.next_free is not None:
            slot = availability.next_free
            start_day = slot.start.astimezone(tz).date()
            when_text = f"{date_text(start_day, this_year=this_year)} {clock(slot.start, tz)}"
            text += f" Next free: {when_text}, for {duration(slot.minutes)}."
        else:
            text += " No free slot in the next 30 days."
        body.append(kit.section(f"{PHRASES['fully_booked'].emoji} {escape(text)}"))
        summary.append(text)
    fallback = f"{name}: " + " ".join(summary) if summary else f"{name}, {window.label}."
    return finish(ctx, fallback, head + body, buttons=buttons)
