"""Slack's side of the conversation: signed requests that slack-sdk's verifier and Bolt accept.

A capturing endpoint shows the exact bytes and headers sent; a real Bolt AsyncApp then
proves the whole loop (command, event, click, response URL, Web API) works end to end.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import pytest
from aiohttp import web
from slack_bolt.async_app import AsyncApp, AsyncRespond, AsyncSay
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.fake_slack import FakeSlack, SlackRequester, sign

SECRET = "fake-signing-secret"
BUTTON: dict[str, Any] = {
    "type": "actions",
    "block_id": "choose",
    "elements": [
        {
            "type": "button",
            "action_id": "book",
            "text": {"type": "plain_text", "text": "Book"},
            "value": "42",
        }
    ],
}


@dataclass
class Endpoint:
    """A stand-in for the bot's /slack/events that records what arrives."""

    url: str = ""
    received: list[tuple[bytes, dict[str, str]]] = field(default_factory=list)
    reply: web.Response | None = None

    def form(self, index: int = -1) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.received[index][0].decode()).items()}

    def payload(self, index: int = -1) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.form(index)["payload"])
        return parsed


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}/slack/events"


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as running:
        running.add_user("U0ALICE", name="alice", real_name="Alice Archer")
        yield running


@pytest.fixture
async def endpoint() -> AsyncIterator[Endpoint]:
    captured = Endpoint()

    async def receive(request: web.Request) -> web.Response:
        captured.received.append((await request.read(), dict(request.headers)))
        return captured.reply or web.Response(text="")

    app = web.Application()
    app.router.add_post("/slack/events", receive)
    runner, captured.url = await serve(app)
    yield captured
    await runner.cleanup()


@pytest.fixture
async def requester(fake: FakeSlack, endpoint: Endpoint) -> AsyncIterator[SlackRequester]:
    async with SlackRequester(endpoint.url, SECRET, fake) as slack:
        yield slack


def test_sign_is_slacks_v0_hmac() -> None:
    body = b"token=x&text=hello"
    signature = sign(SECRET, 1_700_000_000, body)
    assert signature.startswith("v0=") and len(signature) == 3 + 64
    verifier = SignatureVerifier(SECRET)
    assert signature == verifier.generate_signature(timestamp="1700000000", body=body)


async def test_command_event_and_action_pass_slacks_verifier(
    fake: FakeSlack, endpoint: Endpoint, requester: SlackRequester
) -> None:
    await requester.command("book confocal", user_id="U0ALICE")
    await requester.event({"type": "app_mention", "user": "U0ALICE", "text": "hi"})
    await requester.action("book", "42", user_id="U0ALICE")
    verifier = SignatureVerifier(SECRET)
    assert len(endpoint.received) == 3
    for body, headers in endpoint.received:
        assert verifier.is_valid_request(body, headers)

    command = endpoint.form(0)
    assert command["command"] == "/cm" and command["text"] == "book confocal"
    assert command["user_name"] == "alice" and command["channel_id"] == "C0LAB"
    assert command["response_url"].startswith(fake.base_url + "/response/")
    assert command["team_id"] == "T0CMBOT" and command["trigger_id"]
    event = json.loads(endpoint.received[1][0])
    assert event["type"] == "event_callback" and event["event_id"].startswith("Ev")
    assert event["authorizations"][0]["user_id"] == fake.bot_user_id
    action = endpoint.payload(2)
    assert action["type"] == "block_actions"
    assert action["actions"][0]["action_id"] == "book" and action["actions"][0]["value"] == "42"
    assert action["user"]["id"] == "U0ALICE" and action["channel"]["id"] == "C0LAB"


async def test_stale_or_forged_requests_fail_the_verifier(
    endpoint: Endpoint, requester: SlackRequester
) -> None:
    body = b'{"type": "event_callback"}'
    await requester.post(body, "application/json", timestamp=int(time.time()) - 600)
    await requester.post(body, "application/json", signature="v0=" + "0" * 64)
    await requester.raw(body, {"Content-Type": "application/json"})
    verifier = SignatureVerifier(SECRET)
    assert [verifier.is_valid_request(b, h) for b, h in endpoint.received] == [False] * 3


async def test_event_retries_carry_headers_and_reuse_the_event_id(
    endpoint: Endpoint, requester: SlackRequester
) -> None:
    event = {"type": "app_home_opened", "user": "U0ALICE"}
    await requester.event(event, event_id="Ev0FIRST")
    await requester.event(event, retry_num=1, event_id="Ev0FIRST")
    await requester.retry_last_event(retry_num=2, retry_reason="http_error")
    (first, _), (retry, retry_headers), (again, again_headers) = endpoint.received
    assert "X-Slack-Retry-Num" not in endpoint.received[0][1]
    assert json.loads(retry)["event_id"] == json.loads(first)["event_id"] == "Ev0FIRST"
    assert retry_headers["X-Slack-Retry-Num"] == "1"
    assert retry_headers["X-Slack-Retry-Reason"] == "http_timeout"
    assert again == retry and again_headers["X-Slack-Retry-Num"] == "2"
    assert again_headers["X-Slack-Retry-Reason"] == "http_error"


