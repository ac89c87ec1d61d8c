"""Every /cm command through Bolt's real request handling, against the sandbox."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import time_machine
from slack_helpers import EMILY, ZOE, ask, click, find_button, words

from bot.clustermarket.tokens import UserKey
from bot.demo.world import World

KEY = UserKey("T0CMBOT", ZOE.user_id)


async def test_help_and_bare_command(world: World) -> None:
    for text in ("", "help"):
        reply = await ask(world, text)
        assert "/cm bookings" in words(reply)
        assert "/cm free" in words(reply)


async def test_unknown_input_gets_help_with_a_suggestion(world: World) -> None:
    reply = await ask(world, "bookigns today")
    assert "/cm bookings today" in words(reply)


async def test_not_linked_gets_the_connect_button(world: World) -> None:
    for text in ("me", "labs", "equipment", "groups", "bookings", "schedule nanodrop"):
        reply = await ask(world, text, EMILY)
        assert find_button(reply, "cm_connect")["url"].startswith(world.base_url), text


async def test_me(linked: World) -> None:
    assert "Zoë Ångström" in words(await ask(linked, "me"))


async def test_labs(linked: World) -> None:
    text = words(await ask(linked, "labs"))
    assert "Genomics Core Facility" in text
    assert "Structural Biology Lab" in text
    assert "Hudson Valley Biolabs" not in text  # not one of Zoë's labs


async def test_equipment_list_and_details(linked: World) -> None:
    assert "NanoDrop One" in words(await ask(linked, "equipment"))
    details = words(await ask(linked, "equipment nanodrop"))
    assert "NanoDrop One" in details
    assert "Genomics Core Facility" in details


async def test_ambiguous_name_asks_which_and_a_choice_answers(linked: World) -> None:
    reply = await ask(linked, "schedule eppendorf today")
    text = words(reply)
    assert "Genomics Core Facility" in text and "Structural Biology Lab" in text
    chosen = await click(linked, reply, "cm_choose")
    assert chosen.get("replace_original") is True
    assert "Eppendorf 5810 R Centrifuge" in words(chosen)


async def test_groups_and_one_group(linked: World) -> None:
    assert "Sequencing" in words(await ask(linked, "groups"))
    group = words(await ask(linked, "group sequencing"))
    assert "NovaSeq" in group


async def test_own_bookings_today_with_a_midnight_crossing_run(linked: World) -> None:
    today = words(await ask(linked, "bookings today"))
    assert "NanoDrop One" in today
    assert "GridION" in today
    assert "(+1)" in today  # the overnight run ends tomorrow
    tomorrow = words(await ask(linked, "bookings tomorrow"))
    assert "GridION" in tomorrow  # it still holds the instrument after midnight
    assert "Covaris" not in tomorrow  # cancelled is not booked


async def test_empty_day_says_so(linked: World) -> None:
    reply = await ask(linked, "bookings 2020-01-01")
    assert "nothing" in words(reply).lower() or "no bookings" in words(reply).lower()


async def test_schedule_pages_with_more(linked: World) -> None:
    reply = await ask(linked, "schedule nanodrop next week")
    more = await click(linked, reply, "cm_more")
    assert more.get("replace_original") is True
    assert words(more) != words(reply)
    assert "NanoDrop One" in words(more)


async def test_free(linked: World) -> None:
    text = words(await ask(linked, "free nanodrop"))
    assert "NanoDrop One" in text
    assert "free" in text.lower() or "busy" in text.lower()


async def test_share_posts_in_channel_without_private_details(linked: World) -> None:
    reply = await ask(linked, "bookings today")
    shared = await click(linked, reply, "cm_share")
    assert shared["response_type"] == "in_channel"
    assert f"<@{ZOE.user_id}>" in words(shared)
    body = json.dumps(shared)
    assert "@northbridge" not in body and "mailto" not in body
    assert '"action_id"' not in body  # no buttons in the channel


async def test_share_of_a_prompt_stays_private(world: World) -> None:
    await world.link(ZOE)
    reply = await ask(world, "bookings today")
    # the link broke meanwhile (the answer itself is kept a while, so the store must say so)
    await world.services.store.mark_broken(KEY, "Clustermarket refused the refresh token")
    shared = await click(world, reply, "cm_share")
    assert shared.get("response_type") == "ephemeral"
    assert find_button(shared, "cm_connect")


async def test_refresh_is_invisible_to_the_user(linked: World) -> None:
    linked.sandbox.expire_access_tokens()
    assert "Zoë Ångström" in words(await ask(linked, "me"))
    assert linked.sandbox.stats.grants["refresh_token"] == 1


async def test_broken_link_asks_to_reconnect(linked: World) -> None:
    linked.sandbox.revoke_user(ZOE.cm_user_id)
    linked.sandbox.expire_access_tokens()
    reply = await ask(linked, "me")
    assert find_button(reply, "cm_connect")
    assert "reconnect" in words(reply).lower() or "again" in words(reply).lower()


async def test_upstream_down_is_said_plainly(linked: World) -> None:
    linked.sandbox.knobs.error_rate = 1.0
    text = words(await ask(linked, "labs"))
    assert "Clustermarket isn't answering" in text
    assert "Traceback" not in text


async def test_rate_limited_is_said_plainly(linked: World) -> None:
    linked.sandbox.knobs.rate_limit_rate = 1.0
    linked.sandbox.knobs.retry_after = 120
    assert "slow down" in words(await ask(linked, "labs"))


async def test_slow_upstream_is_said_plainly() -> None:
    async with World(answer_deadline=0.5) as world:
        await world.link(ZOE)
        world.sandbox.knobs.latency = 2.0
        text = words(await ask(world, "labs"))
    assert "taking too long" in text


async def test_ack_comes_before_a_slow_answer(linked: World) -> None:
    linked.sandbox.knobs.latency = 1.0
    before = len(linked.fake.responses)
    ack = await linked.slack.command("labs", user_id=ZOE.user_id)
    assert ack.status_code == 200
    assert len(linked.fake.responses) == before  # acknowledged while Clustermarket is slow
    answer = await linked.fake.wait_for(
        lambda: linked.fake.responses[before].body if len(linked.fake.responses) > before else None
    )
    assert "Genomics Core Facility" in words(answer)


async def test_app_home_shows_link_status_and_next_bookings(linked: World) -> None:
    linked.fake.home_views.clear()
    await linked.slack.home_opened(user_id=ZOE.user_id)
    view = await linked.fake.wait_for(lambda: linked.fake.home_views.get(ZOE.user_id))
    text = json.dumps(view, ensure_ascii=False)
    assert "Zoë Ångström" in text
    assert "cm_disconnect" in text

    await linked.slack.home_opened(user_id=EMILY.user_id)
    other = await linked.fake.wait_for(lambda: linked.fake.home_views.get(EMILY.user_id))
    assert "cm_connect" in json.dumps(other)


async def test_disconnect_from_app_home(linked: World) -> None:
    await linked.slack.home_opened(user_id=ZOE.user_id)
    await linked.fake.wait_for(
        lambda: "cm_disconnect" in json.dumps(linked.fake.home_views.get(ZOE.user_id) or {})
    )
    await linked.slack.action("cm_disconnect", "", user_id=ZOE.user_id)
    await linked.fake.wait_for(
        lambda: "cm_connect" in json.dumps(linked.fake.home_views.get(ZOE.user_id) or {})
    )
    assert await linked.services.store.get_link(KEY) is None


async def test_bad_signature_is_refused_and_nothing_happens(world: World) -> None:
    body = b"command=%2Fcm&text=me&user_id=U0ZOE&team_id=T0CMBOT"
    answer = await world.slack.post(
        body, "application/x-www-form-urlencoded", signature="v0=" + "0" * 64
    )
    assert answer.status_code == 401
    stale = await world.slack.post(body, "application/x-www-form-urlencoded", timestamp=1)
    assert stale.status_code == 401
    assert world.fake.calls == []
    assert world.fake.responses == []


async def test_when_across_the_spring_dst_change() -> None:
    with time_machine.travel(datetime(2026, 3, 28, 12, tzinfo=UTC), tick=True):
        async with World(today=date(2026, 3, 28)) as world:
            await world.link(ZOE)
            text = words(await ask(world, "bookings tomorrow"))
    assert "Sun 29 Mar" in text
