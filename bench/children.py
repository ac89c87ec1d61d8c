"""The bot in child processes, as the benchmarks run it: old code or new, its settings, its
memory.

"old" in a benchmark is this repository at a commit, exported with `git archive` into a
temporary folder and run from there as a child process, so no old code path has to stay in
the bot to be compared.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bot.fake_slack import FakeSlack
from bot.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox

ROOT = Path(__file__).resolve().parent.parent
BEFORE_ISSUE_12 = "91483e4"
"""main before the work of issue 12 (500 people at once)."""


@contextmanager
def old_tree(ref: str) -> Iterator[Path]:
    """The repository at `ref`, exported into a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="cmbot-old-") as folder:
        archive = subprocess.run(  # noqa: S603 - git, a fixed argument list
            ["git", "-C", str(ROOT), "archive", ref],  # noqa: S607
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)  # noqa: S603, S607
        yield Path(folder)


def memory_mib(pid: int) -> tuple[float, float]:
    """(resident now, peak resident) of a running process, in MiB."""
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def child_env(
    fake: FakeSlack, sandbox: Sandbox, database: Path, key: str, tree: Path = ROOT
) -> dict[str, str]:
    """Settings for a bot child (code from `tree`) between this fake Slack and sandbox; none of
    the shell's own Slack or Clustermarket settings (an app token would switch the mode)."""
    outside = (name for name in os.environ if not name.startswith(("SLACK_", "CLUSTERMARKET_")))
    return {
        **{name: os.environ[name] for name in outside},
        "PYTHONPATH": str(tree),
        "SLACK_BOT_TOKEN": fake.bot_token,
        "SLACK_API_URL": fake.api_url,
        "CLUSTERMARKET_API_URL": sandbox.api_url,
        "CLUSTERMARKET_OAUTH_URL": sandbox.oauth_url,
        "CLUSTERMARKET_CLIENT_ID": DEMO_CLIENT_ID,
        "CLUSTERMARKET_CLIENT_SECRET": DEMO_CLIENT_SECRET,
        "DATABASE_PATH": str(database),
        "TOKEN_ENCRYPTION_KEY": key,
    }


@dataclass(frozen=True)
class LinkRow:
    """A Slack user linked to a Clustermarket user, with tokens granted by the sandbox."""

    team_id: str
    user_id: str
    cm_user_id: int
    cm_user_name: str
    access_token: str
    refresh_token: str
    expires_at: str
    scopes: str = ""
    tz: str | None = None
    """Cached as the user's Slack time zone, as `digest on` leaves it."""


def granted_link(
    sandbox: Sandbox,
    team_id: str,
    user_id: str,
    cm_user_id: int,
    expires_at: str,
    *,
    name: str,
    scopes: str = "",
    tz: str | None = None,
) -> LinkRow:
    """A link for `user_id` to sandbox user `cm_user_id`, with tokens the sandbox grants."""
    grant = sandbox.grant_tokens(cm_user_id)
    access, refresh = str(grant["access_token"]), str(grant["refresh_token"])
    return LinkRow(team_id, user_id, cm_user_id, name, access, refresh, expires_at, scopes, tz)


@dataclass
class Seed:
    """What a benchmark's database starts with: links, and digests (`Subscriptions.save`'s
    keyword arguments)."""

    links: list[LinkRow] = field(default_factory=list)
    subscriptions: list[dict[str, Any]] = field(default_factory=list)


_WRITE_SEED = """
import datetime as dt, json, sys
from bot.clustermarket.tokens import TokenSet, UserKey
from bot.store import Store
plan = json.load(sys.stdin)
with Store(plan["path"], [plan["key"]]) as store:
    for row in plan["links"]:
        key = UserKey(row["team_id"], row["user_id"])
        expires = dt.datetime.fromisoformat(row["expires_at"])
        tokens = TokenSet(row["access_token"], row["refresh_token"], expires, row["scopes"])
        store.links.save(
            key, cm_user_id=row["cm_user_id"], cm_user_name=row["cm_user_name"], tokens=tokens
        )
        if row["tz"]:
            store.slack.cache_tz(key, row["tz"])
    for subscription in plan["subscriptions"]:
        store.subscriptions.save(**subscription)
"""


def write_seed(tree: Path, database: Path, key: str, seed: Seed) -> None:
    """Write `seed` into a new database with the store of the code at `tree`, so an old bot
    gets the schema it understands (a newer one refuses a database migrated past it)."""
    plan = {
        "path": str(database),
        "key": key,
        "links": [asdict(row) for row in seed.links],
        "subscriptions": seed.subscriptions,
    }
    subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", _WRITE_SEED],
        input=json.dumps(plan).encode(),
        env={**os.environ, "PYTHONPATH": str(tree)},
        cwd=tree,
        check=True,
    )
