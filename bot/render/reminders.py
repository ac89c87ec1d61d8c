"""Block Kit for reminders and change notices as settings: the answers of `/cm remind …` and
the App Home section with its buttons (reminders on or off, the end nudge, and each kind of
change notice on or off). A toggle's value is the state it sets, so a double click is
harmless."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bot.notify.snapshot import SeenBooking
from bot.questions.commands import DEFAULT_COMMAND
from bot.render import kit
from bot.render.actions import END_NUDGE, REMIND_OFF, REMIND_ON, notice_kind_action
from bot.render.reply import RenderContext, Reply, simple
from bot.render.text import channel_mention, date_text, duration, escape, relative_day, span

Block = dict[str, Any]
TOGGLE_ON, TOGGLE_OFF = "on", "off"
REMINDERS_BLOCK_ID = "cm_reminder_settings"
NOTICES_BLOCK_ID = "cm_notice_settings"
KIND_LABELS = {
    "approved": "Approved",
    "declined": "Declined",
    "cancelled": "Cancelled",
    "moved": "Moved",
    "unavailable": "Instrument unavailable",
}


@dataclass(frozen=True)
class NotifySummary:
    """A person's reminder and change-notice settings, as replies and the App Home show them."""

    remind_minutes: int | None
    end_nudge: bool
    kinds_off: frozenset[str]
    watches: tuple[tuple[str, str, bool], ...] = ()
    """The watches they set up: channel id, instrument, paused."""


def _lead(minutes: int) -> str:
    return duration(minutes)


def _next(booking: SeenBooking, minutes: int, tz: dt.tzinfo, now: dt.datetime) -> str:
    day = booking.start.astimezone(tz).date()
    today = now.astimezone(tz).date()
    words = relative_day(day, today) or date_text(day, this_year=today.year)
    reminder = booking.start - dt.timedelta(minutes=minutes)
    at = f"{reminder.astimezone(tz):%H:%M}" if reminder > now else "now"
    return (
        f"Your next: *{escape(booking.equipment)}* {escape(words)}"
        f" {span(booking.start, booking.end, tz, day)}, reminded at {at}."
    )


def remind_status_reply(
    summary: NotifySummary,
    ctx: RenderContext,
    *,
    linked: bool,
    upcoming: SeenBooking | None = None,
    tz: dt.tzinfo = dt.UTC,
    changed: bool = False,
) -> Reply:
    """Whether reminders are on and how long before; `changed` when just turned on."""
    command = ctx.command
    now = ctx.now or dt.datetime.now(dt.UTC)
    minutes = summary.remind_minutes
    if minutes is None:
        text = "Reminders are off."
        lines = [
            f"⏰ Reminders are *off*.  `{command} remind on` sends a DM 15 minutes before each of"
            " your bookings starts (`remind on 30` for half an hour)."
        ]
    else:
        verb = "are now on" if changed else "are on"
        text = f"Reminders {verb}: {_lead(minutes)} before each of your bookings."
        lines = [
            f"⏰ Reminders {verb}: a DM *{_lead(minutes)}* before each of your bookings starts,"
            f" with its instrument, room and time.  `{command} remind off` stops them."
        ]
        if upcoming is not None:
            lines.append(_next(upcoming, minutes, tz, now))
    if not linked:
        lines.append(f"They need your Clustermarket account: `{command} connect` links it.")
    off = [KIND_LABELS[kind].lower() for kind in KIND_LABELS if kind in summary.kinds_off]
    changes = "all on" if not off else f"on, except {', '.join(off)}"
    blocks = [
        kit.section("\n".join(lines)),
        kit.context(f"Changes to your bookings: {changes}  ·  the App Home switches each kind"),
    ]
    return simple(ctx, text, blocks)


def remind_off_reply(was_on: bool, ctx: RenderContext) -> Reply:
    text = "Reminders are off." if was_on else "Reminders were already off."
    blocks = [kit.section(f"🔕 {text}  `{ctx.command} remind on` turns them back on.")]
    return simple(ctx, text, blocks)


def _kind_button(kind: str, on: bool) -> dict[str, Any]:
    label = f"{'✅' if on else '⬜'} {KIND_LABELS[kind]}"
    value = f"{kind}:{TOGGLE_OFF if on else TOGGLE_ON}"
    return kit.button(label, notice_kind_action(kind), value=value)


def notify_home_blocks(
    summary: NotifySummary, *, linked: bool, command: str = DEFAULT_COMMAND
) -> list[Block]:
    """The App Home section: reminders, change notices by kind, the watches set up."""
    minutes = summary.remind_minutes
    if minutes is None:
        status = f"Reminders are *off*.  `{command} remind on 15` turns them on."
    else:
        nudge = "  ·  and 10 minutes before each ends" if summary.end_nudge else ""
        status = f"Reminders are *on*: {_lead(minutes)} before each booking starts{nudge}."
    lines = [
        "*⏰ Reminders and changes*",
        status,
        "Changes to your bookings come by DM; tick the kinds you want:",
    ]
    blocks: list[Block] = [kit.section("\n".join(lines))]
    if linked:
        if minutes is None:
            row = [kit.button("Turn on reminders", REMIND_ON, value=TOGGLE_ON, style="primary")]
        else:
            row = [
                kit.button(
                    "No end nudge" if summary.end_nudge else "Nudge 10 min before the end",
                    END_NUDGE,
                    value=TOGGLE_OFF if summary.end_nudge else TOGGLE_ON,
                ),
                kit.button("Turn off reminders", REMIND_OFF, value=TOGGLE_OFF, style="danger"),
            ]
        blocks.append(kit.actions(row, block_id=REMINDERS_BLOCK_ID))
        kinds = [_kind_button(kind, kind not in summary.kinds_off) for kind in KIND_LABELS]
        blocks.append(kit.actions(kinds, block_id=NOTICES_BLOCK_ID))
    if summary.watches:
        watched = [
            f"•  {channel_mention(channel)}  {escape(name)}" + ("  (paused)" if paused else "")
            for channel, name, paused in summary.watches[:20]
        ]
        blocks.append(kit.context("👀 You watch:\n" + "\n".join(watched)))
    return blocks
