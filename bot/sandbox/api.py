"""The `/v1` API of openapi.yaml over the seeded world, with per-user visibility.

Serialisers and the visibility rules are pure functions of the world; the handlers only read
the request, call them, and shape the response. Authentication happens in the server's
middleware, which leaves the caller's access token on the request.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TypeVar

from aiohttp import web

from bot.sandbox.seed import Account, Booking, Equipment, Group, SandboxData, User
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


# --- Serialisers: exactly the fields of the openapi schemas ---------------------------------


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def account_summary(account: Account) -> dict[str, object]:
    return {"id": account.id, "name": account.name, "account_type": account.account_type}


def account_detail(data: SandboxData, account: Account) -> dict[str, object]:
    def ref(account_id: int | None) -> dict[str, object] | None:
        return None if account_id is None else data.accounts[account_id].ref.json()

    return {
        **account_summary(account),
        "sector": account.sector,
        "description": account.description,
        "timezone": account.timezone,
        "department": ref(account.department_id),
        "organisation": ref(account.organisation_id),
        "labs": [lab.ref.json() for lab in data.child_labs(account.id)],
        "departments": [dept.ref.json() for dept in data.child_departments(account.id)],
    }


def _contact(data: SandboxData, equipment: Equipment) -> dict[str, object] | None:
    person = (
        None if equipment.contact_person_id is None else data.person(equipment.contact_person_id)
    )
    return None if person is None else {"id": person.id, "name": person.name}


def equipment_summary(data: SandboxData, equipment: Equipment) -> dict[str, object]:
    return {
        "id": equipment.id,
        "name": equipment.name,
        "description": equipment.description,
        "room": equipment.room,
        "availability_status": equipment.availability_status,
        "model": equipment.model,
        "manufacturer": equipment.manufacturer,
        "sub_category": None if equipment.sub_category is None else equipment.sub_category.json(),
        "contact_person": _contact(data, equipment),
    }


def equipment_detail(data: SandboxData, equipment: Equipment) -> dict[str, object]:
    lab = data.accounts[equipment.lab_id]
    return {
        "id": equipment.id,
        "name": equipment.name,
        "room": equipment.room,
        "manufacturer": equipment.manufacturer,
        "model": equipment.model,
        "city": lab.city,
        "country": lab.country,
        "currency": lab.currency,
        "charging_type": equipment.charging_type,
        "description": equipment.description,
        "category": None if equipment.category is None else {"name": equipment.category},
        "lab": lab.ref.json(),
        "manufacturing_year": equipment.manufacturing_year,
        "serial_number": equipment.serial_number,
    }


def booking_json(data: SandboxData, booking: Booking) -> dict[str, object]:
    equipment = data.equipment[booking.equipment_id]
    requester = None if booking.requester_id is None else data.person(booking.requester_id)

    def ref(account_id: int | None) -> dict[str, object] | None:
        return None if account_id is None else data.accounts[account_id].ref.json()

    return {
        "id": booking.id,
        "status": booking.status,
        "booking_type": booking.booking_type,
        "category": booking.category,
        "start_time": _iso(booking.start),
        "end_time": _iso(booking.end),
        "duration": booking.duration,
        "notes": booking.notes,
        "equipment": {"id": equipment.id, "name": equipment.name, "room": equipment.room},
        "requester": None
        if requester is None
        else {"id": requester.id, "name": requester.name, "email": requester.email},
        "requester_account": ref(booking.requester_account_id),
        "provider_account": ref(booking.provider_lab_id),
        "group": None if booking.group is None else booking.group.json(),
        "project": None if booking.project is None else booking.project.json(),
        "cost": booking.cost,
        "currency": booking.currency,
        "requested_at": _iso(booking.requested_at),
    }


def group_summary(group: Group) -> dict[str, object]:
    return {"id": group.id, "name": group.name}


def group_detail(data: SandboxData, group: Group) -> dict[str, object]:
    return {
        "id": group.id,
        "name": group.name,
        "equipment": [
            {"id": equipment_id, "name": data.equipment[equipment_id].name}
            for equipment_id in group.equipment_ids
        ],
    }


def user_json(user: User, *, with_email: bool = True) -> dict[str, object]:
    """The user endpoint's answer; `email` is beyond the published schema, so optional."""
    shown: dict[str, object] = {
        "id": user.id,
        "first_name": user.first_name,
        "last_name": user.last_name,
    }
    if with_email and user.email is not None:
        shown["email"] = user.email
    return shown


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


