"""Log lines, request context and metric labels, each on its own (the round trips through a
real `cmbot serve` are in tests/test_serve_observability.py and test_serve_socket_mode.py)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.cli import main
from bot.config import LoggingSettings, load_logging_settings
from bot.demo.world import World
from bot.observability import configure_logging, record_upstream, render_metrics, slack_request
from bot.observability.context import request_kind, request_team
from bot.observability.logs import JsonFormatter, NoLibraryTracebacks, TextFormatter


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: pytest.TempPathFactory) -> Iterator[None]:
    for name in LoggingSettings.model_fields:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]
    levels = {name: logging.getLogger(name).level for name in ("", "slack_bolt", "httpx")}
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def _record(message: str = "answered", **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("bot.test", logging.WARNING, __file__, 1, message, None, None)
    record.__dict__.update(extra)
    return record


@pytest.mark.parametrize(
    ("level", "log_format", "expected"),
    [("warn", "JSON", ("WARNING", "json")), (" debug ", "text", ("DEBUG", "text"))],
)
def test_log_settings_are_forgiving_about_case_and_spelling(
    monkeypatch: pytest.MonkeyPatch, level: str, log_format: str, expected: tuple[str, str]
) -> None:
    monkeypatch.setenv("LOG_LEVEL", level)
    monkeypatch.setenv("LOG_FORMAT", log_format)
    settings = load_logging_settings()
    assert expected == (settings.LOG_LEVEL, settings.LOG_FORMAT)


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("LOG_LEVEL", "loud", "must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
        ("LOG_FORMAT", "xml", "Input should be 'text' or 'json'"),
    ],
)
def test_a_bad_log_setting_stops_any_command_with_one_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    value: str,
    reason: str,
) -> None:
    monkeypatch.setenv(name, value)
    assert main(["keygen"]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"cmbot: {name} is malformed: {reason}\n"
    assert captured.out == ""


def test_json_lines_carry_the_request_and_only_known_extras() -> None:
    body = {"command": "/cm", "team_id": "T0LAB", "text": "private words"}
    with slack_request(body) as request:
        record = _record(latency_ms=12.5, text="private words", token="xoxb-secret")
        line = json.loads(JsonFormatter().format(record))
    assert line.keys() == {
        "time", "level", "logger", "message", "request_id", "kind", "team", "latency_ms"
    }  # fmt: skip
    assert line["request_id"] == request.request_id and line["team"] == "T0LAB"
    assert (line["kind"], line["level"], line["latency_ms"]) == ("command", "WARNING", 12.5)
    assert line["time"].endswith("+00:00")


def test_json_keeps_a_traceback_in_one_line() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = _record()
        record.exc_info = __import__("sys").exc_info()
    text = JsonFormatter().format(record)
    assert "\n" not in text
    assert "ValueError: boom" in json.loads(text)["exception"]


def test_a_librarys_failure_is_one_line_naming_its_type() -> None:
    """asyncio out of descriptors on accept, aiohttp refusing raw bytes: no traceback, and
    nothing from the exception's message (it may quote a request)."""
    try:
        raise OSError(24, "Too many open files; GET /secret?code=xyz")
    except OSError:
        record = logging.LogRecord(
            "asyncio", logging.ERROR, __file__, 1, "socket.accept() out of %s", ("resources",),
            __import__("sys").exc_info(),
        )  # fmt: skip
    assert NoLibraryTracebacks().filter(record)
    text = TextFormatter().format(record)
    assert text.endswith("socket.accept() out of resources (OSError)")
    assert "code=xyz" not in text and "Traceback" not in text


def test_text_lines_name_the_request_only_inside_one() -> None:
    assert TextFormatter().format(_record()).endswith("WARNING bot.test: answered")
    with slack_request({"type": "block_actions", "team": {"id": "T0LAB"}}) as request:
        text = TextFormatter().format(_record())
    assert text.endswith(f"answered [request={request.request_id} kind=action team=T0LAB]")


def test_libraries_that_would_print_payloads_stay_at_their_floor() -> None:
    configure_logging("DEBUG", "json")
    assert logging.getLogger("bot.anything").getEffectiveLevel() == logging.DEBUG
    assert logging.getLogger("slack_bolt.AsyncApp").getEffectiveLevel() == logging.INFO
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    configure_logging("ERROR", "text")
    assert logging.getLogger("slack_bolt").getEffectiveLevel() == logging.ERROR


@pytest.mark.parametrize(
    ("body", "kind", "team"),
    [
        ({"command": "/cm", "team_id": "T0LAB"}, "command", "T0LAB"),
        ({"type": "event_callback", "team_id": "T0LAB", "event": {}}, "event", "T0LAB"),
        ({"type": "block_actions", "team": {"id": "T0LAB"}}, "action", "T0LAB"),
        ({"type": "view_submission", "team": {"id": "T0LAB"}}, "view", "T0LAB"),
        ({"type": "something new", "team_id": "t0lab<script>"}, "other", None),
        ({"team_id": ["T0LAB"]}, "other", None),
        ({}, "other", None),
    ],
)
def test_kind_and_team_come_from_identifiers_only(
    body: dict[str, object], kind: str, team: str | None
) -> None:
    assert (request_kind(body), request_team(body)) == (kind, team)


def _value(name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(render_metrics().decode()):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0


def test_upstream_statuses_are_a_bounded_label() -> None:
    before = {label: _value("cmbot_upstream_request_seconds_count", status=label)
              for label in ("503", "invalid", "timeout")}  # fmt: skip
    record_upstream(503, 0.2)
    record_upstream(1234, 0.1)
    record_upstream("timeout", 20.0)
    for label, old in before.items():
        assert _value("cmbot_upstream_request_seconds_count", status=label) == old + 1


def test_an_ack_is_counted_and_timed_by_kind() -> None:
    before = _value("cmbot_slack_ack_seconds_count", kind="view")
    with slack_request({"type": "view_closed"}):
        pass
    assert _value("cmbot_slack_ack_seconds_count", kind="view") == before + 1


async def test_a_forged_request_is_refused_not_counted_as_an_ack(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with World() as world:
        before = _value("cmbot_slack_ack_seconds_count", kind="command")
        body = urlencode({"command": "/cm", "text": "help", "team_id": "T0CMBOT"}).encode()
        with caplog.at_level(logging.INFO, logger="bot.slack"):
            answer = await world.slack.post(
                body, "application/x-www-form-urlencoded", signature="v0=" + "0" * 64
            )
    assert answer.status_code == 401
    assert _value("cmbot_slack_ack_seconds_count", kind="command") == before
    # the kind is not read from a body whose signature failed: nothing parses it
    assert [r.getMessage() for r in caplog.records if r.name == "bot.slack"] == [
        "refused other: HTTP 401"
    ]
