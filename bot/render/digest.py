"""Block Kit for the daily digests and for the answers of `/cm digest`.

A personal digest is a DM: a header with the day, then one section per booking (times in the
reader's zone, the instrument, its status, category and room). A channel digest lists the
lab's instruments with their bookings, maintenance, breakdown and repair blocks flagged 🛠,
and leaves out emails, notes and costs as every channel answer does. Both stay within 50
blocks and summarise what does not fit. The App Home digest buttons are built here too, with
the action ids the digest listener routes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from bot.clustermarket.models import Booking
from bot.questions.codec import encode_intent
from bot.questions.commands import DEFAULT_COMMAND, ChannelDigestOn
from bot.questions.matching import Candidate
from bot.render import kit
from bot.render.actions import choose_action
from bot.render.availability import out_of_service_badge
from bot.render.gaps import Gaps
from bot.render.limits import (
    MAX_MESSAGE_BLOCKS,
    MAX_SECTION_TEXT,
    clip,
    clip_lines,
    text_length,
)
from bot.render.reply import RenderContext, Reply, fallback_text, simple
from bot.render.text import (
    category_label,
    date_text,
    escape,
    is_maintenance,
    one_line,
    person_name,
    plural,
    relative_day,
    span,
    status_badge,
    zone_name,
)
from bot.render.views import DigestSummary, LabInfo
from bot.render.weblinks import WebLinks, booking_url, equipment_url, linked

if TYPE_CHECKING:  # the digest's data shapes; importing them at run time would be circular
    from bot.digest.compose import ChannelDigest, InstrumentDay, PersonalDigest

Block = dict[str, Any]

DIGEST_TURN_ON = "cm_digest_turn_on"
"""App Home: turn the personal digest on (keeps its time, default 08:00)."""
DIGEST_TURN_OFF = "cm_digest_turn_off"
"""App Home: turn the personal digest off."""
DIGEST_INCLUDE_EMPTY = "cm_digest_include_empty"
"""App Home: send the digest on days with nothing booked too; value "on" or "off"."""
DIGEST_SKIP_WEEKENDS = "cm_digest_skip_weekends"
"""App Home: no digest on Saturdays and Sundays; value "on" or "off"."""
DIGEST_ACTIONS_BLOCK_ID = "cm_digest_settings"
TOGGLE_ON, TOGGLE_OFF = "on", "off"

_BODY_BLOCKS = MAX_MESSAGE_BLOCKS - 3  # header, context line, footer (which notes any overflow)
_SLACK_ID = re.compile(r"[A-Z0-9]{2,32}")


def _channel(channel_id: str) -> str:
    """A channel mention, or the plain id when it is not one Slack would link."""
    return f"<#{channel_id}>" if _SLACK_ID.fullmatch(channel_id) else escape(one_line(channel_id))


def user_mention(user_id: str) -> str:
    return f"<@{user_id}>" if _SLACK_ID.fullmatch(user_id) else "someone"


def _unread_line(unread: int) -> str | None:
    return escape("⚠️ " + Gaps(unread).sentence()) if unread else None


# --- the personal digest ------------------------------------------------------------------


def _instrument_name(booking: Booking) -> str:
    equipment = booking.equipment
    if equipment is not None and equipment.name and equipment.name.strip():
        return one_line(equipment.name)
    if equipment is not None and equipment.id is not None:
        return f"Equipment {equipment.id}"
    return "Equipment"


def _own_booking(
    booking: Booking,
    tz: dt.tzinfo,
    day: dt.date,
    out_of_service: Mapping[int, str],
    links: WebLinks | None,
) -> Block:
    """Times (a midnight crosser reads '22:00 → 04:30 (+1)'), instrument, then status,
    category and room, and the instrument's own status when it is out of service."""
    equipment = booking.equipment
    room = equipment.room if equipment is not None else None
    held = out_of_service.get(equipment.id) if equipment and equipment.id is not None else None
    details = [
        out_of_service_badge(held),
        status_badge(booking.status),
        category_label(booking.category),
        f"📍 {escape(one_line(room))}" if room and room.strip() else None,
    ]
    name = linked(escape(_instrument_name(booking)), booking_url(links, booking.id))
    lines = [
        f"*{span(booking.start_time, booking.end_time, tz, day)}*  {name}",
        "  ·  ".join(part for part in details if part),
    ]
    return kit.section("\n".join(line for line in lines if line))


