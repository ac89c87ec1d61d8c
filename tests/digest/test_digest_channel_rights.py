"""Who may change a channel's digest (the person who set it up, or a workspace admin or
owner), and the channel hearing about every change."""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import replace
from typing import Any

import pytest
import time_machine
from digest_world import MARGARET, PRIYA, TEAM, ZOE, Person

from bot.digest.commands import digest_reply
from bot.digest.links import on_link_broken
from bot.fake_slack import FakeSlack
from bot.questions.commands import ChannelDigestOff, ChannelDigestOn
from bot.render.digest_notices import ChannelDigestChange, channel_change_notice
from bot.render.reply import Reply
from bot.services import Services
from bot.store import Subscription

CHANNEL = "C0STRUCT"
NOW = dt.datetime(2026, 3, 25, 7, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def before_eight() -> Any:
    """07:00 in London on the sandbox's day: every change here starts today."""
    with time_machine.travel("2026-03-25T07:00:00Z", tick=True) as traveller:
        yield traveller


def shown(reply: Reply) -> str:
    return reply.text + json.dumps(reply.blocks, ensure_ascii=False)


def notices(fake: FakeSlack) -> list[str]:
    return [json.dumps(m.blocks, ensure_ascii=False) for m in fake.messages_in(CHANNEL)]


async def turn_on(services: Services, person: Person, time: dt.time, lab: str) -> Reply:
    return await digest_reply(services, ChannelDigestOn(time, lab), person.key, CHANNEL)


async def current(services: Services) -> Subscription | None:
    return await services.store.find_subscription(kind="channel", team_id=TEAM, channel_id=CHANNEL)


async def test_only_the_owner_or_an_admin_changes_it_and_each_change_is_announced(
    services: Services, link, fake: FakeSlack
) -> None:
    for person in (PRIYA, ZOE, MARGARET):
        await link(person)
    fake.add_user(MARGARET.user_id, name="margaret", real_name="Margaret", is_admin=True)

    await turn_on(services, PRIYA, dt.time(8), "structural")
    [set_up] = notices(fake)
    assert "<@U0PRIYA> set up a daily digest here" in set_up
    assert "Structural Biology Lab" in set_up and "First: today at 08:00" in set_up

    for attempt in (
        turn_on(services, ZOE, dt.time(9), "structural"),
        digest_reply(services, ChannelDigestOff(), ZOE.key, CHANNEL),
    ):
        refused = shown(await attempt)
        assert "set up by <@U0PRIYA>" in refused and "workspace admin" in refused
    unchanged = await current(services)
    assert unchanged is not None
    assert (unchanged.owner_user_id, unchanged.send_time) == (PRIYA.user_id, "08:00")
    assert len(notices(fake)) == 1  # a refusal is told to the asker alone

    await turn_on(services, PRIYA, dt.time(9), "structural")
    assert "<@U0PRIYA> moved this channel's digest to *09:00*" in notices(fake)[-1]
    await turn_on(services, PRIYA, dt.time(9), "structural")  # nothing changed: nothing said
    assert len(notices(fake)) == 2

    took = shown(await turn_on(services, MARGARET, dt.time(9), "structural"))
    assert "You now run this channel's digest" in took
    taken = notices(fake)[-1]
    assert "<@U0MARGARET> took over this channel's digest" in taken
    assert "uses <@U0MARGARET>'s Clustermarket access (it was set up by <@U0PRIYA>)" in taken
    moved_on = await current(services)
    assert moved_on is not None and moved_on.owner_user_id == MARGARET.user_id

    refused = shown(await digest_reply(services, ChannelDigestOff(), PRIYA.key, CHANNEL))
    assert "set up by <@U0MARGARET>" in refused  # the old owner is now anyone else
    assert (await current(services)) is not None

    await turn_on(services, MARGARET, dt.time(7, 30), "genomics")
    both = notices(fake)[-1]
    assert "moved this channel's digest to *07:30* and switched it" not in both
    assert "moved this channel's digest to *07:30*" in both
    assert "switched this channel's digest to *Genomics Core Facility*" in both
    assert "Next: today at 07:30" in both  # 07:30 is still to come

    off = shown(await digest_reply(services, ChannelDigestOff(), MARGARET.key, CHANNEL))
    assert "Stopped the daily digest" in off
    assert "<@U0MARGARET> turned off this channel's daily digest of *Genomics" in notices(fake)[-1]
    assert await current(services) is None


async def test_an_owner_of_the_workspace_may_change_it_and_slack_not_saying_means_no(
    services: Services, link, fake: FakeSlack
) -> None:
    await link(PRIYA)
    await link(ZOE)
    await turn_on(services, PRIYA, dt.time(8), "structural")
    fake.fail_next("users.info", error="ratelimited")
    refused = shown(await digest_reply(services, ChannelDigestOff(), ZOE.key, CHANNEL))
    assert "set up by <@U0PRIYA>" in refused
    fake.add_user(ZOE.user_id, name="zoe", real_name="Zoë", is_owner=True)
    await digest_reply(services, ChannelDigestOff(), ZOE.key, CHANNEL)
    assert await current(services) is None
    assert "turned off this channel's daily digest" in notices(fake)[-1]
    assert "(set up by <@U0PRIYA>)" in notices(fake)[-1]


async def test_a_paused_digest_is_taken_over_by_an_admin_not_by_anyone(
    services: Services, link, lab_channel, fake: FakeSlack
) -> None:
    await link(ZOE)
    await link(MARGARET)
    lab = await lab_channel(PRIYA, channel_id=CHANNEL)  # Priya never linked
    await on_link_broken(services, PRIYA.key)
    status = shown(await digest_reply(services, ChannelDigestOff(), ZOE.key, CHANNEL))
    assert "set up by <@U0PRIYA>" in status
    paused = await services.store.get_subscription(lab.id)
    assert paused is not None and paused.status == "paused"

    fake.add_user(MARGARET.user_id, name="margaret", real_name="Margaret", is_admin=True)
    await turn_on(services, MARGARET, dt.time(8), "structural")

    taken = await services.store.get_subscription(lab.id)
    assert taken is not None and taken.status == "active"
    assert taken.owner_user_id == MARGARET.user_id
    assert "<@U0MARGARET> took over this channel's digest" in notices(fake)[-1]


async def test_a_change_stands_when_the_channel_cannot_be_told(
    services: Services, link, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    await link(PRIYA)
    fake.fail_next("chat.postMessage", error="not_in_channel")
    with caplog.at_level(logging.WARNING, logger="bot.digest"):
        reply = shown(await turn_on(services, PRIYA, dt.time(8), "structural"))
    assert "Every morning at 08:00" in reply
    assert await current(services) is not None
    assert "could not announce a digest change in C0STRUCT: Slack answered not_in_channel" in (
        caplog.text
    )


def test_what_the_channel_hears_for_each_kind_of_change() -> None:
    base = ChannelDigestChange(
        kind="changed",
        actor_user_id="U0PRIYA",
        lab_name="Lab <B> & co",
        send_time=dt.time(9),
        timezone="Europe/London",
        previous_owner="U0PRIYA",
        previous_lab="Lab <B> & co",
        previous_time=dt.time(9),
    )
    assert not base.anything  # the same settings again: nothing to say
    back_on = channel_change_notice(replace(base, resumed=True), now=NOW)
    assert "<@U0PRIYA> turned this channel's digest back on." in str(back_on.blocks)
    switched = channel_change_notice(replace(base, previous_lab="Lab A"), now=NOW)
    assert "switched this channel's digest to *Lab &lt;B&gt; &amp; co*" in str(switched.blocks)
    assert "<@" not in switched.text  # the notification names nobody
    off = channel_change_notice(replace(base, kind="turned_off"), now=NOW)
    assert "turned off this channel's daily digest of *Lab &lt;B&gt; &amp; co*." in str(off.blocks)
    assert "set up by" not in str(off.blocks)
