"""Several fake Slack workspaces behind one Web API, and Slack's side of installing an app.

Each workspace is a `FakeSlack` with its own people, channels, messages and bot token (its
own port serves its response URLs). The front answers `/api/{method}` as the workspace
whose bot token the call carries, so a bot serving many workspaces must use the right token
for each, and `auth.test` tells each token's workspace. It also plays the install:
`/oauth/v2/authorize` (the admin approves, or cancels) sends the browser back to the app's
redirect URL with a one-time code, which `oauth.v2.access` (the app's client id and secret,
as HTTP Basic or form fields) trades for the workspace's bot token, as Slack's answer shapes it.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from bot.fake_slack.server import ApiError, FakeSlack, listen
from bot.lifecycle import AsyncRunning


@dataclass
class _Grant:
    team: FakeSlack
    installer: str
    redirect_uri: str | None
    scope: str


def _basic_credentials(header: str) -> tuple[str, str] | None:
    if not header.startswith("Basic "):
        return None
    try:
        decoded = base64.b64decode(header.removeprefix("Basic ").strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, _, client_secret = decoded.partition(":")
    return client_id, client_secret


class FakeSlackTeams(AsyncRunning):
    """Start with `async with`; `add_team` before starting."""

    def __init__(self, *, client_id: str, client_secret: str, app_id: str = "A0CMBOT") -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.app_id = app_id
        self.teams: dict[str, FakeSlack] = {}
        self.team_names: dict[str, str] = {}
        self.installers: dict[str, str] = {}
        self.approve = True
        """What the admin chooses on Slack's install page: Allow, or Cancel."""
        self.unrouted: list[str] = []
        """Methods called with a token no workspace has (revoked, or another app's)."""
        self._grants: dict[str, _Grant] = {}
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None

    def add_team(self, team_id: str, *, name: str, installer: str = "U0ADMIN") -> FakeSlack:
        """A workspace with its own bot token (given out only by an install)."""
        suffix = team_id[-4:].upper()
        team = FakeSlack(
            bot_token=f"xoxb-{team_id.lower()}-{secrets.token_hex(8)}",
            team_id=team_id,
            bot_user_id=f"U0BOT{suffix}",
            bot_id=f"B0BOT{suffix}",
            app_id=self.app_id,
            team_domain=name.lower().replace(" ", "-"),
        )
        team.add_user(installer, name="admin", real_name=f"{name} admin")
        self.teams[team_id] = team
        self.team_names[team_id] = name
        self.installers[team_id] = installer
        return team

    def revoke(self, team_id: str) -> None:
        """The workspace's bot token stops working (the app was uninstalled there)."""
        self.teams[team_id].bot_token = f"xoxb-revoked-{secrets.token_hex(8)}"

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1") -> None:
        for team in self.teams.values():
            await team.start(host)
        app = web.Application()
        app.router.add_get("/oauth/v2/authorize", self._authorize)
        app.router.add_route("*", "/api/{method}", self._api)
        self._runner, self._base_url = await listen(app, host, 0)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        for team in self.teams.values():
            await team.stop()

    @property
    def api_url(self) -> str:
        """What SLACK_API_URL should be: Slack's install page is beside it, as at slack.com."""
        if self._base_url is None:
            raise RuntimeError("FakeSlackTeams has not been started")
        return self._base_url + "/api/"

    # -- the install ---------------------------------------------------------------------

    async def _authorize(self, request: web.Request) -> web.Response:
        query = request.query
        if query.get("client_id") != self.client_id:
            return web.Response(status=400, text="invalid_client_id")
        team = self.teams.get(query.get("team", ""))
        redirect_uri = query.get("redirect_uri")
        if team is None or not redirect_uri:
            return web.Response(status=400, text="pick a workspace (team=) and a redirect_uri")
        back: dict[str, str] = {"state": query.get("state", "")}
        if self.approve:
            code = secrets.token_urlsafe(24)
            self._grants[code] = _Grant(
                team, self.installers[team.team_id], redirect_uri, query.get("scope", "")
            )
            back["code"] = code
        else:
            back["error"] = "access_denied"
        raise web.HTTPFound(f"{redirect_uri}?{urlencode(back)}")

    def _oauth_access(self, args: dict[str, Any], authorization: str) -> dict[str, Any]:
        credentials = _basic_credentials(authorization) or (
            str(args.get("client_id", "")),
            str(args.get("client_secret", "")),
        )
        if credentials[0] != self.client_id:
            raise ApiError("invalid_client_id")
        if not secrets.compare_digest(credentials[1], self.client_secret):
            raise ApiError("bad_client_secret")
        grant = self._grants.pop(str(args.get("code", "")), None)
        if grant is None:
            raise ApiError("invalid_code")
        if args.get("redirect_uri") and args["redirect_uri"] != grant.redirect_uri:
            raise ApiError("bad_redirect_uri")
        team = grant.team
        return {
            "access_token": team.bot_token,
            "token_type": "bot",
            "scope": grant.scope,
            "bot_user_id": team.bot_user_id,
            "app_id": self.app_id,
            "team": {"id": team.team_id, "name": self.team_names[team.team_id]},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": grant.installer},
        }

    # -- the Web API ---------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            args, token = await FakeSlack.read_args(request)
            if method == "oauth.v2.access":
                body = self._oauth_access(args, request.headers.get("Authorization", ""))
                return web.json_response({"ok": True, **body})
        except ApiError as error:
            return web.json_response({"ok": False, "error": error.error})
        for team in self.teams.values():
            if token is not None and secrets.compare_digest(token, team.bot_token):
                return await team.answer(method, args, token)
        self.unrouted.append(method)
        return web.json_response({"ok": False, "error": "invalid_auth" if token else "not_authed"})
