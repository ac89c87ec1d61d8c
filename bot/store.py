"""Everything cmbot remembers: linked accounts, OAuth states, digests, and a time-zone cache.

One SQLite file (WAL mode, foreign keys on) reached through sqlite-utils. The schema is a list
of ordered migrations applied at start-up, so later changes append a function instead of
editing tables by hand. Every statement is parameterised. Clustermarket tokens are encrypted
at rest with MultiFernet: the first key encrypts, any key decrypts, so keys can be rotated
without a flag day (`cmbot reencrypt` rewrites old rows under the first key).

The store is plain local I/O: it never imports Slack, httpx or the Clustermarket client.
One `Store` may be shared by a thread pool; a lock serialises access to its connection and
`BEGIN IMMEDIATE` makes the compare-and-swap and claim transactions safe across processes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlite_utils import Database

from bot.clustermarket.errors import NotLinked, ReconnectRequired
from bot.clustermarket.tokens import TokenSet, UserKey

log = logging.getLogger(__name__)

MEMORY = ":memory:"
BUSY_TIMEOUT_SECONDS = 5.0  # how long a writer waits for another process's transaction
STATE_RETENTION = timedelta(days=1)  # OAuth states older than this are purged
MAX_ERROR_LENGTH = 1000  # a delivery error is a diagnostic, not a log file

KINDS = ("personal", "channel")
_SEND_TIME = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")


class StoreError(Exception):
    """The database cannot be used as configured; the message says what to fix."""


class SchemaTooNew(StoreError):
    """The database was written by a newer cmbot; running older code on it could corrupt it."""


class TokenDecryptionError(StoreError):
    """Stored tokens cannot be decrypted with any configured key (the key list is wrong)."""


class StateError(Exception):
    """An OAuth state that cannot start a link: never issued, expired, or already used."""

    def __init__(self, reason: Literal["unknown", "expired", "used"]) -> None:
        super().__init__(f"OAuth state is {reason}")
        self.reason: Literal["unknown", "expired", "used"] = reason


@dataclass(frozen=True, repr=False)
class Link:
    """A Slack user's connection to a Clustermarket account, tokens decrypted."""

    key: UserKey
    cm_user_id: int
    cm_user_name: str
    status: str
    broken_reason: str | None
    tokens: TokenSet
    linked_at: datetime
    updated_at: datetime

    def __repr__(self) -> str:  # tokens never reach a log through repr()
        return (
            f"Link(key={self.key!r}, cm_user_id={self.cm_user_id!r}, "
            f"cm_user_name={self.cm_user_name!r}, status={self.status!r}, "
            f"broken_reason={self.broken_reason!r}, expires_at={self.tokens.expires_at!r}, "
            f"linked_at={self.linked_at!r}, updated_at={self.updated_at!r})"
        )


@dataclass(frozen=True)
class StateClaim:
    """Who started the OAuth flow a consumed state belongs to, and what to do afterwards."""

    key: UserKey
    resume: dict[str, Any] | None


@dataclass(frozen=True)
class Subscription:
    """A daily digest: a personal one to the owner's DM, or a channel one for a lab."""

    id: int
    kind: str
    team_id: str
    owner_user_id: str
    channel_id: str
    lab_id: int | None
    lab_name: str | None
    send_time: str
    timezone: str | None
    skip_weekends: bool
    include_empty: bool
    status: str
    paused_reason: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def owner(self) -> UserKey:
        """Whose Clustermarket tokens build this digest."""
        return UserKey(self.team_id, self.owner_user_id)


@dataclass(frozen=True)
class Delivery:
    """One digest for one local day: the row that makes sending it exactly-once."""

    subscription_id: int
    local_date: date
    status: str
    claimed_at: datetime | None
    sent_at: datetime | None
    message_ts: str | None
    attempts: int
    last_error: str | None
    post_started_at: datetime | None = None  # set before the first post: Slack may have it


# --- schema -------------------------------------------------------------------------------

Migration = Callable[[Database], None]


def _migration_1_initial(db: Database) -> None:
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


def _migration_2_post_started(db: Database) -> None:
    """When a digest's post first began: after a crash, only then can Slack already have it."""
    db.execute("ALTER TABLE digest_deliveries ADD COLUMN post_started_at TEXT")


