"""Crafted records for renderer tests, and the checks every rendered reply must pass.

A plain module (not a conftest) so the test files can import the helpers by name.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

from bot.clustermarket.models import Booking, BookingEquipment, EquipmentSummary, Person, Ref
from bot.fake_slack.blocks import MAX_MESSAGE_BLOCKS, block_errors
from bot.render import EquipmentEntry, LabInfo, Reply

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 3, 25, 13, 5, tzinfo=LONDON)
GENOMICS = LabInfo(104, "Genomics Core Facility", "Europe/London", "Biochemistry", "Northbridge")
STRUCTURAL = LabInfo(105, "Structural Biology Lab", "Europe/London", "Biochemistry", "Northbridge")
NANODROP = EquipmentEntry(
    4105,
    "NanoDrop One",
    GENOMICS,
    EquipmentSummary(
        id=4105,
        name="NanoDrop One",
        room="G.12 QC Lab",
        availability_status="Available",
        contact_person=Ref(id=15003, name="José Núñez"),
    ),
)
JOSE = Person(id=15003, name="José Núñez", email="jose.nunez@northbridge.ac.uk")
ZOE = Person(id=15001, name="Zoë Ångström", email="zoe.angstrom@northbridge.ac.uk")


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=LONDON)


def booking(
    start: dt.datetime | None,
    end: dt.datetime | None,
    *,
    id: int = 1,
    status: str | None = "approved",
    category: str | None = "Use",
    equipment: str | None = "NanoDrop One",
    requester: Person | None = JOSE,
    notes: str | None = None,
    cost: str | None = None,
    currency: str | None = None,
) -> Booking:
    return Booking(
        id=id,
        status=status,
        category=category,
        start_time=start,
        end_time=end,
        equipment=BookingEquipment(id=4105, name=equipment, room="G.12 QC Lab"),
        requester=requester,
        notes=notes,
        cost=cost,
        currency=currency,
    )


def walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every dict in a block tree."""
    if isinstance(node, dict):
        yield node
        for item in node.values():
            yield from walk(item)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def buttons(reply: Reply) -> list[dict[str, Any]]:
    return [node for node in walk(reply.blocks) if node.get("type") == "button"]


def check(reply: Reply, *, most: int = MAX_MESSAGE_BLOCKS) -> str:
    """What every reply must be: valid Block Kit within the limits, a fallback text, action ids
    unique, never "None"; returns the JSON for further assertions."""
    assert reply.text.strip()
    assert len(reply.text) <= 3000
    assert "<" not in reply.text and ">" not in reply.text  # escaped: no mention, no link
    assert re.fullmatch(r"(?:[^&]|&(?:amp|lt|gt);)*", reply.text, re.DOTALL), reply.text
    assert not re.search(r"&amp;(?:amp|lt|gt);", reply.text), reply.text  # escaped once
    assert block_errors(reply.blocks, most=most) == []
    action_ids = [button["action_id"] for button in buttons(reply)]
    assert len(action_ids) == len(set(action_ids))
    dumped = json.dumps(reply.blocks, ensure_ascii=False) + reply.text
    assert "None" not in dumped
    return dumped
