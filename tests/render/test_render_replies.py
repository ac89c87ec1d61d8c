"""Every renderer on crafted records: layout, words, paging, buttons and the channel version."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from render_samples import (
    GENOMICS,
    JOSE,
    LONDON,
    NANODROP,
    NOW,
    STRUCTURAL,
    ZOE,
    at,
    booking,
    buttons,
    check,
)

from bot.clustermarket.errors import (
    BadResponse,
    Forbidden,
    NotFound,
    RateLimited,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from bot.clustermarket.models import (
    Booking,
    Equipment,
    EquipmentSummary,
    Ref,
    User,
)
from bot.questions.codec import decode_intent
from bot.questions.commands import (
    Bookings,
    EquipmentSearch,
    Free,
    GroupDetail,
    Groups,
    Help,
    Labs,
    Schedule,
)
from bot.questions.days import Slot, by_local_day, in_window
from bot.questions.matching import Candidate
from bot.questions.when import When, resolve
from bot.render import (
    SHARED_BY_BLOCK_ID,
    Availability,
    DepartmentInfo,
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
    connected_message,
    disconnected_message,
    equipment_details_reply,
    equipment_list_reply,
    error_reply,
    free_reply,
    group_reply,
    groups_reply,
    help_reply,
    labs_reply,
    me_reply,
    not_connected_message,
    not_found_reply,
    reply_for_error,
    schedule_reply,
    shared_by,
    unexpected_error_reply,
)
from bot.render.actions import CHOOSE, CONNECT, DISCONNECT, MORE, SHARE


def ctx_for(intent: object, *, page: int = 0, audience: str = "private") -> RenderContext:
    return RenderContext(intent=intent, page=page, audience=audience, now=NOW)  # type: ignore[arg-type]


def day_of(bookings: list[Booking], when: When) -> tuple[list, object]:
    window = resolve(when, LONDON, NOW)
    return by_local_day(in_window(bookings, window), window), window


def texts(reply_blocks: list[dict]) -> str:
    return json.dumps(reply_blocks, ensure_ascii=False)


# --- bookings and schedules ---------------------------------------------------------------


OWN_TODAY = [
    booking(
        at(25, 9, 30), at(25, 10), id=1, notes="RNA quantification", cost="3.00", currency="GBP"
    ),
    booking(at(25, 14), at(25, 16, 30), id=2, equipment="Bio-Rad CFX96 Touch qPCR"),
    booking(at(25, 15), at(25, 16), id=3, status="cancelled", equipment="ÄKTA pure 25"),
    booking(
        at(25, 20),
        at(26, 4, 30),
        id=4,
        equipment="Oxford Nanopore GridION",
        notes="Overnight run: please do not stop",
        cost="187.00",
        currency="GBP",
    ),
]


def test_own_bookings_today() -> None:
    intent = Bookings(When())
    days, window = day_of(OWN_TODAY, intent.when)
    reply = bookings_reply(days, window, LONDON, ctx_for(intent))
    dumped = check(reply)
    assert reply.blocks[0]["text"]["text"] == "📅 Your bookings"
    assert "Today, Wed 25 Mar · times in Europe/London" in dumped
    assert "*09:30–10:00*  NanoDrop One" in dumped
    assert "✅ Approved" in dumped
    assert "ÄKTA" not in dumped  # cancelled is not booked
    assert "*20:00 → 04:30 (+1)*  Oxford Nanopore GridION" in dumped
    assert "📝 RNA quantification" in dumped and "3.00 GBP" in dumped
    share = [b for b in buttons(reply) if b["action_id"] == SHARE]
    assert [decode_intent(b["value"]) for b in share] == [(intent, 0)]
    assert "3 bookings" in reply.text


def test_a_booking_crossing_midnight_is_under_both_days() -> None:
    intent = Bookings(When(day="this_week"))
    days, window = day_of(OWN_TODAY, intent.when)
    reply = bookings_reply(days, window, LONDON, ctx_for(intent))
    dumped = check(reply)
    sections = [block["text"]["text"] for block in reply.blocks if block["type"] == "section"]
    wednesday = sections.index("*Wed 25 Mar* · today")
    thursday = sections.index("*Thu 26 Mar* · tomorrow")
    assert any("20:00 → 04:30 (+1)" in text for text in sections[wednesday:thursday])
    assert "20:00 (−1) → 04:30" in sections[thursday + 1]
    assert "Nothing booked." in dumped  # the empty days of the week say so
    assert any(block["type"] == "divider" for block in reply.blocks)


def test_no_bookings_is_said_kindly() -> None:
    intent = Bookings(When(day="tomorrow", part="afternoon"))
    days, window = day_of([], intent.when)
    reply = bookings_reply(days, window, LONDON, ctx_for(intent))
    check(reply)
    assert reply.text == "You have nothing booked tomorrow afternoon."


def test_a_schedule_shows_who_category_and_status() -> None:
    intent = Schedule("NanoDrop One", When())
    bookings = [
        booking(at(25, 8), at(25, 9), id=1, requester=JOSE),
        booking(at(25, 9), at(25, 10), id=2, requester=None, category="Repair", status="requested"),
        booking(at(25, 11), at(25, 12), id=3, requester=ZOE, status="completed"),
    ]
    days, window = day_of(bookings, intent.when)
    reply = schedule_reply(NANODROP, days, window, LONDON, ctx_for(intent))
    dumped = check(reply)
    assert "🗓 NanoDrop One" in dumped
    assert "<mailto:jose.nunez@northbridge.ac.uk|José Núñez>" in dumped
    assert "Maintenance" in dumped and "🛠 Repair" in dumped and "⏳ Requested" in dumped
    assert "✔️ Completed" in dumped
    rerun = [b for b in buttons(reply) if b["action_id"].startswith(CHOOSE)]
    assert [decode_intent(b["value"])[0] for b in rerun] == [Free("4105", When())]


def test_an_empty_schedule_says_it_is_free() -> None:
    intent = Schedule("novaseq", When(day="tomorrow"))
    days, window = day_of([], intent.when)
    novaseq = EquipmentEntry(4101, "Illumina NovaSeq 6000", GENOMICS)
    reply = schedule_reply(novaseq, days, window, LONDON, ctx_for(intent))
    check(reply)
    assert reply.text == "Nothing booked on Illumina NovaSeq 6000 tomorrow — it's free all day."


def test_a_dst_day_has_its_real_hours() -> None:
    # Sunday 29 March 2026 in London has 23 hours.
    when = When(day="date", date=dt.date(2026, 3, 29))
    window = resolve(when, LONDON, NOW)
    run = booking(
        dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC), dt.datetime(2026, 3, 29, 2, tzinfo=dt.UTC)
    )
    reply = schedule_reply(
        NANODROP, by_local_day([run], window), window, LONDON, ctx_for(Schedule("x", when))
    )
    assert "*00:30–03:00*" in check(reply)
    free = free_reply(
        NANODROP,
        Availability(
            window,
            slots=(
                Slot(window.start, run.start_time.astimezone(LONDON)),  # type: ignore[union-attr]
                Slot(run.end_time.astimezone(LONDON), window.end),  # type: ignore[union-attr]
            ),
            booked=1,
        ),
        LONDON,
        ctx_for(Free("x", when)),
    )
    dumped = check(free)
    assert "00:00–00:30  (30 min)" in dumped
    assert "03:00–00:00  (21 h)" in dumped  # the 23-hour day: 30 min + 90 min booked + 21 h


# --- free ---------------------------------------------------------------------------------


def test_busy_now_says_who_until_when_then_the_free_slots() -> None:
    intent = Free("nanodrop", When())
    window = resolve(intent.when, LONDON, NOW)
    current = booking(at(25, 13), at(25, 13, 30), requester=JOSE)
    facts = Availability(
        window,
        NowState(NOW, current, free_from=at(25, 14, 30)),
        slots=(Slot(at(25, 14, 30), at(25, 15)), Slot(at(25, 21), at(26, 0))),
        booked=5,
    )
    reply = free_reply(NANODROP, facts, LONDON, ctx_for(intent))
    dumped = check(reply)
    assert "🔴 *Busy now* — <mailto:jose.nunez@northbridge.ac.uk|José Núñez> until 13:30." in dumped
    assert "Free again from 14:30." in dumped
    assert "•  14:30–15:00  (30 min)" in dumped and "•  21:00–00:00  (3 h)" in dumped
    assert "mailto" not in reply.text and "José Núñez until 13:30" in reply.text


def test_free_now_until_the_next_booking() -> None:
    intent = Free("nanodrop", When(day="now"))
    window = resolve(intent.when, LONDON, NOW)
    facts = Availability(window, NowState(NOW, None, free_until=at(26, 7, 45)))
    reply = free_reply(NANODROP, facts, LONDON, ctx_for(intent))
    check(reply)
    assert reply.text == "NanoDrop One: Free now — until Thu 26 Mar 07:45."


def test_fully_booked_offers_the_next_free_slot() -> None:
    intent = Free("nanodrop", When(day="tomorrow", part="morning"))
    window = resolve(intent.when, LONDON, NOW)
    facts = Availability(window, next_free=Slot(at(26, 12, 30), at(26, 14)), booked=9)
    reply = free_reply(NANODROP, facts, LONDON, ctx_for(intent))
    check(reply)
    assert (
        "Fully booked tomorrow morning. Next free: Thu 26 Mar 12:30, for 1 h 30 min." in reply.text
    )


def test_nothing_booked_is_free_all_day() -> None:
    intent = Free("novaseq", When(day="tomorrow"))
    window = resolve(intent.when, LONDON, NOW)
    novaseq = EquipmentEntry(4101, "Illumina NovaSeq 6000", GENOMICS)
    reply = free_reply(novaseq, Availability(window), LONDON, ctx_for(intent))
    check(reply)
    assert reply.text.endswith(
        "Nothing booked on Illumina NovaSeq 6000 tomorrow — it's free all day."
    )


def test_a_window_in_the_past_says_so() -> None:
    intent = Free("nanodrop", When(day="yesterday"))
    window = resolve(intent.when, LONDON, NOW)
    reply = free_reply(NANODROP, Availability(window, passed=True), LONDON, ctx_for(intent))
    check(reply)
    assert "is over" in reply.text


# --- equipment, groups, labs, me ----------------------------------------------------------


def many_instruments(count: int) -> list[tuple[LabInfo | None, list[EquipmentEntry]]]:
    labs = [GENOMICS, STRUCTURAL, LabInfo(108, "東京イメージングセンター", "Asia/Tokyo")]
    grouped: dict[int, list[EquipmentEntry]] = {lab.id: [] for lab in labs}
    for index in range(count):
        lab = labs[index * len(labs) // count]
        grouped[lab.id].append(
            EquipmentEntry(
                5000 + index,
                f"Instrument {index:02d}",
                lab,
                EquipmentSummary(
                    id=5000 + index, room=f"Room {index}", availability_status="Available"
                ),
            )
        )
    return [(lab, grouped[lab.id]) for lab in labs]


def test_57_instruments_are_paged_with_more() -> None:
    intent = EquipmentSearch(None)
    by_lab = many_instruments(57)
    first = equipment_list_reply(by_lab, ctx_for(intent))
    dumped = check(first)
    assert "Showing 1–20 of 57" in dumped
    assert "Instrument 19" in dumped and "Instrument 20" not in dumped
    more = [b for b in buttons(first) if b["action_id"] == MORE]
    assert [decode_intent(b["value"]) for b in more] == [(intent, 1)]
    share = [b for b in buttons(first) if b["action_id"] == SHARE]
    assert [decode_intent(b["value"]) for b in share] == [(intent, 0)]

    second = equipment_list_reply(by_lab, ctx_for(intent, page=1))
    assert "Showing 21–40 of 57" in check(second)
    last = equipment_list_reply(by_lab, ctx_for(intent, page=2))
    dumped = check(last)
    assert "Showing 41–57 of 57" in dumped and "Instrument 56" in dumped
    assert not [b for b in buttons(last) if b["action_id"] == MORE]
    assert check(equipment_list_reply(by_lab, ctx_for(intent, page=99))) == dumped
    # The lab heading is repeated on a page that continues the lab.
    assert "東京イメージングセンター" in dumped and "🕒 Asia/Tokyo" in dumped


def test_every_item_on_the_page_has_its_own_details_button() -> None:
    reply = equipment_list_reply(many_instruments(12), ctx_for(EquipmentSearch(None)))
    details = [b for b in buttons(reply) if b["action_id"].startswith(f"{CHOOSE}:")]
    assert len(details) == 12
    assert decode_intent(details[0]["value"])[0] == EquipmentSearch("5000")


def test_equipment_details() -> None:
    detail = Equipment(
        id=4105,
        name="NanoDrop One",
        room="G.12 QC Lab",
        manufacturer="Thermo Fisher Scientific",
        model="NanoDrop One",
        category="Analytical Instruments",
        lab=Ref(id=104, name="Genomics Core Facility"),
        description="Microvolume UV-Vis spectrophotometer. <b>30-minute</b> slots & more.",
        city="London",
        country="United Kingdom",
    )
    reply = equipment_details_reply(NANODROP, detail, ctx_for(EquipmentSearch("nanodrop")))
    dumped = check(reply)
    fields = [f["text"] for block in reply.blocks for f in block.get("fields", [])]
    assert fields == [
        "*Lab*\nGenomics Core Facility",
        "*Room*\nG.12 QC Lab",
        "*Manufacturer / model*\nThermo Fisher Scientific NanoDrop One",
        "*Category*\nAnalytical Instruments",
        "*Availability*\n☑️ In service",
        "*Contact*\nJosé Núñez",
    ]
    assert "&lt;b&gt;30-minute&lt;/b&gt; slots &amp; more." in dumped
    reruns = [
        decode_intent(b["value"])[0] for b in buttons(reply) if b["action_id"].startswith(CHOOSE)
    ]
    assert reruns == [Schedule("4105", When()), Free("4105", When())]
    assert [b["text"]["text"] for b in buttons(reply)] == [
        "Today's schedule",
        "Free now?",
        "Share in channel",
    ]


def test_details_with_nothing_known() -> None:
    bare = EquipmentEntry(9, "Equipment 9", None)
    reply = equipment_details_reply(bare, Equipment(), ctx_for(EquipmentSearch("9")))
    check(reply)
    assert reply.blocks[0]["text"]["text"] == "🔬 Equipment 9"


def test_groups_and_one_group() -> None:
    sample = GroupEntry(202, "Sample QC", GENOMICS)
    by_lab = [(GENOMICS, [sample, GroupEntry(201, "Sequencing", GENOMICS)]), (STRUCTURAL, [])]
    reply = groups_reply(by_lab, ctx_for(Groups(None)))
    dumped = check(reply)
    assert "*Sample QC*" in dumped and "2 groups" in dumped
    opened = [
        decode_intent(b["value"])[0] for b in buttons(reply) if b["action_id"].startswith(CHOOSE)
    ]
    assert opened == [GroupDetail("202"), GroupDetail("201")]

    detail = group_reply(sample, [NANODROP], ctx_for(GroupDetail("Sample QC")))
    assert "NanoDrop One" in check(detail)
    empty = group_reply(GroupEntry(212, "Decommissioned", None), [], ctx_for(GroupDetail("212")))
    assert "no equipment" in empty.text
    check(empty)
    none = groups_reply([], ctx_for(Groups("x")), lab=GENOMICS)
    check(none)


def test_labs_tree_with_independent_labs_apart() -> None:
    tree = LabsTree(
        organisations=(
            OrganisationInfo(
                "Northbridge University",
                departments=(DepartmentInfo("Department of Biochemistry", (GENOMICS, STRUCTURAL)),),
                labs=(LabInfo(108, "Tokyo Imaging Centre", "Asia/Tokyo"),),
            ),
        ),
        independent=(LabInfo(109, "Hudson Valley Biolabs", None),),
    )
    reply = labs_reply(tree, ctx_for(Labs()))
    dumped = check(reply)
    assert "*🏛 Northbridge University* › *Department of Biochemistry*" in dumped
    assert "*Independent labs*" in dumped
    assert "🕒 Asia/Tokyo" in dumped and "time zone not set" in dumped
    assert check(labs_reply(LabsTree(), ctx_for(Labs())))


def test_me() -> None:
    reply = me_reply(
        User(id=15001, first_name="Zoë", last_name="Ångström"),
        [GENOMICS],
        ctx_for(None),
        tz_name="Europe/London",
    )
    dumped = check(reply)
    assert "👤 Zoë Ångström" in dumped and "15001" in dumped
    assert not buttons(reply)
    nobody = me_reply(User(), [], ctx_for(None))
    assert "unknown user" in check(nobody)


# --- choices, not found, help, errors, linking --------------------------------------------


def test_which_one_did_you_mean() -> None:
    intent = Free("Eppendorf 5810 R Centrifuge", When(day="tomorrow"))
    candidates = [
        Candidate(4107, "Eppendorf 5810 R Centrifuge", "Genomics Core Facility", None),
        Candidate(4122, "Eppendorf 5810 R Centrifuge", "Structural Biology Lab", None),
    ]
    reply = choose_reply(intent.equipment, candidates, ctx_for(intent))
    dumped = check(reply)
    assert "more than one instrument called" in dumped
    assert "Genomics Core Facility" in dumped and "Structural Biology Lab" in dumped
    chosen = [decode_intent(b["value"])[0] for b in buttons(reply)]
    assert chosen == [Free("4107", When(day="tomorrow")), Free("4122", When(day="tomorrow"))]
    assert [b["action_id"] for b in buttons(reply)] == [f"{CHOOSE}:0", f"{CHOOSE}:1"]


def test_at_most_five_choices() -> None:
    candidates = [Candidate(i, f"Confocal {i}", "Lab", None) for i in range(12)]
    reply = choose_reply("confocal", candidates, ctx_for(Schedule("confocal", When())))
    check(reply)
    assert len(buttons(reply)) == 5


def test_not_found_offers_the_nearest_names() -> None:
    intent = Schedule("nanodorp", When())
    suggestions = [Candidate(4105, "NanoDrop One", "Genomics Core Facility", None)]
    reply = not_found_reply("nanodorp", suggestions, ctx_for(intent))
    check(reply)
    assert [decode_intent(b["value"])[0] for b in buttons(reply)] == [Schedule("4105", When())]
    assert "Did you mean NanoDrop One?" in reply.text
    assert check(not_found_reply("zzz", [], ctx_for(intent)))


def test_help_puts_the_suggestion_first() -> None:
    reply = help_reply(
        ctx_for(None), suggestion="Did you mean `/cm bookings tomorrow`?", unknown="bokings tomorow"
    )
    dumped = check(reply)
    first_section = next(b for b in reply.blocks if b["type"] == "section")
    assert first_section["text"]["text"].startswith("🤔 I didn't catch “bokings tomorow”.")
    assert "`/cm bookings tomorrow`" in first_section["text"]["text"]
    assert "/cm free EQUIPMENT [WHEN]" in dumped
    assert not buttons(reply)


def test_help_on_one_topic() -> None:
    reply = help_reply(RenderContext(command="/lab"), topic="free")
    dumped = check(reply)
    assert reply.blocks[0]["text"]["text"] == "/lab free"
    assert "`/lab free EQUIPMENT [WHEN]`" in dumped and "WHEN is now" in dumped
    assert check(help_reply(RenderContext(), topic=Help().topic))


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (
            UpstreamUnavailable("Clustermarket answered HTTP 503 for /v1/bookings (4 attempts)"),
            "isn't answering",
        ),
        (UpstreamTimeout("could not be reached for /x (ReadTimeout)"), "taking too long"),
        (TimeoutError(), "taking too long"),
        (BadResponse("garbled"), "isn't answering"),
        (RateLimited("wait", 42.0), "try again in 42 seconds"),
        (Forbidden("403 on /v1/equipment/1"), "doesn't let your account see that"),
        (NotFound("404 on /v1/groups/9"), "couldn't find that"),
        (ZeroDivisionError("boom"), "went wrong on our side"),
    ],
)
def test_errors_are_kind_and_never_technical(error: BaseException, words: str) -> None:
    reply = reply_for_error(error, "/cm")
    dumped = check(reply)
    assert words in dumped
    for leak in ("/v1", "HTTP", "Traceback", "Error", "403", "404", "boom", "garbled"):
        assert leak not in dumped


def test_the_other_error_helpers() -> None:
    assert "went wrong" in check(unexpected_error_reply("/cm"))
    assert "slow down" in check(error_reply("rate_limited", "/cm"))


@pytest.mark.parametrize("reason", ["requested", "not_linked", "reconnect"])
def test_connect_prompt(reason: str) -> None:
    url = "https://app.clustermarket.com/oauth/authorize?client_id=x&state=abc"
    reply = connect_prompt(url, reason=reason, command="/cm")  # type: ignore[arg-type]
    dumped = check(reply)
    (connect,) = buttons(reply)
    assert connect["action_id"] == CONNECT and connect["url"] == url
    assert connect["style"] == "primary"
    assert "works once, for 15 minutes" in dumped
    assert "only ever see what your account can see" in dumped


def test_connected_and_disconnected() -> None:
    assert "Zoë Ångström" in check(connected_message("Zoë Ångström"))
    with_email = connected_message("Zoë <Ångström>", "zoe&co@example.org")
    assert "*Zoë &lt;Ångström&gt;* (zoe&amp;co@example.org)" in check(with_email)
    (disconnect,) = buttons(with_email)
    assert disconnect["action_id"] == DISCONNECT and disconnect["confirm"]
    assert "Disconnected" in check(disconnected_message())
    assert "weren't connected" in check(not_connected_message("/cm"))


# --- the channel version ------------------------------------------------------------------


def test_the_channel_version_has_no_buttons_emails_notes_or_costs() -> None:
    intent = Bookings(When())
    days, window = day_of(OWN_TODAY, intent.when)
    private = bookings_reply(days, window, LONDON, ctx_for(intent))
    channel = bookings_reply(days, window, LONDON, ctx_for(intent, audience="channel"))
    dumped = check(channel)
    assert buttons(private) and not buttons(channel)
    assert "RNA quantification" in texts(private.blocks)
    for private_detail in (
        "@",
        "RNA quantification",
        "Overnight run",
        "GBP",
        "3.00",
        "187.00",
        "📝",
    ):
        assert private_detail not in dumped
    assert channel.blocks[-1]["block_id"] == SHARED_BY_BLOCK_ID
    assert not any("accessory" in block for block in channel.blocks)

    shared = shared_by(channel, "U0123ABC")
    assert shared.blocks[-1]["elements"][0]["text"].startswith("Shared by <@U0123ABC>")
    assert (
        shared_by(channel, "<!channel>")
        .blocks[-1]["elements"][0]["text"]
        .startswith("Shared by someone")
    )


def test_a_schedule_in_a_channel_names_people_without_emails() -> None:
    intent = Schedule("nanodrop", When())
    days, window = day_of(
        [booking(at(25, 8), at(25, 9), requester=JOSE, notes="secret")], intent.when
    )
    reply = schedule_reply(NANODROP, days, window, LONDON, ctx_for(intent, audience="channel"))
    dumped = check(reply)
    assert "José Núñez" in dumped and "@" not in dumped and "secret" not in dumped


def test_emails_in_free_text_are_hidden_in_a_channel() -> None:
    detail = Equipment(name="NanoDrop One", description="Book via facility@northbridge.ac.uk")
    reply = equipment_details_reply(
        NANODROP, detail, ctx_for(EquipmentSearch("x"), audience="channel")
    )
    dumped = check(reply)
    assert "@" not in dumped and "(email hidden)" in dumped


def test_channel_choices_show_what_to_type() -> None:
    intent = Free("eppendorf", When(day="tomorrow"))
    candidates = [
        Candidate(4107, "Eppendorf 5810 R Centrifuge", "Genomics Core Facility", None)
    ] * 2
    reply = choose_reply("eppendorf", candidates, ctx_for(intent, audience="channel"))
    assert "`/cm free 4107 tomorrow`" in check(reply)
    assert not buttons(reply)


def test_every_reply_in_a_channel_ends_with_the_shared_by_line() -> None:
    ctx = ctx_for(Groups(None), audience="channel")
    reply = groups_reply([(GENOMICS, [GroupEntry(1, "A", GENOMICS)])], ctx)
    check(reply)
    assert reply.blocks[-1]["block_id"] == SHARED_BY_BLOCK_ID


def test_dates_of_another_year_carry_the_year() -> None:
    when = When(day="date", date=dt.date(2027, 1, 4))
    window = resolve(when, ZoneInfo("Europe/London"), NOW)
    intent = Bookings(when)
    reply = bookings_reply(
        by_local_day(
            [booking(at(4, 9, month=1).replace(year=2027), at(4, 10, month=1).replace(year=2027))],
            window,
        ),
        window,
        LONDON,
        ctx_for(intent),
    )
    assert "Mon 4 Jan 2027" in check(reply)


def test_nulls_everywhere_never_show_none() -> None:
    blank = Booking()
    intent = Bookings(When())
    window = resolve(intent.when, LONDON, NOW)
    days = [(dt.date(2026, 3, 25), [blank])]
    for audience in ("private", "channel"):
        context = ctx_for(intent, audience=audience)
        assert "time not set" in check(bookings_reply(days, window, LONDON, context))
        nameless = EquipmentEntry(1, "Equipment 1", None)
        check(schedule_reply(nameless, days, window, LONDON, context))
        facts = Availability(window, NowState(NOW, blank), booked=1)
        assert "someone until further notice" in check(free_reply(nameless, facts, LONDON, context))
        check(equipment_list_reply([(None, [nameless])], context))
        check(equipment_details_reply(nameless, None, context))
        check(groups_reply([(None, [GroupEntry(2, "Group 2", None)])], context))
        check(group_reply(GroupEntry(2, "Group 2", None), [nameless], context))
        check(labs_reply(LabsTree((OrganisationInfo("Org", (), (LabInfo(3, "Lab"),)),)), context))
        check(choose_reply("x", [Candidate(1, "A", None, None)] * 2, context))
        check(not_found_reply("x", [Candidate(1, "A", None, None)], context))


def test_a_single_unsure_guess_is_confirmed_first() -> None:
    intent = Free("nanodrp one", When())
    guess = [Candidate(4105, "NanoDrop One", "Genomics Core Facility", None)]
    reply = choose_reply("nanodrp one", guess, ctx_for(intent))
    check(reply)
    assert reply.text == "Did you mean NanoDrop One (Genomics Core Facility)?"
    assert [decode_intent(b["value"])[0] for b in buttons(reply)] == [Free("4105", When())]
