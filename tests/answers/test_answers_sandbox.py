"""Every question answered against the real sandbox Clustermarket over loopback."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.answers import Answerer, Asker, Reply, availability, is_question
from bot.clustermarket.errors import NotLinked, ReconnectRequired
from bot.clustermarket.models import Booking
from bot.clustermarket.reading import read_items
from bot.clustermarket.tokens import UserKey
from bot.fake_slack.blocks import block_errors
from bot.questions.codec import decode_intent
from bot.questions.commands import (
    Bookings,
    Connect,
    DigestOn,
    EquipmentSearch,
    Free,
    GroupDetail,
    Groups,
    Help,
    Labs,
    Me,
    Schedule,
    parse_command,
)
from bot.questions.when import When, local_midnight, resolve
from bot.render.actions import CHOOSE, MORE
from bot.sandbox import ALL_SCOPES, Sandbox, build_world
from bot.sandbox.seed import ACTIVE_STATUSES
from bot.store import Store

AskerFactory = Callable[..., Asker]
Linker = Callable[..., None]
TODAY = dt.date(2026, 3, 25)  # the conftest's default `today`
LONDON = ZoneInfo("Europe/London")
KEY = UserKey("T1", "U1")  # the Slack user the conftest's `asker` and `link` use
VISIBLE_LABS = (104, 105)


def check(reply: Reply) -> str:
    """Valid Block Kit, a fallback text, no "None"; the JSON for assertions."""
    assert reply.text.strip()
    assert block_errors(reply.blocks, most=50) == []
    dumped = json.dumps(reply.blocks, ensure_ascii=False) + reply.text
    assert "None" not in dumped
    return dumped


def buttons(reply: Reply) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for block in reply.blocks:
        found += [e for e in block.get("elements", []) if e.get("type") == "button"]
        if block.get("accessory", {}).get("type") == "button":
            found.append(block["accessory"])
    return found


def sections(reply: Reply) -> list[str]:
    return [b["text"]["text"] for b in reply.blocks if b["type"] == "section" and "text" in b]


async def ask(answerer: Answerer, text: str, asker: Asker) -> Reply:
    intent = parse_command(text)
    assert is_question(intent), intent
    return await answerer.answer(intent, asker)


def active_on(equipment_id: int, day: dt.date, today: dt.date = TODAY) -> list[Any]:
    """The seeded world's active bookings of one instrument touching a London day."""
    start, end = local_midnight(day, LONDON), local_midnight(day + dt.timedelta(days=1), LONDON)
    world = build_world(today)
    return sorted(
        (
            booking
            for booking in world.bookings_of_equipment(equipment_id)
            if booking.status in ACTIVE_STATUSES and booking.start < end and booking.end > start
        ),
        key=lambda booking: booking.start,
    )


# --- linking ------------------------------------------------------------------------------


async def test_help_and_unknown_need_no_link(answerer: Answerer, asker: AskerFactory) -> None:
    assert "/cm bookings [WHEN]" in check(await answerer.answer(Help(), asker()))
    reply = await answerer.answer(parse_command("bokings tomorow"), asker())  # type: ignore[arg-type]
    assert "Did you mean `/cm bookings tomorrow`?" in check(reply)


@pytest.mark.parametrize(
    "intent",
    [
        Me(),
        Labs(),
        EquipmentSearch(None),
        Groups(None),
        GroupDetail("Sample QC"),
        Bookings(When()),
        Schedule("NanoDrop", When()),
        Free("NanoDrop", When()),
    ],
)
async def test_not_linked_propagates(
    answerer: Answerer, asker: AskerFactory, sandbox: Sandbox, intent: Any
) -> None:
    with pytest.raises(NotLinked):
        await answerer.answer(intent, asker())
    assert sandbox.stats.total("GET /v1") == 0


async def test_a_broken_link_propagates_reconnect(
    answerer: Answerer, asker: AskerFactory, linked: None, store: Store
) -> None:
    await store.mark_broken(KEY, "refresh refused")
    with pytest.raises(ReconnectRequired):
        await answerer.answer(Bookings(When()), asker())