def personal_digest_message(
    digest: PersonalDigest, *, command: str = DEFAULT_COMMAND, links: WebLinks | None = None
) -> Reply:
    """The DM: "Your bookings · Wed 25 Mar", each booking, and how to turn the digest off."""
    day_text = date_text(digest.day)
    count = len(digest.bookings)
    blocks: list[Block] = [
        kit.header(f"📅 Your bookings · {day_text}"),
        kit.context(
            f"{plural(count, 'booking') if count else 'Nothing booked'}"
            f"  ·  times in {escape(zone_name(digest.tz))}",
            _unread_line(digest.unread),
        ),
    ]
    if not digest.bookings:
        blocks.append(kit.section("Nothing booked for you today."))
    shown = digest.bookings[:_BODY_BLOCKS]
    blocks += [
        _own_booking(booking, digest.tz, digest.day, digest.out_of_service, links)
        for booking in shown
    ]
    hidden = count - len(shown)
    footer = f"Your daily digest  ·  `{command} digest off` turns it off"
    if hidden:
        footer = (
            f"…and {plural(hidden, 'more booking')}: `{command} bookings today` lists them all"
            f"  ·  {footer}"
        )
    blocks.append(kit.context(footer))
    if count:
        first = digest.bookings[0]
        summary = (
            f"Your bookings · {day_text}: {plural(count, 'booking')}, first"
            f" {span(first.start_time, first.end_time, digest.tz, digest.day)}"
            f" {_instrument_name(first)}"
        )
    else:
        summary = f"Your bookings · {day_text}: nothing booked"
    return Reply(fallback_text(summary), blocks)


# --- the channel digest -------------------------------------------------------------------


def _lab_line(booking: Booking, tz: dt.tzinfo, day: dt.date) -> str:
    """One booking in a lab digest: times, who (or the maintenance kind), status."""
    times = f"`{span(booking.start_time, booking.end_time, tz, day)}`"
    status = status_badge(booking.status)
    if is_maintenance(booking.category):
        what = f"🛠 *{escape(one_line(booking.category or 'Maintenance'))}*"
        who = person_name(booking.requester, fallback="") if booking.requester is not None else ""
        parts = [what, escape(who) if who else None, status]
    else:
        label = category_label(booking.category)
        parts = [
            escape(person_name(booking.requester, fallback="No requester named")),
            escape(label) if label else None,
            status,
        ]
    return f"{times}  " + "  ·  ".join(part for part in parts if part)


def _instrument_block(
    instrument: InstrumentDay, tz: dt.tzinfo, day: dt.date, links: WebLinks | None
) -> Block:
    flag = "  🛠" if instrument.flagged else ""
    room = f"  ·  📍 {escape(one_line(instrument.room))}" if instrument.room else ""
    badge = out_of_service_badge(instrument.out_of_service)
    held = f"  ·  {badge}" if badge else ""
    name = linked(escape(one_line(instrument.name)), equipment_url(links, instrument.equipment_id))
    head = f"*{name}*{flag}{room}{held}"
    lines = [_lab_line(booking, tz, day) for booking in instrument.bookings] or ["Nothing booked."]
    body = clip_lines(
        lines, MAX_SECTION_TEXT - text_length(head) - 1, more="…and {n} more bookings"
    )
    return kit.section(f"{head}\n{body}")


