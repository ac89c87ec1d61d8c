"""From an intent asked in Slack to the reply, whatever the intent and whatever fails.

Slash commands, mentions, DMs, button clicks and the resumed question after linking all come
through here, so each gets the same answers, the same connect prompt when the user is not
linked, and the same kind words when something breaks. No trace ever reaches Slack. A
question in words is read against what its thread was last about, so "and tomorrow?"
follows up (`bot.thread_topics`).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal

from bot.answers import Asker, Question, is_question
from bot.clustermarket.errors import ClustermarketError, NotLinked, ReconnectRequired
from bot.clustermarket.tokens import UserKey
from bot.digest.commands import digest_reply, is_digest_intent
from bot.digest.links import on_link_broken, on_linked
from bot.digest.slack_io import SlackFailure, describe
from bot.failures import failure_line
from bot.forgetting import forget_person
from bot.home_tab import HomeTab
from bot.linking.flow import LinkResult, Revocation, unlink
from bot.notify.commands import is_notify_intent, notify_reply
from bot.notify.links import pause_watches, resume_watches
from bot.observability import counts_answers
from bot.patience import LATE_ANSWER_LIMIT, SLOW_NOTE_AFTER
from bot.questions.codec import decode_intent, encode_intent
from bot.questions.commands import (
    Bookings,
    Clarify,
    Connect,
    DigestOff,
    DigestOn,
    DigestStatus,
    Disconnect,
    Intent,
    Me,
    RemindOff,
    RemindOn,
    RemindStatus,
    Unwatch,
    Watch,
    WatchList,
    parse_command,
)
from bot.questions.intents import MyHours, MyNextBooking
from bot.questions.words import clean_message
from bot.render import (
    Audience,
    Reply,
    connect_prompt,
    connected_message,
    disconnected_message,
    not_connected_message,
    shared_by,
    unexpected_error_reply,
)
from bot.render.errors import error_reply
from bot.render.forget import forgotten_reply, with_forget_offer
from bot.services import Services
from bot.slack_posts import post_ephemeral, post_message
from bot.slack_users import user_zone
from bot.store import CHANNEL_DIGESTS_DISOWNED, StoreError
from bot.thread_topics import Thread, ThreadTopics

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Asked:
    """Who asked, where, and how the answer will be seen. `direct` is a DM with the bot,
    which reads like a chat: answers in the DM itself, nothing to share them into."""

    key: UserKey
    channel_id: str | None = None
    thread_ts: str | None = None
    audience: Audience = "private"
    page: int = 0
    direct: bool = False
    deadline: float | None = None
    """Seconds the asker waits for the real answer; None: the conversation's answer_deadline."""

    @property
    def thread(self) -> Thread | None:
        """The conversation a follow-up carries on: the thread, or the whole DM."""
        if self.channel_id is None:
            return None
        if self.direct:
            return Thread(self.key.team_id, self.channel_id, "")
        if self.thread_ts is None:
            return None
        return Thread(self.key.team_id, self.channel_id, self.thread_ts)


@dataclass(frozen=True)
class Shared:
    """The answer to a Share click: for the channel when `public`, else back to the clicker."""

    reply: Reply
    public: bool


@dataclass(frozen=True)
class Said:
    """The answer to a question in words: posted in the thread when `visible`, else shown to
    the asker alone."""

    reply: Reply
    visible: bool


def in_a_dm(channel_id: str | None) -> bool:
    """Whether a channel id is a DM's (Slack's ids for them start with D)."""
    return channel_id is not None and channel_id.startswith("D")


PERSONAL_INTENTS = (
    *(Bookings, MyNextBooking, MyHours, Me, Connect, Disconnect),
    *(DigestStatus, DigestOn, DigestOff, RemindStatus, RemindOn, RemindOff),
    *(WatchList, Watch, Unwatch),
)
"""Asked in a channel, these are answered to the asker alone (a setting changes once)."""


ANSWER_DEADLINE = 20.0
"""Seconds a slash command's asker waits at most: then they hear Clustermarket is slow, not
silence. (Mentions, DMs and Home hear a note sooner and get the answer later: `patience`.)"""
EVENT_RECORD_WAIT = 2.0
"""Seconds a mention or DM waits for its event id to be recorded before answering anyway."""