def test_only_questions_are_answered() -> None:
    assert not is_question(Connect()) and not is_question(DigestOn(None))
    assert is_question(Free("x", When()))


# --- the user's own bookings --------------------------------------------------------------


async def test_own_bookings_today(
    answerer: Answerer, asker: AskerFactory, linked: None, sandbox: Sandbox
) -> None:
    reply = await ask(answerer, "bookings", asker())
    dumped = check(reply)
    assert "Today, Wed 25 Mar · times in Europe/London" in dumped
    assert "*09:30–10:00*  NanoDrop One" in dumped
    assert "📝 RNA quantification" in dumped
    assert "*20:00 → 04:30 (+1)*  Oxford Nanopore GridION" in dumped
    assert "ÄKTA" not in dumped  # the demo user's booking on it today is cancelled
    assert sandbox.stats.total("GET /v1/equipment/") == 0


async def test_the_overnight_run_is_under_both_days(
    answerer: Answerer, asker: AskerFactory, linked: None
) -> None:
    tomorrow = check(await ask(answerer, "bookings tomorrow", asker()))
    assert "*20:00 (−1) → 04:30*  Oxford Nanopore GridION" in tomorrow
    week = await ask(answerer, "bookings this week", asker())
    check(week)
    texts = sections(week)
    wednesday, thursday = (
        texts.index("*Wed 25 Mar* · today"),
        texts.index("*Thu 26 Mar* · tomorrow"),
    )
    assert any(
        "20:00 → 04:30 (+1)*  Oxford Nanopore GridION" in t for t in texts[wednesday:thursday]
    )
    assert any("20:00 (−1) → 04:30*  Oxford Nanopore GridION" in t for t in texts[thursday:])


async def test_bookings_without_a_slack_zone_use_the_labs_zone(
    answerer: Answerer, asker: AskerFactory, linked: None
) -> None:
    reply = await ask(answerer, "bookings", asker(tz=None))
    assert "times in Europe/London" in check(reply)


# --- schedules ----------------------------------------------------------------------------


async def test_the_busiest_instruments_schedule_is_paged_and_never_lists_bookings(
    answerer: Answerer, asker: AskerFactory, linked: None, sandbox: Sandbox
) -> None:
    expected = active_on(4105, TODAY)
    reply = await ask(answerer, "schedule nanodrop", asker())
    dumped = check(reply)
    assert sandbox.stats.total("GET /v1/bookings") == 0
    assert sandbox.stats.total("GET /v1/equipment/4105/bookings") >= 1
    assert f"Showing 1–20 of {len(expected)}" in dumped
    first = expected[0].start.astimezone(LONDON)
    assert f"*{first:%H:%M}–" in dumped
    (more,) = [b for b in buttons(reply) if b["action_id"] == MORE]
    intent, page = decode_intent(more["value"])
    second = await answerer.answer(intent, asker(page=page))  # type: ignore[arg-type]
    assert f"Showing 21–{len(expected)} of {len(expected)}" in check(second)


async def test_a_schedule_in_a_channel_has_no_emails_or_buttons(
    answerer: Answerer, asker: AskerFactory, linked: None
) -> None:
    reply = await ask(answerer, "schedule nanodrop", asker(audience="channel"))
    dumped = check(reply)
    assert "@" not in dumped and "mailto" not in dumped
    assert not buttons(reply)
    own = check(await ask(answerer, "bookings", asker(audience="channel")))
    for private in ("RNA quantification", "GBP", "@"):
        assert private not in own


def empty_day() -> tuple[int, str, dt.date]:
    """A visible instrument and a coming day with nothing booked on it, from the world."""
    world = build_world(TODAY)
    for offset in range(1, 21):
        day = TODAY + dt.timedelta(days=offset)
        for equipment in world.equipment.values():
            available = equipment.availability_status == "Available"
            if equipment.lab_id in VISIBLE_LABS and available and not active_on(equipment.id, day):
                return equipment.id, equipment.name, day
    raise AssertionError("the seeded world has no free day")


