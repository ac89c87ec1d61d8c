"""Slack's side of the conversation: signed commands, events and clicks sent into the bot.

Requests go to the bot's real Bolt endpoint (`POST /slack/events`) exactly as Slack sends
them: the same form or JSON bodies, `X-Slack-Signature` over `v0:{timestamp}:{body}`, retry
headers on redelivered events. What the user did is also recorded in the `FakeSlack` (their
messages appear in history, a command's acknowledgement appears as Slack would show it), so
a test reads one place to see the conversation.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import uuid
from types import TracebackType
from typing import Any, Self, TypedDict, Unpack
from urllib.parse import urlencode

import httpx

from bot.fake_slack.server import FakeSlack, Message

VERIFICATION_TOKEN = "fake-verification-token"  # noqa: S105 - Slack's deprecated, public token
"""Slack still sends the legacy verification token in every body; Bolt ignores it."""


def sign(signing_secret: str, timestamp: int, body: bytes) -> str:
    """Slack's request signature: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}`."""
    base = b"v0:%d:" % timestamp + body
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


class CommandPlace(TypedDict, total=False):
    """Where a slash command is typed, and which: `command_form`'s keyword arguments."""

    command: str
    channel_id: str
    channel_name: str
    trigger_id: str | None


def _block_with_action(blocks: list[Any], action_id: str) -> dict[str, Any] | None:
    """The block holding a button or other element with this action_id, if any."""
    for block in blocks:
        if not isinstance(block, dict):
            continue
        elements = list(block.get("elements") or [])
        for key in ("accessory", "element"):
            if isinstance(block.get(key), dict):
                elements.append(block[key])
        if any(isinstance(e, dict) and e.get("action_id") == action_id for e in elements):
            return block
    return None


