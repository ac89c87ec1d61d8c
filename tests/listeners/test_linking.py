"""Account linking end to end: /cm connect, the browser's trip, and every failure page."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from slack_helpers import EMILY, ZOE, ask, find_button, words

from bot.clustermarket.tokens import UserKey
from bot.demo.world import World
from bot.sandbox.browser import submit_authorize_page

KEY = UserKey("T0CMBOT", ZOE.user_id)


async def test_connect_links_and_dms_connected_as(world: World) -> None:
    reply = await ask(world, "connect")
    assert "Connect" in words(reply)
    assert "it works once, for 15 minutes" in words(reply)
    assert find_button(reply, "cm_connect")["url"].startswith(world.base_url)

    page = await world.link(ZOE, confirm=None)  # the emails match: no question asked

    assert page.status_code == 200
    assert "Zoë Ångström" in page.text and "zoe.angstrom@northbridge.ac.uk" in page.text
    link = await world.services.store.get_link(KEY)
    assert link is not None and link.cm_user_id == ZOE.cm_user_id
    dm = await world.fake.wait_for(lambda: world.fake.messages_in(ZOE.user_id))
    assert "Zoë Ångström" in dm[0].text and "zoe.angstrom@northbridge.ac.uk" in dm[0].text
    assert find_button({"blocks": dm[0].blocks}, "cm_disconnect")["confirm"]


async def test_the_disconnect_button_of_the_connected_dm_unlinks(world: World) -> None:
    await world.link(ZOE)
    [dm] = await world.fake.wait_for(lambda: world.fake.messages_in(ZOE.user_id))
    revocations = world.sandbox.stats.revocations

    answer = await world.slack.action(
        "cm_disconnect", "", user_id=ZOE.user_id, channel_id=dm.channel
    )

    assert answer.status_code == 200
    await world.fake.wait_for(lambda: "Disconnected" in world.fake.messages_in(ZOE.user_id)[0].text)
    assert await world.services.store.get_link(KEY) is None
    assert world.sandbox.stats.revocations > revocations


async def test_denied_consent_changes_nothing(world: World) -> None:
    page = await world.link(ZOE, approve=False)
    assert page.status_code == 200
    assert "nothing changed" in page.text
    assert await world.services.store.get_link(KEY) is None
    assert world.fake.messages_in(ZOE.user_id) == []


async def _authorize_redirect(world: World) -> str:
    """The callback URL Clustermarket sends the browser to after approval."""
    start = await world.browser.get(await world.connect_url(ZOE))
    assert start.status_code == 302
    return await submit_authorize_page(world.browser, start.headers["location"], ZOE.cm_user_id)


async def test_reused_state_is_refused_and_changes_nothing(world: World) -> None:
    callback = await _authorize_redirect(world)
    first = await world.browser.get(callback)
    assert first.status_code == 200
    await world.services.store.delete_link(KEY)

    again = await world.browser.get(callback)

    assert again.status_code == 400
    assert "already used" in again.text
    assert await world.services.store.get_link(KEY) is None


async def test_unknown_state_is_refused(world: World) -> None:
    callback = await _authorize_redirect(world)
    query = parse_qs(urlsplit(callback).query)
    forged = f"{world.base_url}/clustermarket/oauth/callback?code={query['code'][0]}&state=forged"
    page = await world.browser.get(forged)
    assert page.status_code == 400
    assert "one of ours" in page.text
    assert await world.services.store.get_link(KEY) is None


async def test_expired_state_is_refused(world: World) -> None:
    callback = await _authorize_redirect(world)
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=16), tick=True):
        page = await world.browser.get(callback)
    assert page.status_code == 400
    assert "within 15 minutes" in page.text
    assert await world.services.store.get_link(KEY) is None


async def test_failed_code_exchange_is_refused(world: World) -> None:
    callback = await _authorize_redirect(world)
    query = parse_qs(urlsplit(callback).query)
    bad = f"{world.base_url}/clustermarket/oauth/callback?code=not-a-code&state={query['state'][0]}"
    page = await world.browser.get(bad)
    assert page.status_code == 502
    assert "nothing was connected" in page.text
    assert await world.services.store.get_link(KEY) is None


async def test_callback_without_state_is_incomplete(world: World) -> None:
    page = await world.browser.get(f"{world.base_url}/clustermarket/oauth/callback?code=x")
    assert page.status_code == 400
    assert "incomplete" in page.text


async def test_damaged_connect_link_says_get_a_fresh_one(world: World) -> None:
    page = await world.browser.get(f"{world.base_url}/clustermarket/connect?ticket=garbage")
    assert page.status_code == 400
    assert "damaged" in page.text
    assert "/cm connect" in page.text and "work once, for 15 minutes" in page.text


async def test_a_connect_link_works_for_its_stated_lifetime_and_no_longer(world: World) -> None:
    late = await world.connect_url(ZOE)
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=16), tick=True):
        page = await world.follow_connect_link(late, ZOE)
    assert page.status_code == 400
    assert "has expired" in page.text and "work once, for 15 minutes" in page.text
    assert await world.services.store.get_link(KEY) is None

    url = await world.connect_url(ZOE)
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=14), tick=True):
        page = await world.follow_connect_link(url, ZOE)
    assert page.status_code == 200
    assert await world.services.store.get_link(KEY) is not None


# Month ends, both DST changes (London and New York), a weekend and a leap day: the sandbox is
# seeded around "today", so on some of these Emily has bookings today and on others none.
PROMPTED_DATES = [
    datetime(2026, 1, 31, 15, tzinfo=UTC),
    datetime(2026, 3, 8, 12, tzinfo=UTC),
    datetime(2026, 3, 29, 9, tzinfo=UTC),
    datetime(2026, 6, 13, 18, tzinfo=UTC),
    datetime(2026, 10, 25, 23, 30, tzinfo=UTC),
    datetime(2026, 12, 31, 4, tzinfo=UTC),
    datetime(2028, 2, 29, 12, tzinfo=UTC),
]


@pytest.mark.parametrize("moment", PROMPTED_DATES, ids=lambda moment: moment.date().isoformat())
async def test_the_question_that_prompted_connect_is_answered_after_linking(
    moment: datetime,
) -> None:
    with time_machine.travel(moment, tick=True):
        async with World(today=moment.date()) as world:
            reply = await ask(world, "bookings today", EMILY)
            assert find_button(reply, "cm_connect")

            page = await world.follow_connect_link(find_button(reply, "cm_connect")["url"], EMILY)

            assert page.status_code == 200
            messages = await world.fake.wait_for(
                lambda: (
                    (found := world.fake.messages_in(EMILY.user_id)) and len(found) >= 2 and found
                )
            )
    assert "Emily Carter" in messages[0].text
    answer = messages[1].text
    # Either form of the answer to "bookings today", whatever the seeded day holds for her.
    assert "You have nothing booked today" in answer or answer.startswith("Your bookings, Today")


async def test_disconnect_revokes_and_forgets(world: World) -> None:
    await world.link(ZOE)
    revocations = world.sandbox.stats.revocations

    reply = await ask(world, "disconnect")

    assert "Disconnected" in words(reply)
    assert await world.services.store.get_link(KEY) is None
    assert world.sandbox.stats.revocations > revocations
    again = await ask(world, "disconnect")
    assert "weren't connected" in words(again)


async def test_tokens_are_not_in_the_database_file(world: World) -> None:
    await world.link(ZOE)
    link = await world.services.store.get_link(KEY)
    assert link is not None
    database = Path(world.settings.DATABASE_PATH)
    raw = b"".join(
        path.read_bytes()
        for path in (database, database.with_name(database.name + "-wal"))
        if path.exists()
    )
    assert link.tokens.access_token.encode() not in raw
    assert link.tokens.refresh_token is not None
    assert link.tokens.refresh_token.encode() not in raw


async def test_no_code_state_or_ticket_reaches_the_logs(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="aiohttp.access")
    caplog.set_level(logging.INFO, logger="bot")
    callback = await _authorize_redirect(world)
    await world.browser.get(callback)
    query = parse_qs(urlsplit(callback).query)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "/clustermarket/oauth/callback" in logged  # the access log is on
    assert query["code"][0] not in logged
    assert query["state"][0] not in logged
    assert "ticket=" not in logged
    cookie = world.browser.cookies.get("cmbot_connect")
    assert cookie and cookie not in logged


async def test_every_connect_link_carries_pkce_and_the_callback_proves_it(world: World) -> None:
    await world.slack.command("connect", user_id=ZOE.user_id)
    url = await world.fake.wait_for(lambda: world.button_url(ZOE.user_id))
    start = await world.browser.get(url)
    query = parse_qs(urlsplit(start.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    callback = await submit_authorize_page(world.browser, start.headers["location"], 15001)
    page = await world.browser.get(callback)
    assert page.status_code == 200 and "Connected" in page.text
    assert world.sandbox.stats.grants["authorization_code"] == 1  # the sandbox checked S256


async def test_disconnect_says_whether_clustermarket_confirmed_the_revocation(
    linked: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    confirmed = words(await ask(linked, "disconnect"))
    assert "Clustermarket confirmed" in confirmed
    assert linked.sandbox.stats.revocations >= 1
    await linked.link(ZOE)
    oauth = linked.services.clustermarket.oauth
    monkeypatch.setattr(oauth, "revoke_endpoint", linked.sandbox.oauth_url + "/oauth/nowhere")
    unconfirmed = words(await ask(linked, "disconnect"))
    assert "did not confirm" in unconfirmed and "authorised applications" in unconfirmed
    assert await linked.services.store.get_link(KEY) is None  # deleted here all the same
    assert "weren't connected" in words(await ask(linked, "disconnect"))


async def test_a_details_button_with_a_stale_value_is_said_to_be_out_of_date(
    linked: World,
) -> None:
    reply = await ask(linked, "bookings today")
    button = find_button(reply, "cm_booking")
    answer = await linked.slack.action(button["action_id"], "not-a-booking", user_id=ZOE.user_id)
    assert answer.status_code == 200
    said = await linked.fake.wait_for(lambda: linked.fake.responses[-1].body)
    assert "out of date" in words(said)


def test_the_pkce_verifier_waits_with_the_state_and_the_resume_comes_back_as_it_was(
    tmp_path: Path,
) -> None:
    from cryptography.fernet import Fernet

    from bot.store import Store

    with Store(tmp_path / "states.db", [Fernet.generate_key().decode()]) as store:
        state = store.states.create(KEY, resume={"intent": "bookings"}, code_verifier="verifier")
        claim = store.states.consume(state)
        assert (claim.resume, claim.code_verifier) == ({"intent": "bookings"}, "verifier")
        bare = store.states.create(KEY, resume=None, code_verifier="another")
        claim = store.states.consume(bare)
        assert (claim.resume, claim.code_verifier) == (None, "another")
