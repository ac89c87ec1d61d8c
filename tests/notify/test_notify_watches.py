"""Watched instruments end to end: the channel hears of availability changes and of slots
that open today, naming no one; the first poll only looks; a watch whose owner's link breaks
pauses visibly, the owner is told once, and linking again resumes it."""

from __future__ import annotations

from notify_world import TEAM, ZOE, Link, at

from bot.fake_slack import FakeSlack, Message
from bot.notify.links import resume_watches
from bot.notify.runner import NotifyRunner
from bot.sandbox import Sandbox
from bot.services import Services
from bot.store import Watch

NANODROP = 4105
SLOT_1200 = 7971467  # Siobhán's, 12:00–12:30 today
CHANNEL = "C0LAB"


async def watch_nanodrop(services: Services) -> Watch:
    watch, _ = await services.store.save_watch(
        team_id=TEAM,
        channel_id=CHANNEL,
        equipment_id=NANODROP,
        equipment_name="NanoDrop One",
        lab_zone="Europe/London",
        owner_user_id=ZOE.user_id,
        now=at(7),
    )
    return watch


def posts(fake: FakeSlack) -> list[Message]:
    return [message for message in fake.messages_in(CHANNEL) if message.bot_id]


async def test_a_slot_opening_and_maintenance_are_posted_once_without_names(
    services: Services, sandbox: Sandbox, fake: FakeSlack, runner: NotifyRunner, link: Link
) -> None:
    await link(ZOE)
    await watch_nanodrop(services)
    first = await runner.run_due(at(8))
    assert first.watch_polls == 1 and posts(fake) == []  # the first poll only looks
    sandbox.move_booking(SLOT_1200, status="cancelled")
    sandbox.set_availability(NANODROP, "Under Maintenance")
    await runner.run_due(at(8, 10))
    said = [message.text for message in posts(fake)]
    assert said == [
        "NanoDrop One is now Under Maintenance in Clustermarket",
        "A slot opened on NanoDrop One today: 12:00–12:30",
    ]
    everything = str([(m.text, m.blocks) for m in posts(fake)])
    assert "Siobhán" not in everything and "Ní Bhriain" not in everything
    sandbox.set_availability(NANODROP, "Available")
    await runner.run_due(at(8, 20))
    await runner.run_due(at(8, 30))
    assert [m.text for m in posts(fake)][2:] == ["NanoDrop One is in service again"]


async def test_a_broken_link_pauses_the_watch_visibly_and_linking_resumes_it(
    services: Services, sandbox: Sandbox, fake: FakeSlack, runner: NotifyRunner, link: Link
) -> None:
    await link(ZOE)
    watch = await watch_nanodrop(services)
    await runner.run_due(at(8))
    sandbox.revoke_user(ZOE.cm_user_id)
    sandbox.expire_access_tokens(ZOE.cm_user_id)
    await runner.run_due(at(8, 10))
    paused = await services.store.get_watch(watch.id)
    assert paused is not None and paused.status == "paused"
    assert paused.paused_reason and "needs renewing" in paused.paused_reason
    told = [m for m in fake.messages_in(ZOE.user_id) if "watched instruments paused" in m.text]
    assert len(told) == 1
    await runner.run_due(at(8, 20))
    assert len([m for m in fake.messages_in(ZOE.user_id) if "paused" in m.text]) == 1
    await link(ZOE)
    await resume_watches(services, ZOE.key)
    resumed = await services.store.get_watch(watch.id)
    assert resumed is not None and resumed.status == "active" and resumed.snapshot is None
