"""The sandbox's OAuth bookkeeping: authorization codes, access and refresh tokens.

No HTTP here: the routes in `oauth.py` and the test helpers on `Sandbox` both call this, so a
token minted by `Sandbox.grant_tokens` behaves exactly like one from `/oauth/token`.
Every token of one authorization shares a grant id, so revoking a refresh token kills the
whole chain of access tokens that came from it.

Refresh tokens rotate the way Doorkeeper (which Clustermarket's OAuth appears to be) does
with `refresh_token_revoked_on_use`: a refresh with R0 answers a new pair (A1, R1) and leaves
R0 (and A0) working until A1 is first used, so a client that lost the answer may spend R0
again. In strict mode (`--strict-refresh`) the old pair dies the moment the new one exists.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

ALL_SCOPES = "read_user read_accounts read_equipment read_bookings"
KNOWN_SCOPES = frozenset(ALL_SCOPES.split())
DEMO_CLIENT_ID = "cmbot-sandbox"
DEMO_CLIENT_SECRET = "sandbox-secret-not-for-production"  # noqa: S105 - public demo value

ACCESS_PREFIX = "cmsa_"
REFRESH_PREFIX = "cmsr_"
CODE_PREFIX = "cmsc_"
CODE_TTL = 600


class OAuthError(Exception):
    """An RFC 6749 error: `code` goes in the `error` field, the message in the description."""

    def __init__(self, code: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.status = status


def parse_scopes(scope: str | None) -> frozenset[str]:
    """The requested scopes; none requested means all of them, as a default-scope server does."""
    requested = frozenset((scope or "").split())
    if not requested:
        return KNOWN_SCOPES
    unknown = requested - KNOWN_SCOPES
    if unknown:
        raise OAuthError("invalid_scope", f"Unknown scope: {' '.join(sorted(unknown))}")
    return requested


def scope_string(scopes: frozenset[str]) -> str:
    """Scopes in the canonical order of ALL_SCOPES, so responses are stable."""
    return " ".join(name for name in ALL_SCOPES.split() if name in scopes)


@dataclass
class AccessToken:
    token: str
    user_id: int
    scopes: frozenset[str]
    grant_id: int
    expires_at: float
    revoked: bool = False
    previous_refresh: str | None = None
    """The refresh token spent for this one, revoked (with its pair) at this one's first use."""


@dataclass
class RefreshToken:
    token: str
    user_id: int
    scopes: frozenset[str]
    grant_id: int
    access_token: str
    """Issued together with this refresh token: one record in Doorkeeper's terms."""
    active: bool = True


@dataclass
class AuthCode:
    code: str
    user_id: int
    redirect_uri: str
    scopes: frozenset[str]
    expires_at: float
    grant_ids: list[int] = field(default_factory=list)
    used: bool = False


