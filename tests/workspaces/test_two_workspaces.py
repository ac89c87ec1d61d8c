"""One process serves two workspaces installed through Slack's flow; their members with the
SAME user id (U0ZOE: Zoë in Genomics, Emily in Imaging) never see each other's links,
answers or digests, and every Web API call goes out with its own workspace's token."""

from __future__ import annotations

import datetime as dt

from slack_helpers import ask, bot_replies, find_button, words
from teams_world import EMILY_AS_U0ZOE, TEAM_A, TEAM_B, ZOE, TeamsWorld

from bot.clustermarket.tokens import UserKey
from bot.digest.runner import DigestRunner

TODAY = dt.date(2026, 3, 25)
NOON = dt.datetime(2026, 3, 25, 12, 30, tzinfo=dt.UTC)  # past 08:00 in London and New York
A_KEY, B_KEY = UserKey(TEAM_A, "U0ZOE"), UserKey(TEAM_B, "U0ZOE")


def only_own_tokens(world: TeamsWorld) -> None:
    """Every call a workspace received carried that workspace's token; none went astray."""
    for team_id in (TEAM_A, TEAM_B):
        team = world.team(team_id)
        assert {call.token for call in team.calls} == {team.bot_token}, team_id
    assert world.teams.unrouted == []


async def link_both(world: TeamsWorld) -> None:
    assert (await world.link_in(TEAM_A, ZOE)).status_code == 200
    assert (await world.link_in(TEAM_B, EMILY_AS_U0ZOE)).status_code == 200


async def test_the_same_user_id_in_two_workspaces_is_two_people(world: TeamsWorld) -> None:
    await link_both(world)
    a_link = await world.services.store.get_link(A_KEY)
    b_link = await world.services.store.get_link(B_KEY)
    assert a_link is not None and a_link.cm_user_name == "Zoë Ångström"
    assert b_link is not None and b_link.cm_user_name == "Emily Carter"

    world.switch(TEAM_A)
    assert "Zoë Ångström" in words(await ask(world, "me"))
    world.switch(TEAM_B)
    imaging = words(await ask(world, "me", EMILY_AS_U0ZOE))
    assert "Emily Carter" in imaging and "Zoë" not in imaging
    # each welcome DM went to its own workspace
    welcome_a = [m.text for m in world.a.messages_in("U0ZOE")][:1]
    welcome_b = [m.text for m in world.b.messages_in("U0ZOE")][:1]
    assert welcome_a[0].startswith("Connected to Clustermarket as Zoë Ångström")
    assert welcome_b[0].startswith("Connected to Clustermarket as Emily Carter")
    only_own_tokens(world)


async def test_mentions_home_and_disconnect_stay_in_their_workspace(world: TeamsWorld) -> None:
    await link_both(world)
    world.switch(TEAM_B)
    seen_in_a = len(world.a.messages_in("C0LAB"))
    await world.slack.mention("what are my bookings today?", user_id="U0ZOE")
    mention = world.b.messages_in("C0LAB")[-1]
    await world.b.wait_for(lambda: bot_replies(world, "C0LAB", mention.ts))
    assert len(world.a.messages_in("C0LAB")) == seen_in_a

    await world.requesters[TEAM_A].home_opened(user_id="U0ZOE")
    await world.requesters[TEAM_B].home_opened(user_id="U0ZOE")
    homes = [
        await team.wait_for(lambda team=team: team.home_views.get("U0ZOE"))  # type: ignore[misc]
        for team in (world.a, world.b)
    ]
    assert "Zoë Ångström" in str(homes[0]) and "Emily Carter" not in str(homes[0])
    assert "Emily Carter" in str(homes[1]) and "Zoë" not in str(homes[1])

    world.switch(TEAM_A)
    reply = await ask(world, "disconnect")
    assert "Disconnected" in words(reply) and find_button(reply, "cm_forget_me")
    assert await world.services.store.get_link(A_KEY) is None
    assert await world.services.store.get_link(B_KEY) is not None
    only_own_tokens(world)


async def test_digests_go_to_each_workspace_with_its_token() -> None:
    async with TeamsWorld(today=TODAY) as world:
        for team_id in (TEAM_A, TEAM_B):
            assert (await world.install(team_id)).status_code == 200
        await link_both(world)
        store = world.services.store
        for key, team in ((A_KEY, world.a), (B_KEY, world.b)):
            await store.save_subscription(
                kind="personal",
                team_id=key.team_id,
                owner_user_id=key.user_id,
                channel_id=team.dm_channel_id(key.user_id),
                send_time="08:00",
                timezone="UTC",  # the runner follows each one's Slack zone
                include_empty=True,
            )
        report = await DigestRunner(world.services).run_due(NOON)
        assert (report.sent, report.failed) == (2, 0), report.summary()
        genomics = [m for m in world.a.messages_in("U0ZOE") if m.metadata]
        imaging = [m for m in world.b.messages_in("U0ZOE") if m.metadata]
        assert len(genomics) == len(imaging) == 1
        # each followed its own owner's Slack zone, read from its own workspace
        zones = {s.team_id: s.timezone for s in await store.list_subscriptions()}
        assert zones == {TEAM_A: "Europe/London", TEAM_B: "America/New_York"}
        only_own_tokens(world)
        assert (await DigestRunner(world.services).run_due(NOON)).already_sent == 2
