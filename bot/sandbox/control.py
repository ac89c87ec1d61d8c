"""The sandbox's control endpoint: what a facility does in Clustermarket, done over HTTP.

`/control/…` approves, declines, cancels and moves bookings, puts instruments into maintenance
(at once or at a given time), sets the sandbox's clock and lists the moves made. It answers
only loopback callers that show the sandbox's control token (`Authorization: Bearer …`,
printed at start), so nothing else on the network can change the world a test relies on.

- `POST /control/bookings/{id}` `{"status"?, "start"?, "end"?, "cancelled_by"?, "at"?}`
- `POST /control/equipment/{id}` `{"availability_status", "at"?}`
- `POST /control/clock` `{"now": ISO-8601}`: the time moves are applied by; `{"now": null}`
  goes back to real time
- `GET /control/moves`: every move, waiting or applied
"""

from __future__ import annotations

import datetime as dt
import hmac
import ipaddress
import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.sandbox.api import error_response, json_response
from bot.sandbox.moves import Move, MoveError
from bot.sandbox.state import STATE

CONTROL_TOKEN: web.AppKey[str] = web.AppKey("control_token", str)
Handler = Callable[[web.Request], Awaitable[web.Response]]


def _is_loopback(remote: str | None) -> bool:
    try:
        return remote is not None and ipaddress.ip_address(remote).is_loopback
    except ValueError:
        return False


def guarded(handler: Handler) -> Handler:
    """Only loopback callers with the control token reach `handler`; bad bodies are 400."""

    async def guard(request: web.Request) -> web.Response:
        if not _is_loopback(request.remote):
            return error_response(403, "forbidden", "The control endpoint answers loopback only")
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        expected = request.app[CONTROL_TOKEN]
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip(), expected):
            return error_response(401, "invalid_token", "The control token is missing or wrong")
        try:
            return await handler(request)
        except MoveError as refused:
            return error_response(refused.status, "invalid_move", str(refused))
        except _BadBody as bad:
            return error_response(400, "invalid_request", str(bad))

    return guard


class _BadBody(ValueError):
    """A control request whose JSON body is not what the endpoint takes."""


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.read() or b"{}")
    except ValueError:
        raise _BadBody("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise _BadBody("the body must be a JSON object")
    return body


def _time(body: dict[str, Any], name: str) -> dt.datetime | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _BadBody(f"{name} must be an ISO-8601 time")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise _BadBody(f"{name} must be an ISO-8601 time, e.g. 2026-03-25T09:00:00Z") from None
    if moment.tzinfo is None:
        raise _BadBody(f"{name} needs a time zone, e.g. 2026-03-25T09:00:00Z")
    return moment


def _optional(body: dict[str, Any], name: str, kind: type) -> Any:
    value = body.get(name)
    if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
        raise _BadBody(f"{name} must be a {kind.__name__}")
    return value


def _path_id(request: web.Request) -> int:
    return int(request.match_info["id"])


async def move_booking(request: web.Request) -> web.Response:
    body = await _body(request)
    move = Move(
        0,
        "booking",
        _path_id(request),
        status=_optional(body, "status", str),
        start=_time(body, "start"),
        end=_time(body, "end"),
        cancelled_by=_optional(body, "cancelled_by", int),
        at=_time(body, "at"),
    )
    return json_response(request.app[STATE].make_move(move).json(), status=201)


async def set_availability(request: web.Request) -> web.Response:
    body = await _body(request)
    status = _optional(body, "availability_status", str)
    move = Move(0, "availability", _path_id(request), availability=status, at=_time(body, "at"))
    return json_response(request.app[STATE].make_move(move).json(), status=201)


async def set_clock(request: web.Request) -> web.Response:
    body = await _body(request)
    if "now" not in body:
        raise _BadBody('the body must say "now": an ISO-8601 time, or null for real time')
    state = request.app[STATE]
    moment = _time(body, "now")
    if moment is None:
        state.clock = None
        state.catch_up()
    else:
        state.set_clock(moment)
    return json_response({"now": state.now().isoformat(), "fixed": state.clock is not None})


async def list_moves(request: web.Request) -> web.Response:
    state = request.app[STATE]
    state.catch_up()
    return json_response({"moves": [move.json() for move in state.moves.all()]})


def add_control_routes(app: web.Application, token: str) -> None:
    app[CONTROL_TOKEN] = token
    identifier = "{id:[0-9]{1,18}}"
    app.router.add_post(f"/control/bookings/{identifier}", guarded(move_booking))
    app.router.add_post(f"/control/equipment/{identifier}", guarded(set_availability))
    app.router.add_post("/control/clock", guarded(set_clock))
    app.router.add_get("/control/moves", guarded(list_moves))
