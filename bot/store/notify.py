"""What the notifier keeps per person and per Clustermarket account.

- `notify_users`: a person's reminder and change-notice settings, their DM with the bot, and
  which link their first poll was taken with (that poll only sets the baseline: it notices
  nothing, so linking never floods anyone with old news)
- `notify_accounts`: the last poll of one Clustermarket account (its own bookings and the
  availability of the instruments it sees) and when to poll it next; shared by every Slack
  user linked to that account, as the digests share their fetches

`save_poll` writes a poll, the notices it found and the baselines it set in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from bot.clustermarket.tokens import UserKey
from bot.store.clock import iso, iso_or_none, parse, parse_or_none
from bot.store.database import Database
from bot.store.notices import NewNotice, Notices
from bot.store.repository import Forgotten, Repository, counted

CHANGE_KINDS = ("approved", "declined", "cancelled", "moved", "unavailable")
"""The change notices a person can switch off one by one."""
MIN_REMIND_MINUTES, MAX_REMIND_MINUTES = 1, 24 * 60


@dataclass(frozen=True)
class NotifyPrefs:
    """One person's notification settings; the defaults hold for someone never asked."""

    key: UserKey
    remind_minutes: int | None = None
    """Minutes before each booking starts; None: reminders are off."""
    end_nudge: bool = False
    """Also "ends in 10 minutes", while reminders are on."""
    kinds_off: frozenset[str] = frozenset()
    dm_channel: str | None = None
    baseline_linked_at: datetime | None = None

    def wants(self, kind: str) -> bool:
        return kind not in self.kinds_off


@dataclass(frozen=True)
class AccountPoll:
    """The last poll of one Clustermarket account and when the next ones are due.

    `snapshot` is JSON that `bot.notify.snapshot` reads; `pages` how many requests the last
    full poll took, which is what the next one is expected to cost.
    """

    account: str
    snapshot: str
    next_full_at: datetime
    next_quick_at: datetime | None = None
    polled_at: datetime | None = None
    full_at: datetime | None = None
    pages: int = 0


@dataclass(frozen=True)
class Baseline:
    """A person whose first poll since linking this was (`linked_at` names the link)."""

    key: UserKey
    linked_at: datetime


@dataclass(frozen=True)
class PollResult:
    """What one poll saves: the account's new state, notices found, baselines set."""

    poll: AccountPoll
    notices: Sequence[NewNotice] = ()
    baselines: Sequence[Baseline] = field(default_factory=tuple)


def _prefs_of(row: dict[str, Any]) -> NotifyPrefs:
    minutes = row["remind_minutes"]
    return NotifyPrefs(
        key=UserKey(row["team_id"], row["user_id"]),
        remind_minutes=None if minutes is None else int(minutes),
        end_nudge=bool(row["end_nudge"]),
        kinds_off=frozenset(kind for kind in row["kinds_off"].split(",") if kind),
        dm_channel=row["dm_channel"],
        baseline_linked_at=parse_or_none(row["baseline_linked_at"]),
    )


def _poll_of(row: dict[str, Any]) -> AccountPoll:
    return AccountPoll(
        account=row["account"],
        snapshot=row["snapshot"],
        next_full_at=parse(row["next_full_at"]),
        next_quick_at=parse_or_none(row["next_quick_at"]),
        polled_at=parse_or_none(row["polled_at"]),
        full_at=parse_or_none(row["full_at"]),
        pages=int(row["pages"]),
    )


_UPSERT_PREFS = """
    INSERT INTO notify_users (team_id, user_id, updated_at) VALUES (?, ?, ?)
    ON CONFLICT (team_id, user_id) DO NOTHING
"""


def account_of(cm_user_id: int, scopes: str) -> str:
    """The account a link reads as: its Clustermarket user and the scopes it was granted."""
    return f"{cm_user_id}:{' '.join(sorted(scopes.split()))}"


