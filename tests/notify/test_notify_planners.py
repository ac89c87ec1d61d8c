"""The pure planners: what changed between two polls, which reminders are due, when to poll
next, and what a stored poll reads back as. No I/O and no clock: every instant is chosen."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from notify_world import at

from bot.notify.changes import booking_changes, unavailable_changes
from bot.notify.snapshot import SeenBooking, Snapshot
from bot.notify.timing import due_reminders, is_night, next_polls, quick_targets

LONDON = ZoneInfo("Europe/London")
TOKYO = ZoneInfo("Asia/Tokyo")


def seen(
    booking_id: int = 1,
    status: str | None = "approved",
    hour: int = 14,
    day: int = 25,
    **fields: object,
) -> SeenBooking:
    start = fields.pop("start", at(hour, day=day))
    assert isinstance(start, dt.datetime)
    values: dict[str, object] = {
        "id": booking_id,
        "status": status,
        "start": start,
        "end": start + dt.timedelta(hours=1),
        "equipment_id": 4105,
        "equipment": "NanoDrop One",
        **fields,
    }
    return SeenBooking(**values)  # type: ignore[arg-type]


def snap(*bookings: SeenBooking, availability: dict[int, str | None] | None = None) -> Snapshot:
    return Snapshot({b.id: b for b in bookings}, availability or {})


@pytest.mark.parametrize(
    ("before", "after", "kind"),
    [
        ("requested", "approved", "approved"),
        ("pending", "Confirmed", "approved"),
        ("requested", "rejected", "declined"),
        ("requested", "expired", "declined"),
        ("approved", "cancelled", "cancelled"),
        ("approved", "canceled", "cancelled"),
        ("approved", "approved", None),
        ("approved", "completed", None),
        ("cancelled", "declined", None),
        ("approved", "on_hold", None),  # a word never seen before: no news to invent
    ],
)
def test_a_status_change_is_the_change_its_stage_says(
    before: str, after: str, kind: str | None
) -> None:
    changes = booking_changes(
        snap(seen(status=before)), snap(seen(status=after)), gone=(), now=at(8)
    )
    assert [change.kind for change in changes] == ([kind] if kind else [])


def test_moves_gone_bookings_own_cancellations_and_the_past() -> None:
    now = at(8)
    old = snap(seen(1), seen(2), seen(3), seen(4, hour=7), seen(5))
    new = snap(
        seen(1, hour=15),
        seen(3, status="cancelled", cancelled_by_owner=True),
        seen(5, hour=16, status="cancelled"),
    )
    kinds = {
        (c.kind, c.booking.id if c.booking else None, c.gone)
        for c in booking_changes(old, new, gone={2}, now=now)
    }
    assert kinds == {("moved", 1, False), ("cancelled", 2, True), ("cancelled", 5, False)}
    unread = booking_changes(old, new, gone=(), now=now)  # 2 unread, not gone: no news
    assert all(change.booking is None or change.booking.id != 2 for change in unread)


def test_an_instrument_going_out_of_service_with_bookings_this_week() -> None:
    now = at(8)
    mine = seen(1, equipment_id=4106)
    far = seen(2, equipment_id=4107, start=at(9, day=25) + dt.timedelta(days=9))
    before = snap(mine, far, availability={4106: "Available", 4107: "Available", 4108: "Available"})
    after = snap(
        mine,
        far,
        availability={4106: "Under Maintenance", 4107: "Out of order", 4108: "Retired", 4109: "x"},
    )
    [change] = unavailable_changes(before, after, now=now)
    assert (change.equipment_id, change.status, change.affected) == (
        4106,
        "Under Maintenance",
        (mine,),
    )
    assert unavailable_changes(after, after, now=now) == []  # already unavailable: no news


def test_reminders_are_due_from_their_moment_until_the_booking_starts() -> None:
    booking = seen(1, hour=14)
    snapshot = snap(booking, seen(2, hour=15, status="cancelled"))
    assert due_reminders(snapshot, at(13, 44), 15) == []
    [due] = due_reminders(snapshot, at(13, 45), 15)
    assert (due.kind, due.due_at, due.moment) == ("remind_start", at(13, 45), at(14))
    assert due_reminders(snapshot, at(13, 59), 15)[0].key() == due.key()
    assert due_reminders(snapshot, at(14), 15) == []
    assert due_reminders(snapshot, at(13, 50), None) == []  # reminders off
    [nudge] = due_reminders(snapshot, at(14, 50), 15, end_nudge=True)
    assert (nudge.kind, nudge.moment) == ("remind_end", at(15))
    short = snap(seen(3, hour=14, end=at(14, 10)))
    assert due_reminders(short, at(14, 2), 15, end_nudge=True) == []  # ten minutes: no nudge


def test_polls_are_tighter_before_a_booking_and_looser_at_night_or_with_nothing_ahead() -> None:
    soon = snap(seen(1, hour=14))
    day = next_polls(soon, at(13), [LONDON])
    assert (day.full_at, day.quick_at) == (at(14), at(13, 5))
    later = next_polls(snap(seen(1, hour=20)), at(9), [LONDON])
    assert (later.full_at, later.quick_at) == (at(10), at(9, 20))
    night = next_polls(snap(seen(1, hour=5, day=26)), at(23), [LONDON])
    assert (night.full_at, night.quick_at) == (at(2, day=26), at(0, day=26))
    nothing = next_polls(snap(), at(9), [LONDON])
    assert (nothing.full_at, nothing.quick_at) == (at(12), None)
    assert is_night(at(23), [LONDON]) and not is_night(at(23), [LONDON, TOKYO])
    assert quick_targets(snap(seen(1, hour=14), seen(2, hour=14, day=27)), at(9)) == [
        seen(1, hour=14)
    ]


def test_a_snapshot_reads_back_what_it_wrote_and_nothing_from_garbage() -> None:
    snapshot = snap(seen(1, room="G.12 QC Lab"), seen(2, status=None), availability={4105: None})
    assert Snapshot.decode(snapshot.encode()) == snapshot
    for garbage in (None, "", "{not json", "[]", '{"bookings": [{"id": "x"}]}'):
        assert Snapshot.decode(garbage).bookings == {}
