"""Slack installations, one workspace (or Enterprise Grid organisation) each, and the states
of the install flow.

Each installation is kept as a document (slack-sdk's `Bot` and `Installation` fields, which
`bot.workspaces` translates; the store never imports Slack) encrypted whole like users'
tokens, beside the plain keys that find it. `slack_bots` holds a workspace's current bot
token; `slack_installations` the latest install by each installer, without the bot's
secrets. An org-wide install (team `''`) also answers for every workspace of its
organisation that has no install of its own.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar

from bot.clustermarket.tokens import UserKey
from bot.store.clock import iso, utc
from bot.store.crypto import Cipher
from bot.store.database import Database
from bot.store.repository import Forgotten, Repository, counted

Document = dict[str, Any]
ORG_WIDE = ""
"""The `team_id` stored for an org-wide install, as slack-sdk's own stores do."""


def _candidates(
    enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool
) -> list[tuple[str, tuple[str, ...]]]:
    """Conditions to try in order: the workspace's own install (team ids are unique across
    Slack), then its organisation's org-wide install."""
    tried: list[tuple[str, tuple[str, ...]]] = []
    if team_id and not is_enterprise_install:
        tried.append(("team_id = ?", (team_id,)))
    if enterprise_id:
        tried.append(("enterprise_id = ? AND team_id = ?", (enterprise_id, ORG_WIDE)))
    return tried


