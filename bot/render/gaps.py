"""Saying plainly what an answer could not see: records Clustermarket sent that could not be
read, or a list too long to read in full.

The note goes into the answer's first context line (no block is added, so Slack's limits still
hold) and into the fallback text, so a notification says it too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.render import kit
from bot.render.limits import (
    MAX_CONTEXT_ELEMENTS,
    MAX_CONTEXT_TEXT,
    MAX_FALLBACK_TEXT,
    MAX_MESSAGE_BLOCKS,
    clip_mrkdwn,
)
from bot.render.reply import Reply
from bot.render.text import escape, one_line, plural


@dataclass(frozen=True)
class Gaps:
    """What an answer may be missing: `unread` records (of `noun`, "of the NanoDrop One"),
    and whether the list was cut at the page ceiling."""

    unread: int = 0
    noun: str = "booking"
    of: str | None = None
    partial: bool = False

    def __bool__(self) -> bool:
        return self.unread > 0 or self.partial

    def sentence(self) -> str:
        parts: list[str] = []
        if self.unread:
            what = plural(self.unread, self.noun) + (f" of {one_line(self.of)}" if self.of else "")
            parts.append(f"{what} could not be read")
        if self.partial:
            parts.append("the list was too long to read in full")
        text = "; ".join(parts)
        return f"{text[:1].upper()}{text[1:]}, so this may be incomplete."


def note_gaps(reply: Reply, *gaps: Gaps) -> Reply:
    """`reply` with a ⚠️ line saying what it may be missing (unchanged when nothing is)."""
    said = [gap.sentence() for gap in gaps if gap]
    if not said:
        return reply
    line = "⚠️ " + " ".join(said)
    blocks = list(reply.blocks)
    second = blocks[1] if len(blocks) > 1 else None
    if (
        second is not None
        and second.get("type") == "context"
        and len(second.get("elements", [])) < MAX_CONTEXT_ELEMENTS
    ):
        blocks[1] = {
            **second,
            "elements": [*second["elements"], kit.mrkdwn(escape(line), MAX_CONTEXT_TEXT)],
        }
    else:
        note = kit.context(escape(line))
        blocks = [*blocks[:1], note, *blocks[1:]]
        if len(blocks) > MAX_MESSAGE_BLOCKS:
            del blocks[-2]  # the last body block goes; the footer stays
    text = clip_mrkdwn(f"{reply.text} {escape(line)}", MAX_FALLBACK_TEXT)  # reply.text: escaped
    return replace(reply, text=text, blocks=blocks)
