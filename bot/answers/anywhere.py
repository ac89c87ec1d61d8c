"""What is free across many instruments: all the user can see, or one group's, or one lab's.

Each instrument's bookings are read (`BOOKINGS_AT_ONCE` at a time) and judged by the same
rules as `free` for one instrument (`availability`): nothing is free while the instrument
is out of service or while a booking of it that could not be read might cover the time.
A window that is already over is said so before anything is read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from bot.answers.asking import Asking, bookings_of_each, read_as
from bot.answers.catalogue import Catalogue
from bot.answers.equipment import find_group, find_lab, group_members
from bot.answers.free_time import availability
from bot.clustermarket.listing import Listing
from bot.clustermarket.models import Booking
from bot.questions.intents import WhatIsFree
from bot.questions.when import Window
from bot.render import Availability, EquipmentEntry, Reply
from bot.render.anywhere import what_is_free_reply, window_over_reply
from bot.render.gaps import Gaps, note_gaps
from bot.render.views import InstrumentFree


async def _chosen(
    intent: WhatIsFree, catalogue: Catalogue, asking: Asking
) -> tuple[list[EquipmentEntry], str | None] | Reply:
    """The instruments asked about and the name of the group or lab they are (None: all)."""
    if intent.group is not None:
        group = await find_group(intent.group, catalogue, asking.api, asking.ctx)
        if isinstance(group, Reply):
            return group
        return await group_members(group, catalogue, asking.api), group.name
    if intent.lab is not None:
        lab = find_lab(intent.lab, catalogue, asking.ctx)
        if isinstance(lab, Reply):
            return lab
        return [entry for entry in catalogue.equipment if entry.lab and entry.lab.id == lab.id], (
            lab.name
        )
    return list(catalogue.equipment), None


def _facts(
    entry: EquipmentEntry,
    listing: Listing[Booking] | None,
    window: Window,
    now: dt.datetime,
    *,
    only_now: bool,
) -> Availability | None:
    """One instrument's free time in the window, by `free`'s rules; None when its bookings
    could not be read."""
    if listing is None:
        return None
    return availability(
        listing,
        window,
        now,
        only_now=only_now,
        unread=listing.skipped_of_equipment(entry.id),
        status=entry.summary.availability_status,
    )


async def what_is_free(intent: WhatIsFree, asking: Asking) -> Reply:
    """Every instrument asked about, grouped by how free it is in the window."""
    catalogue = await asking.catalogue()
    chosen = await _chosen(intent, catalogue, asking)
    if isinstance(chosen, Reply):
        return chosen
    entries, scope = chosen
    tz = await asking.shared_zone()
    now = asking.now
    when, window = read_as(intent.when, tz, now)
    ctx = replace(asking.ctx, intent=replace(intent, when=when))
    if window.end.astimezone(dt.UTC) <= now.astimezone(dt.UTC):
        return window_over_reply(window, ctx)
    listings = await bookings_of_each(asking.many, entries)
    local_now = now.astimezone(tz)
    rows = [
        InstrumentFree(entry, _facts(entry, listing, window, local_now, only_now=when.day == "now"))
        for entry, listing in zip(entries, listings, strict=True)
    ]
    reply = what_is_free_reply(rows, window, tz, ctx, scope=scope)
    partial = any(listing is not None and listing.partial for listing in listings)
    return note_gaps(
        reply, catalogue.equipment_gaps if scope is None else Gaps(), Gaps(partial=partial)
    )
