"""One vocabulary for availability: every answer that speaks of it takes its phrase from
`bot.render.availability`, so one instrument never reads "Available" in one answer and
"Busy now" in the next. Each answer below is rendered for the same two instruments, one in
service and one under maintenance."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

from render_samples import GENOMICS, LONDON, NANODROP, NOW, at, booking, check

from bot.clustermarket.models import Equipment, EquipmentSummary
from bot.digest.compose import ChannelDigest, InstrumentDay, PersonalDigest
from bot.questions.intents import NOW as NOW_WORDS
from bot.questions.intents import Free, GroupDetail, WhatIsFree, WhoIsOn
from bot.questions.when import resolve
from bot.render import (
    Availability,
    GroupEntry,
    NowState,
    RenderContext,
    equipment_details_reply,
    free_reply,
    group_reply,
    home_view,
)
from bot.render.anywhere import what_is_free_reply
from bot.render.availability import (
    PHRASES,
    out_of_service_badge,
    service_badge,
    service_standing,
)
from bot.render.digest import channel_digest_message, personal_digest_message
from bot.render.views import InstrumentFree

BROKEN = replace(
    NANODROP,
    id=4121,
    name="Optima XPN-100",
    summary=EquipmentSummary(
        id=4121, name="Optima XPN-100", availability_status="Under Maintenance"
    ),
)
IN_SERVICE = PHRASES["in_service"].badge()
MAINTENANCE = "🛠 Under Maintenance"
OLD_WORDS = ("🟢 Available", "Available\n", "✅ *Free now*", "⛔ *Busy now*")


def ctx(intent: object) -> RenderContext:
    return RenderContext(intent=intent, now=NOW)  # type: ignore[arg-type]


def said(reply: object) -> str:
    return check(reply)  # type: ignore[arg-type]


def no_other_words(text: str) -> None:
    for old in OLD_WORDS:
        assert old not in text, old


def test_the_table_has_a_row_for_each_standing() -> None:
    assert service_standing("Available") == "in_service"
    assert service_standing("active") == "in_service"
    assert service_standing("Under Maintenance") == "maintenance"
    assert service_standing("out_of_order") == "unavailable"
    assert service_standing("Retired") == "unavailable"
    assert service_standing(None) is None and service_standing(" ") is None
    assert service_badge("Available") == "☑️ In service"
    assert service_badge("Under Maintenance") == MAINTENANCE
    assert service_badge("out_of_order") == "⛔ Out of order"
    assert service_badge("<!channel> broken") == "⛔ &lt;!channel&gt; broken"  # escaped
    assert out_of_service_badge("Available") is None
    assert out_of_service_badge(None) is None
    assert out_of_service_badge("Retired") == "⛔ Retired"
    emojis = {phrase.emoji for key, phrase in PHRASES.items() if key in ("free", "busy")}
    assert len(emojis) == 2 and PHRASES["in_service"].emoji not in emojis


def test_the_equipment_card_says_its_service() -> None:
    for entry, phrase in ((NANODROP, IN_SERVICE), (BROKEN, MAINTENANCE)):
        text = said(equipment_details_reply(entry, Equipment(), ctx(None)))
        assert f"*Availability*\\n{phrase}" in text
        no_other_words(text)


def test_the_group_list_says_each_ones_service() -> None:
    group = GroupEntry(201, "Sequencing", GENOMICS)
    text = said(group_reply(group, [NANODROP, BROKEN], ctx(GroupDetail("201"))))
    assert IN_SERVICE in text and MAINTENANCE in text
    no_other_words(text)


def test_free_and_who_is_on_say_the_moment_from_the_table() -> None:
    window = resolve(NOW_WORDS, LONDON, NOW)
    free_now = Availability(window, NowState(NOW, None, free_until=at(25, 15)))
    busy_now = Availability(
        window, NowState(NOW, booking(at(25, 13), at(25, 14)), free_from=at(25, 14))
    )
    broken = Availability(window, out_of_service="Under Maintenance")
    free = PHRASES["free"]
    busy = PHRASES["busy"]
    for intent in (Free("nanodrop", NOW_WORDS), WhoIsOn("nanodrop")):
        assert f"{free.emoji} *{free.words}*" in said(
            free_reply(NANODROP, free_now, LONDON, ctx(intent))
        )
        text = said(free_reply(NANODROP, busy_now, LONDON, ctx(intent)))
        assert f"{busy.emoji} *{busy.words}*" in text
        no_other_words(text)
        assert MAINTENANCE in said(free_reply(BROKEN, broken, LONDON, ctx(intent)))


def test_what_is_free_uses_the_same_rows() -> None:
    window = resolve(NOW_WORDS, LONDON, NOW)
    rows = [
        InstrumentFree(NANODROP, Availability(window, NowState(NOW, None))),
        InstrumentFree(BROKEN, Availability(window, out_of_service="Under Maintenance")),
    ]
    text = said(what_is_free_reply(rows, window, LONDON, ctx(WhatIsFree(NOW_WORDS))))
    assert f"{PHRASES['free'].emoji} *{PHRASES['free'].words}*" in text
    assert MAINTENANCE in text
    no_other_words(text)


def test_digests_flag_the_instrument_out_of_service_with_its_row() -> None:
    day = dt.date(2026, 3, 25)
    mine = booking(at(25, 9), at(25, 10))
    personal = PersonalDigest(day, LONDON, (mine,), out_of_service={4105: "Under Maintenance"})
    assert MAINTENANCE in said(personal_digest_message(personal))
    calm = PersonalDigest(day, LONDON, (mine,))
    assert IN_SERVICE not in said(personal_digest_message(calm))  # only the exceptions
    lab = ChannelDigest(
        day,
        LONDON,
        104,
        "Genomics",
        (
            InstrumentDay(4105, "NanoDrop One", "G.12", (mine,)),
            InstrumentDay(4121, "Optima XPN-100", "B2.07", (), out_of_service="Under Maintenance"),
        ),
    )
    text = said(channel_digest_message(lab, owner_user_id="U1"))
    assert MAINTENANCE in text
    no_other_words(text)


def test_home_flags_a_booking_on_an_instrument_out_of_service_with_its_row() -> None:
    upcoming = [booking(at(25, 14), at(25, 15))]
    arguments = {
        "linked_as": "Zoë",
        "broken": False,
        "connect_url": None,
        "next_bookings": upcoming,
        "tz_name": "Europe/London",
        "now": NOW,
        "digest": None,
    }
    flagged = json.dumps(home_view(**arguments, out_of_service={4105: "Under Maintenance"}))
    assert json.dumps(MAINTENANCE)[1:-1] in flagged
    calm = json.dumps(home_view(**arguments), ensure_ascii=False)
    assert "Under Maintenance" not in calm and "Available" not in calm
