"""What every repository promises: it can forget one person, and whole workspaces.

`Store.forget_person` and `Store.forget_workspaces` call every repository, and `forget` and
`forget_teams` are abstract, so a new concern cannot be left out of "forget": its repository
does not even build until it says what forgetting means for its rows. Each repository also
names the tables it owns (the suite checks every table has exactly one owner), and for the
tables that hold rows about a Slack user, which column names the user beside `team_id`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import ClassVar

from bot.clustermarket.tokens import UserKey
from bot.store.database import Database

Forgotten = dict[str, int]
"""What a forget removed or changed: a short description ("linked account") and a count."""


def counted(counts: Forgotten) -> Forgotten:
    """The non-zero counts only."""
    return {name: count for name, count in counts.items() if count}


def merge(results: Sequence[Forgotten]) -> Forgotten:
    merged: Forgotten = {}
    for result in results:
        for name, count in result.items():
            merged[name] = merged.get(name, 0) + count
    return merged


def placeholders(values: Sequence[str]) -> str:
    """`?, ?, ?` for an `IN (…)` of these values (the values themselves are always bound)."""
    return ", ".join("?" for _ in values)


class Repository(ABC):
    """One concern's tables."""

    PEOPLE: ClassVar[Mapping[str, str]] = {}
    """Tables with rows about a Slack user: table name -> the column holding the user id."""
    GRID: ClassVar[tuple[str, ...]] = ()
    """Tables with an `enterprise_id` column beside `team_id` (Enterprise Grid)."""
    OTHER_TABLES: ClassVar[tuple[str, ...]] = ()
    """Tables it owns that name no Slack user."""

    _db: Database

    @classmethod
    def tables(cls) -> tuple[str, ...]:
        return (*cls.PEOPLE, *cls.OTHER_TABLES)

    @abstractmethod
    def forget(self, key: UserKey) -> Forgotten:
        """Remove (or, where others depend on a row, detach) everything about `key`."""

    @abstractmethod
    def forget_teams(self, team_ids: Sequence[str]) -> Forgotten:
        """Remove every row of these workspaces (the app was uninstalled from them)."""

    def teams_of(self, user_id: str) -> set[str]:
        """The workspaces (team ids) where rows about this Slack user id exist."""
        teams: set[str] = set()
        for table, column in self.PEOPLE.items():
            rows = self._db.all(
                f"SELECT DISTINCT team_id FROM {table} WHERE {column} = ?",  # noqa: S608
                (user_id,),
            )
            teams.update(str(row["team_id"]) for row in rows if row["team_id"])
        return teams

    def mentions(self, key: UserKey) -> int:
        """How many rows are about `key` (0 once forgotten)."""
        total = 0
        for table, column in self.PEOPLE.items():
            row = self._db.one(
                f"SELECT COUNT(*) AS n FROM {table} WHERE team_id = ? AND {column} = ?",  # noqa: S608
                (key.team_id, key.user_id),
            )
            total += int(row["n"]) if row else 0
        return total

    def teams_in(self, enterprise_id: str) -> set[str]:
        """The workspaces of an Enterprise Grid organisation that rows here know of."""
        teams: set[str] = set()
        for table in self.GRID:
            rows = self._db.all(
                f"SELECT DISTINCT team_id FROM {table} WHERE enterprise_id = ?",  # noqa: S608
                (enterprise_id,),
            )
            teams.update(str(row["team_id"]) for row in rows if row["team_id"])
        return teams

    def _delete_person(self, table: str, key: UserKey) -> int:
        """DELETE the rows of `table` (one of PEOPLE) about `key`; rows deleted."""
        return self._db.write(
            f"DELETE FROM {table} WHERE team_id = ? AND {self.PEOPLE[table]} = ?",  # noqa: S608
            (key.team_id, key.user_id),
        )

    def _delete_teams(self, table: str, team_ids: Sequence[str]) -> int:
        """DELETE every row of `table` in these workspaces; rows deleted."""
        if not team_ids:
            return 0
        return self._db.write(
            f"DELETE FROM {table} WHERE team_id IN ({placeholders(team_ids)})",  # noqa: S608
            tuple(team_ids),
        )
