"""Reading every page of a list, whichever way the server pages it.

What page 1 tells decides how the rest is read. A total (X-Total-Records, X-Total,
Total-Count or Total headers, or an envelope's `meta`), or a `Link: rel="last"`, gives the last
page, and pages 2…last are fetched together, as many at a time as the API's latency calls for
(`PageWindow`). A `Link: rel="next"` alone is followed one page after another. With nothing at
all, pages are read until a short one. Past `max_pages` the list is cut and marked partial:
never a silent cut.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qsl, urlsplit

import httpx

from bot.clustermarket.errors import BadResponse
from bot.clustermarket.flow import Backoff
from bot.clustermarket.listing import Skipped

T = TypeVar("T")

TOTAL_HEADERS = ("X-Total-Records", "X-Total", "Total-Count", "X-Total-Count", "Total")
PER_PAGE_HEADERS = ("X-Per-Page", "Per-Page", "X-Page-Size")
_TOTAL_KEYS = ("total", "total_count", "total_records", "total_entries", "count")
_LAST_KEYS = ("total_pages", "last_page", "page_count", "pages")
_PER_PAGE_KEYS = ("per_page", "page_size", "limit", "perPage", "pageSize")
_NEXT_KEYS = ("next_page", "next", "next_url")


@dataclass(frozen=True)
class Hints:
    """What one answer says about the list's pages, and which words said it."""

    style: str
    total: int | None = None
    per_page: int | None = None
    last_page: int | None = None
    next_page: int | None = None
    next_url: str | None = None
    linked: bool = False
    """A Link header or `links`/`next` field was sent: its absence of `next` means the end."""


@dataclass
class Page(Generic[T]):
    """One page: the records read, how many the server sent, and what it said of the rest."""

    items: list[T]
    sent: int
    hints: Hints
    skipped: list[Skipped] = field(default_factory=list)
    fingerprint: int = 0
    """Tells an answer repeated for another page number (a server ignoring `page`)."""
    latency: float = 0.0
    """Seconds the API took to answer it."""
    reading: float = 0.0
    """Seconds it took us to read it."""


class PageWindow:
    """How many pages of one list to keep in flight.

    While one page is on the wire the event loop reads the pages that came back, so the window
    is the API's latency divided by the time one page takes us to read, plus one: at 50 ms a
    dozen pages, at 200 ms as many as the user's bound allows (`ceiling`), on loopback two.
    Both are averaged over the pages read so far. After 429s it is no larger than `backoff`
    allows; `fixed` pins it (a fixed window, for comparison).
    """

    FIRST = 4
    """The window before any page has been timed."""
    FLOOR = 2
    _WEIGHT = 0.3
    """How much each new page moves the averages."""

    def __init__(self, ceiling: int, backoff: Backoff | None = None, *, fixed: int | None = None):
        self.ceiling = max(ceiling, 1)
        self.backoff = backoff
        self.fixed = fixed
        self._latency: float | None = None
        self._reading: float = 0.0

    def observe(self, page: Page[Any]) -> None:
        if self._latency is None:
            self._latency, self._reading = page.latency, page.reading
            return
        weight = self._WEIGHT
        self._latency += weight * (page.latency - self._latency)
        self._reading += weight * (page.reading - self._reading)

    def size(self) -> int:
        if self.fixed is not None:
            return self.fixed
        ceiling = self.ceiling
        if self.backoff is not None:
            ceiling = min(ceiling, self.backoff.allowed())
        if self._latency is None:
            return min(self.FIRST, ceiling)
        ideal = math.ceil(self._latency / max(self._reading, 0.0005)) + 1
        return max(min(ideal, ceiling), min(self.FLOOR, ceiling))


PageRef = int | str
"""A page number, or the URL a `next` link gave (for servers that page by cursor)."""
FetchPage = Callable[[PageRef], Awaitable[Page[T]]]


@dataclass
class Pages(Generic[T]):
    pages: list[Page[T]]
    style: str
    partial: bool


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


def _first(mapping: Mapping[str, Any], keys: tuple[str, ...]) -> tuple[str, int] | None:
    for key in keys:
        number = _int(mapping.get(key))
        if number is not None:
            return key, number
    return None


def page_number(url: str) -> int | None:
    """The `page` a link points at, when it pages by number."""
    for name, value in parse_qsl(urlsplit(url).query):
        if name in ("page", "page[number]"):
            return _int(value)
    return None


def hints_from(response: httpx.Response, envelope: Mapping[str, Any]) -> Hints:
    """Paging hints from an answer's headers, then from its envelope's `meta` or top level."""
    headers = response.headers
    links = response.links if "link" in headers else {}
    per_page = next((_int(headers[name]) for name in PER_PAGE_HEADERS if name in headers), None)
    if links:
        next_url = links.get("next", {}).get("url")
        last_url = links.get("last", {}).get("url")
        return Hints(
            "Link header" + (" (next and last)" if last_url else " (next only)"),
            per_page=per_page,
            last_page=page_number(last_url) if last_url else None,
            next_page=page_number(next_url) if next_url else None,
            next_url=next_url,
            linked=True,
        )
    for name in TOTAL_HEADERS:
        total = _int(headers.get(name))
        if total is not None:
            return Hints(f"{name} header", total=total, per_page=per_page)
    if envelope:
        return _envelope_hints(envelope, per_page)
    return Hints("no totals: read until a short page", per_page=per_page)


