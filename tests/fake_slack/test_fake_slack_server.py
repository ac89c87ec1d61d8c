"""The fake Web API, driven by slack-sdk's real AsyncWebClient over loopback.

If slack-sdk can talk to the fake the way it talks to Slack (argument encodings, error
handling, paging, 429 retries), the bot's own Slack code can be tested against it.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import time_machine
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.fake_slack import FakeSlack
from bot.fake_slack.blocks import block_errors

TS = re.compile(r"^\d{10}\.\d{6}$")
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


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as running:
        running.add_user("U0ALICE", name="alice", real_name="Alice Archer")
        running.add_user("U0BOB", name="bob", real_name="Bob Baker", tz="America/New_York")
        yield running


@pytest.fixture
async def client(fake: FakeSlack) -> AsyncIterator[AsyncWebClient]:
    web = AsyncWebClient(token=fake.bot_token, base_url=fake.api_url)
    yield web
    if web.session is not None:
        await web.session.close()


async def test_auth_test_names_the_bot(fake: FakeSlack, client: AsyncWebClient) -> None:
    answer = await client.auth_test()
    assert answer["user_id"] == "U0CMBOT"
    assert answer["bot_id"] == "B0CMBOT"
    assert answer["team_id"] == "T0CMBOT"
    assert fake.calls[-1].token == fake.bot_token


async def test_post_message_and_history_keep_metadata_hidden_unless_asked(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    metadata = {"event_type": "cm_booking", "event_payload": {"booking_id": 7}}
    first = await client.chat_postMessage(channel="C0LAB", text="one", metadata=metadata)
    second = await client.chat_postMessage(channel="C0LAB", text="two", blocks=[BUTTON])
    assert TS.match(first["ts"]) and TS.match(second["ts"])
    assert float(second["ts"]) > float(first["ts"])
    assert first["channel"] == "C0LAB"
    assert first["message"]["metadata"] == metadata

    plain = await client.conversations_history(channel="C0LAB")
    assert [m["text"] for m in plain["messages"]] == ["two", "one"]
    assert all("metadata" not in m for m in plain["messages"])
    assert plain["messages"][0]["blocks"] == [BUTTON]
    assert plain["messages"][0]["bot_id"] == "B0CMBOT"

    rich = await client.conversations_history(channel="C0LAB", include_all_metadata=True)
    assert rich["messages"][1]["metadata"] == metadata
    assert fake.calls_to("chat.postMessage")[1].args["blocks"] == [BUTTON]
    assert fake.messages_in("C0LAB")[0].metadata == metadata


async def test_form_encoded_arguments_are_decoded(fake: FakeSlack) -> None:
    async with httpx.AsyncClient() as http:
        answer = await http.post(
            fake.api_url + "chat.postMessage",
            data={
                "token": fake.bot_token,
                "channel": "C0LAB",
                "text": "hi",
                "blocks": '[{"type": "divider"}]',
            },
        )
    assert answer.json()["ok"] is True
    call = fake.calls[-1]
    assert call.args == {"channel": "C0LAB", "text": "hi", "blocks": [{"type": "divider"}]}
    assert call.token == fake.bot_token


async def test_thread_replies_stay_out_of_history(fake: FakeSlack, client: AsyncWebClient) -> None:
    parent = await client.chat_postMessage(channel="C0LAB", text="parent")
    await client.chat_postMessage(channel="C0LAB", text="reply", thread_ts=parent["ts"])
    history = await client.conversations_history(channel="C0LAB")
    assert [m["text"] for m in history["messages"]] == ["parent"]
    assert history["messages"][0]["reply_count"] == 1
    thread = await client.conversations_replies(channel="C0LAB", ts=parent["ts"])
    assert [m["text"] for m in thread["messages"]] == ["parent", "reply"]
    assert fake.messages_in("C0LAB")[1].thread_ts == parent["ts"]


async def test_post_ephemeral_is_seen_by_one_user_only(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    answer = await client.chat_postEphemeral(channel="C0LAB", user="U0ALICE", text="psst")
    assert TS.match(answer["message_ts"])
    (message,) = fake.messages_in("C0LAB")
    assert message.ephemeral_for == "U0ALICE"
    assert (await client.conversations_history(channel="C0LAB"))["messages"] == []
    with pytest.raises(SlackApiError) as error:
        await client.chat_postEphemeral(channel="C0LAB", user="U0NOBODY", text="psst")
    assert error.value.response["error"] == "user_not_found"


async def test_update_keeps_omitted_fields_and_delete_removes(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    posted = await client.chat_postMessage(channel="C0LAB", text="old", blocks=[BUTTON])
    updated = await client.chat_update(channel="C0LAB", ts=posted["ts"], text="new")
    assert updated["text"] == "new"
    (message,) = fake.messages_in("C0LAB")
    assert (message.text, message.blocks) == ("new", [BUTTON])
    await client.chat_update(channel="C0LAB", ts=posted["ts"], text="new", blocks=[])
    assert message.blocks == []
    with pytest.raises(SlackApiError) as error:
        await client.chat_update(channel="C0LAB", ts="1.000001", text="x")
    assert error.value.response["error"] == "message_not_found"
    await client.chat_delete(channel="C0LAB", ts=posted["ts"])
    assert fake.messages_in("C0LAB") == []


async def test_slack_errors_for_bad_messages(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as error, pytest.warns(UserWarning, match="`text`"):
        await client.chat_postMessage(channel="C0LAB")
    assert error.value.response["error"] == "no_text"
    empty_section = {"type": "section", "text": {"type": "mrkdwn", "text": ""}}
    with pytest.raises(SlackApiError) as error:
        await client.chat_postMessage(channel="C0LAB", text="x", blocks=[empty_section])
    assert error.value.response["error"] == "invalid_blocks"
    assert "/blocks/0/text/text" in error.value.response["response_metadata"]["messages"][0]
    with pytest.raises(SlackApiError) as error:
        await client.chat_postMessage(channel="C0LAB", text="x", metadata={"event_type": "x"})
    assert error.value.response["error"] == "invalid_metadata_schema"
    with pytest.raises(SlackApiError) as error:
        await client.chat_postMessage(channel="D0NOBODY", text="x")
    assert error.value.response["error"] == "channel_not_found"


async def test_views_publish_stores_the_latest_home(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    home = {"type": "home", "blocks": [BUTTON]}
    answer = await client.views_publish(user_id="U0ALICE", view=home)
    assert fake.home_views["U0ALICE"] == home
    assert answer["view"]["type"] == "home"
    newer = {"type": "home", "blocks": []}
    await client.views_publish(user_id="U0ALICE", view=newer, hash=answer["view"]["hash"])
    assert fake.home_views["U0ALICE"] == newer
    with pytest.raises(SlackApiError) as error:
        await client.views_publish(user_id="U0ALICE", view=home, hash=answer["view"]["hash"])
    assert error.value.response["error"] == "hash_conflict"
    with pytest.raises(SlackApiError) as error:
        await client.views_publish(user_id="U0ALICE", view={"type": "modal", "blocks": []})
    assert error.value.response["error"] == "invalid_arguments"


async def test_views_open_needs_a_fresh_trigger(fake: FakeSlack, client: AsyncWebClient) -> None:
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Book"}, "blocks": []}
    trigger = fake.new_trigger_id()
    answer = await client.views_open(trigger_id=trigger, view=modal)
    assert answer["view"]["id"].startswith("V")
    assert fake.opened_views == [modal]
    for trigger_id, expected in ((trigger, "trigger_exchanged"), ("1.2.3", "invalid_trigger_id")):
        with pytest.raises(SlackApiError) as error:
            await client.views_open(trigger_id=trigger_id, view=modal)
        assert error.value.response["error"] == expected


@pytest.mark.parametrize(
    ("when", "user", "offset", "label"),
    [
        (datetime(2025, 1, 15, 12, tzinfo=UTC), "U0ALICE", 0, "Greenwich Mean Time"),
        (datetime(2025, 7, 15, 12, tzinfo=UTC), "U0ALICE", 3600, "British Summer Time"),
        (datetime(2025, 1, 15, 12, tzinfo=UTC), "U0BOB", -18000, "Eastern Standard Time"),
        (datetime(2025, 7, 15, 12, tzinfo=UTC), "U0BOB", -14400, "Eastern Daylight Time"),
    ],
)
async def test_users_info_offset_follows_daylight_saving(
    client: AsyncWebClient, when: datetime, user: str, offset: int, label: str
) -> None:
    with time_machine.travel(when, tick=True):
        answer = await client.users_info(user=user)
    profile = answer["user"]
    assert (profile["tz_offset"], profile["tz_label"]) == (offset, label)
    assert profile["tz"] in {"Europe/London", "America/New_York"}
    assert profile["profile"]["display_name"] in {"alice", "bob"}
    assert profile["is_bot"] is False and profile["deleted"] is False


async def test_users_info_unknown_user(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as error:
        await client.users_info(user="U0NOBODY")
    assert error.value.response["error"] == "user_not_found"


async def test_conversations_open_is_stable_and_user_ids_post_to_the_dm(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    first = await client.conversations_open(users="U0ALICE")
    again = await client.conversations_open(users=["U0ALICE"])
    dm = first["channel"]["id"]
    assert dm.startswith("D") and again["channel"]["id"] == dm
    assert again["already_open"] is True
    posted = await client.chat_postMessage(channel="U0ALICE", text="hello")
    assert posted["channel"] == dm
    assert [m.text for m in fake.messages_in(dm)] == ["hello"]
    assert fake.messages_in("U0ALICE") == fake.messages_in(dm)
    info = await client.conversations_info(channel=dm)
    assert info["channel"]["is_im"] is True and info["channel"]["user"] == "U0ALICE"
    lab = await client.conversations_info(channel="C0LAB")
    assert lab["channel"]["name"] == "lab"


async def test_history_pages_with_cursors(fake: FakeSlack, client: AsyncWebClient) -> None:
    posted = [await client.chat_postMessage(channel="C0LAB", text=str(n)) for n in range(5)]
    first = await client.conversations_history(channel="C0LAB", limit=2)
    assert [m["text"] for m in first["messages"]] == ["4", "3"]
    assert first["has_more"] is True
    cursor = first["response_metadata"]["next_cursor"]
    second = await client.conversations_history(channel="C0LAB", limit=2, cursor=cursor)
    assert [m["text"] for m in second["messages"]] == ["2", "1"]
    sizes = [
        len(page["messages"])  # slack-sdk reuses one response object, so read it as it comes
        async for page in await client.conversations_history(channel="C0LAB", limit=2)
    ]
    assert sizes == [2, 2, 1]
    window = await client.conversations_history(
        channel="C0LAB", oldest=posted[1]["ts"], latest=posted[3]["ts"]
    )
    assert [m["text"] for m in window["messages"]] == ["2"]
    inclusive = await client.conversations_history(
        channel="C0LAB", oldest=posted[1]["ts"], latest=posted[3]["ts"], inclusive=True
    )
    assert [m["text"] for m in inclusive["messages"]] == ["3", "2", "1"]


async def test_bad_tokens_and_unknown_methods(fake: FakeSlack) -> None:
    wrong = AsyncWebClient(token="xoxb-wrong", base_url=fake.api_url)
    missing = AsyncWebClient(base_url=fake.api_url)
    right = AsyncWebClient(token=fake.bot_token, base_url=fake.api_url)
    cases = (
        (wrong.chat_postMessage(channel="C0LAB", text="x"), "invalid_auth"),
        (missing.auth_test(), "not_authed"),
        (right.api_call("chat.teleport"), "unknown_method"),
    )
    for call, expected in cases:
        with pytest.raises(SlackApiError) as error:
            await call
        assert error.value.response["error"] == expected
    assert fake.messages_in("C0LAB") == []


async def test_rate_limit_raises_429_with_retry_after(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.rate_limit_next("chat.postMessage", retry_after=7)
    with pytest.raises(SlackApiError) as error:
        await client.chat_postMessage(channel="C0LAB", text="x")
    assert error.value.response.status_code == 429
    assert error.value.response.headers["Retry-After"] == "7"
    assert error.value.response["error"] == "ratelimited"
    await client.chat_postMessage(channel="C0LAB", text="x")


async def test_rate_limit_retry_handler_waits_then_succeeds(
    fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    real_sleep = asyncio.sleep

    async def record_sleep(delay: float) -> None:
        waits.append(delay)  # what slack-sdk chose to wait; skip the wait to stay fast
        await real_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", record_sleep)
    client = AsyncWebClient(
        token=fake.bot_token,
        base_url=fake.api_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )
    fake.rate_limit_next("chat.postMessage", retry_after=30)
    answer = await client.chat_postMessage(channel="C0LAB", text="patient")
    assert answer["ok"] is True
    assert len(waits) == 1 and 30 <= waits[0] < 31
    assert len(fake.calls_to("chat.postMessage")) == 2
    assert [m.text for m in fake.messages_in("C0LAB")] == ["patient"]


async def test_fail_next_and_latency(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.fail_next("users.info", count=2, error="fatal_error", status=500)
    for _ in range(2):
        with pytest.raises(SlackApiError) as error:
            await client.users_info(user="U0ALICE")
        assert error.value.response.status_code == 500
        assert error.value.response["error"] == "fatal_error"
    fake.latency = 0.1
    started = time.monotonic()
    assert (await client.users_info(user="U0ALICE"))["ok"] is True
    assert time.monotonic() - started >= 0.1


async def test_response_urls_are_recorded_and_act_on_the_original(fake: FakeSlack) -> None:
    client = AsyncWebClient(token=fake.bot_token, base_url=fake.api_url)
    posted = await client.chat_postMessage(channel="C0LAB", text="pick one", blocks=[BUTTON])
    url = fake.new_response_url(channel="C0LAB", user="U0ALICE", message_ts=posted["ts"])
    async with httpx.AsyncClient() as http:
        answer = await http.post(url, json={"replace_original": True, "text": "booked"})
        assert (answer.status_code, answer.text) == (200, "ok")
        assert answer.headers["content-type"].startswith("text/plain")
        await http.post(url, json={"text": "only you", "response_type": "ephemeral"})
        unknown = await http.post(fake.base_url + "/response/nope", json={"text": "x"})
        assert unknown.status_code == 404
        for _ in range(3):
            await http.post(url, json={"text": "again"})
        assert (await http.post(url, json={"text": "too many"})).status_code == 404
        assert (await http.get(fake.base_url + "/healthz")).json() == {"ok": True}
    assert fake.responses[0].key == url.rsplit("/", 1)[-1]
    assert fake.responses[0].body == {"replace_original": True, "text": "booked"}
    assert len(fake.responses) == 6
    original, ephemeral = fake.messages_in("C0LAB")[:2]
    assert (original.text, original.blocks, original.ts) == ("booked", [], posted["ts"])
    assert (ephemeral.text, ephemeral.ephemeral_for) == ("only you", "U0ALICE")


async def test_wait_for_returns_the_value_or_explains_the_timeout(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    await client.auth_test()
    assert await fake.wait_for(lambda: fake.calls_to("auth.test")) == fake.calls[:1]
    with pytest.raises(AssertionError) as error:
        await fake.wait_for(lambda: fake.calls_to("chat.postMessage"), timeout=0.05)
    message = str(error.value)
    assert "0.05s" in message
    assert 'fake.calls_to("chat.postMessage")' in message
    assert "auth.test" in message


async def test_base_url_needs_a_started_server() -> None:
    idle = FakeSlack()
    with pytest.raises(RuntimeError):
        _ = idle.api_url
    await idle.start()
    try:
        assert idle.api_url.startswith("http://127.0.0.1:") and idle.api_url.endswith("/api/")
    finally:
        await idle.stop()


def test_block_checks_accept_common_layouts_and_name_what_slack_rejects() -> None:
    good = [
        {"type": "header", "text": {"type": "plain_text", "text": "Confocal"}},
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "*Free* 10:00-12:00"},
            "accessory": BUTTON["elements"][0],
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Lab 2"}]},
        {"type": "divider"},
        {"type": "image", "image_url": "https://example.org/x.png", "alt_text": "x"},
        {"type": "rich_text", "elements": []},
        BUTTON,
    ]
    assert block_errors(good, most=50) == []
    long_button = {**BUTTON["elements"][0], "text": {"type": "plain_text", "text": "x" * 76}}
    bad = [
        {"type": "header", "text": {"type": "mrkdwn", "text": "not plain"}},
        {"type": "actions", "block_id": "b", "elements": [long_button]},
        {"type": "divider", "block_id": "b"},
        {"type": "section"},
    ]
    errors = block_errors(bad, most=50)
    assert len(errors) == 4
    assert "/blocks/0/text/type" in errors[0]
    assert "/blocks/1/elements/0/text/text" in errors[1]
    assert "duplicate block_id" in errors[2]
    assert "/blocks/3]" in errors[3]
    assert block_errors([{"type": "divider"}] * 51, most=50) != []
