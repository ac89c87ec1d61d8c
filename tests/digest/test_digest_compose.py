"""Choosing the day's bookings and rendering the digests: pure, on crafted bookings."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

from bot.clustermarket.models import Booking, BookingEquipment, Person, Ref
from bot.digest.compose import (
    EVENT_TYPE,
    channel_digest,
    digest_metadata,
    find_digest,
    is_digest_message,
    personal_digest,
)
from bot.fake_slack.blocks import MAX_MESSAGE_BLOCKS, block_errors
from bot.render.digest import (
    DigestView,
    channel_digest_message,
    digest_home_blocks,
    digest_status_reply,
    link_paused_message,
    personal_digest_message,
)
from bot.render.reply import Reply
from bot.render.views import DigestSummary

LONDON = ZoneInfo("Europe/London")
TOKYO = ZoneInfo("Asia/Tokyo")
DAY = dt.date(2026, 3, 25)
ME, SOMEONE = 15001, 15100
LAB = 104


def at(day: int, hour: int, minute: int = 0, tz: ZoneInfo = LONDON) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=tz)


def booking(
    start: dt.datetime,
    end: dt.datetime,
    *,
    id: int,
    requester: int = ME,
    status: str = "approved",
    category: str = "Use",
    equipment: tuple[int, str] = (4105, "NanoDrop One"),
    lab: int | None = LAB,
    email: str = "someone@example.org",
) -> Booking:
    return Booking(
        id=id,
        status=status,
        category=category,
        start_time=start,
        end_time=end,
        equipment=BookingEquipment(id=equipment[0], name=equipment[1], room="G.12 QC Lab"),
        requester=Person(id=requester, name=f"Person {requester}", email=email),
        provider_account=None if lab is None else Ref(id=lab, name="Genomics"),
        notes="secret note",
        cost="18.00",
        currency="GBP",
    )


def check(reply: Reply) -> str:
    assert reply.text.strip() and len(reply.text) <= 3000
    assert block_errors(reply.blocks, most=MAX_MESSAGE_BLOCKS) == []
    dumped = json.dumps(reply.blocks, ensure_ascii=False) + reply.text
    assert "None" not in dumped
    return dumped


def test_personal_digest_keeps_the_owners_active_bookings_touching_the_local_day() -> None:
    bookings = [
        booking(at(25, 14), at(25, 15), id=3),
        booking(at(25, 9), at(25, 10), id=1),
        booking(at(24, 22), at(25, 2), id=2),  # crosses into today
        booking(at(25, 23), at(26, 1), id=4),  # crosses out of today
        booking(at(25, 11), at(25, 12), id=5, status="cancelled"),
        booking(at(25, 12), at(25, 13), id=6, requester=SOMEONE),
        booking(at(26, 0), at(26, 1), id=7),  # tomorrow
    ]
    digest = personal_digest(bookings, ME, DAY, LONDON)
    assert [b.id for b in digest.bookings] == [2, 1, 3, 4]
    assert not digest.empty
    # the same bookings seen from Tokyo: its 25th is London's 24th 15:00 to 25th 15:00
    in_tokyo = personal_digest(bookings, ME, DAY, TOKYO)
    assert [b.id for b in in_tokyo.bookings] == [2, 1, 3]


def test_personal_message_shows_times_instrument_room_status_and_crossers() -> None:
    bookings = [
        booking(at(24, 22), at(25, 2), id=2),
        booking(at(25, 9), at(25, 10, 30), id=1, category="Repair", status="requested"),
    ]
    reply = personal_digest_message(personal_digest(bookings, ME, DAY, LONDON))
    dumped = check(reply)
    assert reply.blocks[0]["text"]["text"] == "📅 Your bookings · Wed 25 Mar"
    assert "22:00 (−1) → 02:00" in dumped
    assert "09:00–10:30" in dumped and "NanoDrop One" in dumped and "G.12 QC Lab" in dumped
    assert "⏳ Requested" in dumped and "🛠 Repair" in dumped
    assert "Europe/London" in dumped
    assert reply.text.startswith("Your bookings · Wed 25 Mar: 2 bookings")


def test_empty_personal_digest_says_so() -> None:
    reply = personal_digest_message(personal_digest([], ME, DAY, LONDON))
    assert "Nothing booked" in check(reply)
    assert reply.text == "Your bookings · Wed 25 Mar: nothing booked"


def test_long_personal_digest_stays_within_fifty_blocks() -> None:
    bookings = [
        booking(
            at(25, 0) + dt.timedelta(minutes=10 * i),
            at(25, 0, 9) + dt.timedelta(minutes=10 * i),
            id=i,
        )
        for i in range(120)
    ]
    reply = personal_digest_message(personal_digest(bookings, ME, DAY, LONDON))
    dumped = check(reply)
    assert len(reply.blocks) <= MAX_MESSAGE_BLOCKS
    shown = sum(1 for block in reply.blocks if block["type"] == "section")
    assert f"…and {120 - shown} more bookings" in dumped


def test_channel_digest_groups_by_instrument_and_flags_maintenance() -> None:
    bookings = [
        booking(at(25, 9), at(25, 10), id=1, requester=SOMEONE, equipment=(2, "Zeiss LSM 980")),
        booking(at(25, 8), at(25, 9), id=2, equipment=(1, "ÄKTA pure")),
        booking(at(25, 10), at(25, 12), id=3, category="Breakdown", equipment=(1, "ÄKTA pure")),
        booking(at(25, 12), at(25, 13), id=4, equipment=(3, "Other lab's"), lab=999),
        booking(at(25, 13), at(25, 14), id=5, status="declined", equipment=(2, "Zeiss LSM 980")),
        booking(at(25, 15), at(25, 16), id=6, equipment=(2, "Zeiss LSM 980"), lab=None),
    ]
    digest = channel_digest(bookings, LAB, "Genomics Core Facility", DAY, LONDON)
    assert [(i.name, [b.id for b in i.bookings]) for i in digest.instruments] == [
        ("ÄKTA pure", [2, 3]),
        ("Zeiss LSM 980", [1, 6]),
    ]
    assert [i.flagged for i in digest.instruments] == [True, False]
    assert digest.booking_count == 4
    reply = channel_digest_message(digest, owner_user_id="U0PRIYA")
    dumped = check(reply)
    assert reply.blocks[0]["text"]["text"] == "🔬 Genomics Core Facility · Wed 25 Mar"
    assert "🛠 *Breakdown*" in dumped and "🛠 1 maintenance block" in dumped
    assert "<@U0PRIYA>" in dumped
    # a channel sees no emails, notes or costs
    assert "@example.org" not in dumped and "secret note" not in dumped and "18.00" not in dumped


def test_channel_digest_with_many_instruments_summarises_the_overflow() -> None:
    bookings = [
        booking(at(25, 9), at(25, 10), id=i, equipment=(i, f"Instrument {i:03d}"))
        for i in range(1, 81)
    ]
    digest = channel_digest(bookings, LAB, "Genomics Core Facility", DAY, LONDON)
    reply = channel_digest_message(digest, owner_user_id="U0PRIYA")
    dumped = check(reply)
    assert len(reply.blocks) == MAX_MESSAGE_BLOCKS
    shown = sum(1 for block in reply.blocks if block["type"] == "section")
    assert f"…and {80 - shown} more instruments with {80 - shown} bookings" in dumped


def test_one_busy_instrument_is_clipped_within_a_section() -> None:
    bookings = [
        booking(
            at(25, 0) + dt.timedelta(minutes=5 * i),
            at(25, 0, 4) + dt.timedelta(minutes=5 * i),
            id=i,
        )
        for i in range(250)
    ]
    reply = channel_digest_message(
        channel_digest(bookings, LAB, "Genomics", DAY, LONDON), owner_user_id="U0PRIYA"
    )
    assert "more bookings" in check(reply)


def test_metadata_identifies_kind_and_date() -> None:
    metadata = digest_metadata(7, "channel", DAY)
    assert metadata == {
        "event_type": EVENT_TYPE,
        "event_payload": {"subscription_id": 7, "kind": "channel", "date": "2026-03-25"},
    }
    message = {"ts": "1.000100", "metadata": metadata}
    assert is_digest_message(message, "channel", DAY)
    assert not is_digest_message(message, "personal", DAY)
    assert not is_digest_message(message, "channel", DAY + dt.timedelta(days=1))
    assert not is_digest_message({"ts": "2.0", "metadata": {"event_type": "other"}}, "channel", DAY)
    assert not is_digest_message({"ts": "2.0", "metadata": "junk"}, "channel", DAY)
    assert find_digest([{"ts": "3.0"}, message], "channel", DAY) == "1.000100"
    assert find_digest([{"ts": "3.0"}], "channel", DAY) is None


def test_status_and_notices_render_within_limits() -> None:
    now = dt.datetime(2026, 3, 25, 9, tzinfo=dt.UTC)
    personal = DigestView(
        "personal",
        "D0ZOE",
        "U0ZOE",
        dt.time(8),
        "Europe/London",
        include_empty=True,
        next_send=dt.datetime(2026, 3, 26, 8, tzinfo=LONDON),
    )
    paused = DigestView(
        "channel",
        "C0LAB",
        "U0PRIYA",
        dt.time(7, 30),
        "Europe/London",
        lab_name="Structural <Lab>",
        paused_reason="the owner's link broke",
    )
    reply = digest_status_reply(personal, paused, in_channel=True, now=now)
    dumped = check(reply)
    assert "tomorrow at 08:00" in dumped and "includes days with nothing booked" in dumped
    assert "⏸ Paused" in dumped and "&lt;Lab&gt;" in dumped and "/cm connect" in dumped
    notice = link_paused_message([paused], "your Clustermarket connection needs renewing")
    assert "is paused because your Clustermarket connection needs renewing" in check(notice)


def test_home_buttons_carry_the_state_they_set() -> None:
    assert digest_home_blocks(None, linked=False) == []
    off = digest_home_blocks(DigestSummary(personal=False), linked=True)
    assert [e["action_id"] for e in off[0]["elements"]] == ["cm_digest_turn_on"]
    on = digest_home_blocks(
        DigestSummary(personal=True, time=dt.time(8), include_empty=True), linked=True
    )
    values = {e["action_id"]: e["value"] for e in on[0]["elements"]}
    assert values == {
        "cm_digest_include_empty": "off",
        "cm_digest_skip_weekends": "on",
        "cm_digest_turn_off": "off",
    }


def test_instruments_out_of_service_are_named_with_their_status() -> None:
    from bot.clustermarket.listing import Listing, Skipped
    from bot.clustermarket.models import EquipmentSummary

    equipment = [
        EquipmentSummary(id=4105, name="NanoDrop One", availability_status="Available"),
        EquipmentSummary(id=4121, name="Optima XPN-100", availability_status="Under Maintenance"),
        EquipmentSummary(id=4107, name="Centrifuge", availability_status="out_of_order"),
    ]
    booked = Listing(
        [
            booking(at(25, 9), at(25, 10), id=1),
            booking(at(25, 11), at(25, 12), id=2, equipment=(4107, "Centrifuge")),
        ],
        skipped=[Skipped("page 1, item 3", "start_time unreadable")],
    )
    lab = channel_digest(booked, LAB, "Genomics", DAY, LONDON, equipment=equipment)
    assert [(i.name, i.out_of_service) for i in lab.instruments] == [
        ("Centrifuge", "out_of_order"),
        ("NanoDrop One", None),
        ("Optima XPN-100", "Under Maintenance"),  # nothing booked, listed for its status
    ]
    assert lab.booking_count == 2 and not lab.empty and lab.unread == 1
    text = check(channel_digest_message(lab, owner_user_id="U1"))
    assert "🛠 Under Maintenance" in text and "⛔ Out of order" in text
    assert "Nothing booked." in text and "2 bookings on 2 instruments" in text
    assert "1 booking could not be read" in text

    mine = personal_digest(booked, ME, DAY, LONDON, equipment=equipment)
    assert mine.unread == 1 and mine.out_of_service == {
        4121: "Under Maintenance",
        4107: "out_of_order",
    }
    personal = json.dumps(personal_digest_message(mine).blocks, ensure_ascii=False)
    assert "⛔ Out of order" in personal and "could not be read" in personal


def test_own_bookings_are_found_by_name_when_the_server_gives_no_id() -> None:
    named = Booking(
        id=9,
        status="approved",
        start_time=at(25, 9),
        end_time=at(25, 10),
        requester=Person(name="Zoë  Ångström"),
    )
    assert personal_digest([named], ME, DAY, LONDON, cm_user_name="zoë ångström").bookings
    assert not personal_digest([named], ME, DAY, LONDON).bookings
