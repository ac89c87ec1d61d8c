"""The `/v1` API of openapi.yaml over the seeded world, with per-user visibility.

Records are written by `shapes.py` in the sandbox's dialect, and lists are paged the
dialect's way (X-Total-Records, Link, envelope meta, or nothing at all). The visibility rules
are pure functions of the world; the handlers only read the request, call them, and shape
the response. Authentication happens in the server's middleware, which leaves the caller's
access token on the request.
"""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from aiohttp import web

from bot.sandbox.seed import Equipment, SandboxData
from bot.sandbox.state import STATE, SandboxState
from bot.sandbox.tokens import AccessToken

MAX_PER_PAGE = 100
ACCESS_TOKEN: web.RequestKey[AccessToken] = web.RequestKey("access_token", AccessToken)

_T = TypeVar("_T")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ApiError(Exception):
    """An API failure answered as JSON `{"error", "error_description"}`."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description


def json_response(
    body: object, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.json_response(
        body,
        status=status,
        headers=headers,
        dumps=lambda value: json.dumps(value, ensure_ascii=False),
    )


def error_response(
    status: int, error: str, description: str, headers: dict[str, str] | None = None
) -> web.Response:
    return json_response({"error": error, "error_description": description}, status, headers)


# --- Pagination and query parameters ---------------------------------------------------------


def _positive_int(raw: str | None, name: str, default: int) -> int:
    if raw is None:
        return default
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise ApiError(400, "invalid_request", f"{name} must be a positive integer")
    return int(text)


def page_params(query: web.Request) -> tuple[int, int]:
    """`page` (1-based) and `per_page` (1-100; larger values clamp to 100)."""
    page = _positive_int(query.query.get("page"), "page", 1)
    per_page = min(
        _positive_int(query.query.get("per_page"), "per_page", MAX_PER_PAGE), MAX_PER_PAGE
    )
    return page, per_page


def paginate(items: Sequence[_T], page: int, per_page: int) -> list[_T]:
    start = (page - 1) * per_page
    return list(items[start : start + per_page])


@dataclass(frozen=True)
class Raw:
    """A record sent as it is, however unreadable (the "messy" dialect's extras)."""

    value: object


def _list_response(
    request: web.Request,
    state: SandboxState,
    items: Sequence[_T],
    render: Callable[[_T], dict[str, object]],
    extras: Sequence[object] = (),
) -> web.Response:
    page, per_page = page_params(request)
    rows: list[Any] = [*(Raw(extra) for extra in extras), *items]
    body = [
        row.value if isinstance(row, Raw) else render(row) for row in paginate(rows, page, per_page)
    ]
    total = len(rows)
    last = max(math.ceil(total / per_page), 1)
    dialect = state.dialect
    headers: dict[str, str] = {}
    if dialect.paging == "x-total-records":
        headers = {"X-Current-Page": str(page), "X-Per-Page": str(per_page)}
        if state.knobs.total_header:
            headers["X-Total-Records"] = str(total)
    elif dialect.paging == "link":
        headers = {"Link": _links(request, page, last), "Per-Page": str(per_page)}
    if dialect.envelope:
        meta = {"current_page": page, "per_page": per_page}
        if state.knobs.total_header:
            meta |= {"total_count": total, "total_pages": last}
        return json_response({"data": body, "meta": meta}, headers=headers)
    return json_response(body, headers=headers)


def _links(request: web.Request, page: int, last: int) -> str:
    """RFC 8288 links as Rails' api-pagination sends them: first, prev, next, last."""

    def url(number: int) -> str:
        query = {**request.query, "page": str(number)}
        return f"{request.scheme}://{request.host}{request.path}?{urlencode(query)}"

    links = {"first": 1, "prev": page - 1 if page > 1 else None, "last": last}
    links["next"] = page + 1 if page < last else None
    return ", ".join(f'<{url(number)}>; rel="{rel}"' for rel, number in links.items() if number)


def _account_filter(
    request: web.Request, data: SandboxData, user_id: int, name: str
) -> frozenset[int] | None:
    """The labs a `?account=`/`?provider_account=` filter names; 403 when the user can't see it."""
    raw = request.query.get(name)
    if raw is None:
        return None
    text = raw.strip()
    if not text.isascii() or not text.isdigit():
        raise ApiError(400, "invalid_request", f"{name} must be an account id")
    account_id = int(text)
    if account_id not in data.accounts:
        raise ApiError(404, "not_found", f"Account {account_id} not found")
    if account_id not in data.visible_account_ids(user_id):
        raise ApiError(403, "forbidden", f"You do not have access to account {account_id}")
    return data.labs_under(account_id) & data.lab_ids_of(user_id)


def _path_id(request: web.Request) -> int:
    return int(request.match_info["id"])


def _not_found(kind: str, record_id: int) -> ApiError:
    return ApiError(404, "not_found", f"{kind} {record_id} not found")


def _forbidden(kind: str, record_id: int) -> ApiError:
    return ApiError(403, "forbidden", f"You do not have access to {kind.lower()} {record_id}")


# --- Handlers --------------------------------------------------------------------------------


def _one(state: SandboxState, record: dict[str, object]) -> web.Response:
    return json_response(state.shapes.one(record))


def _context(request: web.Request) -> tuple[SandboxState, SandboxData, int]:
    state = request.app[STATE]
    return state, state.data, request[ACCESS_TOKEN].user_id


async def list_accounts(request: web.Request) -> web.Response:
    state, data, user_id = _context(request)
    visible = data.visible_account_ids(user_id)
    items = [account for account in data.accounts.values() if account.id in visible]
    return _list_response(request, state, items, state.shapes.account_summary)


async def get_account(request: web.Request) -> web.Response:
    state, data, user_id = _context(request)
    account_id = _path_id(request)
    account = data.accounts.get(account_id)
    if account is None:
        raise _not_found("Account", account_id)
    if account_id not in data.visible_account_ids(user_id):
        raise _forbidden("Account", account_id)
    return _one(state, state.shapes.account_detail(account))


async def list_bookings(request: web.Request) -> web.Response:
    state, data, user_id = _context(request)
    labs = _account_filter(request, data, user_id, "provider_account")
    items = data.visible_bookings(user_id, labs)
    extras = state.shapes.extra_bookings(data.lab_ids_of(user_id) if labs is None else labs)
    return _list_response(request, state, items, state.shapes.booking, extras)


async def get_booking(request: web.Request) -> web.Response:
    state, data, user_id = _context(request)
    booking_id = _path_id(request)
    booking = data.bookings.get(booking_id)
    if booking is None:
        extra = state.shapes.extra_booking(booking_id, data.lab_ids_of(user_id))
        if extra is not None:
            return json_response(state.shapes.one(extra))
        raise _not_found("Booking", booking_id)
    if not data.can_see_booking(user_id, booking):
        raise _forbidden("Booking", booking_id)
    return _one(state, state.shapes.booking(booking))


async def list_equipment(request: web.Request) -> web.Response:
    state, data, user_id = _context(request)
    labs = _account_filter(request, data, user_id, "account")
    own = data.lab_ids_of(user_id) if labs is None else labs
    items = [equipment for equipment in data.equipment.values() if equipment.lab_id in own]
    extras = state.shapes.extra_equipment(own)
    return _list_response(request, state, items, state.shapes.equipment_summary, extras)


def _visible_equipment(data: SandboxData, user_id: int, equipment_id: int) -> Equipment:
    equipment = data.equipment.get(equipment_id)
    if equipment is None:
        raise _not_found("Equipment", equipment_id)
    if equipment.lab_id not in data.lab_ids_of(user_id):
        raise _forbidden("Equipment", equipment_id)
    return equipment


async def get_equipment(request: web.Request) -> web.Response:
    state, data, user_id = _context(request)
    equipment = _visible_equipment(data, user_id, _path_id(request))
    return _one(state, state.shapes.equipment_detail(equipment))


async def equipment_bookings(request: web.Request) -> web.Response:
    state, data, user_id = _context(request)
    equipment = _visible_equipment(data, user_id, _path_id(request))
    items = data.bookings_of_equipment(equipment.id)
    extras = state.shapes.extra_bookings(frozenset({equipment.lab_id}), equipment.id)
    return _list_response(request, state, items, state.shapes.booking, extras)


async def get_me(request: web.Request) -> web.Response:
    state, data, user_id = _context(request)
    return _one(state, state.shapes.user(data.users[user_id], with_email=state.knobs.user_email))


async def list_groups(request: web.Request) -> web.Response:
    state, data, user_id = _context(request)
    labs = _account_filter(request, data, user_id, "account")
    own = data.lab_ids_of(user_id) if labs is None else labs
    items = [group for group in data.groups.values() if group.lab_id in own]
    extras = state.shapes.extra_groups(own)
    return _list_response(request, state, items, state.shapes.group_summary, extras)


async def get_group(request: web.Request) -> web.Response:
    state, data, user_id = _context(request)
    group_id = _path_id(request)
    group = data.groups.get(group_id)
    if group is None:
        raise _not_found("Group", group_id)
    if group.lab_id not in data.lab_ids_of(user_id):
        raise _forbidden("Group", group_id)
    return _one(state, state.shapes.group_detail(group))


_ID = "{id:[0-9]{1,18}}"

# (path under /v1, handler, scope it needs)
ROUTES: tuple[tuple[str, Handler, str], ...] = (
    ("/accounts", list_accounts, "read_accounts"),
    (f"/accounts/{_ID}", get_account, "read_accounts"),
    ("/bookings", list_bookings, "read_bookings"),
    (f"/bookings/{_ID}", get_booking, "read_bookings"),
    ("/equipment", list_equipment, "read_equipment"),
    (f"/equipment/{_ID}", get_equipment, "read_equipment"),
    (f"/equipment/{_ID}/bookings", equipment_bookings, "read_equipment"),
    ("/me", get_me, "read_user"),
    ("/groups", list_groups, "read_accounts"),
    (f"/groups/{_ID}", get_group, "read_accounts"),
)


def with_scope(handler: Handler, scope: str) -> Handler:
    """Refuse with 403 insufficient_scope unless the caller's token carries `scope`."""

    async def scoped(request: web.Request) -> web.StreamResponse:
        if scope not in request[ACCESS_TOKEN].scopes:
            return error_response(
                403,
                "insufficient_scope",
                f"This endpoint needs the {scope} scope",
                {"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{scope}"'},
            )
        try:
            return await handler(request)
        except ApiError as error:
            return error_response(error.status, error.error, error.description)

    return scoped


def add_api_routes(app: web.Application) -> None:
    for path, handler, scope in ROUTES:
        app.router.add_get("/v1" + path, with_scope(handler, scope))
