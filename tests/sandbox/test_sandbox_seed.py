"""The seeded world has the shape the bot must cope with, and is the same every time."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.sandbox import SandboxData, build_world
from bot.sandbox.seed import ACTIVE_STATUSES, FIRST_BOOKING_ID, Booking

TODAY = date(2024, 3, 20)


@pytest.fixture(scope="module")
def world() -> SandboxData:
    return build_world(TODAY)


def local_date(world: SandboxData, booking: Booking, moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(world.accounts[booking.provider_lab_id].timezone)).date()


def crosses_midnight(world: SandboxData, booking: Booking) -> bool:
    last_minute = booking.end - timedelta(minutes=1)
    return local_date(world, booking, booking.start) != local_date(world, booking, last_minute)


def test_accounts_form_a_university_and_an_independent_lab(world: SandboxData) -> None:
    kinds = Counter(account.account_type for account in world.accounts.values())
    assert kinds["organisation"] == 1
    assert kinds["department"] == 2
    assert kinds["lab"] >= 5
    labs = world.labs()
    assert any(lab.department_id is None and lab.organisation_id for lab in labs)
    independent = [lab for lab in labs if lab.department_id is None and not lab.organisation_id]
    assert len(independent) == 1
    assert len({account.timezone for account in world.accounts.values()}) >= 3
    assert any(account.description is None for account in world.accounts.values())


def test_equipment_users_and_groups(world: SandboxData) -> None:
    assert 15 <= len(world.equipment) <= 30
    names = Counter(equipment.name for equipment in world.equipment.values())
    duplicated = [name for name, count in names.items() if count > 1]
    assert duplicated
    labs_of_duplicate = {
        equipment.lab_id for equipment in world.equipment.values() if equipment.name in duplicated
    }
    assert len(labs_of_duplicate) >= 2
    statuses = Counter(equipment.availability_status for equipment in world.equipment.values())
    assert statuses["Under Maintenance"] == 1
    assert statuses["Available"] == len(world.equipment) - 1
    assert any(equipment.description is None for equipment in world.equipment.values())

    assert len(world.users) == 12
    assert sum(not user.name.isascii() for user in world.users.values()) >= 4
    assert max(len(user.lab_ids) for user in world.users.values()) >= 3
    independent = next(lab for lab in world.labs() if lab.organisation_id is None)
    assert any(user.lab_ids == (independent.id,) for user in world.users.values())

    for group in world.groups.values():
        assert all(world.equipment[eid].lab_id == group.lab_id for eid in group.equipment_ids)
    assert {group.lab_id for group in world.groups.values()} == {lab.id for lab in world.labs()}


def test_demo_user_is_in_the_busiest_lab_and_sees_a_second(world: SandboxData) -> None:
    demo = world.users[world.demo_user_id]
    assert world.busiest_lab_id() in demo.lab_ids
    assert len(demo.lab_ids) == 2


def test_bookings_are_many_and_concentrated(world: SandboxData) -> None:
    per_lab = Counter(booking.provider_lab_id for booking in world.bookings.values())
    assert per_lab[world.busiest_lab_id()] >= 5000
    per_equipment = Counter(booking.equipment_id for booking in world.bookings.values())
    assert per_equipment[world.busiest_equipment_id()] >= 500
    assert world.equipment[world.busiest_equipment_id()].lab_id == world.busiest_lab_id()


def test_booking_fields_are_plausible(world: SandboxData) -> None:
    bookings = list(world.bookings.values())
    assert all(len(str(booking.id)) == 7 and booking.id >= FIRST_BOOKING_ID for booking in bookings)
    assert len({booking.id for booking in bookings}) == len(bookings)
    assert {booking.status for booking in bookings} == {
        "requested",
        "approved",
        "completed",
        "cancelled",
        "declined",
        "ordered",
    }
    categories = Counter(booking.category for booking in bookings)
    assert categories.most_common(1)[0][0] == "Use"
    assert {"Training", "Preventative Maintenance", "Breakdown", "Repair", "Other"} <= set(
        categories
    )
    assert min(booking.duration for booking in bookings) == 30
    assert max(booking.duration for booking in bookings) <= 9 * 60
    earliest = datetime.combine(TODAY - timedelta(days=31), datetime.min.time(), tzinfo=UTC)
    latest = datetime.combine(TODAY + timedelta(days=32), datetime.min.time(), tzinfo=UTC)
    assert all(earliest <= booking.start < latest for booking in bookings)
    assert {booking.booking_type for booking in bookings} == {"internal", "external"}
    assert any(booking.requester_id is None for booking in bookings)
    assert any(booking.notes for booking in bookings)
    assert any(booking.group is None for booking in bookings)
    assert any(booking.project is None for booking in bookings)
    past_active = [b for b in bookings if b.active and b.end < datetime(2024, 3, 19, tzinfo=UTC)]
    assert Counter(b.status for b in past_active).most_common(1)[0][0] == "completed"


def test_start_times_are_mostly_on_the_half_hour_in_local_time(world: SandboxData) -> None:
    aligned = 0
    for booking in world.bookings.values():
        zone = ZoneInfo(world.accounts[booking.provider_lab_id].timezone)
        aligned += booking.start.astimezone(zone).minute in (0, 30)
    assert aligned / len(world.bookings) > 0.85


def test_some_runs_cross_local_midnight(world: SandboxData) -> None:
    crossing = [b for b in world.bookings.values() if crosses_midnight(world, b)]
    assert len(crossing) >= 20
    assert any(b.requester_id == world.demo_user_id and b.active for b in crossing)


def test_active_bookings_never_overlap_on_one_instrument(world: SandboxData) -> None:
    per_equipment: dict[int, list[Booking]] = defaultdict(list)
    for booking in world.bookings.values():
        if booking.status in ACTIVE_STATUSES:
            per_equipment[booking.equipment_id].append(booking)
    for bookings in per_equipment.values():
        bookings.sort(key=lambda booking: booking.start)
        for earlier, later in itertools.pairwise(bookings):
            assert earlier.end <= later.start, (earlier.id, later.id)
    # ...while cancelled and declined ones may sit on top of live ones.
    live = {(b.equipment_id, b.start) for b in world.bookings.values() if b.active}
    assert any((b.equipment_id, b.start) in live for b in world.bookings.values() if not b.active)


def test_demo_user_has_bookings_today_and_tomorrow(world: SandboxData) -> None:
    london = ZoneInfo("Europe/London")
    mine = [b for b in world.bookings.values() if b.requester_id == world.demo_user_id]
    days = Counter(b.start.astimezone(london).date() for b in mine if b.active)
    assert days[TODAY] >= 2
    assert days[TODAY + timedelta(days=1)] >= 2


def test_world_is_deterministic_and_seed_dependent() -> None:
    first = build_world.__wrapped__(TODAY, 7)
    second = build_world.__wrapped__(TODAY, 7)
    assert list(first.bookings.values()) == list(second.bookings.values())
    assert list(first.accounts) == list(second.accounts)
    other = build_world.__wrapped__(TODAY, 8)
    assert list(other.bookings.values()) != list(first.bookings.values())
    assert build_world(TODAY) is build_world(TODAY)


def test_lists_are_stable_but_not_sorted(world: SandboxData) -> None:
    ids = list(world.bookings)
    assert ids != sorted(ids)
    starts = [booking.start for booking in world.bookings.values()]
    assert starts != sorted(starts)
    assert list(world.equipment) != sorted(world.equipment)
