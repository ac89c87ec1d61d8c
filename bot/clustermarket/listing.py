"""What a list call answers: the records read, and what it could not read or did not reach.

A `Listing` is a plain list of records, so callers that only iterate need not change, plus
the records skipped (and why), whether the list was cut at the page ceiling, and how the
server paged it. Answers that a skipped record could change say so, and `free` never calls a
time free that an unread booking might cover.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Skipped:
    """A record that could not be read: where it was, why, and what little was readable.

    `start` and `end` are set when the booking's times could be read (it failed on something
    else), so a free-time answer can tell whether it matters; None means "could be any time".
    """

    where: str
    reason: str
    record_id: int | None = None
    equipment_id: int | None = None
    start: datetime | None = None
    end: datetime | None = None

    def might_cover(self, start: datetime, end: datetime) -> bool:
        """Whether this unread booking could overlap [start, end)."""
        if self.start is None or self.end is None:
            return True
        return self.start.astimezone(UTC) < end.astimezone(UTC) and self.end.astimezone(
            UTC
        ) > start.astimezone(UTC)


class Listing(list[T]):
    """Records of one list call, with what was skipped, whether it is partial, how it paged."""

    def __init__(
        self,
        items: Iterable[T] = (),
        *,
        skipped: Iterable[Skipped] = (),
        partial: bool = False,
        paging: str = "one page",
        zones: Iterable[str] = (),
    ) -> None:
        super().__init__(items)
        self.skipped: tuple[Skipped, ...] = tuple(skipped)
        self.partial = partial
        self.paging = paging
        self.zones: tuple[str, ...] = tuple(zones)
        """The lab zones naive times were placed in (empty when every time had a zone)."""

    @property
    def unread(self) -> int:
        return len(self.skipped)

    @property
    def complete(self) -> bool:
        return not self.skipped and not self.partial

    def skipped_of_equipment(self, equipment_id: int | None) -> tuple[Skipped, ...]:
        """Unread records that may be of this instrument (those naming another are not)."""
        return tuple(
            skip
            for skip in self.skipped
            if skip.equipment_id is None
            or equipment_id is None
            or skip.equipment_id == equipment_id
        )

    def __repr__(self) -> str:
        return (
            f"Listing({len(self)} items, skipped={len(self.skipped)}, partial={self.partial},"
            f" paging={self.paging!r})"
        )
