"""Questions answered against Clustermarket, as replies ready for Slack.

`Answerer.answer` takes one of the ten questions (`Question`) and whoever asked (`Asker`)
and always returns a reply, except when the user has no working link: `NotLinked` and
`ReconnectRequired` propagate, because the Slack layer answers those with a connect button
and resumes the question afterwards. Every other failure becomes a kind reply, never a trace.

Each answer fetches only what it needs: a schedule reads one instrument's bookings, never the
user's; only the user's own bookings read `/bookings`. Names are resolved against the cached
catalogue (see `catalogue.py`).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeGuard, assert_never
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.answers.catalogue import Catalogue, CatalogueCache
from bot.clustermarket.client import ClustermarketClient, UserApi, gather_all
from bot.clustermarket.errors import (
    ClustermarketError,
    Forbidden,
    NotFound,
    NotLinked,
    ReconnectRequired,
)
from bot.clustermarket.models import Booking
from bot.clustermarket.tokens import UserKey
from bot.failures import failure_line
from bot.questions.commands import (
    DEFAULT_COMMAND,
    Bookings,
    EquipmentSearch,
    Free,
    GroupDetail,
    Groups,
    Help,
    Intent,
    Labs,
    Me,
    Schedule,
    Unknown,
)
from bot.questions.days import busy_at, by_local_day, free_slots, in_window, is_active, next_free
from bot.questions.matching import Candidate, match_name
from bot.questions.when import Window, resolve
from bot.questions.words import NO_VOCABULARY, Vocabulary
from bot.render import (
    Availability,
    EquipmentEntry,
    LabInfo,
    NowState,
    RenderContext,
    Reply,
    bookings_reply,
    choose_reply,
    equipment_details_reply,
    equipment_list_reply,
    error_reply,
    free_reply,
    group_reply,
    groups_reply,
    help_reply,
    labs_reply,
    me_reply,
    not_found_reply,
    reply_for_error,
    schedule_reply,
)
from bot.render.choices import MAX_CHOICES
from bot.store import Link, Store

logger = logging.getLogger(__name__)

Question = (
    Help | Unknown | Me | Labs | EquipmentSearch | Groups | GroupDetail | Bookings | Schedule | Free
)
"""The intents `Answerer.answer` takes: everything but linking and digests."""
QUESTION_TYPES: tuple[type, ...] = (
    Help,
    Unknown,
    Me,
    Labs,
    EquipmentSearch,
    Groups,
    GroupDetail,
    Bookings,
    Schedule,
    Free,
)
FREE_SLOT_MINUTES = 15  # shorter gaps are not worth offering
NEXT_FREE_MINUTES = 30  # "next free" looks for a slot at least this long


def is_question(intent: Intent) -> TypeGuard[Question]:
    """Whether `Answerer.answer` takes this intent."""
    return isinstance(intent, QUESTION_TYPES)


@dataclass(frozen=True)
class Asker:
    """Who asks, from where, and how the answer will be seen.

    `tz` is the Slack profile's zone; without it days are the lab's (an instrument's schedule
    and free time), or the zone all the user's labs share (their bookings), else UTC.
    """

    key: UserKey
    tz: ZoneInfo | None
    now: dt.datetime
    command: str = DEFAULT_COMMAND
    audience: Literal["private", "channel"] = "private"
    page: int = 0


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _timed(bookings: Sequence[Booking]) -> list[Booking]:
    """Bookings with an end: one the API gave only a duration gets start + duration, so it
    is placed on the timeline rather than left out."""
    return [
        booking.model_copy(update={"end_time": booking.ends_at})
        if booking.end_time is None and booking.ends_at is not None
        else booking
        for booking in bookings
    ]


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


class Answerer:
    def __init__(
        self,
        client: ClustermarketClient,
        store: Store,
        *,
        catalogue_ttl: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`clock` (seconds, monotonic) times the catalogue cache; tests may replace it."""
        self.client = client
        self.store = store
        self.catalogues = CatalogueCache(catalogue_ttl, clock=clock)

    def forget(self, key: UserKey) -> None:
        """Drop what is cached for a user (call after they disconnect or relink)."""
        self.catalogues.forget(key)

    # -- entry points ------------------------------------------------------------------------

    async def answer(self, intent: Question, asker: Asker) -> Reply:
        """The reply to `intent`. Raises only NotLinked and ReconnectRequired."""
        ctx = RenderContext(
            command=asker.command,
            audience=asker.audience,
            intent=intent,
            page=max(asker.page, 0),
            now=_aware(asker.now),
        )
        try:
            return await self._answer(intent, asker, ctx)
        except (NotLinked, ReconnectRequired):
            raise
        except (ClustermarketError, TimeoutError) as error:
            logger.warning("answering %s: %s", type(intent).__name__, error)
            return reply_for_error(error, asker.command, ctx=ctx)
        except Exception as error:
            logger.error("answering %s failed: %s", type(intent).__name__, failure_line(error))
            return error_reply("unexpected", asker.command, ctx=ctx)

    async def vocabulary(self, key: UserKey) -> Vocabulary:
        """The names this user can see, for finding them inside a sentence; none if unlinked.

        Raises nothing: a question in words is still parsed (more roughly) without names.
        """
        try:
            self._link(key)
            api = self.client.for_user(key)
            catalogue = await self._catalogue(api)
            groups = await catalogue.groups(api, [lab.id for lab in catalogue.labs])
        except ClustermarketError as failure:
            logger.info("no vocabulary for a question in words: %s", type(failure).__name__)
            return NO_VOCABULARY
        return Vocabulary(
            equipment=[entry.name for entry in catalogue.equipment],
            groups=[group.name for entries in groups.values() for group in entries],
            labs=[lab.name for lab in catalogue.labs],
        )

    async def next_bookings(self, key: UserKey, now: dt.datetime, limit: int = 5) -> list[Booking]:
        """The user's next active bookings (one under way included), soonest first."""
        link = self._link(key)
        bookings = _timed(await self.client.for_user(key).bookings())
        moment = _aware(now)
        upcoming = [
            booking
            for booking in self._own(bookings, link)
            if is_active(booking.status)
            and booking.start_time is not None
            and (booking.ends_at or booking.start_time) > moment
        ]
        upcoming.sort(key=lambda booking: (booking.start_time or moment, booking.id or 0))
        return upcoming[: max(limit, 0)]

    # -- dispatch ----------------------------------------------------------------------------

    async def _answer(self, intent: Question, asker: Asker, ctx: RenderContext) -> Reply:
        if isinstance(intent, Help):
            return help_reply(ctx, topic=intent.topic, suggestion=intent.suggestion)
        if isinstance(intent, Unknown):
            return help_reply(ctx, suggestion=intent.suggestion, unknown=intent.text)
        link = self._link(asker.key)
        api = self.client.for_user(asker.key)
        if isinstance(intent, Me):
            return await self._me(api, asker, ctx)
        if isinstance(intent, Labs):
            return labs_reply((await self._catalogue(api)).tree(), ctx)
        if isinstance(intent, EquipmentSearch):
            return await self._equipment(intent, api, ctx)
        if isinstance(intent, Groups):
            return await self._groups(intent, api, ctx)
        if isinstance(intent, GroupDetail):
            return await self._group(intent, api, ctx)
        if isinstance(intent, Bookings):
            return await self._bookings(intent, api, link, asker, ctx)
        if isinstance(intent, Schedule):
            return await self._schedule(intent, api, asker, ctx)
        if isinstance(intent, Free):
            return await self._free(intent, api, asker, ctx)
        assert_never(intent)

    def _link(self, key: UserKey) -> Link:
        link = self.store.get_link(key)
        if link is None:
            raise NotLinked("this Slack user has not connected a Clustermarket account")
        if link.status != "active":
            raise ReconnectRequired("the Clustermarket connection must be renewed")
        return link

    async def _catalogue(self, api: UserApi) -> Catalogue:
        return await self.catalogues.get(api.key, api)

    @staticmethod
    def _own(bookings: Sequence[Booking], link: Link) -> list[Booking]:
        return [
            booking
            for booking in bookings
            if booking.requester is not None and booking.requester.id == link.cm_user_id
        ]

    # -- who and where -----------------------------------------------------------------------

    async def _me(self, api: UserApi, asker: Asker, ctx: RenderContext) -> Reply:
        user, catalogue = await gather_all(api.me(), self._catalogue(api))
        tz_name = asker.tz.key if asker.tz is not None else catalogue.common_zone()
        return me_reply(user, catalogue.labs, ctx, tz_name=tz_name)

    # -- equipment and groups ----------------------------------------------------------------

    async def _find_equipment(
        self, query: str, catalogue: Catalogue, api: UserApi, ctx: RenderContext
    ) -> EquipmentEntry | Reply:
        """The one instrument `query` names, or the reply asking which one / saying none."""
        found = match_name(query, catalogue.equipment_candidates(), limit=MAX_CHOICES + 1)
        if found.kind in ("exact", "one"):
            return found.chosen[0].item
        if found.kind == "ambiguous":
            return choose_reply(query, found.chosen, ctx, kind="equipment")
        direct = await self._equipment_by_id(query, catalogue, api)
        if direct is not None:
            return direct
        return not_found_reply(query, found.suggestions, ctx, kind="equipment")

    @staticmethod
    async def _equipment_by_id(
        query: str, catalogue: Catalogue, api: UserApi
    ) -> EquipmentEntry | None:
        """An id the catalogue does not list (added since it was built): ask for it."""
        text = query.strip().lstrip("#").strip()
        if not text.isascii() or not text.isdigit() or len(text) > 18:
            return None
        try:
            detail = await api.equipment(int(text))
        except (NotFound, Forbidden):
            return None
        lab_ref = detail.lab
        lab = catalogue.lab(lab_ref.id if lab_ref else None)
        if lab is None and lab_ref is not None and lab_ref.id is not None:
            lab = LabInfo(lab_ref.id, lab_ref.name or f"Lab {lab_ref.id}")
        name = detail.name or f"Equipment {text}"
        return EquipmentEntry(detail.id or int(text), name, lab)

    async def _equipment(self, intent: EquipmentSearch, api: UserApi, ctx: RenderContext) -> Reply:
        catalogue = await self._catalogue(api)
        query = (intent.query or "").strip()
        if not query:
            return equipment_list_reply(catalogue.by_lab(), ctx)
        candidates = catalogue.equipment_candidates()
        found = match_name(query, candidates, limit=max(len(candidates), 1))
        entry: EquipmentEntry | None = None
        if found.kind in ("exact", "one"):
            entry = found.chosen[0].item
        elif found.kind == "ambiguous" and len(found.chosen) <= MAX_CHOICES:
            return choose_reply(query, found.chosen, ctx, kind="equipment")
        elif found.kind == "ambiguous":
            chosen = [candidate.item for candidate in found.chosen]
            return equipment_list_reply(catalogue.by_lab(chosen), ctx, query=query)
        else:
            entry = await self._equipment_by_id(query, catalogue, api)
        if entry is None:
            return not_found_reply(query, found.suggestions, ctx, kind="equipment")
        detail = await api.equipment(entry.id)
        return equipment_details_reply(entry, detail, ctx)

    async def _groups(self, intent: Groups, api: UserApi, ctx: RenderContext) -> Reply:
        catalogue = await self._catalogue(api)
        labs: Sequence[LabInfo] = catalogue.labs
        chosen: LabInfo | None = None
        if intent.lab and intent.lab.strip():
            found = match_name(intent.lab, catalogue.lab_candidates(), limit=MAX_CHOICES + 1)
            if found.kind == "ambiguous":
                return choose_reply(intent.lab, found.chosen, ctx, kind="lab")
            if found.kind == "none":
                return not_found_reply(intent.lab, found.suggestions, ctx, kind="lab")
            chosen = found.chosen[0].item
            labs = [chosen]
        groups = await catalogue.groups(api, [lab.id for lab in labs])
        by_lab = [(lab, list(groups[lab.id])) for lab in labs if groups[lab.id] or chosen]
        return groups_reply(by_lab, ctx, lab=chosen)

    async def _group(self, intent: GroupDetail, api: UserApi, ctx: RenderContext) -> Reply:
        catalogue = await self._catalogue(api)
        groups = await catalogue.groups(api, [lab.id for lab in catalogue.labs])
        candidates = [
            Candidate(entry.id, entry.name, entry.lab.name if entry.lab else None, entry)
            for lab in catalogue.labs
            for entry in groups[lab.id]
        ]
        found = match_name(intent.name, candidates, limit=MAX_CHOICES + 1)
        if found.kind == "ambiguous":
            return choose_reply(intent.name, found.chosen, ctx, kind="group")
        if found.kind == "none":
            return not_found_reply(intent.name, found.suggestions, ctx, kind="group")
        entry = found.chosen[0].item
        group = await api.group(entry.id)
        members = [
            catalogue.equipment_by_id(ref.id)
            or EquipmentEntry(ref.id, ref.name or f"Equipment {ref.id}", entry.lab)
            for ref in group.equipment
            if ref.id is not None
        ]
        return group_reply(entry, members, ctx)

    # -- bookings ----------------------------------------------------------------------------

    async def _bookings(
        self, intent: Bookings, api: UserApi, link: Link, asker: Asker, ctx: RenderContext
    ) -> Reply:
        tz: dt.tzinfo
        if asker.tz is not None:
            tz = asker.tz
            bookings = _timed(await api.bookings())
        else:
            fetched, catalogue = await gather_all(api.bookings(), self._catalogue(api))
            bookings = _timed(fetched)
            tz = _zone(catalogue.common_zone()) or dt.UTC
        window = resolve(intent.when, tz, ctx.now or dt.datetime.now(dt.UTC))
        chosen = in_window(self._own(bookings, link), window)
        return bookings_reply(by_local_day(chosen, window), window, tz, ctx)

    async def _instrument(
        self, name: str, api: UserApi, asker: Asker, ctx: RenderContext
    ) -> tuple[EquipmentEntry, dt.tzinfo] | Reply:
        """The instrument named and the zone its days are in: the asker's, else its lab's."""
        catalogue = await self._catalogue(api)
        found = await self._find_equipment(name, catalogue, api, ctx)
        if isinstance(found, Reply):
            return found
        lab_zone = _zone(found.lab.timezone) if found.lab else None
        return found, asker.tz or lab_zone or dt.UTC

    async def _schedule(
        self, intent: Schedule, api: UserApi, asker: Asker, ctx: RenderContext
    ) -> Reply:
        found = await self._instrument(intent.equipment, api, asker, ctx)
        if isinstance(found, Reply):
            return found
        entry, tz = found
        bookings = _timed(await api.equipment_bookings(entry.id))
        window = resolve(intent.when, tz, ctx.now or dt.datetime.now(dt.UTC))
        days = by_local_day(in_window(bookings, window), window)
        return schedule_reply(entry, days, window, tz, ctx)

    async def _free(self, intent: Free, api: UserApi, asker: Asker, ctx: RenderContext) -> Reply:
        found = await self._instrument(intent.equipment, api, asker, ctx)
        if isinstance(found, Reply):
            return found
        entry, tz = found
        bookings = _timed(await api.equipment_bookings(entry.id))
        now = (ctx.now or dt.datetime.now(dt.UTC)).astimezone(tz)
        window = resolve(intent.when, tz, now)
        facts = availability(bookings, window, now, only_now=intent.when.day == "now")
        return free_reply(entry, facts, tz, ctx)


