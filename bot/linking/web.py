"""The browser's side of linking: the start page, the OAuth callback and the confirm page.

The browser that opens a connect link gets a cookie naming it (HttpOnly, SameSite=Lax so it
comes back with Clustermarket's redirect, Secure when PUBLIC_URL is https, for as long as
the journey may take). The sign-in must come back to, and be confirmed from, that browser:
a link forwarded to someone else can never quietly link their account. The pages are never
cached, framed or given a referrer; nothing here logs a query string or a form.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
from collections.abc import AsyncIterator, Callable
from urllib.parse import urlsplit

from aiohttp import web

from bot.config import OAUTH_CALLBACK_PATH, Settings
from bot.failures import failure_line
from bot.linking.flow import Linker, LinkResult
from bot.linking.lifetime import CONFIRM_PATH, CONNECT_PATH, LINK_LIFETIME
from bot.linking.pages import (
    Page,
    confirm_page,
    link_page,
    render,
    ticket_page,
    unavailable_page,
)
from bot.linking.tickets import TicketError
from bot.store import StoreError

logger = logging.getLogger(__name__)

BROWSER_COOKIE = "cmbot_connect"
COOKIE_LIFETIME = 2 * LINK_LIFETIME
"""The sign-in, then the confirm page: each must be done within LINK_LIFETIME."""
SWEEP_EVERY = 60.0
"""Seconds between looks for sign-ins nobody confirmed, whose tokens are then revoked."""
_BROWSER_ID = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self';"
        " frame-ancestors 'none'; base-uri 'none'"
    ),
}


def html(page: Page) -> web.Response:
    return web.Response(
        status=page.status, text=render(page), content_type="text/html", headers=_PAGE_HEADERS
    )


def cookie_scope(public_url: str) -> tuple[str, bool]:
    """The browser cookie's path (the linking pages under PUBLIC_URL's own path) and whether
    it is Secure (PUBLIC_URL is https)."""
    public = urlsplit(public_url)
    return public.path.rstrip("/") + "/clustermarket/", public.scheme == "https"


def browser_of(request: web.Request) -> str | None:
    """The cookie naming the browser, if it is one this bot could have set."""
    value = request.cookies.get(BROWSER_COOKIE, "")
    return value if _BROWSER_ID.fullmatch(value) else None


class LinkingPages:
    """The three routes of linking, and the sweep that revokes unanswered sign-ins.

    `on_linked` is called (without waiting) with every result that linked an account.
    """

    def __init__(
        self,
        linker: Linker,
        settings: Settings,
        on_linked: Callable[[LinkResult], None],
        *,
        sweep_every: float = SWEEP_EVERY,
    ) -> None:
        self.linker = linker
        self.command = settings.SLACK_COMMAND
        self.cookie_path, self.secure_cookie = cookie_scope(settings.PUBLIC_URL)
        self.confirm_url = settings.PUBLIC_URL.rstrip("/") + CONFIRM_PATH
        self.on_linked = on_linked
        self.sweep_every = sweep_every

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get(CONNECT_PATH, self.start)
        app.router.add_get(OAUTH_CALLBACK_PATH, self.callback)
        app.router.add_post(CONFIRM_PATH, self.confirm)
        app.cleanup_ctx.append(self._sweeping)

    async def start(self, request: web.Request) -> web.Response:
        """A clicked connect button: use up the link, name the browser, on to Clustermarket."""
        browser = browser_of(request) or secrets.token_urlsafe(32)
        try:
            url = await self.linker.start(request.query.get("ticket", ""), browser)
        except TicketError as refused:
            return html(ticket_page(refused.reason, self.command))
        except Exception as failure:
            return self._unavailable("could not start account linking", failure)
        response = web.Response(status=302, headers={**_PAGE_HEADERS, "Location": url})
        response.set_cookie(
            BROWSER_COOKIE,
            browser,
            max_age=int(COOKIE_LIFETIME.total_seconds()),
            path=self.cookie_path,
            secure=self.secure_cookie,
            httponly=True,
            samesite="Lax",
        )
        return response

    async def callback(self, request: web.Request) -> web.Response:
        """Back from Clustermarket: linked, a page asking to confirm, or why not."""
        query = request.query
        try:
            result = await self.linker.complete(
                code=query.get("code"),
                state=query.get("state"),
                error=query.get("error"),
                browser=browser_of(request),
            )
        except Exception as failure:
            return self._unavailable("could not finish account linking", failure)
        if result.outcome == "confirm":
            return html(confirm_page(result, action=self.confirm_url, command=self.command))
        return self._ended(result)

    async def confirm(self, request: web.Request) -> web.Response:
        """ "Link these accounts" or "Cancel" on the confirm page."""
        form = None
        if request.content_type == "application/x-www-form-urlencoded":  # as the page sends
            with contextlib.suppress(ValueError):
                form = await request.post()
        token = form.get("token") if form is not None else None
        choice = form.get("choice") if form is not None else None
        try:
            result = await self.linker.confirm(
                token=token if isinstance(token, str) else "",
                choice=choice if isinstance(choice, str) else "",
                browser=browser_of(request),
            )
        except Exception as failure:
            return self._unavailable("could not answer the confirm page", failure)
        return self._ended(result)

    def _unavailable(self, what: str, failure: Exception) -> web.Response:
        """The database failing is said in one line; anything else is a bug, also one line
        (its type and where in cmbot: a traceback could quote the code or the state)."""
        if isinstance(failure, StoreError):
            logger.warning("%s: %s", what, failure)
        else:
            logger.error("%s: %s", what, failure_line(failure))
        return html(unavailable_page(self.command))

    def _ended(self, result: LinkResult) -> web.Response:
        if result.outcome == "linked" and result.key is not None:
            self.on_linked(result)
        return html(link_page(result, command=self.command))

    async def _sweeping(self, _: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(self._sweep_forever())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self.sweep_every)
            try:
                await self.linker.sweep()
            except StoreError as failure:
                logger.warning("could not sweep unconfirmed sign-ins: %s", failure)
