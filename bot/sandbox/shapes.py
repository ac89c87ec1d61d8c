"""The world's records written as JSON in one dialect (the reference: exactly openapi.yaml).

Each record is written once per sandbox and kept: the world never changes, and a benchmark
should measure the client, not the sandbox writing the same booking again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.sandbox.dialects import Dialect
from bot.sandbox.seed import Account, Booking, Equipment, Group, SandboxData, User

Json = dict[str, Any]

RAILS_NAMES = {
    "Europe/London": "London",
    "Asia/Tokyo": "Tokyo",
    "America/New_York": "Eastern Time (US & Canada)",
}
"""Rails' names for the zones the seeded labs use (ActiveSupport::TimeZone::MAPPING)."""

UNREADABLE_EQUIPMENT = 4151
"""The instrument whose lists get unreadable bookings in the "messy" dialect."""
ON_HOLD_BOOKING = 99000003
"""The messy dialect's readable extra booking, with a status never seen before."""


def _duration(minutes: int, style: str) -> object:
    hours, rest = divmod(minutes, 60)
    if style == "words":
        words = [f"{hours}h" if hours else "", f"{rest}m" if rest else ""]
        return " ".join(word for word in words if word) or "0m"
    if style == "iso":
        return "PT" + (f"{hours}H" if hours else "") + (f"{rest}M" if rest or not hours else "")
    return minutes


def _ref(ref: Any) -> Json | None:
    return None if ref is None else ref.json()