def _list_response(
    request: web.Request,
    state: SandboxState,
    items: Sequence[_T],
    render: Callable[[_T], dict[str, object]],
) -> web.Response:
    page, per_page = page_params(request)
    headers = {"X-Current-Page": str(page), "X-Per-Page": str(per_page)}
    if state.knobs.total_header:
        headers["X-Total-Records"] = str(len(items))
    return json_response(
        [render(item) for item in paginate(items, page, per_page)], headers=headers
    )


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


def _context(request: web.Request) -> tuple[SandboxState, SandboxData, int]:
    state = request.app[STATE]
    return state, state.data, request[ACCESS_TOKEN].user_id


async def list_accounts(request: web.Request) -> web.Response:
    state, data, user_id = _context(request)
    visible = data.visible_account_ids(user_id)
    items = [account for account in data.accounts.values() if account.id in visible]
    return _list_response(request, state, items, account_summary)


async def get_account(request: web.Request) -> web.Response:
    _, data, user_id = _context(request)
    account_id = _path_id(request)
    account = data.accounts.get(account_id)
    if account is None:
        raise _not_found("Account", account_id)
    if account_id not in data.visible_account_ids(user_id):
        raise _forbidden("Account", account_id)
    return json_response(account_detail(data, account))


async def list_bookings(request: web.Request) -> web.Response:
    state, data, user_id = _context(request)
    labs = _account_filter(request, data, user_id, "provider_account")
    items = data.visible_bookings(user_id, labs)
    return _list_response(request, state, items, lambda booking: booking_json(data, booking))


async def get_booking(request: web.Request) -> web.Response:
    _, data, user_id = _context(request)
    booking_id = _path_id(request)
    booking = data.bookings.get(booking_id)
    if booking is None:
        raise _not_found("Booking", booking_id)
    if not data.can_see_booking(user_id, booking):
        raise _forbidden("Booking", booking_id)
    return json_response(booking_json(data, booking))


async def list_equipment(request: web.Request) -> web.Response:
    state, data, user_id = _context(request)
    labs = _account_filter(request, data, user_id, "account")
    own = data.lab_ids_of(user_id) if labs is None else labs
    items = [equipment for equipment in data.equipment.values() if equipment.lab_id in own]
    return _list_response(
        request, state, items, lambda equipment: equipment_summary(data, equipment)
    )


def _visible_equipment(data: SandboxData, user_id: int, equipment_id: int) -> Equipment:
    equipment = data.equipment.get(equipment_id)
    if equipment is None:
        raise _not_found("Equipment", equipment_id)
    if equipment.lab_id not in data.lab_ids_of(user_id):
        raise _forbidden("Equipment", equipment_id)
    return equipment


async def get_equipment(request: web.Request) -> web.Response:
    _, data, user_id = _context(request)
    equipment = _visible_equipment(data, user_id, _path_id(request))
    return json_response(equipment_detail(data, equipment))


async def equipment_bookings(request: web.Request) -> web.Response:
    state, data, user_id = _context(request)
    equipment = _visible_equipment(data, user_id, _path_id(request))
    items = data.bookings_of_equipment(equipment.id)
    return _list_response(request, state, items, lambda booking: booking_json(data, booking))


async def get_me(request: web.Request) -> web.Response:
    state, data, user_id = _context(request)
    return json_response(user_json(data.users[user_id], with_email=state.knobs.user_email))


async def list_groups(request: web.Request) -> web.Response:
    state, data, user_id = _context(request)
    labs = _account_filter(request, data, user_id, "account")
    own = data.lab_ids_of(user_id) if labs is None else labs
    items = [group for group in data.groups.values() if group.lab_id in own]
    return _list_response(request, state, items, group_summary)


async def get_group(request: web.Request) -> web.Response:
    _, data, user_id = _context(request)
    group_id = _path_id(request)
    group = data.groups.get(group_id)
    if group is None:
        raise _not_found("Group", group_id)
    if group.lab_id not in data.lab_ids_of(user_id):
        raise _forbidden("Group", group_id)
    return json_response(group_detail(data, group))


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
