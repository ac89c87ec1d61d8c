"""Through Slack: answers from what was just fetched, and one kept-alive session to Slack."""

from __future__ import annotations

import json

from slack_helpers import ZOE, ask, words

from bot.demo.world import World


def asked(world: World) -> int:
    return world.sandbox.stats.total("GET /v1/")


async def test_a_command_repeated_within_30_s_asks_clustermarket_nothing(linked: World) -> None:
    first = words(await ask(linked, "bookings this week"))
    linked.sandbox.stats.reset()
    assert words(await ask(linked, "bookings this week")) == first
    assert asked(linked) == 0


async def test_the_home_tab_reopened_asks_clustermarket_nothing(linked: World) -> None:
    views = len(linked.fake.calls_to("views.publish"))
    await linked.slack.home_opened(user_id=ZOE.user_id)
    await linked.fake.wait_for(lambda: len(linked.fake.calls_to("views.publish")) > views)
    linked.sandbox.stats.reset()
    await linked.slack.home_opened(user_id=ZOE.user_id)
    await linked.fake.wait_for(lambda: len(linked.fake.calls_to("views.publish")) > views + 1)
    assert asked(linked) == 0
    view = json.dumps(linked.fake.home_views[ZOE.user_id], ensure_ascii=False)
    assert "Zoë Ångström" in view


async def test_every_post_to_slack_goes_over_one_kept_alive_session(linked: World) -> None:
    linked.fake.connections.clear()
    for text in ("me", "labs", "bookings today", "equipment nanodrop", "groups", "me"):
        await ask(linked, text)  # users.info, then a response_url post, each time
    assert linked.services.slack.session is linked.services.slack_session
    assert len(linked.fake.responses) >= 6
    assert len(linked.fake.connections) <= 2  # not one connection per call
