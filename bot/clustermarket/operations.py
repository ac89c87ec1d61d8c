"""The ten operations of the published API reference: path, documented scope, list or one.

The client uses the scopes to name what a 403 `insufficient_scope` is missing when the server
does not say; `cmbot doctor` walks the table to call each operation once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Operation:
    name: str
    path: str
    """Under the API base; `{id}` stands for a record id, `{user}` for the user path."""
    scope: str
    is_list: bool


OPERATIONS: tuple[Operation, ...] = (
    Operation("User Resource Owner", "{user}", "read_user", is_list=False),
    Operation("List Accounts", "/accounts", "read_accounts", is_list=True),
    Operation("Account Details", "/accounts/{id}", "read_accounts", is_list=False),
    Operation("List Equipment", "/equipment", "read_equipment", is_list=True),
    Operation("Equipment Details", "/equipment/{id}", "read_equipment", is_list=False),
    Operation("Equipment Bookings", "/equipment/{id}/bookings", "read_equipment", is_list=True),
    Operation("List Bookings", "/bookings", "read_bookings", is_list=True),
    Operation("Booking Details", "/bookings/{id}", "read_bookings", is_list=False),
    Operation("List Groups", "/groups", "read_accounts", is_list=True),
    Operation("Group Details", "/groups/{id}", "read_accounts", is_list=False),
)
REQUIRED_SCOPES = ("read_user", "read_accounts", "read_equipment", "read_bookings")

_PATTERNS = tuple(
    (re.compile("^" + re.escape(op.path).replace(r"\{id\}", "[0-9]+") + "$"), op)
    for op in OPERATIONS
    if not op.path.startswith("{")
)


def operation_for(path: str, user_path: str) -> Operation | None:
    """The operation a request path belongs to (query excluded)."""
    if path == user_path:
        return OPERATIONS[0]
    return next((op for pattern, op in _PATTERNS if pattern.match(path)), None)