def channel_digest_message(
    digest: ChannelDigest,
    *,
    owner_user_id: str,
    command: str = DEFAULT_COMMAND,
    links: WebLinks | None = None,
) -> Reply:
    """The lab channel's post: the day's bookings of every instrument, maintenance flagged."""
    day_text = date_text(digest.day)
    lab = one_line(digest.lab_name)
    count = digest.booking_count
    booked = sum(1 for instrument in digest.instruments if instrument.bookings)
    flagged = sum(
        1
        for instrument in digest.instruments
        for booking in instrument.bookings
        if is_maintenance(booking.category)
    )
    facts = [
        f"{plural(count, 'booking')} on {plural(booked, 'instrument')}"
        if count
        else "Nothing booked",
        f"🛠 {plural(flagged, 'maintenance block')}" if flagged else None,
        f"times in {escape(zone_name(digest.tz))}",
        _unread_line(digest.unread),
    ]
    blocks: list[Block] = [
        kit.header(f"🔬 {lab} · {day_text}"),
        kit.context("  ·  ".join(fact for fact in facts if fact)),
    ]
    if digest.empty:
        blocks.append(kit.section(f"Nothing is booked on {escape(lab)}'s equipment today."))
    instruments = digest.instruments
    shown = instruments[:_BODY_BLOCKS]
    blocks += [_instrument_block(instrument, digest.tz, digest.day, links) for instrument in shown]
    hidden = instruments[len(shown) :]
    footer = (
        f"Daily digest set up by {user_mention(owner_user_id)}"
        f"  ·  `{command} digest` shows its settings"
    )
    if hidden:
        more = sum(len(instrument.bookings) for instrument in hidden)
        footer = (
            f"…and {plural(len(hidden), 'more instrument')} with {plural(more, 'booking')}"
            f"  ·  {footer}"
        )
    blocks.append(kit.context(footer))
    summary = f"{lab} · {day_text}: " + (
        f"{plural(count, 'booking')} on {plural(booked, 'instrument')}"
        + (f", {plural(flagged, 'maintenance block')}" if flagged else "")
        if count
        else "nothing booked"
    )
    return Reply(fallback_text(summary), blocks)


# --- settings, as /cm digest and the App Home show them ----------------------------------


@dataclass(frozen=True)
class DigestView:
    """One digest's settings and state, ready to show."""

    kind: str
    channel_id: str
    owner_user_id: str
    send_time: dt.time
    timezone: str
    lab_name: str | None = None
    skip_weekends: bool = False
    include_empty: bool = False
    paused_reason: str | None = None
    next_send: dt.datetime | None = None
    last_error: str | None = None


def when_text(moment: dt.datetime, now: dt.datetime) -> str:
    """'today at 08:00', 'tomorrow at 08:00', 'Mon 30 Mar at 08:00' (in the moment's zone)."""
    local_now = now.astimezone(moment.tzinfo) if moment.tzinfo else now
    words = relative_day(moment.date(), local_now.date())
    day = words or date_text(moment.date(), this_year=local_now.year)
    return f"{day} at {moment:%H:%M}"


def _extras(view: DigestView) -> str:
    extras = [
        "skips weekends" if view.skip_weekends else None,
        "includes days with nothing booked" if view.include_empty else None,
    ]
    return "".join(f"  ·  {extra}" for extra in extras if extra)


LinkState = Literal["ok", "broken", "missing"]


def _personal_lines(
    view: DigestView | None, now: dt.datetime, link: LinkState, command: str
) -> list[str]:
    if view is None:
        return [
            "*Your daily digest* is off.",
            f"`{command} digest on 08:00` sends you each day's bookings as a DM.",
        ]
    head = (
        f"*Your daily digest* is on at *{view.send_time:%H:%M}*"
        f" ({escape(view.timezone)}){_extras(view)}."
    )
    if link != "ok":
        why = (
            "your Clustermarket connection needs renewing"
            if link == "broken"
            else "you are not connected to Clustermarket"
        )
        return [
            head,
            f"⏸ Paused: {why}. `{command} connect` links your account and the digest carries on.",
        ]
    lines = [head]
    if view.next_send is not None:
        lines.append(f"Next: {when_text(view.next_send, now)}.")
    if view.last_error:
        lines.append("⚠️ The last attempt failed; I'll keep trying today.")
    lines.append(f"`{command} digest off` turns it off.")
    return lines


