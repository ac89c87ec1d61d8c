"""What each conversation was last about, so a reply can follow up ("and tomorrow?").

A thread is a channel and a thread timestamp (a DM, which reads like a chat, is its channel
with an empty timestamp). Its topic is the last question answered in it, stored as the
caller encoded it; the store neither reads nor judges it. Topics are short-lived: after
`THREAD_MEMORY` without a new question, "and tomorrow?" is more likely a new question than a
follow-up, and nothing someone typed should outlive its conversation.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.store.clock import iso, parse, utc
from bot.store.database import Database

THREAD_MEMORY = timedelta(hours=2)
MAX_TOPIC_LENGTH = 4000
"""A topic is an encoded question (a button's value is at most 2,000 characters)."""


class Threads:
    """The `thread_topics` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def remember(
        self,
        team_id: str,
        channel_id: str,
        thread_ts: str,
        topic: str,
        *,
        now: datetime | None = None,
    ) -> None:
        """Keep `topic` as what the thread is about now; forget every expired topic."""
        if len(topic) > MAX_TOPIC_LENGTH:
            raise ValueError(f"a thread topic is at most {MAX_TOPIC_LENGTH} characters")
        moment = utc(now)
        with self._db.transaction():
            self._db.write(
                "DELETE FROM thread_topics WHERE updated_at < ?", (iso(moment - THREAD_MEMORY),)
            )
            self._db.write(
                """
                INSERT INTO thread_topics (team_id, channel_id, thread_ts, topic, updated_at)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (team_id, channel_id, thread_ts) DO UPDATE SET
                    topic = excluded.topic, updated_at = excluded.updated_at
                """,
                (team_id, channel_id, thread_ts, topic, iso(moment)),
            )

    def recall(
        self, team_id: str, channel_id: str, thread_ts: str, *, now: datetime | None = None
    ) -> str | None:
        """The thread's topic, unless it is older than `THREAD_MEMORY` (or there is none)."""
        row = self._db.one(
            """
            SELECT topic, updated_at FROM thread_topics
            WHERE team_id = ? AND channel_id = ? AND thread_ts = ?
            """,
            (team_id, channel_id, thread_ts),
        )
        if row is None or parse(row["updated_at"]) < utc(now) - THREAD_MEMORY:
            return None
        return str(row["topic"])
