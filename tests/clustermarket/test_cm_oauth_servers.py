"""OAuth as Doorkeeper-style servers do it: client credentials by HTTP Basic or form fields
(`auto` switches once on invalid_client and remembers), PKCE S256 on every authorize, each
URL and the scopes from settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from pydantic import SecretStr

from bot.clustermarket.errors import OAuthError
from bot.clustermarket.oauth import ClientAuth, OAuthClient, code_challenge, make_code_verifier
from bot.config import Settings
from bot.sandbox import Sandbox
from bot.sandbox.browser import submit_authorize_page

REDIRECT = "http://localhost:3000/clustermarket/oauth/callback"
USER = 15001


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


def client_for(
    sandbox: Sandbox, http: httpx.AsyncClient, auth: ClientAuth = "auto", **overrides: str
) -> OAuthClient:
    secret = overrides.pop("secret", sandbox.client_secret)
    return OAuthClient(
        sandbox.oauth_url, sandbox.client_id, secret, REDIRECT, http, client_auth=auth
    )


async def code_with_pkce(oauth: OAuthClient, http: httpx.AsyncClient) -> tuple[str, str]:
    verifier = make_code_verifier()
    url = oauth.authorize_url("s", code_challenge=code_challenge(verifier))
    redirect = await submit_authorize_page(http, url, USER)
    return parse_qs(urlsplit(redirect).query)["code"][0], verifier


def test_pkce_is_s256_of_a_fresh_verifier() -> None:
    verifier = make_code_verifier()
    assert 43 <= len(verifier) <= 128 and verifier != make_code_verifier()
    challenge = code_challenge(verifier)
    assert len(challenge) == 43 and "=" not in challenge  # 32 bytes, base64url unpadded
    assert challenge != code_challenge(make_code_verifier())


def test_every_url_scope_and_way_of_authenticating_comes_from_settings() -> None:
    settings = Settings(
        _env_file=None,
        CLUSTERMARKET_CLIENT_ID="id",
        CLUSTERMARKET_CLIENT_SECRET=SecretStr("secret"),
        CLUSTERMARKET_AUTHORIZE_URL="https://login.example/authorize?tenant=lab",
        CLUSTERMARKET_TOKEN_URL="https://login.example/token",
        CLUSTERMARKET_REVOKE_URL="",
        CLUSTERMARKET_SCOPES="read_user  read_bookings",
        CLUSTERMARKET_TOKEN_AUTH="body",
    )
    oauth = OAuthClient.from_settings(settings, httpx.AsyncClient())
    assert oauth.token_endpoint == "https://login.example/token"
    assert oauth.revoke_endpoint == "https://app.clustermarket.com/oauth/revoke"
    url = oauth.authorize_url("st", code_challenge="c" * 43)
    assert url.startswith("https://login.example/authorize?tenant=lab&client_id=id&")
    query = parse_qs(urlsplit(url).query)
    assert query["scope"] == ["read_user read_bookings"]
    assert query["code_challenge_method"] == ["S256"] and query["state"] == ["st"]
    assert (oauth.client_auth_mode, oauth.client_auth) == ("body", "body")


async def test_a_basic_only_server_that_requires_pkce(http: httpx.AsyncClient) -> None:
    async with Sandbox(dialect="rails") as sandbox:
        auto = client_for(sandbox, http)
        code, verifier = await code_with_pkce(auto, http)
        tokens = await auto.exchange_code(code, code_verifier=verifier)
        assert tokens.access_token and auto.client_auth == "basic"
        assert sandbox.stats.requests["POST /oauth/token"] == 1  # Basic first: no retry

        body_only = client_for(sandbox, http, "body")
        code, verifier = await code_with_pkce(body_only, http)
        with pytest.raises(OAuthError) as refused:
            await body_only.exchange_code(code, code_verifier=verifier)
        assert refused.value.error == "invalid_client"

        code, _ = await code_with_pkce(auto, http)
        with pytest.raises(OAuthError) as wrong:
            await auto.exchange_code(code, code_verifier=make_code_verifier())
        assert wrong.value.error == "invalid_grant"

        without = await http.get(sandbox.authorize_url(REDIRECT, "s"), follow_redirects=False)
        assert without.status_code == 302
        assert "error=invalid_request" in without.headers["location"]


async def test_auto_switches_once_to_form_fields_and_remembers(http: httpx.AsyncClient) -> None:
    async with Sandbox(dialect="envelope") as sandbox:
        oauth = client_for(sandbox, http)
        code, verifier = await code_with_pkce(oauth, http)
        tokens = await oauth.exchange_code(code, code_verifier=verifier)
        assert oauth.client_auth == "body"
        assert sandbox.stats.requests["POST /oauth/token"] == 2  # Basic refused, then the form
        assert tokens.refresh_token is not None
        await oauth.refresh(tokens.refresh_token)
        await oauth.revoke(tokens.access_token)
        assert sandbox.stats.requests["POST /oauth/token"] == 3  # remembered: no second try
        assert sandbox.stats.requests["POST /oauth/revoke"] == 1
        with pytest.raises(OAuthError) as basic:
            await client_for(sandbox, http, "basic").refresh("cmsr_unknown")
        assert basic.value.error == "invalid_client"


async def test_wrong_credentials_fail_both_ways_and_settle_on_neither(
    http: httpx.AsyncClient,
) -> None:
    async with Sandbox() as sandbox:
        oauth = client_for(sandbox, http, secret="wrong")
        for _ in range(2):
            with pytest.raises(OAuthError) as refused:
                await oauth.refresh("cmsr_whatever")
            assert refused.value.error == "invalid_client"
        assert sandbox.stats.requests["POST /oauth/token"] == 4


async def test_basic_credentials_are_form_encoded(http: httpx.AsyncClient) -> None:
    async with Sandbox(client_id="cm bot:1", client_secret="s&c:ret %", dialect="rails") as sandbox:
        oauth = client_for(sandbox, http, "basic")
        code, verifier = await code_with_pkce(oauth, http)
        assert (await oauth.exchange_code(code, code_verifier=verifier)).access_token


async def test_a_challenge_must_be_s256_and_a_code_with_one_needs_its_verifier(
    http: httpx.AsyncClient,
) -> None:
    async with Sandbox() as sandbox:
        plain = sandbox.authorize_url(REDIRECT, "s") + "&code_challenge=" + "x" * 43
        refused = await http.get(plain + "&code_challenge_method=plain", follow_redirects=False)
        assert "error=invalid_request" in refused.headers["location"]
        oauth = client_for(sandbox, http)
        code, _ = await code_with_pkce(oauth, http)
        with pytest.raises(OAuthError) as missing:
            await oauth.exchange_code(code)
        assert missing.value.error == "invalid_grant"
        bare = sandbox.issue_code(USER, REDIRECT)  # the reference takes a code without PKCE
        assert (await oauth.exchange_code(bare)).access_token
