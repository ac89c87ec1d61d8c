"""Typed records of the Clustermarket API, read in every shape we have reason to expect.

The published reference has no booking sample and names no time format, so each field takes
the names real servers use for it (`start_time`, `starts_at`, `start`, `from`…), a nested
object or flat `…_id`/`…_name` fields, a person as an object, an id or a plain name, times as
ISO 8601, Ruby's default format or epoch seconds, durations as minutes, "4h 30m" or ISO 8601.
Every field is optional and nullable, unknown fields are ignored, a null list reads as empty.
A naive time stays naive here: it is in the lab's zone, which the client attaches
(`bot.clustermarket.reading`); nothing is silently taken as UTC.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

from bot.clustermarket.times import iana_name, parse_duration, ruby_time


def _none_as_empty(value: Any) -> Any:
    """A null list is an empty list; null items inside a list are dropped."""
    if value is None:
        return []
    if isinstance(value, list):
        return [item for item in value if item is not None]
    return value


def _ref(value: Any) -> Any:
    """A reference given as a bare id or a bare name reads as `{id}` or `{name}`."""
    if isinstance(value, int) and not isinstance(value, bool):
        return {"id": value}
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        return {"id": int(text)} if text.isascii() and text.isdigit() else {"name": text}
    return value


def _refs(value: Any) -> Any:
    value = _none_as_empty(value)
    return [_ref(item) for item in value] if isinstance(value, list) else value


def _name(value: Any) -> Any:
    """`{name: …}` where a plain name belongs (a category given as an object)."""
    if isinstance(value, dict):
        return value.get("name") or value.get("title")
    return value


def _folded(name: str | None) -> str:
    return " ".join((name or "").casefold().split())


def _names(*names: str) -> Any:
    """The field's own name first, then the other names servers give it."""
    return Field(default=None, validation_alias=AliasChoices(*names))


def _text_or_none(value: Any) -> Any:
    """A value that should be text but is not (an object, a number) counts as unknown."""
    return value.strip() or None if isinstance(value, str) else None


OptionalText = Annotated[str | None, BeforeValidator(_text_or_none)]


class ApiModel(BaseModel):
    """Base of every record: ignore what we do not know, accept numbers where text belongs."""

    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True, populate_by_name=True)


class Ref(ApiModel):
    """A reference to another record by id and name."""

    id: int | None = None
    name: str | None = None


RefField = Annotated[Ref | None, BeforeValidator(_ref)]
RefList = Annotated[list[Ref], BeforeValidator(_refs)]


class _AccountKind(ApiModel):
    """The account type helpers shared by the list item and the details."""

    id: int | None = _names("id", "account_id")
    name: str | None = _names("name", "title")
    account_type: str | None = _names("account_type", "type", "kind", "account_kind")

    @property
    def kind(self) -> str | None:
        """ "organisation", "department", "lab", or None when the record does not say."""
        folded = (self.account_type or "").strip().casefold()
        if folded in ("organisation", "organization", "org", "institution"):
            return "organisation"
        if folded in ("department", "dept", "faculty"):
            return "department"
        if folded in ("lab", "laboratory", "facility", "core", "core facility"):
            return "lab"
        return None

    @property
    def is_lab(self) -> bool:
        return self.kind == "lab"

    @property
    def is_department(self) -> bool:
        return self.kind == "department"

    @property
    def is_organisation(self) -> bool:
        return self.kind == "organisation"


class AccountSummary(_AccountKind):
    """An item of GET /accounts: an organisation, department or lab."""


class Account(_AccountKind):
    """GET /accounts/{id}: one account with its place in the hierarchy."""

    sector: str | None = None
    description: str | None = None
    timezone: Annotated[str | None, AfterValidator(iana_name)] = _names(
        "timezone", "time_zone", "tz"
    )
    department: RefField = _names("department", "department_id")
    organisation: RefField = _names("organisation", "organization", "organisation_id")
    labs: RefList = Field(default_factory=list)
    departments: RefList = Field(default_factory=list)

    @property
    def kind(self) -> str | None:
        """The type the record states, else what its place in the hierarchy shows: an
        account with departments is an organisation, one with only labs a department (or an
        organisation when it names none above it), one with neither a lab."""
        stated = super().kind
        if stated is not None:
            return stated
        if self.departments:
            return "organisation"
        if self.labs:
            return "department" if self.organisation is not None else "organisation"
        return "lab"


class EquipmentSummary(ApiModel):
    """An item of GET /equipment."""

    id: int | None = _names("id", "equipment_id")
    name: str | None = _names("name", "title")
    description: str | None = None
    room: str | None = _names("room", "location")
    availability_status: str | None = _names(
        "availability_status", "availability", "status", "state"
    )
    model: str | None = None
    manufacturer: str | None = _names("manufacturer", "make", "brand")
    sub_category: RefField = _names("sub_category", "subcategory")
    contact_person: RefField = _names("contact_person", "contact", "contact_person_name")