async def test_an_empty_day_is_said_kindly(
    answerer: Answerer, asker: AskerFactory, linked: None
) -> None:
    equipment_id, name, day = empty_day()
    schedule = await ask(answerer, f"schedule {equipment_id} {day.isoformat()}", asker())
    check(schedule)
    assert schedule.text.startswith(f"Nothing booked on {name} on ")
    assert schedule.text.endswith("— it's free all day.")
    free = await ask(answerer, f"free {equipment_id} {day.isoformat()}", asker())
    assert "it's free all day" in check(free)


@pytest.mark.parametrize("today", [dt.date(2026, 3, 28)], indirect=True)
async def test_tomorrow_across_the_clock_change(
    answerer: Answerer, asker: AskerFactory, linked: None, today: dt.date
) -> None:
    sunday = dt.date(2026, 3, 29)  # London springs forward: a 23-hour day
    window = resolve(When(day="tomorrow"), LONDON, dt.datetime.combine(today, dt.time(13), LONDON))
    assert window.end.astimezone(dt.UTC) - window.start.astimezone(dt.UTC) == dt.timedelta(hours=23)
    expected = active_on(4105, sunday, today)
    schedule = await ask(answerer, "schedule nanodrop tomorrow", asker())
    dumped = check(schedule)
    assert "Tomorrow, Sun 29 Mar" in dumped
    for booking in expected[:20]:
        start, end = booking.start.astimezone(LONDON), booking.end.astimezone(LONDON)
        assert f"*{start:%H:%M}–{end:%H:%M}*" in dumped
    free = await ask(answerer, "free nanodrop tomorrow", asker())
    slots = re.findall(r"•  (\d\d:\d\d)–(\d\d:\d\d)  \(([^)]*)\)", check(free))
    assert slots and slots[0][0] == "00:00"
    first_start = expected[0].start.astimezone(LONDON) if expected else window.end
    real = first_start.astimezone(dt.UTC) - window.start.astimezone(dt.UTC)
    assert slots[0][1] == f"{first_start:%H:%M}"
    hours, minutes = divmod(int(real.total_seconds() // 60), 60)
    assert slots[0][2] in (f"{hours} h", f"{hours} h {minutes} min", f"{minutes} min")


# --- free ---------------------------------------------------------------------------------


async def test_free_with_a_typo(answerer: Answerer, asker: AskerFactory, linked: None) -> None:
    reply = await ask(answerer, "free nanodorp", asker())
    dumped = check(reply)
    assert "Is NanoDrop One free?" in dumped
    assert "Busy now" in dumped or "Free now" in dumped
    assert "times in Europe/London" in dumped


async def test_busy_now_names_who_and_until_when(
    answerer: Answerer, asker: AskerFactory, linked: None
) -> None:
    holder = next(
        b
        for b in active_on(4105, TODAY)
        if b.start.astimezone(LONDON).time() <= dt.time(13, 5)
        and b.end.astimezone(LONDON).time() > dt.time(13, 5)
    )
    person = build_world(TODAY).person(holder.requester_id) if holder.requester_id else None
    reply = await ask(answerer, "free nanodrop now", asker())
    dumped = check(reply)
    assert f"until {holder.end.astimezone(LONDON):%H:%M}" in dumped
    if person is not None:
        assert person.name in dumped


async def test_ambiguous_equipment_asks_which_one(
    answerer: Answerer, asker: AskerFactory, linked: None
) -> None:
    reply = await ask(answerer, 'free "Eppendorf 5810 R Centrifuge" tomorrow', asker())
    dumped = check(reply)
    assert "Genomics Core Facility" in dumped and "Structural Biology Lab" in dumped
    chosen = [b for b in buttons(reply) if b["action_id"].startswith(CHOOSE)]
    intents = [decode_intent(b["value"])[0] for b in chosen]
    assert intents == [Free("4107", When(day="tomorrow")), Free("4122", When(day="tomorrow"))]
    rooms = []
    for intent in intents:
        answered = check(await answerer.answer(intent, asker()))  # type: ignore[arg-type]
        rooms.append("G.10" in answered)
    assert rooms == [True, False]


async def test_nothing_by_that_name(answerer: Answerer, asker: AskerFactory, linked: None) -> None:
    reply = await ask(answerer, "schedule orbitrap", asker())  # in a lab the user cannot see
    assert "couldn't find any equipment called *orbitrap*" in check(reply)


async def test_availability_of_a_past_window_is_over() -> None:
    window = resolve(When(day="yesterday"), LONDON, dt.datetime(2026, 3, 25, 12, tzinfo=LONDON))
    facts = availability([], window, dt.datetime(2026, 3, 25, 12, tzinfo=LONDON))
    assert facts.passed and not facts.slots


# --- who, labs, equipment, groups ---------------------------------------------------------


async def test_me_and_labs(answerer: Answerer, asker: AskerFactory, linked: None) -> None:
    me = check(await ask(answerer, "me", asker()))
    assert "Zoë Ångström" in me and "15001" in me and "Genomics Core Facility" in me
    labs = check(await ask(answerer, "labs", asker()))
    assert "*🏛 Northbridge University* › *Department of Biochemistry*" in labs
    assert "Structural Biology Lab" in labs and "🕒 Europe/London" in labs
    assert "Mass Spectrometry" not in labs  # not one of the user's labs


async def test_equipment_questions(answerer: Answerer, asker: AskerFactory, linked: None) -> None:
    listing = check(await ask(answerer, "equipment", asker()))
    assert "14 instruments in 2 labs" in listing
    details = await ask(answerer, "equipment 4105", asker())
    dumped = check(details)
    assert "*Contact*\\nJosé Núñez" in dumped and "Thermo Fisher Scientific NanoDrop One" in dumped
    assert "*Category*\\nAnalytical Instruments › Nucleic Acid QC" in dumped
    typo = check(await ask(answerer, "equipment nanodorp", asker()))
    assert "🔬 NanoDrop One" in typo
    which = check(await ask(answerer, "equipment eppendorf", asker()))
    assert "Which one did you mean?" in which
    several = check(await ask(answerer, "equipment illumina", asker()))
    assert "Illumina MiSeq" in several and "Illumina NovaSeq 6000" in several


async def test_groups_and_one_group(answerer: Answerer, asker: AskerFactory, linked: None) -> None:
    groups = check(await ask(answerer, "groups", asker()))
    assert "5 groups" in groups and "*Sample QC*" in groups
    one_lab = check(await ask(answerer, "groups genomics", asker()))
    assert "3 groups" in one_lab and "Chromatography" not in one_lab
    sample = check(await ask(answerer, "group sample qc", asker()))
    assert "4 instruments" in sample and "NanoDrop One" in sample
    which = check(await ask(answerer, "group sample", asker()))
    assert "Which one did you mean?" in which
    by_id = check(await ask(answerer, "group 205", asker()))
    assert "ÄKTA pure 25 Chromatography System" in by_id


async def test_next_bookings_for_the_home_tab(
    answerer: Answerer, asker: AskerFactory, linked: None
) -> None:
    now = asker().now
    upcoming = await answerer.next_bookings(KEY, now, limit=3)
    assert len(upcoming) == 3
    names = [b.equipment.name for b in upcoming if b.equipment]
    assert names[0] == "Bio-Rad CFX96 Touch qPCR"  # 14:00 today; the 09:30 one is over
    assert all(b.status not in ("cancelled", "declined") for b in upcoming)
    assert [b.start_time for b in upcoming] == sorted(b.start_time for b in upcoming)  # type: ignore[type-var]
    with pytest.raises(NotLinked):
        await answerer.next_bookings(UserKey("T1", "nobody"), now)


# --- the catalogue ------------------------------------------------------------------------


async def test_the_catalogue_is_built_once_and_cached(
    answerer: Answerer, asker: AskerFactory, linked: None, sandbox: Sandbox
) -> None:
    await asyncio.gather(
        ask(answerer, "free nanodrop", asker()),
        ask(answerer, "schedule gridion", asker()),
        ask(answerer, "equipment", asker()),
    )
    assert sandbox.stats.requests["GET /v1/accounts"] == 1
    await ask(answerer, "schedule nanodrop tomorrow", asker())
    assert sandbox.stats.requests["GET /v1/accounts"] == 1
    assert sandbox.stats.total("GET /v1/groups") == 0  # groups only when asked for
    await ask(answerer, "groups", asker())
    await ask(answerer, "group sample qc", asker())
    assert sandbox.stats.requests["GET /v1/groups"] == 2  # once per lab


# --- when things go wrong -----------------------------------------------------------------


async def test_clustermarket_down_gets_a_kind_reply(
    answerer: Answerer, asker: AskerFactory, linked: None, sandbox: Sandbox
) -> None:
    sandbox.knobs.error_rate = 1.0
    reply = await ask(answerer, "bookings", asker())
    dumped = check(reply)
    assert "Clustermarket isn't answering right now" in dumped
    assert "503" not in dumped and "/v1" not in dumped


async def test_rate_limited_gets_a_kind_reply(
    answerer: Answerer, asker: AskerFactory, linked: None, sandbox: Sandbox
) -> None:
    sandbox.faults.rate_limit_next(count=3, retry_after=60)
    reply = await ask(answerer, "free nanodrop", asker())
    assert "asked us to slow down" in check(reply)
    assert "60 seconds" in reply.text


async def test_a_missing_scope_is_named_and_reconnecting_offered_only_when_it_helps(
    answerer: Answerer, asker: AskerFactory, link: Linker
) -> None:
    await link(scopes=" ".join(scope for scope in ALL_SCOPES.split() if scope != "read_bookings"))
    reply = await ask(answerer, "bookings", asker())
    text = check(reply)
    assert "`read_bookings`" in text and "/cm connect" in text  # the app asks for it: relink
    assert reply.failure and not reply.shareable
    answerer.client.oauth.scopes = "read_user read_accounts read_equipment"
    refused = check(await ask(answerer, "bookings", asker()))
    assert "CLUSTERMARKET_SCOPES" in refused and "/cm connect" not in refused


async def test_a_plain_403_is_still_a_kind_reply(
    answerer: Answerer, asker: AskerFactory, linked: None, sandbox: Sandbox
) -> None:
    sandbox.faults.fail_next(status=403)
    reply = await ask(answerer, "me", asker())
    assert "doesn't let your account see that" in check(reply)


async def test_an_unexpected_failure_never_shows_a_trace(
    answerer: Answerer, asker: AskerFactory, linked: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise ZeroDivisionError("secret internals")

    monkeypatch.setattr("bot.answers.answerer.in_window", broken)
    reply = await ask(answerer, "bookings", asker())
    dumped = check(reply)
    assert "went wrong on our side" in dumped
    assert "secret" not in dumped and "ZeroDivision" not in dumped


async def test_a_slack_zone_is_used_for_an_instrument(
    answerer: Answerer, asker: AskerFactory, linked: None
) -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    reply = await ask(answerer, "schedule gridion", asker(tz=tokyo))
    assert "times in Asia/Tokyo" in check(reply)
    lab_zone = await ask(answerer, "schedule gridion", asker(tz=None))
    assert "times in Europe/London" in check(lab_zone)


def test_a_booking_with_only_a_duration_still_holds_its_time() -> None:
    start = dt.datetime(2026, 3, 25, 9, tzinfo=dt.UTC)
    (placed,), _ = read_items(Booking, [{"start_time": start.isoformat(), "duration": 90}], page=1)
    assert placed.end_time == start + dt.timedelta(minutes=90)
    window = resolve(When(), LONDON, start)
    facts = availability([placed], window, dt.datetime(2026, 3, 25, 9, 30, tzinfo=dt.UTC))
    assert facts.now is not None and facts.now.current is placed
