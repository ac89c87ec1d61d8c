"""Pasted Clustermarket links unfurl with the pasting person's token: the instrument's name,
room, availability and today's free slots, naming no one; someone unlinked gets no unfurl and
one offer to connect, once; links that are not ours, or not visible, stay plain."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_helpers import EMILY, ZOE

from bot.clustermarket.tokens import UserKey
from bot.demo.world import World
from bot.notify.unfurls import unfurl_links

WEB = "https://app.clustermarket.test"


@pytest.fixture
async def world() -> AsyncIterator[World]:
    options = {"backoff_base": 0.001, "backoff_cap": 0.01}
    async with World(client_options=options, settings={"CLUSTERMARKET_WEB_URL": WEB}) as running:
        yield running


def link_shared(world: World, user_id: str, *urls: str) -> dict[str, Any]:
    """A person posts the links in #lab: the event Slack sends the bot."""
    ts = world.fake.add_user_message("C0LAB", user_id, " ".join(urls)).ts
    return {
        "type": "link_shared",
        "channel": "C0LAB",
        "user": user_id,
        "message_ts": ts,
        "unfurl_id": "U_" + ts,
        "source": "conversations_history",
        "links": [{"domain": "app.clustermarket.test", "url": url} for url in urls],
    }


async def paste(world: World, user_id: str, *urls: str) -> str:
    """The links posted, and the event delivered over HTTP; the message's ts."""
    event = link_shared(world, user_id, *urls)
    assert (await world.slack.event(event)).status_code == 200
    return str(event["message_ts"])


async def test_an_instrument_link_unfurls_with_its_day_and_no_names(world: World) -> None:
    assert (await world.link(ZOE)).status_code == 200
    ts = await paste(world, ZOE.user_id, f"{WEB}/equipment/4105", "https://elsewhere.test/x")
    unfurl = await world.fake.wait_for(lambda: world.fake.unfurls.made)
    assert [(u.channel, u.ts, u.url) for u in unfurl] == [("C0LAB", ts, f"{WEB}/equipment/4105")]
    text = str(unfurl[0].blocks)
    assert f"<{WEB}/equipment/4105|NanoDrop One>" in text
    assert "G.12 QC Lab" in text and "In service" in text and "Genomics Core Facility" in text
    assert "Free" in text or "Nothing free" in text or "In use" in text
    assert "@" not in text.replace("<@U0ZOE>", "")  # no email, no one named but the paster


async def test_a_booking_link_and_one_that_is_not_visible(world: World) -> None:
    assert (await world.link(ZOE)).status_code == 200
    data = world.sandbox.data
    own = next(b for b in data.bookings.values() if b.requester_id == ZOE.cm_user_id)
    hidden = next(e.id for e in data.equipment.values() if e.lab_id == 109)  # Hudson's
    await paste(world, ZOE.user_id, f"{WEB}/bookings/{own.id}/", f"{WEB}/equipment/{hidden}")
    made = await world.fake.wait_for(lambda: world.fake.unfurls.made)
    assert [u.url for u in made] == [f"{WEB}/bookings/{own.id}/"]
    assert data.equipment[own.equipment_id].name in str(made[0].blocks)


async def test_someone_unlinked_gets_one_offer_and_no_unfurl(world: World) -> None:
    await paste(world, EMILY.user_id, f"{WEB}/equipment/4105")
    offer = await world.fake.wait_for(
        lambda: [m for m in world.fake.seen_by(EMILY.user_id) if m.ephemeral_for]
    )
    assert "Connect Clustermarket to preview its links" in offer[0].text
    again = link_shared(world, EMILY.user_id, f"{WEB}/equipment/4106")
    paster = UserKey(world.fake.team_id, EMILY.user_id)
    await unfurl_links(world.services, again, paster)  # awaited: done when back
    offers = [m for m in world.fake.seen_by(EMILY.user_id) if "preview its links" in m.text]
    assert len(offers) == 1 and world.fake.unfurls.made == []
