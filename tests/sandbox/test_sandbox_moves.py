"""The sandbox moves: bookings approved, declined, cancelled and moved, instruments put into
maintenance, at once or on its clock, through Python and through the guarded control
endpoint; the shared seeded world is never changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from conftest import Bearer

from bot.sandbox import Sandbox
from bot.sandbox.moves import MoveError
from bot.sandbox.seed import build_world

ZOE = 15001


def own_future_booking(sandbox: Sandbox, status: str = "approved") -> int:
    today = dt.datetime.combine(sandbox.today, dt.time(), dt.UTC)
    return min(
        booking.id
        for booking in sandbox.data.bookings.values()
        if booking.requester_id == ZOE and booking.status == status and booking.start > today
    )


async def booking_json(http: httpx.AsyncClient, auth: dict[str, str], booking_id: int) -> Any:
    response = await http.get(f"/v1/bookings/{booking_id}", headers=auth)
    assert response.status_code == 200
    return response.json()


async def test_a_booking_is_cancelled_by_someone_and_the_api_says_so(
    sandbox: Sandbox, http: httpx.AsyncClient, bearer: Bearer
) -> None:
    auth = bearer()
    booking_id = own_future_booking(sandbox)
    assert "cancelled_by" not in await booking_json(http, auth, booking_id)
    move = sandbox.move_booking(booking_id, status="cancelled", cancelled_by=15002)
    assert move.applied_at is not None
    record = await booking_json(http, auth, booking_id)
    assert record["status"] == "cancelled"
    assert record["cancelled_by"]["name"] == "Margaret Okafor"
    assert build_world(sandbox.today).bookings[booking_id].status == "approved"  # shared world


async def test_a_move_waits_for_its_time_on_the_sandbox_clock(
    sandbox: Sandbox, http: httpx.AsyncClient, bearer: Bearer
) -> None:
    auth = bearer()
    booking_id = own_future_booking(sandbox)
    old = sandbox.data.bookings[booking_id]
    noon = dt.datetime.combine(sandbox.today, dt.time(12), dt.UTC)
    sandbox.set_clock(noon)
    later = old.start + dt.timedelta(hours=2)
    sandbox.move_booking(
        booking_id, start=later, end=later + (old.end - old.start), at=noon + dt.timedelta(hours=1)
    )
    assert (await booking_json(http, auth, booking_id))[
        "start_time"
    ] == f"{old.start:%Y-%m-%dT%H:%M:%SZ}"
    sandbox.set_clock(noon + dt.timedelta(hours=1))
    assert (await booking_json(http, auth, booking_id))[
        "start_time"
    ] == f"{later:%Y-%m-%dT%H:%M:%SZ}"
    assert [move.applied_at for move in sandbox.moves] == [noon + dt.timedelta(hours=1)]


async def test_maintenance_shows_in_the_equipment_list(
    sandbox: Sandbox, http: httpx.AsyncClient, bearer: Bearer
) -> None:
    sandbox.set_availability(4105, "Under Maintenance")
    listed = (await http.get("/v1/equipment", headers=bearer())).json()
    assert {item["id"]: item["availability_status"] for item in listed}[4105] == (
        "Under Maintenance"
    )


def test_moves_that_make_no_sense_are_refused(sandbox: Sandbox) -> None:
    booking_id = own_future_booking(sandbox)
    start = sandbox.data.bookings[booking_id].start
    with pytest.raises(MoveError, match="no booking"):
        sandbox.move_booking(1, status="approved")
    with pytest.raises(MoveError, match="status must be"):
        sandbox.move_booking(booking_id, status="vanished")
    with pytest.raises(MoveError, match="end after it starts"):
        sandbox.move_booking(booking_id, end=start - dt.timedelta(hours=1))
    with pytest.raises(MoveError, match="time zone"):
        sandbox.move_booking(booking_id, start=start.replace(tzinfo=None))
    with pytest.raises(MoveError, match="no equipment"):
        sandbox.set_availability(1, "Under Maintenance")
    assert sandbox.moves == []


async def test_the_control_endpoint_takes_the_token_and_says_what_is_wrong(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    booking_id = own_future_booking(sandbox, "requested")
    path = f"/control/bookings/{booking_id}"
    assert (await http.post(path, json={"status": "approved"})).status_code == 401
    wrong = {"Authorization": "Bearer not-the-token"}
    assert (await http.post(path, json={"status": "approved"}, headers=wrong)).status_code == 401
    auth = {"Authorization": f"Bearer {sandbox.control_token}"}
    bad = await http.post(path, content=b"[1, 2", headers=auth)
    assert bad.status_code == 400 and "JSON object" in bad.json()["error_description"]
    naive = await http.post(path, json={"start": "2026-03-25T09:00:00"}, headers=auth)
    assert naive.status_code == 400 and "time zone" in naive.json()["error_description"]
    missing = await http.post("/control/bookings/1", json={"status": "approved"}, headers=auth)
    assert missing.status_code == 404
    done = await http.post(path, json={"status": "approved"}, headers=auth)
    assert done.status_code == 201 and done.json()["applied_at"] is not None
    assert sandbox.data.bookings[booking_id].status == "approved"
    at = dt.datetime.combine(sandbox.today, dt.time(23), dt.UTC).isoformat()
    clock = await http.post("/control/clock", json={"now": at}, headers=auth)
    assert clock.json() == {"now": at, "fixed": True}
    later = await http.post(
        "/control/equipment/4105",
        json={"availability_status": "Out of order", "at": "2099-01-01T00:00:00Z"},
        headers=auth,
    )
    assert later.status_code == 201 and later.json()["applied_at"] is None
    listed = (await http.get("/control/moves", headers=auth)).json()["moves"]
    assert [move["kind"] for move in listed] == ["booking", "availability"]
    assert (await http.post("/control/clock", json={}, headers=auth)).status_code == 400
