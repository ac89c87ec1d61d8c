"""One booking in full, as Booking Details (GET /bookings/{id}) gives it: the Details button
on a booking line opens it."""

from __future__ import annotations

import datetime as dt

from bot.clustermarket.models import Booking, BookingDetails, Ref
from bot.render import kit
from bot.render.actions import booking_action
from bot.render.limits import clip
from bot.render.reply import RenderContext, Reply, simple
from bot.render.text import (
    category_label,
    date_text,
    duration,
    escape,
    money,
    one_line,
    person_link,
    person_name,
    span,
    status_badge,
    zone_name,
)
from bot.render.weblinks import booking_url, open_line

NOTE_LENGTH = 1500


def details_button(booking: Booking, index: int) -> dict[str, object] | None:
    """The Details button of a booking line (none for a booking without an id)."""
    if booking.id is None:
        return None
    return kit.button("Details", booking_action(index), value=str(booking.id))


def _ref_name(ref: Ref | None) -> str | None:
    if ref is None:
        return None
    if ref.name and ref.name.strip():
        return escape(one_line(ref.name))
    return f"ID {ref.id}" if ref.id is not None else None


def booking_details_reply(booking: BookingDetails, tz: dt.tzinfo, ctx: RenderContext) -> Reply:
    """Times, instrument, status, category, who and for which lab, group and project, and
    (private) cost and notes."""
    equipment = booking.equipment
    instrument = (
        one_line(equipment.name)
        if equipment is not None and equipment.name and equipment.name.strip()
        else (f"Equipment {equipment.id}" if equipment and equipment.id else "Equipment")
    )
    when = span(booking.start_time, booking.end_time, tz)
    if booking.start_time is not None:
        local = booking.start_time.astimezone(tz)
        today = ctx.today_in(tz)
        when = f"{date_text(local.date(), this_year=today.year if today else None)}  {when}"
    minutes = booking.duration
    if minutes is None and booking.start_time and booking.end_time:
        minutes = int((booking.end_time - booking.start_time).total_seconds() // 60)
    room = equipment.room if equipment is not None and equipment.room else None
    who = (
        person_link(booking.requester, fallback="nobody named")
        if ctx.private
        else escape(person_name(booking.requester, fallback="nobody named"))
    )
    facts = [
        ("When", escape(when)),
        ("Duration", duration(minutes) if minutes is not None else None),
        ("Instrument", escape(instrument) + (f" · 📍 {escape(one_line(room))}" if room else "")),
        ("Status", status_badge(booking.status)),
        ("Category", escape(category_label(booking.category) or "")),
        ("Requested by", who),
        ("Requester's lab", _ref_name(booking.requester_account)),
        ("Provider lab", _ref_name(booking.provider_account)),
        ("Group", _ref_name(booking.group)),
        ("Project", _ref_name(booking.project)),
    ]
    if ctx.private:
        facts.append(("Cost", money(booking.cost, booking.currency)))
    blocks = [kit.header(f"📋 {instrument}"), *kit.fields(facts)]
    if ctx.private and booking.notes and booking.notes.strip():
        blocks.append(kit.section(f"📝 {escape(clip(booking.notes.strip(), NOTE_LENGTH))}"))
    context = [f"Booking ID {booking.id}" if booking.id is not None else None]
    if booking.booking_type:
        context.append(escape(one_line(booking.booking_type)).capitalize())
    if booking.requested_at is not None:
        requested = booking.requested_at.astimezone(tz)
        context.append(f"requested {date_text(requested.date())} {requested:%H:%M}")
    context.append(f"times in {escape(zone_name(tz))}")
    context.append(open_line(booking_url(ctx.links, booking.id)))
    blocks.append(kit.context("  ·  ".join(part for part in context if part)))
    status = f", {one_line(booking.status)}" if booking.status and booking.status.strip() else ""
    text = f"{instrument}, {when}{status}"
    return simple(ctx, text, blocks)
