"""Replies that say what they could not see: unread records, partial lists, instruments out of
service, a missing scope, a revocation Clustermarket did not confirm; and a booking in full."""

from __future__ import annotations

import datetime as dt

from render_samples import GENOMICS, LONDON, NANODROP, NOW, ZOE, at, booking, buttons, check

from bot.answers import availability
from bot.clustermarket.listing import Skipped
from bot.clustermarket.models import BookingDetails, EquipmentSummary, Ref
from bot.questions.commands import Free, Schedule
from bot.questions.when import When, resolve
from bot.render import EquipmentEntry, RenderContext, free_reply, schedule_reply
from bot.render.booking import booking_details_reply
from bot.render.connect import disconnected_message
from bot.render.errors import missing_scope_reply
from bot.render.gaps import Gaps, note_gaps
from bot.render.kit import context, header, section
from bot.render.reply import Reply

TODAY = resolve(When(), LONDON, NOW)
UNREAD = Skipped("page 1, item 2", "start_time unreadable", equipment_id=4105)


def ctx(intent: object, audience: str = "private") -> RenderContext:
    return RenderContext(intent=intent, now=NOW, audience=audience)  # type: ignore[arg-type]


def test_gaps_are_said_in_the_first_context_line_and_the_fallback_text() -> None:
    reply = Reply("NanoDrop One, today: 2 bookings.", [header("🗓 NanoDrop One"), context("zone")])
    noted = note_gaps(reply, Gaps(2, "booking", of="the NanoDrop One"), Gaps())
    said = check(noted)
    assert len(noted.blocks) == 2
    assert "2 bookings of the NanoDrop One could not be read, so this may be incomplete." in said
    assert noted.text.endswith("may be incomplete.")
    partial = note_gaps(reply, Gaps(partial=True))
    assert "too long to read in full" in partial.text
    assert note_gaps(reply, Gaps()) is reply


def test_a_note_on_a_full_reply_keeps_within_fifty_blocks() -> None:
    full = Reply("x", [header("h"), *[section(f"row {n}") for n in range(48)], context("foot")])
    noted = note_gaps(full, Gaps(1, "instrument"))
    check(noted)
    assert len(noted.blocks) == 50 and noted.blocks[-1] == context("foot")
    assert "1 instrument could not be read" in str(noted.blocks[1])


def test_free_is_not_claimed_while_an_unread_booking_might_cover_the_time() -> None:
    facts = availability([], TODAY, NOW, unread=[UNREAD])
    assert (facts.unsure_now, facts.unsure) == (1, 1)
    said = check(free_reply(NANODROP, facts, LONDON, ctx(Free("nanodrop", When()))))
    assert "Free now" not in said and "Looks free now" in said
    assert "could not be read" in said and "it's free" not in said
    later = Skipped("p", "status unreadable", start=at(26, 9), end=at(26, 10))
    calm = availability([], TODAY, NOW, unread=[later])
    assert (calm.unsure_now, calm.unsure) == (0, 0)  # it cannot be today: free is free
    assert "Free now" in check(free_reply(NANODROP, calm, LONDON, ctx(Free("nanodrop", When()))))


def test_slots_among_bookings_say_an_unread_one_may_fall_in_them() -> None:
    bookings = [booking(at(25, 15), at(25, 16))]
    facts = availability(bookings, TODAY, NOW, unread=[UNREAD])
    said = check(free_reply(NANODROP, facts, LONDON, ctx(Free("nanodrop", When()))))
    assert "As far as I can read" in said and "might fall" in said


def test_an_instrument_out_of_service_is_never_free() -> None:
    broken = EquipmentEntry(
        4121,
        "Optima XPN-100",
        GENOMICS,
        EquipmentSummary(id=4121, availability_status="under_maintenance"),
    )
    facts = availability([], TODAY, NOW, status="under_maintenance")
    free = check(free_reply(broken, facts, LONDON, ctx(Free("optima", When()))))
    assert "Under maintenance" in free and "isn't free" in free and "Free now" not in free
    days = [(NOW.date(), [])]
    schedule = check(schedule_reply(broken, days, TODAY, LONDON, ctx(Schedule("optima", When()))))
    assert "it's free" not in schedule and "Under maintenance in Clustermarket" in schedule
    unsure = schedule_reply(NANODROP, days, TODAY, LONDON, ctx(Schedule("n", When())), unread=2)
    assert "Nothing I could read is booked" in check(unsure) and "it's free" not in unsure.text


def test_a_booking_in_full() -> None:
    full = BookingDetails(
        id=7961782,
        status="on_hold",
        booking_type="external",
        category="Training",
        start_time=at(25, 9, 30),
        end_time=at(25, 11),
        notes="Bring <your> own tips & plates",
        equipment=booking(None, None).equipment,
        requester=ZOE,
        requester_account=Ref(id=105, name="Structural Biology Lab"),
        provider_account=Ref(id=104, name="Genomics Core Facility"),
        group=Ref(id=1),
        project=Ref(id=501, name="Zebrafish atlas"),
        cost="18.00",
        currency="GBP",
        requested_at=at(20, 8, 7),
    )
    private = check(booking_details_reply(full, LONDON, RenderContext(now=NOW)))
    for fact in ("Wed 25 Mar  09:30–11:00", "1 h 30 min", "• On hold", "Training", "ID 1",
                 "Zebrafish atlas", "18.00 GBP", "&lt;your&gt;", "mailto:", "Booking ID 7961782",
                 "requested Fri 20 Mar 08:07"):  # fmt: skip
        assert fact in private, fact
    shared = check(booking_details_reply(full, LONDON, RenderContext(now=NOW, audience="channel")))
    assert "18.00" not in shared and "tips" not in shared and "mailto:" not in shared
    bare = check(booking_details_reply(BookingDetails(), dt.UTC, RenderContext(now=NOW)))
    assert "time not set" in bare


def test_booking_lines_have_details_buttons_only_in_private() -> None:
    days = [
        (NOW.date(), [booking(at(25, 9), at(25, 10), id=1), booking(at(25, 11), at(25, 12), id=2)])
    ]
    private = schedule_reply(NANODROP, days, TODAY, LONDON, ctx(Schedule("nanodrop", When())))
    details = [b for b in buttons(private) if b["action_id"].startswith("cm_booking:")]
    assert [b["value"] for b in details] == ["1", "2"]
    shared = schedule_reply(NANODROP, days, TODAY, LONDON, ctx(Schedule("n", When()), "channel"))
    assert not [b for b in buttons(shared) if b["action_id"].startswith("cm_booking:")]


def test_a_missing_scope_names_it_and_who_can_fix_it() -> None:
    relink = check(missing_scope_reply("read_bookings", app_asks=True, token_has=False))
    assert "`read_bookings`" in relink and "/cm connect" in relink
    admin = check(missing_scope_reply("read_bookings", app_asks=False, token_has=False))
    assert "CLUSTERMARKET_SCOPES" in admin and "/cm connect" not in admin
    app = check(missing_scope_reply("read_bookings", app_asks=True, token_has=True))
    assert "application" in app and "/cm connect" not in app
    assert missing_scope_reply(None, app_asks=True, token_has=False).failure


def test_disconnect_says_the_truth_about_revocation() -> None:
    assert "confirmed" in check(disconnected_message())
    unconfirmed = check(disconnected_message(revoked=False))
    assert "did not confirm" in unconfirmed and "authorised applications" in unconfirmed
