"""`/cm digest …` answers, the link hooks, and the App Home settings, against the sandbox and
the fake Slack."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from digest_world import KENJI, MARGARET, PRIYA, TEAM, ZOE

from bot.clustermarket.errors import NotLinked, ReconnectRequired
from bot.digest.commands import (
    digest_reply,
    digest_summary,
    is_digest_intent,
    set_personal_options,
)
from bot.digest.links import on_link_broken, on_linked
from bot.digest.runner import DigestRunner
from bot.fake_slack import FakeSlack
from bot.questions.codec import decode_intent
from bot.questions.commands import (
    ChannelDigestOff,
    ChannelDigestOn,
    DigestOff,
    DigestOn,
    DigestStatus,
    Me,
    Unknown,
    parse_command,
)
from bot.render.reply import Reply
from bot.sandbox import Sandbox
from bot.services import Services

# Commands run on the sandbox's day at 09:00 London, after an 08:00 digest is due.
CLOCK = "2026-03-25T09:00:00Z"


def shown(reply: Reply) -> str:
    return reply.text + json.dumps(reply.blocks, ensure_ascii=False)


@pytest.fixture(autouse=True)
def on_the_sandbox_day() -> Any:
    with time_machine.travel(CLOCK, tick=True) as traveller:
        yield traveller


async def test_commands_that_need_a_link_ask_for_one(services: Services, link) -> None:
    for intent in (DigestOn(None), ChannelDigestOn(None, "structural"), DigestStatus()):
        with pytest.raises(NotLinked):
            await digest_reply(services, intent, PRIYA.key, "C0STRUCT")
    await link(PRIYA)
    await services.store.mark_broken(PRIYA.key, "refused")
    for intent in (DigestOn(None), ChannelDigestOn(None, "structural")):
        with pytest.raises(ReconnectRequired):
            await digest_reply(services, intent, PRIYA.key, "C0STRUCT")


async def test_turning_off_needs_no_link(services: Services) -> None:
    reply = await digest_reply(services, DigestOff(), PRIYA.key, None)
    assert "already off" in reply.text
    reply = await digest_reply(services, ChannelDigestOff(), PRIYA.key, "C0STRUCT")
    assert "no digest" in reply.text


async def test_digest_on_pins_the_slack_zone_and_the_dm(
    services: Services, link, fake: FakeSlack
) -> None:
    await link(KENJI)
    reply = await digest_reply(services, DigestOn(None), KENJI.key, "C0LAB")
    assert "08:00" in reply.text and "Asia/Tokyo" in reply.text
    subscription = await services.store.find_subscription(
        kind="personal", team_id=TEAM, owner_user_id=KENJI.user_id
    )
    assert subscription is not None
    assert subscription.channel_id == fake.dm_channel_id(KENJI.user_id)
    assert (subscription.timezone, subscription.send_time) == ("Asia/Tokyo", "08:00")
    # a new time keeps the options; "on" alone keeps the time
    await set_personal_options(services.store, KENJI.key, include_empty=True)
    await digest_reply(services, DigestOn(dt.time(7, 15)), KENJI.key, None)
    await digest_reply(services, DigestOn(None), KENJI.key, None)
    changed = await services.store.get_subscription(subscription.id)
    assert changed is not None
    assert (changed.send_time, changed.include_empty) == ("07:15", True)


async def test_digest_on_says_so_when_slack_will_not_open_a_dm(
    services: Services, link, fake: FakeSlack
) -> None:
    await link(KENJI)
    fake.fail_next("conversations.open", error="cannot_dm_bot")
    reply = await digest_reply(services, DigestOn(None), KENJI.key, None)
    assert "couldn't open a direct message" in reply.text
    assert await services.store.list_subscriptions() == []


async def test_channel_digest_must_be_set_up_in_a_channel(services: Services, link) -> None:
    await link(PRIYA)
    for where in (None, "D0PRIYA"):
        reply = await digest_reply(services, ChannelDigestOn(None, "structural"), PRIYA.key, where)
        assert "belongs in a channel" in reply.text
        reply = await digest_reply(services, ChannelDigestOff(), PRIYA.key, where)
        assert "belongs in a channel" in reply.text
    assert await services.store.list_subscriptions() == []


async def test_channel_digest_resolves_the_lab_forgivingly_and_keeps_its_zone(
    services: Services, link, fake: FakeSlack
) -> None:
    await link(MARGARET)
    reply = await digest_reply(
        services, ChannelDigestOn(dt.time(7, 30), "tokio imaging"), MARGARET.key, "C0TOKYO"
    )
    text = shown(reply)
    assert "Northbridge Tokyo Imaging Centre" in text and "Asia/Tokyo" in text
    assert "07:30" in text and "<#C0TOKYO>" in text
    subscription = await services.store.find_subscription(
        kind="channel", team_id=TEAM, channel_id="C0TOKYO"
    )
    assert subscription is not None
    assert (subscription.lab_id, subscription.timezone, subscription.owner_user_id) == (
        108,
        "Asia/Tokyo",
        MARGARET.user_id,
    )


async def test_an_ambiguous_lab_is_asked_about_with_choices(services: Services, link) -> None:
    await link(MARGARET)
    reply = await digest_reply(
        services, ChannelDigestOn(dt.time(8), "facility"), MARGARET.key, "C0LAB"
    )
    text = shown(reply)
    assert "More than one lab matches" in text
    for name in ("Genomics Core Facility", "Mass Spectrometry Facility", "NMR Facility"):
        assert name in text
    assert "/cm digest channel on 08:00 104" in text
    values = [block["accessory"]["value"] for block in reply.blocks if "accessory" in block]
    intent, _ = decode_intent(values[0])
    assert isinstance(intent, ChannelDigestOn) and intent.time == dt.time(8)
    assert await services.store.list_subscriptions() == []


async def test_an_unknown_lab_gets_suggestions_not_a_trace(services: Services, link) -> None:
    await link(PRIYA)
    reply = await digest_reply(services, ChannelDigestOn(None, "Hogwarts"), PRIYA.key, "C0LAB")
    assert "None of your labs is called Hogwarts" in reply.text
    assert "/cm labs" in shown(reply)


async def test_clustermarket_down_gets_a_kind_answer(
    services: Services, link, sandbox: Sandbox
) -> None:
    await link(PRIYA)
    sandbox.faults.fail_next(2, status=503)
    reply = await digest_reply(services, ChannelDigestOn(None, "structural"), PRIYA.key, "C0LAB")
    assert "isn't answering" in reply.text
    assert await services.store.list_subscriptions() == []


def test_a_bad_time_is_answered_kindly_before_any_digest_code() -> None:
    for text in ("digest on 25:00", "digest on 8:75", "digest channel on 31:00 genomics"):
        intent = parse_command(text)
        assert isinstance(intent, Unknown)
        assert intent.suggestion is not None and "HH:MM" in intent.suggestion
    assert isinstance(parse_command("digest on 7:30"), DigestOn)
    assert is_digest_intent(parse_command("digest channel off"))
    assert not is_digest_intent(Me())


async def test_status_lists_personal_and_this_channels_digest(
    services: Services, link, lab_channel, personal
) -> None:
    await link(PRIYA)
    await link(ZOE)
    await personal(PRIYA, include_empty=True, skip_weekends=True)
    await lab_channel(PRIYA, channel_id="C0STRUCT")
    reply = await digest_reply(services, DigestStatus(), ZOE.key, "C0STRUCT")
    text = shown(reply)
    assert "Your daily digest* is off" in text
    assert "Structural Biology Lab" in text and "<@U0PRIYA>" in text
    mine = shown(await digest_reply(services, DigestStatus(), PRIYA.key, "D0PRIYA"))
    assert "is on at *08:00*" in mine and "skips weekends" in mine
    assert "Channel digests you run" in mine and "<#C0STRUCT>" in mine


async def test_a_broken_link_shows_in_status_and_relinking_resumes(
    services: Services, link, lab_channel, personal, fake: FakeSlack, sandbox: Sandbox
) -> None:
    await link(PRIYA)
    await link(ZOE)
    await personal(PRIYA)
    lab = await lab_channel(PRIYA, channel_id="C0STRUCT")
    sandbox.revoke_user(PRIYA.cm_user_id)
    sandbox.expire_access_tokens(PRIYA.cm_user_id)
    await DigestRunner(services).run_due(dt.datetime.now(dt.UTC))
    seen_by_zoe = shown(await digest_reply(services, DigestStatus(), ZOE.key, "C0STRUCT"))
    assert "⏸ Paused" in seen_by_zoe
    assert "/cm digest channel on Structural Biology Lab" in seen_by_zoe
    seen_by_owner = shown(await digest_reply(services, DigestStatus(), PRIYA.key, "C0STRUCT"))
    assert "needs renewing" in seen_by_owner
    # the owner links again: the digest resumes
    await link(PRIYA)
    await on_linked(services, PRIYA.key)
    resumed = await services.store.get_subscription(lab.id)
    assert resumed is not None and resumed.status == "active"
    assert "⏸" not in shown(await digest_reply(services, DigestStatus(), ZOE.key, "C0STRUCT"))


async def test_link_hooks_dm_once_and_skip_a_link_that_works(
    services: Services, link, lab_channel, fake: FakeSlack
) -> None:
    await link(PRIYA)
    await lab_channel(PRIYA, channel_id="C0STRUCT")
    await lab_channel(PRIYA, channel_id="C0OTHER", lab_name="Another Lab")
    await on_link_broken(services, PRIYA.key)  # the link works: nothing happens
    assert all(s.status == "active" for s in await services.store.list_subscriptions())
    await services.store.delete_link(PRIYA.key)
    await on_link_broken(services, PRIYA.key, reason="disconnected")
    await on_link_broken(services, PRIYA.key, reason="disconnected")
    notices = fake.messages_in(PRIYA.user_id)
    assert len(notices) == 1
    assert "2 channel digests are paused because you disconnected" in notices[0].text
    assert all(s.status == "paused" for s in await services.store.list_subscriptions())


async def test_home_summary_and_options(services: Services, link, lab_channel, personal) -> None:
    assert (await digest_summary(services.store, PRIYA.key)).personal is False
    assert await set_personal_options(services.store, PRIYA.key, include_empty=True) is None
    await personal(PRIYA, "07:45")
    await lab_channel(PRIYA)
    await set_personal_options(services.store, PRIYA.key, include_empty=True)
    await set_personal_options(services.store, PRIYA.key, skip_weekends=True)
    summary = await digest_summary(services.store, PRIYA.key)
    assert (summary.personal, summary.time, summary.include_empty, summary.skip_weekends) == (
        True,
        dt.time(7, 45),
        True,
        True,
    )
    [channel] = summary.channels
    assert (channel.channel_id, channel.lab_name, channel.paused) == (
        "C0STRUCT",
        "Structural Biology Lab",
        False,
    )


async def test_status_says_why_a_personal_digest_waits(services: Services, link, personal) -> None:
    await personal(ZOE)  # subscribed, then disconnected
    text = shown(await digest_reply(services, DigestStatus(), ZOE.key, None))
    assert "you are not connected to Clustermarket" in text
    await link(ZOE)
    await services.store.mark_broken(ZOE.key, "refused")
    text = shown(await digest_reply(services, DigestStatus(), ZOE.key, None))
    assert "needs renewing" in text


async def test_a_pause_notice_that_cannot_be_delivered_still_pauses(
    services: Services, lab_channel, fake: FakeSlack
) -> None:
    lab = await lab_channel(PRIYA)  # never linked
    fake.fail_next("conversations.open", error="user_not_found")
    await on_link_broken(services, PRIYA.key)
    paused = await services.store.get_subscription(lab.id)
    assert paused is not None and paused.status == "paused"
    assert fake.messages_in(PRIYA.user_id) == []
