"""The schema, as the ordered list of changes that built it.

Append new migrations at the end; never edit or reorder a released one. A new concern is a
new repository module plus its migrations appended here. Every row about people is keyed by
the Slack team (`team_id`), so an enterprise id can be added beside it later.
"""

from __future__ import annotations

import sqlite_utils

from bot.store.database import Migration


def _migration_1_initial(db: sqlite_utils.Database) -> None:
    """The first schema: links, OAuth states, digests and their deliveries, tz cache."""
    statements = (
        """
        CREATE TABLE links (
            team_id TEXT NOT NULL,
            slack_user_id TEXT NOT NULL,
            cm_user_id INTEGER NOT NULL,
            cm_user_name TEXT NOT NULL,
            access_token TEXT NOT NULL,
            refresh_token TEXT,
            expires_at TEXT,
            scopes TEXT NOT NULL DEFAULT '',
            token_version INTEGER NOT NULL DEFAULT 1,
            status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'broken')),
            broken_reason TEXT,
            linked_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (team_id, slack_user_id)
        )
        """,
        """
        CREATE TABLE oauth_states (
            state_hash TEXT PRIMARY KEY,
            team_id TEXT NOT NULL,
            slack_user_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT,
            resume TEXT
        )
        """,
        "CREATE INDEX oauth_states_created_at ON oauth_states (created_at)",
        """
        CREATE TABLE digest_subscriptions (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('personal', 'channel')),
            team_id TEXT NOT NULL,
            owner_user_id TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            lab_id INTEGER,
            lab_name TEXT,
            send_time TEXT NOT NULL,
            timezone TEXT,
            skip_weekends INTEGER NOT NULL DEFAULT 0 CHECK (skip_weekends IN (0, 1)),
            include_empty INTEGER NOT NULL DEFAULT 0 CHECK (include_empty IN (0, 1)),
            status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
            paused_reason TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """,
        """
        CREATE UNIQUE INDEX digest_subscriptions_personal
            ON digest_subscriptions (team_id, kind, owner_user_id) WHERE kind = 'personal'
        """,
        """
        CREATE UNIQUE INDEX digest_subscriptions_channel
            ON digest_subscriptions (team_id, kind, channel_id) WHERE kind = 'channel'
        """,
        "CREATE INDEX digest_subscriptions_owner ON digest_subscriptions (team_id, owner_user_id)",
        """
        CREATE TABLE digest_deliveries (
            subscription_id INTEGER NOT NULL
                REFERENCES digest_subscriptions (id) ON DELETE CASCADE,
            local_date TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'failed')),
            claimed_at TEXT,
            sent_at TEXT,
            message_ts TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            PRIMARY KEY (subscription_id, local_date)
        )
        """,
        """
        CREATE TABLE slack_users (
            team_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            tz TEXT NOT NULL,
            fetched_at TEXT NOT NULL,
            PRIMARY KEY (team_id, user_id)
        )
        """,
    )
    for statement in statements:
        db.execute(statement)


def _migration_2_post_started(db: sqlite_utils.Database) -> None:
    """When a digest's post first began: after a crash, only then can Slack already have it."""
    db.execute("ALTER TABLE digest_deliveries ADD COLUMN post_started_at TEXT")


def _migration_3_slack_events(db: sqlite_utils.Database) -> None:
    """Slack event ids already taken, so a redelivered event is not answered twice."""
    db.execute(
        "CREATE TABLE slack_events (event_id TEXT PRIMARY KEY, seen_at TEXT NOT NULL) WITHOUT ROWID"
    )


def _migration_4_refresh_leases(db: sqlite_utils.Database) -> None:
    """Who is renewing a user's tokens right now, across every process on this database.

    `expires_at` lets a crashed holder's lease lapse; `first_spent_at` remembers that the
    stored refresh token (of `token_version`) was already sent once without a saved
    successor, which is what makes a later `invalid_grant` possibly our own lost rotation.
    """
    db.execute(
        """
        CREATE TABLE refresh_leases (
            team_id TEXT NOT NULL,
            slack_user_id TEXT NOT NULL,
            holder TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            token_version INTEGER NOT NULL,
            first_spent_at TEXT NOT NULL,
            PRIMARY KEY (team_id, slack_user_id),
            FOREIGN KEY (team_id, slack_user_id)
                REFERENCES links (team_id, slack_user_id) ON DELETE CASCADE
        )
        """
    )


