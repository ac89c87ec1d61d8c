"""The newer answers rendered: what is free across many instruments, next free, who is on,
my next booking, hours booked, one fact, and questions back as buttons. Each within Slack's
limits, names escaped, and never "free" where the facts do not allow it."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from render_samples import (
    GENOMICS,
    LONDON,
    NANODROP,
    NOW,
    STRUCTURAL,
    at,
    booking,
    buttons,
    check,
)

from bot.questions.codec import decode_intent
from bot.questions.days import Slot
from bot.questions.intents import (
    NOW as NOW_WORDS,
)
from bot.questions.intents import (
    BookedHours,
    EquipmentFact,
    Free,
    GroupDetail,
    MyHours,
    MyNextBooking,
    NextFree,
    Option,
    Schedule,
    WhatIsFree,
)
from bot.questions.when import When, resolve
from bot.render import Availability, EquipmentEntry, GroupEntry, NowState, RenderContext
from bot.render.anywhere import standing, what_is_free_reply, window_over_reply
from bot.render.bookings import free_all, when_phrase
from bot.render.choices import options_reply
from bot.render.facts import contact_reply, groups_of_reply, room_reply
from bot.render.hours import booked_hours_reply, hours_words, my_hours_reply
from bot.render.timing import my_next_booking_reply, next_free_reply
from bot.render.views import BookedTime, InstrumentFree, InstrumentHours, NextFreeFacts

AFTERNOON = When(part="afternoon")
NASTY = "<!channel> & <b>"


def ctx(intent: object, audience: str = "private", offer_share: bool = True) -> RenderContext:
    return RenderContext(intent=intent, now=NOW, audience=audience, offer_share=offer_share)  # type: ignore[arg-type]


def entry(index: int, name: str | None = None, lab: object = GENOMICS) -> EquipmentEntry:
    return replace(NANODROP, id=5000 + index, name=name or f"Instrument {index:03}", lab=lab)  # type: ignore[arg-type]


# --- what is free -------------------------------------------------------------------------


def test_each_instrument_reads_as_one_row_for_now() -> None:
    window = resolve(NOW_WORDS, LONDON, NOW)
    busy = booking(at(25, 13), at(25, 14))
    cases = {
        "free": Availability(window, NowState(NOW, None, free_until=at(25, 15))),
        "busy": Availability(window, NowState(NOW, busy, free_from=at(25, 14))),
        "free_unsure": Availability(window, NowState(NOW, None), unsure_now=1),
        "unavailable": Availability(window, out_of_service="Retired"),
    }
    for expected, facts in cases.items():
        assert standing(InstrumentFree(NANODROP, facts), NOW_WORDS) == expected
    assert standing(InstrumentFree(NANODROP, None), NOW_WORDS) == "unread"


def test_each_instrument_reads_as_one_row_for_a_window() -> None:
    window = resolve(AFTERNOON, LONDON, NOW)
    slot = Slot(at(25, 16), at(25, 17))
    cases = {
        "free_window": Availability(window),
        "partly_free": Availability(window, slots=(slot,), booked=2),
        "fully_booked": Availability(window, booked=3),
        "free_unsure": Availability(window, slots=(slot,), booked=1, unsure=1),
    }
    for expected, facts in cases.items():
        assert standing(InstrumentFree(NANODROP, facts), AFTERNOON) == expected
    # busy with an unread booking is still busy: nothing is promised
    assert standing(
        InstrumentFree(NANODROP, Availability(window, booked=3, unsure=1)), AFTERNOON
    ) == ("fully_booked")


def test_what_is_free_lists_the_free_first_and_says_how_many() -> None:
    window = resolve(AFTERNOON, LONDON, NOW)
    rows = [
        InstrumentFree(
            entry(1, "Busy One"),
            Availability(window, booked=4, next_free=Slot(at(26, 9), at(26, 10))),
        ),
        InstrumentFree(entry(2, "Free One"), Availability(window)),
        InstrumentFree(
            entry(3, "Partly"),
            Availability(window, slots=(Slot(at(25, 16), at(25, 17)),), booked=1),
        ),
        InstrumentFree(entry(4, "Unread"), None),
    ]
    reply = what_is_free_reply(rows, window, LONDON, ctx(WhatIsFree(AFTERNOON)))
    text = check(reply)
    assert (
        text.index("Free One")
        < text.index("Partly")
        < text.index("Busy One")
        < text.index("Unread")
    )
    assert "1 of 4 instruments free this afternoon." in text
    assert "Free all afternoon" in text and "16:00–17:00" in text
    assert "next free Thu 26 Mar 09:00" in text
    assert reply.text.startswith("1 of 4 instruments free this afternoon. Free One")


def test_the_same_name_in_two_labs_says_which_lab() -> None:
    window = resolve(NOW_WORDS, LONDON, NOW)
    facts = Availability(window, NowState(NOW, None))
    rows = [
        InstrumentFree(entry(1, "Eppendorf", GENOMICS), facts),
        InstrumentFree(entry(2, "Eppendorf", STRUCTURAL), facts),
        InstrumentFree(entry(3, "Qubit", STRUCTURAL), facts),
    ]
    text = check(what_is_free_reply(rows, window, LONDON, ctx(WhatIsFree(NOW_WORDS))))
    assert "Eppendorf* · Genomics Core Facility" in text
    assert "Eppendorf* · Structural Biology Lab" in text
    assert "Qubit* ·" not in text


def test_hundreds_of_instruments_fit_one_message_and_names_are_escaped() -> None:
    window = resolve(NOW_WORDS, LONDON, NOW)
    busy = booking(at(25, 13), at(25, 14))
    rows = [
        InstrumentFree(
            entry(index, f"{NASTY} {index:03} " + "x" * 60),
            Availability(window, NowState(NOW, busy if index % 2 else None)),
        )
        for index in range(400)
    ]
    for audience in ("private", "channel"):
        reply = what_is_free_reply(rows, window, LONDON, ctx(WhatIsFree(NOW_WORDS), audience))
        text = check(reply)
        assert "…and" in text and "more" in text
        assert "<!channel>" not in text and "&lt;!channel&gt;" in text
        assert "200 of 400 instruments free right now." in text


def test_nothing_to_check_and_a_window_already_over() -> None:
    window = resolve(NOW_WORDS, LONDON, NOW)
    text = check(
        what_is_free_reply(
            [], window, LONDON, ctx(WhatIsFree(NOW_WORDS, group="x")), scope="Imaging"
        )
    )
    assert "There is no equipment in Imaging that you can see." in text
    morning = resolve(When(part="morning"), LONDON, NOW)
    over = check(window_over_reply(morning, ctx(WhatIsFree(When(part="morning")))))
    assert "is over" in over and "cm_share" not in over


# --- next free, my next booking -----------------------------------------------------------


def facts(slot: Slot | None, **changes: object) -> NextFreeFacts:
    window = resolve(NOW_WORDS, LONDON, NOW)
    base = NextFreeFacts(window, NOW, NOW + dt.timedelta(days=30), 30, slot)
    return replace(base, **changes)  # type: ignore[arg-type]


def test_next_free_now_later_never_and_unsure() -> None:
    asked = ctx(NextFree("nanodrop"))
    now = check(next_free_reply(NANODROP, facts(Slot(NOW, at(25, 15))), LONDON, asked))
    assert "🟢 *Free now* — for 1 h 55 min, until 15:00." in now
    later = check(next_free_reply(NANODROP, facts(Slot(at(26, 9), at(26, 11))), LONDON, asked))
    assert "*Next free Thu 26 Mar 09:00* — for 2 h, until 11:00." in later
    value = next(
        b["value"]
        for b in buttons(
            next_free_reply(NANODROP, facts(Slot(at(26, 9), at(26, 11))), LONDON, asked)
        )
        if b["text"]["text"] == "Full schedule"
    )
    assert decode_intent(value)[0] == Schedule(
        str(NANODROP.id), When(day="date", date=dt.date(2026, 3, 26))
    )

    open_ended = check(
        next_free_reply(
            NANODROP, facts(Slot(at(26, 9), NOW + dt.timedelta(days=30))), LONDON, asked
        )
    )
    assert "nothing else is booked in the next 30 days" in open_ended
    never = check(
        next_free_reply(
            NANODROP, facts(None), LONDON, ctx(NextFree("x", minutes=120)), asked_minutes=120
        )
    )
    assert "No free slot of at least 2 h on NanoDrop One in the next 30 days." in never
    unsure = check(next_free_reply(NANODROP, facts(Slot(NOW, at(25, 15)), unsure=2), LONDON, asked))
    assert "❓" in unsure and "As far as I can read: 2 bookings" in unsure and "🟢" not in unsure
    broken = check(
        next_free_reply(NANODROP, facts(None, out_of_service="Out of order"), LONDON, asked)
    )
    assert "⛔ Out of order" in broken and "isn't free" in broken


def test_my_next_booking_under_way_soon_later_and_none() -> None:
    asked = ctx(MyNextBooking())
    under_way = check(
        my_next_booking_reply(booking(at(25, 12), at(25, 14)), LONDON, asked, now=NOW)
    )
    assert "Under way now, until 14:00." in under_way and "cm_booking" in under_way
    soon = check(my_next_booking_reply(booking(at(25, 15), at(25, 16)), LONDON, asked, now=NOW))
    assert "Starts in 1 h 55 min, at 15:00." in soon
    later = check(my_next_booking_reply(booking(at(28, 9), at(28, 10)), LONDON, asked, now=NOW))
    assert "Starts Sat 28 Mar 09:00." in later
    none = check(my_next_booking_reply(None, LONDON, asked, now=NOW))
    assert "You have nothing booked ahead." in none and "This week's bookings" in none


# --- hours --------------------------------------------------------------------------------


def test_hours_booked_on_an_instrument_and_by_me() -> None:
    day = resolve(When(), LONDON, NOW)
    held = BookedTime(day, minutes=9 * 60 + 30, bookings=19, maintenance=120, unread=1)
    text = check(booked_hours_reply(NANODROP, held, LONDON, ctx(BookedHours("nanodrop", When()))))
    assert "*at least 9 h 30 min*" in text and "19 bookings (40% of the time)" in text
    assert "🛠 2 h of it is maintenance" in text and "1 booking could not be read" in text
    week = resolve(When(day="this_week"), LONDON, NOW, whole=True)
    mine = BookedTime(
        week,
        minutes=50 * 60,
        bookings=14,
        ahead=600,
        by_instrument=tuple(InstrumentHours(f"{NASTY} {i}", 100, 1) for i in range(14)),
    )
    text = check(my_hours_reply(mine, LONDON, ctx(MyHours(When(day="this_week")))))
    assert "You booked 50 h this week, in 14 bookings; 10 h of it is still ahead." in text
    assert "…and 4 more instruments" in text and "<!channel>" not in text
    nothing = check(my_hours_reply(BookedTime(week), LONDON, ctx(MyHours(When(day="this_week")))))
    assert "You have nothing booked this week." in nothing
    assert [hours_words(m) for m in (45, 180, 750, 7200)] == [
        "45 min",
        "3 h",
        "12 h 30 min",
        "120 h",
    ]


# --- facts and questions back -------------------------------------------------------------


def test_facts_say_the_fact_or_where_to_look() -> None:
    asked = ctx(EquipmentFact("nanodrop", "room"))
    assert "*G.12 QC Lab* (Genomics Core Facility)" in check(
        room_reply(NANODROP, "G.12 QC Lab", asked)
    )
    unknown = room_reply(NANODROP, None, asked)
    assert "doesn't say where" in check(unknown) and not unknown.shareable
    assert "*José Núñez* looks after" in check(contact_reply(NANODROP, "José Núñez", asked))
    assert "names no contact person" in check(contact_reply(NANODROP, " ", asked))
    groups = [GroupEntry(201, "Sequencing", GENOMICS), GroupEntry(202, NASTY, GENOMICS)]
    reply = groups_of_reply(NANODROP, groups, ctx(EquipmentFact("nanodrop", "group")))
    text = check(reply)
    assert "is in 2 groups" in text and "&lt;!channel&gt;" in text
    values = [decode_intent(b["value"])[0] for b in buttons(reply) if b["action_id"] != "cm_share"]
    assert values == [GroupDetail("201"), GroupDetail("202")]
    assert "as far as I could read" in check(groups_of_reply(NANODROP, [], ctx(None), unread=1))


def test_questions_back_are_buttons_that_ask_each_reading() -> None:
    options = (
        Option("4 Dec", Free("nanodrop", When(day="month_day", month=12, day_of_month=4))),
        Option("12 Apr", Free("nanodrop", When(day="month_day", month=4, day_of_month=12))),
    )
    reply = options_reply("By 4/12, do you mean 4 December or 12 April?", options, ctx(None))
    text = check(reply)
    pressed = [decode_intent(b["value"])[0] for b in buttons(reply)]
    assert pressed == [option.intent for option in options]
    assert not reply.shareable and "cm_share" not in text
    assert reply.text == "By 4/12, do you mean 4 December or 12 April? “4 Dec” or “12 Apr”"
    channel = check(options_reply("Which?", options, ctx(None, "channel")))
    assert "•  4 Dec" in channel and "cm_choose" not in channel


def test_no_share_button_where_there_is_no_channel() -> None:
    window = resolve(NOW_WORDS, LONDON, NOW)
    rows = [InstrumentFree(NANODROP, Availability(window, NowState(NOW, None)))]
    shared = check(what_is_free_reply(rows, window, LONDON, ctx(WhatIsFree(NOW_WORDS))))
    assert "cm_share" in shared
    in_dm = check(
        what_is_free_reply(rows, window, LONDON, ctx(WhatIsFree(NOW_WORDS), offer_share=False))
    )
    assert "cm_share" not in in_dm


# --- phrases for the newer day kinds ------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "phrase", "all_of_it"),
    [
        (When(day="month_day", month=12, day_of_month=4), "on 4 Dec", "all day"),
        (When(day="month_day", day_of_month=4), "on the 4th", "all day"),
        (When(day="weekday", weekday=4), "on Friday", "all day"),
        (When(day="weekday", weekday=4, part="afternoon"), "on Friday afternoon", "all afternoon"),
        (When(day="next_weekday", weekday=4), "next Friday", "all day"),
        (When(day="this_weekend"), "this weekend", "all weekend"),
        (When(day="next_weekend"), "next weekend", "all weekend"),
        (When(day="this_month"), "this month", "all month"),
        (When(day="last_week"), "last week", "all week"),
        (When(day="later", minutes=120), "in 2 hours", "then"),
        (When(day="in_days", days=3), "in 3 days", "all day"),
        (When(day="tomorrow", at=dt.time(15)), "tomorrow at 15:00", "then"),
        (When(part="night"), "tonight", "all night"),
        (NOW_WORDS, "right now", "right now"),
    ],
)
def test_phrases_for_every_day_kind(when: When, phrase: str, all_of_it: str) -> None:
    window = resolve(when, LONDON, NOW)
    assert when_phrase(when, window) == phrase
    assert free_all(when) == all_of_it
