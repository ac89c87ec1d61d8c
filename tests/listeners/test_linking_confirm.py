"""The right person, once: connect links that die when used, sign-ins that must finish in the
browser that opened the link, and the confirm page when Slack's and Clustermarket's emails
do not match (forwarded links, unknown emails), with every way it can be answered.

One world serves the module; each test starts with nobody linked and fresh browsers.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import pytest_asyncio
import time_machine
from aiohttp import web
from slack_helpers import EMILY, MARGARET, ZOE

from bot.clustermarket.tokens import UserKey
from bot.demo.world import (
    PEOPLE,
    Person,
    World,
    add_people,
    answer_confirm_page,
    confirm_form,
    sign_in_through,
)
from bot.linking.web import BROWSER_COOKIE, LinkingPages, cookie_scope
from bot.sandbox.browser import submit_authorize_page

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def shared_world() -> AsyncIterator[World]:
    async with World(client_options={"backoff_base": 0.001, "backoff_cap": 0.01}) as running:
        yield running


@pytest_asyncio.fixture(loop_scope="module")
async def world(shared_world: World) -> World:
    """The shared world with nobody linked, emails on both sides, and no sign-in held."""
    for person in PEOPLE:
        await shared_world.services.store.delete_link(key(person))
    shared_world.sandbox.knobs.user_email = True
    add_people(shared_world.fake)
    await shared_world.server.linking.linker.sweep()
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=1), tick=False):
        await shared_world.server.linking.linker.sweep()
    return shared_world


@pytest_asyncio.fixture(loop_scope="module")
async def browser() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30.0) as client:
        yield client


def key(person: Person) -> UserKey:
    return UserKey("T0CMBOT", person.user_id)


async def confirm_page_for(
    world: World, browser: httpx.AsyncClient, person: Person, signs_in_as: Person
) -> httpx.Response:
    """`person`'s connect link opened in `browser`, where `signs_in_as` signs in."""
    page = await sign_in_through(browser, await world.connect_url(person), signs_in_as)
    assert page.status_code == 200, page.text
    assert confirm_form(page.text) is not None, page.text
    return page


async def test_a_used_connect_link_is_dead_in_every_browser(
    world: World, browser: httpx.AsyncClient
) -> None:
    url = await world.connect_url(ZOE)
    linked = await world.follow_connect_link(url, ZOE)
    assert linked.status_code == 200

    for again in (world.browser, browser):
        page = await again.get(url)
        assert page.status_code == 400
        assert "already used" in page.text and "work once, for 15 minutes" in page.text
    await world.services.store.delete_link(key(ZOE))
    reopened = await world.follow_connect_link(url, ZOE)
    assert reopened.status_code == 400
    assert await world.services.store.get_link(key(ZOE)) is None


async def test_a_link_opened_but_never_finished_is_used_up_too(
    world: World, browser: httpx.AsyncClient
) -> None:
    url = await world.connect_url(ZOE)
    assert (await world.browser.get(url)).status_code == 302  # opened, then abandoned

    page = await world.follow_connect_link(url, ZOE, confirm=None)
    assert page.status_code == 400 and "already used" in page.text


async def test_emilys_link_forwarded_to_margaret_never_links_her_account_silently(
    world: World, browser: httpx.AsyncClient
) -> None:
    """Margaret's browser opens Emily's link and Margaret signs in: the page names both
    sides; Cancel links nothing and hands the new tokens back to Clustermarket."""
    page = await confirm_page_for(world, browser, EMILY, signs_in_as=MARGARET)

    assert "Link these accounts?" in page.text
    for side in (
        "Emily Carter",
        "emily.carter@hudsonvalleybiolabs.com",
        "Cmbot Lab",
        "Margaret Okafor",
        "margaret.okafor@northbridge.ac.uk",
        "differ",
        "works once, for 15 minutes",
    ):
        assert side in page.text, side
    assert await world.services.store.get_link(key(EMILY)) is None
    assert await world.services.store.count_pending_links() == 1
    revocations = world.sandbox.stats.revocations

    cancelled = await answer_confirm_page(browser, page, "cancel")

    assert cancelled.status_code == 200
    assert "Not connected" in cancelled.text and "nothing changed" in cancelled.text
    assert await world.services.store.get_link(key(EMILY)) is None
    assert world.sandbox.stats.revocations > revocations
    assert await world.services.store.count_pending_links() == 0
    assert world.fake.messages_in(EMILY.user_id) == []


