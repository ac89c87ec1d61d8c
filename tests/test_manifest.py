"""manifest.yml is valid YAML and carries what the bot answers to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.config import Settings

MANIFEST = Path(__file__).resolve().parent.parent / "manifest.yml"
EVENTS_THE_BOT_HANDLES = {"app_mention", "message.im", "app_home_opened"}
SCOPES_THOSE_NEED = {
    "commands",  # the slash command
    "app_mentions:read",  # app_mention
    "im:history",  # message.im
    "chat:write",  # answers, DMs, digests
    "im:write",  # opening the DM for digests and "connected as …"
    "users:read",  # users.info for the user's time zone
}


def load_manifest() -> dict[str, Any]:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(manifest, dict)
    return manifest


def test_slash_command_is_the_default_command() -> None:
    commands = load_manifest()["features"]["slash_commands"]
    assert [command["command"] for command in commands] == [
        Settings.model_fields["SLACK_COMMAND"].default
    ]


def test_events_scopes_interactivity_socket_mode_and_home() -> None:
    manifest = load_manifest()
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == EVENTS_THE_BOT_HANDLES
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    assert set(manifest["oauth_config"]["scopes"]["bot"]) >= SCOPES_THOSE_NEED
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["features"]["bot_user"]["display_name"]


def test_request_urls_point_at_the_events_endpoint() -> None:
    manifest = load_manifest()
    urls = [
        manifest["settings"]["event_subscriptions"]["request_url"],
        manifest["settings"]["interactivity"]["request_url"],
        *(command["url"] for command in manifest["features"]["slash_commands"]),
    ]
    assert all(url.endswith("/slack/events") for url in urls)


def test_display_information_fits_slack_limits() -> None:
    info = load_manifest()["display_information"]
    assert 1 <= len(info["name"]) <= 35
    assert 1 <= len(info["description"]) <= 140
    assert 175 <= len(info["long_description"]) <= 4000
