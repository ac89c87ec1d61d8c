"""The bot serving two Slack workspaces, both installed through Slack's flow, over one
sandbox Clustermarket: the same user id U0ZOE is Zoë in Genomics (A) and Emily in Imaging (B).
"""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import SecretStr

from bot.config import SLACK_INSTALL_PATH
from bot.demo.world import PEOPLE, SIGNING_SECRET, Person, World, add_people
from bot.fake_slack import FakeSlack, SlackRequester
from bot.fake_slack.teams import FakeSlackTeams
from bot.server import SLACK_EVENTS_PATH

TEAM_A, TEAM_B = "T0AAAAAAA", "T0BBBBBBB"
CLIENT_ID = "1111.2222"
CLIENT_SECRET = "slack-client-secret-for-tests"
STATE_SECRET = "state-secret-for-tests"
ZOE = PEOPLE[0]
EMILY_AS_U0ZOE = Person(
    "U0ZOE",
    "emily",
    "Emily Carter",
    "America/New_York",
    15011,
    "emily.carter@hudsonvalleybiolabs.com",
)
"""Imaging's member with the same user id as Zoë in Genomics, linked to Emily's account."""
STATE_COOKIE = "slack-app-oauth-state"


class TeamsWorld(World):
    """Start with `async with TeamsWorld() as world:`, then `await world.install(TEAM_A)`.

    World's helpers (`link`, `slack`, `fake`, and the listener tests' `ask`) act in one
    workspace at a time: Genomics (A) until `switch(TEAM_B)`.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.teams = FakeSlackTeams(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
        self.a = self.teams.add_team(TEAM_A, name="Genomics")
        self.b = self.teams.add_team(TEAM_B, name="Imaging")
        add_people(self.a)
        add_people(self.b, (EMILY_AS_U0ZOE,))
        self.fake = self.a

    async def start_slack(self) -> None:
        await self.teams.start()

    async def stop_slack(self) -> None:
        await self.teams.stop()

    def slack_settings(self) -> dict[str, Any]:
        return {
            "SLACK_CLIENT_ID": CLIENT_ID,
            "SLACK_CLIENT_SECRET": SecretStr(CLIENT_SECRET),
            "SLACK_STATE_SECRET": SecretStr(STATE_SECRET),
            "SLACK_API_URL": self.teams.api_url,
        }

    async def start(self) -> None:
        await super().start()
        events = self.base_url + SLACK_EVENTS_PATH
        self.requesters = {
            TEAM_A: self.slack,
            TEAM_B: SlackRequester(events, SIGNING_SECRET, self.b),
        }

    async def stop(self) -> None:
        await self.requesters[TEAM_B].aclose()
        await super().stop()

    def team(self, team_id: str) -> FakeSlack:
        return self.teams.teams[team_id]

    def switch(self, team_id: str) -> None:
        """Act in this workspace from now on (its fake Slack and its signed requests)."""
        self.fake = self.team(team_id)
        self.slack = self.requesters[team_id]

    async def install(self, team_id: str, *, cookie: bool = True) -> httpx.Response:
        """An admin installs the app: /slack/install, Slack's page, back to the bot (with
        the state cookie a browser keeps, unless `cookie=False`). Returns the last page."""
        start = await self.browser.get(self.base_url + SLACK_INSTALL_PATH, params={"team": team_id})
        if start.status_code != 302:
            return start
        jar = {STATE_COOKIE: start.cookies.get(STATE_COOKIE, "")}
        at_slack = await self.browser.get(start.headers["location"])
        if at_slack.status_code != 302:
            return at_slack
        # the state cookie is Secure, which httpx keeps from http://; browsers allow localhost
        headers = {"Cookie": f"{STATE_COOKIE}={jar[STATE_COOKIE]}"} if cookie else {}
        return await self.browser.get(at_slack.headers["location"], headers=headers)

    async def link_in(self, team_id: str, person: Person) -> httpx.Response:
        """`person` links through the real flow in workspace `team_id`; the callback page."""
        self.switch(team_id)
        return await self.link(person)
