"""Questions answered against Clustermarket, as replies ready for Slack.

`Answerer.answer` takes a question (`Question`) and whoever asked (`Asker`) and always
returns a reply, except when the user has no working link: `NotLinked` and
`ReconnectRequired` propagate, because the Slack layer answers those with a connect button
and resumes the question afterwards. Every other failure becomes a kind reply, never a trace.

Each answer fetches only what it needs: a schedule reads one instrument's bookings, never the
user's; only the user's own bookings read `/bookings`. Names are resolved against the cached
catalogue (see `catalogue.py`). The kinds asked in words beyond the slash commands are
answered in `newer.py` and the modules it names.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace
from typing import Literal, TypeGuard
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.answers.asking import Asking, own_bookings, read_as
from bot.answers.catalogue import Catalogue, CatalogueCache
from bot.answers.date_order import labs_date_order
from bot.answers.equipment import equipment_answer, find_equipment, group_answer, groups_answer
from bot.answers.free_time import availability, aware
from bot.answers.newer import NEWER_TYPES, Newer, answer_newer
from bot.answers.timing import upcoming
from bot.clustermarket.client import ClustermarketClient
from bot.clustermarket.errors import (
    ClustermarketError,
    MissingScope,
    NotLinked,
    ReconnectRequired,
)
from bot.clustermarket.listing import Listing
from bot.clustermarket.models import Booking
from bot.clustermarket.paging import gather_all
from bot.clustermarket.tokens import UserKey
from bot.clustermarket.user_api import Requester, Slice, UserApi
from bot.digest.compose import out_of_service
from bot.failures import failure_line
from bot.questions.commands import (
    DEFAULT_COMMAND,
    Bookings,
    Clarify,
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
from bot.questions.days import by_local_day, in_window
from bot.questions.timewords import DateOrder
from bot.questions.words import NO_VOCABULARY, Vocabulary
from bot.render import (
    EquipmentEntry,
    RenderContext,
    Reply,
    bookings_reply,
    error_reply,
    free_reply,
    help_reply,
    labs_reply,
    me_reply,
    reply_for_error,
    schedule_reply,
)
from bot.render.booking import booking_details_reply
from bot.render.choices import options_reply
from bot.render.errors import missing_scope_reply
from bot.render.gaps import Gaps, note_gaps
from bot.render.help import unknown_reply
from bot.render.weblinks import WebLinks
from bot.store import Link, LinkSummary, Store

logger = logging.getLogger(__name__)

Question = (
    Help
    | Unknown
    | Clarify
    | Me
    | Labs
    | EquipmentSearch
    | Groups
    | GroupDetail
    | Bookings
    | Schedule
    | Free
    | Newer
)
"""The intents `Answerer.answer` takes: everything but linking, digests, reminders, watches."""
QUESTION_TYPES: tuple[type, ...] = (
    Help,
    Unknown,
    Clarify,
    Me,
    Labs,
    EquipmentSearch,
    Groups,
    GroupDetail,
    Bookings,
    Schedule,
    Free,
    *NEWER_TYPES,
)


def is_question(intent: Intent) -> TypeGuard[Question]:
    """Whether `Answerer.answer` takes this intent."""
    return isinstance(intent, QUESTION_TYPES)


@dataclass(frozen=True)
class Asker:
    """Who asks, from where, and how the answer will be seen.

    `tz` is the Slack profile's zone; without it days are the lab's (an instrument's schedule
    and free time), or the zone all the user's labs share (their bookings), else UTC.
    `offer_share` is False where there is no channel to share in (a DM with the bot).
    """

    key: UserKey
    tz: ZoneInfo | None
    now: dt.datetime
    command: str = DEFAULT_COMMAND
    audience: Literal["private", "channel"] = "private"
    page: int = 0
    offer_share: bool = True


def own(link: Link | LinkSummary) -> Slice:
    """The linked person's own bookings, of everything their account sees."""
    return Slice(Requester(link.cm_user_id, link.cm_user_name))


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