def _channel_lines(view: DigestView, now: dt.datetime, command: str) -> list[str]:
    lab = escape(one_line(view.lab_name or "its lab"))
    head = (
        f"*This channel's digest*: *{lab}* at *{view.send_time:%H:%M}* ({escape(view.timezone)})"
        f"{_extras(view)}, set up by {user_mention(view.owner_user_id)}."
    )
    if view.paused_reason is not None:
        return [
            head,
            f"⏸ Paused: {escape(one_line(view.paused_reason))}. It resumes when"
            f" {user_mention(view.owner_user_id)} reconnects (`{command} connect`), or a"
            f" workspace admin can take it over with `{command} digest channel on {lab}`.",
        ]
    lines = [head]
    if view.next_send is not None:
        lines.append(f"Next: {when_text(view.next_send, now)}.")
    if view.last_error:
        lines.append(
            f"⚠️ Today's post has not gone out yet ({escape(clip(one_line(view.last_error), 200))});"
            " I'll keep trying today."
        )
    lines.append(f"`{command} digest channel off` stops it.")
    return lines


def digest_status_reply(
    personal: DigestView | None,
    channel: DigestView | None,
    *,
    in_channel: bool,
    link: LinkState = "ok",
    owned_elsewhere: Sequence[DigestView] = (),
    now: dt.datetime,
    command: str = DEFAULT_COMMAND,
) -> Reply:
    """`/cm digest`: the personal digest, and the digest of the channel asked in (or, in a DM,
    the channel digests this person runs)."""
    blocks: list[Block] = [
        kit.header("🗞 Daily digests"),
        kit.section("\n".join(_personal_lines(personal, now, link, command))),
    ]
    if in_channel:
        if channel is None:
            blocks.append(
                kit.section(
                    "*This channel* has no digest.  `"
                    f"{command} digest channel on 08:00 LAB` posts a lab's bookings here each"
                    " morning."
                )
            )
        else:
            blocks.append(kit.section("\n".join(_channel_lines(channel, now, command))))
    if owned_elsewhere:
        lines = ["*Channel digests you run*"]
        for view in owned_elsewhere[:20]:
            lab = escape(one_line(view.lab_name or "a lab"))
            paused = "  ⏸ paused" if view.paused_reason else ""
            lines.append(f"•  {_channel(view.channel_id)}  {lab} at {view.send_time:%H:%M}{paused}")
        if len(owned_elsewhere) > 20:
            lines.append(f"…and {len(owned_elsewhere) - 20} more")
        blocks.append(kit.section("\n".join(lines)))
    personal_text = "on" if personal is not None else "off"
    text = f"Your daily digest is {personal_text}."
    if channel is not None:
        state = "paused" if channel.paused_reason else "on"
        lab = escape(one_line(channel.lab_name or "its lab"))
        text += f" This channel's digest of {lab} is {state}."
    return simple(RenderContext(command=command), text, blocks)


def _next_line(view: DigestView, now: dt.datetime, first: bool) -> list[str]:
    """When it goes out next; "First:" for a digest just set up or moved to another time
    (one turned on after today's time starts tomorrow)."""
    if view.next_send is None:
        return []
    return [f"{'First' if first else 'Next'}: {when_text(view.next_send, now)}."]


def digest_on_reply(
    view: DigestView,
    *,
    now: dt.datetime,
    zone_guessed: bool,
    first: bool = False,
    command: str = DEFAULT_COMMAND,
) -> Reply:
    """The confirmation of `/cm digest on`."""
    lines = [
        f"✅ *Your daily digest is on.* Each day at *{view.send_time:%H:%M}*"
        f" ({escape(view.timezone)}) I'll DM you that day's bookings.",
        "Days with nothing booked are skipped"
        + (" (you asked for them too)." if view.include_empty else "."),
    ]
    if zone_guessed:
        lines.append(
            "Your Slack profile has no time zone, so I used your labs' zone. Set yours in"
            " Slack and I'll follow it from the next day."
        )
    lines.extend(_next_line(view, now, first))
    lines.append(
        f"`{command} digest on HH:MM` changes the time; `{command} digest off` turns it off."
    )
    text = f"Your daily digest is on at {view.send_time:%H:%M} ({view.timezone})."
    return simple(RenderContext(command=command), text, [kit.section("\n".join(lines))])


