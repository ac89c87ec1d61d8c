"""A local stand-in for Slack's Web API, so tests and the offline demo run with no network.

The bot's real slack-sdk clients reach it through `SLACK_API_URL` (set it to `api_url`). It
answers the way Slack does where the bot could notice: the same argument encodings (query,
form or JSON body), error names, newest-first history with cursors, hidden metadata unless
asked for, HTTP 429 with Retry-After, text/plain "ok" from response URLs. Everything sent is
recorded so a test can assert on the calls or on what a person would see (`messages_in`,
`home_views`, `responses`), and `wait_for` waits for the bot's asynchronous work to land.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import inspect
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.fake_slack.blocks import MAX_MESSAGE_BLOCKS, block_errors, view_errors
from bot.fake_slack.unfurls import UnfurlRefused, Unfurls
from bot.lifecycle import AsyncRunning

T = TypeVar("T")

JSON_ARGS = ("blocks", "attachments", "metadata", "view")
"""Arguments Slack accepts as JSON text inside a form body; the fake decodes them."""

MAX_TEXT = 40_000
_TOKEN_KINDS = ("xoxb-", "xapp-")
"""A bot token where an app-level one belongs (or the reverse) is `not_allowed_token_type`."""
RESPONSE_URL_USES = 5
TRIGGER_LIFETIME = 3.0
DEFAULT_PAGE = 100
MAX_PAGE = 999

_TZ_LABELS = {
    "GMT": "Greenwich Mean Time",
    "BST": "British Summer Time",
    "UTC": "Coordinated Universal Time",
    "WET": "Western European Time",
    "WEST": "Western European Summer Time",
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
    "EET": "Eastern European Time",
    "EEST": "Eastern European Summer Time",
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "CST": "Central Standard Time",
    "CDT": "Central Daylight Time",
    "MST": "Mountain Standard Time",
    "MDT": "Mountain Daylight Time",
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
    "JST": "Japan Standard Time",
    "AEST": "Australian Eastern Standard Time",
    "AEDT": "Australian Eastern Daylight Time",
}


@dataclass
class Call:
    """One Web API request as the bot sent it; JSON-text arguments are already decoded."""

    method: str
    args: dict[str, Any]
    token: str | None


@dataclass
class ResponseUrlPost:
    """One JSON body the bot posted to a response URL."""

    key: str
    body: dict[str, Any]


@dataclass
class Message:
    """A message as a person in the workspace would see it (ephemerals only by one person)."""

    channel: str
    ts: str
    text: str
    blocks: list[Any]
    user: str | None
    bot_id: str | None
    thread_ts: str | None
    metadata: dict[str, Any] | None
    ephemeral_for: str | None
    reply_broadcast: bool = False


@dataclass
class _User:
    id: str
    name: str
    real_name: str
    tz: str
    is_bot: bool
    deleted: bool
    email: str
    is_admin: bool = False
    is_owner: bool = False


@dataclass
class _Channel:
    id: str
    name: str
    user: str | None = None  # the other person, for a DM
    members: tuple[str, ...] = ()  # for a multi-person DM

    @property
    def is_im(self) -> bool:
        return self.user is not None


@dataclass
class _Failure:
    status: int
    error: str
    retry_after: int | None = None


@dataclass
class _ResponseUrl:
    key: str
    channel: str | None
    user: str | None
    message_ts: str | None
    uses: int = 0


@dataclass
class _Trigger:
    issued: float
    used: bool = False


class ApiError(Exception):
    """Ends a Web API call with `{"ok": false, "error": ...}` like Slack's answer."""

    def __init__(self, error: str, messages: list[str] | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.messages = messages or []


def _flag(value: object) -> bool:
    """Slack's booleans arrive as JSON true, or "1"/"true" in forms and query strings."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    return isinstance(value, str) and value.strip().lower() in {"1", "true", "yes"}


def _ts_key(ts: str, error: str = "invalid_arguments") -> tuple[int, int]:
    """Order Slack timestamps numerically; "12.5" and "12.500000" are the same instant."""
    seconds, _, fraction = ts.partition(".")
    try:
        return int(seconds or 0), int((fraction + "000000")[:6])
    except ValueError:
        raise ApiError(error) from None


def _string(args: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    value = args.get(name)
    if value is None or value == "":
        if required:
            raise ApiError("invalid_arguments", [f"[ERROR] missing required field: {name}"])
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ApiError("invalid_arguments", [f"[ERROR] must be a string [json-pointer:/{name}]"])
    return str(value)


def _encode_cursor(ts: str) -> str:
    return base64.b64encode(f"next_ts:{ts}".encode()).decode()


def _decode_cursor(cursor: str) -> tuple[int, int]:
    try:
        decoded = base64.b64decode(cursor, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise ApiError("invalid_cursor") from None
    prefix, _, ts = decoded.partition(":")
    if prefix != "next_ts" or not ts:
        raise ApiError("invalid_cursor")
    return _ts_key(ts, "invalid_cursor")


def _limit(args: dict[str, Any]) -> int:
    raw = args.get("limit")
    if raw is None or raw == "":
        return DEFAULT_PAGE
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ApiError("invalid_limit") from None
    return max(1, min(value, MAX_PAGE))


async def listen(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, str]:
    """Serve `app` on host:port (0: a free one); its runner, and the URL it is reached at."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    bound_host, bound_port = runner.addresses[0][:2]
    return runner, f"http://{bound_host}:{bound_port}"


class FakeSlack(AsyncRunning):
    """Slack's Web API and response URLs on a loopback port, with its state open to tests."""

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-fake-bot-token",  # noqa: S107 - a fake's well-known test token
        team_id: str = "T0CMBOT",
        bot_user_id: str = "U0CMBOT",
        bot_id: str = "B0CMBOT",
        app_id: str = "A0CMBOT",
        team_domain: str = "cmbot-lab",
    ) -> None:
        self.bot_token = bot_token
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = app_id
        self.team_domain = team_domain
        self.latency: float = 0.0
        self.calls: list[Call] = []
        self.responses: list[ResponseUrlPost] = []
        self.connections: set[object] = set()
        """The client ends (address, port) of the connections requests came over: a client
        that keeps its connections alive shows few, one that opens one per call shows many."""
        self.home_views: dict[str, dict[str, Any]] = {}
        self.opened_views: list[dict[str, Any]] = []
        self.unfurls = Unfurls(lambda channel, ts: self._find(channel, ts) is not None)
        self._messages: list[Message] = []
        self._users: dict[str, _User] = {}
        self._channels: dict[str, _Channel] = {}
        self._dm_by_user: dict[str, str] = {}
        self._opened: set[str] = set()
        self._group_dms: dict[tuple[str, ...], str] = {}
        self._home_hashes: dict[str, str] = {}
        self._failures: dict[str, list[_Failure]] = {}
        self._before: dict[str, list[Callable[[], Awaitable[None]]]] = {}
        self._response_urls: dict[str, _ResponseUrl] = {}
        self._triggers: dict[str, _Trigger] = {}
        self._last_ts = 0
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None
        self._handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.unfurl": self._chat_unfurl,
            "views.publish": self._views_publish,
            "views.open": self._views_open,
            "users.info": self._users_info,
            "conversations.open": self._conversations_open,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "conversations.info": self._conversations_info,
        }
        self.add_user(bot_user_id, name="cmbot", real_name="cmbot", tz="UTC", is_bot=True)
        self.add_channel("C0LAB", "lab")
        self._method_tokens: dict[str, str] = {}

    def add_method(
        self, method: str, handler: Callable[[dict[str, Any]], dict[str, Any]], *, token: str
    ) -> None:
        """Serve one more Web API method that takes its own token (e.g. the Socket Mode
        server's `apps.connections.open`, which wants the app-level `xapp-` token)."""
        self._handlers[method] = handler
        self._method_tokens[method] = token

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on host:port (port 0 picks a free one; read `base_url` afterwards)."""
        if self._runner is not None:
            raise RuntimeError("FakeSlack is already running")
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{key}", self._response_url)
        app.router.add_get("/healthz", self._healthz)
        self._runner, self._base_url = await listen(app, host, port)

    async def stop(self) -> None:
        """Stop listening; recorded state stays readable."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>`, known once `start()` has bound the port."""
        if self._base_url is None:
            raise RuntimeError("FakeSlack has not been started")
        return self._base_url

    @property
    def api_url(self) -> str:
        """What `SLACK_API_URL` / slack-sdk's `base_url` should be set to."""
        return self.base_url + "/api/"

    # -- set-up and inspection for tests -------------------------------------------------

    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        real_name: str,
        tz: str = "Europe/London",
        is_bot: bool = False,
        deleted: bool = False,
        email: str | None = None,
        is_admin: bool = False,
        is_owner: bool = False,
    ) -> None:
        """Make a workspace member known to users.info, DMs and ephemeral messages (again, to
        change what users.info says about them)."""
        ZoneInfo(tz)  # an unknown zone is a mistake in the test, so fail here, not later
        self._users[user_id] = _User(
            id=user_id,
            name=name,
            real_name=real_name,
            tz=tz,
            is_bot=is_bot,
            deleted=deleted,
            email=email if email is not None else f"{name}@example.org",
            is_admin=is_admin,
            is_owner=is_owner,
        )

    def add_channel(self, channel_id: str, name: str) -> None:
        """Name a public channel (any C…/G… id the bot posts to is created on first use)."""
        self._channels[channel_id] = _Channel(id=channel_id, name=name)

    def dm_channel_id(self, user_id: str) -> str:
        """The id of the bot's DM with a user: stable, `D` + the user id's tail."""
        existing = self._dm_by_user.get(user_id)
        if existing is not None:
            return existing
        channel_id = "D" + user_id[1:]
        if channel_id in self._channels:
            channel_id = "D" + user_id
        self._channels[channel_id] = _Channel(id=channel_id, name=user_id, user=user_id)
        self._dm_by_user[user_id] = channel_id
        return channel_id

    def user_name(self, user_id: str) -> str:
        """A member's handle, as Slack puts it in `user_name`; the id for strangers."""
        user = self._users.get(user_id)
        return user.name if user is not None else user_id

    def channel_name(self, channel_id: str) -> str:
        """A channel's name, as Slack puts it in payloads (`directmessage` for a DM)."""
        channel = self._channels.get(channel_id)
        if channel is None:
            return channel_id.lower()
        return "directmessage" if channel.is_im else channel.name

    def home_view_json(self, user_id: str) -> dict[str, Any] | None:
        """The user's published home tab in Slack's wire shape (as events and actions carry it)."""
        view = self.home_views.get(user_id)
        if view is None:
            return None
        return self._view_json(view, "V" + user_id[1:], self._home_hashes[user_id])

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def messages_in(self, channel: str) -> list[Message]:
        """Every message in a channel, oldest first, including thread replies and ephemerals.

        A user id stands for the bot's DM with that user.
        """
        if channel in self._users or channel in self._dm_by_user:
            channel = self.dm_channel_id(channel)
        return [message for message in self._messages if message.channel == channel]

    def seen_by(self, user_id: str) -> list[Message]:
        """Every message this user can see, oldest first: channels, their DM, their ephemerals."""
        dm = self._dm_by_user.get(user_id)
        return [
            message
            for message in self._messages
            if message.ephemeral_for in (None, user_id)
            and (message.channel == dm or not message.channel.startswith("D"))
        ]

    def next_ts(self) -> str:
        """A fresh message timestamp: the current time, bumped so each is unique and later."""
        micros = max(int(time.time() * 1_000_000), self._last_ts + 1)
        self._last_ts = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def add_user_message(
        self,
        channel: str,
        user: str,
        text: str,
        *,
        ts: str | None = None,
        thread_ts: str | None = None,
    ) -> Message:
        """Record a message a person wrote, so it appears in history as it would in Slack."""
        message = Message(
            channel=channel,
            ts=ts or self.next_ts(),
            text=text,
            blocks=[],
            user=user,
            bot_id=None,
            thread_ts=thread_ts,
            metadata=None,
            ephemeral_for=None,
        )
        self._messages.append(message)
        return message

    def new_response_url(
        self, *, channel: str | None = None, user: str | None = None, message_ts: str | None = None
    ) -> str:
        """A response URL like the one Slack puts in a command or interaction.

        Posts to it are recorded in `responses`. With `channel` and `user` they also show up
        in `messages_in` (in_channel, or ephemeral for `user`), and `replace_original` /
        `delete_original` act on `message_ts` (the clicked message) or on the URL's first reply.
        """
        key = secrets.token_urlsafe(12)
        self._response_urls[key] = _ResponseUrl(key, channel, user, message_ts)
        return f"{self.base_url}/response/{key}"

    def new_trigger_id(self) -> str:
        """A trigger id for views.open: usable once, within 3 seconds, as in Slack."""
        trigger_id = f"{int(time.time())}.{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"
        self._triggers[trigger_id] = _Trigger(issued=time.monotonic())
        return trigger_id

    def apply_ack(self, response_url: str, body: dict[str, Any]) -> None:
        """Show a command's acknowledgement body the way Slack does: as a reply to it."""
        entry = self._response_urls.get(response_url.rsplit("/", 1)[-1])
        if entry is not None:
            self._apply_response(entry, body)

    def rate_limit_next(self, method: str, count: int = 1, retry_after: int = 1) -> None:
        """Answer the next `count` calls to `method` with HTTP 429 and Retry-After.

        `method` "response_url" stands for every response URL, as do `fail_next`'s.
        """
        failure = _Failure(status=429, error="ratelimited", retry_after=retry_after)
        self._failures.setdefault(method, []).extend([failure] * count)

    def fail_next(
        self, method: str, count: int = 1, error: str = "internal_error", status: int = 200
    ) -> None:
        """Answer the next `count` calls to `method` with `{"ok": false, "error": error}`."""
        failure = _Failure(status=status, error=error)
        self._failures.setdefault(method, []).extend([failure] * count)

    def before_next(self, method: str, happening: Callable[[], Awaitable[None]]) -> None:
        """Await `happening` when `method` is next called, before answering it: something
        that happens elsewhere while the bot waits for Slack (a person's command, say)."""
        self._before.setdefault(method, []).append(happening)

    async def wait_for(
        self,
        predicate: Callable[[], T | None],
        timeout: float = 20.0,  # noqa: ASYNC109 - a test's polling budget, reported on failure
    ) -> T:
        """Poll until `predicate()` is truthy and return it; the bot's work is asynchronous."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            if loop.time() >= deadline:
                break
            await asyncio.sleep(0.01)
        recent = ", ".join(call.method for call in self.calls[-10:]) or "none"
        raise AssertionError(
            f"wait_for gave up after {timeout}s: {_describe(predicate)} was still {result!r}; "
            f"last Web API calls: {recent}; {len(self.responses)} response-URL posts"
        )

    # -- HTTP ------------------------------------------------------------------------------

    async def _healthz(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    def _seen(self, request: web.Request) -> None:
        transport = request.transport
        self.connections.add(transport.get_extra_info("peername") if transport else None)

    async def _api(self, request: web.Request) -> web.Response:
        self._seen(request)
        method = request.match_info["method"]
        try:
            args, token = await self.read_args(request)
        except ApiError as error:
            self.calls.append(Call(method, {}, None))
            return self._answer_error(error)
        return await self.answer(method, args, token)

    async def answer(self, method: str, args: dict[str, Any], token: str | None) -> web.Response:
        """Answer one Web API call already read (`read_args`) as this workspace."""
        self.calls.append(Call(method, args, token))
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        for happening in self._before.pop(method, []):
            await happening()
        handler = self._handlers.get(method)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method", "req_method": method})
        queued = self._failures.get(method)
        if queued:
            failure = queued.pop(0)
            headers = {}
            if failure.retry_after is not None:
                headers["Retry-After"] = str(failure.retry_after)
            return web.json_response(
                {"ok": False, "error": failure.error}, status=failure.status, headers=headers
            )
        try:
            if token is None:
                raise ApiError("not_authed")
            expected = self._method_tokens.get(method, self.bot_token)
            if token.startswith(_TOKEN_KINDS) and token[:5] != expected[:5]:
                raise ApiError("not_allowed_token_type")
            if not secrets.compare_digest(token, expected):
                raise ApiError("invalid_auth")
            return web.json_response({"ok": True, **handler(args)})
        except ApiError as error:
            return self._answer_error(error)

    @staticmethod
    def _answer_error(error: ApiError) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error": error.error}
        if error.messages:
            body["response_metadata"] = {"messages": error.messages}
        return web.json_response(body)

    @staticmethod
    async def read_args(request: web.Request) -> tuple[dict[str, Any], str | None]:
        """Merge query string and body (form, multipart or JSON) the way Slack reads them."""
        args: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise ApiError("invalid_json") from None
                if not isinstance(body, dict):
                    raise ApiError("invalid_json")
                args.update(body)
            else:
                form = await request.post()
                for name, part in form.items():
                    if isinstance(part, str):
                        args[name] = part
                    elif isinstance(part, bytes | bytearray):
                        args[name] = bytes(part).decode(errors="replace")
                    else:
                        args[name] = part.filename
        for name in JSON_ARGS:
            text = args.get(name)
            if isinstance(text, str) and text.strip()[:1] in ("[", "{"):
                with contextlib.suppress(ValueError):
                    args[name] = json.loads(text)
        token: object = args.pop("token", None)
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            token = header.removeprefix("Bearer ").strip()
        return args, token if isinstance(token, str) and token else None

    async def _response_url(self, request: web.Request) -> web.Response:
        self._seen(request)
        entry = self._response_urls.get(request.match_info["key"])
        if entry is None:
            return web.Response(status=404, text="no_service")
        queued = self._failures.get("response_url")
        if queued:
            failure = queued.pop(0)
            retry = (
                {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            )
            return web.Response(status=failure.status, text=failure.error, headers=retry)
        try:
            body = json.loads(await request.text())
        except ValueError:
            return web.Response(status=400, text="invalid_payload")
        if not isinstance(body, dict):
            return web.Response(status=400, text="invalid_payload")
        self.responses.append(ResponseUrlPost(key=entry.key, body=body))
        entry.uses += 1
        if entry.uses > RESPONSE_URL_USES:
            return web.Response(status=404, text="used_url")
        error = self._apply_response(entry, body)
        if error is not None:
            return web.Response(status=400, text=error)
        return web.Response(text="ok")

    def _apply_response(self, entry: _ResponseUrl, body: dict[str, Any]) -> str | None:
        """What Slack does with a response-URL body; returns Slack's error text, if any."""
        original = self._find(entry.channel, entry.message_ts, ephemeral_ok=True)
        if _flag(body.get("delete_original")):
            if original is not None:
                self._messages.remove(original)
            return None
        text = body.get("text", "")
        blocks = body.get("blocks", [])
        if not isinstance(text, str):
            return "invalid_payload"
        if not text and not blocks:
            return "no_text"
        if block_errors(blocks, most=MAX_MESSAGE_BLOCKS):
            return "invalid_blocks"
        if _flag(body.get("replace_original")) and original is not None:
            original.text, original.blocks = text, blocks
            return None
        if entry.channel is None:
            return None
        public = body.get("response_type") == "in_channel"
        thread_ts = body.get("thread_ts")
        message = Message(
            channel=entry.channel,
            ts=self.next_ts(),
            text=text,
            blocks=blocks,
            user=self.bot_user_id,
            bot_id=self.bot_id,
            thread_ts=thread_ts if isinstance(thread_ts, str) and thread_ts else None,
            metadata=None,
            ephemeral_for=None if public else entry.user,
        )
        self._messages.append(message)
        if entry.message_ts is None:
            entry.message_ts = message.ts
        return None

    # -- shared helpers ------------------------------------------------------------------------

    def _channel(self, value: object, *, create: bool = False) -> _Channel:
        """Resolve a channel argument: an id, `#name`, or a user id meaning their DM."""
        if not isinstance(value, str) or not value:
            raise ApiError("channel_not_found")
        if value.startswith("#"):
            for channel in self._channels.values():
                if channel.name == value[1:] and not channel.is_im:
                    return channel
            raise ApiError("channel_not_found")
        if value in self._channels:
            return self._channels[value]
        if value[0] in "UW":
            user = self._users.get(value)
            if user is None or user.deleted:
                raise ApiError("channel_not_found")
            return self._channels[self.dm_channel_id(value)]
        if create and value[0] in "CG":
            self.add_channel(value, value.lower())
            return self._channels[value]
        raise ApiError("channel_not_found")

    def _user(self, args: dict[str, Any], name: str) -> _User:
        user_id = _string(args, name, required=True)
        user = self._users.get(user_id or "")
        if user is None:
            raise ApiError("user_not_found")
        return user

    def _find(
        self, channel: str | None, ts: str | None, *, ephemeral_ok: bool = False
    ) -> Message | None:
        for message in self._messages:
            visible = message.ephemeral_for is None or ephemeral_ok
            if message.channel == channel and message.ts == ts and visible:
                return message
        return None

    @staticmethod
    def _blocks(args: dict[str, Any]) -> list[Any]:
        blocks = args.get("blocks")
        if blocks is None or blocks == "":
            return []
        if not isinstance(blocks, list):
            raise ApiError("invalid_blocks_format")
        errors = block_errors(blocks, most=MAX_MESSAGE_BLOCKS)
        if errors:
            raise ApiError("invalid_blocks", errors)
        return blocks

    @staticmethod
    def _metadata(args: dict[str, Any]) -> dict[str, Any] | None:
        metadata = args.get("metadata")
        if metadata is None or metadata == "":
            return None
        if not isinstance(metadata, dict):
            raise ApiError("invalid_metadata_format")
        if not isinstance(metadata.get("event_type"), str) or not isinstance(
            metadata.get("event_payload"), dict
        ):
            raise ApiError(
                "invalid_metadata_schema",
                ["[ERROR] metadata needs a string event_type and an object event_payload"],
            )
        return metadata

    @staticmethod
    def _text(args: dict[str, Any]) -> str:
        text = _string(args, "text") or ""
        if len(text) > MAX_TEXT:
            raise ApiError("msg_too_long")
        return text

    def message_json(self, message: Message, *, include_metadata: bool) -> dict[str, Any]:
        """A message in Slack's wire shape, as history and chat.* answers return it."""
        body: dict[str, Any] = {"type": "message", "ts": message.ts, "text": message.text}
        if message.user is not None:
            body["user"] = message.user
        if message.bot_id is not None:
            body["bot_id"] = message.bot_id
            body["app_id"] = self.app_id
        if message.blocks:
            body["blocks"] = message.blocks
        body["team"] = self.team_id
        replies = self._replies(message)
        if message.thread_ts is not None:
            body["thread_ts"] = message.thread_ts
            if message.reply_broadcast:
                body["subtype"] = "thread_broadcast"
        if replies:
            body["thread_ts"] = message.ts
            body["reply_count"] = len(replies)
            body["latest_reply"] = replies[-1].ts
        if include_metadata and message.metadata is not None:
            body["metadata"] = message.metadata
        return body

    def _replies(self, parent: Message) -> list[Message]:
        if parent.thread_ts not in (None, parent.ts):
            return []
        return [
            message
            for message in self._messages
            if message.channel == parent.channel
            and message.thread_ts == parent.ts
            and message.ts != parent.ts
            and message.ephemeral_for is None
        ]

    def _page(
        self, messages: list[Message], args: dict[str, Any], *, newest_first: bool
    ) -> dict[str, Any]:
        """Slack's cursor paging: `limit` per page, `next_cursor` while `has_more`."""
        ordered = sorted(messages, key=lambda m: _ts_key(m.ts), reverse=newest_first)
        cursor = _string(args, "cursor")
        if cursor is not None:
            start = _decode_cursor(cursor)
            ordered = [
                m
                for m in ordered
                if (_ts_key(m.ts) <= start if newest_first else _ts_key(m.ts) >= start)
            ]
        limit = _limit(args)
        page, rest = ordered[:limit], ordered[limit:]
        include_metadata = _flag(args.get("include_all_metadata"))
        return {
            "messages": [self.message_json(m, include_metadata=include_metadata) for m in page],
            "has_more": bool(rest),
            "pin_count": 0,
            "response_metadata": {"next_cursor": _encode_cursor(rest[0].ts) if rest else ""},
        }

    def _channel_json(self, channel: _Channel) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": channel.id,
            "created": 1_700_000_000,
            "is_archived": False,
            "context_team_id": self.team_id,
        }
        if channel.is_im:
            body.update(is_im=True, is_channel=False, is_private=True, user=channel.user)
        elif channel.members:
            body.update(is_mpim=True, is_im=False, is_channel=False, is_private=True)
            body["name"] = channel.name
        else:
            body.update(
                name=channel.name,
                is_channel=True,
                is_im=False,
                is_private=channel.id.startswith("G"),
                is_member=True,
            )
        return body

    # -- Web API methods -------------------------------------------------------------------

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": f"https://{self.team_domain}.slack.com/",
            "team": "Cmbot Lab",
            "user": self._users[self.bot_user_id].name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args.get("channel"), create=True)
        text, blocks, metadata = self._text(args), self._blocks(args), self._metadata(args)
        if not text and not blocks and not args.get("attachments"):
            raise ApiError("no_text")
        message = Message(
            channel=channel.id,
            ts=self.next_ts(),
            text=text,
            blocks=blocks,
            user=self.bot_user_id,
            bot_id=self.bot_id,
            thread_ts=_string(args, "thread_ts"),
            metadata=metadata,
            ephemeral_for=None,
            reply_broadcast=_flag(args.get("reply_broadcast")),
        )
        self._messages.append(message)
        return {
            "channel": channel.id,
            "ts": message.ts,
            "message": self.message_json(message, include_metadata=True),
        }

    def _chat_post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args.get("channel"), create=True)
        user = self._user(args, "user")
        text, blocks = self._text(args), self._blocks(args)
        if not text and not blocks and not args.get("attachments"):
            raise ApiError("no_text")
        message = Message(
            channel=channel.id,
            ts=self.next_ts(),
            text=text,
            blocks=blocks,
            user=self.bot_user_id,
            bot_id=self.bot_id,
            thread_ts=_string(args, "thread_ts"),
            metadata=None,
            ephemeral_for=user.id,
        )
        self._messages.append(message)
        return {"message_ts": message.ts}

    def _own_message(self, args: dict[str, Any], refusal: str) -> Message:
        channel = self._channel(args.get("channel"))
        message = self._find(channel.id, _string(args, "ts", required=True))
        if message is None:
            raise ApiError("message_not_found")
        if message.bot_id != self.bot_id:
            raise ApiError(refusal)
        return message

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        """Fields left out keep their value, as Slack documents for blocks."""
        message = self._own_message(args, "cant_update_message")
        text = self._text(args) if "text" in args else message.text
        blocks = self._blocks(args) if "blocks" in args else message.blocks
        metadata = self._metadata(args) if "metadata" in args else message.metadata
        if not text and not blocks:
            raise ApiError("no_text")
        message.text, message.blocks, message.metadata = text, blocks, metadata
        return {
            "channel": message.channel,
            "ts": message.ts,
            "text": message.text,
            "message": self.message_json(message, include_metadata=True),
        }

    def _chat_unfurl(self, args: dict[str, Any]) -> dict[str, Any]:
        try:
            return self.unfurls.handle(args)
        except UnfurlRefused as refused:
            raise ApiError(refused.error, refused.messages) from None

    def _chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        message = self._own_message(args, "cant_delete_message")
        self._messages.remove(message)
        return {"channel": message.channel, "ts": message.ts}

    def _view_json(self, view: dict[str, Any], view_id: str, view_hash: str) -> dict[str, Any]:
        return {
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "state": {"values": {}},
            **view,
            "id": view_id,
            "team_id": self.team_id,
            "app_id": self.app_id,
            "bot_id": self.bot_id,
            "hash": view_hash,
        }

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self._user(args, "user_id")
        view = args.get("view")
        errors = view_errors(view, kind="home")
        if errors or not isinstance(view, dict):
            raise ApiError("invalid_arguments", errors)
        expected = _string(args, "hash")
        if expected is not None and expected != self._home_hashes.get(user.id):
            raise ApiError("hash_conflict")
        view_hash = f"{int(time.time())}.{secrets.token_hex(8)}"
        self.home_views[user.id] = view
        self._home_hashes[user.id] = view_hash
        return {"view": self._view_json(view, "V" + user.id[1:], view_hash)}

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        trigger_id = _string(args, "trigger_id", required=True) or ""
        trigger = self._triggers.get(trigger_id)
        if trigger is None:
            raise ApiError("invalid_trigger_id")
        if trigger.used:
            raise ApiError("trigger_exchanged")
        if time.monotonic() - trigger.issued > TRIGGER_LIFETIME:
            raise ApiError("expired_trigger_id")
        view = args.get("view")
        errors = view_errors(view, kind="modal")
        if errors or not isinstance(view, dict):
            raise ApiError("invalid_arguments", errors)
        trigger.used = True
        self.opened_views.append(view)
        view_id = f"V{len(self.opened_views):08d}"
        return {"view": self._view_json(view, view_id, secrets.token_hex(8))}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self._user(args, "user")
        now = datetime.now(UTC).astimezone(ZoneInfo(user.tz))
        offset = now.utcoffset()
        abbreviation = now.tzname() or user.tz
        return {
            "user": {
                "id": user.id,
                "team_id": self.team_id,
                "name": user.name,
                "deleted": user.deleted,
                "real_name": user.real_name,
                "tz": user.tz,
                "tz_label": _TZ_LABELS.get(abbreviation, abbreviation),
                "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
                "is_bot": user.is_bot,
                "is_admin": user.is_admin,
                "is_owner": user.is_owner,
                "is_primary_owner": False,
                "is_app_user": False,
                "updated": 1_700_000_000,
                "profile": {
                    "real_name": user.real_name,
                    "display_name": user.name,
                    "email": user.email,
                },
            }
        }

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("channel"):
            return {"channel": {"id": self._channel(args["channel"]).id}, "no_op": True}
        raw = args.get("users")
        names = raw if isinstance(raw, list) else str(raw or "").split(",")
        user_ids = sorted({str(name).strip() for name in names if str(name).strip()})
        if not user_ids:
            raise ApiError("users_list_not_supplied")
        for user_id in user_ids:
            if user_id not in self._users:
                raise ApiError("user_not_found")
        if len(user_ids) == 1:
            channel_id = self.dm_channel_id(user_ids[0])
        else:
            key = tuple(user_ids)
            if key not in self._group_dms:
                channel_id = f"G{len(self._group_dms) + 1:08d}"
                self._group_dms[key] = channel_id
                name = "mpdm-" + "--".join(self._users[u].name for u in user_ids) + "-1"
                self._channels[channel_id] = _Channel(id=channel_id, name=name, members=key)
            channel_id = self._group_dms[key]
        answer: dict[str, Any] = {"channel": {"id": channel_id}}
        if channel_id in self._opened:
            answer.update(no_op=True, already_open=True)
        self._opened.add(channel_id)
        return answer

    def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        """Top-level messages (and broadcast replies) newest first, between oldest and latest."""
        channel = self._channel(args.get("channel"))
        inclusive = _flag(args.get("inclusive"))
        oldest = _ts_key(_string(args, "oldest") or "0", "invalid_ts_oldest")
        latest_arg = _string(args, "latest")
        latest = _ts_key(latest_arg, "invalid_ts_latest") if latest_arg is not None else None

        def in_range(message: Message) -> bool:
            key = _ts_key(message.ts)
            above = key >= oldest if inclusive else key > oldest
            below = latest is None or (key <= latest if inclusive else key < latest)
            return above and below

        visible = [
            message
            for message in self._messages
            if message.channel == channel.id
            and message.ephemeral_for is None
            and (message.thread_ts in (None, message.ts) or message.reply_broadcast)
            and in_range(message)
        ]
        return self._page(visible, args, newest_first=True)

    def _conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        """A thread, parent first, oldest to newest."""
        channel = self._channel(args.get("channel"))
        parent = self._find(channel.id, _string(args, "ts", required=True))
        if parent is None:
            raise ApiError("thread_not_found")
        return self._page([parent, *self._replies(parent)], args, newest_first=False)

    def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"channel": self._channel_json(self._channel(args.get("channel")))}


def _describe(predicate: Callable[[], object]) -> str:
    """The predicate's source line when available, so a timeout says what was awaited."""
    try:
        return inspect.getsource(predicate).strip()
    except (OSError, TypeError):
        return getattr(predicate, "__qualname__", repr(predicate))
