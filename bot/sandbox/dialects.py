"""The API shapes the sandbox can speak: today's reference shape and the dialects a real
Clustermarket/Calira server plausibly speaks instead.

Each dialect is data: how it names and writes times, durations, people and references, how
it wraps lists and pages them, how the OAuth server wants the client to authenticate, and
whether it insists on PKCE. `shapes.py` writes records accordingly; the client must read
every one of them into the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

TimeStyle = Literal["iso_utc", "naive_local", "offset_local", "epoch"]
DurationStyle = Literal["minutes", "words", "iso"]
PersonStyle = Literal["object", "flat", "first_last", "name"]
Paging = Literal["x-total-records", "link", "meta", "none"]
ClientAuth = Literal["either", "basic", "body"]


@dataclass(frozen=True)
class Dialect:
    name: str
    summary: str
    times: TimeStyle = "iso_utc"
    time_fields: tuple[str, str] = ("start_time", "end_time")
    durations: DurationStyle = "minutes"
    people: PersonStyle = "object"
    flat_refs: bool = False
    """`equipment_id`/`equipment_name`, `provider_account_id`… instead of nested objects."""
    statuses: dict[str, str] = field(default_factory=dict)
    """Reference status → this dialect's word for it."""
    availability: dict[str, str] = field(default_factory=dict)
    availability_key: str = "availability_status"
    account_type: Literal["account_type", "type", "none"] = "account_type"
    account_kinds: dict[str, str] = field(default_factory=dict)
    rails_zones: bool = False
    envelope: bool = False
    """Lists as `{"data": [...], "meta": {...}}`, one record as `{"data": {...}}`."""
    paging: Paging = "x-total-records"
    client_auth: ClientAuth = "either"
    require_pkce: bool = False
    unreadable: bool = False
    """Mix unreadable records (and a status never seen before) into some lists."""


REFERENCE = Dialect("reference", "today's shape: the reconstructed openapi.yaml")

DIALECTS: dict[str, Dialect] = {
    dialect.name: dialect
    for dialect in (
        REFERENCE,
        Dialect(
            "rails",
            "a Rails/Doorkeeper server: naive times in the lab's zone, Ruby time format,"
            ' "4h 30m" durations, flat ids, Rails zone names, Link paging, HTTP Basic'
            " client auth only, PKCE required",
            times="naive_local",
            time_fields=("starts_at", "ends_at"),
            durations="words",
            people="flat",
            flat_refs=True,
            statuses={"cancelled": "canceled", "declined": "rejected"},
            availability={"Available": "available", "Under Maintenance": "under_maintenance"},
            account_type="type",
            account_kinds={
                "organisation": "Organisation",
                "department": "Department",
                "lab": "Lab",
            },
            rails_zones=True,
            paging="link",
            client_auth="basic",
            require_pkce=True,
        ),
        Dialect(
            "envelope",
            'JSON envelopes ({"data": …, "meta": {total_count, total_pages}}), times with the'
            " lab's offset, ISO 8601 durations, requester first/last name, Title Case"
            " statuses, form-field client auth only",
            times="offset_local",
            time_fields=("start_at", "end_at"),
            durations="iso",
            people="first_last",
            statuses={
                status: status.title()
                for status in ("approved", "requested", "completed", "ordered", "declined")
            }
            | {"cancelled": "Cancelled"},
            account_kinds={"organisation": "organization"},
            envelope=True,
            paging="meta",
            client_auth="body",
        ),
        Dialect(
            "bare",
            "bare arrays with no totals at all, `from`/`to` as epoch seconds, requester as a"
            " plain name, no account_type anywhere",
            times="epoch",
            time_fields=("from", "to"),
            people="name",
            account_type="none",
            availability_key="status",
            paging="none",
        ),
        Dialect(
            "messy",
            "the reference shape with unreadable records mixed in (bookings, equipment,"
            " groups) and a booking status never seen before",
            unreadable=True,
        ),
    )
}


def dialect_named(name: str) -> Dialect:
    """The dialect called `name`; ValueError naming the known ones otherwise."""
    dialect = DIALECTS.get(name.strip().lower())
    if dialect is None:
        raise ValueError(f"no dialect {name!r}; known: {', '.join(DIALECTS)}")
    return dialect


def dialect_lines() -> list[str]:
    """What `cmbot sandbox --dialect list` prints: each name and what it speaks."""
    width = max(len(name) for name in DIALECTS)
    return [f"{name:<{width}}  {dialect.summary}" for name, dialect in DIALECTS.items()]
