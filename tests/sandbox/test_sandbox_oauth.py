"""The sandbox's OAuth server: authorize page, codes, token endpoint, rotation, revocation."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from bot.sandbox import ALL_SCOPES, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox

REDIRECT = "http://localhost:3000/clustermarket/oauth/callback"
CLIENT = {"client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET}


def authorize_params(**overrides: str) -> dict[str, str]:
    params = {
        "client_id": DEMO_CLIENT_ID,
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": ALL_SCOPES,
        "state": "st-123",
    }
    params.update(overrides)
    return {key: value for key, value in params.items() if value != "<omit>"}


def redirect_query(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(REDIRECT.split("?")[0])
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


async def approve(http: httpx.AsyncClient, user_id: int, **overrides: str) -> dict[str, str]:
    form = {**authorize_params(**overrides), "user_id": str(user_id), "decision": "approve"}
    return redirect_query(await http.post("/oauth/authorize", data=form))


async def exchange(
    http: httpx.AsyncClient, code: str, redirect_uri: str = REDIRECT
) -> httpx.Response:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    return await http.post("/oauth/token", data={**data, **CLIENT})


async def refresh(http: httpx.AsyncClient, token: str) -> httpx.Response:
    data = {"grant_type": "refresh_token", "refresh_token": token}
    return await http.post("/oauth/token", data={**data, **CLIENT})


async def me(http: httpx.AsyncClient, access_token: str) -> httpx.Response:
    return await http.get("/v1/me", headers={"Authorization": f"Bearer {access_token}"})


async def test_authorize_page_lists_users_and_escapes_everything(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    hostile = '"><script>alert(1)</script>'
    response = await http.get("/oauth/authorize", params=authorize_params(state=hostile))
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    page = response.text
    assert "<script>" not in page
    assert "&quot;&gt;&lt;script&gt;" in page
    assert "Zoë Ångström" in page
    assert "O&#x27;Brien" in page
    assert "Genomics Core Facility" in page
    assert 'value="approve"' in page and 'value="deny"' in page
    assert f'value="{sandbox.demo_user_id}" checked' in page
    assert 'action="/oauth/authorize"' in page


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"client_id": "someone-else"}, "Unknown client_id"),
        ({"redirect_uri": "<omit>"}, "redirect_uri"),
        ({"redirect_uri": "javascript:alert(1)"}, "redirect_uri"),
        ({"response_type": "token"}, "response_type"),
    ],
)
async def test_bad_authorize_requests_get_an_error_page_not_a_redirect(
    http: httpx.AsyncClient, override: dict[str, str], message: str
) -> None:
    for response in (
        await http.get("/oauth/authorize", params=authorize_params(**override)),
        await http.post(
            "/oauth/authorize",
            data={**authorize_params(**override), "user_id": "15001", "decision": "approve"},
        ),
    ):
        assert response.status_code == 400
        assert "Location" not in response.headers
        assert message in response.text


async def test_unknown_scope_redirects_with_invalid_scope(http: httpx.AsyncClient) -> None:
    response = await http.get(
        "/oauth/authorize", params=authorize_params(scope="read_user write_everything")
    )
    query = redirect_query(response)
    assert query["error"] == "invalid_scope"
    assert query["state"] == "st-123"


async def test_approve_redirects_with_code_and_state_keeping_the_query(
    http: httpx.AsyncClient,
) -> None:
    query = await approve(http, 15002, redirect_uri=REDIRECT + "?team=T1")
    assert query["state"] == "st-123"
    assert query["team"] == "T1"
    assert query["code"].startswith("cmsc_")


async def test_deny_redirects_with_access_denied(http: httpx.AsyncClient) -> None:
    form = {**authorize_params(), "user_id": "15001", "decision": "deny"}
    query = redirect_query(await http.post("/oauth/authorize", data=form))
    assert query["error"] == "access_denied"
    assert query["error_description"]
    assert query["state"] == "st-123"
    assert "code" not in query


async def test_post_without_a_known_user_is_refused(http: httpx.AsyncClient) -> None:
    for user_id in ("", "99", "abc"):
        form = {**authorize_params(), "user_id": user_id, "decision": "approve"}
        assert (await http.post("/oauth/authorize", data=form)).status_code == 400


async def test_code_exchange_is_single_use(sandbox: Sandbox, http: httpx.AsyncClient) -> None:
    query = await approve(http, 15008)
    response = await exchange(http, query["code"])
    assert response.status_code == 200
    tokens = response.json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["access_token"].startswith("cmsa_")
    assert tokens["refresh_token"].startswith("cmsr_")
    assert tokens["scope"] == ALL_SCOPES
    assert tokens["expires_in"] == 3600
    assert abs(tokens["created_at"] - time.time()) < 60
    assert response.headers["Cache-Control"] == "no-store"
    assert (await me(http, tokens["access_token"])).json()["last_name"] == "Wróbel"
    assert sandbox.stats.grants["authorization_code"] == 1

    again = await exchange(http, query["code"])
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    # Reusing a code revokes what it granted (RFC 6749 4.1.2).
    assert (await me(http, tokens["access_token"])).status_code == 401
    assert sandbox.stats.grants["authorization_code"] == 1


async def test_code_is_bound_to_redirect_uri_and_expires(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    code = sandbox.issue_code(sandbox.demo_user_id, REDIRECT)
    wrong = await exchange(http, code, "http://localhost:3000/elsewhere")
    assert wrong.json()["error"] == "invalid_grant"

    stale = sandbox.issue_code(sandbox.demo_user_id, REDIRECT)
    sandbox.advance_time(601)
    expired = await exchange(http, stale)
    assert expired.status_code == 400
    assert expired.json()["error"] == "invalid_grant"
    assert "expired" in expired.json()["error_description"]


async def test_token_endpoint_errors(http: httpx.AsyncClient) -> None:
    bad_client = await http.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": "x", "client_id": DEMO_CLIENT_ID},
    )
    assert bad_client.status_code == 401
    assert bad_client.json()["error"] == "invalid_client"
    wrong_secret = await http.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": "x"},
        auth=(DEMO_CLIENT_ID, "nope"),
    )
    assert wrong_secret.status_code == 401
    assert wrong_secret.headers["WWW-Authenticate"].startswith("Basic")

    cases = [
        ({}, "invalid_request"),
        ({"grant_type": "password"}, "unsupported_grant_type"),
        ({"grant_type": "authorization_code", "redirect_uri": REDIRECT}, "invalid_request"),
        (
            {"grant_type": "authorization_code", "code": "cmsc_x", "redirect_uri": REDIRECT},
            "invalid_grant",
        ),
        ({"grant_type": "refresh_token"}, "invalid_request"),
        ({"grant_type": "refresh_token", "refresh_token": "cmsr_nope"}, "invalid_grant"),
    ]
    for data, error in cases:
        response = await http.post("/oauth/token", data={**data, **CLIENT})
        assert response.status_code == 400, data
        assert response.json()["error"] == error, data
        assert response.json()["error_description"]


async def test_refresh_rotates_and_the_old_pair_dies_at_the_new_tokens_first_use(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    """Doorkeeper's refresh_token_revoked_on_use: a lost answer can be asked for again."""
    first = sandbox.grant_tokens(sandbox.demo_user_id)
    response = await refresh(http, str(first["refresh_token"]))
    assert response.status_code == 200
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert sandbox.stats.grants["refresh_token"] == 1

    again = await refresh(http, str(first["refresh_token"]))  # as if the answer was lost
    assert again.status_code == 200
    third = again.json()
    assert (await me(http, str(first["access_token"]))).status_code == 200  # not yet used
    assert (await me(http, third["access_token"])).status_code == 200  # first use of the new
    reuse = await refresh(http, str(first["refresh_token"]))
    assert reuse.status_code == 400
    assert reuse.json()["error"] == "invalid_grant"
    assert (await me(http, str(first["access_token"]))).status_code == 401  # its pair died too
    assert (await refresh(http, third["refresh_token"])).status_code == 200