class SlackInstallations(Repository):
    """The `slack_bots` and `slack_installations` tables."""

    PEOPLE: ClassVar = {"slack_installations": "user_id"}
    GRID: ClassVar = ("slack_bots", "slack_installations")
    OTHER_TABLES: ClassVar = ("slack_bots",)

    def __init__(self, db: Database, cipher: Cipher) -> None:
        self._db = db
        self._cipher = cipher

    def _seal(self, document: Document) -> str:
        return self._cipher.encrypt(json.dumps(document, separators=(",", ":")))

    def _open(self, row: dict[str, Any] | None) -> Document | None:
        if row is None:
            return None
        opened = json.loads(self._cipher.decrypt(row["document"]))
        return opened if isinstance(opened, dict) else None

    # --- bots ---

    def save_bot(
        self,
        document: Document,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool,
        installed_at: datetime,
    ) -> None:
        """Keep the workspace's (or organisation's) bot, replacing the one before."""
        self._db.write(
            """
            INSERT INTO slack_bots (enterprise_id, team_id, is_enterprise_install,
                installed_at, document)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (enterprise_id, team_id) DO UPDATE SET
                is_enterprise_install = excluded.is_enterprise_install,
                installed_at = excluded.installed_at, document = excluded.document
            """,
            (
                enterprise_id or "",
                ORG_WIDE if is_enterprise_install else team_id or ORG_WIDE,
                int(is_enterprise_install),
                iso(installed_at),
                self._seal(document),
            ),
        )

    def find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool
    ) -> Document | None:
        return self._latest("slack_bots", enterprise_id, team_id, is_enterprise_install)

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> int:
        return self._db.write(
            "DELETE FROM slack_bots WHERE enterprise_id = ? AND team_id = ?",
            (enterprise_id or "", team_id or ORG_WIDE),
        )

    # --- installations ---

    def save_installation(
        self,
        document: Document,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str,
        is_enterprise_install: bool,
        installed_at: datetime,
    ) -> None:
        """Keep an installer's latest install of the workspace (or organisation)."""
        self._db.write(
            """
            INSERT INTO slack_installations (enterprise_id, team_id, user_id,
                is_enterprise_install, installed_at, document)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (enterprise_id, team_id, user_id) DO UPDATE SET
                is_enterprise_install = excluded.is_enterprise_install,
                installed_at = excluded.installed_at, document = excluded.document
            """,
            (
                enterprise_id or "",
                ORG_WIDE if is_enterprise_install else team_id or ORG_WIDE,
                user_id,
                int(is_enterprise_install),
                iso(installed_at),
                self._seal(document),
            ),
        )

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool,
    ) -> Document | None:
        """The installer's latest install, or without `user_id` the workspace's latest."""
        return self._latest(
            "slack_installations", enterprise_id, team_id, is_enterprise_install, user_id
        )

    def _latest(
        self,
        table: str,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool,
        user_id: str | None = None,
    ) -> Document | None:
        """The newest document of `table` for the workspace, else for its organisation."""
        for condition, params in _candidates(enterprise_id, team_id, is_enterprise_install):
            where, values = condition, params
            if user_id is not None:
                where, values = f"{condition} AND user_id = ?", (*params, user_id)
            row = self._db.one(
                f"SELECT document FROM {table} WHERE {where}"  # noqa: S608
                " ORDER BY installed_at DESC LIMIT 1",
                values,
            )
            if row is not None:
                return self._open(row)
        return None

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> int:
        """An installer's install of the workspace, or every install of it without `user_id`."""
        where = "enterprise_id = ? AND team_id = ?"
        params: tuple[str, ...] = (enterprise_id or "", team_id or ORG_WIDE)
        if user_id is not None:
            where, params = f"{where} AND user_id = ?", (*params, user_id)
        return self._db.write(f"DELETE FROM slack_installations WHERE {where}", params)  # noqa: S608

    def workspaces(self) -> list[tuple[str | None, str | None]]:
        """(enterprise id, team id) of every workspace or organisation with a bot, team None
        for an org-wide install."""
        rows = self._db.all(
            "SELECT enterprise_id, team_id FROM slack_bots"
            " ORDER BY installed_at, enterprise_id, team_id"
        )
        return [(row["enterprise_id"] or None, row["team_id"] or None) for row in rows]

    # --- forgetting ---

    def forget(self, key: UserKey) -> Forgotten:
        """The person's own installs (their user token, if they installed cmbot with one);
        the workspace's bot stays, so the workspace keeps its app."""
        removed = self._db.write(
            "DELETE FROM slack_installations WHERE user_id = ? AND team_id = ?",
            (key.user_id, key.team_id),
        )
        if key.enterprise_id:  # Grid user ids are the organisation's: its org-wide install
            removed += self._db.write(
                """
                DELETE FROM slack_installations
                WHERE user_id = ? AND enterprise_id = ? AND team_id = ?
                """,
                (key.user_id, key.enterprise_id, ORG_WIDE),
            )
        return counted({"Slack install records": removed})

    def forget_teams(self, team_ids: Sequence[str]) -> Forgotten:
        bots = self._delete_teams("slack_bots", team_ids)
        installs = self._delete_teams("slack_installations", team_ids)
        return counted({"Slack installations": bots + installs})

    def reencrypt(self) -> int:
        """Move every document under the first key (inside the caller's transaction)."""
        changed = 0
        for table in ("slack_bots", "slack_installations"):
            rows = self._db.all(f"SELECT rowid, document FROM {table}")  # noqa: S608
            for row in rows:
                rotated = self._cipher.rotated(row["document"])
                if rotated is not None:
                    self._db.write(
                        f"UPDATE {table} SET document = ? WHERE rowid = ?",  # noqa: S608
                        (rotated, row["rowid"]),
                    )
                    changed += 1
        return changed


INSTALL_STATE_RETENTION = timedelta(days=1)


class InstallStates(Repository):
    """The `slack_install_states` table: the install flow's single-use states, stored only
    as a keyed digest (the caller's), so the database alone cannot complete an install."""

    OTHER_TABLES: ClassVar = ("slack_install_states",)

    def __init__(self, db: Database) -> None:
        self._db = db

    def issue(self, digest: str, *, ttl: timedelta, now: datetime | None = None) -> None:
        moment = utc(now)
        with self._db.transaction():
            self._db.write(
                "DELETE FROM slack_install_states WHERE expires_at < ?",
                (iso(moment - INSTALL_STATE_RETENTION),),
            )
            self._db.write(
                "INSERT INTO slack_install_states (state_digest, expires_at) VALUES (?, ?)",
                (digest, iso(moment + ttl)),
            )

    def consume(self, digest: str, *, now: datetime | None = None) -> bool:
        """True once for a state issued and not expired; False for anything else."""
        removed = self._db.write(
            "DELETE FROM slack_install_states WHERE state_digest = ? AND expires_at > ?",
            (digest, iso(now)),
        )
        return removed == 1

    def forget(self, key: UserKey) -> Forgotten:
        return {}

    def forget_teams(self, team_ids: Sequence[str]) -> Forgotten:
        return {}
