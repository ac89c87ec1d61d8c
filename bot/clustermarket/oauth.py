"""Clustermarket's OAuth 2.0 authorization-code flow: authorize link, code exchange, refresh.

Tokens, codes and the client secret never reach an exception message, a log line or a
repr: the errors carry only the RFC 6749 error code and a scrubbed description.
"""

from __future__ import annotations

import logging
import math
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import httpx
from pydantic import SecretStr

from bot.clustermarket.errors import OAuthError
from bot.clustermarket.tokens import TokenSet

logger = logging.getLogger("bot.clustermarket")

SCOPES = "read_user read_accounts read_equipment read_bookings"
"""Everything the bot reads; nothing it could write with."""

_REDACTED = "[redacted]"
_MAX_DESCRIPTION = 200


def _scrub(text: str, secrets: tuple[str, ...]) -> str:
    """Remove any secret the server might echo back, and keep the text short."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, _REDACTED)
    return " ".join(text.split())[:_MAX_DESCRIPTION]


class OAuthClient:
    """Talks to `{oauth_url}/oauth/...` with the bot's client credentials (sent in the form)."""

    def __init__(
        self,
        oauth_url: str,
        client_id: str,
        client_secret: str | SecretStr,
        redirect_uri: str,
        http: httpx.AsyncClient,
        *,
        scopes: str = SCOPES,
    ) -> None:
        base = oauth_url.rstrip("/")
        self.authorize_endpoint = f"{base}/oauth/authorize"
        self.token_endpoint = f"{base}/oauth/token"
        self.revoke_endpoint = f"{base}/oauth/revoke"
        self.client_id = client_id
        self._client_secret = (
            client_secret.get_secret_value()
            if isinstance(client_secret, SecretStr)
            else client_secret
        )
        self.redirect_uri = redirect_uri
        self.scopes = scopes
        self._http = http

    def __repr__(self) -> str:
        return f"OAuthClient(token_endpoint={self.token_endpoint!r}, client_id={self.client_id!r})"

    def authorize_url(self, state: str) -> str:
        """Where to send the user's browser to grant the bot read access."""
        query = urlencode(
            {
                "client_id": self.client_id,
                "redirect_uri": self.redirect_uri,
                "response_type": "code",
                "scope": self.scopes,
                "state": state,
            },
            quote_via=quote,
        )
        return f"{self.authorize_endpoint}?{query}"

    async def exchange_code(self, code: str) -> TokenSet:
        """Trade the callback's authorization code for the user's first token set."""
        body = await self._token_request(
            {"grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri},
            secrets=(code,),
        )
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
        """POST a form with the client credentials; network failure becomes OAuthError."""
        data = {**form, "client_id": self.client_id, "client_secret": self._client_secret}
        path = urlsplit(url).path
        started = time.monotonic()
        try:
            response = await self._http.post(url, data=data, headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
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
        logger.info(
            "POST %s %s status=%d elapsed=%.3fs",
            path,
            label,
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
