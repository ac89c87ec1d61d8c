"""`chat.unfurl` as Slack answers it, for the fake: the unfurls a message's links got.

Slack takes an unfurl for a message (`channel` and `ts`) or for a link still in the composer
(`unfurl_id` and `source`), each URL's blocks checked as a message's are; the fake records
what the bot sent so a test can read what a person would see under their link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.fake_slack.blocks import MAX_MESSAGE_BLOCKS, block_errors


class UnfurlRefused(Exception):
    """Slack's error name for an unfurl it would not take."""

    def __init__(self, error: str, messages: list[str] | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.messages = messages or []


@dataclass
class Unfurl:
    """One link's unfurl: where its message is, and the blocks shown under it."""

    channel: str | None
    ts: str | None
    url: str
    blocks: list[Any]


@dataclass
class Unfurls:
    """What `chat.unfurl` was sent; `has_message(channel, ts)` tells whether a ts exists."""

    has_message: Callable[[str, str], bool]
    made: list[Unfurl] = field(default_factory=list)

    def handle(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = args.get("channel"), args.get("ts")
        by_message = isinstance(channel, str) and isinstance(ts, str)
        by_composer = isinstance(args.get("unfurl_id"), str) and isinstance(args.get("source"), str)
        if not by_message and not by_composer:
            raise UnfurlRefused("invalid_arguments", ["channel and ts, or unfurl_id and source"])
        if by_message and not self.has_message(str(channel), str(ts)):
            raise UnfurlRefused("cannot_unfurl_message")
        unfurls = args.get("unfurls")
        if not isinstance(unfurls, dict) or not unfurls:
            raise UnfurlRefused("invalid_unfurls_format")
        for url, unfurl in unfurls.items():
            blocks = unfurl.get("blocks") if isinstance(unfurl, dict) else None
            if not isinstance(blocks, list):
                raise UnfurlRefused("invalid_unfurls_format")
            errors = block_errors(blocks, most=MAX_MESSAGE_BLOCKS, pointer=f"/unfurls/{url}")
            if errors:
                raise UnfurlRefused("invalid_unfurls", errors)
            self.made.append(Unfurl(channel if by_message else None, ts, str(url), blocks))
        return {}
