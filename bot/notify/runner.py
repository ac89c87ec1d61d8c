"""One pass of the notifier at a given instant: poll what is due, plan, send.

1. Read every link, setting, account poll and watch (no Clustermarket request).
2. Choose the work: accounts whose full or quick poll is due, accounts with a reminder due
   now (a quick look first, so a cancelled or moved booking is not reminded), watches due.
   Reminders come first, then whatever has waited longest.
3. Run it within the request budget: each piece reserves what it should cost before it
   starts; what does not fit this minute waits for the next run, first in line.
4. Save each poll with what it found (notices, baselines, reminders) in one transaction.
5. Send every notice due (`sending`), dropping reminders whose booking changed.

Safe beside other runs (cron and the scheduler): a poll saved from a stale start is dropped,
and notices are claimed one by one. Link errors pause the owner's watches and channel
digests; an upstream failure retries the piece a few minutes later.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.clustermarket.budget import BudgetSpent, spending
from bot.clustermarket.errors import ClustermarketError, NotLinked, ReconnectRequired
from bot.clustermarket.tokens import UserKey
from bot.digest.schedule import zone_of
from bot.notify.budget import Allowance, RequestBudget, RunClock
from bot.notify.links import link_lost, pause_watches
from bot.notify.polling import (
    AccountRound,
    PollMode,
    budget_result,
    members_by_account,
    poll_result,
    read_account,
    retry_result,
    still_reminds,
)
from bot.notify.sending import NoticeSender, SendReport
from bot.notify.snapshot import Snapshot
from bot.notify.watching import RETRY_AFTER, poll_watch
from bot.services import Services
from bot.store import Notice, PollResult, StoreError, Watch

logger = logging.getLogger(__name__)

FRESH = dt.timedelta(minutes=1)
"""A poll this recent is as good as a look made now: a reminder needs no other."""
REMINDER_KINDS = ("remind_start", "remind_end")


@dataclass
class NotifyReport:
    """What one run did."""

    full_polls: int = 0
    quick_polls: int = 0
    watch_polls: int = 0
    deferred: int = 0
    """Work that did not fit in this minute's budget: it goes first next time."""
    poll_failures: int = 0
    planned: int = 0
    requests: int = 0
    sending: SendReport = field(default_factory=SendReport)
    seconds: float = 0.0

    @property
    def quiet(self) -> bool:
        """Nothing polled, planned or sent: a run not worth a line at INFO."""
        sent = self.sending
        return not (
            self.full_polls + self.quick_polls + self.watch_polls + self.planned
            or sent.sent + sent.failed + sent.dropped + sent.recovered
            or self.deferred + self.poll_failures
        )

    def summary(self) -> str:
        sent = self.sending
        return (
            f"notify: polled {self.full_polls} full, {self.quick_polls} quick,"
            f" {self.watch_polls} watches ({self.requests} requests); deferred {self.deferred},"
            f" failed {self.poll_failures}; planned {self.planned}; sent {sent.sent},"
            f" recovered from Slack {sent.recovered}, dropped {sent.dropped}, failed"
            f" {sent.failed}, in progress elsewhere {sent.in_progress}, retry later"
            f" {sent.retry_later} ({self.seconds:.1f} s)"
        )


@dataclass(frozen=True)
class _Work:
    """One piece of work, in line by (urgency, since when it is due)."""

    urgency: int
    since: dt.datetime
    expected: int
    run: Callable[[Allowance], Awaitable[None]]