class Equipment(ApiModel):
    """GET /equipment/{id}: one piece of equipment in full."""

    id: int | None = _names("id", "equipment_id")
    name: str | None = _names("name", "title")
    room: str | None = _names("room", "location")
    manufacturer: str | None = _names("manufacturer", "make", "brand")
    model: str | None = None
    city: str | None = None
    country: str | None = None
    currency: str | None = None
    charging_type: str | None = _names("charging_type", "charge_type", "billing_type")
    description: str | None = None
    category: Annotated[str | None, BeforeValidator(_name)] = _names("category", "category_name")
    sub_category: RefField = _names("sub_category", "subcategory")
    contact_person: RefField = _names("contact_person", "contact", "contact_person_name")
    availability_status: str | None = _names("availability_status", "availability", "status")
    lab: RefField = _names("lab", "account", "lab_id", "account_id")
    manufacturing_year: str | None = None
    serial_number: str | None = None


class BookingEquipment(ApiModel):
    """The booked equipment as a booking embeds it."""

    id: int | None = None
    name: str | None = None
    room: str | None = None


class Person(ApiModel):
    """Who requested a booking (a booking reads it from an object, an id, a plain name, or
    first and last names)."""

    id: int | None = None
    name: str | None = _names("name", "full_name", "display_name")
    email: str | None = None


FLAT_NESTING: dict[str, tuple[tuple[str, str], ...]] = {
    "equipment": (("equipment_id", "id"), ("equipment_name", "name"), ("equipment_room", "room")),
    "requester": (
        ("requester_id", "id"),
        ("requester_name", "name"),
        ("requester_email", "email"),
        ("requester_first_name", "first_name"),
        ("requester_last_name", "last_name"),
        ("user_id", "id"),
    ),
    "requester_account": (
        ("requester_account_id", "id"),
        ("requester_account_name", "name"),
    ),
    "provider_account": (("provider_account_id", "id"), ("provider_account_name", "name")),
    "group": (("group_id", "id"), ("group_name", "name"), ("requester_group_name", "name")),
    "project": (("project_id", "id"), ("project_name", "name")),
}
_FLAT_INDEX = {
    flat: (field, inner) for field, pairs in FLAT_NESTING.items() for flat, inner in pairs
}
FLAT_FIELDS = frozenset(_FLAT_INDEX)
"""Flat `…_id`/`…_name` fields a booking may carry instead of nested objects."""


