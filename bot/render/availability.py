"""One vocabulary for availability, in every answer that speaks of it.

An instrument has two kinds of availability, and each answer must keep them apart, or the same
instrument reads "Available" in one answer and "Busy now" in the next:

- its *service*: whether Clustermarket lets anyone book it at all (in service, under
  maintenance, out of order); lists, cards, digests and Home show this;
- its *moment*: whether someone holds it right now (free now, busy now, or free as far as
  can be read); only answers that read its bookings can say this.

Every phrase for either is a row of `PHRASES`; renderers ask for a row, never write their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.clustermarket.statuses import is_available
from bot.render.text import escape, is_maintenance, one_line

Standing = Literal[
    "in_service", "maintenance", "unavailable", "free", "free_unsure", "busy",
    "free_window", "partly_free", "fully_booked", "unread",
]  # fmt: skip


@dataclass(frozen=True)
class Phrase:
    """How one standing reads: an emoji and words ("🔴", "Busy now")."""

    emoji: str
    words: str

    def badge(self, words: str | None = None) -> str:
        """'🔴 Busy now' (with `words` in place of the row's own, e.g. a status as written)."""
        return f"{self.emoji} {words or self.words}"


PHRASES: dict[Standing, Phrase] = {
    # service: what Clustermarket says of the instrument, whatever its bookings
    "in_service": Phrase("☑️", "In service"),
    "maintenance": Phrase("🛠", "Under maintenance"),
    "unavailable": Phrase("⛔", "Not available"),
    # the moment: what its bookings say
    "free": Phrase("🟢", "Free now"),
    "free_unsure": Phrase("❓", "Looks free now"),
    "busy": Phrase("🔴", "Busy now"),
    # a window of time: what its bookings leave free
    "free_window": Phrase("🟢", "Free"),
    "partly_free": Phrase("🟡", "Free at times"),
    "fully_booked": Phrase("🔴", "Fully booked"),
    "unread": Phrase("❓", "Could not be read"),
}


def status_words(status: str) -> str:
    """An availability status as words: `under_maintenance` reads 'Under maintenance'."""
    text = one_line(status.replace("_", " "))
    return text.capitalize() if text.islower() else text


def service_standing(status: str | None) -> Standing | None:
    """In service, under maintenance, or otherwise not available; None when Clustermarket
    says nothing (which says nothing against it either)."""
    if status is None or not status.strip():
        return None
    if is_available(status):
        return "in_service"
    return "maintenance" if is_maintenance(status) else "unavailable"


def service_badge(status: str | None) -> str | None:
    """'☑️ In service', '🛠 Under Maintenance', '⛔ Retired' (mrkdwn, escaped): an
    instrument that is out of service keeps its own status words, which say why."""
    standing = service_standing(status)
    if standing is None or status is None:
        return None
    phrase = PHRASES[standing]
    if standing == "in_service":
        return phrase.badge()
    return phrase.badge(escape(status_words(status)))


def out_of_service_badge(status: str | None) -> str | None:
    """`service_badge`, only for an instrument out of service (lists of bookings flag those
    and stay quiet about the rest)."""
    return service_badge(status) if service_standing(status) not in (None, "in_service") else None