async def test_the_confirmation_works_once_and_only_in_the_browser_that_opened_the_link(
    world: World, browser: httpx.AsyncClient
) -> None:
    world.sandbox.knobs.user_email = False  # Clustermarket keeps the account's email to itself
    page = await confirm_page_for(world, browser, ZOE, signs_in_as=ZOE)
    assert "Clustermarket didn't tell me this account's email" in page.text
    assert "email unknown" in page.text
    action, token = confirm_form(page.text) or ("", "")
    form = {"token": token, "choice": "link"}

    async with httpx.AsyncClient() as no_cookie:
        refused = await no_cookie.post(action, data=form)
    assert refused.status_code == 400 and "browser you started in" in refused.text
    async with httpx.AsyncClient(cookies={BROWSER_COOKIE: "x" * 43}) as wrong_cookie:
        refused = await wrong_cookie.post(action, data=form)
    assert refused.status_code == 400 and "browser you started in" in refused.text
    assert await world.services.store.get_link(key(ZOE)) is None

    said = len(world.fake.messages_in(ZOE.user_id))

    linked = await browser.post(action, data=form)  # the wrong ones used up nothing

    assert linked.status_code == 200 and "Connected" in linked.text
    link = await world.services.store.get_link(key(ZOE))
    assert link is not None and link.cm_user_id == ZOE.cm_user_id
    dm = await world.fake.wait_for(lambda: world.fake.messages_in(ZOE.user_id)[said:])
    assert dm[0].text == "Connected to Clustermarket as Zoë Ångström."  # no email known
    replayed = await browser.post(action, data=form)
    assert replayed.status_code == 400 and "already been used" in replayed.text


async def test_a_confirmation_too_late_links_nothing_and_revokes_the_tokens(
    world: World, browser: httpx.AsyncClient
) -> None:
    page = await confirm_page_for(world, browser, EMILY, signs_in_as=MARGARET)
    revocations = world.sandbox.stats.revocations

    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=16), tick=True):
        late = await answer_confirm_page(browser, page, "link")

    assert late.status_code == 400 and "within 15 minutes" in late.text
    assert await world.services.store.get_link(key(EMILY)) is None
    assert world.sandbox.stats.revocations > revocations
    assert await world.services.store.count_pending_links() == 0


async def test_sign_ins_nobody_answers_are_revoked_by_the_sweep(
    world: World, browser: httpx.AsyncClient
) -> None:
    await confirm_page_for(world, browser, EMILY, signs_in_as=MARGARET)
    revocations = world.sandbox.stats.revocations
    pages = LinkingPages(
        world.server.linking.linker, world.settings, lambda _: None, sweep_every=0.01
    )
    app = web.Application()
    pages.add_routes(app)
    runner = web.AppRunner(app)
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=16), tick=True):
        await runner.setup()  # starts the sweep
        try:
            await world.fake.wait_for(lambda: world.sandbox.stats.revocations > revocations)
        finally:
            await runner.cleanup()
    assert await world.services.store.count_pending_links() == 0
    assert await world.services.store.get_link(key(EMILY)) is None


async def test_a_sign_in_that_comes_back_to_another_browser_links_nothing(
    world: World, browser: httpx.AsyncClient
) -> None:
    start = await world.browser.get(await world.connect_url(ZOE))
    assert start.status_code == 302
    callback = await submit_authorize_page(browser, start.headers["location"], ZOE.cm_user_id)
    exchanges = world.sandbox.stats.total("POST /oauth/token")

    page = await browser.get(callback)

    assert page.status_code == 400 and "browser you started in" in page.text
    assert world.sandbox.stats.total("POST /oauth/token") == exchanges  # the code was not spent
    assert await world.services.store.get_link(key(ZOE)) is None


