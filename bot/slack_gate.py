"""The door of `POST /slack/events`: Slack's signature on the raw bytes, then the body's shape.

Nothing reaches Bolt, which parses bodies and logs what it cannot handle, until the
signature over the exact bytes is valid and fresh, and the body is what Slack sends: UTF-8, a
form or JSON that parses to an object, every string valid Unicode. Anything else is refused
with 401 (not from Slack) or 400 (from Slack, but not a shape Slack sends), never a 500, and
the refusal's reason names no byte of the body.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt.request import payload_utils
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier

SIGNATURE_HEADER = "X-Slack-Signature"
TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"


@dataclass(frozen=True)
class Refusal:
    """Why a request is turned away: the HTTP status and a short reason safe to log."""

    status: int
    reason: str


def unsigned(verifier: SignatureVerifier, text: str, headers: Mapping[str, str]) -> Refusal | None:
    """A 401 unless the body carries Slack's signature, made within the last five minutes.

    slack-sdk's verifier compares in constant time and refuses stale or future timestamps.
    """
    timestamp = headers.get(TIMESTAMP_HEADER)
    signature = headers.get(SIGNATURE_HEADER)
    if not timestamp or not signature:
        return Refusal(401, "no Slack signature")
    if not timestamp.isdigit() or not verifier.is_valid(text, timestamp, signature):
        return Refusal(401, "bad or stale Slack signature")
    return None


def malformed(text: str, headers: Mapping[str, str]) -> Refusal | None:
    """A 400 unless the (signed) body parses, as Bolt will parse it, to a JSON-safe object."""
    content_type = (headers.get("Content-Type") or "").split(";")[0] or None
    try:
        parsed: Any = parse_body(text, content_type)
    except (ValueError, RecursionError):  # json.JSONDecodeError is a ValueError
        return Refusal(400, "body is not JSON or a form Slack sends")
    if not isinstance(parsed, dict) or not parsed:
        return Refusal(400, "body is not an object")
    try:
        json.dumps(parsed, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, ValueError):
        return Refusal(400, "body holds text that is not valid Unicode")
    return None


def refused(verifier: SignatureVerifier, body: bytes, headers: Mapping[str, str]) -> Refusal | None:
    """Why this request may not reach Bolt; the signature is checked before the body is parsed.

    Slack signs UTF-8 text (and slack-sdk verifies text), so bytes that are not UTF-8 are
    refused first, as malformed, whoever signed them.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return Refusal(400, "body is not UTF-8")
    return unsigned(verifier, text, headers) or malformed(text, headers)


_BOLT_READERS = (
    payload_utils.to_options,
    payload_utils.to_shortcut,
    payload_utils.to_action,
    payload_utils.to_view,
    payload_utils.to_command,
    payload_utils.to_event,
    payload_utils.to_message,
    payload_utils.to_step,
)
"""What Bolt reads from every payload before any listener runs (its kwargs injection); each
trusts the shape it expects (`body["view"]["type"]`), so one that fails means a 400."""


def bolt_request(body: bytes, query: str, headers: Mapping[str, str]) -> AsyncBoltRequest | Refusal:
    """The request as Bolt takes it, or a 400 when Bolt could not read this (signed) payload.

    Only for a body that `refused` let through: Bolt builds its context from the body and
    reads the payload in the shapes the docs give, raising on others.
    """
    try:
        request = AsyncBoltRequest(body=body.decode("utf-8"), query=query, headers={**headers})
        for read in _BOLT_READERS:
            read(request.body)
    except Exception:  # any way Bolt chokes on a payload is the same 400
        return Refusal(400, "a payload Bolt cannot read")
    return request