class TokenRegistry:
    """Every code and token one sandbox has issued, for its one OAuth client."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        ttl: Callable[[], int] = lambda: 3600,
        strict: Callable[[], bool] = lambda: False,
    ) -> None:
        self.client_id = client_id
        self._client_secret = client_secret
        self._ttl = ttl
        self._strict = strict
        self.clock_offset = 0.0
        self._codes: dict[str, AuthCode] = {}
        self._access: dict[str, AccessToken] = {}
        self._refresh: dict[str, RefreshToken] = {}
        self._next_grant = 1

    def now(self) -> float:
        """Wall-clock seconds, shifted by `clock_offset` so tests can age codes and tokens."""
        return time.time() + self.clock_offset

    def client_ok(self, client_id: str | None, client_secret: str | None) -> bool:
        if client_id is None or client_secret is None:
            return False
        return hmac.compare_digest(client_id.encode(), self.client_id.encode()) and (
            hmac.compare_digest(client_secret.encode(), self._client_secret.encode())
        )

    # Codes ---------------------------------------------------------------------------------

    def issue_code(self, user_id: int, redirect_uri: str, scopes: frozenset[str]) -> str:
        code = CODE_PREFIX + secrets.token_urlsafe(24)
        self._codes[code] = AuthCode(code, user_id, redirect_uri, scopes, self.now() + CODE_TTL)
        return code

    def redeem_code(self, code: str, redirect_uri: str) -> dict[str, object]:
        """Trade a code for tokens. A second use fails and revokes what the first one got."""
        record = self._codes.get(code)
        if record is None:
            raise OAuthError("invalid_grant", "The authorization code is unknown")
        if record.used:
            for grant_id in record.grant_ids:
                self._revoke_grant(grant_id)
            raise OAuthError("invalid_grant", "The authorization code has already been used")
        if record.expires_at <= self.now():
            raise OAuthError("invalid_grant", "The authorization code has expired")
        if record.redirect_uri != redirect_uri:
            raise OAuthError(
                "invalid_grant", "redirect_uri does not match the one the code was issued for"
            )
        record.used = True
        response = self.issue(record.user_id, record.scopes)
        record.grant_ids.append(self._access[str(response["access_token"])].grant_id)
        return response

    # Tokens --------------------------------------------------------------------------------

    def issue(
        self,
        user_id: int,
        scopes: frozenset[str],
        grant_id: int | None = None,
        previous_refresh: str | None = None,
    ) -> dict[str, object]:
        """A fresh access + refresh token pair, as the token endpoint's JSON."""
        if grant_id is None:
            grant_id = self._next_grant
            self._next_grant += 1
        now = self.now()
        access = ACCESS_PREFIX + secrets.token_urlsafe(32)
        refresh = REFRESH_PREFIX + secrets.token_urlsafe(32)
        ttl = self._ttl()
        self._access[access] = AccessToken(
            access, user_id, scopes, grant_id, now + ttl, previous_refresh=previous_refresh
        )
        self._refresh[refresh] = RefreshToken(refresh, user_id, scopes, grant_id, access)
        return {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": ttl,
            "refresh_token": refresh,
            "scope": scope_string(scopes),
            "created_at": int(now),
        }

    def refresh(self, token: str, scope: str | None = None) -> dict[str, object]:
        """Rotate: the old pair dies at the new access token's first use (at once if strict)."""
        record = self._refresh.get(token)
        if record is None or not record.active:
            raise OAuthError("invalid_grant", "The refresh token is invalid, revoked or used")
        scopes = record.scopes
        if scope:
            narrower = parse_scopes(scope)
            if not narrower <= record.scopes:
                raise OAuthError("invalid_scope", "Cannot widen the scopes of a grant")
            scopes = narrower
        if self._strict():
            self._revoke_pair(record)
            return self.issue(record.user_id, scopes, grant_id=record.grant_id)
        return self.issue(record.user_id, scopes, grant_id=record.grant_id, previous_refresh=token)

    def _revoke_pair(self, refresh: RefreshToken) -> None:
        refresh.active = False
        paired = self._access.get(refresh.access_token)
        if paired is not None:
            paired.revoked = True

    def access(self, token: str) -> tuple[AccessToken | None, str]:
        """The live access token for `token`, or None and why not. The first use of a
        refreshed token revokes the pair it was refreshed from."""
        record = self._access.get(token)
        if record is None:
            return None, "The access token is invalid"
        if record.revoked:
            return None, "The access token was revoked"
        if record.expires_at <= self.now():
            return None, "The access token expired"
        if record.previous_refresh is not None:
            previous = self._refresh.get(record.previous_refresh)
            if previous is not None:
                self._revoke_pair(previous)
            record.previous_refresh = None
        return record, ""

    def revoke(self, token: str) -> bool:
        """RFC 7009: an access token dies alone; a refresh token takes its grant's access tokens."""
        if token in self._access:
            self._access[token].revoked = True
            return True
        if token in self._refresh:
            self._revoke_grant(self._refresh[token].grant_id)
            return True
        return False

    def _revoke_grant(self, grant_id: int) -> None:
        for access in self._access.values():
            if access.grant_id == grant_id:
                access.revoked = True
        for refresh in self._refresh.values():
            if refresh.grant_id == grant_id:
                refresh.active = False

    def expire_access_tokens(self, user_id: int | None = None) -> None:
        past = self.now() - 1
        for access in self._access.values():
            if user_id is None or access.user_id == user_id:
                access.expires_at = min(access.expires_at, past)

    def revoke_user(self, user_id: int) -> None:
        for access in self._access.values():
            if access.user_id == user_id:
                access.revoked = True
        for refresh in self._refresh.values():
            if refresh.user_id == user_id:
                refresh.active = False
