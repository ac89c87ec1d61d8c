"""Reading records one at a time: a bad one is skipped and counted, never the whole list.

A field that cannot be read is dropped and the record read again without it, unless the
record means nothing without that field (a booking without a readable start, an instrument
without an id): then the record is skipped, with where and why. Bodies may be a bare array or
an envelope (`data`, `bookings`, `items`, `results`… beside `meta`); one record may come
wrapped as `{"data": {...}}` or `{"booking": {...}}`.

Pages come by the dozen, so a page is first read whole, in one call into pydantic (straight
from the answer's bytes when it is a bare array); only a page where that fails, or where a
booking cannot be placed on a timeline, is read again record by record, which is exactly as
tolerant and says which record failed and why.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

import httpx
from pydantic import AliasChoices, BaseModel, TypeAdapter, ValidationError

from bot.clustermarket.errors import BadResponse
from bot.clustermarket.listing import Skipped
from bot.clustermarket.models import (
    FLAT_NESTING,
    AccountSummary,
    Booking,
    BookingDetails,
    EquipmentSummary,
    GroupSummary,
)
from bot.clustermarket.paging import Page, hints_from
from bot.clustermarket.times import parse_time
from bot.clustermarket.transport import check_answer, json_body, json_kind

M = TypeVar("M", bound=BaseModel)

LIST_KEYS = ("data", "items", "results", "records", "bookings", "equipment", "accounts", "groups")
"""Where an envelope keeps its list, in the order they are looked for."""
ONE_KEYS = ("data", "booking", "equipment", "account", "group", "user", "record", "result")
"""Where a wrapped single record sits."""

_NEEDS: dict[type[BaseModel], frozenset[str]] = {
    Booking: frozenset({"start_time"}),
    BookingDetails: frozenset({"start_time"}),
    EquipmentSummary: frozenset({"id"}),
    AccountSummary: frozenset({"id"}),
    GroupSummary: frozenset({"id"}),
}
"""Fields without which a list item means nothing: unreadable, the item is skipped."""


def field_names(model: type[BaseModel]) -> dict[str, str]:
    """Every name a server may use for a field of `model`, to the field it fills."""
    names: dict[str, str] = {}
    for field, info in model.model_fields.items():
        names[field] = field
        alias = info.validation_alias
        if isinstance(alias, AliasChoices):
            for choice in alias.choices:
                if isinstance(choice, str):
                    names.setdefault(choice, field)
    if issubclass(model, Booking):
        for field, pairs in FLAT_NESTING.items():
            if field in model.model_fields:
                for flat, _ in pairs:
                    names.setdefault(flat, field)
    return names


_NAMES: dict[type[BaseModel], dict[str, str]] = {}


def _names_of(model: type[BaseModel]) -> dict[str, str]:
    known = _NAMES.get(model)
    if known is None:
        known = _NAMES[model] = field_names(model)
    return known


def list_body(data: Any) -> tuple[list[Any], Mapping[str, Any]] | None:
    """The records of a list answer and its envelope (empty for a bare array); None when the
    answer holds no list at all."""
    if isinstance(data, list):
        return data, {}
    if not isinstance(data, dict):
        return None
    for key in LIST_KEYS:
        records = data.get(key)
        if isinstance(records, list):
            return records, data
    return None


def one_body(data: Any) -> Any:
    """A single record, unwrapped from `{"data": {...}}` or `{"booking": {...}}`."""
    if isinstance(data, dict):
        extra = set(data) - {"meta", "links", "included"}
        if len(extra) == 1:
            (key,) = extra
            inner = data[key]
            if key in ONE_KEYS and isinstance(inner, dict):
                return inner
    return data


def read_one(model: type[M], raw: Any) -> tuple[M | None, str | None]:
    """`raw` as `model`, dropping fields that cannot be read; (None, why) when it is not a
    record at all or a field it cannot do without is unreadable."""
    if not isinstance(raw, dict):
        return None, "not an object"
    try:
        return model.model_validate(raw), None
    except ValidationError as error:
        bad = _bad_fields(model, error)
    needed = bad & _NEEDS.get(model, frozenset())
    if needed:
        return None, f"{', '.join(sorted(needed))} unreadable"
    names = _names_of(model)
    trimmed = {key: value for key, value in raw.items() if names.get(key) not in bad}
    try:
        return model.model_validate(trimmed), None
    except ValidationError as error:
        return None, f"{', '.join(sorted(_bad_fields(model, error)))} unreadable"


def _bad_fields(model: type[BaseModel], error: ValidationError) -> set[str]:
    names = _names_of(model)
    bad: set[str] = set()
    for problem in error.errors(include_url=False, include_input=False):
        location = problem["loc"]
        first = str(location[0]) if location else "record"
        bad.add(names.get(first, first))
    return bad


def read_list(
    model: type[M], response: httpx.Response, path: str, number: int, *, scope: str | None
) -> Page[M]:
    """One page of a list answer: its records as `model`, those skipped, its paging hints.

    `number` is the page's number (0 for a page reached by a `next` link); `scope` is the
    operation's, named if the answer is a 403 for want of it.
    """
    check_answer(response, path, scope=scope)
    content = response.content
    fingerprint = hash(content)
    if content.lstrip()[:1] == b"[":
        whole = _whole(model, content, json=True)
        if whole is not None:
            return Page(whole, len(whole), hints_from(response, {}), fingerprint=fingerprint)
    data = json_body(response, path, scope=scope)
    body = list_body(data)
    if body is None:
        raise BadResponse(
            f"Clustermarket answered {path} with a JSON {json_kind(data)} where a list was expected"
        )
    records, envelope = body
    items, skipped = read_items(model, records, page=number)
    return Page(items, len(records), hints_from(response, envelope), skipped, fingerprint)


@functools.cache
def _adapter(model: type[BaseModel]) -> TypeAdapter[list[Any]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def _whole(model: type[M], records: Any, *, json: bool) -> list[M] | None:
    """Every record of a page read in one call (`records` as the answer's bytes when `json`),
    or None when one of them needs reading on its own."""
    adapter = _adapter(model)
    try:
        read = adapter.validate_json if json else adapter.validate_python
        items: list[M] = read(records)
    except ValidationError:
        return None
    if model is Booking and any(_placeable(item) is not None for item in items):  # type: ignore[arg-type]
        return None
    return items


def read_items(model: type[M], records: list[Any], *, page: int) -> tuple[list[M], list[Skipped]]:
    """The readable records of one page and the skipped ones. Bookings must have a start and
    an end (or a duration); the end is filled in from the duration here."""
    whole = _whole(model, records, json=False)
    if whole is not None:
        return whole, []
    items: list[M] = []
    skipped: list[Skipped] = []
    for index, raw in enumerate(records):
        if raw is None:
            continue
        item, why = read_one(model, raw)
        if item is not None and isinstance(item, Booking):
            why = _placeable(item)
        if item is None or why is not None:
            where = f"page {page}, item {index + 1}" if page else f"a later page, item {index + 1}"
            skipped.append(_skipped(raw, where, why or "unreadable"))
            continue
        items.append(item)
    return items, skipped


def _placeable(booking: Booking) -> str | None:
    """Why a booking cannot be placed on a timeline, or None (filling in a missing end)."""
    if booking.start_time is None:
        return "no start time"
    if booking.end_time is None:
        if booking.duration is None:
            return "no end time or duration"
        booking.end_time = booking.start_time + timedelta(minutes=booking.duration)
    if (booking.start_time.tzinfo is None) != (booking.end_time.tzinfo is None):
        return "start and end times in different forms"
    if booking.end_time < booking.start_time:
        return "ends before it starts"
    return None


def _skipped(raw: Any, where: str, reason: str) -> Skipped:
    """What can still be told about an unreadable record: its id, instrument and times."""
    if not isinstance(raw, dict):
        return Skipped(where, reason)
    names = _names_of(Booking)
    times: dict[str, datetime] = {}
    for key, value in raw.items():
        field = names.get(key)
        if field in ("start_time", "end_time") and field not in times:
            moment = _aware_or_none(value)
            if moment is not None:
                times[field] = moment
    return Skipped(
        where,
        reason,
        record_id=_loose_int(raw.get("id")),
        equipment_id=_equipment_id(raw),
        start=times.get("start_time"),
        end=times.get("end_time"),
    )


def _aware_or_none(value: Any) -> datetime | None:
    try:
        moment = parse_time(value)
    except (ValueError, OverflowError):
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def _equipment_id(raw: Mapping[str, Any]) -> int | None:
    nested = raw.get("equipment")
    if isinstance(nested, dict):
        return _loose_int(nested.get("id"))
    return _loose_int(raw.get("equipment_id", nested))


def _loose_int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None
