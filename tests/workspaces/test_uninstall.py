"""`app_uninstalled` and `tokens_revoked` (bot): the workspace's installation, links (their
Clustermarket tokens revoked) and digests go; the other workspace keeps everything."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

import pytest
from slack_helpers import ask, words
from teams_world import EMILY_AS_U0ZOE, TEAM_A, TEAM_B, ZOE, TeamsWorld

from bot.clustermarket.tokens import UserKey
from bot.store import Store

A_KEY, B_KEY = UserKey(TEAM_A, "U0ZOE"), UserKey(TEAM_B, "U0ZOE")


async def setting_up_both(world: TeamsWorld) -> None:
    """Each U0ZOE linked, with a personal digest and a channel digest."""
    for team_id, person in ((TEAM_A, ZOE), (TEAM_B, EMILY_AS_U0ZOE)):
        assert (await world.link_in(team_id, person)).status_code == 200
        team = world.team(team_id)
        await team.wait_for(lambda team=team: team.home_views.get("U0ZOE"))  # welcome done
        for kind, channel in (
            ("personal", world.team(team_id).dm_channel_id("U0ZOE")),
            ("channel", "C0LAB"),
        ):
            await world.services.store.save_subscription(
                kind=kind,
                team_id=team_id,
                owner_user_id="U0ZOE",
                channel_id=channel,
                send_time="08:00",
                timezone="UTC",
                lab_id=1 if kind == "channel" else None,
            )


async def eventually(read: Callable[[], Any], *, gone: bool) -> None:
    """Bolt acknowledges an event first and runs its listener after: wait for its effect."""
    for _ in range(500):
        found = read()
        if inspect.isawaitable(found):
            found = await found
        if (not found) == gone:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the listener's work never showed")


async def everything_of(store: Store, team_id: str) -> dict[str, Any]:
    key = UserKey(team_id, "U0ZOE")
    return {
        "bot": await store.find_slack_bot(
            enterprise_id=None, team_id=team_id, is_enterprise_install=False
        ),
        "link": await store.get_link(key),
        "digests": await store.list_subscriptions(team_id=team_id),
        "mentions": await store.mentions(key),
    }


@pytest.mark.parametrize(
    "event",
    [
        {"type": "app_uninstalled"},
        {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["U0BOTAAAA"]}},
    ],
    ids=["app_uninstalled", "tokens_revoked"],
)
async def test_removing_the_app_forgets_the_workspace_and_only_it(
    world: TeamsWorld, event: dict[str, Any]
) -> None:
    await setting_up_both(world)
    store = world.services.store
    a_link = await store.get_link(A_KEY)
    assert a_link is not None
    revocations = world.sandbox.stats.revocations

    world.teams.revoke(TEAM_A)  # Slack kills the token, then tells the app
    ack = await world.requesters[TEAM_A].event(event)
    assert ack.status_code == 200
    await eventually(lambda: store.get_link(A_KEY), gone=True)
    await eventually(lambda: store.list_subscriptions(team_id=TEAM_A), gone=True)

    assert await everything_of(store, TEAM_A) == {
        "bot": None,
        "link": None,
        "digests": [],
        "mentions": 0,
    }
    # then, from memory, its Clustermarket tokens are revoked (refresh and access token)
    await eventually(lambda: world.sandbox.stats.revocations >= revocations + 2, gone=False)
    assert world.sandbox.tokens.access(a_link.tokens.access_token)[0] is None

    kept = await everything_of(store, TEAM_B)
    assert kept["bot"] is not None and kept["link"] is not None and len(kept["digests"]) == 2
    world.switch(TEAM_B)
    assert "Emily Carter" in words(await ask(world, "me", EMILY_AS_U0ZOE))


async def test_a_revoked_user_token_drops_only_that_installer(world: TeamsWorld) -> None:
    installer = world.teams.installers[TEAM_A]
    store = world.services.store
    assert await store.find_slack_installation(
        enterprise_id=None, team_id=TEAM_A, user_id=installer, is_enterprise_install=False
    )
    ack = await world.requesters[TEAM_A].event(
        {"type": "tokens_revoked", "tokens": {"oauth": [installer], "bot": []}}
    )
    assert ack.status_code == 200
    await eventually(
        lambda: store.find_slack_installation(
            enterprise_id=None, team_id=TEAM_A, user_id=installer, is_enterprise_install=False
        ),
        gone=True,
    )
    assert await store.find_slack_bot(
        enterprise_id=None, team_id=TEAM_A, is_enterprise_install=False
    )
