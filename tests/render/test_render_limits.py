"""Slack's limits hold whatever the data: huge lists, huge names, random text."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from render_samples import GENOMICS, LONDON, NOW, at, booking, buttons, check

from bot.clustermarket.models import Equipment, EquipmentSummary, Person
from bot.fake_slack.blocks import view_errors
from bot.questions.commands import Bookings, EquipmentSearch, Free, GroupDetail, Labs, Schedule
from bot.questions.days import Slot, by_local_day, in_window
from bot.questions.matching import Candidate
from bot.questions.when import When, resolve
from bot.render import (
    Availability,
    ChannelDigestInfo,
    DepartmentInfo,
    DigestSummary,
    EquipmentEntry,
    GroupEntry,
    LabInfo,
    LabsTree,
    NowState,
    OrganisationInfo,
    RenderContext,
    bookings_reply,
    choose_reply,
    connect_prompt,
    equipment_details_reply,
    equipment_list_reply,
    free_reply,
    group_reply,
    help_reply,
    home_view,
    labs_reply,
    not_found_reply,
    schedule_reply,
)

HUGE = "Ünïcödé 🧪 <&> *bold* _it_ " * 400  # ~10,000 characters
WEEK = When(day="this_week")


def ctx(intent: object = None, audience: str = "private", page: int = 0) -> RenderContext:
    return RenderContext(intent=intent, audience=audience, now=NOW, page=page)  # type: ignore[arg-type]


def week_of_bookings(count: int, text: str) -> list:
    start = at(25, 0)
    return [
        booking(
            start + dt.timedelta(minutes=20 * index),
            start + dt.timedelta(minutes=20 * index + 600),
            id=index,
            equipment=text,
            requester=Person(id=index, name=text, email="a@b.c"),
            notes=text,
            status=text,
            category=text,
            cost="1.00",
            currency=text,
        )
        for index in range(count)
    ]


def test_five_hundred_huge_bookings_fit_in_every_page() -> None:
    window = resolve(WEEK, LONDON, NOW)
    days = by_local_day(in_window(week_of_bookings(500, HUGE), window), window)
    for page in (0, 1, 7, 500):
        for audience in ("private", "channel"):
            own = bookings_reply(days, window, LONDON, ctx(Bookings(WEEK), audience, page))
            check(own)
            scheduled = schedule_reply(
                EquipmentEntry(1, HUGE, LabInfo(1, HUGE, HUGE)),
                days,
                window,
                LONDON,
                ctx(Schedule("x", WEEK), audience, page),
            )
            check(scheduled)


def test_thousands_of_instruments_with_huge_names() -> None:
    labs = [LabInfo(index, f"{index} {HUGE}", HUGE) for index in range(40)]
    by_lab = [
        (
            lab,
            [
                EquipmentEntry(
                    lab.id * 1000 + item,
                    HUGE,
                    lab,
                    EquipmentSummary(room=HUGE, availability_status=HUGE),
                )
                for item in range(25)
            ],
        )
        for lab in labs
    ]
    for page in (0, 3, 49, 10_000):
        reply = equipment_list_reply(by_lab, ctx(EquipmentSearch(HUGE), page=page), query=HUGE)
        check(reply)
    group = group_reply(GroupEntry(1, HUGE, labs[0]), by_lab[0][1] * 10, ctx(GroupDetail("x")))
    check(group)


def test_huge_details_choices_and_help() -> None:
    detail = Equipment(
        name=HUGE, manufacturer=HUGE, model=HUGE, room=HUGE, description=HUGE, city=HUGE
    )
    entry = EquipmentEntry(1, HUGE, LabInfo(1, HUGE, HUGE), EquipmentSummary(room=HUGE))
    check(equipment_details_reply(entry, detail, ctx(EquipmentSearch(HUGE))))
    candidates = [Candidate(index, HUGE, HUGE, None) for index in range(100)]
    check(choose_reply(HUGE, candidates, ctx(Free(HUGE, When()))))
    check(not_found_reply(HUGE, candidates, ctx(Free(HUGE, When()))))
    check(help_reply(ctx(), suggestion=HUGE, unknown=HUGE))


def test_a_huge_labs_tree() -> None:
    labs = tuple(LabInfo(index, HUGE, HUGE) for index in range(300))
    tree = LabsTree(
        tuple(
            OrganisationInfo(
                HUGE, tuple(DepartmentInfo(HUGE, labs[:10]) for _ in range(20)), labs[:50]
            )
            for _ in range(5)
        ),
        labs,
    )
    for page in (0, 5, 1000):
        check(labs_reply(tree, ctx(Labs(), page=page)))


def test_hundreds_of_free_slots() -> None:
    window = resolve(WEEK, LONDON, NOW)
    slots = tuple(
        Slot(
            at(25, 0) + dt.timedelta(minutes=30 * i), at(25, 0) + dt.timedelta(minutes=30 * i + 15)
        )
        for i in range(300)
    )
    busy = booking(at(25, 13), at(25, 14), requester=Person(name=HUGE), category=HUGE)
    facts = Availability(window, NowState(NOW, busy, free_from=at(25, 14)), slots, booked=300)
    reply = free_reply(EquipmentEntry(1, HUGE, GENOMICS), facts, LONDON, ctx(Free("x", WEEK)))
    assert "more" in check(reply)


def test_a_huge_home_view() -> None:
    digest = DigestSummary(
        personal=True,
        time=dt.time(8),
        include_empty=True,
        skip_weekends=True,
        channels=tuple(ChannelDigestInfo(f"C{index:04d}", HUGE, dt.time(7)) for index in range(80)),
    )
    for linked_as, broken, url in (
        (HUGE, False, None),
        (HUGE, True, "https://example.org/" + "x" * 2900),
        (None, False, "https://example.org/authorize"),
        (None, False, None),
    ):
        view = home_view(
            linked_as=linked_as,
            broken=broken,
            connect_url=url,
            next_bookings=week_of_bookings(300, HUGE),
            tz_name="Europe/London",
            now=NOW,
            digest=digest,
            command="/cm",
        )
        assert view_errors(view, kind="home") == []
        assert "None" not in str(view)


def test_a_long_connect_url_fits() -> None:
    reply = connect_prompt("https://example.org/" + "x" * 2900, reason="not_linked")
    check(reply)


# No "N": a random "None" would trip the check that replies never show a missing value.
NAMES = st.text(st.characters(exclude_characters="N"), max_size=3000)
OPTIONAL = st.none() | NAMES


@given(
    name=NAMES,
    room=OPTIONAL,
    status=OPTIONAL,
    category=OPTIONAL,
    person=OPTIONAL,
    notes=OPTIONAL,
    audience=st.sampled_from(["private", "channel"]),
    count=st.integers(0, 60),
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_text_never_breaks_the_limits(
    name: str,
    room: str | None,
    status: str | None,
    category: str | None,
    person: str | None,
    notes: str | None,
    audience: str,
    count: int,
) -> None:
    start = at(25, 6)
    bookings = [
        booking(
            start + dt.timedelta(minutes=40 * index),
            start + dt.timedelta(minutes=40 * index + 30),
            id=index,
            equipment=name,
            status=status,
            category=category,
            requester=Person(name=person),
            notes=notes,
        )
        for index in range(count)
    ]
    window = resolve(WEEK, LONDON, NOW)
    days = by_local_day(in_window(bookings, window), window)
    entry = EquipmentEntry(7, name or "x", LabInfo(1, name, room), EquipmentSummary(room=room))
    replies = [
        bookings_reply(days, window, LONDON, ctx(Bookings(WEEK), audience)),
        schedule_reply(entry, days, window, LONDON, ctx(Schedule(name or "x", WEEK), audience)),
        equipment_list_reply([(entry.lab, [entry] * count)], ctx(EquipmentSearch(None), audience)),
        equipment_details_reply(
            entry, Equipment(name=name, description=notes), ctx(EquipmentSearch("x"), audience)
        ),
        choose_reply(name, [Candidate(1, name, room, None)] * 3, ctx(Free("x", WEEK), audience)),
        help_reply(ctx(audience=audience), suggestion=notes, unknown=name),
    ]
    for reply in replies:
        check(reply)
        if audience == "channel":
            assert not buttons(reply)
