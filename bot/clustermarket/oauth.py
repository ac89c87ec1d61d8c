"""Clustermarket's OAuth 2.0 authorization-code flow, as Doorkeeper-style servers run it.

Authorize links carry PKCE (S256) and the configured scopes; the client authenticates at the
token and revoke URLs by HTTP Basic or by form fields (`client_auth`: "auto" tries Basic, the
scheme RFC 6749 obliges servers to take, and switches once to form fields on
`invalid_client`, remembering what worked for the life of the process). Each URL may be set
on its own. Tokens, codes, verifiers and the client secret never reach an exception message,
a log line or a repr: the errors carry only the RFC 6749 error code and a scrubbed description.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import math
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from urllib.parse import quote, urlencode, urlsplit

import httpx
from pydantic import SecretStr

from bot.clustermarket.errors import OAuthError
from bot.clustermarket.tokens import TokenSet
from bot.config import Settings, SettingsError
from bot.observability.metrics import UpstreamFailure, record_upstream

logger = logging.getLogger("bot.clustermarket")

SCOPES = "read_user read_accounts read_equipment read_bookings"
"""Everything the bot reads; nothing it could write with."""

ClientAuth = Literal["auto", "basic", "body"]

_REDACTED = "[redacted]"
_MAX_DESCRIPTION = 200


def _scrub(text: str, secrets: tuple[str, ...]) -> str:
    """Remove any secret the server might echo back, and keep the text short."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, _REDACTED)
    return " ".join(text.split())[:_MAX_DESCRIPTION]


def make_code_verifier() -> str:
    """A fresh PKCE code verifier (RFC 7636): 64 random bytes, 86 URL-safe characters."""
    return secrets.token_urlsafe(64)


