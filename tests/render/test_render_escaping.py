"""Names from Clustermarket or a user never become a mention, a link or markup in a post's
fallback text: `<!channel>`, `<@U…>` and `&<>` arrive escaped, in public posts above all.

`render_samples.check` holds every renderer test's reply text to that; here each renderer
gets names made of exactly those characters.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from render_samples import LONDON, NOW, at, booking

from bot.clustermarket.models import EquipmentSummary, Person, User
from bot.digest.compose import ChannelDigest, InstrumentDay, PersonalDigest
from bot.questions.commands import Bookings, EquipmentSearch, Free, Schedule
from bot.questions.days import by_local_day, in_window
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
from bot.render.digest import (
    channel_digest_message,
    lab_not_found_reply,
    personal_digest_message,
)

HOSTILE = "<!channel> <@U0ZOE> & <b>"
LAB = LabInfo(104, HOSTILE, "Europe/London")
ENTRY = EquipmentEntry(4105, HOSTILE, LAB, EquipmentSummary(id=4105, name=HOSTILE, room=HOSTILE))
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
    ]


@pytest.mark.parametrize(("name", "reply"), replies(), ids=[name for name, _ in replies()])
def test_fallback_text_escapes_names_from_clustermarket_and_users(name: str, reply: Reply) -> None:
    assert "<" not in reply.text and ">" not in reply.text, reply.text
    assert re.fullmatch(r"(?:[^&]|&(?:amp|lt|gt);)*", reply.text), reply.text  # & only in entities
    assert "&lt;!channel&gt;" in reply.text, reply.text  # the name is there, shown as written
    assert "&amp;lt;" not in reply.text  # escaped once, not twice