def _migration_5_key_canary(db: sqlite_utils.Database) -> None:
    """One value encrypted with TOKEN_ENCRYPTION_KEY, so a wrong key shows at start."""
    db.execute(
        """
        CREATE TABLE key_canary (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            token TEXT NOT NULL,
            written_at TEXT NOT NULL
        )
        """
    )


def _migration_6_pkce_verifier(db: sqlite_utils.Database) -> None:
    """The PKCE code_verifier of an OAuth state, encrypted: it completes a code exchange."""
    db.execute("ALTER TABLE oauth_states ADD COLUMN code_verifier TEXT")


def _migration_7_events_by_team(db: sqlite_utils.Database) -> None:
    """Slack event ids keyed by team like every other row (the old rows only deduplicated
    retries within minutes, so they are dropped, not moved)."""
    db.execute("DROP TABLE slack_events")
    db.execute(
        """
        CREATE TABLE slack_events (
            team_id TEXT NOT NULL,
            event_id TEXT NOT NULL,
            seen_at TEXT NOT NULL,
            PRIMARY KEY (team_id, event_id)
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX slack_events_seen_at ON slack_events (seen_at)")


def _migration_8_digest_indexes_and_chores(db: sqlite_utils.Database) -> None:
    """Indexes for the scheduler's queries (active digests; deliveries by date, which the
    pruning of old rows uses too), and when each periodic chore last ran."""
    db.execute("CREATE INDEX digest_subscriptions_status ON digest_subscriptions (status)")
    db.execute("CREATE INDEX digest_deliveries_local_date ON digest_deliveries (local_date)")
    db.execute(
        "CREATE TABLE store_chores (name TEXT PRIMARY KEY, last_run_at TEXT NOT NULL) WITHOUT ROWID"
    )


def _migration_9_thread_topics(db: sqlite_utils.Database) -> None:
    """What each Slack thread (or DM) was last asked about, for follow-ups; short-lived, so
    expired rows are deleted by time (the index)."""
    db.execute(
        """
        CREATE TABLE thread_topics (
            team_id TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            thread_ts TEXT NOT NULL,
            topic TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (team_id, channel_id, thread_ts)
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX thread_topics_updated_at ON thread_topics (updated_at)")


def _migration_10_links_confirmed_in_one_browser(db: sqlite_utils.Database) -> None:
    """Connect links that work once, OAuth states bound to the browser that opened the link,
    and sign-ins held (tokens encrypted) until the person confirms the accounts match."""
    db.execute("ALTER TABLE oauth_states ADD COLUMN ticket_hash TEXT")
    db.execute("ALTER TABLE oauth_states ADD COLUMN browser_hash TEXT")
    db.execute("CREATE UNIQUE INDEX oauth_states_ticket ON oauth_states (ticket_hash)")
    db.execute(
        """
        CREATE TABLE pending_links (
            token_hash TEXT PRIMARY KEY,
            team_id TEXT NOT NULL,
            slack_user_id TEXT NOT NULL,
            browser_hash TEXT NOT NULL,
            cm_user_id INTEGER NOT NULL,
            cm_user_name TEXT NOT NULL,
            cm_email TEXT,
            access_token TEXT,
            refresh_token TEXT,
            expires_at TEXT,
            scopes TEXT NOT NULL DEFAULT '',
            resume TEXT,
            created_at TEXT NOT NULL,
            deadline TEXT NOT NULL,
            settled_at TEXT
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX pending_links_deadline ON pending_links (deadline)")
    db.execute("CREATE INDEX pending_links_user ON pending_links (team_id, slack_user_id)")


def _migration_11_digest_first_day(db: sqlite_utils.Database) -> None:
    """The first local date a digest may go out: one turned on after its time of day starts
    the next day (NULL: any day)."""
    db.execute("ALTER TABLE digest_subscriptions ADD COLUMN first_day TEXT")


# Version n is MIGRATIONS[n - 1].
MIGRATIONS: list[Migration] = [
    _migration_1_initial,
    _migration_2_post_started,
    _migration_3_slack_events,
    _migration_4_refresh_leases,
    _migration_5_key_canary,
    _migration_6_pkce_verifier,
    _migration_7_events_by_team,
    _migration_8_digest_indexes_and_chores,
    _migration_9_thread_topics,
    _migration_10_links_confirmed_in_one_browser,
    _migration_11_digest_first_day,
]
