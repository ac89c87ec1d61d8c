"""What is free across many instruments ("what's free now?", "anything free in imaging this
afternoon?"): one compact answer, the free ones first, each instrument one line.

Each instrument lands in one row of the availability vocabulary: free (now, or the whole
window), free at times (with its first slots), busy or fully booked (with when it frees up),
free as far as can be read (a booking of it could not be read), not available (its own
status words), or not read at all. Long lists end "…and N more", so any number of
instruments fits one message.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

from bot.questions.days import Slot
from bot.questions.when import When, Window
from bot.render import kit
from bot.render.availability import PHRASES, Standing, service_badge
from bot.render.bookings import free_all, when_of, when_phrase
from bot.render.free import moment_words
from bot.render.limits import MAX_SECTION_TEXT, clip_lines
from bot.render.reply import RenderContext, Reply, finish
from bot.render.text import clock, escape, one_line, plural, zone_name
from bot.render.views import InstrumentFree
from bot.render.weblinks import WebLinks, equipment_url, linked

SLOTS_SHOWN = 3  # free slots listed per instrument before "+N more"
_ORDER: tuple[Standing, ...] = (
    "free",
    "free_window",
    "partly_free",
    "free_unsure",
    "busy",
    "fully_booked",
    "unavailable",
    "unread",
)


def standing(row: InstrumentFree, when: When | None) -> Standing:
    """The one row of the vocabulary this instrument reads as, for `when`."""
    facts = row.facts
    if facts is None:
        return "unread"
    if facts.out_of_service is not None:
        return "unavailable"
    if when is not None and when.day == "now":
        state = facts.now
        if state is not None and state.current is not None:
            return "busy"
        return "free_unsure" if facts.unsure_now else "free"
    if facts.unsure and (facts.slots or facts.booked == 0):
        return "free_unsure"
    if facts.booked == 0:
        return "free_window"
    return "partly_free" if facts.slots else "fully_booked"


def _slots(slots: Sequence[Slot], tz: dt.tzinfo, today: dt.date | None) -> str:
    shown = [
        f"{moment_words(slot.start, tz, today)}–{clock(slot.end, tz)}"
        for slot in slots[:SLOTS_SHOWN]
    ]
    more = f" (+{len(slots) - SLOTS_SHOWN} more)" if len(slots) > SLOTS_SHOWN else ""
    return ", ".join(shown) + more


def _detail(row: InstrumentFree, kind: Standing, tz: dt.tzinfo, today: dt.date | None) -> str:
    """What follows the instrument's name on its line, if anything."""
    facts = row.facts
    if facts is None:
        return ""
    state = facts.now
    if kind == "free" and state is not None:
        if state.free_until is None:
            return "nothing booked for 30 days"
        return f"until {moment_words(state.free_until, tz, today)}"
    if kind == "busy" and state is not None:
        if state.free_from is None:
            return "no free slot in 30 days"
        return f"free from {moment_words(state.free_from, tz, today)}"
    if kind == "partly_free":
        return _slots(facts.slots, tz, today)
    if kind == "fully_booked" and facts.next_free is not None:
        return f"next free {moment_words(facts.next_free.start, tz, today)}"
    if kind == "free_unsure":
        unread = facts.unsure_now or facts.unsure
        return f"{plural(unread, 'booking')} of it could not be read"
    if kind == "unavailable":
        return service_badge(facts.out_of_service) or ""
    return ""


def _line(row: InstrumentFree, detail: str, twins: set[str], links: WebLinks | None) -> str:
    """One instrument: its name (linked to its page; with its lab when another lab has one
    of the same name), then `detail`."""
    entry = row.entry
    name = f"*{linked(escape(one_line(entry.name)), equipment_url(links, entry.id))}*"
    if one_line(entry.name) in twins and entry.lab is not None:
        name += f" · {escape(one_line(entry.lab.name))}"
    return f"•  {name}" + (f" — {escape(detail)}" if detail else "")


def _title(kind: Standing, when: When | None, phrase: str) -> str:
    emoji, words = PHRASES[kind].emoji, PHRASES[kind].words
    if kind == "free_window":
        words = f"{words} {free_all(when)}"
    elif kind in ("partly_free", "fully_booked"):
        words = f"{words} {phrase}"
    elif kind == "free_unsure":
        words = f"{words}, but check Clustermarket"
    return f"{emoji} *{escape(words)}*"


def what_is_free_reply(
    rows: Sequence[InstrumentFree],
    window: Window,
    tz: dt.tzinfo,
    ctx: RenderContext,
    *,
    scope: str | None = None,
) -> Reply:
    """Every instrument of `rows` in one answer, grouped by how free it is, free ones first;
    `scope` names the group or lab asked about."""
    when = when_of(ctx)
    phrase = when_phrase(when, window)
    where = f" in {one_line(scope)}" if scope else ""
    head: list[dict[str, Any]] = [
        kit.header(f"🔎 What's free{where} {phrase}"),
        kit.context(
            f"{escape(window.label)}  ·  times in {zone_name(tz)}"
            f"  ·  {plural(len(rows), 'instrument')} checked"
        ),
    ]
    if not rows:
        text = f"There is no equipment{where} that you can see."
        hint = f"`{ctx.command} equipment` lists what you can see."
        return finish(ctx, text, [*head, kit.section(escape(text)), kit.context(hint)], share=False)
    days = window.days()
    today = days[0] if len(days) == 1 else ctx.today_in(tz)  # times alone, on a one-day window
    seen = Counter(one_line(row.entry.name) for row in rows)
    twins = {name for name, count in seen.items() if count > 1}
    grouped: dict[Standing, list[str]] = {}
    names: dict[Standing, list[str]] = {}
    for row in rows:
        kind = standing(row, when)
        line = _line(row, _detail(row, kind, tz, today), twins, ctx.links)
        grouped.setdefault(kind, []).append(line)
        names.setdefault(kind, []).append(one_line(row.entry.name))
    free = [*names.get("free", []), *names.get("free_window", [])]
    lead = f"{len(free)} of {plural(len(rows), 'instrument')} free {phrase}."
    body = [kit.section(escape(lead))]
    for kind in _ORDER:
        if kind in grouped:
            title = _title(kind, when, phrase)
            body.append(kit.section(clip_lines([title, *grouped[kind]], MAX_SECTION_TEXT)))
    return finish(ctx, _fallback(lead, free, names), head + body)


def _fallback(lead: str, free: list[str], names: dict[Standing, list[str]]) -> str:
    """The notification (plain words; `finish` escapes them): how many are free and the
    first few names."""
    if not free:
        partly = names.get("partly_free", [])
        if partly:
            return f"{lead} Free at times: {_few(partly)}."
        return lead
    return f"{lead} {_few(free)}."


def _few(names: list[str], most: int = 5) -> str:
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def window_over_reply(window: Window, ctx: RenderContext) -> Reply:
    """A window already over has nothing free left in it: say so, and what to ask instead."""
    text = f"{window.label} is over, so there is no free time left to find."
    later = f"`{ctx.command} free NovaSeq tomorrow`, or ask “what's free tomorrow?”"
    blocks = [kit.section(f"⌛ {escape(text)}"), kit.context(f"Try a later time: {later}.")]
    return finish(ctx, text, blocks, share=False)
