"""Hours booked: how long an instrument is held in a window, and how long the user booked.

"How many hours" counts time, not bookings: an instrument's overlapping bookings hold it
once; a person's bookings on two instruments at once are two lots of time. A count that
may miss unread bookings says "at least".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.render import kit
from bot.render.availability import out_of_service_badge
from bot.render.bookings import equipment_line, rerun_button, when_of, when_phrase
from bot.render.limits import MAX_SECTION_TEXT, clip_lines
from bot.render.reply import RenderContext, Reply, finish
from bot.render.text import escape, one_line, plural, zone_name
from bot.render.views import BookedTime, EquipmentEntry

MAX_INSTRUMENT_LINES = 10


def hours_words(minutes: int) -> str:
    """'45 min', '3 h', '12 h 30 min', '120 h': hours however many days they add up to."""
    hours, rest = divmod(max(minutes, 0), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" if not rest else f"{hours} h {rest} min"


def _window_minutes(booked: BookedTime) -> int:
    window = booked.window
    return (
        int((window.end.astimezone(dt.UTC) - window.start.astimezone(dt.UTC)).total_seconds()) // 60
    )


def _at_least(booked: BookedTime) -> str:
    return "at least " if booked.unread else ""


def _unread_line(booked: BookedTime) -> str | None:
    if not booked.unread:
        return None
    return f"❓ {plural(booked.unread, 'booking')} could not be read and might add to this."


def booked_hours_reply(
    equipment: EquipmentEntry, booked: BookedTime, tz: dt.tzinfo, ctx: RenderContext
) -> Reply:
    """How long one instrument is booked in the window: time held, bookings, the share of
    the window, maintenance, and a button for the full schedule."""
    name = one_line(equipment.name)
    phrase = when_phrase(when_of(ctx), booked.window)
    head: list[dict[str, Any]] = [
        kit.header(f"⏱ How booked is {name}?"),
        kit.context(equipment_line(equipment, booked.window, tz, ctx)),
    ]
    share = round(100 * booked.minutes / max(_window_minutes(booked), 1))
    text = (
        f"{name} is booked {_at_least(booked)}{hours_words(booked.minutes)} {phrase},"
        f" in {plural(booked.bookings, 'booking')} ({share}% of the time)."
    )
    lines = [
        f"*{escape(name)}* is booked *{_at_least(booked)}{hours_words(booked.minutes)}*"
        f" {escape(phrase)}, in {plural(booked.bookings, 'booking')} ({share}% of the time)."
    ]
    if booked.maintenance:
        lines.append(f"🛠 {hours_words(booked.maintenance)} of it is maintenance or repair.")
    badge = out_of_service_badge(equipment.summary.availability_status)
    if badge is not None:
        lines.append(f"{badge}: it cannot be booked in Clustermarket just now.")
    unread = _unread_line(booked)
    if unread:
        lines.append(escape(unread))
        text += f" {unread}"
    buttons = [rerun_button(equipment, when_of(ctx), "schedule")]
    return finish(ctx, text, [*head, kit.section("\n".join(lines))], buttons=buttons)


def my_hours_reply(booked: BookedTime, tz: dt.tzinfo, ctx: RenderContext) -> Reply:
    """How long the user booked in the window (the whole week or month), how much is still
    ahead, and the instruments it went on, largest first."""
    phrase = when_phrase(when_of(ctx), booked.window)
    title = "Your booked hours" if ctx.private else "Booked hours"
    head: list[dict[str, Any]] = [
        kit.header(f"⏱ {title}"),
        kit.context(f"{escape(booked.window.label)}  ·  times in {zone_name(tz)}"),
    ]
    if booked.bookings == 0:
        text = f"You have nothing booked {phrase}." if ctx.private else f"Nothing booked {phrase}."
        lines = [escape(text)]
        unread = _unread_line(booked)
        if unread:
            lines.append(escape(unread))
        return finish(ctx, text, [*head, kit.section("\n".join(lines))])
    total = f"{_at_least(booked)}{hours_words(booked.minutes)}"
    ahead = f"; {hours_words(booked.ahead)} of it is still ahead" if booked.ahead else ""
    who = "You booked" if ctx.private else "Booked"
    said = f"{who} {total} {phrase}, in {plural(booked.bookings, 'booking')}{ahead}."
    rows = [
        f"•  {escape(one_line(item.name))} — {hours_words(item.minutes)}"
        f" ({plural(item.bookings, 'booking')})"
        for item in booked.by_instrument
    ]
    if len(rows) > MAX_INSTRUMENT_LINES:
        rest = len(rows) - MAX_INSTRUMENT_LINES
        rows = [*rows[:MAX_INSTRUMENT_LINES], f"…and {plural(rest, 'more instrument')}"]
    lines = [f"{escape(said)}", *rows]
    unread = _unread_line(booked)
    if unread:
        lines.append(escape(unread))
    body = [kit.section(clip_lines(lines, MAX_SECTION_TEXT))]
    return finish(ctx, said + (f" {unread}" if unread else ""), head + body)
