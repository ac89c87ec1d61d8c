"""Block Kit checks the fake applies, so a layout Slack would refuse fails in tests too.

Only limits Slack documents and enforces are checked (lengths, counts, required fields,
unique block ids); block and element types the fake does not know pass untouched, so the
checks never reject something real Slack would accept. Each problem is reported the way
Slack words it in `response_metadata.messages`: `[ERROR] <what> [json-pointer:<where>]`.
"""

from __future__ import annotations

from typing import Any

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100

_TEXT_TYPES = frozenset({"plain_text", "mrkdwn"})
_BUTTON_STYLES = frozenset({"primary", "danger"})


def _error(problem: str, pointer: str) -> str:
    return f"[ERROR] {problem} [json-pointer:{pointer}]"


def text_errors(
    value: object, pointer: str, *, max_length: int, plain_only: bool = False
) -> list[str]:
    """A composition text object: a known type and 1..max_length characters of text."""
    if not isinstance(value, dict):
        return [_error("must be a text object", pointer)]
    kind = value.get("type")
    allowed = {"plain_text"} if plain_only else _TEXT_TYPES
    if kind not in allowed:
        return [_error(f"must be one of {sorted(allowed)}", pointer + "/type")]
    text = value.get("text")
    if not isinstance(text, str) or not text:
        return [_error("must be more than 0 characters", pointer + "/text")]
    if len(text) > max_length:
        return [_error(f"must be less than {max_length + 1} characters", pointer + "/text")]
    return []


def _length_error(value: object, pointer: str, max_length: int) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, str):
        return [_error("must be a string", pointer)]
    if len(value) > max_length:
        return [_error(f"must be less than {max_length + 1} characters", pointer)]
    return []


def _option_errors(options: object, pointer: str, *, most: int, fewest: int = 1) -> list[str]:
    if not isinstance(options, list) or not fewest <= len(options) <= most:
        return [_error(f"must provide between {fewest} and {most} items", pointer)]
    errors: list[str] = []
    for index, option in enumerate(options):
        where = f"{pointer}/{index}"
        if not isinstance(option, dict):
            errors.append(_error("must be an option object", where))
            continue
        errors += text_errors(option.get("text"), where + "/text", max_length=75)
        value = option.get("value")
        if not isinstance(value, str) or not value:
            errors.append(_error("must be more than 0 characters", where + "/value"))
        else:
            errors += _length_error(value, where + "/value", 150)
    return errors


def element_errors(element: object, pointer: str) -> list[str]:
    """An interactive element: buttons and selects in full, others by action_id only."""
    if not isinstance(element, dict) or not isinstance(element.get("type"), str):
        return [_error("must be an element object with a type", pointer)]
    errors = _length_error(element.get("action_id"), pointer + "/action_id", 255)
    kind = element["type"]
    if kind == "button":
        errors += text_errors(element.get("text"), pointer + "/text", max_length=75)
        errors += _length_error(element.get("value"), pointer + "/value", 2000)
        errors += _length_error(element.get("url"), pointer + "/url", 3000)
        style = element.get("style")
        if style is not None and style not in _BUTTON_STYLES:
            errors.append(_error("must be primary or danger", pointer + "/style"))
    elif kind == "static_select":
        if "placeholder" in element:
            errors += text_errors(
                element["placeholder"], pointer + "/placeholder", max_length=150, plain_only=True
            )
        if "option_groups" not in element:
            errors += _option_errors(element.get("options"), pointer + "/options", most=100)
    elif kind == "overflow":
        errors += _option_errors(element.get("options"), pointer + "/options", most=5, fewest=1)
    return errors


def _section_errors(block: dict[str, Any], pointer: str) -> list[str]:
    errors: list[str] = []
    if "text" not in block and "fields" not in block:
        errors.append(_error("must provide either text or fields", pointer))
    if "text" in block:
        errors += text_errors(block["text"], pointer + "/text", max_length=3000)
    if "fields" in block:
        fields = block["fields"]
        if not isinstance(fields, list) or not 1 <= len(fields) <= 10:
            errors.append(_error("must provide between 1 and 10 items", pointer + "/fields"))
        else:
            for index, field in enumerate(fields):
                errors += text_errors(field, f"{pointer}/fields/{index}", max_length=2000)
    if "accessory" in block:
        errors += element_errors(block["accessory"], pointer + "/accessory")
    return errors


def _block_errors(block: dict[str, Any], pointer: str) -> list[str]:
    kind = block["type"]
    if kind == "section":
        return _section_errors(block, pointer)
    if kind == "header":
        return text_errors(block.get("text"), pointer + "/text", max_length=150, plain_only=True)
    if kind == "actions":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 1 <= len(elements) <= 25:
            return [_error("must provide between 1 and 25 items", pointer + "/elements")]
        errors: list[str] = []
        for index, element in enumerate(elements):
            errors += element_errors(element, f"{pointer}/elements/{index}")
        return errors
    if kind == "context":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 1 <= len(elements) <= 10:
            return [_error("must provide between 1 and 10 items", pointer + "/elements")]
        errors = []
        for index, element in enumerate(elements):
            if isinstance(element, dict) and element.get("type") in _TEXT_TYPES:
                errors += text_errors(element, f"{pointer}/elements/{index}", max_length=3000)
        return errors
    if kind == "image":
        return _length_error(block.get("alt_text"), pointer + "/alt_text", 2000) + (
            [] if "alt_text" in block else [_error("missing required field: alt_text", pointer)]
        )
    if kind == "input":
        errors = text_errors(block.get("label"), pointer + "/label", max_length=2000)
        if "element" not in block:
            errors.append(_error("missing required field: element", pointer))
        else:
            errors += element_errors(block["element"], pointer + "/element")
        return errors
    return []


def block_errors(blocks: object, *, most: int, pointer: str = "/blocks") -> list[str]:
    """Everything Slack would reject in a `blocks` array (empty list when it is fine)."""
    if not isinstance(blocks, list):
        return [_error("must be an array", pointer)]
    if len(blocks) > most:
        return [_error(f"must provide no more than {most} items", pointer)]
    errors: list[str] = []
    seen_ids: set[str] = set()
    for index, block in enumerate(blocks):
        where = f"{pointer}/{index}"
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            errors.append(_error("must be a block object with a type", where))
            continue
        block_id = block.get("block_id")
        if block_id is not None:
            errors += _length_error(block_id, where + "/block_id", 255)
            if isinstance(block_id, str):
                if block_id in seen_ids:
                    errors.append(_error(f"duplicate block_id {block_id!r}", where + "/block_id"))
                seen_ids.add(block_id)
        errors += _block_errors(block, where)
    return errors


def view_errors(view: object, *, kind: str) -> list[str]:
    """What Slack would reject in a `view` of the given type (`home` or `modal`)."""
    if not isinstance(view, dict):
        return [_error("must be a view object", "/view")]
    if view.get("type") != kind:
        return [_error(f"must be a {kind} view", "/view/type")]
    errors = block_errors(view.get("blocks"), most=MAX_VIEW_BLOCKS, pointer="/view/blocks")
    errors += _length_error(view.get("private_metadata"), "/view/private_metadata", 3000)
    errors += _length_error(view.get("callback_id"), "/view/callback_id", 255)
    errors += _length_error(view.get("external_id"), "/view/external_id", 255)
    if kind == "modal":
        errors += text_errors(view.get("title"), "/view/title", max_length=24, plain_only=True)
        for name in ("submit", "close"):
            if name in view:
                errors += text_errors(view[name], f"/view/{name}", max_length=24, plain_only=True)
    return errors
