"""What a log line is about: the Slack request being handled, carried in `contextvars`.

A Slack request enters in two places (the HTTP route and the Socket Mode handler); each wraps
its dispatch in `slack_request(body)`, which names the request (a fresh id, the team, the
kind) for every line logged while it is handled, including by the tasks Bolt starts for it
(asyncio copies the context into them), and records the acknowledgement and its latency.
Only identifiers are taken from the body, never text, and only when they look like Slack's.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from bot.observability.metrics import record_ack

logger = logging.getLogger("bot.slack")

_SLACK_ID = re.compile(r"[A-Z][A-Z0-9]{1,31}")
_INTERACTIONS = {
    "block_actions": "action",
    "interactive_message": "action",
    "view_submission": "view",
    "view_closed": "view",
    "block_suggestion": "options",
    "shortcut": "shortcut",
    "message_action": "shortcut",
}


@dataclass
class RequestContext:
    """The request a log line belongs to; `team` is None when the body names none.

    The code that dispatches it sets `status` to what the bot answered: only a 2xx is an
    acknowledgement (Bolt answers 401 to a bad signature, 404 to a request nothing handles).
    """

    request_id: str
    kind: str
    team: str | None
    status: int = 200


_current: ContextVar[RequestContext | None] = ContextVar("cmbot_slack_request", default=None)


def current_request() -> RequestContext | None:
    """The Slack request being handled in this task, if any."""
    return _current.get()


def request_kind(body: Mapping[str, object]) -> str:
    """A small fixed set of kinds (they label metrics): command, event, action, view, …"""
    if "command" in body:
        return "command"
    kind = body.get("type")
    if kind == "event_callback":
        return "event"
    if isinstance(kind, str):
        return _INTERACTIONS.get(kind, "other")
    return "other"


def request_team(body: Mapping[str, object]) -> str | None:
    """The Slack team id of a command, event or interaction, when it looks like one."""
    team = body.get("team_id")
    if team is None:
        nested = body.get("team")
        team = nested.get("id") if isinstance(nested, Mapping) else nested
    return team if isinstance(team, str) and _SLACK_ID.fullmatch(team) else None


@contextmanager
def slack_request(body: Mapping[str, object]) -> Iterator[RequestContext]:
    """Name the request for the logs while it is dispatched; count and time its ack."""
    context = RequestContext(uuid.uuid4().hex[:12], request_kind(body), request_team(body))
    token = _current.set(context)
    started = time.perf_counter()
    try:
        yield context
        seconds = time.perf_counter() - started
        latency = {"latency_ms": round(seconds * 1000, 1)}
        if 200 <= context.status < 300:
            record_ack(context.kind, seconds)
            logger.info("acked %s in %.0f ms", context.kind, seconds * 1000, extra=latency)
        else:
            logger.info("refused %s: HTTP %d", context.kind, context.status, extra=latency)
    finally:
        _current.reset(token)
