"""The `Sandbox`: one loopback HTTP server with the OAuth pages and the API, plus test hooks.

Every /v1 request passes, in order: statistics, latency, queued faults, random failures
(error_rate, rate_limit_rate), routing (404/405), bearer authentication, scope, handler.
The token endpoint answers after `latency`, does its work, then waits `token_latency` more.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import signal
from datetime import UTC, date, datetime
from http import HTTPStatus
from types import TracebackType
from urllib.parse import urlencode

from aiohttp import web

from bot.config import OAUTH_CALLBACK_PATH
from bot.sandbox.api import ACCESS_TOKEN, Handler, add_api_routes, error_response, json_response
from bot.sandbox.dialects import Dialect, dialect_named
from bot.sandbox.oauth import add_oauth_routes, s256
from bot.sandbox.seed import SandboxData, build_world
from bot.sandbox.state import STATE, Fault, Faults, SandboxKnobs, SandboxState, Stats
from bot.sandbox.tokens import (
    ALL_SCOPES,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    TokenRegistry,
    parse_scopes,
)

GARBLED_JSON = b'{"id": 7961782, "status": "appro'
GARBLED_HTML = (
    "<html><head><title>Down for maintenance</title></head>"
    "<body><h1>We'll be right back</h1><p>Clustermarket is being updated.</p></body></html>"
)


def _status_error(status: int) -> str:
    """`service_unavailable` for 503 and so on: a readable machine code for any status."""
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "error"


def fault_response(fault: Fault) -> web.Response:
    if fault.kind == "fail":
        return error_response(fault.status, _status_error(fault.status), "Injected failure")
    if fault.kind == "rate_limit":
        return _rate_limited(fault.retry_after)
    if fault.kind == "garble_json":
        return web.Response(body=GARBLED_JSON, content_type="application/json")
    return web.Response(text=GARBLED_HTML, content_type="text/html")


def _rate_limited(retry_after: int) -> web.Response:
    return error_response(
        429,
        "rate_limited",
        f"Too many requests; retry after {retry_after} seconds",
        {"Retry-After": str(retry_after)},
    )


def _unauthorized(description: str) -> web.Response:
    return error_response(
        401, "invalid_token", description, {"WWW-Authenticate": 'Bearer error="invalid_token"'}
    )


def _injected(state: SandboxState) -> web.Response | None:
    """A queued fault first, then the random failures the knobs ask for."""
    fault = state.faults.pop()
    if fault is not None:
        return fault_response(fault)
    knobs = state.knobs
    if knobs.error_rate > 0 and state.rng.random() < knobs.error_rate:
        return error_response(503, "service_unavailable", "The service is temporarily unavailable")
    if knobs.rate_limit_rate > 0 and state.rng.random() < knobs.rate_limit_rate:
        return _rate_limited(knobs.retry_after)
    return None


def _http_error(error: web.HTTPException) -> web.Response:
    headers = {"Allow": error.headers["Allow"]} if "Allow" in error.headers else None
    description = "No such path" if error.status == 404 else error.reason
    return error_response(error.status, _status_error(error.status), description, headers)


@web.middleware
async def sandbox_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    state = request.app[STATE]
    state.stats.requests[f"{request.method} {request.path}"] += 1
    is_api = request.path == "/v1" or request.path.startswith("/v1/")
    if not is_api:
        answer = await _answer(request, handler, state)
        if request.path == "/oauth/token" and state.knobs.token_latency > 0:
            await asyncio.sleep(state.knobs.token_latency)  # done, but the answer comes late
        return answer
    state.stats.in_flight += 1
    state.stats.peak_in_flight = max(state.stats.peak_in_flight, state.stats.in_flight)
    try:
        return await _answer(request, handler, state)
    finally:
        state.stats.in_flight -= 1


async def _answer(
    request: web.Request, handler: Handler, state: SandboxState
) -> web.StreamResponse:
    is_api = request.path == "/v1" or request.path.startswith("/v1/")
    if (is_api or request.path == "/oauth/token") and state.knobs.latency > 0:
        await asyncio.sleep(state.knobs.latency)
    if is_api:
        injected = _injected(state)
        if injected is not None:
            return injected
        missed = request.match_info.http_exception
        if missed is not None:
            return _http_error(missed)
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            return _unauthorized("The access token is missing")
        record, why = state.tokens.access(value.strip())
        if record is None:
            return _unauthorized(why)
        request[ACCESS_TOKEN] = record
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        return _http_error(error)


async def index(request: web.Request) -> web.Response:
    """What a person opening the base URL in a browser wants to know."""
    base = f"{request.scheme}://{request.host}"
    return json_response(
        {
            "name": "Clustermarket sandbox",
            "api": base + "/v1",
            "authorize": base + "/oauth/authorize",
            "token": base + "/oauth/token",
        }
    )


def make_app(state: SandboxState) -> web.Application:
    app = web.Application(middlewares=[sandbox_middleware])
    app[STATE] = state
    app.router.add_get("/", index)
    add_oauth_routes(app)
    add_api_routes(app)
    return app


class Sandbox:
    """A fake Clustermarket on loopback: OAuth server, API, seeded world, failure injection."""

    def __init__(
        self,
        *,
        today: date | None = None,
        knobs: SandboxKnobs | None = None,
        client_id: str = DEMO_CLIENT_ID,
        client_secret: str = DEMO_CLIENT_SECRET,
        seed: int = 7,
        dialect: str | Dialect = "reference",
    ) -> None:
        """`dialect` names the API shape to speak (see `bot.sandbox.dialects`)."""
        self.dialect = dialect_named(dialect) if isinstance(dialect, str) else dialect
        self.today = today or datetime.now(UTC).date()
        self.seed = seed
        self.client_id = client_id
        self.client_secret = client_secret
        self.data: SandboxData = build_world(self.today, seed)
        self._state = SandboxState(
            data=self.data,
            knobs=knobs or SandboxKnobs(),
            faults=Faults(),
            stats=Stats(),
            tokens=TokenRegistry(
                client_id,
                client_secret,
                ttl=lambda: self._state.knobs.access_token_ttl,
                strict=lambda: self._state.knobs.strict_refresh,
            ),
            rng=random.Random(seed),
            dialect=self.dialect,
        )
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None

    # State ---------------------------------------------------------------------------------

    @property
    def knobs(self) -> SandboxKnobs:
        return self._state.knobs

    @knobs.setter
    def knobs(self, knobs: SandboxKnobs) -> None:
        self._state.knobs = knobs

    @property
    def faults(self) -> Faults:
        return self._state.faults

    @property
    def stats(self) -> Stats:
        return self._state.stats

    @property
    def tokens(self) -> TokenRegistry:
        return self._state.tokens

    @property
    def demo_user_id(self) -> int:
        return self.data.demo_user_id

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise RuntimeError("the sandbox is not running; call start() first")
        return self._base_url

    @property
    def api_url(self) -> str:
        return self.base_url + "/v1"

    @property
    def oauth_url(self) -> str:
        return self.base_url

    def authorize_url(
        self,
        redirect_uri: str,
        state: str | None = None,
        scopes: str = ALL_SCOPES,
        *,
        code_challenge: str | None = None,
    ) -> str:
        """The authorize page for this sandbox's client, as the bot would link to it."""
        params = {
            "client_id": self.client_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": scopes,
        }
        if state is not None:
            params["state"] = state
        if code_challenge is not None:
            params |= {"code_challenge": code_challenge, "code_challenge_method": "S256"}
        return f"{self.base_url}/oauth/authorize?{urlencode(params)}"

    # Lifecycle -----------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if self._runner is not None:
            raise RuntimeError("the sandbox is already running")
        runner = web.AppRunner(
            make_app(self._state), access_log=None, handle_signals=False, shutdown_timeout=1.0
        )
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except BaseException:
            await runner.cleanup()
            raise
        bound_port = runner.addresses[0][1]
        shown_host = f"[{host}]" if ":" in host else host
        self._runner = runner
        self._base_url = f"http://{shown_host}:{bound_port}"

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        self._base_url = None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    # Test hooks ----------------------------------------------------------------------------

    def _user(self, user_id: int) -> int:
        if user_id not in self.data.users:
            raise ValueError(f"no sandbox user {user_id}")
        return user_id

    def grant_tokens(self, user_id: int, scopes: str = ALL_SCOPES) -> dict[str, object]:
        """Tokens for `user_id` without the browser dance: the JSON /oauth/token returns."""
        return self.tokens.issue(self._user(user_id), parse_scopes(scopes))

    def issue_code(self, user_id: int, redirect_uri: str, scopes: str = ALL_SCOPES) -> str:
        """The code that approving the authorize page would mint (single-use, 10 minutes)."""
        return self.tokens.issue_code(self._user(user_id), redirect_uri, parse_scopes(scopes))

    def expire_access_tokens(self, user_id: int | None = None) -> None:
        """Make current access tokens (of one user, or everyone) fail with 401; refresh works."""
        self.tokens.expire_access_tokens(user_id)

    def revoke_user(self, user_id: int) -> None:
        """Revoke every access and refresh token of a user: the next refresh is invalid_grant."""
        self.tokens.revoke_user(user_id)

    def advance_time(self, seconds: float) -> None:
        """Move the OAuth clock forward, ageing codes and access tokens without sleeping."""
        self.tokens.clock_offset += seconds

    def busiest_lab_id(self) -> int:
        return self.data.busiest_lab_id()

    def busiest_equipment_id(self) -> int:
        return self.data.busiest_equipment_id()


