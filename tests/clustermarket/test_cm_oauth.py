"""OAuth helpers against the sandbox's OAuth server, and no secret in any log or error."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from bot.clustermarket.client import ClustermarketClient
from bot.clustermarket.errors import ClustermarketError, OAuthError, ReconnectRequired
from bot.clustermarket.oauth import SCOPES, OAuthClient
from bot.clustermarket.tokens import TokenSet, UserKey
from bot.sandbox import ALL_SCOPES, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox
from bot.store import Store


def test_authorize_url_carries_every_parameter_encoded(redirect_uri: str) -> None:
    oauth = OAuthClient("https://app.example.com/", "my client", "s3cret", redirect_uri, None)  # type: ignore[arg-type]
    state = "a b&c=d/é?#"

    url = oauth.authorize_url(state)

    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "app.example.com",
        "/oauth/authorize",
    )
    assert parse_qs(parts.query, strict_parsing=True) == {
        "client_id": ["my client"],
        "redirect_uri": [redirect_uri],
        "response_type": ["code"],
        "scope": ["read_user read_accounts read_equipment read_bookings"],
        "state": [state],
    }
    assert "scope=read_user%20read_accounts%20read_equipment%20read_bookings" in parts.query
    assert "s3cret" not in url and "s3cret" not in repr(oauth)
    assert SCOPES == ALL_SCOPES


async def test_sandbox_accepts_the_authorize_url(
    sandbox: Sandbox, oauth: OAuthClient, http: httpx.AsyncClient
) -> None:
    response = await http.get(oauth.authorize_url("state-123"))
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]


async def test_exchange_code_gives_working_tokens(
    sandbox: Sandbox,
    oauth: OAuthClient,
    client: ClustermarketClient,
    store: Store,
    redirect_uri: str,
    key: UserKey,
) -> None:
    code = sandbox.issue_code(sandbox.demo_user_id, redirect_uri)

    tokens = await oauth.exchange_code(code)

    assert tokens.access_token and tokens.refresh_token
    assert tokens.scopes == ALL_SCOPES
    assert tokens.expires_at is not None
    assert abs(tokens.expires_at - (datetime.now(UTC) + timedelta(hours=1))) < timedelta(seconds=30)
    assert sandbox.stats.grants["authorization_code"] == 1
    owner = await client.whoami(tokens.access_token)  # before any link exists
    assert owner.id == sandbox.demo_user_id
    with pytest.raises(ReconnectRequired):
        await client.whoami("cmsa_not-a-token")
    await store.save_link(key, cm_user_id=sandbox.demo_user_id, cm_user_name="Demo", tokens=tokens)
    assert (await client.for_user(key).me()).id == sandbox.demo_user_id

    with pytest.raises(OAuthError) as caught:  # codes are single-use
        await oauth.exchange_code(code)
    assert caught.value.error == "invalid_grant" and caught.value.invalid_grant
    assert code not in str(caught.value)


async def test_exchange_code_with_another_redirect_uri_is_refused(
    sandbox: Sandbox, oauth: OAuthClient
) -> None:
    code = sandbox.issue_code(sandbox.demo_user_id, "http://elsewhere.example/callback")
    with pytest.raises(OAuthError) as caught:
        await oauth.exchange_code(code)
    assert caught.value.invalid_grant


async def test_refresh_rotates_the_refresh_token(
    sandbox: Sandbox, oauth: OAuthClient, linked: TokenSet
) -> None:
    assert linked.refresh_token is not None
    sandbox.knobs.strict_refresh = True  # the spent refresh token dies at once

    new = await oauth.refresh(linked.refresh_token, scopes="kept if absent")

    assert new.access_token != linked.access_token
    assert new.refresh_token is not None and new.refresh_token != linked.refresh_token
    assert new.scopes == ALL_SCOPES  # the answer's scopes win
    with pytest.raises(OAuthError) as caught:
        await oauth.refresh(linked.refresh_token)
    assert caught.value.invalid_grant
    assert linked.refresh_token not in str(caught.value)


async def test_wrong_client_secret_is_invalid_client(
    sandbox: Sandbox, http: httpx.AsyncClient, redirect_uri: str, linked: TokenSet
) -> None:
    wrong = OAuthClient(sandbox.oauth_url, DEMO_CLIENT_ID, "not-the-secret", redirect_uri, http)
    assert linked.refresh_token is not None
    with pytest.raises(OAuthError) as caught:
        await wrong.refresh(linked.refresh_token)
    assert caught.value.error == "invalid_client"
    assert not caught.value.invalid_grant
    assert "not-the-secret" not in str(caught.value)


async def test_unreachable_oauth_server_is_not_invalid_grant(
    http: httpx.AsyncClient, redirect_uri: str
) -> None:
    cut_off = OAuthClient(
        "http://127.0.0.1:1", DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, redirect_uri, http
    )
    with pytest.raises(OAuthError) as caught:
        await cut_off.refresh("cmsr_whatever")
    assert caught.value.error is None
    assert "ConnectError" in str(caught.value)


async def test_revoke_kills_the_access_token(
    sandbox: Sandbox, oauth: OAuthClient, http: httpx.AsyncClient, linked: TokenSet
) -> None:
    me_url = sandbox.api_url + "/me"
    bearer = {"Authorization": f"Bearer {linked.access_token}"}
    assert (await http.get(me_url, headers=bearer)).status_code == 200

    await oauth.revoke(linked.access_token)

    assert sandbox.stats.revocations == 1
    assert (await http.get(me_url, headers=bearer)).status_code == 401


async def test_revoke_failure_raises_oauth_error(
    sandbox: Sandbox, http: httpx.AsyncClient, redirect_uri: str, linked: TokenSet
) -> None:
    wrong = OAuthClient(sandbox.oauth_url, DEMO_CLIENT_ID, "not-the-secret", redirect_uri, http)
    with pytest.raises(OAuthError) as caught:
        await wrong.revoke(linked.access_token)
    assert caught.value.error == "invalid_client"
    assert linked.access_token not in str(caught.value)
    assert sandbox.stats.revocations == 0


# Answers the sandbox never gives: a transport that plays a token endpoint's reply.


def _replying(status: int, body: bytes, content_type: str = "application/json") -> OAuthClient:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers={"Content-Type": content_type})

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return OAuthClient("https://cm.example", "id", "secret", "https://bot.example/cb", http)


async def test_refresh_answer_without_refresh_token_keeps_the_old_one() -> None:
    body = {"access_token": "new-access", "token_type": "Bearer", "expires_in": 60}
    oauth = _replying(200, json.dumps(body).encode())
    tokens = await oauth.refresh("old-refresh", scopes="read_user")
    assert tokens.access_token == "new-access"
    assert tokens.refresh_token == "old-refresh"
    assert tokens.scopes == "read_user"
    assert tokens.expires_at is not None
    assert tokens.expires_within(timedelta(seconds=61))
    assert not tokens.expires_within(timedelta(seconds=50))


async def test_token_answer_without_expiry_never_expires() -> None:
    oauth = _replying(200, b'{"access_token": "a", "refresh_token": "r"}')
    tokens = await oauth.exchange_code("code")
    assert tokens.expires_at is None
    assert tokens.scopes == SCOPES


@pytest.mark.parametrize(
    ("status", "body", "content_type"),
    [
        (503, b'{"error": "temporarily_unavailable"}', "application/json"),
        (500, b"<html>oops</html>", "text/html"),
        (200, b"<html>login</html>", "text/html"),
        (200, b'["not", "an", "object"]', "application/json"),
        (200, b'{"token_type": "Bearer"}', "application/json"),
        (400, b"plain refusal", "text/plain"),
    ],
)
async def test_unusable_token_answers_are_oauth_errors_without_a_code(
    status: int, body: bytes, content_type: str
) -> None:
    oauth = _replying(status, body, content_type)
    with pytest.raises(OAuthError) as caught:
        await oauth.refresh("some-refresh-token")
    assert caught.value.error is None
    assert not caught.value.invalid_grant
    assert "some-refresh-token" not in str(caught.value)


async def test_echoed_secrets_are_scrubbed_from_error_descriptions() -> None:
    body = {"error": "invalid_grant", "error_description": "token the-refresh is bad (secret)"}
    oauth = _replying(400, json.dumps(body).encode())
    with pytest.raises(OAuthError) as caught:
        await oauth.refresh("the-refresh")
    assert caught.value.invalid_grant
    assert "the-refresh" not in str(caught.value)
    assert "(secret)" not in str(caught.value)
    assert "[redacted]" in str(caught.value)


# -- nothing secret in logs or errors ---------------------------------------------------------


async def test_no_token_in_any_log_record_or_error(
    sandbox: Sandbox,
    oauth: OAuthClient,
    client: ClustermarketClient,
    store: Store,
    redirect_uri: str,
    key: UserKey,
    link: Callable[..., TokenSet],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    secrets: set[str] = {DEMO_CLIENT_SECRET}
    errors: list[BaseException] = []
    api = client.for_user(key, kept=False)

    code = sandbox.issue_code(sandbox.demo_user_id, redirect_uri)
    secrets.add(code)
    tokens = await oauth.exchange_code(code)
    secrets.update({tokens.access_token, str(tokens.refresh_token)})
    await store.save_link(key, cm_user_id=sandbox.demo_user_id, cm_user_name="Demo", tokens=tokens)

    sandbox.expire_access_tokens()
    await api.accounts()  # 401, refresh, retry
    refreshed = await store.load_tokens(key)
    secrets.update({refreshed.access_token, str(refreshed.refresh_token)})

    sandbox.faults.fail_next(count=1, status=503)
    sandbox.faults.rate_limit_next(count=1, retry_after=0)
    await api.me()
    for fault in ("json", "content_type"):
        sandbox.faults.garble_next(kind=fault)
        try:
            await api.me()
        except ClustermarketError as error:
            errors.append(error)
    narrow_key = UserKey(key.team_id, "U-narrow")
    narrow = await link(narrow_key, scopes="read_user")
    secrets.update({narrow.access_token, str(narrow.refresh_token)})
    try:
        await client.for_user(narrow_key).accounts()
    except ClustermarketError as error:
        errors.append(error)

    sandbox.revoke_user(sandbox.demo_user_id)
    try:
        await api.me()
    except ClustermarketError as error:
        errors.append(error)
    broken = await store.get_link(key)
    assert broken is not None and broken.status == "broken"
    await oauth.revoke(refreshed.access_token)
    try:
        await oauth.exchange_code(code)  # a used code: invalid_grant
    except OAuthError as error:
        errors.append(error)

    assert len(errors) == 5
    assert caplog.records
    texts = [record.getMessage() for record in caplog.records]
    texts += [str(error) for error in errors] + [repr(error) for error in errors]
    texts += [repr(tokens), repr(oauth), repr(api), repr(broken)]
    for secret in secrets:
        assert len(secret) > 8
        leaks = [text for text in texts if secret in text]
        assert not leaks, leaks