class NotifyRunner:
    """Runs the notifier at a given instant; safe to run from several processes at once."""

    def __init__(
        self,
        services: Services,
        *,
        concurrency: int = 8,
        sender: NoticeSender | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """`monotonic` and `sleep` time a run (tests may make minutes pass at once)."""
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.services = services
        self.concurrency = concurrency
        self.sender = sender or NoticeSender(services)
        self._monotonic = monotonic
        self._sleep = sleep
        self.budget: RequestBudget | None = None
        """The last run's budget: its requests by minute."""

    async def run_due(self, now: dt.datetime, *, poll_all: bool = False) -> NotifyReport:
        """Everything due at `now` (naive: UTC); `poll_all` polls every account and watch
        at once, due or not (the demo's tour, tests)."""
        moment = now.replace(tzinfo=dt.UTC) if now.tzinfo is None else now.astimezone(dt.UTC)
        started = self._monotonic()
        report = NotifyReport()
        store = self.services.store
        clock = RunClock(moment, self._monotonic)
        limit = self.services.settings.NOTIFY_MAX_REQUESTS_PER_MINUTE
        self.budget = budget = RequestBudget(store, limit, clock, sleep=self._sleep)
        rounds = await self._rounds()
        current = {account: rounds[account].snapshot for account in rounds}
        watches = await self._watches()
        work = await self._account_work(rounds, moment, poll_all, current, report)
        work += [
            self._watch_work(watch, moment, report)
            for watch in watches
            if poll_all or watch.next_poll_at <= moment
        ]
        await self._run(sorted(work, key=lambda item: (item.urgency, item.since)), budget, report)
        report.requests = sum(budget.made.values())
        await self._prune(moment, rounds)
        active = {watch.id for watch in await self.services.store.active_watches()}
        holds = _Holds(rounds, current, active)
        report.sending = await self.sender.send_due(clock(), holds=holds, person=holds.person)
        report.seconds = self._monotonic() - started
        return report

    # -- what there is ---------------------------------------------------------------------

    async def _rounds(self) -> dict[str, AccountRound]:
        store = self.services.store
        links = await store.link_summaries()
        prefs = {item.key: item for item in await store.all_notify_prefs()}
        polls = {poll.account: poll for poll in await store.account_polls()}
        zones = await store.known_zones()
        return {
            account: AccountRound(
                account,
                members,
                polls.get(account),
                Snapshot.decode(polls[account].snapshot) if account in polls else Snapshot(),
                tuple(zone_of(zones[m.key]) for m in members if m.key in zones),
            )
            for account, members in members_by_account(links, prefs).items()
        }

    async def _watches(self) -> list[Watch]:
        """Active watches; those whose owner's link no longer works are paused first."""
        store = self.services.store
        working = {link.key for link in await store.link_summaries() if link.status == "active"}
        watches = await store.active_watches()
        for owner in {watch.owner for watch in watches if watch.owner not in working}:
            await pause_watches(self.services, owner)
        return [watch for watch in watches if watch.owner in working]

    # -- accounts --------------------------------------------------------------------------

    async def _account_work(
        self,
        rounds: dict[str, AccountRound],
        now: dt.datetime,
        poll_all: bool,
        current: dict[str, Snapshot],
        report: NotifyReport,
    ) -> list[_Work]:
        store = self.services.store
        waiting = {account: r.reminders(r.snapshot, now) for account, r in rounds.items()}
        known = await store.notice_statuses([n.key for due in waiting.values() for n in due])
        work: list[_Work] = []
        for account, round_ in rounds.items():
            unsent = [notice for notice in waiting[account] if notice.key not in known]
            polled = round_.poll.polled_at if round_.poll is not None else None
            fresh = polled is not None and polled >= now - FRESH
            mode: PollMode | None = "full" if poll_all else round_.due(now)
            if mode is None and unsent and not fresh:
                mode = "quick"
            if mode is None:
                if unsent:
                    report.planned += await store.plan_notices(unsent, now=now)
                continue
            urgency = 0 if unsent else 1
            since = min(notice.due_at for notice in unsent) if unsent else _due_since(round_, now)
            work.append(
                _Work(
                    urgency,
                    since,
                    round_.expected_requests(mode, now),
                    self._account_job(round_, mode, now, current, report),
                )
            )
        return work

    def _account_job(
        self,
        account: AccountRound,
        mode: PollMode,
        now: dt.datetime,
        current: dict[str, Snapshot],
        report: NotifyReport,
    ) -> Callable[[Allowance], Awaitable[None]]:
        async def job(allowance: Allowance) -> None:
            store = self.services.store
            previous = account.poll.polled_at if account.poll is not None else None
            try:
                seen = await read_account(self.services, account, mode, now)
            except BudgetSpent:
                report.deferred += 1
                if mode == "full":  # it cost more than expected: expect that next time
                    needed = budget_result(account, allowance.made + 1, now)
                    await store.save_account_poll(needed, previous=previous)
                return
            except (NotLinked, ReconnectRequired):
                report.poll_failures += 1
                for member in account.members:
                    await link_lost(self.services, member.key)
                return
            except ClustermarketError as error:
                logger.warning("polling account failed: %s", error)
                report.poll_failures += 1
                await store.save_account_poll(retry_result(account, now), previous=previous)
                return
            result: PollResult = poll_result(account, mode, seen, now)
            planned = await store.save_account_poll(result, previous=previous, now=now)
            if planned is None:
                logger.info("an account was polled elsewhere meanwhile; this poll is dropped")
                return
            current[account.account] = seen.snapshot
            report.planned += planned
            if mode == "full":
                report.full_polls += 1
            else:
                report.quick_polls += 1

        return job

    # -- watches ---------------------------------------------------------------------------

    def _watch_work(self, watch: Watch, now: dt.datetime, report: NotifyReport) -> _Work:
        async def job(allowance: Allowance) -> None:
            store = self.services.store
            try:
                polled = await poll_watch(self.services, watch, now)
            except BudgetSpent:
                report.deferred += 1  # still due; it cost more than expected: expect that
                await store.defer_watch(
                    watch.id, watch.next_poll_at, pages=max(watch.pages, allowance.made)
                )
                return
            except (NotLinked, ReconnectRequired):
                report.poll_failures += 1
                await link_lost(self.services, watch.owner)
                return
            except ClustermarketError as error:
                logger.warning("polling watch %d failed: %s", watch.id, error)
                report.poll_failures += 1
                await store.defer_watch(watch.id, now + RETRY_AFTER, pages=watch.pages)
                return
            planned = await store.save_watch_poll(
                watch.id,
                snapshot=polled.snapshot.encode(),
                polled_at=now,
                next_poll_at=polled.next_poll_at,
                pages=polled.pages,
                notices=polled.notices,
                now=now,
            )
            if planned is not None:  # else unwatched or paused meanwhile
                report.planned += planned
                report.watch_polls += 1

        return _Work(2, watch.next_poll_at, watch.pages + 1, job)

    # -- running ---------------------------------------------------------------------------

    async def _run(self, work: list[_Work], budget: RequestBudget, report: NotifyReport) -> None:
        """Each piece in line order, `concurrency` at a time, each within what the budget
        spares; one that does not fit is deferred, and cheaper ones behind it still try."""
        slots = asyncio.Semaphore(self.concurrency)

        async def one(item: _Work) -> None:
            allowance = await budget.allowance(item.expected)
            if allowance is None:
                report.deferred += 1
                return
            try:
                with spending(allowance):
                    await item.run(allowance)
            except StoreError as error:
                logger.warning("notifier work could not be saved: %s", error)
                report.poll_failures += 1
            finally:
                await allowance.close()

        async def queued(item: _Work) -> None:
            async with slots:
                await one(item)

        tasks = [asyncio.ensure_future(queued(item)) for item in work]
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise

    async def _prune(self, now: dt.datetime, rounds: dict[str, AccountRound]) -> None:
        """Old notices go once a day, and with them the polls of accounts nobody links."""
        store = self.services.store
        try:
            if await store.prune_notices(now=now) is not None:
                await store.forget_account_polls_except(list(rounds))
        except StoreError as error:
            logger.warning("old notices not pruned: %s", error)


def _due_since(account: AccountRound, now: dt.datetime) -> dt.datetime:
    """Since when the account's poll has been due (now for its first)."""
    poll = account.poll
    if poll is None:
        return now
    due = [moment for moment in (poll.next_full_at, poll.next_quick_at) if moment is not None]
    return min(due, default=now)


class _Holds:
    """Whether a notice still holds when it is sent: reminders of a booking as it still is,
    kinds the person still wants, from a link or watch that still exists."""

    def __init__(
        self, rounds: dict[str, AccountRound], current: dict[str, Snapshot], watches: set[int]
    ) -> None:
        self.current = current
        self.watches = watches
        self.members = {
            member.key: (account, member)
            for account, round_ in rounds.items()
            for member in round_.members
        }

    def person(self, notice: Notice) -> UserKey:
        """The notice's person as their link names them (with their organisation)."""
        found = self.members.get(notice.person)
        return found[1].key if found is not None else notice.person

    def __call__(self, notice: Notice) -> bool:
        if notice.kind.startswith("watch_"):
            watch_id = notice.key.split(":")[1]
            return watch_id.isdigit() and int(watch_id) in self.watches
        found = self.members.get(notice.person)
        if found is None:
            return False  # no working link any more
        account, member = found
        if notice.kind in REMINDER_KINDS:
            if member.prefs.remind_minutes is None:
                return False
            payload = json.loads(notice.payload)
            return still_reminds(self.current[account], notice.kind, payload)
        return member.prefs.wants(notice.kind)
