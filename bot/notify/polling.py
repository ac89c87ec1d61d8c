"""One Clustermarket account polled, and what its people are told.

Every Slack user linked to the same account (same Clustermarket user and scopes) shares its
polls, as the digests share their fetches: data is never shared between accounts. A poll is
compared with the last one (`changes`), each change becomes a notice for each person who
wants that kind and whose first poll since linking is behind them (that first poll only sets
their baseline), and the reminders due are planned from what the poll saw. The poll, its
notices and the baselines are saved together, so a crash loses neither.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.clustermarket.errors import NotLinked, ReconnectRequired
from bot.clustermarket.models import Booking
from bot.clustermarket.paging import gather_all
from bot.clustermarket.tokens import UserKey
from bot.clustermarket.user_api import or_none
from bot.notify import reading
from bot.notify.changes import Change, booking_changes, unavailable_changes
from bot.notify.snapshot import SeenBooking, Snapshot, availability_of, own_bookings
from bot.notify.timing import DueReminder, due_reminders, next_polls, quick_targets
from bot.services import Services
from bot.store import AccountPoll, Baseline, LinkSummary, NewNotice, NotifyPrefs, PollResult
from bot.store.notify import account_of

PollMode = Literal["full", "quick"]
RETRY_AFTER = dt.timedelta(minutes=5)
FIRST_POLL = "first"


@dataclass(frozen=True)
class Member:
    """A person linked to the account, with their settings."""

    link: LinkSummary
    prefs: NotifyPrefs

    @property
    def key(self) -> UserKey:
        return self.link.key

    @property
    def baselined(self) -> bool:
        """Their first poll since this link is behind them: changes are news to them."""
        return self.prefs.baseline_linked_at == self.link.linked_at


@dataclass(frozen=True)
class AccountRound:
    """One account in one run: its people, its last poll, what that poll saw."""

    account: str
    members: tuple[Member, ...]
    poll: AccountPoll | None
    snapshot: Snapshot
    zones: tuple[dt.tzinfo, ...] = ()

    @property
    def owner(self) -> LinkSummary:
        return self.members[0].link

    def due(self, now: dt.datetime) -> PollMode | None:
        poll = self.poll
        if poll is None or poll.next_full_at <= now:
            return "full"
        if poll.next_quick_at is not None and poll.next_quick_at <= now:
            return "quick"
        return None

    def expected_requests(self, mode: PollMode, now: dt.datetime) -> int:
        """What a poll should cost: the last full poll's pages, or one Booking Details per
        booking checked; plus the equipment list."""
        if mode == "quick":
            return len(quick_targets(self.snapshot, now)) + 1
        return (self.poll.pages if self.poll is not None and self.poll.pages else 10) + 1

    def reminders(self, snapshot: Snapshot, now: dt.datetime) -> list[NewNotice]:
        """Every reminder due at `now` for every member who has reminders on."""
        return [
            _reminder_notice(member.key, due)
            for member in self.members
            for due in due_reminders(
                snapshot, now, member.prefs.remind_minutes, end_nudge=member.prefs.end_nudge
            )
        ]


@dataclass(frozen=True)
class Seen:
    """What one poll read: the new snapshot, the bookings certainly gone, its cost."""

    snapshot: Snapshot
    gone: frozenset[int]
    pages: int


async def read_account(
    services: Services, account: AccountRound, mode: PollMode, now: dt.datetime
) -> Seen:
    """Poll with the first member whose link works (a broken link is the next one's turn);
    raises the last link error when none works, or the upstream failure."""
    failure: NotLinked | ReconnectRequired | None = None
    for member in account.members:
        try:
            if mode == "full":
                return await _full(services, member, account.snapshot, now)
            return await _quick(services, member, account.snapshot, now)
        except (NotLinked, ReconnectRequired) as error:
            failure = error
    assert failure is not None  # an account has members
    raise failure


async def _full(services: Services, member: Member, before: Snapshot, now: dt.datetime) -> Seen:
    bookings, equipment = await gather_all(
        reading.own_bookings_seen(services, member.link),
        or_none(reading.equipment_seen(services, member.key)),
    )
    link = member.link
    own = own_bookings(bookings, link.cm_user_id, link.cm_user_name, now)
    listed = {booking.id for booking in bookings if booking.id is not None}
    gone = frozenset(before.bookings.keys() - listed) if bookings.complete else frozenset()
    availability = availability_of(equipment) if equipment is not None else before.availability
    return Seen(Snapshot(own, availability), gone, bookings.pages)


async def _quick(services: Services, member: Member, before: Snapshot, now: dt.datetime) -> Seen:
    targets = quick_targets(before, now)
    found = await gather_all(
        or_none(reading.equipment_seen(services, member.key)),
        *(reading.booking_now(services, member.key, booking.id) for booking in targets),
    )
    equipment, fresh = found[0], found[1:]
    link = member.link
    bookings = dict(before.bookings)
    gone: set[int] = set()
    for target, booking in zip(targets, fresh, strict=True):
        read = (
            SeenBooking.read(booking, link.cm_user_id, link.cm_user_name)
            if isinstance(booking, Booking)
            else None
        )
        if booking is None:
            gone.add(target.id)
            bookings.pop(target.id, None)
        elif read is not None:
            bookings[target.id] = read
    availability = availability_of(equipment) if equipment is not None else before.availability
    snapshot = Snapshot(bookings, availability).without_past(now)
    return Seen(snapshot, frozenset(gone), 0)


def poll_result(account: AccountRound, mode: PollMode, seen: Seen, now: dt.datetime) -> PollResult:
    """The account's new state, the notices its changes make, the baselines it sets, and the
    reminders due now (planned from what was just seen)."""
    before = account.snapshot
    changes = [
        *booking_changes(before, seen.snapshot, gone=seen.gone, now=now),
        *unavailable_changes(before, seen.snapshot, now=now),
    ]
    previous = account.poll
    since = previous.polled_at.isoformat() if previous and previous.polled_at else FIRST_POLL
    notices: list[NewNotice] = []
    baselines: list[Baseline] = []
    for member in account.members:
        if not member.baselined:
            baselines.append(Baseline(member.key, member.link.linked_at))
            continue
        notices += [
            _change_notice(member.key, change, since, now)
            for change in changes
            if member.prefs.wants(change.kind)
        ]
    notices += account.reminders(seen.snapshot, now)
    upcoming = next_polls(seen.snapshot, now, account.zones)
    full = mode == "full" or previous is None
    poll = AccountPoll(
        account=account.account,
        snapshot=seen.snapshot.encode(),
        next_full_at=upcoming.full_at if full or previous is None else previous.next_full_at,
        next_quick_at=upcoming.quick_at,
        polled_at=now,
        full_at=now if full or previous is None else previous.full_at,
        pages=seen.pages if full or previous is None else previous.pages,
    )
    return PollResult(poll, notices, baselines)


def retry_result(account: AccountRound, now: dt.datetime) -> PollResult:
    """A poll that failed: everything as it was, tried again in a few minutes."""
    previous = account.poll
    again = now + RETRY_AFTER
    if previous is None:
        return PollResult(AccountPoll(account.account, Snapshot().encode(), again))
    quick = previous.next_quick_at
    return PollResult(
        AccountPoll(
            account=account.account,
            snapshot=previous.snapshot,
            next_full_at=max(previous.next_full_at, again),
            next_quick_at=None if quick is None else max(quick, again),
            polled_at=previous.polled_at,
            full_at=previous.full_at,
            pages=previous.pages,
        )
    )


def budget_result(account: AccountRound, pages: int, now: dt.datetime) -> PollResult:
    """A full poll the budget cut short: everything as it was, still due, and expected to
    cost at least `pages` requests next time."""
    previous = account.poll
    if previous is None:
        return PollResult(AccountPoll(account.account, Snapshot().encode(), now, pages=pages))
    return PollResult(
        AccountPoll(
            account=account.account,
            snapshot=previous.snapshot,
            next_full_at=previous.next_full_at,
            next_quick_at=previous.next_quick_at,
            polled_at=previous.polled_at,
            full_at=previous.full_at,
            pages=max(previous.pages, pages),
        )
    )


def _expires(booking: SeenBooking) -> dt.datetime:
    return booking.end or booking.start


def _change_notice(key: UserKey, change: Change, since: str, now: dt.datetime) -> NewNotice:
    if change.kind == "unavailable":
        expires = max(_expires(booking) for booking in change.affected)
        name = change.affected[0].equipment
    else:
        assert change.booking is not None
        expires, name = _expires(change.booking), change.booking.equipment
    payload = {
        "booking": change.booking.json() if change.booking else None,
        "before": change.before.json() if change.before else None,
        "equipment_id": change.equipment_id,
        "equipment": name,
        "status": change.status,
        "affected": [booking.json() for booking in change.affected],
        "gone": change.gone,
    }
    return NewNotice(
        key=f"{key.team_id}:{key.user_id}:{change.key(since)}",
        team_id=key.team_id,
        user_id=key.user_id,
        kind=change.kind,
        payload=json.dumps(payload, ensure_ascii=False),
        due_at=now,
        expires_at=expires,
    )


def _reminder_notice(key: UserKey, due: DueReminder) -> NewNotice:
    return NewNotice(
        key=f"{key.team_id}:{key.user_id}:{due.key()}",
        team_id=key.team_id,
        user_id=key.user_id,
        kind=due.kind,
        payload=json.dumps({"booking": due.booking.json()}, ensure_ascii=False),
        due_at=due.due_at,
        expires_at=due.moment,
    )


def still_reminds(snapshot: Snapshot, kind: str, payload: dict[str, object]) -> bool:
    """Whether a reminder still holds: its booking active, at the time it reminds of."""
    raw = payload.get("booking")
    planned = SeenBooking.from_json(raw) if isinstance(raw, dict) else None
    if planned is None:
        return False
    current = snapshot.bookings.get(planned.id)
    if current is None or not current.active:
        return False
    if kind == "remind_end":
        return current.end == planned.end
    return current.start == planned.start


def members_by_account(
    links: Sequence[LinkSummary], prefs: dict[UserKey, NotifyPrefs]
) -> dict[str, tuple[Member, ...]]:
    """The working links grouped by the account they read as."""
    grouped: dict[str, list[Member]] = {}
    for link in links:
        if link.status != "active":
            continue
        member = Member(link, prefs.get(link.key) or NotifyPrefs(link.key))
        grouped.setdefault(account_of(link.cm_user_id, link.scopes), []).append(member)
    return {account: tuple(members) for account, members in grouped.items()}