def code_challenge(verifier: str) -> str:
    """The S256 challenge of a verifier: base64url of its SHA-256, without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class OAuthClient:
    """Talks to the OAuth server's authorize, token and revoke URLs with the bot's client
    credentials."""

    def __init__(
        self,
        oauth_url: str,
        client_id: str,
        client_secret: str | SecretStr,
        redirect_uri: str,
        http: httpx.AsyncClient,
        *,
        scopes: str = SCOPES,
        client_auth: ClientAuth = "auto",
        authorize_url: str | None = None,
        token_url: str | None = None,
        revoke_url: str | None = None,
    ) -> None:
        base = oauth_url.rstrip("/")
        self.authorize_endpoint = authorize_url or f"{base}/oauth/authorize"
        self.token_endpoint = token_url or f"{base}/oauth/token"
        self.revoke_endpoint = revoke_url or f"{base}/oauth/revoke"
        self.client_id = client_id
        self._client_secret = (
            client_secret.get_secret_value()
            if isinstance(client_secret, SecretStr)
            else client_secret
        )
        self.redirect_uri = redirect_uri
        self.scopes = " ".join(scopes.split())
        self.client_auth_mode: ClientAuth = client_auth
        self._auth_in_use: Literal["basic", "body"] = "body" if client_auth == "body" else "basic"
        self._auth_settled = client_auth != "auto"
        self._http = http

    @classmethod
    def from_settings(cls, settings: Settings, http: httpx.AsyncClient) -> OAuthClient:
        """The OAuth client the settings describe (SettingsError when credentials are unset)."""
        client_id = settings.CLUSTERMARKET_CLIENT_ID
        client_secret = settings.CLUSTERMARKET_CLIENT_SECRET
        if not client_id:
            raise SettingsError("CLUSTERMARKET_CLIENT_ID is required but not set")
        if client_secret is None or not client_secret.get_secret_value():
            raise SettingsError("CLUSTERMARKET_CLIENT_SECRET is required but not set")
        return cls(
            settings.CLUSTERMARKET_OAUTH_URL,
            client_id,
            client_secret,
            settings.redirect_uri,
            http,
            scopes=settings.CLUSTERMARKET_SCOPES,
            client_auth=settings.CLUSTERMARKET_TOKEN_AUTH,
            authorize_url=settings.CLUSTERMARKET_AUTHORIZE_URL,
            token_url=settings.CLUSTERMARKET_TOKEN_URL,
            revoke_url=settings.CLUSTERMARKET_REVOKE_URL,
        )

    def __repr__(self) -> str:
        return f"OAuthClient(token_endpoint={self.token_endpoint!r}, client_id={self.client_id!r})"

    @property
    def client_auth(self) -> Literal["basic", "body"]:
        """How the client authenticates now (for `auto`, what worked last)."""
        return self._auth_in_use

    def authorize_url(self, state: str, *, code_challenge: str | None = None) -> str:
        """Where to send the user's browser to grant the bot read access."""
        params = {
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "response_type": "code",
            "scope": self.scopes,
            "state": state,
        }
        if code_challenge is not None:
            params |= {"code_challenge": code_challenge, "code_challenge_method": "S256"}
        query = urlencode(params, quote_via=quote)
        separator = "&" if "?" in self.authorize_endpoint else "?"
        return f"{self.authorize_endpoint}{separator}{query}"

    async def exchange_code(self, code: str, *, code_verifier: str | None = None) -> TokenSet:
        """Trade the callback's authorization code (and the PKCE verifier its authorize link
        was made with) for the user's first token set."""
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri}
        if code_verifier is not None:
            form["code_verifier"] = code_verifier
        body = await self._token_request(form, secrets=(code, code_verifier or ""))
        return self._token_set(body, previous_refresh=None, default_scopes=self.scopes)

    async def refresh(self, refresh_token: str, *, scopes: str = "") -> TokenSet:
        """A new token set for a refresh token.

        The server rotates refresh tokens, so the answer's refresh token replaces the old
        one; an answer without one keeps the old. `scopes` stands in when the answer does
        not repeat them.
        """
        body = await self._token_request(
            {"grant_type": "refresh_token", "refresh_token": refresh_token},
            secrets=(refresh_token,),
        )
        return self._token_set(body, previous_refresh=refresh_token, default_scopes=scopes)

    async def revoke(self, token: str, *, token_type_hint: str | None = None) -> None:
        """Revoke a token (RFC 7009). Raises OAuthError on failure; callers may ignore it."""
        form = {"token": token}
        if token_type_hint:
            form["token_type_hint"] = token_type_hint
        response = await self._post(self.revoke_endpoint, form, label="revoke")
        if response.is_success:
            return
        error, description = self._error_fields(response, secrets=(token,))
        raise OAuthError(
            self._refusal_message("revoke", response.status_code, error, description), error
        )

    async def _token_request(
        self, form: dict[str, str], *, secrets: tuple[str, ...]
    ) -> dict[str, Any]:
        """POST to the token endpoint; the JSON answer, or OAuthError with the RFC error code."""
        grant = form["grant_type"]
        response = await self._post(self.token_endpoint, form, label=f"grant_type={grant}")
        if response.status_code >= 500:
            raise OAuthError(
                f"Clustermarket's token endpoint is unavailable (HTTP {response.status_code})"
            )
        if not response.is_success:
            error, description = self._error_fields(response, secrets=secrets)
            raise OAuthError(
                self._refusal_message(grant, response.status_code, error, description), error
            )
        try:
            body = response.json()
        except ValueError:
            raise OAuthError("Clustermarket's token endpoint answered something not JSON") from None
        if not isinstance(body, dict):
            raise OAuthError("Clustermarket's token endpoint answered JSON that is not an object")
        if isinstance(body.get("error"), str):
            error, description = self._error_fields(response, secrets=secrets)
            raise OAuthError(
                self._refusal_message(grant, response.status_code, error, description), error
            )
        if not isinstance(body.get("access_token"), str) or not body["access_token"]:
            raise OAuthError("Clustermarket's token endpoint answered without an access token")
        return body

    async def _post(self, url: str, form: dict[str, str], *, label: str) -> httpx.Response:
        """POST a form with the client credentials; with `auto`, an `invalid_client` answer is
        tried once the other way, and whichever way worked is kept."""
        response = await self._post_as(self._auth_in_use, url, form, label=label)
        if self._auth_settled:
            return response
        if not _invalid_client(response):
            self._auth_settled = True
            return response
        other: Literal["basic", "body"] = "body" if self._auth_in_use == "basic" else "basic"
        retried = await self._post_as(other, url, form, label=label)
        if _invalid_client(retried):
            return response
        logger.info("the OAuth server takes the client's credentials by %s: keeping that", other)
        self._auth_in_use, self._auth_settled = other, True
        return retried

    async def _post_as(
        self, how: Literal["basic", "body"], url: str, form: dict[str, str], *, label: str
    ) -> httpx.Response:
        """One POST, client authenticated by HTTP Basic (RFC 6749 2.3.1) or form fields;
        network failure becomes OAuthError."""
        headers = {"Accept": "application/json"}
        if how == "basic":
            pair = f"{quote(self.client_id, safe='')}:{quote(self._client_secret, safe='')}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
            data = form
        else:
            data = {**form, "client_id": self.client_id, "client_secret": self._client_secret}
        path = urlsplit(url).path
        started = time.monotonic()
        try:
            response = await self._http.post(url, data=data, headers=headers)
        except httpx.HTTPError as exc:
            failure: UpstreamFailure = (
                "timeout" if isinstance(exc, httpx.TimeoutException) else "network"
            )
            record_upstream(failure, time.monotonic() - started)
            logger.warning(
                "POST %s %s failed: %s elapsed=%.3fs",
                path,
                label,
                type(exc).__name__,
                time.monotonic() - started,
            )
            raise OAuthError(
                f"Could not reach Clustermarket's OAuth server ({type(exc).__name__})"
            ) from None
        record_upstream(response.status_code, time.monotonic() - started)
        logger.info(
            "POST %s %s auth=%s status=%d elapsed=%.3fs",
            path,
            label,
            how,
            response.status_code,
            time.monotonic() - started,
        )
        return response

    def _error_fields(
        self, response: httpx.Response, *, secrets: tuple[str, ...]
    ) -> tuple[str | None, str | None]:
        """The RFC 6749 `error` code and scrubbed `error_description` of a refusal, if any."""
        try:
            body = response.json()
        except ValueError:
            return None, None
        if not isinstance(body, dict):
            return None, None
        error = body.get("error")
        description = body.get("error_description")
        all_secrets = (*secrets, self._client_secret)
        return (
            _scrub(error, all_secrets) if isinstance(error, str) and error else None,
            _scrub(description, all_secrets) if isinstance(description, str) else None,
        )

    @staticmethod
    def _refusal_message(what: str, status: int, error: str | None, description: str | None) -> str:
        message = f"Clustermarket refused the OAuth request ({what}, HTTP {status}"
        message += f", {error})" if error else ")"
        return f"{message}: {description}" if description else message

    @staticmethod
    def _token_set(
        body: dict[str, Any], *, previous_refresh: str | None, default_scopes: str
    ) -> TokenSet:
        refresh = body.get("refresh_token")
        scope = body.get("scope")
        return TokenSet(
            access_token=body["access_token"],
            refresh_token=refresh if isinstance(refresh, str) and refresh else previous_refresh,
            expires_at=_expires_at(body.get("expires_in")),
            scopes=scope if isinstance(scope, str) and scope else default_scopes,
        )


def _expires_at(expires_in: object) -> datetime | None:
    """`expires_in` seconds from now; None when absent or unreadable (treated as no expiry)."""
    if isinstance(expires_in, bool) or not isinstance(expires_in, int | float | str):
        return None
    try:
        seconds = float(expires_in)
    except ValueError:
        return None
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return datetime.now(UTC) + timedelta(seconds=seconds)


def _invalid_client(response: httpx.Response) -> bool:
    """Whether the server refused the client's credentials (RFC 6749 `invalid_client`)."""
    if response.status_code not in (400, 401):
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("error") == "invalid_client"
