"""Slack's requests, bent: hypothesis strategies for signed payloads Slack would never send.

Every kind the bot takes (slash commands, events, block actions) and one it does not (view
submissions) starts from a realistic payload, then loses keys, gets the wrong types, huge
and odd unicode fields. The fuzz test and `bench/fuzz.py` sign and send these to a running
bot and count 500s and tracebacks. Only tests and benches import this module: it needs
hypothesis, a development dependency.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from hypothesis import strategies as st

from bot.fake_slack.requester import sign

MARKER = "fuzz-body-marker"
"""In every payload's text fields, so a test can tell when a body reached the log."""

ODD = (
    "<!channel>",
    "<!here|here>",
    "<@U0ZOE>",
    "&amp;<b>&lt;",
    "\u202eevil\u202c",
    "\u200b\u200d\ufeff",
    "\x00\x07\x1b[31m",
    "Zoë Ångström 🧪🔬",
    "\ud800",
    "\U0010ffff",
    "' OR 1=1 --",
    "%s%n{0}",
    "\n\n\n",
    "",
    " ",
)

ACTION_IDS = (
    "cm_share",
    "cm_more",
    "cm_choose:0",
    "cm_connect",
    "cm_disconnect",
    "cm_home_refresh",
    "cm_digest_on",
    "cm_digest_off",
    "cm_digest_include_empty",
    "cm_digest_skip_weekends",
    "cm_unknown",
)


@dataclass(frozen=True)
class Signed:
    """One request as it goes on the wire."""

    kind: str
    body: bytes
    headers: dict[str, str]


def odd_text() -> st.SearchStrategy[str]:
    """Short odd strings, long ordinary ones and huge repeated ones."""
    return st.one_of(
        st.sampled_from(ODD),
        st.text(max_size=40),
        st.builds(lambda piece, times: piece * times, st.sampled_from(ODD[:10]), st.integers(1, 3)),
        st.builds(
            lambda piece, times: piece * times,
            st.text(min_size=1, max_size=3),
            st.integers(2_000, 60_000),
        ),
    )


def json_values() -> st.SearchStrategy[Any]:
    """Any JSON value, odd ones more often than not."""
    leaves = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False),
        odd_text(),
    )
    return st.recursive(
        leaves,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=8,
    )


def _paths(node: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.append((*prefix, key))
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_paths(value, (*prefix, str(index))))
    return found


def _child(node: Any, key: str) -> Any:
    """The object or list under `key` (an index for a list), None when there is none."""
    if isinstance(node, dict):
        child = node.get(key)
    elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
        child = node[int(key)]
    else:
        return None
    return child if isinstance(child, dict | list) else None


def _apply(node: Any, path: tuple[str, ...], value: Any, delete: bool) -> None:
    """Delete or replace what is at `path`; a path an earlier change cut short is skipped."""
    *parents, last = path
    for key in parents:
        node = _child(node, key)
        if node is None:
            return
    if isinstance(node, dict):
        if delete:
            node.pop(last, None)
        else:
            node[last] = value
    elif isinstance(node, list) and last.isdigit() and int(last) < len(node):
        if delete:
            node.pop(int(last))
        else:
            node[int(last)] = value


@st.composite
def bent(
    draw: st.DrawFn, template: dict[str, Any], *, strings_only: bool = False
) -> dict[str, Any]:
    """`template` (copied) with a few keys deleted or given other values."""
    payload: dict[str, Any] = json.loads(json.dumps(template))
    paths = _paths(payload)
    chosen = draw(st.lists(st.sampled_from(paths), max_size=4, unique=True)) if paths else []
    for path in chosen:
        delete = draw(st.booleans())
        value = draw(odd_text() if strings_only else json_values())
        _apply(payload, path, value, delete)
    return payload


def _signed(kind: str, secret: str, body: bytes, content_type: str) -> Signed:
    timestamp = int(time.time())
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": sign(secret, timestamp, body),
    }
    return Signed(kind, body, headers)


@dataclass(frozen=True)
class Workspace:
    """The ids the payloads use: a fake Slack's team, bot, people and a response URL."""

    team_id: str
    bot_user_id: str
    users: tuple[str, ...]
    response_url: str
    channel: str = "C0LAB"


