"""The newer kinds of question answered against the sandbox Clustermarket over loopback, at a
fixed day and clock: each answer checked against what the seeded world holds, and each way
it can fail provoked (out of service, unread bookings, Clustermarket down, a window over).

One sandbox, store and client serve the module; the messy dialect, whose unreadable
records must never be called free, has a sandbox of its own.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
from cryptography.fernet import Fernet

from bot.answers import Answerer, Asker, Reply
from bot.answers.asking import AT_ONCE
from bot.clustermarket.client import ClustermarketClient, make_http_client
from bot.clustermarket.oauth import OAuthClient
from bot.clustermarket.tokens import TokenSet, UserKey
from bot.fake_slack.blocks import block_errors
from bot.questions.codec import decode_intent
from bot.questions.intents import (
    NOW,
    BookedHours,
    Clarify,
    EquipmentFact,
    Free,
    MyHours,
    MyNextBooking,
    NextFree,
    Option,
    Unknown,
    WhatIsFree,
    WhoIsOn,
)
from bot.questions.when import When, local_midnight
from bot.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox
from bot.sandbox.seed import ACTIVE_STATUSES
from bot.store import Store

pytestmark = pytest.mark.asyncio(loop_scope="module")

TODAY = dt.date(2026, 3, 25)  # a Wednesday
LONDON = ZoneInfo("Europe/London")
CLOCK = dt.datetime(2026, 3, 25, 13, 5, tzinfo=LONDON)
ZOE = UserKey("T1", "U0ZOE")
MARGARET = UserKey("T1", "U0MARGARET")
NANODROP = 4105
REDIRECT_URI = "http://localhost:3000/clustermarket/oauth/callback"


def token_set(grant: dict[str, object]) -> TokenSet:
    return TokenSet(
        str(grant["access_token"]), str(grant["refresh_token"]), None, str(grant.get("scope", ""))
    )


@dataclass
class Bench:
    sandbox: Sandbox
    client: ClustermarketClient
    store: Store
    answerer: Answerer

    async def ask(
        self, intent: Any, key: UserKey = ZOE, clock: dt.datetime = CLOCK, **fields: Any
    ) -> Reply:
        return await self.answerer.answer(intent, Asker(key=key, tz=LONDON, now=clock, **fields))


async def bench(sandbox: Sandbox, folder: Path) -> AsyncIterator[Bench]:
    async with sandbox, make_http_client() as http:
        oauth = OAuthClient(
            sandbox.oauth_url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, REDIRECT_URI, http
        )
        store = await Store.open(folder / "cm.db", [Fernet.generate_key().decode()])
        try:
            for key, user_id in ((ZOE, 15001), (MARGARET, 15002)):
                tokens = token_set(sandbox.grant_tokens(user_id))
                await store.save_link(key, cm_user_id=user_id, cm_user_name="x", tokens=tokens)
            async with ClustermarketClient(
                sandbox.api_url,
                "/me",
                oauth,
                store,
                http=http,
                backoff_base=0.001,
                backoff_cap=0.01,
            ) as client:
                yield Bench(sandbox, client, store, Answerer(client, store))
        finally:
            await store.aclose()


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Bench]:
    async for running in bench(Sandbox(today=TODAY), tmp_path_factory.mktemp("newer")):
        yield running


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def messy(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Bench]:
    sandbox = Sandbox(today=TODAY, dialect="messy")
    async for running in bench(sandbox, tmp_path_factory.mktemp("messy")):
        yield running


def check(reply: Reply) -> str:
    assert reply.text.strip()
    assert block_errors(reply.blocks, most=50) == []
    dumped = json.dumps(reply.blocks, ensure_ascii=False) + reply.text
    assert "None" not in dumped and "Something went wrong" not in dumped
    return dumped


def sections(reply: Reply) -> list[str]:
    return [b["text"]["text"] for b in reply.blocks if b["type"] == "section" and "text" in b]


def section_with(reply: Reply, title: str) -> str:
    return next((text for text in sections(reply) if title in text.split("\n")[0]), "")


def active(world: Bench, equipment_id: int) -> list[Any]:
    return [
        booking
        for booking in world.sandbox.data.bookings_of_equipment(equipment_id)
        if booking.status in ACTIVE_STATUSES
    ]


def busy_at(world: Bench, equipment_id: int, moment: dt.datetime) -> bool:
    return any(b.start <= moment < b.end for b in active(world, equipment_id))


# --- what is free ---------------------------------------------------------------------------


async def test_what_is_free_now_puts_each_instrument_where_its_bookings_say(world: Bench) -> None:
    await world.answerer.words(ZOE)  # the catalogue, read once before
    world.sandbox.stats.reset()
    reply = await world.ask(WhatIsFree(NOW))
    text = check(reply)
    labs = world.sandbox.data.lab_ids_of(15001)
    mine = [e for e in world.sandbox.data.equipment.values() if e.lab_id in labs]
    free = [
        e for e in mine if e.availability_status == "Available" and not busy_at(world, e.id, CLOCK)
    ]
    assert f"{len(free)} of {len(mine)} instruments free right now." in text
    assert "Beckman Coulter Optima XPN-100" in section_with(reply, "Not available")
    nanodrop_busy = busy_at(world, NANODROP, CLOCK)
    assert "NanoDrop One" in section_with(reply, "Busy now" if nanodrop_busy else "Free now")
    assert "cm_share" in text
    assert len(mine) > AT_ONCE >= world.sandbox.stats.peak_in_flight  # a bounded few at once


async def test_what_is_free_in_a_group_or_a_lab_this_afternoon(world: Bench) -> None:
    afternoon = When(part="afternoon")
    group = check(await world.ask(WhatIsFree(afternoon, group="sequencing")))
    assert "What's free in Sequencing this afternoon" in group
    assert "Today 12:00–18:00" in group and "of 3 instruments" in group
    lab = check(await world.ask(WhatIsFree(afternoon, lab="structural biology")))
    assert "What's free in Structural Biology Lab this afternoon" in lab
    assert "of 4 instruments" in lab and "Genomics" not in lab


async def test_a_group_that_reads_two_ways_is_asked_about_with_buttons(world: Bench) -> None:
    reply = await world.ask(WhatIsFree(NOW, group="sample"))
    text = check(reply)
    assert "Which one did you mean?" in text
    asked = [decode_intent(b["value"])[0] for b in _buttons(reply)]
    assert asked and all(isinstance(i, WhatIsFree) and i.group and i.group.isdigit() for i in asked)
    nowhere = check(await world.ask(WhatIsFree(NOW, lab="atlantis")))
    assert "I couldn't find any lab called *atlantis*" in nowhere


async def test_a_window_already_over_reads_no_bookings(world: Bench) -> None:
    before = _equipment_booking_reads(world)
    text = check(await world.ask(WhatIsFree(When(part="morning"))))
    assert "Today 06:00–12:00 is over" in text
    assert _equipment_booking_reads(world) == before


async def test_clustermarket_down_is_said_once(world: Bench) -> None:
    answerer = Answerer(world.client, world.store)  # nothing cached
    world.client.forget(ZOE)
    world.sandbox.knobs.error_rate = 1.0
    try:
        reply = await answerer.answer(WhatIsFree(NOW), Asker(ZOE, LONDON, CLOCK))
    finally:
        world.sandbox.knobs.error_rate = 0.0
    assert reply.failure and "Clustermarket isn't answering" in check(reply)


# --- one instrument -------------------------------------------------------------------------


async def test_next_free_for_a_length_starts_where_nothing_is_booked(world: Bench) -> None:
    reply = await world.ask(NextFree("nanodrop", minutes=120))
    text = check(reply)
    found = re.search(r"Next free (?:\w{3} \d+ \w{3} )?(\d\d:\d\d)\* — for (\d+) h", text)
    assert found is not None, text
    start = _next_time(CLOCK, found.group(1))
    assert int(found.group(2)) >= 2
    end = start + dt.timedelta(hours=2)
    assert not any(b.start < end and b.end > start for b in active(world, NANODROP))


async def test_next_free_from_tomorrow_and_out_of_service(world: Bench) -> None:
    tomorrow = check(await world.ask(NextFree("qubit", When(day="tomorrow"))))
    assert "Tomorrow, Thu 26 Mar" in tomorrow
    assert "Free now" not in tomorrow
    broken = check(await world.ask(NextFree("optima")))
    assert "🛠 Under Maintenance" in broken and "isn't free" in broken
    assert "Next free" not in broken


async def test_who_is_on_says_who_holds_it_now(world: Bench) -> None:
    holder = next((b for b in active(world, NANODROP) if b.start <= CLOCK < b.end), None)
    text = check(await world.ask(WhoIsOn("nanodrop")))
    assert "Who's on NanoDrop One?" in text
    if holder is None:
        assert "Free now" in text
    else:
        name = world.sandbox.data.person(holder.requester_id).name  # type: ignore[union-attr]
        assert "Busy now" in text and name in text


async def test_hours_booked_on_an_instrument_today(world: Bench) -> None:
    start, end = local_midnight(TODAY, LONDON), local_midnight(TODAY + dt.timedelta(days=1), LONDON)
    held: set[dt.datetime] = set()
    for booking in active(world, NANODROP):
        moment = max(booking.start, start)
        while moment < min(booking.end, end):
            held.add(moment)
            moment += dt.timedelta(minutes=15)
    hours, minutes = divmod(len(held) * 15, 60)
    said = f"{hours} h" + (f" {minutes} min" if minutes else "")
    text = check(await world.ask(BookedHours("nanodrop", When())))
    assert f"is booked *{said}* today" in text


async def test_facts_room_contact_and_group(world: Bench) -> None:
    assert "is in *G.12 QC Lab*" in check(await world.ask(EquipmentFact("nanodrop", "room")))
    assert "*José Núñez* looks after" in check(
        await world.ask(EquipmentFact("nanodrop", "contact"))
    )
    reply = await world.ask(EquipmentFact("novaseq", "group"))
    assert "is in the *Sequencing* group" in check(reply)
    assert any(b["text"]["text"] == "Sequencing" for b in _buttons(reply))


# --- the user's own -------------------------------------------------------------------------


async def test_my_next_booking_and_my_hours_this_whole_week(world: Bench) -> None:
    own = [
        b
        for b in world.sandbox.data.bookings.values()
        if b.requester_id == 15001 and b.status in ACTIVE_STATUSES
    ]
    soonest = min((b for b in own if b.end > CLOCK), key=lambda b: (b.start, b.id))
    text = check(await world.ask(MyNextBooking()))
    assert soonest.start.astimezone(LONDON).strftime("%H:%M") in text
    monday = local_midnight(dt.date(2026, 3, 23), LONDON)
    sunday_night = monday + dt.timedelta(days=7)
    minutes = sum(
        (min(b.end, sunday_night) - max(b.start, monday)).total_seconds() // 60
        for b in own
        if b.start < sunday_night and b.end > monday
    )
    hours = check(await world.ask(MyHours(When(day="this_week"))))
    assert "This week, 23 Mar – 29 Mar" in hours
    hours_said = f"{int(minutes) // 60} h" + (f" {int(minutes) % 60} min" if minutes % 60 else "")
    assert f"You booked {hours_said} this week" in hours


# --- questions back, dates, DMs ---------------------------------------------------------------


async def test_a_question_back_offers_each_reading_and_each_is_answered(world: Bench) -> None:
    dec, apr = (
        When(day="month_day", month=12, day_of_month=4),
        When(day="month_day", month=4, day_of_month=12),
    )
    clarify = Clarify(
        "free nanodrop 4/12",
        "By 4/12, do you mean 4 December or 12 April?",
        (Option("4 Dec", Free("nanodrop", dec)), Option("12 Apr", Free("nanodrop", apr))),
    )
    reply = await world.ask(clarify)
    for button, label in zip(_buttons(reply), ("Fri 4 Dec", "Sun 12 Apr"), strict=True):
        intent, _ = decode_intent(button["value"])
        assert label in check(await world.ask(intent))
    unknown = Unknown(
        "what's the weather", "Try: x", (Option("is the nanodrop free?", Free("nanodrop", When())),)
    )
    shown = check(await world.ask(unknown))
    assert "Did you mean one of these?" in shown and "is the nanodrop free?" in shown


async def test_the_labs_say_how_they_write_dates(world: Bench) -> None:
    assert await world.answerer.date_order(ZOE) == "DMY"  # London
    assert await world.answerer.date_order(MARGARET) is None  # London and Tokyo disagree
    assert await world.answerer.date_order(UserKey("T1", "U0NOBODY")) is None
    vocabulary, order = await world.answerer.words(ZOE)
    assert "NanoDrop One" in vocabulary.equipment and order == "DMY"


async def test_in_a_dm_nothing_offers_to_share(world: Bench) -> None:
    for intent in (NextFree("nanodrop"), EquipmentFact("nanodrop", "room")):
        assert "cm_share" not in check(await world.ask(intent, offer_share=False))


# --- unread bookings (the messy dialect) ----------------------------------------------------


async def test_unread_bookings_are_never_called_free(messy: Bench) -> None:
    anywhere = await messy.ask(WhatIsFree(NOW, lab="tokyo imaging"), MARGARET)
    check(anywhere)
    assert "Zeiss LSM 980 Confocal" not in section_with(anywhere, "Free now")
    nxt = check(await messy.ask(NextFree("zeiss lsm 980 confocal"), MARGARET))
    assert "As far as I can read" in nxt or "could not be read" in nxt
    hours = check(await messy.ask(BookedHours("zeiss lsm 980 confocal", When()), MARGARET))
    assert "could not be read" in hours and "at least" in hours
    who = check(await messy.ask(WhoIsOn("zeiss lsm 980 confocal"), MARGARET))
    assert "🟢 *Free now*" not in who


# --- helpers --------------------------------------------------------------------------------


def _buttons(reply: Reply) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for block in reply.blocks:
        found += [e for e in block.get("elements", []) if e.get("type") == "button"]
        if block.get("accessory", {}).get("type") == "button":
            found.append(block["accessory"])
    return [b for b in found if b["action_id"] != "cm_share"]


def _equipment_booking_reads(world: Bench) -> int:
    return sum(
        count
        for key, count in world.sandbox.stats.requests.items()
        if key.startswith("GET /v1/equipment/") and key.endswith("/bookings")
    )


def _next_time(after: dt.datetime, clock: str) -> dt.datetime:
    hour, minute = (int(part) for part in clock.split(":"))
    found = after.replace(hour=hour, minute=minute, second=0, microsecond=0)
    while found < after - dt.timedelta(minutes=1):
        found += dt.timedelta(days=1)
    return found
