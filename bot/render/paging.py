"""Cutting a long, grouped list (bookings by day, equipment by lab) into pages that fit.

A page holds at most `per_page` items and at most `budget` blocks, headings and dividers
included. Pages are laid out from the first, so page n always starts where page n-1 ended,
whatever the mix of headings and items; a page number past the end shows the last page.
A group that begins on an earlier page repeats its heading.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from bot.render import kit
from bot.render.reply import Paging

Block = dict[str, Any]
T = TypeVar("T")
PER_PAGE = 20


@dataclass(frozen=True)
class Group(Generic[T]):
    """A heading and the items under it, each drawn by `render` as `size` blocks (only the
    items of the page shown are drawn); `empty` is shown (and counts as no item) when there
    are none; a group with neither items nor `empty` is left out."""

    heading: list[Block]
    items: Sequence[T]
    render: Callable[[T], list[Block]]
    empty: list[Block] = field(default_factory=list)
    size: int = 1


@dataclass(frozen=True)
class Cut:
    """One page: its blocks, what it shows of the whole, and which page it is."""

    blocks: list[Block]
    paging: Paging
    page: int


@dataclass(frozen=True)
class _Unit:
    group: int
    index: int  # of the item in its group; -1 for an empty group's note
    size: int

    @property
    def counts(self) -> bool:
        """An item, rather than an empty group's note."""
        return self.index >= 0


def paginate(
    groups: Sequence[Group[Any]],
    page: int,
    *,
    budget: int,
    per_page: int = PER_PAGE,
    divide: bool = True,
) -> Cut:
    """The blocks of page `page` (0-based): `divide` puts a divider between groups."""
    budget = max(budget, 1)
    per_page = max(per_page, 1)
    units: list[_Unit] = []
    for number, group in enumerate(groups):
        if group.items:
            size = max(group.size, 1)
            units.extend(_Unit(number, index, size) for index in range(len(group.items)))
        elif group.empty:
            units.append(_Unit(number, -1, len(group.empty)))
    total = sum(1 for unit in units if unit.counts)
    pages = _layout(groups, units, budget, per_page, divide)
    if not pages:
        return Cut([], Paging(0, 0, 0, False), 0)
    shown = min(max(page, 0), len(pages) - 1)
    start, stop = pages[shown]
    blocks: list[Block] = []
    last_group: int | None = None
    for unit in units[start:stop]:
        if unit.group != last_group:
            if divide and blocks:
                blocks.append(kit.divider())
            blocks.extend(groups[unit.group].heading)
            last_group = unit.group
        group = groups[unit.group]
        blocks.extend(group.render(group.items[unit.index]) if unit.counts else group.empty)
    before = sum(1 for unit in units[:start] if unit.counts)
    count = sum(1 for unit in units[start:stop] if unit.counts)
    paging = Paging(before + 1, before + count, total, shown < len(pages) - 1)
    return Cut(blocks, paging, shown)


def _layout(
    groups: Sequence[Group[Any]], units: list[_Unit], budget: int, per_page: int, divide: bool
) -> list[tuple[int, int]]:
    pages: list[tuple[int, int]] = []
    start = 0
    while start < len(units):
        used = count = 0
        last_group: int | None = None
        stop = start
        while stop < len(units):
            unit = units[stop]
            cost = unit.size
            if unit.group != last_group:
                cost += len(groups[unit.group].heading) + (1 if divide and stop > start else 0)
            full = used + cost > budget or (unit.counts and count >= per_page)
            if stop > start and full:
                break
            used += cost
            count += unit.counts
            last_group = unit.group
            stop += 1
        pages.append((start, stop))
        start = stop
    return pages
