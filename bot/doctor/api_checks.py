"""Each of the API's ten operations called once as a linked user, and what came back, read the
way the bot reads it: paging style, fields recognised and unknown, time formats and the zone
naive times are placed in, records skipped and why, statuses never seen before.

Details operations use an id the lists just gave (a lab, an instrument, a booking, a group).
Nothing personal is reported: field names, counts, formats and status words only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from bot.clustermarket.client import ClustermarketClient
from bot.clustermarket.errors import ClustermarketError, MissingScope
from bot.clustermarket.models import (
    Account,
    AccountSummary,
    Booking,
    BookingDetails,
    Equipment,
    EquipmentSummary,
    Group,
    GroupSummary,
    User,
)
from bot.clustermarket.operations import OPERATIONS, Operation
from bot.clustermarket.paging import hints_from
from bot.clustermarket.reading import field_names, list_body, one_body, read_items, read_one
from bot.clustermarket.statuses import is_known_availability, is_known_status
from bot.clustermarket.times import time_format, zone_named
from bot.clustermarket.tokens import UserKey
from bot.clustermarket.zones import is_naive, place, unplaceable
from bot.doctor.report import Check, Level

_TIME_FIELDS = ("start_time", "end_time", "requested_at")


@dataclass
class Seen:
    """What one answer held, in the bot's terms."""

    sent: int = 0
    read: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    recognised: set[str] = field(default_factory=set)
    unknown: set[str] = field(default_factory=set)
    formats: Counter[str] = field(default_factory=Counter)
    zones: set[str] = field(default_factory=set)
    zone_names: set[str] = field(default_factory=set)
    unseen: set[str] = field(default_factory=set)
    paging: str | None = None

    def notes(self) -> tuple[str, ...]:
        lines = []
        if self.paging:
            lines.append(f"paging: {self.paging}")
        lines.append(f"fields recognised: {', '.join(sorted(self.recognised)) or 'none'}")
        if self.unknown:
            lines.append(f"fields not used: {', '.join(sorted(self.unknown))}")
        if self.formats:
            kinds = ", ".join(f"{kind} ×{count}" for kind, count in self.formats.most_common())
            lines.append(f"times: {kinds}")
        if self.zones:
            zones = ", ".join(sorted(self.zones))
            lines.append(f"times without a zone read in the lab's zone: {zones}")
        if self.zone_names:
            lines.append(f"time zone names: {', '.join(sorted(self.zone_names))}")
        if self.skipped:
            why = ", ".join(f"{reason} ×{count}" for reason, count in self.skipped.most_common())
            lines.append(f"records skipped: {why}")
        if self.unseen:
            lines.append(f"statuses never seen before: {', '.join(sorted(self.unseen))}")
        return tuple(lines)

    def facts(self) -> dict[str, Any]:
        return {
            "paging": self.paging,
            "records_sent": self.sent,
            "records_read": self.read,
            "records_skipped": dict(self.skipped),
            "fields_recognised": sorted(self.recognised),
            "fields_unknown": sorted(self.unknown),
            "time_formats": dict(self.formats),
            "zones_assumed": sorted(self.zones),
            "zone_names": sorted(self.zone_names),
            "statuses_unseen": sorted(self.unseen),
        }

    @property
    def level(self) -> Level:
        return "WARN" if self.skipped or self.unseen else "OK"

    def zone_name(self, value: object) -> None:
        """An account's zone as the server names it, and how cmbot reads it."""
        if not isinstance(value, str) or not value.strip():
            return
        zone = zone_named(value)
        if zone is None:
            self.unseen.add(f"time zone {value!r}")
        else:
            read = "" if zone.key == value.strip() else f" (read as {zone.key})"
            self.zone_names.add(f"{value.strip()}{read}")


def _inspect(model: type[BaseModel], records: Iterable[Any], seen: Seen) -> None:
    names = field_names(model)
    for record in records:
        if not isinstance(record, Mapping):
            continue
        for key, value in record.items():
            target = names.get(key)
            (seen.recognised if target else seen.unknown).add(key)
            if target in _TIME_FIELDS:
                kind = time_format(value)
                if kind:
                    seen.formats[kind] += 1
            elif target == "timezone":
                seen.zone_name(value)
            elif isinstance(value, str) and _unseen(model, target, value):
                seen.unseen.add(value)


def _unseen(model: type[BaseModel], field: str | None, value: str) -> bool:
    """A booking status or an availability word cmbot has no word for."""
    if field == "status" and issubclass(model, Booking):
        return not is_known_status(value)
    return field == "availability_status" and not is_known_availability(value)