class NotifyUsers(Repository):
    """The `notify_users` table."""

    PEOPLE: ClassVar = {"notify_users": "user_id"}

    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, key: UserKey) -> NotifyPrefs:
        row = self._db.one(
            "SELECT * FROM notify_users WHERE team_id = ? AND user_id = ?",
            (key.team_id, key.user_id),
        )
        return NotifyPrefs(key) if row is None else _prefs_of(row)

    def all(self) -> list[NotifyPrefs]:
        return [_prefs_of(row) for row in self._db.all("SELECT * FROM notify_users")]

    def _set(self, key: UserKey, column: str, value: object) -> NotifyPrefs:
        # `column` is one of this class's own constants, never data
        with self._db.transaction():
            self._db.write(_UPSERT_PREFS, (key.team_id, key.user_id, iso(None)))
            self._db.write(
                f"UPDATE notify_users SET {column} = ?, updated_at = ?"  # noqa: S608
                " WHERE team_id = ? AND user_id = ?",
                (value, iso(None), key.team_id, key.user_id),
            )
            return self.get(key)

    def set_reminders(self, key: UserKey, minutes: int | None) -> NotifyPrefs:
        """Reminders `minutes` before each booking (ValueError outside 1–1440); None: off."""
        if minutes is not None and not MIN_REMIND_MINUTES <= minutes <= MAX_REMIND_MINUTES:
            raise ValueError(f"minutes must be {MIN_REMIND_MINUTES} to {MAX_REMIND_MINUTES}")
        return self._set(key, "remind_minutes", minutes)

    def set_end_nudge(self, key: UserKey, on: bool) -> NotifyPrefs:
        return self._set(key, "end_nudge", int(on))

    def set_kind(self, key: UserKey, kind: str, on: bool) -> NotifyPrefs:
        """Switch one kind of change notice on or off (ValueError for an unknown kind)."""
        if kind not in CHANGE_KINDS:
            raise ValueError(f"kind must be one of {', '.join(CHANGE_KINDS)}")
        with self._db.transaction():
            off = set(self.get(key).kinds_off)
            if on:
                off.discard(kind)
            else:
                off.add(kind)
            return self._set(key, "kinds_off", ",".join(sorted(off)))

    def first_unfurl_offer(self, key: UserKey, *, now: datetime | None = None) -> bool:
        """Whether this is the first time an unlinked person's pasted link could not be
        unfurled (then they are offered to connect, once); marks it so."""
        with self._db.transaction():
            self._db.write(_UPSERT_PREFS, (key.team_id, key.user_id, iso(now)))
            return (
                self._db.write(
                    "UPDATE notify_users SET unfurl_offered_at = ? WHERE team_id = ? AND"
                    " user_id = ? AND unfurl_offered_at IS NULL",
                    (iso(now), key.team_id, key.user_id),
                )
                == 1
            )

    def set_dm(self, key: UserKey, channel_id: str) -> None:
        """The DM Slack opened with this person, kept so each notice need not ask again."""
        self._set(key, "dm_channel", channel_id)

    def forget(self, key: UserKey) -> Forgotten:
        return counted({"reminder and notice settings": self._delete_person("notify_users", key)})

    def forget_teams(self, team_ids: Sequence[str]) -> Forgotten:
        return counted(
            {"reminder and notice settings": self._delete_teams("notify_users", team_ids)}
        )


class NotifyAccounts(Repository):
    """The `notify_accounts` table, and saving a poll with what it found.

    A poll belongs to a Clustermarket account, not to one Slack user: it goes when no link
    reads as that account any more (forgetting a person runs after their link is gone)."""

    OTHER_TABLES: ClassVar = ("notify_accounts",)

    def __init__(self, db: Database, notices: Notices) -> None:
        self._db = db
        self._notices = notices

    def all(self) -> list[AccountPoll]:
        return [_poll_of(row) for row in self._db.all("SELECT * FROM notify_accounts")]

    def get(self, account: str) -> AccountPoll | None:
        row = self._db.one("SELECT * FROM notify_accounts WHERE account = ?", (account,))
        return None if row is None else _poll_of(row)

    def save_poll(
        self,
        result: PollResult,
        *,
        previous: datetime | None,
        now: datetime | None = None,
    ) -> int | None:
        """The poll, its notices and its baselines, all or nothing; how many notices were new.

        `previous` is the `polled_at` the poll started from: if another process saved a poll
        of this account meanwhile, this one is dropped (None), so one change is never told
        from two polls.
        """
        poll = result.poll
        with self._db.transaction():
            row = self._db.one(
                "SELECT polled_at FROM notify_accounts WHERE account = ?", (poll.account,)
            )
            stored = None if row is None else parse_or_none(row["polled_at"])
            if stored != previous:
                return None
            self._db.write(
                """
                INSERT INTO notify_accounts (account, snapshot, polled_at, full_at,
                    next_full_at, next_quick_at, pages, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (account) DO UPDATE SET snapshot = excluded.snapshot,
                    polled_at = excluded.polled_at, full_at = excluded.full_at,
                    next_full_at = excluded.next_full_at,
                    next_quick_at = excluded.next_quick_at, pages = excluded.pages,
                    updated_at = excluded.updated_at
                """,
                (
                    poll.account,
                    poll.snapshot,
                    iso_or_none(poll.polled_at),
                    iso_or_none(poll.full_at),
                    iso(poll.next_full_at),
                    iso_or_none(poll.next_quick_at),
                    poll.pages,
                    iso(now),
                ),
            )
            for baseline in result.baselines:
                key = baseline.key
                self._db.write(_UPSERT_PREFS, (key.team_id, key.user_id, iso(now)))
                self._db.write(
                    "UPDATE notify_users SET baseline_linked_at = ? WHERE team_id = ? AND"
                    " user_id = ?",
                    (iso(baseline.linked_at), key.team_id, key.user_id),
                )
            return self._notices.plan(result.notices, now=now)

    def forget(self, key: UserKey) -> Forgotten:
        return counted({"bookings last seen for notices": self._forget_unlinked()})

    def forget_teams(self, team_ids: Sequence[str]) -> Forgotten:
        return counted({"bookings last seen for notices": self._forget_unlinked()})

    def _forget_unlinked(self) -> int:
        rows = self._db.all("SELECT cm_user_id, scopes FROM links")
        return self.forget_except(account_of(row["cm_user_id"], row["scopes"]) for row in rows)

    def forget_except(self, accounts: Iterable[str]) -> int:
        """Drop the polls of accounts no working link uses any more."""
        kept = list(accounts)
        if not kept:
            return self._db.write("DELETE FROM notify_accounts")
        marks = ", ".join("?" for _ in kept)
        return self._db.write(
            f"DELETE FROM notify_accounts WHERE account NOT IN ({marks})",  # noqa: S608
            kept,
        )
