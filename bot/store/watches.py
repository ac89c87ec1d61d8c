"""Watched instruments: a channel told when an instrument's availability changes or a booking
on it today is cancelled.

A watch reads Clustermarket with the token of the member who set it up (`owner_user_id`); when
that link breaks the watch pauses, visibly, and resumes when they link again, as a channel
digest does. One watch per channel and instrument: whoever sets it up last owns it. Its last
poll (`snapshot`, JSON read by `bot.notify.watching`) and the notices that poll found are
saved together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from bot.clustermarket.tokens import UserKey
from bot.store.clock import iso, parse, parse_or_none
from bot.store.database import Database
from bot.store.notices import NewNotice, Notices
from bot.store.repository import Forgotten, Repository, counted


@dataclass(frozen=True)
class Watch:
    """One instrument watched in one channel."""

    id: int
    team_id: str
    channel_id: str
    equipment_id: int
    equipment_name: str
    lab_zone: str | None
    owner_user_id: str
    status: str
    paused_reason: str | None
    snapshot: str | None
    next_poll_at: datetime
    polled_at: datetime | None
    pages: int
    created_at: datetime

    @property
    def owner(self) -> UserKey:
        """Whose Clustermarket token reads the instrument."""
        return UserKey(self.team_id, self.owner_user_id)


def _watch_of(row: dict[str, Any]) -> Watch:
    return Watch(
        id=int(row["id"]),
        team_id=row["team_id"],
        channel_id=row["channel_id"],
        equipment_id=int(row["equipment_id"]),
        equipment_name=row["equipment_name"],
        lab_zone=row["lab_zone"],
        owner_user_id=row["owner_user_id"],
        status=row["status"],
        paused_reason=row["paused_reason"],
        snapshot=row["snapshot"],
        next_poll_at=parse(row["next_poll_at"]),
        polled_at=parse_or_none(row["polled_at"]),
        pages=int(row["pages"]),
        created_at=parse(row["created_at"]),
    )


WATCHES_DISOWNED = "watches, paused and no longer theirs"
"""What `forget` counts for the watches a person set up: changed, not deleted."""
FORGOTTEN_OWNER_REASON = "the member who set it up is gone; watch it again to take it over"


class Watches(Repository):
    """The `watches` table."""

    PEOPLE: ClassVar = {"watches": "owner_user_id"}

    def __init__(self, db: Database, notices: Notices) -> None:
        self._db = db
        self._notices = notices

    def save(
        self,
        *,
        team_id: str,
        channel_id: str,
        equipment_id: int,
        equipment_name: str,
        lab_zone: str | None,
        owner_user_id: str,
        now: datetime | None = None,
    ) -> tuple[Watch, Watch | None]:
        """Watch (or keep watching) an instrument in a channel, active, owned by the one who
        asked; polled at once. Returns the watch and what it was before (None: new). A new
        owner sees with another token, so the last poll is forgotten (the next sets a
        baseline)."""
        moment = iso(now)
        with self._db.transaction():
            before = self.find(team_id, channel_id, equipment_id)
            same_owner = before is not None and before.owner_user_id == owner_user_id
            self._db.write(
                """
                INSERT INTO watches (team_id, channel_id, equipment_id, equipment_name,
                    lab_zone, owner_user_id, status, paused_reason, snapshot, next_poll_at,
                    polled_at, pages, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, 'active', NULL, NULL, ?, NULL, 1, ?, ?)
                ON CONFLICT (team_id, channel_id, equipment_id) DO UPDATE SET
                    equipment_name = excluded.equipment_name, lab_zone = excluded.lab_zone,
                    owner_user_id = excluded.owner_user_id, status = 'active',
                    paused_reason = NULL, next_poll_at = excluded.next_poll_at,
                    updated_at = excluded.updated_at
                """,
                (
                    team_id,
                    channel_id,
                    equipment_id,
                    equipment_name,
                    lab_zone,
                    owner_user_id,
                    moment,
                    moment,
                    moment,
                ),
            )
            if before is not None and not same_owner:
                self._db.write("UPDATE watches SET snapshot = NULL WHERE id = ?", (before.id,))
            saved = self.find(team_id, channel_id, equipment_id)
        assert saved is not None  # written in the transaction just committed
        return saved, before

    def find(self, team_id: str, channel_id: str, equipment_id: int) -> Watch | None:
        row = self._db.one(
            "SELECT * FROM watches WHERE team_id = ? AND channel_id = ? AND equipment_id = ?",
            (team_id, channel_id, equipment_id),
        )
        return None if row is None else _watch_of(row)

    def get(self, watch_id: int) -> Watch | None:
        row = self._db.one("SELECT * FROM watches WHERE id = ?", (watch_id,))
        return None if row is None else _watch_of(row)

    def in_channel(self, team_id: str, channel_id: str) -> list[Watch]:
        rows = self._db.all(
            "SELECT * FROM watches WHERE team_id = ? AND channel_id = ? ORDER BY id",
            (team_id, channel_id),
        )
        return [_watch_of(row) for row in rows]

    def owned_by(self, key: UserKey) -> list[Watch]:
        rows = self._db.all(
            "SELECT * FROM watches WHERE team_id = ? AND owner_user_id = ? ORDER BY id",
            (key.team_id, key.user_id),
        )
        return [_watch_of(row) for row in rows]

    def active(self) -> list[Watch]:
        rows = self._db.all("SELECT * FROM watches WHERE status = 'active' ORDER BY id")
        return [_watch_of(row) for row in rows]

    def delete(self, watch_id: int) -> bool:
        return self._db.write("DELETE FROM watches WHERE id = ?", (watch_id,)) > 0

    def pause_of(self, key: UserKey, reason: str) -> list[Watch]:
        """Pause the active watches `key` owns (their link broke or is gone)."""
        return self._switch(key, "active", "paused", reason)

    def resume_of(self, key: UserKey) -> list[Watch]:
        """Reactivate the paused watches `key` owns (they linked again); the next poll sets
        a new baseline, so what changed meanwhile is not posted late."""
        return self._switch(key, "paused", "active", None)

    def _switch(self, key: UserKey, current: str, wanted: str, reason: str | None) -> list[Watch]:
        with self._db.transaction():
            switched = [watch for watch in self.owned_by(key) if watch.status == current]
            for watch in switched:
                self._db.write(
                    "UPDATE watches SET status = ?, paused_reason = ?, snapshot = NULL,"
                    " updated_at = ? WHERE id = ?",
                    (wanted, reason, iso(None), watch.id),
                )
            return [found for watch in switched if (found := self.get(watch.id)) is not None]

    def save_poll(
        self,
        watch_id: int,
        *,
        snapshot: str,
        polled_at: datetime,
        next_poll_at: datetime,
        pages: int,
        notices: Sequence[NewNotice] = (),
        now: datetime | None = None,
    ) -> int | None:
        """A watch's poll and the posts it found, together; how many notices were new (None
        when the watch was deleted or paused meanwhile: then nothing is saved)."""
        with self._db.transaction():
            changed = self._db.write(
                "UPDATE watches SET snapshot = ?, polled_at = ?, next_poll_at = ?, pages = ?,"
                " updated_at = ? WHERE id = ? AND status = 'active'",
                (snapshot, iso(polled_at), iso(next_poll_at), pages, iso(now), watch_id),
            )
            if not changed:
                return None
            return self._notices.plan(notices, now=now)

    def forget(self, key: UserKey) -> Forgotten:
        """Pause the watches the person set up and erase them as owner (as a channel
        digest): the channel keeps what it watches, and anyone there can take it over, but
        it no longer runs on their account, and nothing left names them or what they saw."""
        changed = self._db.write(
            """
            UPDATE watches SET owner_user_id = '', status = 'paused', paused_reason = ?,
                snapshot = NULL, updated_at = ?
            WHERE team_id = ? AND owner_user_id = ?
            """,
            (FORGOTTEN_OWNER_REASON, iso(None), key.team_id, key.user_id),
        )
        return counted({WATCHES_DISOWNED: changed})

    def forget_teams(self, team_ids: Sequence[str]) -> Forgotten:
        return counted({"watched instruments": self._delete_teams("watches", team_ids)})

    def defer(self, watch_id: int, next_poll_at: datetime, *, pages: int) -> None:
        """Try this watch again at `next_poll_at` (its poll failed or did not fit), expecting
        it to cost `pages` requests."""
        self._db.write(
            "UPDATE watches SET next_poll_at = ?, pages = ? WHERE id = ?",
            (iso(next_poll_at), pages, watch_id),
        )