class OperationChecks:
    """Calls the ten operations in an order that finds the ids the details calls need."""

    def __init__(self, client: ClustermarketClient, key: UserKey) -> None:
        self.client = client
        self.key = key
        self.api = client.for_user(key)
        self.checks: list[Check] = []

    async def run(self) -> list[Check]:
        ops = {op.name: op for op in OPERATIONS}
        await self._one(ops["User Resource Owner"], self.client.user_path, User)
        listed = await self._list(ops["List Accounts"], "/accounts", AccountSummary, {})
        accounts = [item for item in listed if isinstance(item, AccountSummary)]
        lab = await self._lab(ops["Account Details"], accounts)
        scoped = {"account": lab} if lab is not None else {}
        equipment = await self._list(ops["List Equipment"], "/equipment", EquipmentSummary, scoped)
        instrument = next((item.id for item in equipment if item.id is not None), None)
        await self._with_id(ops["Equipment Details"], "/equipment/{id}", Equipment, instrument)
        await self._with_id(
            ops["Equipment Bookings"], "/equipment/{id}/bookings", Booking, instrument, lab
        )
        bookings = await self._list(ops["List Bookings"], "/bookings", Booking, {}, lab)
        booking = next((item.id for item in bookings if item.id is not None), None)
        await self._with_id(ops["Booking Details"], "/bookings/{id}", BookingDetails, booking)
        groups = await self._list(ops["List Groups"], "/groups", GroupSummary, scoped)
        group = next((item.id for item in groups if item.id is not None), None)
        await self._with_id(ops["Group Details"], "/groups/{id}", Group, group)
        return self.checks

    async def _lab(self, op: Operation, accounts: list[AccountSummary]) -> int | None:
        """Account Details of the first lab, or of the first account that does not say its
        type; the lab to scope the lists to (an organisation's or department's first lab)."""
        labs = [item.id for item in accounts if item.id is not None and item.is_lab]
        unsure = [item.id for item in accounts if item.id is not None and item.kind is None]
        candidates = labs or unsure
        chosen = candidates[0] if candidates else None
        detail = await self._with_id(op, "/accounts/{id}", Account, chosen)
        if isinstance(detail, Account) and detail.kind != "lab":
            visible = {item.id for item in accounts}
            below = [ref.id for ref in detail.labs if ref.id in visible and ref.id is not None]
            return below[0] if below else chosen
        return chosen

    def _add(self, op: Operation, level: Level, said: str, seen: Seen | None = None) -> None:
        facts = {"operation": op.name, "path": op.path, **(seen.facts() if seen else {})}
        notes = seen.notes() if seen else ()
        self.checks.append(Check(level, op.name, said, facts, notes))

    async def _get(self, op: Operation, path: str, params: Mapping[str, str | int]) -> Any:
        try:
            return await self.client.raw_get(self.key, path, params)
        except MissingScope as missing:
            self._add(op, "FAIL", f"refused: the token lacks the {missing.scope or op.scope} scope")
        except ClustermarketError as error:
            self._add(op, "FAIL", f"failed: {error}")
        return None

    async def _list(
        self,
        op: Operation,
        path: str,
        model: type[BaseModel],
        params: Mapping[str, str | int],
        lab: int | None = None,
    ) -> list[Any]:
        answered = await self._get(op, path, {**params, "page": 1, "per_page": 100})
        if answered is None:
            return []
        response, data = answered
        body = list_body(data)
        if body is None:
            self._add(op, "FAIL", "answered something that holds no list")
            return []
        records, envelope = body
        seen = Seen(sent=len(records), paging=hints_from(response, envelope).style)
        _inspect(model, records, seen)
        items, skipped = read_items(model, records, page=1)
        seen.skipped.update(skip.reason for skip in skipped)
        bookings = [item for item in items if isinstance(item, Booking)]
        if any(is_naive(booking) for booking in bookings):
            zones = await self.api.lab_zones()
            placed, unplaced, seen.zones = place(bookings, zones, lab_hint=lab)
            items = list(placed)
            seen.skipped.update(unplaceable(booking, path).reason for booking in unplaced)
        seen.read = len(items)
        said = f"reachable; {seen.read} of {seen.sent} records on page 1 read"
        self._add(op, seen.level, said, seen)
        return items

    async def _with_id(
        self,
        op: Operation,
        template: str,
        model: type[BaseModel],
        record_id: int | None,
        lab: int | None = None,
    ) -> BaseModel | None:
        if record_id is None:
            self._add(op, "WARN", "not called: the list before it gave no id to ask for")
            return None
        path = template.format(id=record_id)
        if op.is_list:
            await self._list(op, path, model, {}, lab)
            return None
        return await self._one(op, path, model)

    async def _one(self, op: Operation, path: str, model: type[BaseModel]) -> BaseModel | None:
        answered = await self._get(op, path, {})
        if answered is None:
            return None
        _, data = answered
        record = one_body(data)
        seen = Seen(sent=1)
        _inspect(model, [record], seen)
        item, why = read_one(model, record)
        if item is None:
            seen.skipped[why or "unreadable"] += 1
            self._add(op, "FAIL", "answered a record that could not be read", seen)
            return None
        if isinstance(item, Booking) and is_naive(item):
            zones = await self.api.lab_zones()
            _, unplaced, seen.zones = place([item], zones, lab_hint=None)
            for booking in unplaced:
                seen.skipped[unplaceable(booking, path).reason] += 1
        seen.read = 1
        self._add(op, seen.level, "reachable; the record read", seen)
        return item