class Conversation:
    def __init__(
        self,
        services: Services,
        *,
        answer_deadline: float = ANSWER_DEADLINE,
        slow_note_after: float = SLOW_NOTE_AFTER,
        late_answer_limit: float = LATE_ANSWER_LIMIT,
    ) -> None:
        self.services = services
        self.answer_deadline = answer_deadline
        self.slow_note_after = slow_note_after
        self.late_answer_limit = late_answer_limit
        self.command = services.settings.SLACK_COMMAND
        self.topics = ThreadTopics(services.store)
        self.home = HomeTab(
            services,
            command=self.command,
            slow_note_after=slow_note_after,
            late_limit=late_answer_limit,
        )

    @counts_answers
    async def reply(self, intent: Intent, asked: Asked) -> Reply:
        """The reply to one intent; never raises."""
        try:
            return await self._reply(intent, asked)
        except (NotLinked, ReconnectRequired) as missing:
            return self._connect_prompt(missing, asked.key, None)
        except StoreError as failure:
            logger.warning("answering %s: the database failed: %s", type(intent).__name__, failure)
            return error_reply("storage", self.command)
        except Exception as error:
            logger.error("answering %s failed: %s", type(intent).__name__, failure_line(error))
            return unexpected_error_reply(self.command)

    async def _reply(self, intent: Intent, asked: Asked) -> Reply:
        if isinstance(intent, Connect):
            url = self.services.tickets.url(asked.key)
            return connect_prompt(url, reason="requested", command=self.command)
        if isinstance(intent, Disconnect):
            revocation = await self.disconnect(asked.key)
            if revocation is not None:
                reply = disconnected_message(self.command, revoked=revocation == "confirmed")
                return with_forget_offer(reply)
            if await self.services.store.mentions(asked.key):
                return with_forget_offer(not_connected_message(self.command))
            return not_connected_message(self.command)
        if is_question(intent):
            return await self.answer(intent, asked)
        if is_digest_intent(intent):
            return await digest_reply(self.services, intent, asked.key, asked.channel_id)
        if is_notify_intent(intent):
            return await notify_reply(self.services, intent, asked.key, asked.channel_id)
        raise TypeError(f"no answer for {type(intent).__name__}")

    async def _asker(self, asked: Asked) -> Asker:
        return Asker(
            key=asked.key,
            tz=await user_zone(self.services.slack, self.services.store, asked.key),
            now=datetime.now(UTC),
            command=self.command,
            audience=asked.audience,
            page=asked.page,
            offer_share=not asked.direct,
        )

    async def answer(self, question: Question, asked: Asked) -> Reply:
        """Answer a question, or offer the connect button when the user's link is missing."""
        asker = await self._asker(asked)
        deadline = asked.deadline if asked.deadline is not None else self.answer_deadline
        try:
            async with asyncio.timeout(deadline):
                return await self.services.answerer.answer(question, asker)
        except TimeoutError:
            logger.warning("answering %s took over %.0f s", type(question).__name__, deadline)
            return error_reply("slow", self.command)
        except (NotLinked, ReconnectRequired) as missing:
            if isinstance(missing, ReconnectRequired):
                await on_link_broken(self.services, asked.key)
                await pause_watches(self.services, asked.key)
            return self._connect_prompt(missing, asked.key, self._resume(question, asked))

    def _connect_prompt(
        self, missing: ClustermarketError, key: UserKey, resume: dict[str, Any] | None
    ) -> Reply:
        url = self.services.tickets.url(key, resume)
        reason: Literal["not_linked", "reconnect"] = (
            "reconnect" if isinstance(missing, ReconnectRequired) else "not_linked"
        )
        return connect_prompt(url, reason=reason, command=self.command)

    @staticmethod
    def _resume(question: Question, asked: Asked) -> dict[str, Any]:
        """What to answer once the user has linked: the question and where it was asked."""
        return {
            "intent": encode_intent(question, asked.page),
            "channel": asked.channel_id,
            "thread_ts": asked.thread_ts,
        }

    async def answer_command(self, text: str, asked: Asked) -> Reply:
        """A slash command. A date that reads two ways ("4/12") is read the way the user's
        labs write dates, and asked about only when they do not settle it."""
        intent = parse_command(text, command=self.command)
        if isinstance(intent, Clarify):
            order = await self.services.answerer.date_order(asked.key)
            if order is not None:
                intent = parse_command(text, command=self.command, date_order=order)
        return await self.reply(intent, asked)

    async def answer_words(self, text: str, asked: Asked, bot_user_id: str | None) -> Said:
        """A mention or DM: parse against the names the user can see and what the thread was
        about, answer, decide who sees.

        In a channel a real answer is posted for all (rendered without emails, notes or
        costs); personal questions, prompts, errors and questions back go to the asker alone.
        """
        vocabulary, order = await self.services.answerer.words(asked.key)
        cleaned = clean_message(text, bot_user_id=bot_user_id)
        intent = await self.topics.read(
            cleaned, asked.thread, vocabulary, command=self.command, date_order=order
        )
        if asked.audience == "private":
            return Said(await self.reply(intent, asked), visible=True)
        if not isinstance(intent, PERSONAL_INTENTS):
            public = await self.reply(intent, asked)
            if public.shareable:
                return Said(shared_by(public, asked.key.user_id, how="Asked"), visible=True)
            if public.failure:  # no second wait on a Clustermarket that just failed
                return Said(public, visible=False)
        return Said(await self.reply(intent, replace(asked, audience="private")), visible=False)

    async def first_sight(self, team_id: str, event_id: str) -> bool:
        """Whether this Slack event is new (a retry of one already taken is not).

        When the record cannot be written promptly (the database is locked or full), the
        event counts as new: a rare double answer beats a question silently dropped.
        """
        if not event_id:
            return True
        try:
            async with asyncio.timeout(EVENT_RECORD_WAIT):
                return await self.services.store.first_sight(team_id, event_id)
        except (StoreError, TimeoutError) as failure:
            logger.warning(
                "could not record Slack event %s (%s); answering it anyway",
                event_id,
                str(failure) or "the database was slow",
            )
            return True

    # -- buttons -------------------------------------------------------------------------------

    async def rerun(self, value: str, asked: Asked) -> Reply:
        """A More, "which one?" or "did you mean?" click: the question from the button, asked
        again privately; in a thread it is what the thread is about from now on."""
        try:
            intent, page = decode_intent(value)
        except ValueError:
            return error_reply("stale_button", self.command)
        private = replace(asked, page=page, audience="private", direct=in_a_dm(asked.channel_id))
        await self.topics.remember(private.thread, intent)
        return await self.reply(intent, private)

    async def share(self, value: str, asked: Asked) -> Shared:
        """A Share click: the answer rendered for the channel, with who shared it.

        Anything that is not a real answer (a connect prompt, an error) goes back to the
        clicker alone, so nothing private or confusing lands in the channel.
        """
        try:
            intent, page = decode_intent(value)
        except ValueError:
            return Shared(error_reply("stale_button", self.command), public=False)
        if not is_question(intent):
            return Shared(await self.reply(intent, asked), public=False)
        shared = await self.reply(intent, replace(asked, page=page, audience="channel"))
        if shared.shareable:
            return Shared(shared_by(shared, asked.key.user_id), public=True)
        if shared.failure:
            return Shared(shared, public=False)
        private = await self.reply(intent, replace(asked, page=page, audience="private"))
        return Shared(private, public=False)

    # -- linking ------------------------------------------------------------------------------

    async def disconnect(self, key: UserKey) -> Revocation | None:
        """Revoke and forget the user's tokens: whether Clustermarket confirmed the
        revocation; None when they were not linked."""
        self.services.forget_cached(key)
        revocation = await unlink(self.services.store, self.services.clustermarket, key)
        if revocation is not None:
            await on_link_broken(self.services, key, reason="disconnected")
            await pause_watches(self.services, key, disconnected=True)
        return revocation

    async def booking_details(self, value: str, asked: Asked) -> Reply:
        """A Details click: the booking the button names, in full, to the clicker alone."""
        text = value.strip()
        if not text.isascii() or not text.isdigit() or len(text) > 18:
            return error_reply("stale_button", self.command)
        asker = await self._asker(replace(asked, audience="private"))
        try:
            async with asyncio.timeout(self.answer_deadline):
                return await self.services.answerer.booking_details(int(text), asker)
        except TimeoutError:
            return error_reply("slow", self.command)
        except (NotLinked, ReconnectRequired) as missing:
            return self._connect_prompt(missing, asked.key, None)

    async def forget_me(self, key: UserKey) -> Reply:
        """ "Also forget my settings": everything stored about the person goes; never raises."""
        try:
            done = await forget_person(self.services, key)
        except StoreError as failure:
            logger.warning("forgetting %s: the database failed: %s", key.user_id, failure)
            return error_reply("storage", self.command)
        except Exception as error:
            logger.error("forgetting %s failed: %s", key.user_id, failure_line(error))
            return unexpected_error_reply(self.command)
        removed = [
            f"{name} ({count})"
            for name, count in done.removed.items()
            if name != CHANNEL_DIGESTS_DISOWNED  # paused, not deleted: said apart
        ]
        paused = [subscription.channel_id for subscription in done.paused_channels]
        return forgotten_reply(removed, paused, self.command)

    async def welcome(self, result: LinkResult) -> None:
        """After linking: DM "connected as …", then answer the question that prompted it."""
        if result.key is None:
            return
        key = result.key
        self.services.forget_cached(key)
        await on_linked(self.services, key)
        await resume_watches(self.services, key)
        try:
            slack = await self.services.slack.for_key(key)
        except SlackFailure as failure:  # the workspace uninstalled cmbot meanwhile
            logger.warning("could not welcome %s in Slack: %s", key.user_id, describe(failure))
            return
        hello = connected_message(result.name or "your account", result.email, self.command)
        await post_message(slack, key.user_id, hello)
        if result.resume:
            await self._answer_resumed(key, result.resume)
        await self.publish_home(key)

    async def _answer_resumed(self, key: UserKey, resume: dict[str, Any]) -> None:
        try:
            intent, page = decode_intent(str(resume.get("intent", "")))
        except ValueError:
            return
        if not is_question(intent):
            return
        channel = resume.get("channel")
        thread_ts = resume.get("thread_ts")
        in_thread = isinstance(channel, str) and isinstance(thread_ts, str)
        where = channel if isinstance(channel, str) else None
        asked = Asked(key=key, channel_id=where, page=page, direct=in_a_dm(where))
        reply = await self.reply(intent, asked)
        slack = await self.services.slack.for_key(key)
        if in_thread:
            await post_ephemeral(slack, str(channel), key.user_id, reply, thread_ts=str(thread_ts))
        else:
            await post_message(slack, key.user_id, reply)

    # -- App Home -----------------------------------------------------------------------------

    async def publish_home(self, key: UserKey) -> None:
        """Build the user's Home tab and publish it (see `HomeTab`)."""
        await self.home.publish(key)
