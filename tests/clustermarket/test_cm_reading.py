"""Reading records in every shape: times, durations, zones, aliases, statuses, and records
that cannot be read (skipped and counted, never the whole list)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.clustermarket.listing import Listing, Skipped
from bot.clustermarket.models import (
    Account,
    AccountSummary,
    Booking,
    BookingDetails,
    Group,
    User,
)
from bot.clustermarket.rails_zones import RAILS_ZONES
from bot.clustermarket.reading import list_body, one_body, read_items, read_one
from bot.clustermarket.statuses import (
    is_active,
    is_available,
    is_known_availability,
    is_known_status,
    status_policy,
)
from bot.clustermarket.times import parse_duration, parse_time, time_format, zone_named

NINE = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected", "kind"),
    [
        ("2026-12-01T09:00:00Z", NINE, "ISO 8601 in UTC (Z)"),
        ("2026-12-01T10:00:00+01:00", NINE, "ISO 8601 with offset"),
        ("2026-12-01 09:00:00 +0000", NINE, "Ruby default (with offset)"),
        ("2026-12-01 04:00:00 -0500", NINE, "Ruby default (with offset)"),
        ("2026-12-01 09:00:00 UTC", NINE, "Ruby default (with offset)"),
        (1796115600, NINE, "epoch seconds"),
        ("1796115600", NINE, "epoch seconds"),
        (1796115600000, NINE, "epoch seconds"),  # milliseconds
        ("2026-12-01 09:00:00", datetime(2026, 12, 1, 9), "wall time without a zone"),
        ("2026-12-01T09:00:00", datetime(2026, 12, 1, 9), "wall time without a zone"),
    ],
)
def test_times_in_every_format(value: object, expected: datetime, kind: str) -> None:
    assert parse_time(value) == expected
    assert (parse_time(value).tzinfo is None) == (expected.tzinfo is None)  # type: ignore[union-attr]
    assert time_format(value) == kind


@pytest.mark.parametrize("value", ["after lunch", "2026-13-01", True, {"at": 9}, -5, 1e20])
def test_unreadable_times_raise(value: object) -> None:
    with pytest.raises((ValueError, OverflowError)):
        parse_time(value)
    assert time_format(value) is None


@pytest.mark.parametrize(
    ("value", "minutes"),
    [
        (270, 270),
        ("270", 270),
        (270.4, 270),
        ("4h 30m", 270),
        ("4h30m", 270),
        ("4 hours 30 minutes", 270),
        ("2 h, 15 min", 135),
        ("1:30", 90),
        ("PT4H30M", 270),
        ("P1DT2H", 1560),
        ("PT90M", 90),
        ("", None),
        (None, None),
    ],
)
def test_durations_in_every_form(value: object, minutes: int | None) -> None:
    assert parse_duration(value) == minutes


@pytest.mark.parametrize("value", ["soon", "4x", "P", "PT", "-5", True, [1]])
def test_unreadable_durations_raise(value: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(value)


def test_zones_by_iana_or_rails_name() -> None:
    assert zone_named("Europe/London") == ZoneInfo("Europe/London")
    assert zone_named("London") == ZoneInfo("Europe/London")
    assert zone_named("Eastern Time (US & Canada)") == ZoneInfo("America/New_York")
    assert zone_named("Atlantis") is None and zone_named("") is None
    assert all(zone_named(name) is not None for name in RAILS_ZONES)
    assert Account.model_validate({"time_zone": "Tokyo"}).timezone == "Asia/Tokyo"


# -- one booking, every shape ---------------------------------------------------------------

_PLAIN = {"start_time": "2026-12-01T09:00:00Z", "end_time": "2026-12-01T10:30:00Z"}


@pytest.mark.parametrize(
    ("start", "end"),
    [("start_time", "end_time"), ("starts_at", "ends_at"), ("start_at", "end_at"),
     ("start", "end"), ("from", "to")],
)  # fmt: skip
def test_time_field_aliases(start: str, end: str) -> None:
    booking = Booking.model_validate({start: "2026-12-01T09:00:00Z", end: 1796121000})
    assert booking.start_time == NINE and booking.end_time == NINE + timedelta(minutes=90)


@pytest.mark.parametrize(
    "shape",
    [
        {"requester": {"id": 7, "name": "Zoë Ångström", "email": "z@lab.example"}},
        {"requester": {"id": 7, "first_name": "Zoë", "last_name": "Ångström"}},
        {"requester_id": 7, "requester_name": "Zoë Ångström"},
        {"requester_id": "7", "requester_first_name": "Zoë", "requester_last_name": "Ångström"},
        {"user": {"id": 7, "full_name": "Zoë Ångström"}},
    ],
)
def test_requester_in_every_shape(shape: dict[str, Any]) -> None:
    booking = Booking.model_validate({**_PLAIN, **shape})
    assert booking.requester is not None
    assert booking.requester.id == 7 and booking.requester.name == "Zoë Ångström"
    assert booking.is_requested_by(7, "someone else")


def test_requester_as_a_name_or_an_id_alone() -> None:
    named = Booking.model_validate({**_PLAIN, "requester": "Zoë Ångström"})
    assert named.requester is not None and named.requester.id is None
    assert named.is_requested_by(7, "zoë  ångström") and not named.is_requested_by(7, "Ada")
    numbered = Booking.model_validate({**_PLAIN, "requester": 7})
    assert numbered.requester is not None and numbered.requester.id == 7
    assert not Booking.model_validate(_PLAIN).is_requested_by(7, "Zoë Ångström")


def test_flat_ids_and_bare_references() -> None:
    flat = BookingDetails.model_validate(
        {
            **_PLAIN,
            "equipment_id": 4105,
            "equipment_name": "NanoDrop One",
            "provider_account_id": 104,
            "group_name": "RNA biology",
            "project": 501,
            "category": {"name": "Training"},
            "duration": "1h 30m",
            "state": "Approved",
        }
    )
    assert flat.equipment is not None and (flat.equipment.id, flat.equipment.name) == (
        4105,
        "NanoDrop One",
    )
    assert flat.provider_account is not None and flat.provider_account.id == 104
    assert flat.group is not None and flat.group.name == "RNA biology"
    assert flat.project is not None and flat.project.id == 501
    assert (flat.category, flat.duration, flat.status) == ("Training", 90, "Approved")
    assert Booking.model_validate({"equipment": "NanoDrop One"}).equipment.name == "NanoDrop One"  # type: ignore[union-attr]


def test_group_equipment_as_ids_and_users_by_one_name() -> None:
    group = Group.model_validate({"id": 1, "equipment_ids": [4101, "4102", None]})
    assert [ref.id for ref in group.equipment] == [4101, 4102]
    assert User.model_validate({"id": 3, "name": "Zoë Ångström"}).display_name == "Zoë Ångström"


@pytest.mark.parametrize(
    ("record", "kind"),
    [
        ({"account_type": "organization"}, "organisation"),
        ({"type": "Lab"}, "lab"),
        ({"kind": "Department"}, "department"),
        ({"departments": [{"id": 2}], "labs": [{"id": 3}]}, "organisation"),
        ({"labs": [3, 4], "organisation": {"id": 1}}, "department"),
        ({"labs": [{"id": 3}]}, "organisation"),
        ({"department": 2, "organisation": 1}, "lab"),
    ],
)
def test_account_kind_stated_or_judged_by_its_place(record: dict[str, Any], kind: str) -> None:
    assert Account.model_validate({"id": 9, **record}).kind == kind


def test_an_account_summary_without_a_type_says_so() -> None:
    assert AccountSummary.model_validate({"id": 9, "name": "Genomics"}).kind is None


# -- lists: tolerant per record ----------------------------------------------------------------


def test_a_bad_field_is_dropped_a_bad_record_skipped_and_both_counted() -> None:
    records = [
        {**_PLAIN, "id": 1, "requester": {"id": "seven"}},  # requester unreadable: dropped
        {"id": 2, "start_time": "after lunch", "equipment": {"id": 4105}},
        "booking 3 could not be exported",
        None,  # a null item is no record at all
        {"id": 4, "start_time": "2026-12-01T09:00:00Z", "duration": 30},  # end from duration
        {"id": 5, "start_time": "2026-12-01T09:00:00Z"},
        {"id": 6, "start_time": "2026-12-01T09:00:00Z", "end_time": "2026-12-01T08:00:00Z"},
    ]
    items, skipped = read_items(Booking, records, page=3)
    assert [item.id for item in items] == [1, 4]
    assert items[0].requester is None
    assert items[1].end_time == NINE + timedelta(minutes=30)
    reasons = {skip.record_id: skip.reason for skip in skipped}
    assert reasons == {
        2: "start_time unreadable",
        None: "not an object",
        5: "no end time or duration",
        6: "ends before it starts",
    }
    unread = next(skip for skip in skipped if skip.record_id == 2)
    assert unread.where == "page 3, item 2" and unread.equipment_id == 4105
    assert unread.start is None and unread.might_cover(NINE, NINE + timedelta(hours=1))
    assert "after lunch" not in repr(skipped)


def test_a_skipped_booking_with_readable_times_only_covers_them() -> None:
    skip = Skipped("page 1, item 1", "status unreadable", start=NINE, end=NINE + timedelta(hours=1))
    assert skip.might_cover(NINE + timedelta(minutes=30), NINE + timedelta(hours=2))
    assert not skip.might_cover(NINE + timedelta(hours=1), NINE + timedelta(hours=2))


def test_a_listing_is_a_list_that_knows_what_it_missed() -> None:
    listing = Listing(
        [1, 2], skipped=[Skipped("p", "r", equipment_id=5), Skipped("p", "r")], partial=True
    )
    assert listing == [1, 2] and listing.unread == 2 and not listing.complete
    assert len(listing.skipped_of_equipment(5)) == 2 and len(listing.skipped_of_equipment(6)) == 1


@pytest.mark.parametrize("key", ["data", "items", "results", "records", "bookings"])
def test_list_envelopes(key: str) -> None:
    assert list_body({key: [1], "meta": {"total": 1}}) == ([1], {key: [1], "meta": {"total": 1}})
    assert list_body([1]) == ([1], {})
    assert list_body({"id": 1}) is None and list_body("text") is None


def test_one_record_unwrapped() -> None:
    assert one_body({"data": {"id": 1}}) == {"id": 1}
    assert one_body({"booking": {"id": 1}, "meta": {}}) == {"id": 1}
    assert one_body({"id": 1, "equipment": {"id": 2}}) == {"id": 1, "equipment": {"id": 2}}
    assert read_one(Booking, ["not", "a", "record"]) == (None, "not an object")


# -- statuses ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "holds", "label"),
    [
        ("approved", True, "Approved"),
        ("Pending", True, "Pending"),
        ("cancelled", False, "Cancelled"),
        ("Canceled", False, "Cancelled"),
        ("declined", False, "Declined"),
        ("REJECTED", False, "Rejected"),
        ("expired", False, "Expired"),
        ("deleted", False, "Deleted"),
        ("withdrawn", False, "Withdrawn"),
        ("on_hold", True, "On hold"),
    ],
)
def test_the_status_table(status: str, holds: bool, label: str) -> None:
    policy = status_policy(status)
    assert policy is not None and (policy.holds, policy.label) == (holds, label)
    assert is_active(status) is holds
    assert is_known_status(status) is (status != "on_hold")
    assert is_active(None) and status_policy(" ") is None


@pytest.mark.parametrize(
    ("availability", "free"),
    [
        (None, True),
        ("Available", True),
        ("available_for_booking", True),
        ("Under Maintenance", False),
        ("under_maintenance", False),
        ("Out of order", False),
        ("Retired", False),
        ("broken", False),
        ("Booked out for the summer", False),
    ],
)
def test_anything_but_available_is_never_free(availability: str | None, free: bool) -> None:
    assert is_available(availability) is free
    assert is_known_availability(availability) is (availability != "Booked out for the summer")