def digest_off_reply(was_on: bool, *, command: str = DEFAULT_COMMAND) -> Reply:
    if was_on:
        text = f"Your daily digest is off. `{command} digest on` turns it back on."
    else:
        text = f"Your daily digest was already off. `{command} digest on 08:00` turns it on."
    return simple(RenderContext(command=command), text, [kit.section(f"🔕 {text}")])


def channel_on_reply(
    view: DigestView,
    *,
    now: dt.datetime,
    previous_owner: str | None = None,
    member: bool | None = None,
    first: bool = False,
    command: str = DEFAULT_COMMAND,
) -> Reply:
    """The confirmation of `/cm digest channel on`."""
    lab = escape(one_line(view.lab_name or "the lab"))
    lines = [
        f"✅ *Every morning at {view.send_time:%H:%M}* ({escape(view.timezone)}, the lab's"
        f" time) I'll post *{lab}*'s bookings for the day in {_channel(view.channel_id)},"
        " grouped by instrument, with maintenance and repairs flagged 🛠.",
        "It uses your Clustermarket access; if your connection stops working it pauses and"
        " I'll DM you.",
    ]
    if previous_owner and previous_owner != view.owner_user_id:
        lines.append(
            f"You now run this channel's digest (it was set up by {user_mention(previous_owner)})."
        )
    if member is False:
        lines.append(
            "👋 Please `/invite` me to this channel: I need to be in it to post here and to"
            " check I never post a day twice."
        )
    lines.extend(_next_line(view, now, first))
    lines.append(f"`{command} digest channel off` stops it.")
    text = f"This channel gets {one_line(view.lab_name or 'the lab')}'s bookings each morning."
    return simple(RenderContext(command=command), text, [kit.section("\n".join(lines))])


def channel_off_reply(view: DigestView | None, *, command: str = DEFAULT_COMMAND) -> Reply:
    if view is None:
        text = f"This channel has no digest. `{command} digest channel on 08:00 LAB` sets one up."
    else:
        text = (
            f"Stopped the daily digest of {one_line(view.lab_name or 'the lab')} in this channel."
        )
    return simple(RenderContext(command=command), text, [kit.section(f"🔕 {escape(text)}")])


def needs_channel_reply(*, command: str = DEFAULT_COMMAND) -> Reply:
    """`/cm digest channel …` outside a channel."""
    text = (
        f"A lab digest belongs in a channel: run `{command} digest channel on 08:00 LAB` in the"
        f" lab's channel. Here I can send your own bookings instead: `{command} digest on`."
    )
    return simple(RenderContext(command=command), text, [kit.section(f"💬 {text}")])


def dm_unavailable_reply(*, command: str = DEFAULT_COMMAND) -> Reply:
    """Slack would not open a DM with the user, so there is nowhere to send the digest."""
    text = (
        "I couldn't open a direct message with you just now, so your digest is not on yet."
        f" Please try `{command} digest on` again in a minute."
    )
    return simple(RenderContext(command=command), text, [kit.section(f"😕 {text}")])