def _command(space: Workspace, user: str, text: str) -> dict[str, Any]:
    return {
        "token": "fake-verification-token",
        "team_id": space.team_id,
        "team_domain": "cmbot-lab",
        "channel_id": space.channel,
        "channel_name": "lab",
        "user_id": user,
        "user_name": "someone",
        "command": "/cm",
        "text": text,
        "api_app_id": "A0CMBOT",
        "is_enterprise_install": "false",
        "response_url": space.response_url,
        "trigger_id": "1.2.3",
    }


def _event(space: Workspace, event: dict[str, Any]) -> dict[str, Any]:
    return {
        "token": "fake-verification-token",
        "team_id": space.team_id,
        "api_app_id": "A0CMBOT",
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{time.time_ns()}",
        "event_time": int(time.time()),
        "authorizations": [
            {"team_id": space.team_id, "user_id": space.bot_user_id, "is_bot": True}
        ],
    }


def _events(space: Workspace, user: str, text: str) -> list[dict[str, Any]]:
    ts = f"{time.time():.6f}"
    return [
        _event(
            space,
            {
                "type": "app_mention",
                "user": user,
                "text": f"<@{space.bot_user_id}> {text}",
                "ts": ts,
                "channel": space.channel,
            },
        ),
        _event(
            space,
            {
                "type": "message",
                "channel_type": "im",
                "user": user,
                "text": text,
                "ts": ts,
                "channel": "D" + user[1:],
            },
        ),
        _event(
            space,
            {"type": "app_home_opened", "user": user, "tab": "home", "channel": "D" + user[1:]},
        ),
        _event(space, {"type": "reaction_added", "user": user, "reaction": "tada"}),
    ]


def _interaction(space: Workspace, user: str, kind: str, extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": kind,
        "user": {"id": user, "username": "someone", "team_id": space.team_id},
        "team": {"id": space.team_id, "domain": "cmbot-lab"},
        "api_app_id": "A0CMBOT",
        "token": "fake-verification-token",
        "trigger_id": "1.2.3",
        **extra,
    }


def _click(space: Workspace, user: str, action_id: str, value: str) -> dict[str, Any]:
    return _interaction(
        space,
        user,
        "block_actions",
        {
            "container": {"type": "message", "message_ts": "1.000001", "channel_id": space.channel},
            "channel": {"id": space.channel, "name": "lab"},
            "response_url": space.response_url,
            "actions": [
                {"action_id": action_id, "block_id": "b", "value": value, "type": "button"}
            ],
        },
    )


def _submission(space: Workspace, user: str, text: str) -> dict[str, Any]:
    view = {
        "id": "V1",
        "callback_id": "cm_modal",
        "private_metadata": text,
        "state": {"values": {"b": {"a": {"type": "plain_text_input", "value": text}}}},
    }
    return _interaction(space, user, "view_submission", {"view": view})


def requests(space: Workspace, secret: str) -> st.SearchStrategy[Signed]:
    """Signed requests of every kind, bent."""
    users = st.sampled_from(space.users)
    texts = st.one_of(
        st.sampled_from(("help", "me", "labs", "bookings today", "free nanodrop")), odd_text()
    ).map(lambda text: f"{text} {MARKER}")

    def form(kind: str, payload: dict[str, Any]) -> Signed:
        # a lone surrogate cannot be UTF-8: passed through, it makes a body that is not
        body = urlencode(payload, errors="surrogatepass").encode("utf-8", "surrogatepass")
        return _signed(kind, secret, body, "application/x-www-form-urlencoded")

    def as_json(kind: str, payload: dict[str, Any]) -> Signed:
        return _signed(kind, secret, json.dumps(payload).encode(), "application/json")

    def wrapped(kind: str, payload: dict[str, Any]) -> Signed:
        return form(kind, {"payload": json.dumps(payload)})

    commands = st.builds(_command, st.just(space), users, texts).flatmap(
        lambda template: st.one_of(
            bent(template, strings_only=True).map(lambda p: form("command", p)),
            bent(template).map(lambda p: as_json("command as JSON", p)),
        )
    )
    events = st.builds(_events, st.just(space), users, texts).flatmap(
        lambda choices: st.sampled_from(choices).flatmap(bent).map(lambda p: as_json("event", p))
    )
    clicks = (
        st.builds(
            _click, st.just(space), users, st.sampled_from(ACTION_IDS), st.one_of(odd_text(), texts)
        )
        .flatmap(bent)
        .map(lambda p: wrapped("block_actions", p))
    )
    submissions = (
        st.builds(_submission, st.just(space), users, texts)
        .flatmap(bent)
        .map(lambda p: wrapped("view_submission", p))
    )
    return st.one_of(commands, events, clicks, submissions)
