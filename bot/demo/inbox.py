"""What the stand-in Slack showed one person since a moment: new messages they can see,
response-URL posts that replaced or deleted a message, Home tab publishes; and when the bot's
answer is whole (Slack and Clustermarket quiet a moment)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.demo.world import World
from bot.fake_slack import Message

SETTLE_LIMIT = 5.0
POLL = 0.01


@dataclass(frozen=True)
class Mark:
    """The fake Slack's state before an input, to tell what the input caused."""

    seen: frozenset[tuple[str, str]]
    responses: int
    publishes: int


def is_set(value: object) -> bool:
    """A Slack flag, sent as a JSON true or as a string."""
    return value is True or (isinstance(value, str) and value.lower() in ("true", "1"))


class Inbox:
    def __init__(self, world: World, *, reply_timeout: float, quiet: float) -> None:
        self.world = world
        self.reply_timeout = reply_timeout
        self.quiet = quiet

    def publishes(self, user_id: str) -> int:
        return sum(
            1
            for call in self.world.fake.calls_to("views.publish")
            if call.args.get("user_id") == user_id
        )

    def mark(self, user_id: str) -> Mark:
        seen = frozenset((m.channel, m.ts) for m in self.world.fake.seen_by(user_id))
        return Mark(seen, len(self.world.fake.responses), self.publishes(user_id))

    def new_messages(self, user_id: str, mark: Mark) -> list[Message]:
        return [
            message
            for message in self.world.fake.seen_by(user_id)
            if message.bot_id and (message.channel, message.ts) not in mark.seen
        ]

    def edits(self, mark: Mark) -> list[dict[str, Any]]:
        """Response-URL posts that replaced or deleted the clicked message."""
        bodies = [post.body for post in self.world.fake.responses[mark.responses :]]
        return [
            body
            for body in bodies
            if is_set(body.get("replace_original")) or is_set(body.get("delete_original"))
        ]

    def news(self, user_id: str, mark: Mark, *, home: bool) -> bool:
        if home and self.publishes(user_id) > mark.publishes:
            return True
        return bool(self.new_messages(user_id, mark) or self.edits(mark))

    async def wait(self, ready: Callable[[], bool]) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.reply_timeout
        while not ready():
            if loop.time() >= deadline:
                return False
            await asyncio.sleep(POLL)
        return True

    def _activity(self) -> tuple[int, ...]:
        fake, stats = self.world.fake, self.world.sandbox.stats
        return len(fake.calls), len(fake.responses), stats.total(), stats.in_flight

    async def settle(self) -> None:
        """Wait until Slack and Clustermarket have been quiet a moment: the answer is whole."""
        loop = asyncio.get_running_loop()
        start = quiet_since = loop.time()
        last = self._activity()
        while loop.time() - start < SETTLE_LIMIT:
            await asyncio.sleep(POLL)
            now, current = loop.time(), self._activity()
            if current != last or current[-1]:
                last, quiet_since = current, now
            elif now - quiet_since >= self.quiet:
                return

    def where(self, message: Message) -> str:
        """'#lab · in thread · only visible to you', 'direct message'."""
        if message.channel.startswith("D"):
            parts = ["direct message"]
        else:
            parts = ["#" + self.world.fake.channel_name(message.channel)]
        if message.thread_ts and message.thread_ts != message.ts:
            parts.append("in thread")
        if message.ephemeral_for:
            parts.append("only visible to you")
        return " · ".join(parts)