def lab_choice_reply(
    query: str,
    candidates: Sequence[Candidate[LabInfo]],
    send_time: dt.time | None,
    *,
    command: str = DEFAULT_COMMAND,
) -> Reply:
    """Several labs match: each with a button that sets the digest up for it, and the command
    to type."""
    at = f"{send_time:%H:%M} " if send_time is not None else ""
    blocks: list[Block] = [
        kit.section(
            f"🤔 More than one lab matches *{escape(one_line(query))}*. Which one should post here?"
        )
    ]
    for index, candidate in enumerate(candidates[:5]):
        value = encode_intent(ChannelDigestOn(send_time, str(candidate.id)))
        where = escape(one_line(candidate.context)) if candidate.context else f"ID {candidate.id}"
        blocks.append(
            kit.section(
                f"*{escape(one_line(candidate.name))}*\n{where}\n"
                f"`{command} digest channel on {at}{candidate.id}`",
                accessory=kit.button("Choose", choose_action(index), value=value),
            )
        )
    names = "; ".join(one_line(candidate.name) for candidate in candidates[:5])
    return simple(RenderContext(command=command), f"Which lab did you mean: {names}?", blocks)


def lab_not_found_reply(
    query: str, suggestions: Sequence[Candidate[LabInfo]], *, command: str = DEFAULT_COMMAND
) -> Reply:
    """No lab the user can see matches."""
    lines = [f"🔍 None of your labs is called *{escape(one_line(query))}*."]
    if suggestions:
        names = ", ".join(f"*{escape(one_line(c.name))}*" for c in suggestions[:5])
        lines.append(f"Did you mean {names}?")
    lines.append(f"`{command} labs` lists the labs you can see.")
    text = f"None of your labs is called {one_line(query)}."
    return simple(RenderContext(command=command), text, [kit.section("\n".join(lines))])


def link_paused_message(
    views: Sequence[DigestView], reason: str, *, command: str = DEFAULT_COMMAND
) -> Reply:
    """The DM to an owner whose link broke: which channel digests paused, why, how to resume."""
    items = [
        f"•  {escape(one_line(view.lab_name or 'a lab'))} in {_channel(view.channel_id)}"
        for view in views[:20]
    ]
    if len(views) > 20:
        items.append(f"…and {len(views) - 20} more")
    if len(views) == 1:
        view = views[0]
        lead = (
            f"⏸ Your channel digest for *{escape(one_line(view.lab_name or 'a lab'))}* in"
            f" {_channel(view.channel_id)} is paused because {escape(reason)}."
        )
        text = (
            f"Your channel digest for {one_line(view.lab_name or 'a lab')} is paused"
            f" because {reason}."
        )
    else:
        lead = (
            f"⏸ Your {len(views)} channel digests are paused because {escape(reason)}:\n"
            + "\n".join(items)
        )
        text = f"Your {len(views)} channel digests are paused because {reason}."
    advice = f"Run `{command} connect` to link Clustermarket again and they resume by themselves."
    return simple(RenderContext(command=command), text, [kit.section(f"{lead}\n{advice}")])


def digest_home_blocks(
    summary: DigestSummary | None, *, linked: bool, command: str = DEFAULT_COMMAND
) -> list[Block]:
    """The App Home's digest buttons: turn on, or turn off and the two day toggles.

    Each toggle's value is the state it sets, so a double click does not flip it back.
    """
    if not linked:
        return []
    if summary is None or not summary.personal:
        return [
            kit.actions(
                [
                    kit.button(
                        "Turn on daily digest", DIGEST_TURN_ON, value=TOGGLE_ON, style="primary"
                    )
                ],
                block_id=DIGEST_ACTIONS_BLOCK_ID,
            )
        ]
    empty = TOGGLE_OFF if summary.include_empty else TOGGLE_ON
    weekends = TOGGLE_OFF if summary.skip_weekends else TOGGLE_ON
    return [
        kit.actions(
            [
                kit.button(
                    "Skip empty days" if summary.include_empty else "Include empty days",
                    DIGEST_INCLUDE_EMPTY,
                    value=empty,
                ),
                kit.button(
                    "Send on weekends" if summary.skip_weekends else "Skip weekends",
                    DIGEST_SKIP_WEEKENDS,
                    value=weekends,
                ),
                kit.button("Turn off", DIGEST_TURN_OFF, value=TOGGLE_OFF, style="danger"),
            ],
            block_id=DIGEST_ACTIONS_BLOCK_ID,
        )
    ]