def _nested(record: dict[str, Any], flat: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Flat `equipment_id`/`equipment_name` (and kin), gathered by field, as the nested
    objects they stand for (a field already given as an object wins)."""
    fixes: dict[str, Any] = {}
    for field, nested in flat.items():
        current = record.get(field)
        if current.__class__ is dict:
            continue
        bare = _ref(current) if current is not None else None
        fixes[field] = {**bare, **nested} if isinstance(bare, dict) else nested
    requester = fixes.get("requester")
    if requester is not None and not requester.get("name"):
        fixes["requester"] = _person(requester)
    return fixes


def _person(value: Any) -> Any:
    """A person from an object, an id, a plain name, or first and last names."""
    if isinstance(value, dict):
        if value.get("name"):
            return value
        parts = [value.get(part) for part in ("first_name", "last_name")]
        words = [part.strip() for part in parts if isinstance(part, str) and part.strip()]
        return {**value, "name": " ".join(words)} if words else value
    return _ref(value)


def _minutes(value: Any) -> Any:
    """Minutes from any duration; the value as it was when unreadable, for pydantic to
    refuse in the field's name (the field is dropped, not the booking)."""
    try:
        return parse_duration(value)
    except ValueError:
        return value


_TIMES = (
    *("start_time", "starts_at", "start_at", "start", "from", "start_date"),
    *("end_time", "ends_at", "end_at", "end", "to", "end_date"),
    *("requested_at", "created_at"),
)
_DURATIONS = ("duration", "duration_minutes", "duration_in_minutes")
_REFS = (
    *("equipment", "instrument", "requester_account", "requester_lab"),
    *("provider_account", "provider_lab", "lab", "group", "requester_group", "project"),
)
_PEOPLE = ("requester", "user", "booked_by", "requested_by")
_NAMES = ("category", "booking_category")
_KINDS: dict[str, str | tuple[str, str]] = {
    **_FLAT_INDEX,
    **dict.fromkeys(_TIMES, "time"),
    **dict.fromkeys(_DURATIONS, "duration"),
    **dict.fromkeys(_REFS, "ref"),
    **dict.fromkeys(_PEOPLE, "person"),
    **dict.fromkeys(_NAMES, "name"),
}
"""What a booking key needs before pydantic reads it (a flat key: the field and inner name it
fills); keys not here need nothing."""


@functools.cache
def _kinds_of(model: type[BaseModel]) -> dict[str, str | tuple[str, str]]:
    """`_KINDS` for the keys that fill one of `model`'s fields: a list item skips the rest."""
    names = {
        choice
        for field, info in model.model_fields.items()
        for choice in (
            info.validation_alias.choices
            if isinstance(info.validation_alias, AliasChoices)
            else (field,)
        )
    }
    return {
        key: kind
        for key, kind in _KINDS.items()
        if (kind[0] in model.model_fields if isinstance(kind, tuple) else key in names)
    }


class Booking(ApiModel):
    """A booking as lists give it, modelled on the booking export's columns (no sample is
    published): the fields answers, digests and the App Home read. Booking Details reads the
    rest (`BookingDetails`); lists skip them, since thousands of bookings are read at a time.

    Bookings come by the thousand, so their fields are plain types that pydantic reads
    natively (ISO 8601 with or without a zone, epoch seconds, numeric minutes); one Python pass
    before it (`_any_shape`) handles only what it cannot: Ruby's times, worded durations,
    references given as an id or a name, people as names, flat `…_id`/`…_name` fields.
    """

    id: int | None = _names("id", "booking_id")
    status: str | None = _names("status", "state", "booking_status")
    category: str | None = _names(*_NAMES)
    start_time: datetime | None = _names(*_TIMES[:6])
    end_time: datetime | None = _names(*_TIMES[6:12])
    duration: int | None = _names(*_DURATIONS)
    notes: str | None = _names("notes", "note", "comment", "comments")
    equipment: BookingEquipment | None = _names("equipment", "instrument")
    requester: Person | None = _names(*_PEOPLE)
    provider_account: Ref | None = _names("provider_account", "provider_lab", "lab")
    cost: str | None = _names("cost", "price", "total_cost")
    currency: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _any_shape(cls, value: Any) -> Any:
        """One pass over the record's own keys: most need nothing, and a server's shape
        decides which few do."""
        if not isinstance(value, dict):
            return value
        fixes: dict[str, Any] = {}
        flat: dict[str, dict[str, Any]] = {}
        kinds = _kinds_of(cls)
        for key, item in value.items():
            kind = kinds.get(key)
            if kind is None or item is None:
                continue
            if kind.__class__ is tuple:  # first: a flat server sends a dozen of these a record
                field, inner = kind
                nested = flat.get(field)
                if nested is None:
                    nested = flat[field] = {}
                nested[inner] = item
            elif kind == "time":
                if item.__class__ is str:
                    if len(item) > 20 and " " in item[-7:]:
                        fixes[key] = ruby_time(item)  # "… 09:00:00 +0000", "… UTC"
                    elif not item.strip():
                        fixes[key] = None  # blank means "not set", not "unreadable"
            elif kind == "duration":
                if item.__class__ is not int:
                    fixes[key] = _minutes(item)
            elif kind == "ref":
                if item.__class__ is not dict:
                    fixes[key] = _ref(item)
            elif kind == "person":
                if item.__class__ is not dict or not item.get("name"):
                    fixes[key] = _person(item)
            elif item.__class__ is dict:  # a name given as an object
                fixes[key] = _name(item)
        if flat:
            fixes.update(_nested(value, flat))
        return {**value, **fixes} if fixes else value

    def is_requested_by(self, user_id: int | None, name: str | None) -> bool:
        """Whether this user requested it: by id, or by name when the server names the
        requester without an id (some send only "Zoë Ångström")."""
        requester = self.requester
        if requester is None:
            return False
        if requester.id is not None:
            return requester.id == user_id
        return bool(name) and _folded(requester.name) == _folded(name)

    @property
    def ends_at(self) -> datetime | None:
        """The end time, or start + duration when the end is missing."""
        if self.end_time is not None:
            return self.end_time
        if self.start_time is not None and self.duration is not None:
            return self.start_time + timedelta(minutes=self.duration)
        return None


class BookingDetails(Booking):
    """GET /bookings/{id}: one booking in full, with what only its details page shows."""

    booking_type: str | None = _names("booking_type", "type")
    requester_account: Ref | None = _names("requester_account", "requester_lab")
    group: Ref | None = _names("group", "requester_group")
    project: Ref | None = None
    requested_at: datetime | None = _names(*_TIMES[12:])


class GroupSummary(ApiModel):
    """An item of GET /groups."""

    id: int | None = _names("id", "group_id")
    name: str | None = _names("name", "title")


class Group(ApiModel):
    """GET /groups/{id}: a group and its equipment."""

    id: int | None = _names("id", "group_id")
    name: str | None = _names("name", "title")
    equipment: RefList = Field(
        default_factory=list,
        validation_alias=AliasChoices(
            "equipment", "equipment_ids", "equipments", "instruments", "items"
        ),
    )


class User(ApiModel):
    """The user who owns the credential."""

    id: int | None = _names("id", "user_id")
    first_name: str | None = None
    last_name: str | None = None
    name: str | None = _names("name", "full_name", "display_name")
    email: OptionalText = None
    """Not in the published schema: read when the server sends it, else unknown."""

    @property
    def display_name(self) -> str:
        """First and last name (else the one name), else the id: a reply never shows "None"."""
        parts = [part.strip() for part in (self.first_name, self.last_name) if part]
        name = " ".join(part for part in parts if part) or (self.name or "").strip()
        if name:
            return name
        return f"user {self.id}" if self.id is not None else "unknown user"
