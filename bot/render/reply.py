"""A reply (fallback text and blocks), who it is for, and the footer every answer shares.

A private (ephemeral) answer ends with "Share in channel" and, when it is one page of a longer
list, "More" and "Showing 1–20 of 57". The channel version has no buttons and none of the
personal details (emails, notes, costs): renderers leave those out for `audience="channel"`,
and `finish` redacts any email address that came in with free text such as a description.
It ends with a context line (block id `SHARED_BY_BLOCK_ID`) that `shared_by` fills with who
shared it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from bot.questions.codec import MAX_PAGE, encode_intent
from bot.questions.commands import DEFAULT_COMMAND, Intent
from bot.render import kit
from bot.render.actions import MORE, SHARE
from bot.render.limits import (
    MAX_FALLBACK_TEXT,
    MAX_MESSAGE_BLOCKS,
    clip_mrkdwn,
    text_length,
)
from bot.render.text import escape, redact_emails
from bot.render.weblinks import WebLinks

Audience = Literal["private", "channel"]
SHARED_BY_BLOCK_ID = "cm_shared_by"
_SLACK_ID = re.compile(r"[A-Z0-9]{2,32}")


@dataclass(frozen=True)
class Reply:
    """What to post: `text` for notifications and screen readers, `blocks` for the layout.

    `shareable` marks a real answer; prompts, questions back and errors stay with the asker.
    `failure` marks an error reply: it reads the same whoever it is shown to.
    """

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    shareable: bool = False
    failure: bool = False


@dataclass(frozen=True)
class RenderContext:
    """How an answer is shown: to whom, for which question (for Share and More) and when.

    `intent` and `page` are what the Share and More buttons ask again; without an intent an
    answer has no buttons. `now` decides "today" and whether a date needs its year.
    `offer_share` is False where there is no channel to share in (a DM with the bot): no Share.
    `links` point bookings and equipment at the Clustermarket web app (None: no links).
    """

    command: str = DEFAULT_COMMAND
    audience: Audience = "private"
    intent: Intent | None = None
    page: int = 0
    now: dt.datetime | None = None
    offer_share: bool = True
    links: WebLinks | None = None

    @property
    def private(self) -> bool:
        return self.audience == "private"

    def today_in(self, tz: dt.tzinfo) -> dt.date | None:
        return None if self.now is None else self.now.astimezone(tz).date()


@dataclass(frozen=True)
class Paging:
    """Which items of a longer list this reply shows (1-based, inclusive) and whether more
    follow."""

    first: int
    last: int
    total: int
    has_more: bool

    def text(self) -> str:
        if self.last < self.first or (self.first <= 1 and self.last >= self.total):
            return ""
        return f"Showing {self.first}–{self.last} of {self.total}"


def finish(
    ctx: RenderContext,
    text: str,
    blocks: list[dict[str, Any]],
    *,
    paging: Paging | None = None,
    share: bool = True,
    buttons: Sequence[dict[str, Any]] = (),
) -> Reply:
    """The reply with its footer: paging line, then `buttons`, Share and More (private) or the
    shared-by line (channel); never more than 50 blocks, emails redacted for a channel."""
    footer: list[dict[str, Any]] = []
    if paging is not None and paging.text():
        footer.append(kit.context(paging.text()))
    if ctx.private:
        row = list(buttons)
        if ctx.intent is not None and share and ctx.offer_share:
            value = encode_intent(ctx.intent, min(max(ctx.page, 0), MAX_PAGE))
            row.append(kit.button("Share in channel", SHARE, value=value))
        if ctx.intent is not None and paging is not None and paging.has_more:
            next_page = min(max(ctx.page, 0) + 1, MAX_PAGE)
            row.append(
                kit.button(
                    "More", MORE, value=encode_intent(ctx.intent, next_page), style="primary"
                )
            )
        if row:
            footer.append(kit.actions(row))
    else:
        footer.append(shared_line("Shared from Clustermarket"))
    room = MAX_MESSAGE_BLOCKS - len(footer)
    body = blocks if len(blocks) <= room else [*blocks[: room - 1], kit.context("…")]
    reply = Reply(
        text=fallback_text(text),
        blocks=body + footer,
        shareable=share and ctx.intent is not None,
    )
    return reply if ctx.private else _redacted(reply)


def fallback_text(text: str) -> str:
    """The notification text every reply carries beside its blocks, from plain `text`.

    Slack reads it as mrkdwn and shows it in notifications, so what a user or Clustermarket
    wrote (`<!channel>`, `<@U…>`, `&<>`) is escaped here, the one place fallback text is
    made; one line, clipped without cutting an entity in half.
    """
    return clip_mrkdwn(escape(" ".join(text.split())), MAX_FALLBACK_TEXT)


def simple(ctx: RenderContext, text: str, blocks: list[dict[str, Any]]) -> Reply:
    """A reply with no Share or More buttons (help, errors, prompts)."""
    return finish(replace(ctx, intent=None), text, blocks, share=False)


def shared_line(text: str) -> dict[str, Any]:
    block = kit.context(text)
    block["block_id"] = SHARED_BY_BLOCK_ID
    return block


def shared_by(reply: Reply, user_id: str, *, how: str = "Shared") -> Reply:
    """The channel version with its last line saying whose it is ("Shared by @Zoë", or
    "Asked by @Zoë" for a question answered in a thread).

    `user_id` is a Slack user id (U…/W…); anything else fills in no mention.
    """
    who = f"<@{user_id}>" if _SLACK_ID.fullmatch(user_id) else "someone"
    line = shared_line(f"{how} by {who} · from Clustermarket")
    blocks = [
        line if block.get("block_id") == SHARED_BY_BLOCK_ID else block for block in reply.blocks
    ]
    if not any(block.get("block_id") == SHARED_BY_BLOCK_ID for block in reply.blocks):
        blocks = [*blocks[: MAX_MESSAGE_BLOCKS - 1], line]
    return replace(reply, blocks=blocks)


def _redact_text(text: str) -> str:
    """Emails out; a text that grew is clipped back to its old length, so limits still hold."""
    redacted = redact_emails(text)
    if text_length(redacted) > text_length(text):
        redacted = clip_mrkdwn(redacted, text_length(text))
    return redacted


def _redacted(reply: Reply) -> Reply:
    return replace(
        reply, text=_redact_text(reply.text), blocks=[_redact(block) for block in reply.blocks]
    )


def _redact(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: _redact_text(item) if key == "text" and isinstance(item, str) else _redact(item)
            for key, item in node.items()
        }
    if isinstance(node, list):
        return [_redact(item) for item in node]
    return node
