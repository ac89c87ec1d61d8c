"""Linking a Slack user to a Clustermarket account: the right person, once.

The journey: a Connect button carries a ticket (`tickets.py`); opening it mints a single-use
OAuth state bound to the Slack user, to the ticket (so the link works once) and to the
browser that opened it (a cookie, see `web.py`); Clustermarket sends the browser back with a
code. Then the Slack profile's email and the Clustermarket account's are compared: the same
address links at once; a different or unknown one holds the sign-in (tokens encrypted) and
asks the person, in that same browser, to confirm which accounts they are linking. Every
refusal leaves existing links exactly as they were, and tokens never confirmed are revoked.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.clustermarket.client import ClustermarketClient
from bot.clustermarket.errors import ClustermarketError, OAuthError
from bot.clustermarket.oauth import code_challenge, make_code_verifier
from bot.clustermarket.tokens import TokenSet, UserKey
from bot.linking.lifetime import LINK_LIFETIME
from bot.linking.tickets import ConnectTickets, TicketError
from bot.store import PendingError, StateError, Store

logger = logging.getLogger(__name__)

Outcome = Literal[
    "linked",
    "confirm",
    "cancelled",
    "denied",
    "incomplete",
    "unknown",
    "expired",
    "used",
    "other_browser",
    "failed",
]
Choice = Literal["link", "cancel"]
Revocation = Literal["confirmed", "unconfirmed"]


@dataclass(frozen=True)
class SlackPerson:
    """Who the Slack side says the person is; any part may be unknown (None)."""

    name: str | None
    email: str | None
    workspace: str | None


SlackLookup = Callable[[UserKey], Awaitable[SlackPerson]]
"""How linking asks Slack about a user (users.info and the workspace's name)."""


def same_email(slack_email: str | None, cm_email: str | None) -> bool:
    """Both known and the same address, ignoring case and surrounding spaces."""
    if not slack_email or not cm_email:
        return False
    mine, theirs = slack_email.strip().casefold(), cm_email.strip().casefold()
    return "@" in mine and mine == theirs


@dataclass(frozen=True)
class LinkResult:
    """What a step of linking concluded. `key` is whose link it was; `name` and `email` are
    the Clustermarket account's once known; a "confirm" result carries the page's one-time
    token and the Slack side to show beside the account."""

    outcome: Outcome
    key: UserKey | None = None
    name: str | None = None
    email: str | None = field(default=None, repr=False)
    resume: dict[str, Any] | None = None
    confirm_token: str | None = field(default=None, repr=False)
    slack: SlackPerson | None = field(default=None, repr=False)


class Linker:
    """The three steps a browser takes: open the connect link, come back from Clustermarket,
    and answer the confirm page; plus the sweep that revokes sign-ins nobody answered."""

    def __init__(
        self,
        store: Store,
        clustermarket: ClustermarketClient,
        tickets: ConnectTickets,
        slack_lookup: SlackLookup,
    ) -> None:
        self.store = store
        self.clustermarket = clustermarket
        self.tickets = tickets
        self.slack_lookup = slack_lookup

    async def start(self, ticket: str, browser: str) -> str:
        """The Clustermarket authorize URL for an opened connect link, with a PKCE
        challenge whose verifier waits with the OAuth state for the callback; TicketError if
        the link is damaged, past its lifetime or used."""
        opened = self.tickets.read(ticket)
        verifier = make_code_verifier()
        try:
            state = await self.store.create_state(
                opened.key,
                resume=opened.resume,
                code_verifier=verifier,
                ticket=opened.id,
                browser=browser,
                ttl=LINK_LIFETIME,
            )
        except StateError:
            raise TicketError("used") from None
        return self.clustermarket.oauth.authorize_url(
            state, code_challenge=code_challenge(verifier)
        )

    async def complete(
        self, *, code: str | None, state: str | None, error: str | None, browser: str | None
    ) -> LinkResult:
        """The OAuth callback: link at once when the emails match, else hold for confirming."""
        if not state:
            return LinkResult("incomplete")
        try:
            claim = await self.store.consume_state(state)
        except StateError as refused:
            return LinkResult(refused.reason)
        key = claim.key
        if not claim.opened_by(browser):
            return LinkResult("other_browser", key=key)
        if error:
            return LinkResult("denied" if error == "access_denied" else "failed", key=key)
        if not code:
            return LinkResult("incomplete", key=key)
        try:
            tokens = await self.clustermarket.oauth.exchange_code(
                code, code_verifier=claim.code_verifier
            )
        except OAuthError as refused:
            logger.warning("code exchange failed for %s: %s", key.user_id, refused.error)
            return LinkResult("failed", key=key)
        try:
            user = await self.clustermarket.whoami(tokens.access_token)
        except ClustermarketError as failure:
            logger.warning("user lookup after sign-in failed: %s", type(failure).__name__)
            user = None
        if user is None or user.id is None:
            await revoke_tokens(self.clustermarket, tokens)
            return LinkResult("failed", key=key)
        name, email = user.display_name, user.email
        slack = await self.slack_lookup(key)
        if same_email(slack.email, email):
            await self._link(key, user.id, name, tokens)
            return LinkResult("linked", key=key, name=name, email=email, resume=claim.resume)
        assert browser is not None  # opened_by() is False without a cookie
        try:
            token = await self.store.hold_pending_link(
                key,
                browser=browser,
                cm_user_id=user.id,
                cm_user_name=name,
                cm_email=email,
                tokens=tokens,
                resume=claim.resume,
                ttl=LINK_LIFETIME,
            )
        except Exception:
            await revoke_tokens(self.clustermarket, tokens)
            raise
        logger.info("sign-in of team=%s user=%s awaits confirmation", key.team_id, key.user_id)
        return LinkResult(
            "confirm", key=key, name=name, email=email, confirm_token=token, slack=slack
        )

    async def confirm(self, *, token: str, choice: str, browser: str | None) -> LinkResult:
        """The confirm page's answer: link, or cancel and revoke; once, from that browser."""
        if not token or choice not in ("link", "cancel"):
            return LinkResult("incomplete")
        try:
            pending = await self.store.take_pending_link(token, browser=browser)
        except PendingError as refused:
            if refused.reason == "expired":
                await self.sweep()
            return LinkResult(refused.reason)
        if choice == "cancel":
            await revoke_tokens(self.clustermarket, pending.tokens)
            logger.info("sign-in of user=%s cancelled", pending.key.user_id)
            return LinkResult("cancelled", key=pending.key)
        await self._link(pending.key, pending.cm_user_id, pending.cm_user_name, pending.tokens)
        return LinkResult(
            "linked",
            key=pending.key,
            name=pending.cm_user_name,
            email=pending.cm_email,
            resume=pending.resume,
        )

    async def sweep(self) -> int:
        """Revoke the tokens of sign-ins past their deadline; how many there were."""
        expired = await self.store.sweep_pending_links()
        for pending in expired:
            await revoke_tokens(self.clustermarket, pending.tokens)
        if expired:
            logger.info("revoked %d sign-in(s) nobody confirmed", len(expired))
        return len(expired)

    async def _link(self, key: UserKey, cm_user_id: int, name: str, tokens: TokenSet) -> None:
        await self.store.save_link(key, cm_user_id=cm_user_id, cm_user_name=name, tokens=tokens)
        self.clustermarket.tokens.forget(key)
        logger.info("linked team=%s user=%s", key.team_id, key.user_id)


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
    confirmed = await revoke_tokens(clustermarket, link.tokens)
    await store.delete_link(key)
    return "confirmed" if confirmed else "unconfirmed"


async def revoke_tokens(clustermarket: ClustermarketClient, tokens: TokenSet) -> bool:
    """Revoke the refresh token (which ends the grant) and the access token; whether
    Clustermarket confirmed the first of them. Failures are logged, not raised."""
    confirmed = [
        await _revoke_quietly(clustermarket, token)
        for token in (tokens.refresh_token, tokens.access_token)
        if token
    ]
    return bool(confirmed) and confirmed[0]


async def _revoke_quietly(clustermarket: ClustermarketClient, token: str) -> bool:
    """Whether Clustermarket confirmed the revocation; a failure is logged, not raised."""
    try:
        await clustermarket.oauth.revoke(token)
    except OAuthError as failure:
        logger.info("token revocation failed: %s", failure.error or "unreachable")
        return False
    return True
