"""Renewing a user's tokens so that no fault loses the link.

Clustermarket's OAuth server rotates refresh tokens, and appears to be Doorkeeper with
`refresh_token_revoked_on_use`: after a refresh with R0 answers (A1, R1), R0 stays valid until
A1 is first used. The protocol leans on exactly that:

1. One renewal per user across every process on the database: a lease row with a holder and
   an expiry (`TokenVault.begin_refresh`), not a process lock, so a holder killed mid-refresh
   blocks the others only until its lease lapses. Others wait for it (bounded), then take the
   tokens it saved. Inside a process one coroutine renews and the rest share its result.
2. The new pair is saved before A1 is used. If the answer is lost (timeout, crash before the
   save), R0 was never followed by a use of A1, so R0 is tried again later and still works.
3. If the save fails (database locked past its busy timeout, disk full), the pair is kept in
   memory, used, and saved as soon as the database takes it (a retry loop; WARNING logged,
   never the token). Reads still see the old row, so the in-memory pair stands in for exactly
   that row and no other (a relink or disconnect wins).
4. A refused refresh token (`invalid_grant`) marks the link broken only when it cannot be our
   own lost rotation. It can be when the stored R0 was already spent once without a saved
   successor (the lease remembers `first_spent_at`): the first spender may still hold the
   successor in memory, waiting for the database, and has used A1 (which revoked R0). Marking
   the link broken then would throw away a link that is about to be saved, so for
   `lost_rotation_grace` the user hears "try again shortly" instead. After that, or when R0
   was never spent before, the refusal is the user's or the server's and the link is broken.
   A pair saved late revives a link marked broken meanwhile (see `Links.rotate`).
5. A 401 alone never breaks the link (a renewal elsewhere may have revoked the token in
   flight): the request renews and retries a few times, then says "try again".
6. When the database refuses the lease itself, renewal goes on without one: nobody else can
   take a lease then either, a second spend of R0 is harmless under Doorkeeper's rules, and
   the two successors race to a compare-and-swap that exactly one wins.

What no client can survive: under strict rotation (R0 dies at once) a lost answer loses the
link, and so does a crash while a pair is held unsaved after A1 was used.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from bot.clustermarket.errors import (
    NotLinked,
    OAuthError,
    ReconnectRequired,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from bot.clustermarket.oauth import OAuthClient
from bot.clustermarket.tokens import (
    AlreadyRenewed,
    LeaseGranted,
    TokenSet,
    TokenVault,
    UserKey,
    VaultUnavailable,
)
from bot.failures import failure_line
from bot.observability.metrics import record_link_lost, record_token_refresh

logger = logging.getLogger("bot.clustermarket")

_POLL_FIRST = 0.05
_POLL_MAX = 0.5

SaveOutcome = Literal["saved", "obsolete", "failed"]


@dataclass(frozen=True)
class RefreshPolicy:
    """How renewal behaves; the defaults suit production, tests shrink the times."""

    margin: timedelta = timedelta(seconds=30)
    """Renew before a request when the access token expires this soon."""
    lease_ttl: timedelta = timedelta(seconds=30)
    """A lease lapses after this, so a crashed holder blocks the others at most this long."""
    lease_wait: float = 10.0
    """Seconds a request with a dead access token waits for another holder's renewal."""
    request_timeout: float = 10.0
    """Seconds to wait for the token endpoint; well inside `lease_ttl`."""
    lost_rotation_grace: timedelta = timedelta(minutes=10)
    """How long a refusal of an already-spent refresh token is not taken as final."""
    retry_save_every: float = 1.0
    """Seconds between attempts to save a renewed pair held in memory."""


@dataclass(frozen=True)
class _Spend:
    """A refresh token about to be sent, and whether a refusal could be our own doing."""

    tokens: TokenSet
    maybe_ours: bool


@dataclass
class _Unsaved:
    """A renewed pair the database did not take yet, standing in for the row `stored`."""

    stored: TokenSet
    newest: TokenSet


