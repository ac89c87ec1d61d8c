"""The App Home digest buttons, dispatched through a Bolt app as Slack would send the clicks."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from digest_world import PRIYA, TEAM
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.conversation import Conversation
from bot.digest.commands import digest_summary
from bot.fake_slack import FakeSlack
from bot.listeners.actions import digest as digest_actions
from bot.render.digest import (
    DIGEST_INCLUDE_EMPTY,
    DIGEST_SKIP_WEEKENDS,
    DIGEST_TURN_OFF,
    DIGEST_TURN_ON,
)
from bot.services import Services


def bolt(services: Services) -> AsyncApp:
    app = AsyncApp(
        client=services.slack,
        signing_secret="unused",
        request_verification_enabled=False,
        process_before_response=True,
    )
    digest_actions.register(app, Conversation(services))
    return app


async def click(app: AsyncApp, action_id: str, value: str, user_id: str) -> int:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user_id, "team_id": TEAM},
        "team": {"id": TEAM},
        "api_app_id": "A0CMBOT",
        "container": {"type": "view", "view_id": "V0HOME"},
        "trigger_id": "1.2.3",
        "actions": [{"action_id": action_id, "block_id": "b", "value": value, "type": "button"}],
    }
    request = AsyncBoltRequest(
        body=urlencode({"payload": json.dumps(payload)}),
        headers={"content-type": ["application/x-www-form-urlencoded"]},
    )
    response = await app.async_dispatch(request)
    return response.status


async def test_home_buttons_change_the_digest_and_republish(
    services: Services, link, fake: FakeSlack
) -> None:
    await link(PRIYA)
    app = bolt(services)
    assert await click(app, DIGEST_TURN_ON, "on", PRIYA.user_id) == 200
    summary = await digest_summary(services.store, PRIYA.key)
    assert summary.personal and not summary.include_empty
    assert PRIYA.user_id in fake.home_views
    await click(app, DIGEST_INCLUDE_EMPTY, "on", PRIYA.user_id)
    await click(app, DIGEST_INCLUDE_EMPTY, "on", PRIYA.user_id)  # a double click sets, not flips
    await click(app, DIGEST_SKIP_WEEKENDS, "on", PRIYA.user_id)
    summary = await digest_summary(services.store, PRIYA.key)
    assert summary.include_empty and summary.skip_weekends
    await click(app, DIGEST_SKIP_WEEKENDS, "off", PRIYA.user_id)
    assert not (await digest_summary(services.store, PRIYA.key)).skip_weekends
    await click(app, DIGEST_TURN_OFF, "off", PRIYA.user_id)
    assert not (await digest_summary(services.store, PRIYA.key)).personal
    assert len(fake.calls_to("views.publish")) == 6


async def test_turning_on_without_a_link_only_refreshes_the_home(
    services: Services, fake: FakeSlack
) -> None:
    app = bolt(services)
    assert await click(app, DIGEST_TURN_ON, "on", PRIYA.user_id) == 200
    assert not (await digest_summary(services.store, PRIYA.key)).personal
    assert PRIYA.user_id in fake.home_views
