"""Account linking: connect links, the OAuth state, and what the callback concludes.

A connect button carries a *ticket*, not an OAuth state: Slack messages linger, and a person
may click an hour later. The ticket is encrypted and signed (Fernet, with a key derived from
TOKEN_ENCRYPTION_KEY) and names the Slack user and what they had asked; only when it is
clicked does the bot mint the single-use, ten-minute OAuth state bound to that user.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal
from urllib.parse import urlencode

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.clustermarket.client import ClustermarketClient
from bot.clustermarket.errors import ClustermarketError, OAuthError
from bot.clustermarket.oauth import code_challenge, make_code_verifier
from bot.clustermarket.tokens import UserKey
from bot.store import StateError, Store

logger = logging.getLogger(__name__)

CONNECT_PATH = "/clustermarket/connect"
TICKET_LIFETIME = timedelta(hours=24)

Outcome = Literal["linked", "denied", "incomplete", "unknown", "expired", "used", "failed"]
Revocation = Literal["confirmed", "unconfirmed"]


class TicketError(Exception):
    """The connect link is damaged, forged, or older than a day."""


def _ticket_key(encryption_key: str) -> str:
    """A key of its own for tickets, so a ticket can never decrypt a stored token."""
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"cmbot connect tickets"
    ).derive(base64.urlsafe_b64decode(encryption_key))
    return base64.urlsafe_b64encode(derived).decode()


class ConnectTickets:
    """Issue and read connect tickets; any configured key reads, the first one issues."""

    def __init__(self, encryption_keys: Sequence[str], public_url: str) -> None:
        if not encryption_keys:
            raise ValueError("connect tickets need at least one encryption key")
        self._fernet = MultiFernet([Fernet(_ticket_key(key)) for key in encryption_keys])
        self._start_url = public_url.rstrip("/") + CONNECT_PATH

    def url(self, key: UserKey, resume: dict[str, Any] | None = None) -> str:
        """The connect button's target: the bot's own start page with a fresh ticket."""
        payload = {"team": key.team_id, "user": key.user_id, "resume": resume}
        ticket = self._fernet.encrypt(json.dumps(payload, separators=(",", ":")).encode())
        return f"{self._start_url}?{urlencode({'ticket': ticket.decode()})}"

    def read(self, ticket: str) -> tuple[UserKey, dict[str, Any] | None]:
        try:
            raw = self._fernet.decrypt(ticket.encode(), ttl=int(TICKET_LIFETIME.total_seconds()))
            payload = json.loads(raw)
            key = UserKey(str(payload["team"]), str(payload["user"]))
        except (InvalidToken, ValueError, KeyError, TypeError):
            raise TicketError("this connect link is damaged or more than a day old") from None
        resume = payload.get("resume")
        return key, resume if isinstance(resume, dict) else None


async def start_link(
    tickets: ConnectTickets, store: Store, clustermarket: ClustermarketClient, ticket: str
) -> str:
    """The Clustermarket authorize URL for a clicked connect link (TicketError if bad), with
    a PKCE challenge whose verifier waits with the OAuth state for the callback."""
    key, resume = tickets.read(ticket)
    verifier = make_code_verifier()
    state = await store.create_state(key, resume=resume, code_verifier=verifier)
    return clustermarket.oauth.authorize_url(state, code_challenge=code_challenge(verifier))


@dataclass(frozen=True)
class LinkResult:
    """What the OAuth callback concluded; `key` and `name` are set when linked."""

    outcome: Outcome
    key: UserKey | None = None
    name: str | None = None
    resume: dict[str, Any] | None = None


async def complete_link(
    store: Store,
    clustermarket: ClustermarketClient,
    *,
    code: str | None,
    state: str | None,
    error: str | None,
) -> LinkResult:
    """Finish the OAuth dance; every failure leaves existing links exactly as they were."""
    if not state:
        return LinkResult("incomplete")
    try:
        claim = await store.consume_state(state)
    except StateError as refused:
        return LinkResult(refused.reason)
    resume, verifier = claim.resume, claim.code_verifier
    if error:
        return LinkResult("denied" if error == "access_denied" else "failed", key=claim.key)
    if not code:
        return LinkResult("incomplete", key=claim.key)
    try:
        tokens = await clustermarket.oauth.exchange_code(code, code_verifier=verifier)
    except OAuthError as refused:
        logger.warning("code exchange failed for %s: %s", claim.key.user_id, refused.error)
        return LinkResult("failed", key=claim.key)
    try:
        user = await clustermarket.whoami(tokens.access_token)
    except ClustermarketError as failure:
        logger.warning("user lookup after linking failed: %s", type(failure).__name__)
        await _revoke_quietly(clustermarket, tokens.refresh_token or tokens.access_token)
        return LinkResult("failed", key=claim.key)
    if user.id is None:
        await _revoke_quietly(clustermarket, tokens.refresh_token or tokens.access_token)
        return LinkResult("failed", key=claim.key)
    await store.save_link(
        claim.key, cm_user_id=user.id, cm_user_name=user.display_name, tokens=tokens
    )
    clustermarket.tokens.forget(claim.key)
    logger.info("linked team=%s user=%s", claim.key.team_id, claim.key.user_id)
    return LinkResult("linked", key=claim.key, name=user.display_name, resume=resume)


async def unlink(
    store: Store, clustermarket: ClustermarketClient, key: UserKey
) -> Revocation | None:
    """Revoke at Clustermarket and forget the tokens; whether Clustermarket confirmed the
    revocation (of the refresh token, which ends the whole grant), None if not linked. The
    tokens are deleted here either way."""
    link = await store.get_link(key)
    clustermarket.tokens.forget(key)
    if link is None:
        return None
    tokens = [token for token in (link.tokens.refresh_token, link.tokens.access_token) if token]
    confirmed = [await _revoke_quietly(clustermarket, token) for token in tokens]
    await store.delete_link(key)
    return "confirmed" if confirmed and confirmed[0] else "unconfirmed"


async def _revoke_quietly(clustermarket: ClustermarketClient, token: str) -> bool:
    """Whether Clustermarket confirmed the revocation; a failure is logged, not raised."""
    try:
        await clustermarket.oauth.revoke(token)
    except OAuthError as failure:
        logger.info("token revocation failed: %s", failure.error or "unreachable")
        return False
    return True
