"""The sandbox's /v1 API: fields, paging, order, visibility, scopes, faults and knobs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from bot.sandbox import Sandbox, SandboxKnobs

Bearer = Callable[..., dict[str, str]]

# The property names of openapi.yaml's schemas (the spec is not shipped with the project).
ACCOUNT_SUMMARY = {"id", "name", "account_type"}
ACCOUNT = ACCOUNT_SUMMARY | {
    "sector",
    "description",
    "timezone",
    "department",
    "organisation",
    "labs",
    "departments",
}
EQUIPMENT_SUMMARY = {
    "id",
    "name",
    "description",
    "room",
    "availability_status",
    "model",
    "manufacturer",
    "sub_category",
    "contact_person",
}
EQUIPMENT = {
    "id",
    "name",
    "room",
    "manufacturer",
    "model",
    "city",
    "country",
    "currency",
    "charging_type",
    "description",
    "category",
    "lab",
    "manufacturing_year",
    "serial_number",
}
BOOKING = {
    "id",
    "status",
    "booking_type",
    "category",
    "start_time",
    "end_time",
    "duration",
    "notes",
    "equipment",
    "requester",
    "requester_account",
    "provider_account",
    "group",
    "project",
    "cost",
    "currency",
    "requested_at",
}
GROUP_SUMMARY = {"id", "name"}
GROUP = {"id", "name", "equipment"}
USER = {"id", "first_name", "last_name", "email"}  # email: beyond the schema, see the knob

EMILY = 15011  # sees only the independent lab
MANAGER = 15002


async def get(
    http: httpx.AsyncClient, path: str, headers: dict[str, str], **params: Any
) -> httpx.Response:
    return await http.get("/v1" + path, headers=headers, params=params)


async def test_every_path_answers_with_the_schema_fields(
    sandbox: Sandbox, http: httpx.AsyncClient, bearer: Bearer
) -> None:
    auth = bearer()
    lists = {
        "/accounts": ACCOUNT_SUMMARY,
        "/bookings": BOOKING,
        "/equipment": EQUIPMENT_SUMMARY,
        "/groups": GROUP_SUMMARY,
        f"/equipment/{sandbox.busiest_equipment_id()}/bookings": BOOKING,
    }
    for path, fields in lists.items():
        response = await get(http, path, auth)
        assert response.status_code == 200, path
        assert response.headers["Content-Type"].startswith("application/json")
        items = response.json()
        assert items, path
        assert all(set(item) == fields for item in items), path

    details = {
        "/accounts/104": ACCOUNT,
        "/accounts/101": ACCOUNT,
        f"/equipment/{sandbox.busiest_equipment_id()}": EQUIPMENT,
        "/groups/201": GROUP,
        "/me": USER,
    }
    for path, fields in details.items():
        response = await get(http, path, auth)
        assert response.status_code == 200, path
        assert set(response.json()) == fields, path

    booking = (await get(http, "/bookings", auth, per_page=1)).json()[0]
    detail = await get(http, f"/bookings/{booking['id']}", auth)
    assert detail.json() == booking
    assert booking["start_time"].endswith("Z") and booking["end_time"].endswith("Z")
    assert isinstance(booking["duration"], int)
    assert set(booking["equipment"]) == {"id", "name", "room"}
    assert isinstance(booking["cost"], str)

    me = (await get(http, "/me", auth)).json()
    assert me == {
        "id": sandbox.demo_user_id,
        "first_name": "Zoë",
        "last_name": "Ångström",
        "email": "zoe.angstrom@northbridge.ac.uk",
    }
    sandbox.knobs.user_email = False  # the published schema's shape exactly
    schema_only = (await get(http, "/me", auth)).json()
    assert schema_only == {"id": sandbox.demo_user_id, "first_name": "Zoë", "last_name": "Ångström"}


async def test_account_details_link_the_hierarchy(http: httpx.AsyncClient, bearer: Bearer) -> None:
    auth = bearer(MANAGER)
    lab = (await get(http, "/accounts/104", auth)).json()
    assert lab["department"] == {"id": 102, "name": "Department of Biochemistry"}
    assert lab["organisation"]["id"] == 101
    assert lab["labs"] == [] and lab["departments"] == []
    university = (await get(http, "/accounts/101", auth)).json()
    assert university["department"] is None and university["organisation"] is None
    assert {ref["id"] for ref in university["departments"]} == {102, 103}
    assert len(university["labs"]) == 5
    tokyo = (await get(http, "/accounts/108", auth)).json()
    assert tokyo["timezone"] == "Asia/Tokyo" and tokyo["department"] is None
    independent = (await get(http, "/accounts/109", bearer(EMILY))).json()
    assert independent["timezone"] == "America/New_York"
    assert independent["organisation"] is None and independent["department"] is None


async def test_paging_walks_the_busiest_lab(
    sandbox: Sandbox, http: httpx.AsyncClient, bearer: Bearer
) -> None:
    auth = bearer()
    lab = sandbox.busiest_lab_id()
    first = await get(http, "/bookings", auth, provider_account=lab)
    total = int(first.headers["X-Total-Records"])
    assert total >= 5000
    assert first.headers["X-Current-Page"] == "1"
    assert first.headers["X-Per-Page"] == "100"
    seen = [item["id"] for item in first.json()]
    page = 2
    while True:
        response = await get(http, "/bookings", auth, provider_account=lab, page=page)
        assert response.headers["X-Current-Page"] == str(page)
        items = response.json()
        if not items:
            break
        assert all(item["provider_account"]["id"] == lab for item in items)
        seen.extend(item["id"] for item in items)
        page += 1
    assert page - 1 >= 50
    assert len(seen) == len(set(seen)) == total


async def test_page_size_clamps_and_bad_values_are_400(
    http: httpx.AsyncClient, bearer: Bearer
) -> None:
    auth = bearer()
    clamped = await get(http, "/bookings", auth, per_page=1000)
    assert clamped.headers["X-Per-Page"] == "100"
    assert len(clamped.json()) == 100
    small = await get(http, "/bookings", auth, per_page=7, page=3)
    assert len(small.json()) == 7
    assert small.headers["X-Per-Page"] == "7" and small.headers["X-Current-Page"] == "3"
    past_end = await get(http, "/groups", auth, page=99)
    assert past_end.status_code == 200 and past_end.json() == []
    assert past_end.headers["X-Total-Records"] == "5"
    for params in (
        {"per_page": "0"},
        {"per_page": "-5"},
        {"per_page": "ten"},
        {"page": "0"},
        {"page": "1.5"},
    ):
        response = await get(http, "/equipment", auth, **params)
        assert response.status_code == 400, params
        assert response.json()["error"] == "invalid_request"


async def test_lists_are_stable_but_unsorted(
    sandbox: Sandbox, http: httpx.AsyncClient, bearer: Bearer
) -> None:
    auth = bearer()
    path = f"/equipment/{sandbox.busiest_equipment_id()}/bookings"
    first = (await get(http, path, auth)).json()
    again = (await get(http, path, auth)).json()
    assert [item["id"] for item in first] == [item["id"] for item in again]
    ids = [item["id"] for item in first]
    starts = [item["start_time"] for item in first]
    assert ids != sorted(ids) and ids != sorted(ids, reverse=True)
    assert starts != sorted(starts) and starts != sorted(starts, reverse=True)
    equipment_ids = [item["id"] for item in (await get(http, "/equipment", auth)).json()]
    assert equipment_ids != sorted(equipment_ids)


async def test_filters_by_account(
    sandbox: Sandbox, http: httpx.AsyncClient, bearer: Bearer
) -> None:
    auth = bearer()
    genomics = (await get(http, "/equipment", auth, account=104)).json()
    assert {item["id"] for item in genomics} == {
        e.id for e in sandbox.data.equipment.values() if e.lab_id == 104
    }
    department = (await get(http, "/equipment", auth, account=102)).json()
    assert len(department) == len(
        [e for e in sandbox.data.equipment.values() if e.lab_id in (104, 105)]
    )
    groups = (await get(http, "/groups", auth, account=105)).json()
    assert {item["name"] for item in groups} == {"Sample Preparation", "Chromatography"}
    equipment_bookings = await get(http, "/equipment/4101/bookings", auth)
    assert int(equipment_bookings.headers["X-Total-Records"]) == len(
        sandbox.data.bookings_of_equipment(4101)
    )
    assert (await get(http, "/equipment", auth, account="x")).status_code == 400
    assert (await get(http, "/equipment", auth, account=999)).status_code == 404


async def test_visibility_is_403_for_hidden_and_404_for_missing(
    sandbox: Sandbox, http: httpx.AsyncClient, bearer: Bearer
) -> None:
    auth = bearer(EMILY)
    accounts = (await get(http, "/accounts", auth)).json()
    assert accounts == [{"id": 109, "name": "Hudson Valley Biolabs", "account_type": "lab"}]
    assert int((await get(http, "/equipment", auth)).headers["X-Total-Records"]) == 4
    genomics_booking = next(
        b.id for b in sandbox.data.bookings.values() if b.provider_lab_id == 104
    )
    forbidden = [
        "/accounts/101",
        "/accounts/104",
        f"/equipment/{sandbox.busiest_equipment_id()}",
        f"/equipment/{sandbox.busiest_equipment_id()}/bookings",
        "/groups/201",
        f"/bookings/{genomics_booking}",
    ]
    for path in forbidden:
        response = await get(http, path, auth)
        assert response.status_code == 403, path
        assert response.json()["error"] == "forbidden"
    for path, params in (
        ("/equipment", {"account": 104}),
        ("/groups", {"account": 101}),
        ("/bookings", {"provider_account": 104}),
    ):
        assert (await get(http, path, auth, **params)).status_code == 403
    missing = [
        "/accounts/1",
        "/equipment/1",
        "/equipment/1/bookings",
        "/groups/1",
        "/bookings/1",
        "/bookings/abc",
        "/equipment/4105x",
        "/groups/-1",
    ]
    for path in missing:
        response = await get(http, path, auth)
        assert response.status_code == 404, path
        assert response.json()["error"] == "not_found"


async def test_requesters_see_their_bookings_in_other_labs(
    sandbox: Sandbox, http: httpx.AsyncClient, bearer: Bearer
) -> None:
    external = next(
        b
        for b in sandbox.data.bookings.values()
        if b.requester_id in sandbox.data.users
        and b.provider_lab_id not in sandbox.data.users[b.requester_id].lab_ids
    )
    assert external.requester_id is not None
    auth = bearer(external.requester_id)
    response = await get(http, f"/bookings/{external.id}", auth)
    assert response.status_code == 200
    assert response.json()["booking_type"] == "external"
    assert (await get(http, f"/equipment/{external.equipment_id}", auth)).status_code == 403


async def test_scopes_are_enforced(http: httpx.AsyncClient, bearer: Bearer) -> None:
    auth = bearer(scopes="read_user")
    assert (await get(http, "/me", auth)).status_code == 200
    for path in ("/bookings", "/accounts", "/equipment/4105", "/groups"):
        response = await get(http, path, auth)
        assert response.status_code == 403, path
        assert response.json()["error"] == "insufficient_scope"
        assert "insufficient_scope" in response.headers["WWW-Authenticate"]
    no_user = bearer(scopes="read_bookings")
    assert (await get(http, "/me", no_user)).status_code == 403
    assert (await get(http, "/bookings", no_user)).status_code == 200


async def test_missing_bad_expired_and_revoked_tokens_are_401(
    sandbox: Sandbox, http: httpx.AsyncClient, bearer: Bearer
) -> None:
    auth = bearer()
    sandbox.revoke_user(sandbox.demo_user_id)
    expiring = bearer(MANAGER)
    sandbox.expire_access_tokens(MANAGER)
    for headers in (
        {},
        {"Authorization": "Bearer cmsa_nope"},
        {"Authorization": "Basic eDp5"},
        auth,
        expiring,
    ):
        response = await get(http, "/bookings", headers)
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_token"
        assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


async def test_unknown_paths_and_methods(http: httpx.AsyncClient, bearer: Bearer) -> None:
    auth = bearer()
    for path in ("/v1/users", "/v1", "/v2/me", "/nothing"):
        response = await http.get(path, headers=auth)
        assert response.status_code == 404, path
        assert response.json()["error"] == "not_found"
    response = await http.post("/v1/bookings", headers=auth)
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


async def test_faults_are_fifo_and_come_before_auth(
    sandbox: Sandbox, http: httpx.AsyncClient, bearer: Bearer
) -> None:
    auth = bearer()
    sandbox.faults.fail_next(2)
    sandbox.faults.fail_next(status=500)
    sandbox.faults.rate_limit_next(retry_after=3)
    sandbox.faults.garble_next()
    sandbox.faults.garble_next(kind="content_type")
    assert len(sandbox.faults) == 6

    assert (await get(http, "/me", {})).status_code == 503
    assert (await get(http, "/me", auth)).json()["error"] == "service_unavailable"
    assert (await get(http, "/me", auth)).status_code == 500
    limited = await get(http, "/me", auth)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "3"
    garbled = await get(http, "/me", auth)
    assert garbled.status_code == 200
    assert garbled.headers["Content-Type"].startswith("application/json")
    with pytest.raises(json.JSONDecodeError):
        json.loads(garbled.text)
    html = await get(http, "/me", auth)
    assert html.status_code == 200
    assert html.headers["Content-Type"].startswith("text/html")
    assert html.text.startswith("<html>") and html.text.endswith("</html>")
    assert (await get(http, "/me", auth)).status_code == 200
    # OAuth is not a /v1 path: faults wait for the next API call.
    sandbox.faults.fail_next()
    assert (await http.get("/oauth/authorize")).status_code == 400
    assert (await get(http, "/me", auth)).status_code == 503
    with pytest.raises(ValueError):
        sandbox.faults.fail_next(status=200)
    with pytest.raises(ValueError):
        sandbox.faults.garble_next(kind="xml")  # type: ignore[arg-type]


async def test_knobs(sandbox: Sandbox, http: httpx.AsyncClient, bearer: Bearer) -> None:
    auth = bearer()
    sandbox.knobs.error_rate = 1.0
    assert (await get(http, "/me", auth)).status_code == 503
    sandbox.knobs.error_rate = 0.0
    sandbox.knobs.rate_limit_rate = 1.0
    sandbox.knobs.retry_after = 2
    limited = await get(http, "/me", auth)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "2"
    sandbox.knobs = SandboxKnobs(total_header=False)
    response = await get(http, "/bookings", auth)
    assert response.status_code == 200
    assert "X-Total-Records" not in response.headers
    assert response.headers["X-Per-Page"] == "100"
    sandbox.knobs.latency = 0.15
    started = time.perf_counter()
    assert (await get(http, "/me", auth)).status_code == 200
    assert time.perf_counter() - started >= 0.15


async def test_error_rate_is_partial_and_seeded(sandbox: Sandbox) -> None:
    async def statuses() -> list[int]:
        async with Sandbox(knobs=SandboxKnobs(error_rate=0.5), today=sandbox.today) as noisy:
            token = noisy.grant_tokens(noisy.demo_user_id)["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            async with httpx.AsyncClient(base_url=noisy.api_url) as client:
                return [(await client.get("/me", headers=headers)).status_code for _ in range(30)]

    first = await statuses()
    assert set(first) == {200, 503}
    assert await statuses() == first


async def test_stats_count_requests(
    sandbox: Sandbox, http: httpx.AsyncClient, bearer: Bearer
) -> None:
    auth = bearer()
    await get(http, "/me", auth)
    await get(http, "/me", auth)
    await get(http, "/bookings", auth, page=2)
    assert sandbox.stats.requests["GET /v1/me"] == 2
    assert sandbox.stats.requests["GET /v1/bookings"] == 1
    assert sandbox.stats.total("GET /v1/") == 3


async def test_sandboxes_do_not_share_state(sandbox: Sandbox, bearer: Bearer) -> None:
    auth = bearer()
    sandbox.faults.fail_next(5)
    async with Sandbox(today=sandbox.today) as other:
        assert other.data is sandbox.data
        assert len(other.faults) == 0
        async with httpx.AsyncClient(base_url=other.api_url) as client:
            assert (await client.get("/me", headers=auth)).status_code == 401
        assert other.stats.requests["GET /v1/me"] == 1
    assert sandbox.stats.requests["GET /v1/me"] == 0


async def test_base_url_needs_a_running_sandbox() -> None:
    idle = Sandbox()
    with pytest.raises(RuntimeError):
        _ = idle.api_url
    await idle.start()
    assert idle.oauth_url.startswith("http://127.0.0.1:")
    assert idle.api_url == idle.base_url + "/v1"
    await idle.stop()


def test_run_sandbox_prints_settings_and_stops_cleanly_on_ctrl_c() -> None:
    code = "from bot.sandbox import run_sandbox; run_sandbox(port=0)"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8"}
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and a fixed snippet
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        while not lines or not lines[-1].startswith("Press Ctrl-C"):
            line = process.stdout.readline()
            assert line, process.stderr.read() if process.stderr else ""
            lines.append(line.strip())
        settings = dict(line.split("=", 1) for line in lines if line.startswith("CLUSTERMARKET_"))
        assert settings["CLUSTERMARKET_CLIENT_ID"] == "cmbot-sandbox"
        assert settings["CLUSTERMARKET_CLIENT_SECRET"] == "sandbox-secret-not-for-production"
        assert settings["CLUSTERMARKET_API_URL"] == settings["CLUSTERMARKET_OAUTH_URL"] + "/v1"
        assert any(line.startswith("Authorize page: http") for line in lines)
        assert any("Zoë Ångström" in line for line in lines if line.startswith("Demo users:"))
        response = httpx.get(settings["CLUSTERMARKET_API_URL"] + "/me")
        assert response.status_code == 401
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
        assert process.returncode == 0
        assert "Traceback" not in stderr
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