def _describe(key: UserKey) -> str:
    return f"team={key.team_id} user={key.user_id}"


class TokenRefresher:
    """Current and renewed tokens for the client; one per process (its lease holder id)."""

    def __init__(
        self, vault: TokenVault, oauth: OAuthClient, policy: RefreshPolicy | None = None
    ) -> None:
        self._vault = vault
        self._oauth = oauth
        self.policy = policy or RefreshPolicy()
        self.holder = f"{socket.gethostname()}/{os.getpid()}/{secrets.token_hex(4)}"
        self._locks: weakref.WeakValueDictionary[UserKey, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )
        self._spends: dict[UserKey, asyncio.Task[TokenSet]] = {}
        self._unsaved: dict[UserKey, _Unsaved] = {}
        self._savers: dict[UserKey, asyncio.Task[None]] = {}

    # --- what requests call ---

    async def current(self, key: UserKey) -> TokenSet:
        """The tokens to use now: the stored ones, or a renewed pair not saved yet."""
        unsaved = self._unsaved.get(key)
        try:
            stored = await self._vault.load_tokens(key)
        except NotLinked:
            self.forget(key)
            raise
        except ReconnectRequired:
            if unsaved is not None and await self._save_unsaved(key, unsaved) == "saved":
                return unsaved.newest  # the late save revived the link
            raise
        if unsaved is None:
            return stored
        if stored.same_as(unsaved.stored):
            return unsaved.newest
        self.forget(key)  # the database moved on (saved elsewhere, relinked): it wins
        return stored

    async def fresh(self, key: UserKey, tokens: TokenSet) -> TokenSet:
        """`tokens`, renewed first when they expire within the margin.

        Tokens that still work are never held up: if someone else is renewing, or the
        renewal fails, they are used as they are and renewed next time.
        """
        if not tokens.expires_within(self.policy.margin):
            return tokens
        usable = not tokens.expires_within(timedelta(0))
        if usable and self._lock(key).locked():
            return tokens
        try:
            return await self._renew(key, tokens, wait=not usable)
        except UpstreamUnavailable:
            if not usable:
                raise
            return tokens

    async def after_refusal(self, key: UserKey, refused: TokenSet) -> TokenSet:
        """Tokens newer than `refused` (which Clustermarket answered 401): someone else's
        renewal if there was one, else ours.

        A 401 alone never breaks the link: with rotating tokens shared by processes, a
        renewal elsewhere may revoke a token between loading and using it. Only the token
        endpoint's refusal of the refresh token can (see `_refused`).
        """
        return await self._renew(key, refused, wait=True)

    async def mark_broken(self, key: UserKey, reason: str) -> None:
        """The link no longer works: forget any unsaved pair and flag it for reconnecting.

        If the database refuses, the next use finds out again (and the caller still tells
        the person to reconnect).
        """
        self.forget(key)
        record_link_lost()
        try:
            await self._vault.mark_broken(key, reason)
        except VaultUnavailable as failure:
            logger.warning("could not mark the link of %s broken: %s", _describe(key), failure)

    def forget(self, key: UserKey) -> None:
        """Drop what this process holds for `key` (disconnected, relinked, broken)."""
        self._unsaved.pop(key, None)
        saver = self._savers.pop(key, None)
        if saver is not None:
            saver.cancel()

    async def aclose(self) -> None:
        """Let renewals in flight finish, and make a last attempt at every unsaved pair."""
        spends = list(self._spends.values())
        await asyncio.gather(*spends, return_exceptions=True)
        savers = list(self._savers.values())
        self._savers.clear()
        for saver in savers:
            saver.cancel()
        await asyncio.gather(*savers, return_exceptions=True)
        for key, unsaved in list(self._unsaved.items()):
            if await self._save_unsaved(key, unsaved) == "failed":
                logger.error(
                    "renewed Clustermarket tokens of %s were never saved; if the stored ones"
                    " were spent the person must connect again",
                    _describe(key),
                )

    # --- one renewal per user ---

    def _lock(self, key: UserKey) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    async def _renew(self, key: UserKey, stale: TokenSet, *, wait: bool) -> TokenSet:
        async with self._lock(key):
            unsaved = self._unsaved.get(key)
            if unsaved is not None:
                if not unsaved.newest.same_as(stale):
                    return unsaved.newest
                return await self._renew_unsaved(key, unsaved)
            task = self._spends.get(key)
            if task is None:  # else a request that gave up waiting left it running: share it
                spend = await self._take_lease(key, stale, wait=wait)
                if isinstance(spend, AlreadyRenewed):
                    return spend.tokens
                task = asyncio.ensure_future(self._spend(key, spend))
                self._spends[key] = task
                task.add_done_callback(lambda _: self._spends.pop(key, None))
            # Shielded: a request that stops waiting (its deadline passed) must not cut a
            # renewal between the token answer and the save.
            return await asyncio.shield(task)

    async def _take_lease(
        self, key: UserKey, stale: TokenSet, *, wait: bool
    ) -> _Spend | AlreadyRenewed:
        """The lease to spend the stored refresh token, or the tokens someone saved."""
        deadline = time.monotonic() + (self.policy.lease_wait if wait else 0.0)
        pause = _POLL_FIRST
        while True:
            try:
                start = await self._vault.begin_refresh(
                    key, stale, holder=self.holder, ttl=self.policy.lease_ttl
                )
            except VaultUnavailable as failure:
                # Nobody can take a lease while the database refuses writes; renewing
                # without one is safe under Doorkeeper's rules (see the module docstring).
                logger.warning(
                    "renewal lease for %s not taken (%s); renewing without it",
                    _describe(key),
                    failure,
                )
                return _Spend(stale, maybe_ours=True)
            if isinstance(start, AlreadyRenewed):
                return start
            if isinstance(start, LeaseGranted):
                return _Spend(start.tokens, maybe_ours=self._recently(start.spent_before))
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise UpstreamUnavailable(
                    "Another worker is renewing the Clustermarket sign-in; try again"
                )
            await asyncio.sleep(min(pause, remaining))
            pause = min(pause * 2, _POLL_MAX)

    def _recently(self, spent_before: datetime | None) -> bool:
        if spent_before is None:
            return False
        return datetime.now(UTC) - spent_before < self.policy.lost_rotation_grace

    async def _spend(self, key: UserKey, spend: _Spend) -> TokenSet:
        spent = spend.tokens
        if not spent.refresh_token:
            await self.mark_broken(key, "no refresh token to renew the access token")
            raise ReconnectRequired("Clustermarket sign-in expired and cannot be renewed")
        try:
            new = await self._refresh(spent)
        except OAuthError as refused:
            if refused.invalid_grant:
                return await self._refused(key, spend)
            await self._let_go(key)
            raise
        except UpstreamUnavailable:
            await self._let_go(key)
            raise
        return await self._save(key, spent, new)

    async def _refresh(self, tokens: TokenSet) -> TokenSet:
        """The token endpoint's answer, counted in the metrics either way."""
        try:
            renewed = await self._ask_token_endpoint(tokens)
        except Exception:
            record_token_refresh("failed")
            raise
        record_token_refresh("ok")
        return renewed

    async def _ask_token_endpoint(self, tokens: TokenSet) -> TokenSet:
        """The token endpoint's answer; a timeout or a refusal other than invalid_grant is
        UpstreamUnavailable (the refresh token is tried again next time)."""
        assert tokens.refresh_token is not None
        try:
            async with asyncio.timeout(self.policy.request_timeout):
                return await self._oauth.refresh(tokens.refresh_token, scopes=tokens.scopes)
        except TimeoutError:
            logger.warning(
                "token renewal got no answer within %.0f s; the refresh token will be tried again",
                self.policy.request_timeout,
            )
            raise UpstreamTimeout("Clustermarket's sign-in server did not answer in time") from None
        except OAuthError as exc:
            if exc.invalid_grant:
                raise
            logger.warning("token refresh failed: %s", exc)
            raise UpstreamUnavailable(
                "Could not renew the Clustermarket sign-in right now"
            ) from None

    async def _refused(self, key: UserKey, spend: _Spend) -> TokenSet:
        """invalid_grant: someone else's newer tokens, our own lost rotation, or broken."""
        latest = await self._vault.load_tokens(key)
        if not latest.same_as(spend.tokens):
            return latest  # another worker saved a successor meanwhile
        if spend.maybe_ours:
            await self._let_go(key)
            logger.warning(
                "Clustermarket refused the refresh token of %s, which an earlier renewal had"
                " already sent; keeping the link while that renewal may still be saved",
                _describe(key),
            )
            raise UpstreamUnavailable("The Clustermarket sign-in is being renewed; try again")
        await self.mark_broken(key, "Clustermarket refused the refresh token")
        raise ReconnectRequired("Clustermarket refused to renew this account's sign-in")

    async def _let_go(self, key: UserKey) -> None:
        """End our lease early; if the database refuses, it lapses on its own."""
        with contextlib.suppress(VaultUnavailable):
            await self._vault.end_refresh(key, self.holder)

    # --- saving ---

    async def _save(self, key: UserKey, spent: TokenSet, new: TokenSet) -> TokenSet:
        try:
            saved = await self._vault.rotate_tokens(key, spent, new)
        except VaultUnavailable as failure:
            logger.warning(
                "renewed Clustermarket tokens of %s could not be saved (%s); using them from"
                " memory and saving them again every %g s",
                _describe(key),
                failure,
                self.policy.retry_save_every,
            )
            self._unsaved[key] = _Unsaved(stored=spent, newest=new)
            self._savers[key] = asyncio.ensure_future(self._keep_saving(key))
            return new
        if saved:
            logger.info("refreshed tokens %s", _describe(key))
            return new
        return await self._vault.load_tokens(key)  # someone else's save won: theirs count

    async def _renew_unsaved(self, key: UserKey, unsaved: _Unsaved) -> TokenSet:
        """Renew from the unsaved pair (only this process holds its refresh token)."""
        try:
            unsaved.newest = await self._refresh(unsaved.newest)
        except OAuthError:  # invalid_grant: revoked at Clustermarket
            await self.mark_broken(key, "Clustermarket refused the refresh token")
            raise ReconnectRequired(
                "Clustermarket refused to renew this account's sign-in"
            ) from None
        return unsaved.newest

    async def _save_unsaved(self, key: UserKey, unsaved: _Unsaved) -> SaveOutcome:
        """One attempt to save the unsaved pair: "saved", "obsolete" (the link changed
        meanwhile, so there is nothing to save), or "failed" (the database still refuses)."""
        newest = unsaved.newest
        try:
            saved = await self._vault.rotate_tokens(key, unsaved.stored, newest)
        except VaultUnavailable:
            return "failed"
        if saved and unsaved.newest is not newest:
            unsaved.stored = newest  # renewed again meanwhile: that pair still waits
            return "saved"
        if self._unsaved.get(key) is unsaved:
            self.forget(key)
        if saved:
            logger.warning("renewed Clustermarket tokens of %s saved at last", _describe(key))
            return "saved"
        logger.info("renewed tokens of %s not saved: the link changed meanwhile", _describe(key))
        return "obsolete"

    async def _keep_saving(self, key: UserKey) -> None:
        while (unsaved := self._unsaved.get(key)) is not None:
            await asyncio.sleep(self.policy.retry_save_every)
            try:
                await self._save_unsaved(key, unsaved)
            except Exception as error:  # a bug must not end the retries silently
                logger.error(
                    "saving renewed tokens of %s failed: %s", _describe(key), failure_line(error)
                )
