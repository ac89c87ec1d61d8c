"""What an operator sees of `cmbot serve` in HTTP mode: json logs that keep secrets, /metrics.

One real process runs a linked round trip (connect, the OAuth dance in a browser, a command,
a DM) with LOG_FORMAT=json and LOG_LEVEL=DEBUG, the most a log could say: every line must
parse, the acknowledgements carry request id, team, kind and latency, and no token, OAuth
code or state, connect ticket or message text appears anywhere.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from serve_process import ServeProcess, assert_nothing_secret, json_log_lines, serve_environment

from bot.demo.world import (
    PEOPLE,
    SIGNING_SECRET,
    add_people,
    connect_button_url,
    follow_connect_link,
    free_port,
)
from bot.fake_slack import FakeSlack, SlackRequester
from bot.sandbox import DEMO_CLIENT_SECRET, Sandbox

ZOE = PEOPLE[0]
DM_TEXT = "is the quokka-7731 free tomorrow?"


@pytest.fixture
async def upstreams() -> AsyncIterator[tuple[Sandbox, FakeSlack]]:
    async with Sandbox() as sandbox, FakeSlack() as fake:
        add_people(fake, (ZOE,))
        yield sandbox, fake


def _samples(exposition: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


async def test_a_linked_round_trip_logs_json_without_secrets_and_counts_in_metrics(
    upstreams: tuple[Sandbox, FakeSlack], tmp_path: Path
) -> None:
    sandbox, fake = upstreams
    port = free_port()
    environment = serve_environment(
        sandbox, fake, port, str(tmp_path / "cmbot.db"), LOG_FORMAT="json", LOG_LEVEL="debug"
    )
    bot = ServeProcess(environment, tmp_path)
    slack = SlackRequester(f"{bot.base_url}/slack/events", SIGNING_SECRET, fake)
    await bot.start()
    try:
        async with httpx.AsyncClient(timeout=30) as browser:
            assert (await bot.health(browser)).status_code == 200
            await slack.command("connect", user_id=ZOE.user_id)
            url = await fake.wait_for(lambda: connect_button_url(fake, ZOE.user_id))
            page = await follow_connect_link(browser, url, ZOE)
            assert page.status_code == 200, page.text
            callback = parse_qs(urlsplit(str(page.request.url)).query)
            await fake.wait_for(lambda: fake.home_views.get(ZOE.user_id), timeout=20)

            sent = len(fake.responses)
            await slack.command("me", user_id=ZOE.user_id)
            me = await fake.wait_for(lambda: fake.responses[sent:], timeout=20)
            assert ZOE.real_name in json.dumps(me[0].body, ensure_ascii=False)

            before = len(fake.messages_in(ZOE.user_id))
            await slack.direct_message(DM_TEXT, user_id=ZOE.user_id)
            await fake.wait_for(lambda: len(fake.messages_in(ZOE.user_id)) > before + 1, 20)

            metrics = await browser.get(bot.base_url + "/metrics")
    finally:
        await slack.aclose()
        code, stderr = await bot.stop()
    assert code == 0, stderr[-2000:]

    assert metrics.status_code == 200
    assert metrics.headers["Content-Type"].startswith("text/plain; version=")
    samples = _samples(metrics.text)
    assert samples[("cmbot_slack_ack_seconds_count", frozenset({("kind", "command")}))] == 2
    assert samples[("cmbot_slack_ack_seconds_count", frozenset({("kind", "event")}))] >= 1
    answered = frozenset({("kind", "Me"), ("outcome", "answered")})
    assert samples[("cmbot_answers_total", answered)] == 1
    assert ("process_open_fds", frozenset()) in samples

    lines = json_log_lines(stderr)
    acked = [line for line in lines if line["logger"] == "bot.slack"]
    assert {line["kind"] for line in acked} == {"command", "event"}
    for line in acked:
        assert line["team"] == fake.team_id and line["latency_ms"] >= 0
        assert len(line["request_id"]) == 12
    ticket = parse_qs(urlsplit(url).query)["ticket"][0]
    assert_nothing_secret(
        stderr,
        [
            fake.bot_token,
            SIGNING_SECRET,
            environment["TOKEN_ENCRYPTION_KEY"],
            DEMO_CLIENT_SECRET,
            ticket,
            callback["code"][0],
            callback["state"][0],
            *sandbox.tokens._access,  # every access and refresh token the sandbox issued
            *sandbox.tokens._refresh,
            "quokka",
        ],
    )