class Shapes:
    """Writes records of one world in one dialect."""

    def __init__(self, data: SandboxData, dialect: Dialect) -> None:
        self.data = data
        self.dialect = dialect
        self._bookings: dict[int, Json] = {}
        self._zones: dict[str, ZoneInfo] = {}

    # -- small pieces ------------------------------------------------------------------------

    def _zone(self, lab: Account) -> ZoneInfo:
        zone = self._zones.get(lab.timezone)
        if zone is None:
            zone = self._zones[lab.timezone] = ZoneInfo(lab.timezone)
        return zone

    def time(self, moment: datetime | None, lab: Account) -> object:
        if moment is None:
            return None
        style = self.dialect.times
        if style == "naive_local":
            return moment.astimezone(self._zone(lab)).strftime("%Y-%m-%d %H:%M:%S")
        if style == "offset_local":
            return moment.astimezone(self._zone(lab)).isoformat()
        if style == "epoch":
            return int(moment.timestamp())
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def stamp(self, moment: datetime | None, lab: Account) -> object:
        """When something happened: Rails writes Ruby's default format in UTC."""
        if moment is not None and self.dialect.times == "naive_local":
            return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S +0000")
        return self.time(moment, lab)

    def one(self, record: Json) -> object:
        """A single record as a details endpoint answers it."""
        return {"data": record} if self.dialect.envelope else record

    def _lab_ref(self, account_id: int | None) -> Json | None:
        return None if account_id is None else self.data.accounts[account_id].ref.json()

    # -- accounts ------------------------------------------------------------------------------

    def account_summary(self, account: Account) -> Json:
        dialect = self.dialect
        record: Json = {"id": account.id, "name": account.name}
        kind = dialect.account_kinds.get(account.account_type, account.account_type)
        if dialect.account_type != "none":
            record[dialect.account_type] = kind
        return record

    def account_detail(self, account: Account) -> Json:
        data = self.data
        zone_key = "time_zone" if self.dialect.rails_zones else "timezone"
        zone = RAILS_NAMES.get(account.timezone, account.timezone)
        return {
            **self.account_summary(account),
            "sector": account.sector,
            "description": account.description,
            zone_key: zone if self.dialect.rails_zones else account.timezone,
            "department": self._lab_ref(account.department_id),
            "organisation": self._lab_ref(account.organisation_id),
            "labs": [lab.ref.json() for lab in data.child_labs(account.id)],
            "departments": [dept.ref.json() for dept in data.child_departments(account.id)],
        }

    # -- equipment -----------------------------------------------------------------------------

    def _contact(self, equipment: Equipment) -> Json | None:
        person_id = equipment.contact_person_id
        person = None if person_id is None else self.data.person(person_id)
        return None if person is None else {"id": person.id, "name": person.name}

    def _availability(self, equipment: Equipment) -> str:
        status = equipment.availability_status
        return self.dialect.availability.get(status, status)

    def equipment_summary(self, equipment: Equipment) -> Json:
        dialect = self.dialect
        record: Json = {
            "id": equipment.id,
            "name": equipment.name,
            "description": equipment.description,
            "room": equipment.room,
            dialect.availability_key: self._availability(equipment),
            "model": equipment.model,
            "manufacturer": equipment.manufacturer,
            "sub_category": _ref(equipment.sub_category),
            "contact_person": self._contact(equipment),
        }
        if dialect.flat_refs:
            contact = record.pop("contact_person")
            record["contact_person_name"] = contact["name"] if contact else None
            sub = equipment.sub_category
            record["sub_category"] = sub.name if sub else None
        return record

    def equipment_detail(self, equipment: Equipment) -> Json:
        lab = self.data.accounts[equipment.lab_id]
        record: Json = {
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
        if self.dialect.flat_refs:
            record["category"] = equipment.category
            record["lab_id"] = record.pop("lab")["id"]
        return record

    # -- bookings ------------------------------------------------------------------------------

    def booking(self, booking: Booking) -> Json:
        record = self._bookings.get(booking.id)
        if record is None:
            record = self._bookings[booking.id] = self._booking(booking)
        return record

    def _booking(self, booking: Booking) -> Json:
        data, dialect = self.data, self.dialect
        equipment = data.equipment[booking.equipment_id]
        lab = data.accounts[booking.provider_lab_id]
        requester = None if booking.requester_id is None else data.person(booking.requester_id)
        start_key, end_key = dialect.time_fields
        record: Json = {
            "id": booking.id,
            "status": dialect.statuses.get(booking.status, booking.status),
            "booking_type": booking.booking_type,
            "category": booking.category,
            start_key: self.time(booking.start, lab),
            end_key: self.time(booking.end, lab),
            "duration": _duration(booking.duration, dialect.durations),
            "notes": booking.notes,
            "equipment": {"id": equipment.id, "name": equipment.name, "room": equipment.room},
            "requester": self._person(requester),
            "requester_account": self._lab_ref(booking.requester_account_id),
            "provider_account": lab.ref.json(),
            "group": _ref(booking.group),
            "project": _ref(booking.project),
            "cost": booking.cost,
            "currency": booking.currency,
            "requested_at": self.stamp(booking.requested_at, lab),
        }
        return self._flattened(record) if dialect.flat_refs else record

    def _person(self, person: User | None) -> object:
        if person is None:
            return None
        style = self.dialect.people
        if style == "name":
            return person.name
        if style == "first_last":
            return {
                "id": person.id,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": person.email,
            }
        return {"id": person.id, "name": person.name, "email": person.email}

    @staticmethod
    def _flattened(record: Json) -> Json:
        """Rails' flat columns: `equipment_id`, `requester_name`… and `created_at`."""
        flat: Json = {}
        for key, value in record.items():
            if isinstance(value, dict):
                for inner, inner_value in value.items():
                    flat[f"{key}_{inner}"] = inner_value
            elif key == "requested_at":
                flat["created_at"] = value
            elif value is not None or key not in ("requester", "group", "project"):
                flat[key] = value
        return flat

    # -- groups and users ----------------------------------------------------------------------

    def group_summary(self, group: Group) -> Json:
        return {"id": group.id, "name": group.name}

    def group_detail(self, group: Group) -> Json:
        if self.dialect.flat_refs:
            return {"id": group.id, "name": group.name, "equipment_ids": list(group.equipment_ids)}
        return {
            "id": group.id,
            "name": group.name,
            "equipment": [
                {"id": equipment_id, "name": self.data.equipment[equipment_id].name}
                for equipment_id in group.equipment_ids
            ],
        }

    def user(self, user: User, *, with_email: bool = True) -> Json:
        """The user endpoint's answer; `email` is beyond the published schema, so optional."""
        shown: Json
        if self.dialect.people == "name":
            shown = {"id": user.id, "name": user.name}
        else:
            shown = {"id": user.id, "first_name": user.first_name, "last_name": user.last_name}
        if with_email and user.email is not None:
            shown["email"] = user.email
        return shown

    # -- the "messy" dialect's extras --------------------------------------------------------

    def _messy(self, labs: frozenset[int]) -> Equipment | None:
        """The instrument that gets unreadable records, when this user sees its lab."""
        instrument = self.data.equipment[UNREADABLE_EQUIPMENT]
        return instrument if self.dialect.unreadable and instrument.lab_id in labs else None

    def extra_bookings(self, labs: frozenset[int], equipment_id: int | None = None) -> list[object]:
        """Unreadable bookings of one instrument, and one with a status never seen before."""
        instrument = self._messy(labs)
        if instrument is None or equipment_id not in (None, instrument.id):
            return []
        equipment = {"id": instrument.id, "name": instrument.name}
        return [
            {"id": 99000001, "status": "approved", "start_time": "after lunch",
             "end_time": None, "equipment": equipment},
            "booking 99000002 could not be exported",
            self._on_hold(instrument),
        ]  # fmt: skip

    def _on_hold(self, instrument: Equipment) -> Json:
        lab = self.data.accounts[instrument.lab_id]
        day = datetime.combine(self.data.today, datetime.min.time(), self._zone(lab))
        return {
            "id": ON_HOLD_BOOKING,
            "status": "on_hold",
            "category": "Use",
            "equipment": {"id": instrument.id, "name": instrument.name},
            "start_time": self.time(day.replace(hour=15), lab),
            "end_time": self.time(day.replace(hour=16), lab),
            "provider_account": lab.ref.json(),
        }

    def extra_booking(self, booking_id: int, labs: frozenset[int]) -> Json | None:
        """The readable extra booking, as Booking Details answers it."""
        instrument = self._messy(labs)
        if instrument is None or booking_id != ON_HOLD_BOOKING:
            return None
        return self._on_hold(instrument)

    def extra_equipment(self, labs: frozenset[int]) -> list[object]:
        if self._messy(labs) is None:
            return []
        return [{"id": "four-one-five-nine", "name": "A record with a broken id"}]

    def extra_groups(self, labs: frozenset[int]) -> list[object]:
        return [] if self._messy(labs) is None else [[208, "Imaging"]]
