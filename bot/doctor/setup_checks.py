"""The settings one by one, and whether the OAuth authorize, token and revoke URLs answer as an
OAuth server should: each reached once, with nothing that could link or revoke anyone."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx

from bot.clustermarket.errors import OAuthError
from bot.clustermarket.oauth import OAuthClient, code_challenge, make_code_verifier
from bot.clustermarket.operations import OPERATIONS, REQUIRED_SCOPES
from bot.config import Settings
from bot.doctor.report import Check

_PROBE_CODE = "cmbot-doctor-not-a-code"  # a code no server issued, on purpose
_PROBE_TOKEN = "cmbot-doctor-not-a-token"  # noqa: S105 - a token no server issued


def _loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _where(url: str) -> str:
    """A URL without its query: what the doctor may print."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _required(settings: Settings, name: str, why: str) -> Check:
    value = getattr(settings, name)
    if value is None or value == [] or value == "":
        return Check("FAIL", f"setting {name}", f"not set: {why}")
    return Check("OK", f"setting {name}", "set")


def settings_checks(settings: Settings) -> Iterator[Check]:
    """Each setting cmbot needs to talk to Clustermarket and Slack, in words."""
    yield _required(settings, "CLUSTERMARKET_CLIENT_ID", "the OAuth application's client id")
    yield _required(settings, "CLUSTERMARKET_CLIENT_SECRET", "the OAuth application's secret")
    yield _required(settings, "TOKEN_ENCRYPTION_KEY", "make one with `cmbot keygen`")
    yield _required(settings, "SLACK_BOT_TOKEN", "`cmbot serve` needs the bot token")
    if settings.socket_mode:
        yield Check("OK", "setting SLACK_APP_TOKEN", "set: Socket Mode")
    else:
        yield _required(settings, "SLACK_SIGNING_SECRET", "HTTP mode verifies Slack with it")
    for name in (name for name in Settings.model_fields if name.endswith("_URL")):
        url = getattr(settings, name)
        if url is None:
            yield Check("OK", f"setting {name}", "not set: derived from CLUSTERMARKET_OAUTH_URL")
        elif url.startswith("http://") and not _loopback(url):
            yield Check("WARN", f"setting {name}", f"{_where(url)} is plain http: use https")
        else:
            yield Check("OK", f"setting {name}", _where(url))
    asked = settings.CLUSTERMARKET_SCOPES.split()
    missing = [scope for scope in REQUIRED_SCOPES if scope not in asked]
    if missing:
        hurt = sorted({op.name for op in OPERATIONS if op.scope in missing})
        yield Check(
            "WARN",
            "setting CLUSTERMARKET_SCOPES",
            f"does not ask for {', '.join(missing)}: {', '.join(hurt)} will be refused",
            {"missing_scopes": missing},
        )
    else:
        yield Check("OK", "setting CLUSTERMARKET_SCOPES", " ".join(asked))
    yield Check("OK", "setting CLUSTERMARKET_TOKEN_AUTH", settings.CLUSTERMARKET_TOKEN_AUTH)


async def oauth_checks(oauth: OAuthClient, http: httpx.AsyncClient) -> list[Check]:
    """The authorize page answers; the token URL takes the client's credentials (a code no
    server issued must come back `invalid_grant`, not `invalid_client`); the revoke URL
    answers RFC 7009's 200 for a token it does not know."""
    return [
        await _authorize(oauth, http),
        await _token(oauth),
        await _revoke(oauth),
    ]


async def _authorize(oauth: OAuthClient, http: httpx.AsyncClient) -> Check:
    name = f"authorize URL {_where(oauth.authorize_endpoint)}"
    url = oauth.authorize_url("cmbot-doctor", code_challenge=code_challenge(make_code_verifier()))
    try:
        response = await http.get(url, follow_redirects=False)
    except httpx.HTTPError as error:
        return Check("FAIL", name, f"unreachable ({type(error).__name__})")
    status = response.status_code
    facts = {"status": status}
    if status < 400:
        return Check("OK", name, f"answers HTTP {status}", facts)
    if status == 404:
        return Check("FAIL", name, "HTTP 404: no authorize page there", facts)
    return Check(
        "WARN",
        name,
        f"answers HTTP {status}: is the redirect URI {oauth.redirect_uri} registered?",
        facts,
    )


async def _token(oauth: OAuthClient) -> Check:
    name = f"token URL {_where(oauth.token_endpoint)}"
    try:
        await oauth.exchange_code(_PROBE_CODE, code_verifier=make_code_verifier())
    except OAuthError as refusal:
        how = "HTTP Basic" if oauth.client_auth == "basic" else "form fields"
        facts = {"error": refusal.error, "client_auth": oauth.client_auth}
        if refusal.error == "invalid_grant":
            return Check("OK", name, f"takes the client's credentials by {how}", facts)
        if refusal.error == "invalid_client":
            return Check(
                "FAIL",
                name,
                "refuses the client id and secret (tried HTTP Basic and form fields)"
                if oauth.client_auth_mode == "auto"
                else f"refuses the client id and secret by {how}",
                facts,
            )
        if refusal.error is None:
            return Check("FAIL", name, "does not answer as an OAuth token endpoint", facts)
        return Check("WARN", name, f"answers `{refusal.error}` for a made-up code", facts)
    return Check("WARN", name, "accepted a made-up code: is this an OAuth server?")


async def _revoke(oauth: OAuthClient) -> Check:
    name = f"revoke URL {_where(oauth.revoke_endpoint)}"
    try:
        await oauth.revoke(_PROBE_TOKEN)
    except OAuthError as refusal:
        if refusal.error == "invalid_client":
            return Check("FAIL", name, "refuses the client id and secret")
        return Check(
            "WARN",
            name,
            "does not confirm revocations: /cm disconnect will say so",
            {"error": refusal.error},
        )
    return Check("OK", name, "confirms revocations")
