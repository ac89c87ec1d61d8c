"""The door of /slack/events: the signature before any parsing, 401/400 and never a 500, no
body in the log, and a listener that fails still leaves the asker a kind answer.

One world serves the module; each test sends its own requests.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from slack_bolt.async_app import AsyncAck

from bot.demo.world import SIGNING_SECRET, World
from bot.fake_slack import sign

pytestmark = pytest.mark.asyncio(loop_scope="module")

SECRET_TEXT = "zebra-quartz-secret-text"
"""In every body here: it must never reach the log."""


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world() -> AsyncIterator[World]:
    async with World() as running:

        async def fails_after_ack(ack: AsyncAck) -> None:
            await ack()
            await asyncio.sleep(0.5)  # some work; Bolt has sent the ack meanwhile
            raise RuntimeError(SECRET_TEXT)

        async def fails_before_ack() -> None:
            raise RuntimeError(SECRET_TEXT)

        running.bolt.command("/fails-after-ack")(fails_after_ack)
        running.bolt.command("/fails-before-ack")(fails_before_ack)
        yield running


def signed(body: bytes, content_type: str, *, at: int | None = None) -> dict[str, str]:
    timestamp = int(time.time()) if at is None else at
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": sign(SIGNING_SECRET, timestamp, body),
    }


def logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(record.getMessage() for record in caplog.records)


FORM = "application/x-www-form-urlencoded"
COMMAND = f"command=%2Fcm&text={SECRET_TEXT}&user_id=U0ZOE&team_id=T0CMBOT".encode()


def unsigned_headers(case: str) -> dict[str, str]:
    """Headers for `COMMAND` that Slack did not sign (made now, so "stale" is stale now)."""
    now = int(time.time())
    return {
        "no signature": {"Content-Type": FORM},
        "no timestamp": {"Content-Type": FORM, "X-Slack-Signature": "v0=" + "0" * 64},
        "wrong secret": {**signed(COMMAND, FORM), "X-Slack-Signature": "v0=" + "1" * 64},
        "stale": signed(COMMAND, FORM, at=now - 600),
        "from the future": signed(COMMAND, FORM, at=now + 600),
        "timestamp not a number": {**signed(COMMAND, FORM), "X-Slack-Request-Timestamp": "soon"},
    }[case]


@pytest.mark.parametrize(
    "case",
    [
        "no signature",
        "no timestamp",
        "wrong secret",
        "stale",
        "from the future",
        "timestamp not a number",
    ],
)
async def test_unsigned_requests_get_401_and_nothing_is_done(
    world: World, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    caplog.set_level(logging.DEBUG)
    calls, responses = len(world.fake.calls), len(world.fake.responses)
    answer = await world.slack.raw(COMMAND, unsigned_headers(case))
    assert answer.status_code == 401, case
    assert len(world.fake.calls) == calls and len(world.fake.responses) == responses
    assert SECRET_TEXT not in logged(caplog)


@pytest.mark.parametrize(
    ("case", "body", "content_type"),
    [
        ("not UTF-8", b"command=%2Fcm&text=\xff\xfe" + SECRET_TEXT.encode(), FORM),
        ("not UTF-8 JSON", b'{"type": "event_callback", "x": "\xc3\x28"}', "application/json"),
        (
            "broken JSON",
            b'{"type": "event_callback", "event": ' + SECRET_TEXT.encode(),
            "application/json",
        ),
        ("JSON list", json.dumps([SECRET_TEXT]).encode(), "application/json"),
        ("empty", b"", FORM),
        ("payload not JSON", b"payload=" + SECRET_TEXT.encode(), FORM),
        ("payload a string", b"payload=%22" + SECRET_TEXT.encode() + b"%22", FORM),
        (
            "lone surrogate",
            b'{"type": "event_callback", "t": "\\ud800' + SECRET_TEXT.encode() + b'"}',
            "application/json",
        ),
        ("nested too deep", b"[" * 100_000, "application/json"),
        (
            "view without its type",
            b"payload="
            + json.dumps(
                {"type": "view_submission", "view": {"callback_id": SECRET_TEXT}}
            ).encode(),
            FORM,
        ),
        (
            "event that is a string",
            json.dumps({"type": "event_callback", "event": SECRET_TEXT}).encode(),
            "application/json",
        ),
    ],
)
async def test_signed_but_malformed_gets_400_without_a_trace(
    world: World, caplog: pytest.LogCaptureFixture, case: str, body: bytes, content_type: str
) -> None:
    caplog.set_level(logging.DEBUG)
    answer = await world.slack.raw(body, signed(body, content_type))
    assert answer.status_code == 400, case
    assert SECRET_TEXT not in logged(caplog) and SECRET_TEXT not in answer.text
    assert not [record for record in caplog.records if record.exc_info]


async def test_a_listener_failing_after_the_ack_logs_one_line_and_apologises(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    before = len(world.fake.responses)
    ack = await world.slack.command(SECRET_TEXT, user_id="U0ZOE", command="/fails-after-ack")
    assert ack.status_code == 200
    apology = await world.fake.wait_for(
        lambda: world.fake.responses[before].body if len(world.fake.responses) > before else None,
        timeout=30,
    )
    assert "went wrong" in str(apology["text"])
    failures = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert [record.getMessage() for record in failures] == ["slash command failed: RuntimeError"]
    assert not failures[0].exc_info
    assert SECRET_TEXT not in logged(caplog)


async def test_a_listener_failing_before_the_ack_still_answers_the_slash_command(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    ack = await world.slack.command(SECRET_TEXT, user_id="U0ZOE", command="/fails-before-ack")
    assert ack.status_code == 200
    body: dict[str, Any] = ack.json()
    assert body["response_type"] == "ephemeral" and "went wrong" in body["text"]
    assert not [record for record in caplog.records if record.exc_info]
    assert SECRET_TEXT not in logged(caplog)


async def test_a_request_no_listener_takes_is_a_quiet_404(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    event = {"type": "reaction_added", "user": "U0ZOE", "reaction": SECRET_TEXT}
    assert (await world.slack.event(event)).status_code == 404
    assert SECRET_TEXT not in logged(caplog)
    assert "no listener takes this event reaction_added" in logged(caplog)
