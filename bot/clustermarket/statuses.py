"""The one table of booking statuses and instrument availability, with a policy for each.

Clustermarket publishes no list of booking statuses, and real servers spell them their own way
("Cancelled", "canceled", "rejected"), so the policy is: the words below that end a booking
do not hold the instrument; every other word, including one never seen before, counts as
booked and is shown with its own name. Saying "free" while a colleague is on the instrument
costs a user more than the reverse.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StatusPolicy:
    """How one booking status is shown and whether the booking holds the instrument."""

    emoji: str
    label: str
    holds: bool
    known: bool = True


BOOKING_STATUSES: dict[str, StatusPolicy] = {
    "approved": StatusPolicy("✅", "Approved", holds=True),
    "confirmed": StatusPolicy("✅", "Confirmed", holds=True),
    "accepted": StatusPolicy("✅", "Accepted", holds=True),
    "requested": StatusPolicy("⏳", "Requested", holds=True),
    "pending": StatusPolicy("⏳", "Pending", holds=True),
    "awaiting approval": StatusPolicy("⏳", "Awaiting approval", holds=True),
    "in progress": StatusPolicy("▶️", "In progress", holds=True),
    "completed": StatusPolicy("✔️", "Completed", holds=True),
    "finished": StatusPolicy("✔️", "Finished", holds=True),
    "ordered": StatusPolicy("🧾", "Ordered", holds=True),
    "cancelled": StatusPolicy("🚫", "Cancelled", holds=False),
    "canceled": StatusPolicy("🚫", "Cancelled", holds=False),
    "declined": StatusPolicy("⛔", "Declined", holds=False),
    "rejected": StatusPolicy("⛔", "Rejected", holds=False),
    "denied": StatusPolicy("⛔", "Denied", holds=False),
    "expired": StatusPolicy("⌛", "Expired", holds=False),
    "deleted": StatusPolicy("🗑", "Deleted", holds=False),
    "withdrawn": StatusPolicy("↩️", "Withdrawn", holds=False),
}
"""Keys are folded: lower case, `_` and `-` read as spaces."""


def _fold(status: str) -> str:
    return " ".join(status.replace("_", " ").replace("-", " ").casefold().split())


def status_policy(status: str | None) -> StatusPolicy | None:
    """The policy for `status`; an unknown word holds the instrument and keeps its own name;
    None when there is no status at all (which also holds it: see `is_active`)."""
    if status is None or not status.strip():
        return None
    known = BOOKING_STATUSES.get(_fold(status))
    if known is not None:
        return known
    words = " ".join(status.replace("_", " ").split())
    return StatusPolicy("•", words.capitalize(), holds=True, known=False)


def is_active(status: str | None) -> bool:
    """Whether a booking holds the equipment: only the ending words above do not."""
    policy = status_policy(status)
    return policy is None or policy.holds


def is_known_status(status: str | None) -> bool:
    """Whether cmbot has a word for `status` (the doctor reports the others)."""
    policy = status_policy(status)
    return policy is None or policy.known


_UNAVAILABLE_WORDS = (
    "unavailable",
    "not available",
    "maintenance",
    "out of order",
    "out of service",
    "broken",
    "retired",
    "decommissioned",
    "repair",
    "offline",
    "disabled",
    "inactive",
)


_AVAILABLE_WORDS = ("available", "active", "bookable", "operational", "online", "in service")


def is_known_availability(availability_status: str | None) -> bool:
    """Whether cmbot has a word for an availability status (the doctor reports the others;
    they are read as "not available" all the same)."""
    if availability_status is None or not availability_status.strip():
        return True
    folded = _fold(availability_status)
    return folded == "ok" or any(
        word in folded for word in (*_UNAVAILABLE_WORDS, *_AVAILABLE_WORDS)
    )


def is_available(availability_status: str | None) -> bool:
    """Whether an instrument may be called free: a missing status says nothing against it;
    "Available" (any case) is available; any other word (maintenance, out of order, retired,
    broken, or one never seen before) is not."""
    if availability_status is None or not availability_status.strip():
        return True
    folded = _fold(availability_status)
    if any(word in folded for word in _UNAVAILABLE_WORDS):
        return False
    return folded == "ok" or folded.startswith(_AVAILABLE_WORDS)
