"""Slack's install flow, Bolt's own over cmbot's database: what is stored (encrypted), and
every way an install can go wrong, each ending on a page that says so and changing nothing."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from db_faults import write_locked
from teams_world import STATE_COOKIE, TEAM_A, TEAM_B, TeamsWorld

from bot.config import SLACK_INSTALL_PATH, SLACK_OAUTH_REDIRECT_PATH
from bot.demo.world import World


def database_bytes(world: World) -> bytes:
    database = Path(world.settings.DATABASE_PATH)
    return b"".join(
        path.read_bytes()
        for path in (database, database.with_name(database.name + "-wal"))
        if path.exists()
    )


async def test_installs_are_kept_encrypted_and_each_token_answers_for_its_workspace(
    world: TeamsWorld,
) -> None:
    clients = world.services.slack
    for team_id in (TEAM_A, TEAM_B):
        client = await clients.for_team(team_id)
        assert client.token == world.team(team_id).bot_token
        assert (await client.auth_test())["team_id"] == team_id
        assert world.team(team_id).bot_token.encode() not in database_bytes(world)
    assert await world.services.store.slack_workspaces() == [(None, TEAM_A), (None, TEAM_B)]


async def test_the_install_page_names_the_workspace_and_what_to_do_next() -> None:
    async with TeamsWorld() as world:
        page = await world.install(TEAM_B)
        assert page.status_code == 200
        assert "installed in <b>Imaging</b>" in page.text
        assert "/cm connect" in page.text
        assert f"{STATE_COOKIE}=deleted" in page.headers.get("set-cookie", "")


async def test_cancelled_replayed_and_cookieless_installs_change_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)  # the bot's own level floors (slack_sdk WARNING) aside
    async with TeamsWorld() as world:
        world.teams.approve = False
        cancelled = await world.install(TEAM_A)
        assert cancelled.status_code == 200 and "not installed" in cancelled.text
        world.teams.approve = True
        no_cookie = await world.install(TEAM_A, cookie=False)
        assert no_cookie.status_code == 400 and "run out" in no_cookie.text
        assert await world.services.store.slack_workspaces() == []

        start = await world.browser.get(
            world.base_url + SLACK_INSTALL_PATH, params={"team": TEAM_A}
        )
        state_cookie = f"{STATE_COOKIE}={start.cookies[STATE_COOKIE]}"
        back = (await world.browser.get(start.headers["location"])).headers["location"]
        assert (await world.browser.get(back, headers={"Cookie": state_cookie})).status_code == 200
        replayed = await world.browser.get(back, headers={"Cookie": state_cookie})
        assert replayed.status_code == 400 and "run out" in replayed.text

        # a state that is ours but a code Slack refuses: Bolt's warning names no code
        start = await world.browser.get(
            world.base_url + SLACK_INSTALL_PATH, params={"team": TEAM_B}
        )
        state = start.cookies[STATE_COOKIE]
        forged = await world.browser.get(
            world.base_url + SLACK_OAUTH_REDIRECT_PATH,
            params={"code": "forged-code-0123456789", "state": state},
            headers={"Cookie": f"{STATE_COOKIE}={state}"},
        )
        assert forged.status_code == 400 and "did not complete" in forged.text
        assert await world.services.store.slack_workspaces() == [(None, TEAM_A)]
    logged = "\n".join(
        record.getMessage()
        for record in caplog.records
        if not record.name.startswith("httpx")  # the test's browser, not the bot
    )
    assert "forged-code-0123456789" not in logged
    assert "Failed to fetch oauth.v2.access" in logged  # Bolt's warning, with the code hidden


async def test_a_workspace_not_installed_gets_a_kind_answer_and_nothing_stored() -> None:
    async with TeamsWorld() as world:
        assert (await world.install(TEAM_A)).status_code == 200
        world.switch(TEAM_B)  # Slack still sends its requests (say, installed and removed)
        ack = await world.slack.command("me", user_id="U0ZOE")
        assert ack.status_code == 200
        answers = await world.b.wait_for(lambda: world.b.responses)
        assert "no longer available" in str(answers[0].body)
        assert world.b.calls == []  # no token of its own, and none of another workspace
        assert await world.services.store.teams_of("U0ZOE") == []


async def test_a_locked_database_mid_install_is_a_kind_page_and_the_install_can_go_on() -> None:
    async with TeamsWorld(busy_timeout=0.2) as world:
        database = Path(world.settings.DATABASE_PATH)
        with write_locked(database):
            page = await world.browser.get(
                world.base_url + SLACK_INSTALL_PATH, params={"team": TEAM_A}
            )
        assert page.status_code == 503 and "nothing changed" in page.text

        start = await world.browser.get(
            world.base_url + SLACK_INSTALL_PATH, params={"team": TEAM_A}
        )
        cookie = {"Cookie": f"{STATE_COOKIE}={start.cookies[STATE_COOKIE]}"}
        back = (await world.browser.get(start.headers["location"])).headers["location"]
        with write_locked(database):
            page = await world.browser.get(back, headers=cookie)
        assert page.status_code == 503
        assert await world.services.store.slack_workspaces() == []
        assert (await world.browser.get(back, headers=cookie)).status_code == 200  # state kept
        assert await world.services.store.slack_workspaces() == [(None, TEAM_A)]


async def test_one_workspace_mode_has_no_install_routes() -> None:
    async with World() as world:
        page = await world.browser.get(world.base_url + SLACK_INSTALL_PATH)
        assert page.status_code == 404
