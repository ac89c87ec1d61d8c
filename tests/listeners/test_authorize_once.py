"""One workspace: Slack's auth.test is asked once for a burst of first requests, and again
after it failed."""

from __future__ import annotations

import asyncio

from slack_helpers import ZOE

from bot.demo.world import World


async def test_a_burst_of_first_requests_asks_auth_test_once(world: World) -> None:
    assert not world.fake.calls_to("auth.test")  # nothing asked it before the first request
    acks = await asyncio.gather(
        *(world.slack.command("help", user_id=ZOE.user_id) for _ in range(8))
    )
    assert [ack.status_code for ack in acks] == [200] * 8
    await world.fake.wait_for(lambda: len(world.fake.responses) >= 8)
    assert len(world.fake.calls_to("auth.test")) == 1


async def test_a_failed_auth_test_is_asked_again_by_the_next_request(world: World) -> None:
    world.fake.fail_next("auth.test", error="invalid_auth")
    refused = await world.slack.command("help", user_id=ZOE.user_id)
    assert refused.status_code == 200
    assert "reinstall" in refused.text  # Bolt's own words for an unusable token
    answered = await world.slack.command("help", user_id=ZOE.user_id)
    assert answered.status_code == 200
    assert answered.text == ""
    await world.fake.wait_for(lambda: world.fake.responses)
    assert len(world.fake.calls_to("auth.test")) == 2
