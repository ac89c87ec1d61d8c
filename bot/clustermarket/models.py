"""Typed records of the Clustermarket API, lenient by design.

The published reference has no booking sample and the API may add, drop or null any field,
so every field here is optional and nullable, unknown fields are ignored, a null list reads
as an empty one and naive datetimes are taken as UTC. Only a value of the wrong kind (text
where a number belongs) fails validation; the client reports that as a bad response.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field


def _none_as_empty(value: Any) -> Any:
    """A null list is an empty list; null items inside a list are dropped."""
    if value is None:
        return []
    if isinstance(value, list):
        return [item for item in value if item is not None]
    return value


def _blank_as_none(value: Any) -> Any:
    """An empty datetime string means "not set" rather than "unreadable"."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


def as_utc_aware(value: datetime) -> datetime:
    """Attach UTC to a naive datetime so every comparison is between aware ones."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _aware(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc_aware(value)


LenientDatetime = Annotated[
    datetime | None, BeforeValidator(_blank_as_none), AfterValidator(_aware)
]


def _text_or_none(value: Any) -> Any:
    """A value that should be text but is not (an object, a number) counts as unknown."""
    return value.strip() or None if isinstance(value, str) else None


OptionalText = Annotated[str | None, BeforeValidator(_text_or_none)]


class ApiModel(BaseModel):
    """Base of every record: ignore what we do not know, accept numbers where text belongs."""

    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)


class Ref(ApiModel):
    """A reference to another record by id and name."""

    id: int | None = None
    name: str | None = None


RefList = Annotated[list[Ref], BeforeValidator(_none_as_empty)]


class _AccountKind(ApiModel):
    """The account type helpers shared by the list item and the details."""

    id: int | None = None
    name: str | None = None
    account_type: str | None = None

    def _is(self, kind: str) -> bool:
        return (self.account_type or "").strip().lower() == kind

    @property
    def is_lab(self) -> bool:
        return self._is("lab")

    @property
    def is_department(self) -> bool:
        return self._is("department")

    @property
    def is_organisation(self) -> bool:
        return self._is("organisation") or self._is("organization")


class AccountSummary(_AccountKind):
    """An item of GET /accounts: an organisation, department or lab."""


class Account(_AccountKind):
    """GET /accounts/{id}: one account with its place in the hierarchy."""

    sector: str | None = None
    description: str | None = None
    timezone: str | None = None
    department: Ref | None = None
    organisation: Ref | None = None
    labs: RefList = Field(default_factory=list)
    departments: RefList = Field(default_factory=list)


class EquipmentSummary(ApiModel):
    """An item of GET /equipment."""

    id: int | None = None
    name: str | None = None
    description: str | None = None
    room: str | None = None
    availability_status: str | None = None
    model: str | None = None
    manufacturer: str | None = None
    sub_category: Ref | None = None
    contact_person: Ref | None = None


class Category(ApiModel):
    """The category of a piece of equipment; the API gives only its name."""

    name: str | None = None


class Equipment(ApiModel):
    """GET /equipment/{id}: one piece of equipment in full."""

    id: int | None = None
    name: str | None = None
    room: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    city: str | None = None
    country: str | None = None
    currency: str | None = None
    charging_type: str | None = None
    description: str | None = None
    category: Category | None = None
    lab: Ref | None = None
    manufacturing_year: str | None = None
    serial_number: str | None = None


class BookingEquipment(ApiModel):
    """The booked equipment as a booking embeds it."""

    id: int | None = None
    name: str | None = None
    room: str | None = None


class Person(ApiModel):
    """Who requested a booking."""

    id: int | None = None
    name: str | None = None
    email: str | None = None


class Booking(ApiModel):
    """A booking, modelled on the booking export's columns (no sample is published)."""

    id: int | None = None
    status: str | None = None
    booking_type: str | None = None
    category: str | None = None
    start_time: LenientDatetime = None
    end_time: LenientDatetime = None
    duration: int | None = None
    notes: str | None = None
    equipment: BookingEquipment | None = None
    requester: Person | None = None
    requester_account: Ref | None = None
    provider_account: Ref | None = None
    group: Ref | None = None
    project: Ref | None = None
    cost: str | None = None
    currency: str | None = None
    requested_at: LenientDatetime = None

    @property
    def ends_at(self) -> datetime | None:
        """The end time, or start + duration when the end is missing."""
        if self.end_time is not None:
            return self.end_time
        if self.start_time is not None and self.duration is not None:
            return self.start_time + timedelta(minutes=self.duration)
        return None


class GroupSummary(ApiModel):
    """An item of GET /groups."""

    id: int | None = None
    name: str | None = None


class Group(ApiModel):
    """GET /groups/{id}: a group and its equipment."""

    id: int | None = None
    name: str | None = None
    equipment: RefList = Field(default_factory=list)


class User(ApiModel):
    """The user who owns the credential."""

    id: int | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: OptionalText = None
    """Not in the published schema: read when the server sends it, else unknown."""

    @property
    def display_name(self) -> str:
        """First and last name, else the id, so a reply never shows "None"."""
        parts = [part.strip() for part in (self.first_name, self.last_name) if part]
        name = " ".join(part for part in parts if part)
        if name:
            return name
        return f"user {self.id}" if self.id is not None else "unknown user"