def availability(
    bookings: Sequence[Booking], window: Window, now: dt.datetime, *, only_now: bool = False
) -> Availability:
    """The free time of one instrument in `window` as seen at `now`.

    When the window includes now: what holds it now and until when, or how long it stays
    free; the free slots are those of the rest of the window (for today, now to midnight).
    With no free slot the window is fully booked and `next_free` looks beyond it.
    """
    now = _aware(now)
    utc_now = now.astimezone(dt.UTC)
    includes_now = only_now or (
        window.start.astimezone(dt.UTC) <= utc_now < window.end.astimezone(dt.UTC)
    )
    state: NowState | None = None
    if includes_now:
        current = busy_at(bookings, now)
        if current is not None:
            freed = next_free(bookings, now, min_minutes=FREE_SLOT_MINUTES)
            state = NowState(now, current, free_from=freed.start if freed else None)
        else:
            starts = [
                booking.start_time
                for booking in bookings
                if is_active(booking.status)
                and booking.start_time is not None
                and booking.start_time.astimezone(dt.UTC) > utc_now
            ]
            state = NowState(now, None, free_until=min(starts) if starts else None)
    if only_now:
        return Availability(window, state, booked=1 if state and state.current else 0)
    if window.end.astimezone(dt.UTC) <= utc_now:
        return Availability(window, None, passed=True)
    start = max(window.start, now, key=lambda moment: moment.astimezone(dt.UTC))
    rest = Window(start.astimezone(window.start.tzinfo or dt.UTC), window.end, window.label)
    booked = len(in_window(bookings, rest))
    slots = free_slots(bookings, rest, min_minutes=FREE_SLOT_MINUTES)
    following = None
    if not slots:
        following = next_free(bookings, rest.start, min_minutes=NEXT_FREE_MINUTES)
    return Availability(window, state, tuple(slots), following, booked)
