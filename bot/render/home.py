"""The App Home tab: link status with Connect or Disconnect, the next bookings, the digest
settings, and a refresh button."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.clustermarket.models import Booking
from bot.questions.commands import DEFAULT_COMMAND
from bot.render import kit
from bot.render.actions import CONNECT, HOME_REFRESH
from bot.render.availability import out_of_service_badge
from bot.render.connect import disconnect_button
from bot.render.digest import digest_home_blocks
from bot.render.errors import SLOW_NOTE
from bot.render.gaps import Gaps
from bot.render.limits import MAX_VIEW_BLOCKS
from bot.render.reminders import NotifySummary, notify_home_blocks
from bot.render.text import (
    category_label,
    date_text,
    escape,
    one_line,
    relative_day,
    span,
    status_badge,
    zone_name,
)
from bot.render.views import DigestSummary
from bot.render.weblinks import WebLinks, booking_url, linked

Block = dict[str, Any]
MAX_HOME_BOOKINGS = 10
MAX_HOME_CHANNELS = 20
_CHANNEL_ID = re.compile(r"[A-Z0-9]{2,32}")

BookingsState = Literal["shown", "slow", "unavailable"]
"""Whether the next bookings are known, still coming from a slow Clustermarket, or failed."""


def _zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _status(
    linked_as: str | None, broken: bool, connect_url: str | None, command: str
) -> list[Block]:
    connect = (
        kit.button("Connect", CONNECT, url=connect_url, style="primary") if connect_url else None
    )
    hint = "" if connect_url else f"\nRun `{command} connect` for a link."
    if linked_as is not None and not broken:
        disconnect = disconnect_button()
        text = f"✅ Connected to Clustermarket as *{escape(one_line(linked_as))}*."
        return [kit.section(text, accessory=disconnect)]
    if linked_as is not None:
        text = (
            f"⚠️ *Your Clustermarket connection needs renewing.*\nYou were connected as"
            f" *{escape(one_line(linked_as))}*, but Clustermarket no longer accepts the"
            f" sign-in.{hint}"
        )
        return [kit.section(text, accessory=connect)]
    text = (
        "🔗 *Connect your Clustermarket account* to see your bookings here and ask about"
        f" equipment from Slack. You only ever see what your account can see.{hint}"
    )
    return [kit.section(text, accessory=connect)]


def _booking(
    booking: Booking,
    tz: dt.tzinfo,
    today: dt.date,
    out_of_service: Mapping[int, str],
    links: WebLinks | None,
) -> Block:
    start = booking.start_time
    day = start.astimezone(tz).date() if start is not None else None
    when = ""
    if day is not None:
        words = relative_day(day, today)
        when = (words.capitalize() if words else date_text(day, this_year=today.year)) + "  "
    equipment = booking.equipment
    name = (equipment.name if equipment and equipment.name else None) or "Equipment"
    held = out_of_service.get(equipment.id) if equipment and equipment.id is not None else None
    details = [
        out_of_service_badge(held),
        status_badge(booking.status),
        category_label(booking.category),
        escape(one_line(equipment.room)) if equipment and equipment.room else None,
    ]
    shown = linked(escape(one_line(name)), booking_url(links, booking.id))
    lines = [
        f"*{when}{span(booking.start_time, booking.end_time, tz, day)}*  {shown}",
        "  ·  ".join(part for part in details if part),
    ]
    return kit.section("\n".join(line for line in lines if line))


def _digest_text(digest: DigestSummary | None, command: str) -> str:
    if digest is None or not digest.personal:
        personal = f"Your daily digest is *off*. `{command} digest on 08:00` turns it on."
    else:
        at = f" at {digest.time:%H:%M}" if digest.time else ""
        extras = [
            "skips weekends" if digest.skip_weekends else None,
            "includes days with nothing booked" if digest.include_empty else None,
        ]
        extra = "".join(f"  ·  {item}" for item in extras if item)
        personal = f"Your daily digest is *on*{at}{extra}.  `{command} digest off` turns it off."
    lines = [personal]
    channels = digest.channels if digest else ()
    for info in channels[:MAX_HOME_CHANNELS]:
        lab = escape(one_line(info.lab_name)) if info.lab_name else "a lab"
        paused = " (paused)" if info.paused else ""
        channel = (
            f"<#{info.channel_id}>"
            if _CHANNEL_ID.fullmatch(info.channel_id)
            else escape(one_line(info.channel_id))
        )
        lines.append(f"•  {channel}  {lab} at {info.time:%H:%M}{paused}")
    if len(channels) > MAX_HOME_CHANNELS:
        lines.append(f"…and {len(channels) - MAX_HOME_CHANNELS} more channels")
    return "\n".join(lines)


def home_view(
    *,
    linked_as: str | None,
    broken: bool,
    connect_url: str | None,
    next_bookings: Sequence[Booking],
    tz_name: str,
    now: dt.datetime,
    digest: DigestSummary | None,
    notify: NotifySummary | None = None,
    command: str = DEFAULT_COMMAND,
    bookings_state: BookingsState = "shown",
    unread: int = 0,
    out_of_service: Mapping[int, str] | None = None,
    links: WebLinks | None = None,
) -> dict[str, Any]:
    """The Home tab view (`views.publish`): at most 100 blocks. `bookings_state` says whether
    the next bookings are known yet; `unread` bookings could not be read, so the next ones
    listed may not be all; `out_of_service` maps an instrument's id to its status when it is
    not available, so a booking on it is flagged."""
    tz = _zone(tz_name)
    local_now = now.astimezone(tz)
    blocks: list[Block] = [
        kit.header("🔬 Clustermarket"),
        *_status(linked_as, broken, connect_url, command),
    ]
    shown_zone = escape(zone_name(tz))
    blocks.append(kit.context(f"Times in {shown_zone}  ·  updated {local_now:%H:%M}"))
    if linked_as is not None and not broken:
        blocks += [kit.divider(), kit.section("*📅 Your next bookings*")]
        if bookings_state == "slow":
            blocks.append(kit.context(SLOW_NOTE))
        elif bookings_state == "unavailable":
            blocks.append(
                kit.context("Clustermarket didn't answer just now.  Refresh to try again.")
            )
        elif next_bookings:
            shown = next_bookings[:MAX_HOME_BOOKINGS]
            held = out_of_service or {}
            blocks += [_booking(booking, tz, local_now.date(), held, links) for booking in shown]
            if len(next_bookings) > MAX_HOME_BOOKINGS:
                blocks.append(kit.context(f"`{command} bookings this week` shows the rest."))
        else:
            blocks.append(
                kit.context(f"Nothing booked ahead.  `{command} free NanoDrop` finds a free slot.")
            )
        if unread:
            blocks.append(kit.context(escape("⚠️ " + Gaps(unread).sentence())))
    blocks += [kit.divider(), kit.section(f"*🗞 Daily digest*\n{_digest_text(digest, command)}")]
    linked = linked_as is not None and not broken
    blocks += digest_home_blocks(digest, linked=linked, command=command)
    if notify is not None:
        blocks += [kit.divider(), *notify_home_blocks(notify, linked=linked, command=command)]
    blocks += [
        kit.divider(),
        kit.section(
            "*💬 Ask away*\n"
            f"`{command} bookings tomorrow`  ·  `{command} free NovaSeq this afternoon`"
            f"  ·  `{command} help`\nOr ask in words, here in Messages or by mentioning me:"
            " “what's free now?”  ·  “when is the NovaSeq next free?”  ·  “my next booking”"
        ),
        kit.actions([kit.button("Refresh", HOME_REFRESH, value="refresh")]),
    ]
    return {"type": "home", "blocks": blocks[:MAX_VIEW_BLOCKS]}