def _migration_3_slack_events(db: Database) -> None:
    """Slack event ids already taken, so a redelivered event is not answered twice."""
    db.execute(
        "CREATE TABLE slack_events (event_id TEXT PRIMARY KEY, seen_at TEXT NOT NULL) WITHOUT ROWID"
    )


# Append new migrations at the end; never edit or reorder a released one. Version n is
# MIGRATIONS[n - 1], and each runs in its own transaction with its schema_migrations row.
MIGRATIONS: list[Migration] = [
    _migration_1_initial,
    _migration_2_post_started,
    _migration_3_slack_events,
]


# --- helpers ------------------------------------------------------------------------------


def _utc(moment: datetime | None) -> datetime:
    """`moment` in UTC (now when None); a naive datetime is taken to be UTC already."""
    if moment is None:
        return datetime.now(UTC)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _iso(moment: datetime | None) -> str:
    """Fixed-width UTC ISO-8601, so stored times also compare correctly as text in SQL."""
    return _utc(moment).isoformat(timespec="microseconds")


def _iso_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else _iso(moment)


def _parse(text: str) -> datetime:
    return _utc(datetime.fromisoformat(text))


def _parse_or_none(text: str | None) -> datetime | None:
    return None if text is None else _parse(text)


def _hash_state(state: str) -> str:
    """Only this digest is stored, so a leaked database cannot complete anyone's OAuth flow."""
    return hashlib.sha256(state.encode("utf-8")).hexdigest()


def _same_secret(stored: str | None, given: str | None) -> bool:
    """Constant-time equality of two optional secrets."""
    if stored is None or given is None:
        return stored is None and given is None
    return hmac.compare_digest(stored.encode("utf-8"), given.encode("utf-8"))


def _check_timezone(tz: str) -> str:
    """Refuse a zone name the scheduler could not use later."""
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown IANA time zone: {tz!r}") from None
    return tz


def _build_fernet(keys: Sequence[str]) -> tuple[MultiFernet, Fernet]:
    """MultiFernet over all keys (any decrypts) and the first key alone (it encrypts)."""
    if isinstance(keys, str):
        raise TypeError("keys must be a sequence of Fernet keys, not one string")
    if not keys:
        raise ValueError("TOKEN_ENCRYPTION_KEY is empty: at least one Fernet key is required")
    fernets: list[Fernet] = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError):
            raise ValueError(
                f"TOKEN_ENCRYPTION_KEY entry {position} is not a Fernet key"
                " (urlsafe base64 of 32 bytes; make one with `cmbot keygen`)"
            ) from None
    return MultiFernet(fernets), fernets[0]


# A digest's unique key, by kind: the statement text is fixed, only values are bound.
_FIND_SQL = {
    "personal": (
        "SELECT * FROM digest_subscriptions WHERE team_id = ? AND kind = ? AND owner_user_id = ?"
    ),
    "channel": (
        "SELECT * FROM digest_subscriptions WHERE team_id = ? AND kind = ? AND channel_id = ?"
    ),
}

_UNDECRYPTABLE = (
    "stored Clustermarket tokens cannot be decrypted with any key in TOKEN_ENCRYPTION_KEY;"
    " when rotating keys keep the old key in the list (after the new one) until"
    " `cmbot reencrypt` has run"
)


# --- the store ----------------------------------------------------------------------------


