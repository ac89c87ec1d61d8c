"""Asking the bot as a Slack user would, and reading its replies."""

from __future__ import annotations

import json
from typing import Any

from bot.demo.world import PEOPLE, Person, World
from bot.fake_slack import Message

ZOE, MARGARET, JOSE, EMILY = PEOPLE


async def ask(
    world: World, text: str, person: Person = ZOE, channel: str = "C0LAB"
) -> dict[str, Any]:
    """Send `/cm text` and return what the bot posted to the response URL."""
    before = len(world.fake.responses)
    ack = await world.slack.command(text, user_id=person.user_id, channel_id=channel)
    assert ack.status_code == 200
    assert ack.text == ""  # acknowledged at once; the answer follows through response_url
    return await world.fake.wait_for(
        lambda: world.fake.responses[before].body if len(world.fake.responses) > before else None
    )


async def click(
    world: World, reply: dict[str, Any], action_id: str, person: Person = ZOE
) -> dict[str, Any]:
    """Press the button `action_id` (or the first one starting with it) in `reply`."""
    button = find_button(reply, action_id)
    before = len(world.fake.responses)
    answer = await world.slack.action(
        button["action_id"],
        button.get("value", ""),
        user_id=person.user_id,
        message={"blocks": reply.get("blocks", [])},
    )
    assert answer.status_code == 200
    return await world.fake.wait_for(
        lambda: world.fake.responses[before].body if len(world.fake.responses) > before else None
    )


def find_button(reply: dict[str, Any], action_id: str) -> dict[str, Any]:
    for block in reply.get("blocks", []):
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if isinstance(element, dict) and str(element.get("action_id", "")).startswith(
                action_id
            ):
                return element
    raise AssertionError(f"no {action_id} button in {json.dumps(reply)[:500]}")


def words(reply: dict[str, Any]) -> str:
    """Every piece of text in a reply, for assertions that read like the message."""
    found: list[str] = [str(reply.get("text", ""))]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(reply.get("blocks", []))
    return "\n".join(found)


def bot_replies(world: World, channel: str, thread_ts: str) -> list[Message]:
    """The bot's messages in a thread (answers to a mention or DM)."""
    return [
        message
        for message in world.fake.messages_in(channel)
        if message.bot_id and message.thread_ts == thread_ts
    ]


def dm_replies(world: World, channel: str, after_ts: str) -> list[Message]:
    """The bot's messages in a DM, in the DM itself (not a thread), after the message at
    `after_ts`: a DM reads like a chat."""
    messages = world.fake.messages_in(channel)
    asked = next(index for index, message in enumerate(messages) if message.ts == after_ts)
    return [
        message for message in messages[asked + 1 :] if message.bot_id and message.thread_ts is None
    ]