def _envelope_hints(envelope: Mapping[str, Any], per_page: int | None) -> Hints:
    meta: Mapping[str, Any] = envelope
    where = "envelope"
    for key in ("meta", "pagination", "page_info"):
        inner = envelope.get(key)
        if isinstance(inner, dict):
            meta, where = inner, f"envelope {key}"
            nested = inner.get("pagination")
            if isinstance(nested, dict):
                meta = nested
            break
    total = _first(meta, _TOTAL_KEYS)
    last = _first(meta, _LAST_KEYS)
    size = _first(meta, _PER_PAGE_KEYS)
    next_page, next_url, linked = None, None, False
    link_fields = envelope.get("links")
    sources = [meta, link_fields] if isinstance(link_fields, dict) else [meta]
    for source in sources:
        for key in _NEXT_KEYS:
            if key in source:
                linked = True
                value = source[key]
                next_page = _int(value)
                if isinstance(value, str) and next_page is None:
                    next_url, next_page = value, page_number(value)
    if total is None and last is None and not linked:
        return Hints(f"{where} without totals: read until a short page", per_page=per_page)
    said = [found[0] for found in (total, last) if found is not None] or ["next"]
    return Hints(
        f"{where} ({', '.join(said)})",
        total=total[1] if total else None,
        per_page=size[1] if size else per_page,
        last_page=last[1] if last else None,
        next_page=next_page,
        next_url=next_url,
        linked=linked,
    )


def last_page(first: Page[Any], asked_per_page: int) -> int | None:
    """The last page number page 1 tells, or None when it does not."""
    hints = first.hints
    if hints.last_page is not None:
        return max(hints.last_page, 1)
    if hints.total is None:
        return None
    if not first.sent:
        return 1
    size = hints.per_page or asked_per_page
    if 0 < first.sent < min(size, hints.total):
        size = first.sent  # the server pages smaller than it says or than we asked
    return max(math.ceil(hints.total / size), 1)


async def read_pages(
    fetch: FetchPage[T],
    *,
    per_page: int,
    window: PageWindow,
    max_pages: int,
    sequential: bool = False,
    path: str = "",
) -> Pages[T]:
    """Every page of a list (at most `max_pages`), in order."""
    first = await fetch(1)
    window.observe(first)
    last = last_page(first, per_page)
    if last is not None and not sequential:
        partial = last > max_pages
        numbers = range(2, min(last, max_pages) + 1)
        return Pages(
            [first, *await concurrent_pages(fetch, numbers, window)],
            first.hints.style,
            partial,
        )
    return await _one_by_one(fetch, first, per_page=per_page, max_pages=max_pages, path=path)


async def _one_by_one(
    fetch: FetchPage[T], first: Page[T], *, per_page: int, max_pages: int, path: str
) -> Pages[T]:
    """Follow `next` links, or read on until a short page (or the total is reached).

    A server that says nothing and sends fewer records than asked may page smaller than we
    asked rather than have no more: page 2 tells (empty, or page 1 again, means done).
    """
    hints = first.hints
    size = hints.per_page or per_page
    probing = not hints.linked and hints.total is None and hints.per_page is None
    if probing and 0 < first.sent < size:
        size = first.sent
    pages, page, number, fetched = [first], first, 1, first.sent
    while True:
        ref = _next_ref(page, number, size, hints.total, fetched)
        if ref is None:
            return Pages(pages, hints.style, partial=False)
        number += 1
        if number > max_pages:
            return Pages(pages, hints.style, partial=True)
        page = await fetch(ref)
        if page.sent and page.fingerprint == first.fingerprint:
            if probing and number == 2 and first.sent < per_page:
                return Pages(pages, hints.style, partial=False)  # it sent everything at once
            raise BadResponse(f"Clustermarket ignores the page number at {path}")
        pages.append(page)
        fetched += page.sent


def _next_ref(
    page: Page[Any], number: int, size: int, total: int | None, fetched: int
) -> PageRef | None:
    """The page after `page`: its `next` link, or the next number while pages come full."""
    if page.hints.linked:
        return page.hints.next_page or page.hints.next_url
    if page.sent and page.sent >= size and (total is None or fetched < total):
        return number + 1
    return None


async def concurrent_pages(
    fetch: FetchPage[T], numbers: range, window: PageWindow
) -> list[Page[T]]:
    """Pages `numbers`, in order, at most `window.size()` at a time (it is asked again as
    each page comes in); the first failure cancels the rest and is raised."""
    waiting = iter(numbers)
    running: dict[asyncio.Future[Page[T]], int] = {}
    pages: dict[int, Page[T]] = {}
    try:
        while True:
            while len(running) < window.size():
                number = next(waiting, None)
                if number is None:
                    break
                running[asyncio.ensure_future(fetch(number))] = number
            if not running:
                return [pages[number] for number in numbers]
            done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                page = pages[running.pop(task)] = task.result()
                window.observe(page)
    except BaseException:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        raise


async def gather_all(*awaitables: Awaitable[Any]) -> list[Any]:
    """Run concurrently and return the results in order; the first failure cancels the rest
    (asyncio.gather would leave them running) and is raised."""
    tasks = [asyncio.ensure_future(awaitable) for awaitable in awaitables]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