class Store:
    """cmbot's SQLite database; also the `TokenVault` the Clustermarket client uses."""

    def __init__(self, path: str | os.PathLike[str], keys: Sequence[str]) -> None:
        self._fernet, self._primary = _build_fernet(keys)
        self._lock = threading.RLock()
        self._path = os.fspath(path)
        self._memory = self._path == MEMORY
        if not self._memory and not os.path.exists(self._path):
            self._create_private_file(self._path)
        try:
            conn = sqlite3.connect(
                self._path,
                timeout=BUSY_TIMEOUT_SECONDS,
                isolation_level=None,  # transactions are explicit: BEGIN IMMEDIATE … COMMIT
                check_same_thread=False,  # shared by a thread pool, serialised by self._lock
            )
        except sqlite3.Error as error:
            raise StoreError(f"cannot open the database at {self._path}: {error}") from None
        self._db = Database(conn, execute_plugins=False)
        self._closed = False
        try:
            self._db.execute("PRAGMA foreign_keys = ON")
            if not self._memory:
                self._db.enable_wal()
            self._migrate()
        except BaseException:
            conn.close()
            raise

    @staticmethod
    def _create_private_file(path: str) -> None:
        """Create the file owner-only, so the encrypted tokens are not world-readable.

        SQLite gives the -wal and -shm files the same permissions as the database file.
        """
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        except OSError as error:
            raise StoreError(f"cannot create the database at {path}: {error}") from None
        os.close(descriptor)

    def close(self) -> None:
        """Close the connection; safe to call twice."""
        with self._lock:
            if not self._closed:
                self._db.close()
                self._closed = True

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def ping(self) -> bool:
        """For /healthz: the database answers a trivial SELECT (without queueing forever)."""
        if not self._lock.acquire(timeout=BUSY_TIMEOUT_SECONDS):
            return False
        try:
            rows = list(self._db.query("SELECT 1 AS ok"))
        except (sqlite3.Error, ValueError):
            return False
        finally:
            self._lock.release()
        return rows == [{"ok": 1}]

    def verify_key(self) -> None:
        """TokenDecryptionError unless every stored token decrypts with the configured keys.

        A stand-in until the store keeps an encrypted canary (the storage rework)."""
        for row in self._all("SELECT access_token, refresh_token FROM links"):
            for stored in (row["access_token"], row["refresh_token"]):
                if stored is not None:
                    self._decrypt(stored)

    def check_writable(self) -> None:
        """StoreError unless a write goes through (one that changes nothing, rolled back).

        A stand-in until the storage rework provides the real check."""
        try:
            with self._lock:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    self._db.execute("UPDATE schema_migrations SET applied_at = applied_at")
                finally:
                    self._db.rollback()
        except sqlite3.Error as error:
            raise StoreError(f"cannot write the database at {self._path}: {error}") from None

    @property
    def schema_version(self) -> int:
        with self._lock:
            return self._current_version()

    # --- plumbing ---

    @contextmanager
    def _immediate(self) -> Iterator[None]:
        """A write transaction that takes the database write lock up front.

        BEGIN IMMEDIATE means the read-then-write of a compare-and-swap or claim cannot be
        interleaved with another connection's write (no lost updates, no upgrade deadlock).
        """
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.rollback()
                raise
            try:
                self._db.execute("COMMIT")
            except BaseException:
                self._db.rollback()
                raise

    def _one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        with self._lock:
            rows = list(self._db.query(sql, tuple(params)))
        return rows[0] if rows else None

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._db.query(sql, tuple(params)))

    def _write(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one write statement (its own transaction unless inside one); rows changed."""
        with self._lock:
            return self._db.execute(sql, tuple(params)).rowcount

    def _current_version(self) -> int:
        row = self._one("SELECT MAX(version) AS version FROM schema_migrations")
        return int(row["version"]) if row and row["version"] is not None else 0

    def _migrate(self) -> None:
        """Apply the migrations this database lacks; refuse one written by newer code."""
        migrations = list(MIGRATIONS)
        with self._immediate():
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
        for version, migration in enumerate(migrations, start=1):
            with self._immediate():  # re-read inside the lock: another process may migrate
                current = self._current_version()
                if current >= version:
                    continue
                migration(self._db)
                self._db.execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                    (version, _iso(None)),
                )
            log.info("database schema migrated to version %d", version)
        current = self._current_version()
        if current > len(migrations):
            raise SchemaTooNew(
                f"the database at {self._path} has schema version {current}, newer than the"
                f" {len(migrations)} this cmbot understands; upgrade cmbot or point"
                " DATABASE_PATH elsewhere"
            )

    def _encrypt(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode("utf-8")).decode("ascii")

    def _decrypt(self, stored: str) -> str:
        try:
            return self._fernet.decrypt(stored.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise TokenDecryptionError(_UNDECRYPTABLE) from None

    def _tokens_of(self, row: dict[str, Any]) -> TokenSet:
        refresh = row["refresh_token"]
        return TokenSet(
            access_token=self._decrypt(row["access_token"]),
            refresh_token=None if refresh is None else self._decrypt(refresh),
            expires_at=_parse_or_none(row["expires_at"]),
            scopes=row["scopes"],
        )

    def _link_row(self, key: UserKey) -> dict[str, Any] | None:
        return self._one(
            "SELECT * FROM links WHERE team_id = ? AND slack_user_id = ?",
            (key.team_id, key.user_id),
        )

    def _link_of(self, row: dict[str, Any]) -> Link:
        return Link(
            key=UserKey(row["team_id"], row["slack_user_id"]),
            cm_user_id=int(row["cm_user_id"]),
            cm_user_name=row["cm_user_name"],
            status=row["status"],
            broken_reason=row["broken_reason"],
            tokens=self._tokens_of(row),
            linked_at=_parse(row["linked_at"]),
            updated_at=_parse(row["updated_at"]),
        )

    # --- links ---

    def save_link(
        self, key: UserKey, *, cm_user_id: int, cm_user_name: str, tokens: TokenSet
    ) -> Link:
        """Store a fresh link (insert or replace), active, with a new token version.

        Bumping the version on a re-link makes any refresh still in flight for the old
        tokens lose its compare-and-swap.
        """
        now = _iso(None)
        refresh = tokens.refresh_token
        with self._immediate():
            self._write(
                """
            INSERT INTO links (team_id, slack_user_id, cm_user_id, cm_user_name, access_token,
                refresh_token, expires_at, scopes, token_version, status, broken_reason,
                linked_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 'active', NULL, ?, ?)
            ON CONFLICT (team_id, slack_user_id) DO UPDATE SET
                cm_user_id = excluded.cm_user_id,
                cm_user_name = excluded.cm_user_name,
                access_token = excluded.access_token,
                refresh_token = excluded.refresh_token,
                expires_at = excluded.expires_at,
                scopes = excluded.scopes,
                token_version = links.token_version + 1,
                status = 'active',
                broken_reason = NULL,
                linked_at = excluded.linked_at,
                updated_at = excluded.updated_at
            """,
                (
                    key.team_id,
                    key.user_id,
                    cm_user_id,
                    cm_user_name,
                    self._encrypt(tokens.access_token),
                    None if refresh is None else self._encrypt(refresh),
                    _iso_or_none(tokens.expires_at),
                    tokens.scopes,
                    now,
                    now,
                ),
            )
            link = self.get_link(key)
        assert link is not None  # written in the transaction just committed
        return link

    def get_link(self, key: UserKey) -> Link | None:
        """The link, broken or not (so the UI can say why); None when never linked."""
        row = self._link_row(key)
        return None if row is None else self._link_of(row)

    def delete_link(self, key: UserKey) -> bool:
        """Forget the link and its tokens; False when there was none."""
        changed = self._write(
            "DELETE FROM links WHERE team_id = ? AND slack_user_id = ?",
            (key.team_id, key.user_id),
        )
        return changed > 0

    def count_links(self) -> int:
        row = self._one("SELECT COUNT(*) AS n FROM links")
        return int(row["n"]) if row else 0

    # --- TokenVault (async to fit the client; the work is local and fast) ---

    async def load_tokens(self, key: UserKey) -> TokenSet:
        """The current tokens; NotLinked without a link, ReconnectRequired when it is broken."""
        row = self._link_row(key)
        if row is None:
            raise NotLinked("this Slack user has not connected a Clustermarket account")
        if row["status"] != "active":
            raise ReconnectRequired("the Clustermarket connection must be renewed")
        return self._tokens_of(row)

    async def rotate_tokens(self, key: UserKey, old: TokenSet, new: TokenSet) -> bool:
        """Compare-and-swap `old` for `new`; False, changing nothing, if `old` is stale.

        Stale means another worker rotated first, the link was replaced or deleted, or it was
        marked broken (only a fresh link revives it).
        """
        return self._rotate(key, old, new)

    def _rotate(self, key: UserKey, old: TokenSet, new: TokenSet) -> bool:
        with self._immediate():
            row = self._link_row(key)
            if row is None or row["status"] != "active":
                return False
            current = self._tokens_of(row)
            if not (
                _same_secret(current.access_token, old.access_token)
                and _same_secret(current.refresh_token, old.refresh_token)
            ):
                return False
            refresh = new.refresh_token
            changed = self._write(
                """
                UPDATE links SET access_token = ?, refresh_token = ?, expires_at = ?,
                    scopes = ?, token_version = token_version + 1, updated_at = ?
                WHERE team_id = ? AND slack_user_id = ? AND token_version = ?
                """,
                (
                    self._encrypt(new.access_token),
                    None if refresh is None else self._encrypt(refresh),
                    _iso_or_none(new.expires_at),
                    new.scopes,
                    _iso(None),
                    key.team_id,
                    key.user_id,
                    row["token_version"],
                ),
            )
            return changed == 1

    async def mark_broken(self, key: UserKey, reason: str) -> None:
        """Flag the link so the next use asks the user to reconnect; no-op without a link."""
        self._write(
            """
            UPDATE links SET status = 'broken', broken_reason = ?, updated_at = ?
            WHERE team_id = ? AND slack_user_id = ?
            """,
            (reason, _iso(None), key.team_id, key.user_id),
        )

    # --- OAuth states ---

    def create_state(
        self,
        key: UserKey,
        *,
        resume: dict[str, Any] | None = None,
        ttl: timedelta = timedelta(minutes=10),
        now: datetime | None = None,
    ) -> str:
        """A fresh single-use state for `key`'s authorize URL; only its sha256 is stored."""
        moment = _utc(now)
        state = secrets.token_urlsafe(32)
        payload = None if resume is None else json.dumps(resume, separators=(",", ":"))
        with self._immediate():
            self._write(
                "DELETE FROM oauth_states WHERE created_at < ?",
                (_iso(moment - STATE_RETENTION),),
            )
            self._write(
                """
                INSERT INTO oauth_states (state_hash, team_id, slack_user_id, created_at,
                    expires_at, used_at, resume)
                VALUES (?, ?, ?, ?, ?, NULL, ?)
                """,
                (
                    _hash_state(state),
                    key.team_id,
                    key.user_id,
                    _iso(moment),
                    _iso(moment + ttl),
                    payload,
                ),
            )
        return state

    def consume_state(self, state: str, *, now: datetime | None = None) -> StateClaim:
        """Use a state exactly once; StateError('unknown' | 'expired' | 'used') otherwise.

        An expired state is marked used as well, so it can never be tried again.
        """
        moment = _utc(now)
        state_hash = _hash_state(state)
        with self._immediate():
            row = self._one("SELECT * FROM oauth_states WHERE state_hash = ?", (state_hash,))
            if row is None:
                failure: Literal["unknown", "expired", "used"] | None = "unknown"
            else:
                changed = self._write(
                    "UPDATE oauth_states SET used_at = ? WHERE state_hash = ? AND used_at IS NULL",
                    (_iso(moment), state_hash),
                )
                if changed != 1:
                    failure = "used"
                elif _parse(row["expires_at"]) <= moment:
                    failure = "expired"
                else:
                    failure = None
        # raised after COMMIT, so marking an expired state used is not rolled back
        if failure is not None:
            raise StateError(failure)
        assert row is not None  # no failure means the row was found
        resume = None if row["resume"] is None else json.loads(row["resume"])
        return StateClaim(key=UserKey(row["team_id"], row["slack_user_id"]), resume=resume)

    # --- Slack user time zones ---

    def cached_tz(
        self,
        key: UserKey,
        *,
        max_age: timedelta = timedelta(days=1),
        now: datetime | None = None,
    ) -> str | None:
        """The user's time zone if fetched from Slack within `max_age`; else None."""
        row = self._one(
            "SELECT tz, fetched_at FROM slack_users WHERE team_id = ? AND user_id = ?",
            (key.team_id, key.user_id),
        )
        if row is None or _parse(row["fetched_at"]) < _utc(now) - max_age:
            return None
        return str(row["tz"])

    def cache_tz(self, key: UserKey, tz: str, *, now: datetime | None = None) -> None:
        """Remember the user's IANA time zone (ValueError if Python does not know it)."""
        self._write(
            """
            INSERT INTO slack_users (team_id, user_id, tz, fetched_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (team_id, user_id) DO UPDATE SET
                tz = excluded.tz, fetched_at = excluded.fetched_at
            """,
            (key.team_id, key.user_id, _check_timezone(tz), _iso(now)),
        )

    # --- Slack events ---

    def first_sight(self, event_id: str, *, now: datetime | None = None) -> bool:
        """Record a Slack event id; False when it was recorded before (Slack's retry).

        Ids older than a day are forgotten: Slack retries within minutes.
        """
        moment = _utc(now)
        with self._immediate():
            self._write(
                "DELETE FROM slack_events WHERE seen_at < ?",
                (_iso(moment - timedelta(days=1)),),
            )
            added = self._write(
                "INSERT OR IGNORE INTO slack_events (event_id, seen_at) VALUES (?, ?)",
                (event_id, _iso(moment)),
            )
        return added == 1

    # --- digest subscriptions ---

    @staticmethod
    def _subscription_of(row: dict[str, Any]) -> Subscription:
        return Subscription(
            id=int(row["id"]),
            kind=row["kind"],
            team_id=row["team_id"],
            owner_user_id=row["owner_user_id"],
            channel_id=row["channel_id"],
            lab_id=None if row["lab_id"] is None else int(row["lab_id"]),
            lab_name=row["lab_name"],
            send_time=row["send_time"],
            timezone=row["timezone"],
            skip_weekends=bool(row["skip_weekends"]),
            include_empty=bool(row["include_empty"]),
            status=row["status"],
            paused_reason=row["paused_reason"],
            created_at=_parse(row["created_at"]),
            updated_at=_parse(row["updated_at"]),
        )

    @staticmethod
    def _unique_filter(kind: str, owner_user_id: str | None, channel_id: str | None) -> str:
        """The value of a subscription's unique key beside team and kind (see _FIND_SQL)."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        if kind == "personal":
            if owner_user_id is None:
                raise ValueError("a personal digest is identified by owner_user_id")
            return owner_user_id
        if channel_id is None:
            raise ValueError("a channel digest is identified by channel_id")
        return channel_id

    def save_subscription(
        self,
        *,
        kind: str,
        team_id: str,
        owner_user_id: str,
        channel_id: str,
        send_time: str,
        timezone: str | None = None,
        lab_id: int | None = None,
        lab_name: str | None = None,
        skip_weekends: bool = False,
        include_empty: bool = False,
    ) -> Subscription:
        """Create or update the digest with this unique key, and (re)activate it.

        A channel digest is unique per channel: whoever sets it up last becomes its owner,
        whose tokens build it.
        """
        value = self._unique_filter(kind, owner_user_id, channel_id)
        if not _SEND_TIME.fullmatch(send_time):
            raise ValueError(f"send_time must be HH:MM (24-hour), not {send_time!r}")
        if timezone is not None:
            _check_timezone(timezone)
        now = _iso(None)
        fields = (
            owner_user_id,
            channel_id,
            lab_id,
            lab_name,
            send_time,
            timezone,
            int(skip_weekends),
            int(include_empty),
        )
        with self._immediate():
            existing = self._one(_FIND_SQL[kind], (team_id, kind, value))
            if existing is None:
                with self._lock:
                    cursor = self._db.execute(
                        """
                        INSERT INTO digest_subscriptions (kind, team_id, owner_user_id,
                            channel_id, lab_id, lab_name, send_time, timezone, skip_weekends,
                            include_empty, status, paused_reason, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', NULL, ?, ?)
                        """,
                        (kind, team_id, *fields, now, now),
                    )
                subscription_id = int(cursor.lastrowid or 0)
            else:
                subscription_id = int(existing["id"])
                self._write(
                    """
                    UPDATE digest_subscriptions SET owner_user_id = ?, channel_id = ?,
                        lab_id = ?, lab_name = ?, send_time = ?, timezone = ?,
                        skip_weekends = ?, include_empty = ?, status = 'active',
                        paused_reason = NULL, updated_at = ?
                    WHERE id = ?
                    """,
                    (*fields, now, subscription_id),
                )
            saved = self.get_subscription(subscription_id)
        assert saved is not None  # written in the transaction just committed
        return saved

    def get_subscription(self, subscription_id: int) -> Subscription | None:
        row = self._one("SELECT * FROM digest_subscriptions WHERE id = ?", (subscription_id,))
        return None if row is None else self._subscription_of(row)

    def find_subscription(
        self,
        *,
        kind: str,
        team_id: str,
        owner_user_id: str | None = None,
        channel_id: str | None = None,
    ) -> Subscription | None:
        """The digest with this unique key: owner for personal, channel for channel ones."""
        value = self._unique_filter(kind, owner_user_id, channel_id)
        row = self._one(_FIND_SQL[kind], (team_id, kind, value))
        return None if row is None else self._subscription_of(row)

    def list_subscriptions(
        self, *, team_id: str | None = None, status: str | None = None
    ) -> list[Subscription]:
        """Digests, oldest first, optionally of one workspace and/or in one status."""
        rows = self._all(
            """
            SELECT * FROM digest_subscriptions
            WHERE (? IS NULL OR team_id = ?) AND (? IS NULL OR status = ?)
            ORDER BY id
            """,
            (team_id, team_id, status, status),
        )
        return [self._subscription_of(row) for row in rows]

    def delete_subscription(self, subscription_id: int) -> bool:
        """Remove a digest and (by cascade) its delivery history; False if there was none."""
        return self._write("DELETE FROM digest_subscriptions WHERE id = ?", (subscription_id,)) > 0

    def pause_subscriptions_of(self, key: UserKey, reason: str) -> list[Subscription]:
        """Pause the active channel digests `key` owns (their tokens are gone or broken)."""
        return self._switch_channel_digests(key, "active", "paused", reason)

    def resume_subscriptions_of(self, key: UserKey) -> list[Subscription]:
        """Reactivate the paused channel digests `key` owns (they have linked again)."""
        return self._switch_channel_digests(key, "paused", "active", None)

    def _switch_channel_digests(
        self, key: UserKey, current: str, wanted: str, reason: str | None
    ) -> list[Subscription]:
        with self._immediate():
            rows = self._all(
                """
                SELECT id FROM digest_subscriptions
                WHERE team_id = ? AND owner_user_id = ? AND kind = 'channel' AND status = ?
                ORDER BY id
                """,
                (key.team_id, key.user_id, current),
            )
            ids = [int(row["id"]) for row in rows]
            for subscription_id in ids:
                self._write(
                    """
                    UPDATE digest_subscriptions SET status = ?, paused_reason = ?, updated_at = ?
                    WHERE id = ?
                    """,
                    (wanted, reason, _iso(None), subscription_id),
                )
            switched = [self.get_subscription(subscription_id) for subscription_id in ids]
        return [subscription for subscription in switched if subscription is not None]

    def set_subscription_timezone(self, subscription_id: int, tz: str) -> None:
        """Pin the digest to a zone (ValueError if Python does not know it)."""
        self._write(
            "UPDATE digest_subscriptions SET timezone = ?, updated_at = ? WHERE id = ?",
            (_check_timezone(tz), _iso(None), subscription_id),
        )

    # --- digest deliveries ---

    @staticmethod
    def _delivery_of(row: dict[str, Any]) -> Delivery:
        return Delivery(
            subscription_id=int(row["subscription_id"]),
            local_date=date.fromisoformat(row["local_date"]),
            status=row["status"],
            claimed_at=_parse_or_none(row["claimed_at"]),
            sent_at=_parse_or_none(row["sent_at"]),
            message_ts=row["message_ts"],
            attempts=int(row["attempts"]),
            last_error=row["last_error"],
            post_started_at=_parse_or_none(row.get("post_started_at")),
        )

    def _delivery_row(self, subscription_id: int, local_date: date) -> dict[str, Any] | None:
        return self._one(
            "SELECT * FROM digest_deliveries WHERE subscription_id = ? AND local_date = ?",
            (subscription_id, local_date.isoformat()),
        )

    def claim_delivery(
        self,
        subscription_id: int,
        local_date: date,
        *,
        now: datetime | None = None,
        stale_after: timedelta = timedelta(minutes=10),
    ) -> Delivery | None:
        """Take the right to send this day's digest, so it goes out exactly once.

        A new day or a failed attempt is claimed. A claim older than `stale_after` is taken
        over too: its worker may have crashed after posting, so the caller checks Slack
        before resending. A fresh claim, a sent day or a deleted digest give None.
        """
        moment = _utc(now)
        day = local_date.isoformat()
        with self._immediate():
            if (
                self._one("SELECT id FROM digest_subscriptions WHERE id = ?", (subscription_id,))
                is None
            ):
                return None
            row = self._delivery_row(subscription_id, local_date)
            if row is None:
                self._write(
                    """
                    INSERT INTO digest_deliveries (subscription_id, local_date, status,
                        claimed_at, sent_at, message_ts, attempts, last_error)
                    VALUES (?, ?, 'claimed', ?, NULL, NULL, 1, NULL)
                    """,
                    (subscription_id, day, _iso(moment)),
                )
            else:
                status = row["status"]
                claimed_at = _parse_or_none(row["claimed_at"])
                stale = claimed_at is None or claimed_at <= moment - stale_after
                if status == "sent" or (status == "claimed" and not stale):
                    return None
                self._write(
                    """
                    UPDATE digest_deliveries SET status = 'claimed', claimed_at = ?,
                        attempts = attempts + 1
                    WHERE subscription_id = ? AND local_date = ?
                    """,
                    (_iso(moment), subscription_id, day),
                )
            claimed = self._delivery_row(subscription_id, local_date)
        return None if claimed is None else self._delivery_of(claimed)

    def record_delivery(
        self,
        subscription_id: int,
        local_date: date,
        *,
        message_ts: str | None,
        now: datetime | None = None,
    ) -> None:
        """Mark the day sent, so no later claim resends it."""
        moment = _iso(now)
        self._write(
            """
            INSERT INTO digest_deliveries (subscription_id, local_date, status, claimed_at,
                sent_at, message_ts, attempts, last_error)
            VALUES (?, ?, 'sent', ?, ?, ?, 1, NULL)
            ON CONFLICT (subscription_id, local_date) DO UPDATE SET
                status = 'sent', sent_at = excluded.sent_at,
                message_ts = excluded.message_ts, last_error = NULL
            """,
            (subscription_id, local_date.isoformat(), moment, moment, message_ts),
        )

    def fail_delivery(
        self,
        subscription_id: int,
        local_date: date,
        error: str,
        *,
        now: datetime | None = None,
    ) -> None:
        """Mark the attempt failed so the next claim may retry; a sent day stays sent."""
        moment = _iso(now)
        self._write(
            """
            INSERT INTO digest_deliveries (subscription_id, local_date, status, claimed_at,
                sent_at, message_ts, attempts, last_error)
            VALUES (?, ?, 'failed', ?, NULL, NULL, 1, ?)
            ON CONFLICT (subscription_id, local_date) DO UPDATE SET
                status = 'failed', last_error = excluded.last_error
            WHERE digest_deliveries.status != 'sent'
            """,
            (subscription_id, local_date.isoformat(), moment, error[:MAX_ERROR_LENGTH]),
        )

    def get_delivery(self, subscription_id: int, local_date: date) -> Delivery | None:
        row = self._delivery_row(subscription_id, local_date)
        return None if row is None else self._delivery_of(row)

    def start_posting(
        self, subscription_id: int, local_date: date, *, now: datetime | None = None
    ) -> None:
        """Note that a post is about to begin; the first such time is kept.

        A later claim that sees it must look in Slack before posting: the post may have
        landed even though its answer never came back.
        """
        self._write(
            """
            UPDATE digest_deliveries SET post_started_at = COALESCE(post_started_at, ?)
            WHERE subscription_id = ? AND local_date = ?
            """,
            (_iso(now), subscription_id, local_date.isoformat()),
        )

    def deliveries_between(self, first: date, last: date) -> list[Delivery]:
        """Every delivery of the local dates `first` to `last`, so one read tells a scheduler
        tick which digests are already settled."""
        rows = self._all(
            """
            SELECT * FROM digest_deliveries WHERE local_date BETWEEN ? AND ?
            ORDER BY subscription_id, local_date
            """,
            (first.isoformat(), last.isoformat()),
        )
        return [self._delivery_of(row) for row in rows]

    # --- key rotation ---

    def reencrypt_all(self) -> int:
        """Re-encrypt under the first key every link not already under it; rows changed.

        All or nothing: one undecryptable row aborts the run with TokenDecryptionError.
        """
        changed = 0
        with self._immediate():
            rows = self._all(
                "SELECT team_id, slack_user_id, access_token, refresh_token FROM links"
            )
            for row in rows:
                access = self._rotated(row["access_token"])
                refresh = (
                    None if row["refresh_token"] is None else self._rotated(row["refresh_token"])
                )
                if access is None and refresh is None:
                    continue
                self._write(
                    """
                    UPDATE links SET access_token = ?, refresh_token = ?
                    WHERE team_id = ? AND slack_user_id = ?
                    """,
                    (
                        access or row["access_token"],
                        refresh or row["refresh_token"],
                        row["team_id"],
                        row["slack_user_id"],
                    ),
                )
                changed += 1
        return changed

    def _rotated(self, stored: str) -> str | None:
        """`stored` re-encrypted under the first key, or None when it already is."""
        token = stored.encode("ascii")
        try:
            self._primary.decrypt(token)
        except InvalidToken:
            pass
        else:
            return None
        try:
            return self._fernet.rotate(token).decode("ascii")
        except InvalidToken:
            raise TokenDecryptionError(_UNDECRYPTABLE) from None