class SlackRequester:
    """Sends what Slack would send to the bot, signed with the app's signing secret."""

    def __init__(
        self,
        events_url: str,
        signing_secret: str,
        fake: FakeSlack,
        *,
        team_id: str | None = None,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.events_url = events_url
        self.signing_secret = signing_secret
        self.fake = fake
        self.team_id = team_id if team_id is not None else fake.team_id
        self._http = http if http is not None else httpx.AsyncClient(timeout=30.0)
        self._owns_http = http is None
        self.last_event_body: bytes | None = None
        self.last_event_id: str | None = None

    async def aclose(self) -> None:
        """Close the HTTP client if this requester made it."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- the wire ----------------------------------------------------------------------------

    async def post(
        self,
        body: bytes,
        content_type: str,
        timestamp: int | None = None,
        signature: str | None = None,
        extra_headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """POST a body signed as Slack does; pass `timestamp`/`signature` to forge or age it."""
        headers = self.signed_headers(body, content_type, timestamp, signature)
        headers.update(extra_headers or {})
        return await self._http.post(self.events_url, content=body, headers=headers)

    def signed_headers(
        self,
        body: bytes,
        content_type: str,
        timestamp: int | None = None,
        signature: str | None = None,
    ) -> dict[str, str]:
        """The headers Slack sends with `body`, signed now (or with the given stamp)."""
        sent_at = int(time.time()) if timestamp is None else timestamp
        return {
            "Content-Type": content_type,
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            "X-Slack-Request-Timestamp": str(sent_at),
            "X-Slack-Signature": signature or sign(self.signing_secret, sent_at, body),
        }

    async def raw(self, body: bytes, headers: dict[str, str]) -> httpx.Response:
        """POST exactly these bytes and headers, for bad-signature and stale-timestamp tests."""
        return await self._http.post(self.events_url, content=body, headers=headers)

    # -- slash commands ----------------------------------------------------------------------

    async def command(
        self, text: str, *, user_id: str, **where: Unpack[CommandPlace]
    ) -> httpx.Response:
        """A slash command; returns the bot's ack, which is also shown as Slack would show it."""
        form = self.command_form(text, user_id=user_id, **where)
        response = await self._deliver_command(form)
        self._show_ack(response, form["response_url"])
        return response

    def command_form(
        self,
        text: str,
        *,
        user_id: str,
        command: str = "/cm",
        channel_id: str = "C0LAB",
        channel_name: str = "lab",
        trigger_id: str | None = None,
    ) -> dict[str, str]:
        """A slash command's form as Slack posts it, its response URL opened in the fake."""
        if channel_id.startswith(("C", "G")):
            self.fake.add_channel(channel_id, channel_name)
        return {
            "token": VERIFICATION_TOKEN,
            "team_id": self.team_id,
            "team_domain": self.fake.team_domain,
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": self.fake.user_name(user_id),
            "command": command,
            "text": text,
            "api_app_id": self.fake.app_id,
            "is_enterprise_install": "false",
            "response_url": self.fake.new_response_url(channel=channel_id, user=user_id),
            "trigger_id": trigger_id if trigger_id is not None else self.fake.new_trigger_id(),
        }

    async def _deliver_command(self, form: dict[str, str]) -> httpx.Response:
        """How a command reaches the bot: a signed form POST (Socket Mode sends an envelope)."""
        return await self.post(urlencode(form).encode(), "application/x-www-form-urlencoded")

    def _show_ack(self, response: httpx.Response, response_url: str) -> None:
        """Slack shows a non-empty ack body to the user, like a post to the response URL."""
        if response.status_code != 200 or not response.content:
            return
        if response.headers.get("content-type", "").startswith("application/json"):
            body = response.json()
            if isinstance(body, dict) and ("text" in body or "blocks" in body):
                self.fake.apply_ack(response_url, body)
        else:
            self.fake.apply_ack(response_url, {"text": response.text})

    # -- events ------------------------------------------------------------------------------

    async def event(
        self,
        event: dict[str, Any],
        *,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        event_id: str | None = None,
    ) -> httpx.Response:
        """An Events API delivery; pass the first delivery's `event_id` to send its retry."""
        envelope = {
            "token": VERIFICATION_TOKEN,
            "team_id": self.team_id,
            "context_team_id": self.team_id,
            "api_app_id": self.fake.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id if event_id is not None else "Ev" + secrets.token_hex(5).upper(),
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": self.fake.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        body = json.dumps(envelope).encode()
        self.last_event_body, self.last_event_id = body, str(envelope["event_id"])
        return await self._post_event(body, retry_num, retry_reason)

    async def retry_last_event(
        self, retry_num: int = 1, retry_reason: str = "http_timeout"
    ) -> httpx.Response:
        """Redeliver the previous event byte for byte, as Slack does when an ack was late."""
        if self.last_event_body is None:
            raise RuntimeError("no event has been sent yet")
        return await self._post_event(self.last_event_body, retry_num, retry_reason)

    async def _post_event(
        self, body: bytes, retry_num: int | None, retry_reason: str
    ) -> httpx.Response:
        """How an event reaches the bot: a signed JSON POST with Slack's retry headers."""
        headers = None
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return await self.post(body, "application/json", extra_headers=headers)

    async def mention(
        self, text: str, *, user_id: str, channel: str = "C0LAB", thread_ts: str | None = None
    ) -> httpx.Response:
        """A user writes `@cmbot <text>` in a channel: an app_mention event."""
        full_text = f"<@{self.fake.bot_user_id}> {text}"
        message = self.fake.add_user_message(channel, user_id, full_text, thread_ts=thread_ts)
        event: dict[str, Any] = {
            "type": "app_mention",
            "user": user_id,
            "text": full_text,
            "ts": message.ts,
            "channel": channel,
            "event_ts": message.ts,
            "team": self.team_id,
            "client_msg_id": str(uuid.uuid4()),
        }
        if thread_ts is not None:
            event["thread_ts"] = thread_ts
        return await self.event(event)

    async def direct_message(
        self, text: str, *, user_id: str, thread_ts: str | None = None
    ) -> httpx.Response:
        """A user writes to the bot in their DM: a message event with channel_type im."""
        channel = self.fake.dm_channel_id(user_id)
        message = self.fake.add_user_message(channel, user_id, text, thread_ts=thread_ts)
        event: dict[str, Any] = {
            "type": "message",
            "channel": channel,
            "channel_type": "im",
            "user": user_id,
            "text": text,
            "ts": message.ts,
            "event_ts": message.ts,
            "team": self.team_id,
            "client_msg_id": str(uuid.uuid4()),
        }
        if thread_ts is not None:
            event["thread_ts"] = thread_ts
        return await self.event(event)

    async def home_opened(self, *, user_id: str) -> httpx.Response:
        """A user opens the app's Home tab; the event carries the view published so far."""
        event: dict[str, Any] = {
            "type": "app_home_opened",
            "user": user_id,
            "channel": self.fake.dm_channel_id(user_id),
            "tab": "home",
            "event_ts": self.fake.next_ts(),
        }
        view = self.fake.home_view_json(user_id)
        if view is not None:
            event["view"] = view
        return await self.event(event)

    # -- interactions ------------------------------------------------------------------------

    async def action(
        self,
        action_id: str,
        value: str,
        *,
        user_id: str,
        channel_id: str = "C0LAB",
        message: dict[str, Any] | None = None,
        block_id: str = "b",
    ) -> httpx.Response:
        """A button click: a signed block_actions payload.

        Without `message`, the click lands on the newest message in `channel_id` that the user
        can see and that has this action_id, else on the user's Home tab if it has one, else on
        a message the fake never saw. Replies to its response URL then act on that message.
        The clicked block's own block_id is sent when it has one, as Slack would; `block_id`
        is used otherwise.
        """
        payload = self._interaction_base(user_id)
        clicked = None
        if message is None:
            clicked = self._clicked_message(channel_id, user_id, action_id)
        blocks = message.get("blocks", []) if message is not None else []
        if clicked is not None:
            blocks = clicked.blocks
        home = self.fake.home_view_json(user_id)
        if message is None and clicked is None and home is not None:
            home_block = _block_with_action(home.get("blocks", []), action_id)
            if home_block is not None:
                payload["container"] = {"type": "view", "view_id": home["id"]}
                payload["view"] = home
                block_id = str(home_block.get("block_id", block_id))
                return await self._send_action(payload, action_id, value, block_id)
        found = _block_with_action(blocks, action_id) if isinstance(blocks, list) else None
        if found is not None:
            block_id = str(found.get("block_id", block_id))
        message_ts: str
        is_ephemeral = False
        if message is not None:
            message_ts = str(message.get("ts") or self.fake.next_ts())
            payload["message"] = message
        elif clicked is not None:
            message_ts = clicked.ts
            is_ephemeral = clicked.ephemeral_for is not None
            if not is_ephemeral:
                payload["message"] = self.fake.message_json(clicked, include_metadata=False)
        else:
            message_ts = self.fake.next_ts()
        payload["container"] = {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": is_ephemeral,
        }
        thread_ts = clicked.thread_ts if clicked is not None else (message or {}).get("thread_ts")
        if thread_ts:
            payload["container"]["thread_ts"] = thread_ts
        payload["channel"] = {"id": channel_id, "name": self.fake.channel_name(channel_id)}
        payload["response_url"] = self.fake.new_response_url(
            channel=channel_id, user=user_id, message_ts=message_ts
        )
        return await self._send_action(payload, action_id, value, block_id)

    def _interaction_base(self, user_id: str) -> dict[str, Any]:
        return {
            "type": "block_actions",
            "user": {
                "id": user_id,
                "username": self.fake.user_name(user_id),
                "name": self.fake.user_name(user_id),
                "team_id": self.team_id,
            },
            "api_app_id": self.fake.app_id,
            "token": VERIFICATION_TOKEN,
            "trigger_id": self.fake.new_trigger_id(),
            "team": {"id": self.team_id, "domain": self.fake.team_domain},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _clicked_message(self, channel_id: str, user_id: str, action_id: str) -> Message | None:
        for candidate in reversed(self.fake.messages_in(channel_id)):
            if candidate.ephemeral_for not in (None, user_id):
                continue
            if _block_with_action(candidate.blocks, action_id) is not None:
                return candidate
        return None

    async def _send_action(
        self, payload: dict[str, Any], action_id: str, value: str, block_id: str
    ) -> httpx.Response:
        payload["actions"] = [
            {
                "action_id": action_id,
                "block_id": block_id,
                "value": value,
                "type": "button",
                "action_ts": f"{time.time():.6f}",
            }
        ]
        return await self._deliver_interaction(payload)

    async def _deliver_interaction(self, payload: dict[str, Any]) -> httpx.Response:
        """How a click reaches the bot: `payload=<json>` in a signed form POST."""
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return await self.post(body, "application/x-www-form-urlencoded")
