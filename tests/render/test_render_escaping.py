"""Names from Clustermarket or a user never become a mention, a link or markup in a post's
fallback text: `<!channel>`, `<@U…>` and `&<>` arrive escaped, in public posts above all,
and escaped once (`finish` escapes the fallback; no renderer escapes it before).

`render_samples.check` holds every renderer test's reply text to that; here each renderer
gets names made of exactly those characters: the slash commands' answers, the newer answers
asked in words, and the notes added to them (out of service, unread bookings, a missing
scope, a booking in full).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from render_samples import LONDON, NOW, at, booking

from bot.clustermarket.models import BookingDetails, EquipmentSummary, Person, User
from bot.digest.compose import ChannelDigest, InstrumentDay, PersonalDigest
from bot.questions.commands import Bookings, EquipmentSearch, Free, Schedule
from bot.questions.days import Slot, by_local_day, in_window
from bot.questions.intents import (
    BookedHours,
    EquipmentFact,
    MyNextBooking,
    NextFree,
    Option,
    WhatIsFree,
)
from bot.questions.matching import Candidate
from bot.questions.when import When, resolve
from bot.render import (
    Availability,
    EquipmentEntry,
    LabInfo,
    RenderContext,
    Reply,
    bookings_reply,
    choose_reply,
    connected_message,
    equipment_details_reply,
    equipment_list_reply,
    free_reply,
    help_reply,
    me_reply,
    not_found_reply,
    schedule_reply,
)
from bot.render.anywhere import what_is_free_reply
from bot.render.booking import booking_details_reply
from bot.render.choices import options_reply
from bot.render.digest import (
    channel_digest_message,
    lab_not_found_reply,
    personal_digest_message,
)
from bot.render.errors import missing_scope_reply
from bot.render.facts import groups_of_reply, room_reply
from bot.render.gaps import Gaps, note_gaps
from bot.render.hours import booked_hours_reply
from bot.render.timing import my_next_booking_reply, next_free_reply
from bot.render.views import BookedTime, InstrumentFree, InstrumentHours, NextFreeFacts

HOSTILE = "<!channel> <@U0ZOE> & <b>"
LAB = LabInfo(104, HOSTILE, "Europe/London")
ENTRY = EquipmentEntry(4105, HOSTILE, LAB, EquipmentSummary(id=4105, name=HOSTILE, room=HOSTILE))
BROKEN = EquipmentEntry(
    4106, HOSTILE, LAB, EquipmentSummary(id=4106, name=HOSTILE, availability_status=HOSTILE)
)
TODAY = [booking(at(25, 9), at(25, 10), equipment=HOSTILE, requester=Person(id=1, name=HOSTILE))]


def ctx(intent: object, audience: str = "channel") -> RenderContext:
    return RenderContext(intent=intent, audience=audience, now=NOW)  # type: ignore[arg-type]


def days(when: When) -> tuple[list[tuple[dt.date, list]], object]:
    window = resolve(when, LONDON, NOW)
    return by_local_day(in_window(TODAY, window), window), window


def replies() -> list[tuple[str, Reply]]:
    bookings, window = days(When())
    day = NOW.date()
    digest = ChannelDigest(
        day, LONDON, 104, HOSTILE, (InstrumentDay(4105, HOSTILE, HOSTILE, tuple(TODAY)),)
    )
    return [
        ("bookings", bookings_reply(bookings, window, LONDON, ctx(Bookings(When())))),  # type: ignore[arg-type]
        ("schedule", schedule_reply(ENTRY, bookings, window, LONDON, ctx(Schedule("x", When())))),  # type: ignore[arg-type]
        ("free", free_reply(ENTRY, Availability(window), LONDON, ctx(Free("x", When())))),  # type: ignore[arg-type]
        ("equipment", equipment_list_reply([(LAB, [ENTRY])], ctx(None), query=HOSTILE)),
        ("details", equipment_details_reply(ENTRY, None, ctx(EquipmentSearch("4105")))),
        ("me", me_reply(User(id=1, first_name=HOSTILE), [LAB], ctx(None, "private"))),
        ("choose", choose_reply(HOSTILE, [Candidate(1, HOSTILE, HOSTILE, None)] * 2, ctx(None))),
        ("not found", not_found_reply(HOSTILE, [Candidate(1, HOSTILE, None, None)], ctx(None))),
        ("help", help_reply(ctx(None, "private"), unknown=HOSTILE, suggestion=HOSTILE)),
        ("connected", connected_message(HOSTILE)),
        ("channel digest", channel_digest_message(digest, owner_user_id="U0ZOE")),
        ("personal digest", personal_digest_message(PersonalDigest(day, LONDON, tuple(TODAY)))),
        ("lab not found", lab_not_found_reply(HOSTILE, [Candidate(1, HOSTILE, None, LAB)])),
        *noted(window),
        *newer(window),
    ]


def noted(window: object) -> list[tuple[str, Reply]]:
    """Answers that say an instrument is out of service, what could not be read, a scope
    Clustermarket withheld, a booking in full."""
    empty = [(NOW.date(), [])]
    full = BookingDetails(
        id=1,
        status=HOSTILE,
        start_time=at(25, 9),
        end_time=at(25, 10),
        equipment=TODAY[0].equipment,
    )
    schedule = ctx(Schedule("x", When()))
    listed = bookings_reply(empty, window, LONDON, ctx(Bookings(When())))  # type: ignore[arg-type]
    return [
        (
            "out of service",
            free_reply(
                BROKEN, Availability(window, out_of_service=HOSTILE), LONDON, ctx(Free("x", When()))
            ),
        ),  # type: ignore[arg-type]
        ("schedule out of service", schedule_reply(BROKEN, empty, window, LONDON, schedule)),  # type: ignore[arg-type]
        ("schedule unread", schedule_reply(ENTRY, empty, window, LONDON, schedule, unread=2)),  # type: ignore[arg-type]
        ("gaps", note_gaps(listed, Gaps(unread=2, of=HOSTILE))),
        ("missing scope", missing_scope_reply(HOSTILE, app_asks=False, token_has=False)),
        ("booking in full", booking_details_reply(full, LONDON, ctx(None, "private"))),
    ]


def newer(window: object) -> list[tuple[str, Reply]]:
    """The answers to questions asked in words beyond the slash commands."""
    rows = [InstrumentFree(ENTRY, Availability(window)), InstrumentFree(BROKEN, None)]  # type: ignore[arg-type]
    slot = Slot(at(25, 14), at(25, 15))
    facts = NextFreeFacts(window, NOW, at(25, 23), 60, slot=slot)  # type: ignore[arg-type]
    closed = NextFreeFacts(window, NOW, at(25, 23), 60, out_of_service=HOSTILE)  # type: ignore[arg-type]
    hours = BookedTime(window, 120, 2, by_instrument=(InstrumentHours(HOSTILE, 120, 2),))  # type: ignore[arg-type]
    options = (Option(HOSTILE, Free("x", When())), Option("12 Apr", Free("x", When())))
    shared = ctx(WhatIsFree(When()), "channel")
    asked = ctx(NextFree("x", When()))
    mine = ctx(MyNextBooking(), "private")
    return [
        ("what is free", what_is_free_reply(rows, window, LONDON, shared, scope=HOSTILE)),  # type: ignore[arg-type]
        ("next free", next_free_reply(ENTRY, facts, LONDON, asked)),
        ("next free out of service", next_free_reply(BROKEN, closed, LONDON, asked)),
        ("room", room_reply(ENTRY, HOSTILE, ctx(EquipmentFact("x", "room")))),
        ("groups of", groups_of_reply(ENTRY, [], ctx(EquipmentFact("x", "group")))),
        ("my next booking", my_next_booking_reply(TODAY[0], LONDON, mine, now=NOW)),
        ("booked hours", booked_hours_reply(ENTRY, hours, LONDON, ctx(BookedHours("x", When())))),
        ("options", options_reply(f"Which {HOSTILE}?", options, ctx(None, "private"))),
    ]  # fmt: skip


@pytest.mark.parametrize(("name", "reply"), replies(), ids=[name for name, _ in replies()])
def test_fallback_text_escapes_names_from_clustermarket_and_users(name: str, reply: Reply) -> None:
    assert "<" not in reply.text and ">" not in reply.text, reply.text
    assert re.fullmatch(r"(?:[^&]|&(?:amp|lt|gt);)*", reply.text), reply.text  # & only in entities
    assert "&lt;!channel&gt;" in reply.text, reply.text  # the name is there, shown as written
    assert "&amp;lt;" not in reply.text and "&amp;amp;" not in reply.text  # once, not twice