class Answerer:
    def __init__(
        self, client: ClustermarketClient, store: Store, *, links: WebLinks | None = None
    ) -> None:
        """`links` point answers at the Clustermarket web app."""
        self.client = client
        self.store = store
        self.links = links
        self.catalogues = CatalogueCache()

    def forget(self, key: UserKey) -> None:
        """Drop what is kept for a user (call after they disconnect or relink)."""
        self.client.forget(key)

    # -- entry points ------------------------------------------------------------------------

    async def answer(self, intent: Question, asker: Asker) -> Reply:
        """The reply to `intent`. Raises only NotLinked and ReconnectRequired."""
        ctx = RenderContext(
            command=asker.command,
            audience=asker.audience,
            intent=intent,
            page=max(asker.page, 0),
            now=aware(asker.now),
            offer_share=asker.offer_share,
            links=self.links,
        )
        try:
            return await self._answer(intent, asker, ctx)
        except (NotLinked, ReconnectRequired):
            raise
        except MissingScope as missing:
            logger.warning("answering %s: %s", type(intent).__name__, missing)
            return await self._missing_scope(missing, asker)
        except (ClustermarketError, TimeoutError) as error:
            logger.warning("answering %s: %s", type(intent).__name__, error)
            return reply_for_error(error, asker.command, ctx=ctx)
        except Exception as error:
            logger.error("answering %s failed: %s", type(intent).__name__, failure_line(error))
            return error_reply("unexpected", asker.command, ctx=ctx)

    async def _missing_scope(self, missing: MissingScope, asker: Asker) -> Reply:
        """Which scope is missing, and whether connecting again would bring it."""
        link = await self.store.get_link(asker.key)
        granted = set(link.tokens.scopes.split()) if link is not None else set()
        asked = set(self.client.oauth.scopes.split())
        return missing_scope_reply(
            missing.scope,
            app_asks=missing.scope is None or missing.scope in asked,
            token_has=missing.scope is not None and missing.scope in granted,
            command=asker.command,
        )

    async def booking_details(self, booking_id: int, asker: Asker) -> Reply:
        """One booking in full (the Details button), in the asker's zone, else its lab's."""
        ctx = RenderContext(command=asker.command, now=aware(asker.now), links=self.links)
        try:
            await self._link(asker.key)
            api = self.client.for_user(asker.key)
            booking, catalogue = await gather_all(api.booking(booking_id), self._catalogue(api))
        except (NotLinked, ReconnectRequired):
            raise
        except MissingScope as missing:
            return await self._missing_scope(missing, asker)
        except ClustermarketError as error:
            logger.warning("booking details: %s", error)
            return reply_for_error(error, asker.command, ctx=ctx)
        provider = booking.provider_account
        lab = catalogue.lab(provider.id if provider else None)
        tz = asker.tz or _zone(lab.timezone if lab else catalogue.common_zone()) or dt.UTC
        return booking_details_reply(booking, tz, ctx)

    async def words(self, key: UserKey) -> tuple[Vocabulary, DateOrder | None]:
        """The names this user can see, for finding them inside a sentence, and how their
        labs write "4/12"; neither when unlinked. Raises nothing: a question in words is
        still read (more roughly) without them."""
        try:
            await self._link(key)
            api = self.client.for_user(key)
            catalogue = await self._catalogue(api)
            groups = await catalogue.groups(api, [lab.id for lab in catalogue.labs])
        except ClustermarketError as failure:
            logger.info("no vocabulary for a question in words: %s", type(failure).__name__)
            return NO_VOCABULARY, None
        vocabulary = Vocabulary(
            equipment=[entry.name for entry in catalogue.equipment],
            groups=[group.name for entries in groups.values() for group in entries],
            labs=[lab.name for lab in catalogue.labs],
        )
        return vocabulary, labs_date_order(lab.timezone for lab in catalogue.labs)

    async def date_order(self, key: UserKey) -> DateOrder | None:
        """How the user's labs write "4/12" (None: they do not agree, or nothing is known,
        so a date that reads two ways is asked about). Raises nothing."""
        try:
            await self._link(key)
            catalogue = await self._catalogue(self.client.for_user(key))
        except ClustermarketError:
            return None
        return labs_date_order(lab.timezone for lab in catalogue.labs)

    async def next_bookings(
        self, key: UserKey, now: dt.datetime, limit: int = 5
    ) -> Listing[Booking]:
        """The user's next active bookings (one under way included), soonest first, with
        what could not be read of the list they came from."""
        link = await self._link(key)
        bookings = await self.client.for_user(key).bookings(only=own(link))
        soonest = upcoming(own_bookings(bookings, link), aware(now), limit)
        return Listing(soonest, skipped=bookings.skipped, partial=bookings.partial)

    async def out_of_service(self, key: UserKey) -> dict[int, str]:
        """The status of each instrument the user can see that is not available, by id; none
        when they cannot be read (raises nothing: the caller shows bookings all the same)."""
        try:
            return out_of_service(await self.client.for_user(key).equipment_list())
        except ClustermarketError as failure:
            logger.info("no equipment statuses: %s", type(failure).__name__)
            return {}

    # -- dispatch ----------------------------------------------------------------------------

    async def _answer(self, intent: Question, asker: Asker, ctx: RenderContext) -> Reply:
        if isinstance(intent, Help):
            return help_reply(ctx, topic=intent.topic, suggestion=intent.suggestion)
        if isinstance(intent, Unknown):
            return unknown_reply(intent.text, intent.suggestion, intent.options, ctx)
        if isinstance(intent, Clarify):
            return options_reply(intent.question, intent.options, ctx)
        link = await self._link(asker.key)
        api = self.client.for_user(asker.key)
        if isinstance(intent, Me):
            return await self._me(api, asker, ctx)
        if isinstance(intent, Labs):
            catalogue = await self._catalogue(api)
            return note_gaps(labs_reply(catalogue.tree(), ctx), catalogue.account_gaps)
        if isinstance(intent, EquipmentSearch):
            return await equipment_answer(intent, await self._catalogue(api), api, ctx)
        if isinstance(intent, Groups):
            return await groups_answer(intent, await self._catalogue(api), api, ctx)
        if isinstance(intent, GroupDetail):
            return await group_answer(intent, await self._catalogue(api), api, ctx)
        if isinstance(intent, Bookings):
            return await self._bookings(intent, api, link, asker, ctx)
        if isinstance(intent, Schedule):
            return await self._schedule(intent, api, asker, ctx)
        if isinstance(intent, Free):
            return await self._free(intent, api, asker, ctx)
        many = self.client.for_user(asker.key, sequential=True)
        asking = Asking(api, link, asker.tz, ctx, lambda: self._catalogue(api), many)
        return await answer_newer(intent, asking)

    async def _link(self, key: UserKey) -> Link:
        link = await self.store.get_link(key)
        if link is None:
            raise NotLinked("this Slack user has not connected a Clustermarket account")
        if link.status != "active":
            raise ReconnectRequired("the Clustermarket connection must be renewed")
        return link

    async def _catalogue(self, api: UserApi) -> Catalogue:
        return await self.catalogues.get(api.key, api)

    # -- who and where -----------------------------------------------------------------------

    async def _me(self, api: UserApi, asker: Asker, ctx: RenderContext) -> Reply:
        user, catalogue = await gather_all(api.me(), self._catalogue(api))
        tz_name = asker.tz.key if asker.tz is not None else catalogue.common_zone()
        return me_reply(user, catalogue.labs, ctx, tz_name=tz_name)

    # -- bookings ----------------------------------------------------------------------------

    async def _bookings(
        self, intent: Bookings, api: UserApi, link: Link, asker: Asker, ctx: RenderContext
    ) -> Reply:
        tz: dt.tzinfo
        if asker.tz is not None:
            tz = asker.tz
            bookings = await api.bookings(only=own(link))
        else:
            bookings, catalogue = await gather_all(
                api.bookings(only=own(link)), self._catalogue(api)
            )
            tz = _zone(catalogue.common_zone()) or dt.UTC
        when, window = read_as(intent.when, tz, ctx.now or dt.datetime.now(dt.UTC))
        ctx = replace(ctx, intent=replace(intent, when=when))
        chosen = in_window(own_bookings(bookings, link), window)
        reply = bookings_reply(by_local_day(chosen, window), window, tz, ctx)
        return note_gaps(reply, Gaps(bookings.unread, "booking", partial=bookings.partial))

    async def _instrument(
        self, name: str, api: UserApi, asker: Asker, ctx: RenderContext
    ) -> tuple[EquipmentEntry, dt.tzinfo] | Reply:
        """The instrument named and the zone its days are in: the asker's, else its lab's."""
        catalogue = await self._catalogue(api)
        found = await find_equipment(name, catalogue, api, ctx)
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
        bookings = await api.equipment_bookings(entry.id)
        when, window = read_as(intent.when, tz, ctx.now or dt.datetime.now(dt.UTC))
        ctx = replace(ctx, intent=replace(intent, when=when))
        days = by_local_day(in_window(bookings, window), window)
        unread = len(bookings.skipped_of_equipment(entry.id))
        reply = schedule_reply(entry, days, window, tz, ctx, unread=unread)
        gaps = Gaps(unread, "booking", of=f"the {entry.name}", partial=bookings.partial)
        return note_gaps(reply, gaps)

    async def _free(self, intent: Free, api: UserApi, asker: Asker, ctx: RenderContext) -> Reply:
        found = await self._instrument(intent.equipment, api, asker, ctx)
        if isinstance(found, Reply):
            return found
        entry, tz = found
        bookings = await api.equipment_bookings(entry.id)
        now = (ctx.now or dt.datetime.now(dt.UTC)).astimezone(tz)
        when, window = read_as(intent.when, tz, now)
        ctx = replace(ctx, intent=replace(intent, when=when))
        facts = availability(
            bookings,
            window,
            now,
            only_now=intent.when.day == "now",
            unread=bookings.skipped_of_equipment(entry.id),
            status=entry.summary.availability_status,
        )
        reply = free_reply(entry, facts, tz, ctx)
        return note_gaps(reply, Gaps(partial=bookings.partial))