async def test_user_messages_land_in_history(
    fake: FakeSlack, endpoint: Endpoint, requester: SlackRequester
) -> None:
    await requester.mention("what is free?", user_id="U0ALICE")
    await requester.direct_message("hello", user_id="U0ALICE")
    mention = json.loads(endpoint.received[0][0])["event"]
    assert mention["type"] == "app_mention"
    assert mention["text"] == "<@U0CMBOT> what is free?"
    (in_channel,) = fake.messages_in("C0LAB")
    assert (in_channel.ts, in_channel.user) == (mention["ts"], "U0ALICE")
    dm = json.loads(endpoint.received[1][0])["event"]
    assert dm["channel_type"] == "im" and dm["channel"] == fake.dm_channel_id("U0ALICE")
    assert [m.text for m in fake.messages_in("U0ALICE")] == ["hello"]


async def test_command_ack_is_shown_like_slack_shows_it(
    fake: FakeSlack, endpoint: Endpoint, requester: SlackRequester
) -> None:
    endpoint.reply = web.Response(text="Working on it")
    answer = await requester.command("list", user_id="U0ALICE")
    assert answer.status_code == 200 and answer.text == "Working on it"
    endpoint.reply = web.json_response({"text": "Everyone sees", "response_type": "in_channel"})
    await requester.command("share", user_id="U0ALICE")
    private, public = fake.messages_in("C0LAB")
    assert (private.text, private.ephemeral_for) == ("Working on it", "U0ALICE")
    assert (public.text, public.ephemeral_for) == ("Everyone sees", None)


async def test_action_clicks_the_message_or_home_tab_that_has_the_button(
    fake: FakeSlack, endpoint: Endpoint, requester: SlackRequester
) -> None:
    client = AsyncWebClient(token=fake.bot_token, base_url=fake.api_url)
    posted = await client.chat_postMessage(channel="C0LAB", text="pick", blocks=[BUTTON])
    await requester.action("book", "42", user_id="U0ALICE")
    clicked = endpoint.payload()
    assert clicked["message"]["ts"] == posted["ts"] and clicked["message"]["blocks"] == [BUTTON]
    assert clicked["container"]["message_ts"] == posted["ts"]
    assert clicked["actions"][0]["block_id"] == "choose"

    refresh = {
        "type": "button",
        "action_id": "refresh",
        "text": {"type": "plain_text", "text": "R"},
    }
    home_button = {"type": "actions", "block_id": "home", "elements": [refresh]}
    await client.views_publish(user_id="U0ALICE", view={"type": "home", "blocks": [home_button]})
    await requester.action("refresh", "", user_id="U0ALICE")
    on_home = endpoint.payload()
    assert on_home["container"]["type"] == "view" and on_home["view"]["type"] == "home"
    assert "response_url" not in on_home and "message" not in on_home


async def test_a_real_bolt_app_runs_end_to_end(fake: FakeSlack) -> None:
    client = AsyncWebClient(token=fake.bot_token, base_url=fake.api_url)
    app = AsyncApp(client=client, signing_secret=SECRET)

    @app.command("/cm")
    async def command(ack: AsyncAck, respond: AsyncRespond, say: AsyncSay) -> None:
        await ack("One moment")
        await respond("Found 1 instrument")
        await say(text="Confocal is free", blocks=[BUTTON])

    @app.action("book")
    async def book(ack: AsyncAck, respond: AsyncRespond, body: dict[str, Any]) -> None:
        await ack()
        await respond(replace_original=True, text=f"Booked {body['actions'][0]['value']}")

    @app.event("app_mention")
    async def mention(say: AsyncSay, event: dict[str, Any]) -> None:
        await say(text="hi", thread_ts=event["ts"])

    runner, url = await serve(app.web_app())
    try:
        async with SlackRequester(url, SECRET, fake) as slack:
            answer = await slack.command("find confocal", user_id="U0ALICE")
            assert answer.status_code == 200
            await fake.wait_for(lambda: len(fake.messages_in("C0LAB")) == 3)
            # The ack and the bot's own posts race, as in Slack, so match by text, not order.
            seen = {m.text: m for m in fake.messages_in("C0LAB")}
            assert seen["One moment"].ephemeral_for == "U0ALICE"
            assert seen["Found 1 instrument"].ephemeral_for == "U0ALICE"
            said = seen["Confocal is free"]
            assert said.ephemeral_for is None and said.blocks == [BUTTON]

            assert (await slack.action("book", "42", user_id="U0ALICE")).status_code == 200
            await fake.wait_for(lambda: said.text == "Booked 42")
            assert said.blocks == []

            assert (await slack.mention("hello", user_id="U0ALICE")).status_code == 200
            reply = await fake.wait_for(lambda: fake.calls_to("chat.postMessage")[1:])
            assert reply[0].args["thread_ts"] == fake.messages_in("C0LAB")[3].ts

            forged = await slack.post(b"{}", "application/json", signature="v0=" + "0" * 64)
            assert forged.status_code == 401
    finally:
        await runner.cleanup()
    assert fake.calls[0].method == "auth.test"