def startup_lines(sandbox: Sandbox) -> list[str]:
    """What `cmbot sandbox` prints: settings for `cmbot serve`, the authorize page, the users."""
    redirect_uri = "http://localhost:3000" + OAUTH_CALLBACK_PATH
    # a dialect that requires PKCE shows its page only with a challenge (any will do to look)
    challenge = s256("cmbot-sandbox-look-only") if sandbox.dialect.require_pkce else None
    users = ", ".join(
        f"{user.id} {user.name}" + (" (default)" if user.id == sandbox.demo_user_id else "")
        for user in sorted(sandbox.data.users.values(), key=lambda user: user.id)
    )
    return [
        f"Clustermarket sandbox listening on {sandbox.base_url}",
        f"Dialect: {sandbox.dialect.name} ({sandbox.dialect.summary})",
        f"CLUSTERMARKET_API_URL={sandbox.api_url}",
        f"CLUSTERMARKET_OAUTH_URL={sandbox.oauth_url}",
        f"CLUSTERMARKET_CLIENT_ID={sandbox.client_id}",
        f"CLUSTERMARKET_CLIENT_SECRET={sandbox.client_secret}",
        f"Authorize page: {sandbox.authorize_url(redirect_uri, code_challenge=challenge)}",
        f"Demo users: {users}",
        "Press Ctrl-C to stop.",
    ]


async def _serve(port: int, host: str, knobs: SandboxKnobs | None, dialect: str) -> None:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError):
        loop.add_signal_handler(signal.SIGTERM, stopping.set)
    sandbox = Sandbox(knobs=knobs, dialect=dialect)
    await sandbox.start(host, port)
    try:
        for line in startup_lines(sandbox):
            print(line, flush=True)
        await stopping.wait()
    finally:
        await sandbox.stop()


def run_sandbox(
    port: int = 8765,
    host: str = "127.0.0.1",
    knobs: SandboxKnobs | None = None,
    dialect: str = "reference",
) -> None:
    """Run the sandbox until Ctrl-C or SIGTERM (what `cmbot sandbox` calls)."""
    try:
        asyncio.run(_serve(port, host, knobs, dialect))
    except KeyboardInterrupt:
        pass
    except OSError as error:
        raise SystemExit(f"cmbot sandbox: cannot listen on {host}:{port}: {error}") from None
    print("Sandbox stopped.", flush=True)
