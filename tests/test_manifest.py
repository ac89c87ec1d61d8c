"""manifest.yml is valid YAML, carries what the bot answers to, and asks for exactly the
scopes the code's Slack calls need: no more (least privilege), no fewer (a call that fails
in a real workspace)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import yaml
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import SLACK_OAUTH_REDIRECT_PATH, Settings
from bot.demo.world import World
from bot.workspaces.install import BOT_SCOPES

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "manifest.yml"
EVENTS_THE_BOT_HANDLES = {
    "app_mention",
    "message.im",
    "app_home_opened",
    "link_shared",  # pasted Clustermarket links unfurl
    "app_uninstalled",  # the workspace's data goes (bot.forgetting)
    "tokens_revoked",
}

SCOPES_OF_METHOD: dict[str, set[str]] = {
    "auth.test": set(),
    "api.test": set(),
    "chat.postMessage": {"chat:write"},
    "chat.postEphemeral": {"chat:write"},
    "chat.update": {"chat:write"},
    "chat.unfurl": {"links:write"},  # pasted Clustermarket links
    "views.publish": set(),
    "users.info": {"users:read", "users:read.email"},  # time zone, name, profile email
    "conversations.open": {"im:write"},  # a DM with one person
    "conversations.info": {"channels:read", "groups:read"},  # lab channels, public or private
    "conversations.history": {"channels:history", "groups:history", "im:history"},  # digests
}
"""Bot-token scopes each Web API method needs for the conversations the bot uses it on."""

SCOPES_OF_EVENT = {
    "app_mention": {"app_mentions:read"},
    "message.im": {"im:history"},
    "link_shared": {"links:read"},
}
SCOPES_OF_SLASH_COMMANDS = {"commands"}


def slack_methods_called() -> set[str]:
    """Every Slack Web API method the bot's code calls, by name ("chat.postMessage").

    Any call `x.chat_postMessage(...)` whose name is an AsyncWebClient method counts, whatever
    `x` is called; the fake Slack and the sandbox are not the bot.
    """
    called = set()
    for path in (ROOT / "bot").rglob("*.py"):
        if {"fake_slack", "sandbox"} & set(path.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                name = node.func.attr
                if "_" in name.strip("_") and callable(getattr(AsyncWebClient, name, None)):
                    called.add(name.replace("_", "."))
    return called


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
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["features"]["bot_user"]["display_name"]
    assert manifest["features"]["unfurl_domains"] == ["app.clustermarket.com"]


def test_the_install_flow_asks_for_the_manifests_scopes_and_redirects_home() -> None:
    oauth = load_manifest()["oauth_config"]
    assert tuple(sorted(oauth["scopes"]["bot"])) == tuple(sorted(BOT_SCOPES))
    assert [url.endswith(SLACK_OAUTH_REDIRECT_PATH) for url in oauth["redirect_urls"]] == [True]


def test_bot_scopes_are_exactly_what_the_code_calls() -> None:
    called = slack_methods_called()
    assert called >= {"chat.postMessage", "views.publish", "users.info"}  # the scan works
    unknown = called - SCOPES_OF_METHOD.keys()
    assert not unknown, f"add the scopes of {sorted(unknown)} to SCOPES_OF_METHOD"
    events = load_manifest()["settings"]["event_subscriptions"]["bot_events"]
    needed = set().union(
        *(SCOPES_OF_METHOD[method] for method in called),
        *(SCOPES_OF_EVENT.get(event, set()) for event in events),
        SCOPES_OF_SLASH_COMMANDS,
    )
    asked = load_manifest()["oauth_config"]["scopes"]["bot"]
    assert len(asked) == len(set(asked))
    assert set(asked) == needed, {"unused": set(asked) - needed, "missing": needed - set(asked)}


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


async def test_the_bot_handles_every_command_and_event_the_manifest_subscribes_to() -> None:
    """Bolt answers 404 to a request no listener takes; each the manifest sends must be taken."""
    manifest = load_manifest()
    async with World() as world:
        for command in manifest["features"]["slash_commands"]:
            ack = await world.slack.command("help", user_id="U0ZOE", command=command["command"])
            assert ack.status_code == 200, command["command"]
        samples: dict[str, dict[str, Any]] = {
            "app_mention": {"type": "app_mention", "user": "U0ZOE", "text": "<@U0CMBOT> help"},
            "message.im": {
                "type": "message",
                "channel_type": "im",
                "user": "U0ZOE",
                "text": "help",
                "channel": world.fake.dm_channel_id("U0ZOE"),
            },
            "app_home_opened": {"type": "app_home_opened", "user": "U0ZOE", "tab": "home"},
            "link_shared": {
                "type": "link_shared",
                "user": "U0ZOE",
                "message_ts": world.fake.next_ts(),
                "links": [{"domain": "app.clustermarket.com", "url": "https://x.test/"}],
            },
            "app_uninstalled": {"type": "app_uninstalled"},
            "tokens_revoked": {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": []}},
        }
        for name in manifest["settings"]["event_subscriptions"]["bot_events"]:
            event = {"channel": "C0LAB", "ts": world.fake.next_ts(), **samples[name]}
            answer = await world.slack.event(event)
            assert answer.status_code == 200, name
        await world.fake.wait_for(lambda: world.fake.home_views.get("U0ZOE"))
        unsubscribed = {"type": "reaction_added", "user": "U0ZOE", "reaction": "tada"}
        assert (await world.slack.event(unsubscribed)).status_code == 404  # the check bites
