"""Block Kit building blocks as plain dicts, each clipped to Slack's limits as it is built.

Every renderer builds its blocks through these, so no text, field, button or list can exceed
what Slack accepts, whatever the data: the limits hold by construction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from bot.render.limits import (
    MAX_ACTION_ID,
    MAX_ACTIONS_ELEMENTS,
    MAX_BLOCK_ID,
    MAX_BUTTON_TEXT,
    MAX_BUTTON_VALUE,
    MAX_CONFIRM_BUTTON,
    MAX_CONFIRM_TEXT,
    MAX_CONFIRM_TITLE,
    MAX_CONTEXT_ELEMENTS,
    MAX_CONTEXT_TEXT,
    MAX_FIELD_TEXT,
    MAX_FIELDS,
    MAX_HEADER_TEXT,
    MAX_SECTION_TEXT,
    MAX_URL,
    clip,
    clip_mrkdwn,
)

Block = dict[str, Any]
Style = Literal["primary", "danger"]
_BLANK = "—"


def _filled(text: str) -> str:
    """Slack refuses empty texts; a dash stands in for nothing."""
    return text if text.strip() else _BLANK


def plain(text: str, limit: int = MAX_SECTION_TEXT) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(_filled(text), limit), "emoji": True}


def mrkdwn(text: str, limit: int = MAX_SECTION_TEXT) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": clip_mrkdwn(_filled(text), limit)}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(" ".join(text.split()), MAX_HEADER_TEXT)}


def section(text: str, *, accessory: dict[str, Any] | None = None) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if accessory is not None:
        block["accessory"] = accessory
    return block


def fields(pairs: Sequence[tuple[str, str | None]]) -> list[Block]:
    """Label/value facts as section fields, ten to a block; pairs without a value are left out
    (a reply never shows "None")."""
    items = [
        mrkdwn(f"*{label}*\n{value}", MAX_FIELD_TEXT)
        for label, value in pairs
        if value is not None and value.strip()
    ]
    return [
        {"type": "section", "fields": items[start : start + MAX_FIELDS]}
        for start in range(0, len(items), MAX_FIELDS)
    ]


def context(*texts: str | None) -> Block:
    """Small grey secondary text; Nones and blanks are skipped, at most ten elements."""
    kept = [text for text in texts if text is not None and text.strip()]
    if not kept:
        kept = [_BLANK]
    if len(kept) > MAX_CONTEXT_ELEMENTS:
        kept = [*kept[: MAX_CONTEXT_ELEMENTS - 1], "  ·  ".join(kept[MAX_CONTEXT_ELEMENTS - 1 :])]
    return {"type": "context", "elements": [mrkdwn(text, MAX_CONTEXT_TEXT) for text in kept]}


def divider() -> Block:
    return {"type": "divider"}


def confirm_dialog(
    title: str, text: str, confirm: str, deny: str, *, style: Style | None = None
) -> dict[str, Any]:
    dialog: dict[str, Any] = {
        "title": plain(title, MAX_CONFIRM_TITLE),
        "text": plain(text, MAX_CONFIRM_TEXT),
        "confirm": plain(confirm, MAX_CONFIRM_BUTTON),
        "deny": plain(deny, MAX_CONFIRM_BUTTON),
    }
    if style is not None:
        dialog["style"] = style
    return dialog


def button(
    text: str,
    action_id: str,
    *,
    value: str | None = None,
    url: str | None = None,
    style: Style | None = None,
    confirm: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A button. A value or URL over Slack's limit is a programming error, not data to clip:
    clipping either would make the button do something else, so that raises ValueError."""
    if len(action_id) > MAX_ACTION_ID:
        raise ValueError("action_id is too long")
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(text, MAX_BUTTON_TEXT),
        "action_id": action_id,
    }
    if value is not None:
        if len(value) > MAX_BUTTON_VALUE:
            raise ValueError("button value is too long")
        element["value"] = value
    if url is not None:
        if len(url) > MAX_URL:
            raise ValueError("button URL is too long")
        element["url"] = url
    if style is not None:
        element["style"] = style
    if confirm is not None:
        element["confirm"] = confirm
    return element


def actions(elements: Sequence[dict[str, Any]], *, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements[:MAX_ACTIONS_ELEMENTS])}
    if block_id is not None:
        block["block_id"] = block_id[:MAX_BLOCK_ID]
    return block
