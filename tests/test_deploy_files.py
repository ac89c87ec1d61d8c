"""The Dockerfile, compose.yaml and the README's systemd unit, read as files: everywhere, with or
without a Docker engine (test_docker_image.py builds and runs the image where one answers)."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from bot.cli import build_parser
from bot.config import Settings
from bot.demo import slack_standin
from bot.fake_slack import FakeSlack
from bot.fake_slack.socket_mode import APP_TOKEN
from bot.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

ROOT = Path(__file__).resolve().parent.parent


def _instructions(dockerfile: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per instruction, continuation lines joined, comments gone."""
    joined = re.sub(r"\\\n\s*", " ", dockerfile)
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


@pytest.fixture(scope="module")
def final_stage() -> list[tuple[str, str]]:
    instructions = _instructions((ROOT / "Dockerfile").read_text())
    last_from = max(i for i, (word, _) in enumerate(instructions) if word == "FROM")
    return instructions[last_from:]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return loaded


def _one(stage: list[tuple[str, str]], word: str) -> str:
    values = [rest for found, rest in stage if found == word]
    assert len(values) == 1, f"expected one {word} in the final stage, found {values}"
    return values[0]


def _env(stage: list[tuple[str, str]]) -> dict[str, str]:
    pairs = " ".join(rest for word, rest in stage if word == "ENV")
    return dict(part.split("=", 1) for part in shlex.split(pairs))


def test_the_image_is_slim_python_3_11_or_later(final_stage: list[tuple[str, str]]) -> None:
    match = re.fullmatch(r"python:3\.(\d+)-slim", final_stage[0][1])
    assert match is not None and int(match.group(1)) >= 11, final_stage[0]


def test_the_image_runs_serve_as_a_user_with_the_database_on_a_volume(
    final_stage: list[tuple[str, str]],
) -> None:
    user = _one(final_stage, "USER")
    assert user not in {"root", "0"} and not user.startswith(("root:", "0:"))
    command = json.loads(_one(final_stage, "CMD"))
    assert command == ["cmbot", "serve"]
    _command_works(command)
    volumes = json.loads(_one(final_stage, "VOLUME"))
    database = Path(_env(final_stage)["DATABASE_PATH"])
    assert any(database.is_relative_to(volume) for volume in volumes)
    assert _one(final_stage, "WORKDIR") not in volumes  # no .env is read from the volume


def test_the_image_checks_healthz_on_its_port(final_stage: list[tuple[str, str]]) -> None:
    check = _one(final_stage, "HEALTHCHECK")
    assert "/healthz" in check and "PORT" in check
    assert _env(final_stage)["PORT"] == _one(final_stage, "EXPOSE")


def test_only_the_package_goes_into_the_build_context() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ignored[ignored.index("*") + 1 :][:3] == ["!pyproject.toml", "!README.md", "!bot/"]


def _command_works(command: list[str]) -> None:
    """A compose command is one of ours and its arguments parse."""
    if command[0] == "cmbot":
        build_parser().parse_args(command[1:])
    else:
        assert command[:3] == ["python", "-m", "bot.demo.slack_standin"], command
        slack_standin.build_parser().parse_args(command[3:])


def test_compose_runs_the_bot_and_a_sandbox_profile(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {name: s["profiles"] for name, s in services.items()} == {
        "bot": ["live"],
        "sandbox": ["sandbox"],
        "slack": ["sandbox"],
        "sandbox-bot": ["sandbox"],
    }
    bot = services["bot"]
    assert bot["env_file"] == ".env" and bot["environment"]["DATABASE_PATH"] == "/data/cmbot.db"
    assert "cmbot-data:/data" in bot["volumes"]
    assert services["sandbox-bot"]["volumes"] == ["sandbox-data:/data"]  # never the real data
    for name, service in services.items():
        assert service["image"] == "cmbot:latest" and service["build"] == "."
        if "command" in service:
            _command_works([str(part) for part in service["command"]])
        for needed in service.get("depends_on", []):
            assert needed in services, (name, needed)
        if "network_mode" in service:
            assert service["network_mode"] == "service:sandbox"


def test_the_sandbox_profile_points_the_bot_at_its_stand_ins(compose: dict[str, Any]) -> None:
    services = compose["services"]
    environment = {k: str(v) for k, v in services["sandbox-bot"]["environment"].items()}
    settings = Settings(_env_file=None, **environment)  # type: ignore[arg-type]
    settings.require_for_serve()
    assert settings.socket_mode
    assert environment["SLACK_BOT_TOKEN"] == FakeSlack().bot_token
    assert environment["SLACK_APP_TOKEN"] == APP_TOKEN
    assert (environment["CLUSTERMARKET_CLIENT_ID"], environment["CLUSTERMARKET_CLIENT_SECRET"]) == (
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
    )
    standin = slack_standin.build_parser().parse_args(services["slack"]["command"][3:])
    sandbox = build_parser().parse_args(services["sandbox"]["command"][1:])
    assert urlsplit(environment["SLACK_API_URL"]).port == standin.api_port
    assert urlsplit(environment["CLUSTERMARKET_API_URL"]).port == sandbox.port
    published = {int(port.rsplit(":", 1)[1]) for port in services["sandbox"]["ports"]}
    assert published == {settings.PORT, sandbox.port, standin.port}
    assert urlsplit(settings.PUBLIC_URL).port == settings.PORT


def test_the_readme_has_a_systemd_unit_that_runs_serve() -> None:
    readme = (ROOT / "README.md").read_text()
    units = re.findall(r"```ini\n(.*?)```", readme, flags=re.DOTALL)
    assert len(units) == 1
    unit = dict(
        line.split("=", 1) for line in units[0].splitlines() if "=" in line and line[0] != "#"
    )
    assert unit["ExecStart"].endswith("/cmbot serve")
    assert unit["User"] not in {"root", "0"}
    assert unit["KillSignal"] == "SIGTERM" and unit["Restart"] == "on-failure"


def test_env_example_names_every_setting() -> None:
    example = (ROOT / ".env.example").read_text()
    named = set(re.findall(r"^([A-Z_]+)=", example, flags=re.MULTILINE))
    assert set(Settings.model_fields) <= named
