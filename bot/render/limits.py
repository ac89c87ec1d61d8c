"""Slack's Block Kit limits, and clipping helpers that keep every text within them.

Lengths are measured in UTF-16 code units, the stricter of the ways Slack may count: an emoji
outside the Basic Multilingual Plane counts twice, so a clipped text is within the limit
however Slack counts it. Clipping ends with "…" and never cuts a mrkdwn link or entity in half.
"""

from __future__ import annotations

from collections.abc import Sequence

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_CONTEXT_TEXT = 2000  # Slack documents no figure for context text; stay well inside
MAX_ACTIONS_ELEMENTS = 25
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_URL = 3000
MAX_ACTION_ID = 255
MAX_BLOCK_ID = 255
MAX_CONFIRM_TITLE = 100
MAX_CONFIRM_TEXT = 300
MAX_CONFIRM_BUTTON = 30
MAX_FALLBACK_TEXT = 3000  # the notification text; Slack truncates at 40,000, nobody reads that

ELLIPSIS = "…"


def text_length(text: str) -> int:
    """The length as UTF-16 code units (astral characters such as most emoji count twice)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` units, ending with "…" when cut (plain text)."""
    if limit < 1:
        return ""
    if len(text) <= limit // 2 or (len(text) <= limit and text_length(text) <= limit):
        return text
    budget = limit - len(ELLIPSIS)
    kept: list[str] = []
    used = 0
    for char in text:
        width = 2 if ord(char) > 0xFFFF else 1
        if used + width > budget:
            break
        kept.append(char)
        used += width
    return "".join(kept).rstrip() + ELLIPSIS


def clip_mrkdwn(text: str, limit: int) -> str:
    """Like `clip`, but a cut never leaves half a `<link|label>` or `&amp;` entity behind."""
    clipped = clip(text, limit)
    if clipped == text or not clipped.endswith(ELLIPSIS):
        return clipped
    body = clipped[: -len(ELLIPSIS)]
    opened = body.rfind("<")
    if opened > body.rfind(">"):
        body = body[:opened]
    ampersand = body.rfind("&")
    if ampersand >= 0 and ";" not in body[ampersand:] and len(body) - ampersand <= 5:
        body = body[:ampersand]
    return body.rstrip() + ELLIPSIS


def clip_lines(lines: Sequence[str], limit: int, *, more: str = "…and {n} more") -> str:
    """Whole lines joined by newlines while they fit in `limit`, then a "…and N more" line.

    `more` is formatted with `n`, the number of lines left out. A first line too long to fit
    on its own is clipped rather than dropped, so the result is never empty when lines exist.
    """
    reserve = text_length(more.format(n=len(lines))) + 1  # room for the "more" line
    kept: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        last = index == len(lines) - 1
        cost = text_length(line) + (1 if kept else 0)
        if used + cost + (0 if last else reserve) <= limit:
            kept.append(line)
            used += cost
            continue
        if kept:
            dropped = len(lines) - index
        else:
            room = limit - (0 if last else reserve)
            kept.append(clip_mrkdwn(line, max(room, 1)))
            dropped = len(lines) - 1
        if dropped:
            kept.append(more.format(n=dropped))
        return clip_mrkdwn("\n".join(kept), limit)
    return "\n".join(kept)