async def test_strict_refresh_kills_the_old_pair_at_once(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    sandbox.knobs.strict_refresh = True
    first = sandbox.grant_tokens(sandbox.demo_user_id)
    second = (await refresh(http, str(first["refresh_token"]))).json()
    reuse = await refresh(http, str(first["refresh_token"]))
    assert reuse.status_code == 400
    assert reuse.json()["error"] == "invalid_grant"
    assert (await me(http, str(first["access_token"]))).status_code == 401
    assert (await me(http, second["access_token"])).status_code == 200
    assert (await refresh(http, second["refresh_token"])).status_code == 200


async def test_the_token_endpoint_can_answer_late_after_doing_its_work(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    sandbox.knobs.token_latency = 0.3
    first = sandbox.grant_tokens(sandbox.demo_user_id)
    with pytest.raises(httpx.ReadTimeout):
        await http.post(
            "/oauth/token",
            data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
            auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
            timeout=0.05,
        )
    for _ in range(100):  # rotated, though nobody heard the answer
        if sandbox.stats.grants["refresh_token"] == 1:
            break
        await asyncio.sleep(0.01)
    assert sandbox.stats.grants["refresh_token"] == 1


async def test_expired_access_token_refreshes(sandbox: Sandbox, http: httpx.AsyncClient) -> None:
    sandbox.knobs.access_token_ttl = 30
    tokens = sandbox.grant_tokens(15004)
    assert tokens["expires_in"] == 30
    assert (await me(http, str(tokens["access_token"]))).status_code == 200
    sandbox.advance_time(31)
    expired = await me(http, str(tokens["access_token"]))
    assert expired.status_code == 401
    assert "expired" in expired.json()["error_description"]
    renewed = await refresh(http, str(tokens["refresh_token"]))
    assert (await me(http, renewed.json()["access_token"])).status_code == 200


async def test_revoke_refresh_token_kills_its_access_tokens(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    tokens = sandbox.grant_tokens(sandbox.demo_user_id)
    other = sandbox.grant_tokens(sandbox.demo_user_id)
    response = await http.post("/oauth/revoke", data={"token": tokens["refresh_token"], **CLIENT})
    assert response.status_code == 200
    assert response.json() == {}
    assert (await me(http, str(tokens["access_token"]))).status_code == 401
    assert (await refresh(http, str(tokens["refresh_token"]))).json()["error"] == "invalid_grant"
    assert (await me(http, str(other["access_token"]))).status_code == 200

    response = await http.post(
        "/oauth/revoke",
        data={"token": other["access_token"]},
        auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
    )
    assert response.status_code == 200
    assert (await me(http, str(other["access_token"]))).status_code == 401
    assert (await refresh(http, str(other["refresh_token"]))).status_code == 200

    unknown = await http.post("/oauth/revoke", data={"token": "cmsa_unknown", **CLIENT})
    assert unknown.status_code == 200
    assert sandbox.stats.revocations == 3
    bad_client = await http.post("/oauth/revoke", data={"token": "x", "client_id": "x"})
    assert bad_client.status_code == 401
    assert sandbox.stats.revocations == 3


async def test_revoke_user_and_expire_helpers(sandbox: Sandbox, http: httpx.AsyncClient) -> None:
    mine = sandbox.grant_tokens(sandbox.demo_user_id)
    theirs = sandbox.grant_tokens(15002)
    sandbox.expire_access_tokens(sandbox.demo_user_id)
    assert (await me(http, str(mine["access_token"]))).status_code == 401
    assert (await me(http, str(theirs["access_token"]))).status_code == 200
    renewed = (await refresh(http, str(mine["refresh_token"]))).json()
    assert (await me(http, renewed["access_token"])).status_code == 200

    sandbox.revoke_user(sandbox.demo_user_id)
    assert (await me(http, renewed["access_token"])).status_code == 401
    assert (await refresh(http, renewed["refresh_token"])).json()["error"] == "invalid_grant"
    assert (await me(http, str(theirs["access_token"]))).status_code == 200
    with pytest.raises(ValueError, match="no sandbox user"):
        sandbox.grant_tokens(424242)


async def test_token_endpoint_honours_latency(sandbox: Sandbox, http: httpx.AsyncClient) -> None:
    tokens = sandbox.grant_tokens(sandbox.demo_user_id)
    sandbox.knobs.latency = 0.2
    started = time.perf_counter()
    response = await refresh(http, str(tokens["refresh_token"]))
    assert response.status_code == 200
    assert time.perf_counter() - started >= 0.2


async def test_scope_can_be_narrowed_at_authorize(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    query = await approve(http, sandbox.demo_user_id, scope="read_user")
    tokens = (await exchange(http, query["code"])).json()
    assert tokens["scope"] == "read_user"
    assert (await me(http, tokens["access_token"])).status_code == 200