async def test_emails_match_whatever_their_case_and_link_at_once(world: World) -> None:
    assert MARGARET.email != "margaret.okafor@northbridge.ac.uk"  # Slack keeps capitals
    page = await world.link(MARGARET, confirm=None)
    assert page.status_code == 200 and "Connected" in page.text
    assert await world.services.store.get_link(key(MARGARET)) is not None


async def test_slack_not_telling_the_email_asks_to_confirm(
    world: World, browser: httpx.AsyncClient
) -> None:
    url = await world.connect_url(ZOE)
    world.fake.fail_next("users.info", error="missing_scope")
    page = await sign_in_through(browser, url, ZOE)
    assert "Slack didn't tell me your profile's email" in page.text
    assert await world.services.store.get_link(key(ZOE)) is None
    linked = await answer_confirm_page(browser, page, "link")
    assert linked.status_code == 200
    assert await world.services.store.get_link(key(ZOE)) is not None


async def test_names_from_slack_are_escaped_on_the_confirm_page(
    world: World, browser: httpx.AsyncClient
) -> None:
    world.fake.add_user(
        ZOE.user_id,
        name=ZOE.name,
        real_name='<script>alert("zoë")</script> & co',
        tz=ZOE.tz,
        email="<b>zoe</b>@example.org",
    )
    page = await confirm_page_for(world, browser, ZOE, signs_in_as=ZOE)
    assert "<script>" not in page.text and "<b>zoe</b>" not in page.text
    assert "&lt;script&gt;alert(&quot;zoë&quot;)&lt;/script&gt; &amp; co" in page.text
    assert "&lt;b&gt;zoe&lt;/b&gt;@example.org" in page.text


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"", "application/x-www-form-urlencoded"),
        (b"token=&choice=link", "application/x-www-form-urlencoded"),
        (b"token=abc&choice=maybe", "application/x-www-form-urlencoded"),
        (b'{"token": "abc", "choice": "link"}', "application/json"),
        (b"token=" + b"%FF" * 5000 + b"&choice=link", "application/x-www-form-urlencoded"),
        (b"--x\r\nnot multipart", "multipart/form-data; boundary=x"),
    ],
    ids=["empty", "no-token", "odd-choice", "json", "huge-token", "broken-multipart"],
)
async def test_a_confirm_post_of_garbage_is_a_kind_refusal(
    world: World, body: bytes, content_type: str
) -> None:
    answer = await world.browser.post(
        f"{world.base_url}/clustermarket/confirm",
        content=body,
        headers={"Content-Type": content_type},
    )
    assert answer.status_code == 400
    assert "/cm connect" in answer.text


async def test_the_browser_cookie_is_http_only_lax_scoped_and_short_lived(
    world: World, browser: httpx.AsyncClient
) -> None:
    start = await browser.get(await world.connect_url(ZOE))
    cookie = start.headers["set-cookie"]
    assert cookie.startswith(f"{BROWSER_COOKIE}=")
    for attribute in ("HttpOnly", "SameSite=Lax", "Path=/clustermarket/", "Max-Age=1800"):
        assert attribute in cookie, attribute
    assert "Secure" not in cookie  # PUBLIC_URL is plain http here
    assert start.headers["x-frame-options"] == "DENY"
    assert cookie_scope("https://bot.example.org/cmbot/") == ("/cmbot/clustermarket/", True)
    assert cookie_scope("http://localhost:3000") == ("/clustermarket/", False)


async def test_no_confirm_token_or_browser_cookie_reaches_the_logs(
    world: World, browser: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="aiohttp.access")
    caplog.set_level(logging.DEBUG, logger="bot")
    page = await confirm_page_for(world, browser, EMILY, signs_in_as=MARGARET)
    _, token = confirm_form(page.text) or ("", "")
    await answer_confirm_page(browser, page, "link")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "/clustermarket/confirm" in logged  # the access log is on
    assert token not in logged
    assert str(browser.cookies.get(BROWSER_COOKIE)) not in logged
    assert "margaret.okafor@northbridge.ac.uk" not in logged
