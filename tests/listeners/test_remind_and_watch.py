"""`/cm remind …` and `/cm watch …` over real HTTP: settings change and say so, watches need a
channel and an instrument the asker can see, the unlinked get a connect button, asked in a
channel they are answered to the asker alone (and done once), and the App Home's buttons
switch reminders, the end nudge and each kind of change notice."""

from __future__ import annotations

from slack_helpers import EMILY, ZOE, ask, words

from bot.clustermarket.tokens import UserKey
from bot.demo.world import World
from bot.render.actions import CONNECT, END_NUDGE, REMIND_ON, notice_kind_action


async def test_reminders_on_status_and_off(linked: World) -> None:
    store = linked.services.store
    said = words(await ask(linked, "remind on 30"))
    assert "Reminders are now on: a DM *30 min* before each of your bookings starts" in said
    prefs = await store.notify_prefs(_key(linked))
    assert prefs.remind_minutes == 30
    assert prefs.dm_channel == linked.fake.dm_channel_id(ZOE.user_id)
    assert "Reminders are on: a DM *30 min*" in words(await ask(linked, "remind"))
    assert "Changes to your bookings: all on" in words(await ask(linked, "remind"))
    assert "Reminders are off." in words(await ask(linked, "remind off"))
    assert (await store.notify_prefs(_key(linked))).remind_minutes is None
    assert "already off" in words(await ask(linked, "remind off"))


def _key(world: World) -> UserKey:
    return UserKey(world.fake.team_id, ZOE.user_id)


async def test_the_unlinked_get_a_connect_button(linked: World) -> None:
    for text in ("remind on", "remind", "watch nanodrop"):
        reply = await ask(linked, text, EMILY)
        assert CONNECT in str(reply), text


async def test_watch_list_and_unwatch_in_a_channel(linked: World) -> None:
    said = words(await ask(linked, "watch nanodrop"))
    assert "Watching *NanoDrop One* (Genomics Core Facility) in <#C0LAB>" in said
    listed = words(await ask(linked, "watch"))
    assert "*NanoDrop One*  ·  set up by <@U0ZOE>" in listed
    which = await ask(linked, "watch eppendorf")
    assert "Which one did you mean?" in words(which) and "cm_choose:0" in str(which)
    assert "Nothing called “novaseq” is watched here" in words(await ask(linked, "unwatch novaseq"))
    assert "Stopped watching NanoDrop One here" in words(await ask(linked, "unwatch nanodrop"))
    assert "Nothing is watched in this channel" in words(await ask(linked, "watch"))
    dm = linked.fake.dm_channel_id(ZOE.user_id)
    assert "Watches live in channels" in words(await ask(linked, "watch nanodrop", channel=dm))


async def test_asked_in_words_in_a_channel_it_is_answered_privately_and_done_once(
    linked: World,
) -> None:
    await linked.slack.mention("watch the nanodrop", user_id=ZOE.user_id)
    reply = await linked.fake.wait_for(
        lambda: [m for m in linked.fake.seen_by(ZOE.user_id) if "Watching" in m.text]
    )
    assert reply[0].ephemeral_for == ZOE.user_id
    watches = await linked.services.store.watches_in_channel(linked.fake.team_id, "C0LAB")
    assert [watch.equipment_name for watch in watches] == ["NanoDrop One"]


async def test_the_home_tab_buttons_switch_each_setting(linked: World) -> None:
    store = linked.services.store
    key = _key(linked)

    async def click(action_id: str, value: str) -> None:
        before = len(linked.fake.calls_to("views.publish"))
        answer = await linked.slack.action(action_id, value, user_id=ZOE.user_id)
        assert answer.status_code == 200
        await linked.fake.wait_for(lambda: len(linked.fake.calls_to("views.publish")) > before)

    await click(REMIND_ON, "on")
    assert (await store.notify_prefs(key)).remind_minutes == 15
    await click(END_NUDGE, "on")
    await click(notice_kind_action("moved"), "moved:off")
    await click(notice_kind_action("moved"), "vanished:off")  # not ours: ignored
    prefs = await store.notify_prefs(key)
    assert prefs.end_nudge and prefs.kinds_off == frozenset({"moved"})
    home = str(linked.fake.home_views[ZOE.user_id])
    assert "Reminders are *on*: 15 min before each booking starts" in home
    assert "⬜ Moved" in home
