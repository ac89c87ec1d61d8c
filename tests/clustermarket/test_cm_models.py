"""The models read whatever the API sends: nulls, missing fields, unknown keys, naive times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from bot.clustermarket.models import (
    Account,
    AccountSummary,
    Booking,
    BookingDetails,
    Equipment,
    EquipmentSummary,
    Group,
    GroupSummary,
    Ref,
    User,
)
from bot.questions.days import in_window, is_active
from bot.questions.when import Window

ALL_MODELS = (Ref, AccountSummary, Account, EquipmentSummary, Equipment, Booking, GroupSummary)


@pytest.mark.parametrize("model", [*ALL_MODELS, Group, User])
def test_empty_object_is_a_valid_record(model: type[Ref]) -> None:
    record = model.model_validate({})
    assert record.id is None


def test_unknown_fields_are_ignored() -> None:
    user = User.model_validate({"id": 3, "first_name": "Ada", "shoe_size": 38, "tags": [1]})
    assert user.id == 3
    assert not hasattr(user, "shoe_size")


def test_account_tolerates_null_nested_objects_and_lists() -> None:
    account = Account.model_validate(
        {
            "id": 7,
            "name": "Graphene Lab",
            "account_type": "lab",
            "department": None,
            "organisation": None,
            "labs": None,
            "departments": [None, {"id": 2, "name": "Physics", "extra": True}],
            "description": None,
            "new_field": {"nested": [1, 2]},
        }
    )
    assert account.department is None
    assert account.organisation is None
    assert account.labs == []
    assert account.departments == [Ref(id=2, name="Physics")]
    assert account.is_lab and not account.is_department and not account.is_organisation


def test_account_kinds() -> None:
    assert AccountSummary(account_type="Organisation").is_organisation
    assert AccountSummary(account_type="department").is_department
    assert not AccountSummary(account_type=None).is_lab


def test_missing_lists_default_to_empty() -> None:
    assert Group.model_validate({"id": 1}).equipment == []
    assert Group.model_validate({"id": 1, "equipment": None}).equipment == []
    assert Account.model_validate({}).labs == []


def test_equipment_tolerates_nulls() -> None:
    equipment = Equipment.model_validate(
        {"id": 5, "name": "NovaSeq", "category": None, "lab": None, "manufacturing_year": 2019}
    )
    assert equipment.category is None and equipment.lab is None
    assert equipment.manufacturing_year == "2019"  # a number where text belongs is kept
    detailed = Equipment.model_validate({"category": {"name": "Sequencers", "id": 9}})
    assert detailed.category == "Sequencers"  # an object or a plain name
    summary = EquipmentSummary.model_validate({"sub_category": None, "contact_person": None})
    assert summary.sub_category is None and summary.contact_person is None


@pytest.mark.parametrize("model", [Booking, BookingDetails])
def test_booking_with_every_nested_object_null(model: type[Booking]) -> None:
    booking = model.model_validate(
        {
            "id": 1,
            "status": None,
            "equipment": None,
            "requester": None,
            "requester_account": None,
            "provider_account": None,
            "group": None,
            "project": None,
            "start_time": None,
            "end_time": "",
            "cost": 12.5,
            "requested_at": None,
        }
    )
    assert booking.equipment is None and booking.requester is None
    assert booking.start_time is None and booking.end_time is None
    assert booking.cost == "12.5"
    assert is_active(booking.status)
    year = Window(datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC), "2026")
    assert in_window([booking], year) == []  # no times: placed on no timeline


def test_booking_times_keep_their_zone_and_naive_ones_stay_naive() -> None:
    booking = BookingDetails.model_validate(
        {
            "start_time": "2026-03-25T09:30:00",  # naive: the lab's zone, placed by the client
            "end_time": "2026-03-25T11:00:00+01:00",
            "requested_at": "2026-03-20T08:00:00Z",
        }
    )
    assert booking.start_time == datetime(2026, 3, 25, 9, 30)  # never silently UTC
    assert booking.end_time is not None
    assert booking.end_time.utcoffset() == timedelta(hours=1)
    assert booking.end_time == datetime(2026, 3, 25, 10, 0, tzinfo=UTC)
    assert booking.requested_at == datetime(2026, 3, 20, 8, 0, tzinfo=UTC)


def test_booking_statuses_that_hold_the_equipment() -> None:
    for status in ("requested", "approved", "completed", "ordered", "something_new"):
        assert is_active(Booking(status=status).status)
    for status in ("cancelled", "Canceled", "DECLINED"):
        assert not is_active(Booking(status=status).status)


def test_booking_overlaps_half_open() -> None:
    start = datetime(2026, 3, 25, 9, 0, tzinfo=UTC)
    booking = Booking(start_time=start, end_time=start + timedelta(hours=2))

    def overlaps(first: datetime, last: datetime) -> bool:
        return in_window([booking], Window(first, last, "window")) == [booking]

    assert overlaps(start + timedelta(hours=1), start + timedelta(hours=3))
    assert overlaps(start - timedelta(hours=1), start + timedelta(minutes=1))
    assert not overlaps(start + timedelta(hours=2), start + timedelta(hours=3))
    assert not overlaps(start - timedelta(hours=1), start)
    # A naive window is UTC; a window in another zone compares by instant.
    assert overlaps(datetime(2026, 3, 25, 10, 0), datetime(2026, 3, 25, 10, 30))
    plus_two = timezone(timedelta(hours=2))
    assert overlaps(
        datetime(2026, 3, 25, 12, 0, tzinfo=plus_two), datetime(2026, 3, 25, 13, 0, tzinfo=plus_two)
    )


def test_booking_end_from_duration() -> None:
    start = datetime(2026, 3, 25, 9, 0, tzinfo=UTC)
    booking = Booking(start_time=start, duration=90)
    assert booking.ends_at == start + timedelta(minutes=90)
    assert booking.ends_at > start + timedelta(minutes=89)
    assert not booking.ends_at > start + timedelta(minutes=90)
    assert Booking(start_time=start).ends_at is None


def test_user_display_name() -> None:
    assert User(id=1, first_name="Ada", last_name="Lovelace").display_name == "Ada Lovelace"
    assert User(id=1, first_name=" Ada ", last_name=None).display_name == "Ada"
    assert User(id=4, first_name="", last_name=None).display_name == "user 4"
    assert User().display_name == "unknown user"


def test_wrong_kind_of_value_is_rejected() -> None:
    with pytest.raises(ValidationError):
        Booking.model_validate({"start_time": "not a date"})
    with pytest.raises(ValidationError):
        Ref.model_validate({"id": "seven"})
